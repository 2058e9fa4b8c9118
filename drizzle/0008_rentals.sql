CREATE TABLE `rent_offers` (
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`hours` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`price` integer NOT NULL,
	`stock` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`service_code`, `country_code`, `hours`),
	CONSTRAINT "rent_offers_price" CHECK(typeof("rent_offers"."price") = 'integer' AND "rent_offers"."price" > 0),
	CONSTRAINT "rent_offers_hours" CHECK(typeof("rent_offers"."hours") = 'integer' AND "rent_offers"."hours" > 0)
);
--> statement-breakpoint
CREATE TABLE `rent_quotes` (
	`order_key` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`rental_id` integer,
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`hours` integer NOT NULL,
	`price` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rent_quotes_kind" CHECK("rent_quotes"."kind" IN ('rent', 'extend')),
	CONSTRAINT "rent_quotes_price" CHECK(typeof("rent_quotes"."price") = 'integer' AND "rent_quotes"."price" > 0)
);
--> statement-breakpoint
CREATE INDEX `rent_quotes_created` ON `rent_quotes` (`created_at`);--> statement-breakpoint
CREATE TABLE `rental_extensions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rental_id` integer NOT NULL,
	`order_key` text NOT NULL,
	`hours` integer NOT NULL,
	`price` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`hold_id` integer NOT NULL,
	`state` text DEFAULT 'reserving' NOT NULL,
	`ends_before` integer NOT NULL,
	`fail_reason` text,
	`created_at` integer NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rental_extensions_state" CHECK("rental_extensions"."state" IN ('reserving', 'done', 'failed')),
	CONSTRAINT "rental_extensions_price" CHECK(typeof("rental_extensions"."price") = 'integer' AND "rental_extensions"."price" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rental_extensions_order_key` ON `rental_extensions` (`order_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `rental_extensions_hold` ON `rental_extensions` (`hold_id`);--> statement-breakpoint
CREATE INDEX `rental_extensions_by_rental` ON `rental_extensions` (`rental_id`);--> statement-breakpoint
CREATE TABLE `rental_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rental_id` integer NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`reported_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`resolved_at` integer,
	`refunded_days` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rental_problems_state" CHECK("rental_problems"."state" IN ('open', 'confirmed', 'dismissed', 'resolved'))
);
--> statement-breakpoint
CREATE INDEX `rental_problems_by_rental` ON `rental_problems` (`rental_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rental_problems_one_open` ON `rental_problems` (`rental_id`) WHERE state IN ('open', 'confirmed');--> statement-breakpoint
CREATE TABLE `rental_sms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rental_id` integer NOT NULL,
	`provider_sms_id` text NOT NULL,
	`sender` text,
	`text` text NOT NULL,
	`code` text,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rental_sms_once` ON `rental_sms` (`rental_id`,`provider_sms_id`);--> statement-breakpoint
CREATE INDEX `rental_sms_by_rental` ON `rental_sms` (`rental_id`,`id`);--> statement-breakpoint
CREATE TABLE `rentals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`order_key` text NOT NULL,
	`service_code` text NOT NULL,
	`service_name` text NOT NULL,
	`country_code` text NOT NULL,
	`country_name` text NOT NULL,
	`country_iso2` text,
	`hours` integer NOT NULL,
	`price` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`hold_id` integer NOT NULL,
	`provider` text NOT NULL,
	`provider_id` text,
	`phone` text,
	`state` text DEFAULT 'reserving' NOT NULL,
	`end_reason` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ends_at` integer,
	`cancel_until` integer,
	`ended_at` integer,
	`card_chat_id` integer,
	`card_message_id` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rentals_state" CHECK("rentals"."state" IN ('reserving', 'active', 'cancelling', 'ending', 'expired', 'finished', 'cancelled', 'revoked', 'failed')),
	CONSTRAINT "rentals_price" CHECK(typeof("rentals"."price") = 'integer' AND "rentals"."price" > 0),
	CONSTRAINT "rentals_issued" CHECK("rentals"."state" IN ('reserving', 'failed') OR ("rentals"."provider_id" IS NOT NULL AND "rentals"."phone" IS NOT NULL AND "rentals"."ends_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rentals_order_key` ON `rentals` (`order_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `rentals_hold` ON `rentals` (`hold_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rentals_provider_id` ON `rentals` (`provider`,`provider_id`) WHERE provider_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `rentals_open` ON `rentals` (`state`) WHERE state IN ('reserving', 'active', 'cancelling', 'ending');--> statement-breakpoint
CREATE INDEX `rentals_by_user` ON `rentals` (`user_id`,`id`);