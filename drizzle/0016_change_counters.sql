CREATE TABLE `change_counters` (
	`name` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- The counter the polling tick reads to know whether its copy of the open activations and their
-- stored SMS still holds. A table rebuild of `activations` or `activation_sms` by a later migration
-- drops these triggers: re-create them there (test/db/migrations.test.ts checks they exist).
INSERT INTO `change_counters` (`name`, `n`) VALUES ('open-activations', 0);
--> statement-breakpoint
CREATE TRIGGER `open_activations_insert` AFTER INSERT ON `activations`
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
--> statement-breakpoint
CREATE TRIGGER `open_activations_change` AFTER UPDATE OF state, provider_id ON `activations`
WHEN NEW.state IS NOT OLD.state OR NEW.provider_id IS NOT OLD.provider_id
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
--> statement-breakpoint
CREATE TRIGGER `open_activations_delete` AFTER DELETE ON `activations`
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
--> statement-breakpoint
CREATE TRIGGER `open_activation_sms_insert` AFTER INSERT ON `activation_sms`
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
--> statement-breakpoint
CREATE TRIGGER `open_activation_sms_change` AFTER UPDATE OF activation_id, provider_sms_id ON `activation_sms`
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
--> statement-breakpoint
CREATE TRIGGER `open_activation_sms_delete` AFTER DELETE ON `activation_sms`
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'open-activations';
END;
