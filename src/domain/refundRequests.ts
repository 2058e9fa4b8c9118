import { and, asc, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, ledgerEntries, refundRequests, starPayments, type RefundReason } from "../db/schema.ts";
import type { Accounts } from "./accounts.ts";
import type { AuditLog } from "./audit.ts";
import type { Ledger } from "./ledger.ts";
import type { Outbox } from "./outbox.ts";
import { withinRefundWindow, refundWindowStart } from "./refundRules.ts";
import { workingDeadline, type WorkingCalendar } from "./workingDays.ts";

/**
 * Refunds to the payment method on request (POLICY W1-W6). The user asks; the amount is reserved
 * by a hold while the request is open; an admin approves (Telegram Stars are given back by
 * `refundStarPayment`, which refunds a whole charge) or refuses within 2 working days. Every
 * transition is a guarded UPDATE inside a ledger transaction; Telegram is asked outside any
 * transaction, and a request left `approving` (the answer lost, the process killed) is settled by
 * `settlePending`, run by a job and at start-up.
 */

export type RefundRequest = typeof refundRequests.$inferSelect;
export type StarPaymentRow = typeof starPayments.$inferSelect;

/** W2: reasons the rules refuse. They are explained before sending; the user may still send. */
export const REFUSED_REASONS: ReadonlySet<RefundReason> = new Set(["changed_mind", "accidental", "left_unused", "misunderstood"]);
/** W1: reasons that concern a service (the request names it). */
export const SERVICE_REASONS: ReadonlySet<RefundReason> = new Set(["not_provided", "carrier_failure"]);
/** W2's reasons an admin can refuse with (or any written reason). */
export const REFUSAL_CODES = ["changed_mind", "accidental", "left_unused", "misunderstood", "documents", "unlawful", "restrictions", "caller_id"] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The port to Telegram's refundStarPayment: what Telegram answered, in the domain's words. */
export interface PaymentRefunder {
  refundStars(telegramId: number, chargeId: string): Promise<RefunderAnswer>;
}
export type RefunderAnswer =
  /** Refunded now, or earlier (CHARGE_ALREADY_REFUNDED after a lost answer). */
  | { kind: "done"; alreadyRefunded: boolean }
  /** A definite no: nothing was refunded. */
  | { kind: "refused"; detail: string }
  /** No answer, a 5xx, a network error: it may have happened; ask again later. */
  | { kind: "unclear"; detail: string };

export interface RefundRequestSettings {
  calendar: WorkingCalendar;
  /** W6: 2 working days. */
  decisionWorkingDays: number;
  /** Admins are reminded this long before the deadline (and again when it passes). */
  remindBeforeMs: number;
}

export interface RefundablePayment {
  payment: StarPaymentRow;
  /** What the payment credited, at most what is available on the balance now. */
  refundable: number;
}

export type CreateResult =
  | { ok: true; request: RefundRequest; duplicate: boolean }
  | { ok: false; reason: "not_offered" | "account_not_active" | "already_requested" | "bad_amount" | "insufficient_funds" };

export type DecisionResult =
  | { ok: true; request: RefundRequest; outcome: "refunded_stars" | "recorded_outside" | "refused" | "withdrawn" }
  /** Telegram said no: the money stays where it was (reserved, the request open). */
  | { ok: false; reason: "telegram_refused"; request: RefundRequest; detail: string }
  /** Telegram did not answer clearly: the request stays `approving` and the job asks again. */
  | { ok: false; reason: "pending"; request: RefundRequest }
  /** Telegram refunds whole charges: a partial amount needs one of W3's alternatives. */
  | { ok: false; reason: "partial"; request: RefundRequest; whole: number; wholeCovered: boolean }
  | { ok: false; reason: "not_found" | "not_open" | "in_progress" | "account_deleted" | "account_blocked" | "insufficient_funds"; request?: RefundRequest };

export interface RefundRequestsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Accounts;
  audit: AuditLog;
  outbox: Outbox;
  clock: Clock;
  refunder: PaymentRefunder;
  settings: RefundRequestSettings;
}

export interface RequestFacts {
  request: RefundRequest;
  payment: StarPaymentRow;
  deadline: number;
  /** Since the payment: purchases (count, sum) and refunds to the balance (sum). */
  since: { purchases: number; spent: number; refunded: number };
}

export class RefundRequests {
  constructor(private readonly deps: RefundRequestsDeps) {}

  /** W4: payments of the last month, not refunded, without a request in progress, with something refundable. */
  refundablePayments(userId: number): RefundablePayment[] {
    const { db, clock, ledger } = this.deps;
    const available = ledger.balanceOf(userId).available;
    const active = new Set(
      db
        .select({ paymentId: refundRequests.paymentId })
        .from(refundRequests)
        .where(and(eq(refundRequests.userId, userId), inArray(refundRequests.status, ["open", "approving"])))
        .all()
        .map((r) => r.paymentId),
    );
    return db
      .select()
      .from(starPayments)
      .where(and(eq(starPayments.userId, userId), eq(starPayments.refundStatus, "none"), gte(starPayments.paidAt, refundWindowStart(clock()))))
      .orderBy(desc(starPayments.id))
      .all()
      .filter((p) => !active.has(p.id))
      .map((payment) => ({ payment, refundable: Math.min(payment.creditMinor, available) }))
      .filter((p) => p.refundable > 0);
  }

  byId(id: number): RefundRequest | undefined {
    return this.deps.db.select().from(refundRequests).where(eq(refundRequests.id, id)).get();
  }

  paymentOf(request: RefundRequest): StarPaymentRow {
    const payment = this.deps.db.select().from(starPayments).where(eq(starPayments.id, request.paymentId)).get();
    if (!payment) throw new Error(`refund request ${request.id} has no payment`);
    return payment;
  }

  /** The user's requests, newest first. */
  ofUser(userId: number): RefundRequest[] {
    return this.deps.db.select().from(refundRequests).where(eq(refundRequests.userId, userId)).orderBy(desc(refundRequests.id)).all();
  }

  /** Open requests (and those waiting for Telegram), oldest first, for `/refunds`. */
  openRequests(): RequestFacts[] {
    return this.deps.db
      .select()
      .from(refundRequests)
      .where(inArray(refundRequests.status, ["open", "approving"]))
      .orderBy(asc(refundRequests.createdAt), asc(refundRequests.id))
      .all()
      .map((request) => this.facts(request));
  }

  deadlineOf(request: RefundRequest): number {
    const { calendar, decisionWorkingDays } = this.deps.settings;
    return workingDeadline(request.createdAt, decisionWorkingDays, calendar);
  }

  /** What the admins need to decide: the payment, the deadline, what the user did since paying. */
  facts(request: RefundRequest): RequestFacts {
    const payment = this.paymentOf(request);
    const row = this.deps.db
      .select({
        purchases: sql<number>`COALESCE(SUM(CASE WHEN ${ledgerEntries.kind} = 'purchase' THEN 1 ELSE 0 END), 0)`,
        spent: sql<number>`COALESCE(-SUM(CASE WHEN ${ledgerEntries.kind} = 'purchase' THEN ${ledgerEntries.amount} ELSE 0 END), 0)`,
        refunded: sql<number>`COALESCE(SUM(CASE WHEN ${ledgerEntries.kind} = 'refund' THEN ${ledgerEntries.amount} ELSE 0 END), 0)`,
      })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.userId, request.userId), sql`${ledgerEntries.id} > ${payment.entryId}`))
      .get();
    return { request, payment, deadline: this.deadlineOf(request), since: { purchases: row?.purchases ?? 0, spent: row?.spent ?? 0, refunded: row?.refunded ?? 0 } };
  }

  /** Services of the user's activations in the last month (for "which service", W6). */
  recentServices(userId: number): string[] {
    const rows = this.deps.db
      .selectDistinct({ name: activations.serviceName })
      .from(activations)
      .where(and(eq(activations.userId, userId), gte(activations.createdAt, refundWindowStart(this.deps.clock()))))
      .orderBy(asc(activations.serviceName))
      .limit(8)
      .all();
    return rows.map((r) => r.name);
  }

  /**
   * Files a request and reserves its amount (W6). `requestKey` makes it idempotent: the same
   * confirmation pressed twice files one request.
   */
  create(input: { requestKey: string; userId: number; paymentId: number; amount: number; reason: RefundReason; reasonText?: string; service?: string }): CreateResult {
    const { db, ledger, clock, accounts, outbox } = this.deps;
    return ledger.write((): CreateResult => {
      const existing = db.select().from(refundRequests).where(eq(refundRequests.requestKey, input.requestKey)).get();
      if (existing) return existing.userId === input.userId ? { ok: true, request: existing, duplicate: true } : { ok: false, reason: "not_offered" };
      const account = accounts.byId(input.userId);
      // B2: a blocked account cannot withdraw; a deleted one has nothing to withdraw.
      if (!account || account.status !== "active") return { ok: false, reason: "account_not_active" };
      const payment = db.select().from(starPayments).where(eq(starPayments.id, input.paymentId)).get();
      if (!payment || payment.userId !== input.userId || payment.refundStatus !== "none" || !withinRefundWindow(payment.paidAt, clock())) {
        return { ok: false, reason: "not_offered" };
      }
      const active = db
        .select({ id: refundRequests.id })
        .from(refundRequests)
        .where(and(eq(refundRequests.paymentId, payment.id), inArray(refundRequests.status, ["open", "approving"])))
        .get();
      if (active) return { ok: false, reason: "already_requested" };
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > payment.creditMinor) return { ok: false, reason: "bad_amount" };
      const now = clock();
      const request = db
        .insert(refundRequests)
        .values({
          requestKey: input.requestKey,
          userId: input.userId,
          paymentId: payment.id,
          amount: input.amount,
          reason: input.reason,
          reasonText: input.reasonText ?? null,
          service: input.service ?? null,
          createdAt: now,
        })
        .returning()
        .get();
      const hold = ledger.hold({ userId: input.userId, amount: input.amount, ref: { type: "refund_request", id: String(request.id) }, idempotencyKey: `refund-request:${request.id}` });
      if (!hold.ok) {
        // Nothing of this transaction may stay: throwing rolls the request back too.
        if (hold.reason === "insufficient_funds") throw new InsufficientFunds();
        throw new Error(`reserving refund request ${request.id} failed: ${hold.reason}`);
      }
      const saved = db.update(refundRequests).set({ holdId: hold.hold.id }).where(eq(refundRequests.id, request.id)).returning().get() ?? request;
      outbox.toAdmins({ kind: "refund-request", requestId: saved.id, key: "refund-admin-new" }, `refund-admin-new:${saved.id}`);
      return { ok: true, request: saved, duplicate: false };
    });
  }

  /** Safe wrapper: a balance spent between the offer and the confirmation is a clean refusal. */
  file(input: Parameters<RefundRequests["create"]>[0]): CreateResult {
    try {
      return this.create(input);
    } catch (error) {
      if (error instanceof InsufficientFunds) return { ok: false, reason: "insufficient_funds" };
      throw error;
    }
  }

  /** The user takes an open request back: the reservation is released. */
  withdraw(userId: number, requestId: number): DecisionResult {
    const { db, ledger, clock } = this.deps;
    return ledger.write((): DecisionResult => {
      const request = this.byId(requestId);
      if (!request || request.userId !== userId) return { ok: false, reason: "not_found" };
      if (request.status === "withdrawn") return { ok: true, request, outcome: "withdrawn" };
      if (request.status === "approving") return { ok: false, reason: "in_progress", request };
      if (request.status !== "open") return { ok: false, reason: "not_open", request };
      const updated = db
        .update(refundRequests)
        .set({ status: "withdrawn", decidedAt: clock() })
        .where(and(eq(refundRequests.id, request.id), eq(refundRequests.status, "open")))
        .returning()
        .get();
      if (!updated) return { ok: false, reason: "in_progress", request };
      if (request.holdId !== null) ledger.void(request.holdId);
      return { ok: true, request: updated, outcome: "withdrawn" };
    });
  }

  /**
   * An admin approves. `method`: "stars" refunds the charge through Telegram (the request must be
   * for the whole charge), "whole" first enlarges the reservation to the whole charge (W3: when the
   * balance covers it), "outside" records a refund the operator made outside the bot. The ledger
   * moves exactly once whatever Telegram answers and however often the admin presses.
   */
  async approve(requestId: number, adminTelegramId: number, method: "stars" | "whole" | "outside"): Promise<DecisionResult> {
    const { db, ledger, clock, accounts } = this.deps;
    const started = ledger.write((): DecisionResult | { go: RefundRequest; payment: StarPaymentRow } => {
      const request = this.byId(requestId);
      if (!request) return { ok: false, reason: "not_found" };
      if (request.status === "approved") return { ok: true, request, outcome: request.method === "outside" ? "recorded_outside" : "refunded_stars" };
      if (request.status === "approving") return { ok: false, reason: "in_progress", request };
      if (request.status !== "open") return { ok: false, reason: "not_open", request };
      const account = accounts.byId(request.userId);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted", request };
      if (account.status === "blocked") return { ok: false, reason: "account_blocked", request };
      const payment = this.paymentOf(request);
      const holdId = request.holdId;
      if (holdId === null) throw new Error(`refund request ${request.id} has no hold`);

      if (method === "outside") {
        const updated = db
          .update(refundRequests)
          .set({ status: "approved", method: "outside", decidedBy: adminTelegramId, decidedAt: clock() })
          .where(and(eq(refundRequests.id, request.id), eq(refundRequests.status, "open")))
          .returning()
          .get();
        if (!updated) return { ok: false, reason: "in_progress", request };
        const captured = ledger.capture(holdId, `refund request #${request.id}: outside the bot`, "payment_refund");
        if (!captured.ok) throw new Error(`capturing refund request ${request.id} failed: ${captured.reason}`);
        this.recordDecision(updated, adminTelegramId, "refund-recorded-outside", "W3: refunded outside the bot");
        return { ok: true, request: updated, outcome: "recorded_outside" };
      }

      let current = request;
      if (request.amount !== payment.creditMinor) {
        const balance = ledger.balanceOf(request.userId);
        const extra = payment.creditMinor - request.amount;
        const wholeCovered = extra <= balance.available;
        if (method !== "whole") return { ok: false, reason: "partial", request, whole: payment.creditMinor, wholeCovered };
        if (!wholeCovered) return { ok: false, reason: "insufficient_funds", request };
        // W3: the whole charge instead of a part: the reservation grows to the whole amount.
        ledger.void(holdId);
        const bigger = ledger.hold({
          userId: request.userId,
          amount: payment.creditMinor,
          ref: { type: "refund_request", id: String(request.id) },
          idempotencyKey: `refund-request:${request.id}:whole`,
        });
        if (!bigger.ok) throw new Error(`enlarging refund request ${request.id} failed: ${bigger.reason}`);
        current = db.update(refundRequests).set({ amount: payment.creditMinor, holdId: bigger.hold.id }).where(eq(refundRequests.id, request.id)).returning().get() ?? request;
      }
      const going = db
        .update(refundRequests)
        .set({ status: "approving", method: "stars", decidedBy: adminTelegramId })
        .where(and(eq(refundRequests.id, current.id), eq(refundRequests.status, "open")))
        .returning()
        .get();
      if (!going) return { ok: false, reason: "in_progress", request };
      // The payment's own refund record points at this reservation, so no other path reserves it twice.
      db.update(starPayments).set({ refundStatus: "pending", refundHoldId: going.holdId }).where(eq(starPayments.id, payment.id)).run();
      return { go: going, payment };
    });
    if (!("go" in started)) return started;
    const answer = await this.deps.refunder.refundStars(started.payment.telegramId, started.payment.chargeId);
    return this.settle(started.go.id, answer);
  }

  /** Applies Telegram's answer to a request that is `approving`, exactly once. */
  settle(requestId: number, answer: RefunderAnswer): DecisionResult {
    const { db, ledger, clock, outbox } = this.deps;
    return ledger.write((): DecisionResult => {
      const request = this.byId(requestId);
      if (!request) return { ok: false, reason: "not_found" };
      if (request.status === "approved") return { ok: true, request, outcome: "refunded_stars" };
      if (request.status !== "approving" || request.holdId === null) return { ok: false, reason: "not_open", request };
      const payment = this.paymentOf(request);
      if (answer.kind === "unclear") return { ok: false, reason: "pending", request };
      if (answer.kind === "refused") {
        const reopened = db.update(refundRequests).set({ status: "open", method: null }).where(and(eq(refundRequests.id, request.id), eq(refundRequests.status, "approving"))).returning().get();
        db.update(starPayments).set({ refundStatus: "none", refundHoldId: null }).where(eq(starPayments.id, payment.id)).run();
        const admin = request.decidedBy ?? 0;
        this.deps.audit.write({
          adminTelegramId: admin,
          action: "refund-request-telegram-refused",
          targetUserId: request.userId,
          targetRef: `refund_request:${request.id}`,
          amount: request.amount,
          details: answer.detail,
        });
        outbox.toAdmins(
          { kind: "refund-request", requestId: request.id, key: "refund-admin-telegram-refused", vars: { detail: answer.detail } },
          `refund-admin-telegram-refused:${request.id}:${clock()}`,
        );
        return { ok: false, reason: "telegram_refused", request: reopened ?? request, detail: answer.detail };
      }
      const captured = ledger.capture(request.holdId, `refund request #${request.id}: ${payment.stars} ⭐`, "payment_refund");
      if (!captured.ok) throw new Error(`capturing refund request ${request.id} failed: ${captured.reason}`);
      const now = clock();
      const updated = db
        .update(refundRequests)
        .set({ status: "approved", decidedAt: now })
        .where(and(eq(refundRequests.id, request.id), eq(refundRequests.status, "approving")))
        .returning()
        .get();
      db.update(starPayments).set({ refundStatus: "refunded", refundedAt: now, refundHoldId: request.holdId }).where(eq(starPayments.id, payment.id)).run();
      const done = updated ?? request;
      this.recordDecision(done, request.decidedBy ?? 0, "refund-approved-stars", answer.alreadyRefunded ? "Telegram: CHARGE_ALREADY_REFUNDED" : "refundStarPayment");
      return { ok: true, request: done, outcome: "refunded_stars" };
    });
  }

  /** The owner of `approving`: asks Telegram again for each (a repeat answers CHARGE_ALREADY_REFUNDED). */
  async settlePending(): Promise<number> {
    const pending = this.deps.db.select().from(refundRequests).where(eq(refundRequests.status, "approving")).orderBy(asc(refundRequests.id)).all();
    let settled = 0;
    for (const request of pending) {
      const payment = this.paymentOf(request);
      const answer = await this.deps.refunder.refundStars(payment.telegramId, payment.chargeId);
      const result = this.settle(request.id, answer);
      if (result.ok || result.reason === "telegram_refused") settled++;
    }
    return settled;
  }

  /** An admin refuses, with a W2 reason or a written one; the reservation is released. */
  refuse(requestId: number, adminTelegramId: number, reason: { code: RefusalCode } | { text: string }): DecisionResult {
    const { db, ledger, clock } = this.deps;
    return ledger.write((): DecisionResult => {
      const request = this.byId(requestId);
      if (!request) return { ok: false, reason: "not_found" };
      if (request.status === "refused") return { ok: true, request, outcome: "refused" };
      if (request.status === "approving") return { ok: false, reason: "in_progress", request };
      if (request.status !== "open") return { ok: false, reason: "not_open", request };
      const note = "code" in reason ? `W2:${reason.code}` : reason.text;
      const updated = db
        .update(refundRequests)
        .set({ status: "refused", decidedBy: adminTelegramId, decisionNote: note, decidedAt: clock() })
        .where(and(eq(refundRequests.id, request.id), eq(refundRequests.status, "open")))
        .returning()
        .get();
      if (!updated) return { ok: false, reason: "in_progress", request };
      if (request.holdId !== null) ledger.void(request.holdId);
      this.recordDecision(updated, adminTelegramId, "refund-refused", note);
      return { ok: true, request: updated, outcome: "refused" };
    });
  }

  /** Reminders to the admins as a deadline nears and when it passes (each once per request). */
  remindDeadlines(): number {
    const { clock, outbox, settings } = this.deps;
    const now = clock();
    let queued = 0;
    this.deps.ledger.write(() => {
      for (const facts of this.openRequests()) {
        if (facts.request.status !== "open") continue;
        if (now >= facts.deadline) {
          queued += outbox.toAdmins({ kind: "refund-request", requestId: facts.request.id, key: "refund-admin-overdue" }, `refund-admin-overdue:${facts.request.id}`);
        } else if (now >= facts.deadline - settings.remindBeforeMs) {
          queued += outbox.toAdmins({ kind: "refund-request", requestId: facts.request.id, key: "refund-admin-due-soon" }, `refund-admin-due-soon:${facts.request.id}`);
        }
      }
    });
    return queued;
  }

  /** Sum and count of refunds to payment methods since `from` (for /stats). */
  paymentRefundsSince(from: number): { count: number; amount: number } {
    const row = this.deps.db
      .select({ count: sql<number>`COUNT(*)`, amount: sql<number>`COALESCE(-SUM(${ledgerEntries.amount}), 0)` })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.kind, "payment_refund"), gte(ledgerEntries.createdAt, from)))
      .get();
    return { count: row?.count ?? 0, amount: row?.amount ?? 0 };
  }

  /** Audit entry and the user's message for a decision; inside the decision's transaction. */
  private recordDecision(request: RefundRequest, adminTelegramId: number, action: string, details: string): void {
    this.deps.audit.write({
      adminTelegramId,
      action,
      targetUserId: request.userId,
      targetRef: `refund_request:${request.id}`,
      amount: request.amount,
      reason: request.decisionNote ?? undefined,
      details,
    });
    const key = { "refund-approved-stars": "refund-user-approved-stars", "refund-recorded-outside": "refund-user-recorded-outside", "refund-refused": "refund-user-refused" }[action];
    if (key) this.deps.outbox.toUser(request.userId, { kind: "refund-request", requestId: request.id, key }, `${key}:${request.id}`);
  }
}

class InsufficientFunds extends Error {
  constructor() {
    super("insufficient funds");
  }
}
