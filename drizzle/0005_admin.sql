CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`admin_telegram_id` integer NOT NULL,
	`action` text NOT NULL,
	`target_user_id` integer,
	`target_ref` text,
	`amount` integer,
	`reason` text,
	`details` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`target_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_by_time` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_by_target` ON `audit_log` (`target_user_id`);--> statement-breakpoint
CREATE TABLE `broadcast_deliveries` (
	`broadcast_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`updated_at` integer,
	PRIMARY KEY(`broadcast_id`, `user_id`),
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "broadcast_deliveries_status" CHECK("broadcast_deliveries"."status" IN ('pending', 'sent', 'blocked', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `broadcast_deliveries_pending` ON `broadcast_deliveries` (`broadcast_id`) WHERE status = 'pending';--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`admin_telegram_id` integer NOT NULL,
	`text` text,
	`from_chat_id` integer,
	`from_message_id` integer,
	`status` text DEFAULT 'running' NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`progress_chat_id` integer,
	`progress_message_id` integer,
	CONSTRAINT "broadcasts_status" CHECK("broadcasts"."status" IN ('running', 'cancelled', 'done'))
);
--> statement-breakpoint
CREATE TABLE `inactivity_warnings` (
	`user_id` integer NOT NULL,
	`days_before` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `days_before`, `last_seen_at`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `users` ADD `bot_blocked_at` integer;