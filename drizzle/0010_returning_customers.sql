CREATE TABLE `favourite_services` (
	`user_id` integer NOT NULL,
	`service_code` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `service_code`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `orders_awaiting_topup` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stock_watches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`created_at` integer NOT NULL,
	`notified_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stock_watches_open` ON `stock_watches` (`user_id`,`service_code`,`country_code`) WHERE notified_at IS NULL;--> statement-breakpoint
CREATE INDEX `stock_watches_pair` ON `stock_watches` (`service_code`,`country_code`);--> statement-breakpoint
ALTER TABLE `users` ADD `time_zone` text;