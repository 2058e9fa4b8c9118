import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/db/open.ts";

const TRIGGERS = [
  "holds_no_delete",
  "holds_open_on_insert",
  "holds_release",
  "holds_reserve",
  "holds_settle_once",
  "ledger_entries_balance_after",
  "ledger_entries_capture_matches_hold",
  "ledger_entries_no_delete",
  "ledger_entries_no_update",
  "ledger_entries_post",
  "open_activation_sms_change",
  "open_activation_sms_delete",
  "open_activation_sms_insert",
  "open_activations_change",
  "open_activations_delete",
  "open_activations_insert",
  "outbox_ref_counts_delete",
  "outbox_ref_counts_insert",
  "outbox_ref_counts_move",
  "users_no_delete",
];

describe("database set-up", () => {
  it("creates the folder and file, applies every migration, and keeps the ledger, outbox-count and open-activation counter triggers", () => {
    const dir = mkdtempSync(join(tmpdir(), "db-"));
    try {
      const path = join(dir, "nested", "bot.sqlite");
      const store = openStore(path);
      const triggers = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
      expect(triggers).toEqual(expect.arrayContaining(TRIGGERS));
      expect(store.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      // Durability of the ledger: 2 = FULL (a commit survives a power cut), not 1 = NORMAL.
      expect(store.sqlite.pragma("synchronous", { simple: true })).toBe(2);
      expect(store.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(store.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
      store.close();
      // Opening again applies nothing twice.
      const again = openStore(path);
      expect(again.sqlite.prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get()).toBeGreaterThanOrEqual(2);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps migration timestamps strictly increasing (the migrator skips one that is not newer)", async () => {
    const journal = (await import("../../drizzle/meta/_journal.json", { with: { type: "json" } })).default as {
      entries: Array<{ when: number; tag: string }>;
    };
    for (let i = 1; i < journal.entries.length; i++) {
      expect(journal.entries[i]!.when, journal.entries[i]!.tag).toBeGreaterThan(journal.entries[i - 1]!.when);
    }
  });
});
