DROP INDEX `outbox_due`;--> statement-breakpoint
DROP INDEX `outbox_open_by_chat`;--> statement-breakpoint
CREATE INDEX `outbox_pending_order` ON `outbox` (`priority`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_pending_by_chat` ON `outbox` (`chat_id`,`priority`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_sending_by_chat` ON `outbox` (`chat_id`) WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX `outbox_pending_due` ON `outbox` (`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_by_user_ref` ON `outbox` (`user_id`,`ref`);--> statement-breakpoint
CREATE INDEX `activations_by_time` ON `activations` (`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_by_time` ON `ledger_entries` (`created_at`);--> statement-breakpoint
CREATE INDEX `users_last_seen` ON `users` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`created_at`);--> statement-breakpoint
CREATE INDEX `users_username_lower` ON `users` (lower("username"));