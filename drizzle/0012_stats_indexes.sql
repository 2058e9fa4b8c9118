DROP INDEX `users_last_seen`;--> statement-breakpoint
DROP INDEX `users_created`;--> statement-breakpoint
CREATE INDEX `users_last_seen` ON `users` (`last_seen_at`,`status`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`created_at`,`status`);--> statement-breakpoint
CREATE INDEX `star_payments_by_entry` ON `star_payments` (`entry_id`);--> statement-breakpoint
CREATE INDEX `star_payments_refunded` ON `star_payments` (`refunded_at`) WHERE refunded_at IS NOT NULL;