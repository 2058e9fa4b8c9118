-- The ledger is the one place money moves. These triggers make the store itself refuse what the
-- code must never do: edit or delete an entry, settle a hold twice, or let a balance drift from
-- its entries. Balances move only as a side effect of inserting entries and opening/settling holds.
-- A table rebuild by a later migration drops triggers: re-create them there (test/db/migrations.test.ts checks).

CREATE TRIGGER `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_balance_after` BEFORE INSERT ON `ledger_entries`
WHEN NEW.balance_after IS NOT (SELECT posted FROM balances WHERE user_id = NEW.user_id) + NEW.amount
BEGIN
  SELECT RAISE(ABORT, 'balance_after does not follow the ledger');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_capture_matches_hold` BEFORE INSERT ON `ledger_entries`
WHEN NEW.hold_id IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM holds h
  WHERE h.id = NEW.hold_id AND h.status = 'captured' AND h.user_id = NEW.user_id AND h.amount = -NEW.amount
)
BEGIN
  SELECT RAISE(ABORT, 'a capture entry must match a captured hold');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_post` AFTER INSERT ON `ledger_entries`
BEGIN
  UPDATE balances SET posted = posted + NEW.amount WHERE user_id = NEW.user_id;
END;
--> statement-breakpoint
CREATE TRIGGER `holds_open_on_insert` BEFORE INSERT ON `holds`
WHEN NEW.status <> 'open'
BEGIN
  SELECT RAISE(ABORT, 'a hold starts open');
END;
--> statement-breakpoint
CREATE TRIGGER `holds_reserve` AFTER INSERT ON `holds`
BEGIN
  UPDATE balances SET held = held + NEW.amount WHERE user_id = NEW.user_id;
END;
--> statement-breakpoint
CREATE TRIGGER `holds_settle_once` BEFORE UPDATE ON `holds`
WHEN OLD.status <> 'open'
  OR NEW.amount IS NOT OLD.amount
  OR NEW.user_id IS NOT OLD.user_id
  OR NEW.idempotency_key IS NOT OLD.idempotency_key
BEGIN
  SELECT RAISE(ABORT, 'a hold is settled exactly once and never changed');
END;
--> statement-breakpoint
CREATE TRIGGER `holds_release` AFTER UPDATE OF status ON `holds`
WHEN OLD.status = 'open' AND NEW.status <> 'open'
BEGIN
  UPDATE balances SET held = held - OLD.amount WHERE user_id = OLD.user_id;
END;
--> statement-breakpoint
CREATE TRIGGER `holds_no_delete` BEFORE DELETE ON `holds`
BEGIN
  SELECT RAISE(ABORT, 'holds are kept forever');
END;
--> statement-breakpoint
CREATE TRIGGER `users_no_delete` BEFORE DELETE ON `users`
BEGIN
  SELECT RAISE(ABORT, 'accounts are never deleted from the store (POLICY B5): mark them deleted');
END;
