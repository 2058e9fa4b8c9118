CREATE TABLE `outbox_ref_counts` (
	`ref` text NOT NULL,
	`status` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`ref`, `status`)
);
--> statement-breakpoint
DROP INDEX `ledger_by_user`;--> statement-breakpoint
CREATE INDEX `ledger_by_user` ON `ledger_entries` (`user_id`,`id`,`amount`,`balance_after`);--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `left_out` integer;