CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` integer NOT NULL,
	`user_id` integer,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`at_most_once` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`ref` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "outbox_status" CHECK("outbox"."status" IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'dropped', 'cancelled')),
	CONSTRAINT "outbox_settled_when_closed" CHECK(("outbox"."status" IN ('pending', 'sending')) = ("outbox"."settled_at" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`priority`,`next_attempt_at`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_open_by_chat` ON `outbox` (`chat_id`,`id`) WHERE status IN ('pending', 'sending');--> statement-breakpoint
CREATE INDEX `outbox_by_ref` ON `outbox` (`ref`,`status`);--> statement-breakpoint
CREATE TABLE `purchase_quotes` (
	`order_key` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`price` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "purchase_quotes_price" CHECK(typeof("purchase_quotes"."price") = 'integer' AND "purchase_quotes"."price" > 0)
);
--> statement-breakpoint
CREATE INDEX `purchase_quotes_created` ON `purchase_quotes` (`created_at`);--> statement-breakpoint
DROP INDEX `activation_sms_undelivered`;