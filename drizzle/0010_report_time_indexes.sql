CREATE INDEX `activations_by_time` ON `activations` (`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_by_time` ON `ledger_entries` (`created_at`);--> statement-breakpoint
CREATE INDEX `users_last_seen` ON `users` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`created_at`);