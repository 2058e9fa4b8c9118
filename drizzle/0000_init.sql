CREATE TABLE `balances` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`posted` integer DEFAULT 0 NOT NULL,
	`held` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "balances_integer" CHECK(typeof("balances"."posted") = 'integer' AND typeof("balances"."held") = 'integer'),
	CONSTRAINT "balances_held_non_negative" CHECK("balances"."held" >= 0),
	CONSTRAINT "balances_available_non_negative" CHECK("balances"."posted" - "balances"."held" >= 0)
);
--> statement-breakpoint
CREATE TABLE `holds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`ref_type` text NOT NULL,
	`ref_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "holds_amount_positive_integer" CHECK(typeof("holds"."amount") = 'integer' AND "holds"."amount" > 0),
	CONSTRAINT "holds_status_known" CHECK("holds"."status" IN ('open', 'captured', 'voided')),
	CONSTRAINT "holds_settled_when_closed" CHECK(("holds"."status" = 'open') = ("holds"."settled_at" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `holds_idempotency_key` ON `holds` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `holds_open_by_user` ON `holds` (`user_id`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `kv_store` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `key`)
);
--> statement-breakpoint
CREATE INDEX `kv_store_updated` ON `kv_store` (`namespace`,`updated_at`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`ref_type` text NOT NULL,
	`ref_id` text NOT NULL,
	`hold_id` integer,
	`idempotency_key` text NOT NULL,
	`memo` text,
	`actor_telegram_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_amount_integer" CHECK(typeof("ledger_entries"."amount") = 'integer' AND "ledger_entries"."amount" <> 0),
	CONSTRAINT "ledger_balance_after_integer" CHECK(typeof("ledger_entries"."balance_after") = 'integer'),
	CONSTRAINT "ledger_kind_known" CHECK("ledger_entries"."kind" IN ('topup', 'purchase', 'refund', 'adjustment', 'payment_refund', 'forfeit')),
	CONSTRAINT "ledger_kind_sign" CHECK(("ledger_entries"."kind" IN ('topup', 'refund') AND "ledger_entries"."amount" > 0)
      OR ("ledger_entries"."kind" IN ('purchase', 'payment_refund', 'forfeit') AND "ledger_entries"."amount" < 0)
      OR "ledger_entries"."kind" = 'adjustment')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_idempotency_key` ON `ledger_entries` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_one_capture_per_hold` ON `ledger_entries` (`hold_id`) WHERE hold_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `ledger_by_user` ON `ledger_entries` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_by_ref` ON `ledger_entries` (`ref_type`,`ref_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`telegram_id` integer NOT NULL,
	`username` text,
	`first_name` text,
	`last_name` text,
	`language` text DEFAULT 'en' NOT NULL,
	`language_chosen` integer DEFAULT false NOT NULL,
	`terms_accepted_at` integer,
	`news_opt_out` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`block_reason` text,
	`balance_frozen` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`deleted_at` integer,
	CONSTRAINT "users_status_known" CHECK("users"."status" IN ('active', 'blocked', 'deleted')),
	CONSTRAINT "users_language_known" CHECK("users"."language" IN ('en', 'ru')),
	CONSTRAINT "users_times_integer" CHECK(typeof("users"."created_at") = 'integer' AND typeof("users"."last_seen_at") = 'integer'),
	CONSTRAINT "users_frozen_only_blocked" CHECK("users"."balance_frozen" = 0 OR "users"."status" <> 'active')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_live_telegram_id` ON `users` (`telegram_id`) WHERE status <> 'deleted';--> statement-breakpoint
CREATE INDEX `users_username` ON `users` (`username`);