CREATE TABLE `refund_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_key` text NOT NULL,
	`user_id` integer NOT NULL,
	`payment_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`reason_text` text,
	`service` text,
	`status` text DEFAULT 'open' NOT NULL,
	`hold_id` integer,
	`method` text,
	`decided_by` integer,
	`decision_note` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `star_payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refund_requests_amount" CHECK(typeof("refund_requests"."amount") = 'integer' AND "refund_requests"."amount" > 0),
	CONSTRAINT "refund_requests_status" CHECK("refund_requests"."status" IN ('open', 'approving', 'approved', 'refused', 'withdrawn')),
	CONSTRAINT "refund_requests_reason" CHECK("refund_requests"."reason" IN ('not_provided', 'carrier_failure', 'changed_mind', 'accidental', 'left_unused', 'misunderstood', 'other')),
	CONSTRAINT "refund_requests_method" CHECK("refund_requests"."method" IS NULL OR "refund_requests"."method" IN ('stars', 'outside'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refund_requests_key` ON `refund_requests` (`request_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `refund_requests_one_active` ON `refund_requests` (`payment_id`) WHERE status IN ('open', 'approving');--> statement-breakpoint
CREATE INDEX `refund_requests_by_status` ON `refund_requests` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `refund_requests_by_user` ON `refund_requests` (`user_id`);--> statement-breakpoint
CREATE TABLE `support_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`direction` text NOT NULL,
	`admin_telegram_id` integer,
	`text` text NOT NULL,
	`source_key` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "support_messages_direction" CHECK("support_messages"."direction" IN ('in', 'out'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_messages_source` ON `support_messages` (`source_key`);--> statement-breakpoint
CREATE INDEX `support_messages_by_user` ON `support_messages` (`user_id`,`id`);