-- outbox_ref_counts follows every outbox row that has a ref (a broadcast's recipients): one count
-- per ref and status, moved in the same statement as the row, so that a progress report reads a
-- few rows instead of counting 100,000. A table rebuild of `outbox` by a later migration drops
-- these triggers: re-create them there (test/db/migrations.test.ts checks they exist).

INSERT INTO `outbox_ref_counts` (`ref`, `status`, `n`)
SELECT `ref`, `status`, count(*) FROM `outbox` WHERE `ref` IS NOT NULL GROUP BY `ref`, `status`;
--> statement-breakpoint
CREATE TRIGGER `outbox_ref_counts_insert` AFTER INSERT ON `outbox`
WHEN NEW.ref IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO outbox_ref_counts (ref, status, n) VALUES (NEW.ref, NEW.status, 0);
  UPDATE outbox_ref_counts SET n = n + 1 WHERE ref = NEW.ref AND status = NEW.status;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_ref_counts_move` AFTER UPDATE OF status, ref ON `outbox`
WHEN (OLD.ref IS NOT NULL OR NEW.ref IS NOT NULL) AND (NEW.status IS NOT OLD.status OR NEW.ref IS NOT OLD.ref)
BEGIN
  UPDATE outbox_ref_counts SET n = n - 1 WHERE ref = OLD.ref AND status = OLD.status;
  INSERT OR IGNORE INTO outbox_ref_counts (ref, status, n) SELECT NEW.ref, NEW.status, 0 WHERE NEW.ref IS NOT NULL;
  UPDATE outbox_ref_counts SET n = n + 1 WHERE ref = NEW.ref AND status = NEW.status;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_ref_counts_delete` AFTER DELETE ON `outbox`
WHEN OLD.ref IS NOT NULL
BEGIN
  UPDATE outbox_ref_counts SET n = n - 1 WHERE ref = OLD.ref AND status = OLD.status;
END;
