import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/db/open.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

const ref = { type: "test", id: "1" };

describe("checking the books in slices (fast at any size)", () => {
  it("finds exactly what the whole check finds: an edited balance, a broken chain, a hold captured twice", async () => {
    world = testWorld();
    const users = Array.from({ length: 12 }, () => world.newUser());
    users.forEach((user, i) => {
      for (let k = 1; k <= 3; k++) world.ledger.credit({ userId: user, amount: 100 * k, kind: "topup", ref, idempotencyKey: `pay:${i}:${k}` });
    });
    const held = world.ledger.hold({ userId: users[5] ?? 0, amount: 50, ref, idempotencyKey: "hold:1" });
    if (!held.ok) throw new Error(held.reason);
    world.ledger.capture(held.hold.id);
    expect(await world.ledger.checkInvariantsInSlices({ accounts: 2, entries: 5, holds: 1 })).toEqual([]);
    expect(await world.ledger.checkInvariantsInSlices({ budgetMs: 0 })).toEqual([]);

    // Break the books behind the ledger's back, in ways the store would refuse.
    const sqlite = world.store.sqlite;
    sqlite.prepare("UPDATE balances SET posted = posted + 1 WHERE user_id = ?").run(users[3]);
    sqlite.exec("DROP TRIGGER ledger_entries_balance_after; DROP TRIGGER ledger_entries_post; DROP TRIGGER ledger_entries_capture_matches_hold; DROP INDEX ledger_one_capture_per_hold;");
    sqlite
      .prepare("INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, idempotency_key, created_at) VALUES (?, 'topup', 7, 9999, 't', '1', 'bad', 0)")
      .run(users[8]);
    sqlite
      .prepare("INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, hold_id, idempotency_key, created_at) VALUES (?, 'purchase', -50, 550, 't', '1', ?, 'twice', 0)")
      .run(users[5], held.hold.id);

    const whole = world.ledger.checkInvariants();
    expect(whole.length).toBeGreaterThanOrEqual(4);
    expect(whole).toContain(`user ${users[3]}: posted 601 but entries sum to 600`);
    expect(whole.some((p) => p.startsWith(`hold ${held.hold.id} (captured) has 2 capture entries`))).toBe(true);
    expect((await world.ledger.checkInvariantsInSlices({ accounts: 2, entries: 5, holds: 1 })).sort()).toEqual([...whole].sort());
    // Budget 0: every slice shrinks to one account, one entry, one hold; the walk carries each
    // account's running sum from one slice to the next.
    expect((await world.ledger.checkInvariantsInSlices({ budgetMs: 0 })).sort()).toEqual([...whole].sort());
    expect((await world.ledger.checkInvariantsInSlices()).sort()).toEqual([...whole].sort());
  });

  it("finds an entry in the middle of an account's chain whose amount was changed, and the balance it no longer adds up to", async () => {
    world = testWorld();
    const ann = world.newUser();
    const bob = world.newUser();
    for (let k = 1; k <= 4; k++) {
      world.ledger.credit({ userId: ann, amount: 100, kind: "topup", ref, idempotencyKey: `ann:${k}` });
      world.ledger.credit({ userId: bob, amount: 10, kind: "topup", ref, idempotencyKey: `bob:${k}` });
    }
    const sqlite = world.store.sqlite;
    const second = sqlite.prepare("SELECT id FROM ledger_entries WHERE idempotency_key = 'ann:2'").get() as { id: number };
    sqlite.exec("DROP TRIGGER ledger_entries_no_update");
    sqlite.prepare("UPDATE ledger_entries SET amount = 150 WHERE id = ?").run(second.id);

    const expected = [`user ${ann}: posted 400 but entries sum to 450`, `entry ${second.id}: balance_after 200 but the running sum is 250`];
    expect(world.ledger.checkInvariants().sort()).toEqual([...expected].sort());
    for (const budgetMs of [0, 8]) expect((await world.ledger.checkInvariantsInSlices({ budgetMs })).sort()).toEqual([...expected].sort());
  });

  it("each slice reads through indexes alone: an account's entries and the chain walk never touch the table, a hold's capture", () => {
    world = testWorld();
    const plan = (query: string) =>
      (world.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as { detail: string }[]).map((row) => row.detail).join("\n");
    expect(plan("SELECT SUM(e.amount) FROM ledger_entries e WHERE e.user_id = 1")).toContain("COVERING INDEX ledger_by_user");
    const walk = plan("SELECT user_id, id, amount, balance_after FROM ledger_entries WHERE (user_id, id) > (1, 9) ORDER BY user_id, id LIMIT 100");
    expect(walk).toContain("COVERING INDEX ledger_by_user");
    expect(walk).not.toContain("TEMP B-TREE");
    expect(plan("SELECT COUNT(*) FROM ledger_entries e WHERE e.hold_id = 3")).toContain("ledger_one_capture_per_hold");
  });
});

describe("admin look-ups and start-up at size", () => {
  it("/user @name finds the account through the lower(username) index, whatever the case", () => {
    world = testWorld();
    const plan = (world.store.sqlite.prepare("EXPLAIN QUERY PLAN SELECT id FROM users WHERE lower(users.username) = ? AND status <> ?").all("ann", "deleted") as { detail: string }[])
      .map((row) => row.detail)
      .join("\n");
    expect(plan).toContain("users_username_lower");
  });

  it("a start with nothing to migrate does not read every table for the foreign-key check (start-up at a million entries)", () => {
    const dir = mkdtempSync(join(tmpdir(), "start-"));
    try {
      const path = join(dir, "bot.sqlite");
      const first = openStore(path);
      // A dangling reference that only the full foreign-key scan would find.
      first.sqlite.pragma("foreign_keys = OFF");
      first.sqlite.prepare("INSERT INTO balances (user_id) VALUES (424242)").run();
      first.close();
      const again = openStore(path);
      expect(again.sqlite.prepare("SELECT count(*) AS n FROM balances").get()).toEqual({ n: 1 });
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
