CREATE TABLE `star_payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`charge_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`telegram_id` integer NOT NULL,
	`topup_id` integer,
	`stars` integer NOT NULL,
	`credit_minor` integer NOT NULL,
	`entry_id` integer NOT NULL,
	`source` text NOT NULL,
	`refund_status` text DEFAULT 'none' NOT NULL,
	`refund_hold_id` integer,
	`paid_at` integer NOT NULL,
	`refunded_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`topup_id`) REFERENCES `topups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refund_hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "star_payments_stars" CHECK(typeof("star_payments"."stars") = 'integer' AND "star_payments"."stars" > 0),
	CONSTRAINT "star_payments_credit" CHECK(typeof("star_payments"."credit_minor") = 'integer' AND "star_payments"."credit_minor" > 0),
	CONSTRAINT "star_payments_refund_status" CHECK("star_payments"."refund_status" IN ('none', 'pending', 'refunded')),
	CONSTRAINT "star_payments_source" CHECK("star_payments"."source" IN ('update', 'reconciliation'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `star_payments_charge` ON `star_payments` (`charge_id`);--> statement-breakpoint
CREATE INDEX `star_payments_by_user` ON `star_payments` (`user_id`);--> statement-breakpoint
CREATE TABLE `topups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`payload` text NOT NULL,
	`stars` integer NOT NULL,
	`credit_minor` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "topups_stars" CHECK(typeof("topups"."stars") = 'integer' AND "topups"."stars" > 0),
	CONSTRAINT "topups_credit" CHECK(typeof("topups"."credit_minor") = 'integer' AND "topups"."credit_minor" > 0),
	CONSTRAINT "topups_status" CHECK("topups"."status" IN ('open', 'paid'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `topups_payload` ON `topups` (`payload`);