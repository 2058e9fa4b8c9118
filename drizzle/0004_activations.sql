CREATE TABLE `activation_sms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activation_id` integer NOT NULL,
	`provider_sms_id` text NOT NULL,
	`text` text NOT NULL,
	`code` text,
	`received_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`activation_id`) REFERENCES `activations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activation_sms_once` ON `activation_sms` (`activation_id`,`provider_sms_id`);--> statement-breakpoint
CREATE INDEX `activation_sms_undelivered` ON `activation_sms` (`activation_id`) WHERE delivered_at IS NULL;--> statement-breakpoint
CREATE TABLE `activations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`order_key` text NOT NULL,
	`service_code` text NOT NULL,
	`service_name` text NOT NULL,
	`country_code` text NOT NULL,
	`country_name` text NOT NULL,
	`country_iso2` text,
	`price` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`hold_id` integer NOT NULL,
	`provider` text NOT NULL,
	`provider_id` text,
	`phone` text,
	`state` text DEFAULT 'reserving' NOT NULL,
	`end_reason` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`first_code_at` integer,
	`ended_at` integer,
	`reminded_at` integer,
	`cancel_allowed_at` integer,
	`card_chat_id` integer,
	`card_message_id` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "activations_state" CHECK("activations"."state" IN ('reserving', 'waiting', 'cancelling', 'received', 'finished', 'cancelled', 'banned', 'expired', 'failed')),
	CONSTRAINT "activations_price" CHECK(typeof("activations"."price") = 'integer' AND "activations"."price" > 0),
	CONSTRAINT "activations_issued" CHECK("activations"."state" IN ('reserving', 'failed') OR ("activations"."provider_id" IS NOT NULL AND "activations"."phone" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activations_order_key` ON `activations` (`order_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `activations_hold` ON `activations` (`hold_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `activations_provider_id` ON `activations` (`provider`,`provider_id`) WHERE provider_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `activations_open` ON `activations` (`state`) WHERE state IN ('reserving', 'waiting', 'cancelling', 'received');--> statement-breakpoint
CREATE INDEX `activations_by_user` ON `activations` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `buying_suspensions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `buying_suspensions_by_user` ON `buying_suspensions` (`user_id`,`ends_at`);