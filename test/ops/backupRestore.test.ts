import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backupName, listBackups, takeBackup } from "../../src/db/backup.ts";
import { openStore } from "../../src/db/open.ts";
import { Accounts } from "../../src/domain/accounts.ts";
import { Ledger } from "../../src/domain/ledger.ts";
import { restoreBackup } from "../../src/ops/restore.ts";

/* Backups (BACKUP_DIR, BACKUP_KEEP) and `npm run restore`, on real files. */

const T0 = Date.UTC(2026, 0, 15, 3, 30, 0);

function shopWithMoney(path: string) {
  const store = openStore(path);
  const accounts = new Accounts(store.db, () => T0);
  const ledger = new Ledger(store.db, () => T0);
  const user = accounts.registerOrTouch({ id: 4242, first_name: "Ann" });
  ledger.credit({ userId: user.id, amount: 700, kind: "topup", ref: { type: "test", id: "1" }, idempotencyKey: "topup:1" });
  return { store, ledger, userId: user.id };
}

describe("backups", () => {
  it("keeps the newest BACKUP_KEEP copies and leaves other files in the folder alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backups-"));
    writeFileSync(join(dir, "notes.txt"), "mine");
    const { store } = shopWithMoney(":memory:");
    const removed: string[] = [];
    for (let i = 0; i < 5; i++) removed.push(...(await takeBackup(store.sqlite, dir, 3, T0 + i * 60_000)).removed);
    store.close();

    expect(listBackups(dir).map((file) => file.slice(dir.length + 1))).toEqual([2, 3, 4].map((i) => backupName(T0 + i * 60_000)));
    expect(removed.map((file) => file.slice(dir.length + 1))).toEqual([0, 1].map((i) => backupName(T0 + i * 60_000)));
    expect(readdirSync(dir)).toContain("notes.txt");
    expect(readdirSync(dir).some((name) => name.endsWith(".partial"))).toBe(false);
  });
});

describe("npm run restore", () => {
  it("puts a backup in place after checking it, and keeps the database it replaces", async () => {
    const dir = mkdtempSync(join(tmpdir(), "restore-"));
    const live = join(dir, "bot.sqlite");
    const shop = shopWithMoney(live);
    const { file } = await takeBackup(shop.store.sqlite, join(dir, "backups"), 7, T0);
    shop.ledger.credit({ userId: shop.userId, amount: 300, kind: "topup", ref: { type: "test", id: "2" }, idempotencyKey: "topup:2" });
    shop.store.close();

    const result = restoreBackup(file, live, T0 + 1_000);
    expect(result).toMatchObject({ ok: true, restored: live });
    if (!result.ok) return;
    expect(result.previous).not.toBeNull();
    expect(existsSync(result.previous ?? "")).toBe(true);

    const restored = openStore(live);
    try {
      expect(new Ledger(restored.db, () => T0).balanceOf(shop.userId).posted).toBe(700);
    } finally {
      restored.close();
    }
  });

  it("refuses a copy whose ledger does not add up, and leaves the database as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "restore-"));
    const { store } = shopWithMoney(join(dir, "broken.sqlite"));
    // Someone edited a balance by hand: the triggers that forbid it are dropped first.
    for (const { name } of store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) {
      store.sqlite.exec(`DROP TRIGGER "${name}"`);
    }
    store.sqlite.exec("UPDATE balances SET posted = posted + 1000");
    store.close();
    const live = join(dir, "bot.sqlite");
    writeFileSync(live, "the current database");

    const result = restoreBackup(join(dir, "broken.sqlite"), live, T0);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join("\n")).toMatch(/ledger: user \d+: posted 1700 but entries sum to 700/);
    expect(readdirSync(dir).sort()).toEqual(["bot.sqlite", "broken.sqlite"]);
  });

  it("refuses while the bot is running (its WAL file is there) and a file that is not a database", () => {
    const dir = mkdtempSync(join(tmpdir(), "restore-"));
    const live = join(dir, "bot.sqlite");
    const { store } = shopWithMoney(live);
    try {
      expect(restoreBackup(live, live, T0)).toMatchObject({ ok: false, problems: [expect.stringMatching(/stop the bot first/)] });
    } finally {
      store.close();
    }
    writeFileSync(join(dir, "junk.sqlite"), "not a database at all");
    expect(restoreBackup(join(dir, "junk.sqlite"), join(dir, "other.sqlite"), T0)).toMatchObject({ ok: false });
    expect(restoreBackup(join(dir, "missing.sqlite"), join(dir, "other.sqlite"), T0)).toMatchObject({ ok: false, problems: [expect.stringMatching(/no such file/)] });
  });
});
