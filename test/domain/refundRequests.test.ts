import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/domain/audit.ts";
import { RefundRequests, type PaymentRefunder, type RefunderAnswer } from "../../src/domain/refundRequests.ts";
import { starPayments } from "../../src/db/schema.ts";
import { workingDeadline } from "../../src/domain/workingDays.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

/*
 * Refund requests in the domain (POLICY W4, W6, B2): the reservation, the exactly-once approval
 * whatever Telegram answers, and the owner that settles a request left half-way by a crash.
 */

let world: TestWorld | undefined;
afterEach(() => {
  if (world) expect(world.ledger.checkInvariants()).toEqual([]);
  world?.store.close();
  world = undefined;
});

const ADMIN = 900_001;

/** A refunder that answers from a script and counts its calls. */
function scripted(...answers: RefunderAnswer[]): PaymentRefunder & { calls: number } {
  const refunder = {
    calls: 0,
    refundStars: () => {
      refunder.calls++;
      return Promise.resolve(answers.shift() ?? { kind: "unclear" as const, detail: "no answer" });
    },
  };
  return refunder;
}

function setUp(refunder: PaymentRefunder) {
  const w = testWorld();
  world = w;
  const requests = new RefundRequests({
    db: w.store.db,
    ledger: w.ledger,
    accounts: w.accounts,
    audit: new AuditLog(w.store.db, w.clock),
    outbox: w.outbox,
    clock: w.clock,
    refunder,
    settings: { calendar: { timeZone: "Europe/Moscow", workingDays: [1, 2, 3, 4, 5] }, decisionWorkingDays: 2, remindBeforeMs: 4 * 3_600_000 },
  });
  const user = w.newUser();
  const credited = w.ledger.credit({ userId: user, amount: 130, kind: "topup", ref: { type: "star_payment", id: "ch-1" }, idempotencyKey: "stars:ch-1" });
  if (!credited.ok) throw new Error("credit failed");
  const payment = w.store.db
    .insert(starPayments)
    .values({ chargeId: "ch-1", userId: user, telegramId: 555, stars: 100, creditMinor: 130, entryId: credited.entry.id, source: "update", paidAt: w.clock() })
    .returning()
    .get();
  return { w, requests, user, payment };
}

describe("refund requests", () => {
  it("W6: a request reserves its amount once per confirmation key; a second request for the same payment is refused", () => {
    const { w, requests, user, payment } = setUp(scripted());
    const input = { requestKey: "k1", userId: user, paymentId: payment.id, amount: 130, reason: "not_provided" as const };
    const first = requests.file(input);
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(requests.file(input)).toMatchObject({ ok: true, duplicate: true });
    expect(requests.file({ ...input, requestKey: "k2" })).toEqual({ ok: false, reason: "already_requested" });
    expect(w.ledger.balanceOf(user)).toEqual({ posted: 130, held: 130, available: 0 });
  });

  it("B2: a blocked account cannot ask; W4: a payment older than a month is not offered", () => {
    const { w, requests, user, payment } = setUp(scripted());
    w.clock.advance(32 * 86_400_000);
    expect(requests.refundablePayments(user)).toEqual([]);
    expect(requests.file({ requestKey: "k", userId: user, paymentId: payment.id, amount: 100, reason: "other" })).toEqual({ ok: false, reason: "not_offered" });
    w.clock.advance(-32 * 86_400_000);
    w.accounts.block(user, "court order", true);
    expect(requests.file({ requestKey: "k", userId: user, paymentId: payment.id, amount: 100, reason: "other" })).toEqual({ ok: false, reason: "account_not_active" });
  });

  it("a crash after Telegram was asked leaves the request `approving`; its owner settles it exactly once", async () => {
    const refunder = scripted({ kind: "unclear", detail: "socket hang up" }, { kind: "unclear", detail: "timeout" }, { kind: "done", alreadyRefunded: true });
    const { w, requests, user, payment } = setUp(refunder);
    const filed = requests.file({ requestKey: "k", userId: user, paymentId: payment.id, amount: 130, reason: "not_provided" });
    if (!filed.ok) throw new Error("not filed");
    expect(await requests.approve(filed.request.id, ADMIN, "stars")).toMatchObject({ ok: false, reason: "pending" });
    // Pressed again while Telegram's answer is unknown: nothing new is asked.
    expect(await requests.approve(filed.request.id, ADMIN, "stars")).toMatchObject({ ok: false, reason: "in_progress" });
    expect(await requests.settlePending()).toBe(0);
    expect(await requests.settlePending()).toBe(1);
    expect(await requests.settlePending()).toBe(0);
    expect(refunder.calls).toBe(3);
    expect(requests.byId(filed.request.id)?.status).toBe("approved");
    expect(w.ledger.balanceOf(user)).toEqual({ posted: 0, held: 0, available: 0 });
  });

  it("an account blocked or deleted after asking cannot be refunded; refusing releases the reservation", async () => {
    const { w, requests, user, payment } = setUp(scripted({ kind: "done", alreadyRefunded: false }));
    const filed = requests.file({ requestKey: "k", userId: user, paymentId: payment.id, amount: 130, reason: "not_provided" });
    if (!filed.ok) throw new Error("not filed");
    w.accounts.block(user, "court order", true);
    expect(await requests.approve(filed.request.id, ADMIN, "stars")).toMatchObject({ ok: false, reason: "account_blocked" });
    expect(requests.refuse(filed.request.id, ADMIN, { code: "unlawful" })).toMatchObject({ ok: true, outcome: "refused" });
    expect(w.ledger.balanceOf(user)).toEqual({ posted: 130, held: 0, available: 130 });
  });
});

describe("W6: two working days on the operator's calendar", () => {
  const calendar = { timeZone: "Europe/Moscow", workingDays: [1, 2, 3, 4, 5] };
  it("skips the weekend and counts in the operator's zone", () => {
    // Thursday 15:00 in Moscow -> Monday 15:00.
    expect(new Date(workingDeadline(Date.UTC(2026, 0, 15, 12), 2, calendar)).toISOString()).toBe("2026-01-19T12:00:00.000Z");
    // Monday 10:00 -> Wednesday 10:00.
    expect(new Date(workingDeadline(Date.UTC(2026, 0, 19, 7), 2, calendar)).toISOString()).toBe("2026-01-21T07:00:00.000Z");
    // Saturday noon: the clock starts on Monday at midnight in Moscow -> Wednesday at midnight.
    expect(new Date(workingDeadline(Date.UTC(2026, 0, 17, 9), 2, calendar)).toISOString()).toBe("2026-01-20T21:00:00.000Z");
    // Every day a working day: simply 48 hours.
    expect(workingDeadline(1_000_000, 2, { timeZone: "UTC", workingDays: [1, 2, 3, 4, 5, 6, 7] })).toBe(1_000_000 + 2 * 86_400_000);
  });
});
