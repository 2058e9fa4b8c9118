import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testWorld } from "../helpers/store.ts";

/*
 * Random sequences of every ledger operation, with idempotency keys drawn from a small pool so
 * that replays and clashes happen often. After every step: the store's own invariant check is
 * clean, and the balances match a plain in-memory model of what the operations should have done.
 */

type Op =
  | { op: "credit"; user: number; amount: number; key: number }
  | { op: "hold"; user: number; amount: number; key: number }
  | { op: "capture"; pick: number }
  | { op: "void"; pick: number }
  | { op: "adjust"; user: number; amount: number; key: number };

const user = fc.integer({ min: 0, max: 2 });
const amount = fc.integer({ min: 1, max: 1_000 });
const key = fc.integer({ min: 0, max: 12 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("credit" as const), user, amount, key }),
  fc.record({ op: fc.constant("hold" as const), user, amount, key }),
  fc.record({ op: fc.constant("capture" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("void" as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant("adjust" as const),
    user,
    amount: fc.integer({ min: -1_000, max: 1_000 }).filter((n) => n !== 0),
    key,
  }),
);

describe("ledger invariants under random operation sequences", () => {
  it("every balance equals its entries, held equals open holds, available never goes negative", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
        const world = testWorld();
        try {
          const ids = [world.newUser(), world.newUser(), world.newUser()];
          const model = ids.map(() => ({ posted: 0, held: 0 }));
          const holdsById = new Map<number, { user: number; amount: number; status: "open" | "captured" | "voided" }>();
          const entryKeys = new Map<string, { user: number; amount: number }>();
          const holdKeys = new Map<string, { user: number; amount: number }>();

          for (const step of ops) {
            if (step.op === "credit" || step.op === "adjust") {
              const idem = `k:${step.key}`;
              const userId = ids[step.user]!;
              const result =
                step.op === "credit"
                  ? world.ledger.credit({ userId, amount: step.amount, kind: "adjustment", ref: { type: "t", id: "1" }, idempotencyKey: idem })
                  : world.ledger.adjust({ userId, amount: step.amount, ref: { type: "t", id: "1" }, idempotencyKey: idem });
              const previous = entryKeys.get(idem);
              const m = model[step.user]!;
              if (previous) {
                expect(result.ok).toBe(previous.user === step.user && previous.amount === step.amount);
              } else if (step.amount < 0 && -step.amount > m.posted - m.held) {
                expect(result).toMatchObject({ ok: false, reason: "insufficient_funds", missing: -step.amount - (m.posted - m.held) });
              } else {
                expect(result.ok).toBe(true);
                m.posted += step.amount;
                entryKeys.set(idem, { user: step.user, amount: step.amount });
              }
            } else if (step.op === "hold") {
              const idem = `h:${step.key}`;
              const m = model[step.user]!;
              const result = world.ledger.hold({ userId: ids[step.user]!, amount: step.amount, ref: { type: "t", id: "1" }, idempotencyKey: idem });
              const previous = holdKeys.get(idem);
              if (previous) {
                expect(result.ok).toBe(previous.user === step.user && previous.amount === step.amount);
              } else if (step.amount > m.posted - m.held) {
                expect(result).toMatchObject({ ok: false, reason: "insufficient_funds" });
              } else {
                expect(result.ok).toBe(true);
                if (!result.ok) return;
                m.held += step.amount;
                holdKeys.set(idem, { user: step.user, amount: step.amount });
                holdsById.set(result.hold.id, { user: step.user, amount: step.amount, status: "open" });
              }
            } else {
              const all = [...holdsById.keys()];
              if (all.length === 0) continue;
              const holdId = all[step.pick % all.length]!;
              const h = holdsById.get(holdId)!;
              const m = model[h.user]!;
              if (step.op === "capture") {
                const result = world.ledger.capture(holdId);
                expect(result.ok).toBe(h.status !== "voided");
                if (h.status === "open") {
                  m.held -= h.amount;
                  m.posted -= h.amount;
                  h.status = "captured";
                }
              } else {
                const result = world.ledger.void(holdId);
                expect(result.ok).toBe(h.status !== "captured");
                if (h.status === "open") {
                  m.held -= h.amount;
                  h.status = "voided";
                }
              }
            }
            expect(world.ledger.checkInvariants()).toEqual([]);
            ids.forEach((id, i) => {
              const b = world.ledger.balanceOf(id);
              expect({ posted: b.posted, held: b.held }).toEqual(model[i]);
              expect(b.available).toBeGreaterThanOrEqual(0);
            });
          }
        } finally {
          world.store.close();
        }
      }),
      { numRuns: 2_000 },
    );
  }, 120_000);
});
