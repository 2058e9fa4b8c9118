import { afterEach, describe, expect, it } from "vitest";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

const ref = { type: "test", id: "1" };

describe("ledger: money moves only through entries and holds", () => {
  it("a top-up credits the balance once, however often the same payment is replayed", () => {
    world = testWorld();
    const user = world.newUser();
    const first = world.ledger.credit({ userId: user, amount: 500, kind: "topup", ref, idempotencyKey: "pay:1" });
    const again = world.ledger.credit({ userId: user, amount: 500, kind: "topup", ref, idempotencyKey: "pay:1" });
    expect(first.ok && !first.duplicate).toBe(true);
    expect(again.ok && again.duplicate).toBe(true);
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 500, held: 0, available: 500 });
    expect(world.ledger.checkInvariants()).toEqual([]);
  });

  it("reusing an idempotency key for a different amount is refused, not silently merged", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 500, kind: "topup", ref, idempotencyKey: "pay:1" });
    const clash = world.ledger.credit({ userId: user, amount: 700, kind: "topup", ref, idempotencyKey: "pay:1" });
    expect(clash).toEqual({ ok: false, reason: "idempotency_conflict" });
    expect(world.ledger.balanceOf(user).posted).toBe(500);
  });

  it("a hold reserves money; short of funds it says how much is missing and reserves nothing", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    const hold = world.ledger.hold({ userId: user, amount: 200, ref, idempotencyKey: "hold:1" });
    expect(hold.ok).toBe(true);
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 300, held: 200, available: 100 });
    const short = world.ledger.hold({ userId: user, amount: 150, ref, idempotencyKey: "hold:2" });
    expect(short).toEqual({ ok: false, reason: "insufficient_funds", available: 100, missing: 50 });
    expect(world.ledger.balanceOf(user).held).toBe(200);
  });

  it("capture turns the hold into one purchase entry, exactly once; a void after it is refused", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    const hold = world.ledger.hold({ userId: user, amount: 120, ref, idempotencyKey: "hold:1" });
    if (!hold.ok) throw new Error("hold failed");
    const first = world.ledger.capture(hold.hold.id);
    const second = world.ledger.capture(hold.hold.id);
    expect(first.ok && !first.duplicate && first.entry.amount).toBe(-120);
    expect(second.ok && second.duplicate && second.entry.id).toBe(first.ok && first.entry.id);
    expect(world.ledger.void(hold.hold.id)).toEqual({ ok: false, reason: "hold_captured" });
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 180, held: 0, available: 180 });
    expect(world.ledger.checkInvariants()).toEqual([]);
  });

  it("void releases the hold exactly once and posts nothing; a capture after it is refused", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    const hold = world.ledger.hold({ userId: user, amount: 120, ref, idempotencyKey: "hold:1" });
    if (!hold.ok) throw new Error("hold failed");
    expect(world.ledger.void(hold.hold.id)).toMatchObject({ ok: true, duplicate: false });
    expect(world.ledger.void(hold.hold.id)).toMatchObject({ ok: true, duplicate: true });
    expect(world.ledger.capture(hold.hold.id)).toEqual({ ok: false, reason: "hold_voided" });
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 300, held: 0, available: 300 });
  });

  it("a debit never takes the available balance below zero (held money counts as spent)", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    world.ledger.hold({ userId: user, amount: 250, ref, idempotencyKey: "hold:1" });
    const debit = world.ledger.adjust({ userId: user, amount: -100, ref, idempotencyKey: "adj:1" });
    expect(debit).toEqual({ ok: false, reason: "insufficient_funds", available: 50, missing: 50 });
    const fits = world.ledger.adjust({ userId: user, amount: -50, ref, idempotencyKey: "adj:2" });
    expect(fits.ok && fits.entry.balanceAfter).toBe(250);
  });

  it("a hold found by its key counts only while open or captured for the same operation; a voided one reserves nothing", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    const first = world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "refund:1" });
    if (!first.ok) throw new Error("hold failed");
    expect(world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "refund:1" })).toMatchObject({ ok: true, duplicate: true });
    // The same key for another ref is another operation, not a repeat.
    expect(world.ledger.hold({ userId: user, amount: 100, ref: { type: "test", id: "2" }, idempotencyKey: "refund:1" })).toEqual({
      ok: false,
      reason: "idempotency_conflict",
    });
    world.ledger.void(first.hold.id);
    expect(world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "refund:1" })).toEqual({ ok: false, reason: "hold_voided" });
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 300, held: 0, available: 300 });
    const captured = world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "refund:2" });
    if (!captured.ok) throw new Error("hold failed");
    world.ledger.capture(captured.hold.id, undefined, "payment_refund");
    expect(world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "refund:2" })).toMatchObject({ ok: true, duplicate: true });
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 200, held: 0, available: 200 });
    expect(world.ledger.checkInvariants()).toEqual([]);
  });

  it("a blocked account cannot reserve money (POLICY B2)", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    world.accounts.block(user, "court order", true);
    expect(world.ledger.hold({ userId: user, amount: 10, ref, idempotencyKey: "hold:1" })).toEqual({
      ok: false,
      reason: "account_not_active",
    });
  });

  it("amounts that are not positive integers never reach the store", () => {
    world = testWorld();
    const user = world.newUser();
    expect(() => world.ledger.credit({ userId: user, amount: 1.5, kind: "topup", ref, idempotencyKey: "x" })).toThrow(RangeError);
    expect(() => world.ledger.hold({ userId: user, amount: 0, ref, idempotencyKey: "y" })).toThrow(RangeError);
    expect(() => world.ledger.credit({ userId: user, amount: 5, kind: "purchase", ref, idempotencyKey: "z" })).toThrow(RangeError);
  });
});

describe("ledger: the store itself refuses what the code must never do", () => {
  it("entries cannot be edited or deleted", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    expect(() => world.store.sqlite.prepare("UPDATE ledger_entries SET amount = 1").run()).toThrow(/append-only/);
    expect(() => world.store.sqlite.prepare("DELETE FROM ledger_entries").run()).toThrow(/append-only/);
  });

  it("an entry whose balance_after does not follow the ledger is refused", () => {
    world = testWorld();
    const user = world.newUser();
    const insert = world.store.sqlite.prepare(
      `INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, idempotency_key, created_at)
       VALUES (?, 'topup', 100, ?, 't', '1', ?, 0)`,
    );
    expect(() => insert.run(user, 999, "k1")).toThrow(/balance_after/);
    insert.run(user, 100, "k2");
    expect(world.ledger.balanceOf(user).posted).toBe(100);
  });

  it("a hold the balance cannot cover is refused by a CHECK constraint even if the code forgot to look", () => {
    world = testWorld();
    const user = world.newUser();
    const insert = world.store.sqlite.prepare(
      `INSERT INTO holds (user_id, amount, ref_type, ref_id, idempotency_key, created_at) VALUES (?, 50, 't', '1', 'h', 0)`,
    );
    expect(() => insert.run(user)).toThrow(/CHECK constraint failed/);
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 0, held: 0, available: 0 });
  });

  it("a settled hold cannot be settled again or changed", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    const hold = world.ledger.hold({ userId: user, amount: 100, ref, idempotencyKey: "hold:1" });
    if (!hold.ok) throw new Error("hold failed");
    world.ledger.void(hold.hold.id);
    expect(() => world.store.sqlite.prepare("UPDATE holds SET status = 'captured', settled_at = 1 WHERE id = ?").run(hold.hold.id)).toThrow(
      /settled exactly once/,
    );
    expect(() => world.store.sqlite.prepare("DELETE FROM holds").run()).toThrow(/kept forever/);
  });

  it("money must be an integer: a float amount is refused by the store", () => {
    world = testWorld();
    const user = world.newUser();
    expect(() =>
      world.store.sqlite
        .prepare(
          `INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, idempotency_key, created_at)
           VALUES (?, 'topup', 1.5, 1.5, 't', '1', 'f', 0)`,
        )
        .run(user),
    ).toThrow(/CHECK constraint failed/);
  });

  it("the invariant check notices a balance edited behind the ledger's back", () => {
    world = testWorld();
    const user = world.newUser();
    world.ledger.credit({ userId: user, amount: 300, kind: "topup", ref, idempotencyKey: "pay:1" });
    world.store.sqlite.prepare("UPDATE balances SET posted = posted + 1 WHERE user_id = ?").run(user);
    expect(world.ledger.checkInvariants()).toEqual([`user ${user}: posted 301 but entries sum to 300`]);
  });
});
