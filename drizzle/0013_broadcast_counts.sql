CREATE TABLE `outbox_ref_counts` (
	`ref` text NOT NULL,
	`status` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`ref`, `status`)
);
--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `left_out` integer;