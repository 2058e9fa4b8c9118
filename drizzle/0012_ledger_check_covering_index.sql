DROP INDEX `ledger_by_user`;--> statement-breakpoint
CREATE INDEX `ledger_by_user` ON `ledger_entries` (`user_id`,`id`,`amount`,`balance_after`);