import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { holds, starPayments, topups } from "../db/schema.ts";
import type { Accounts } from "../domain/accounts.ts";
import type { Clock } from "../clock.ts";
import type { Ledger, LedgerEntry } from "../domain/ledger.ts";
import type { Outbox } from "../domain/outbox.ts";
import { starsToShopMinor } from "../domain/pricing.ts";
import type { PaymentRefunder, RefunderAnswer } from "../domain/refundRequests.ts";

/**
 * Top-ups in Telegram Stars (REFERENCE.md section 3). Money is credited only from a
 * successful_payment (or the reconciliation job), exactly once per telegram_payment_charge_id.
 * Telegram is reached through `StarsApi`, never from inside a transaction.
 */

/** What top-ups need from the settings (TOPUP_*, STARS_RATE). */
export interface StarsSettings {
  /** Shop currency per Star, exact decimal text. */
  rate: string;
  presets: number[];
  minStars: number;
  maxStars: number;
  invoiceTtlMs: number;
}

export type Topup = typeof topups.$inferSelect;
export type StarPayment = typeof starPayments.$inferSelect;

/** The two Bot API calls this module needs; the bot passes its `bot.api`. */
export interface StarsApi {
  refundStarPayment(userId: number, telegramPaymentChargeId: string): Promise<unknown>;
  getStarTransactions(other?: { offset?: number; limit?: number }): Promise<{ transactions: StarTransactionLike[] }>;
}

/** The fields of a Telegram StarTransaction this module reads. */
export interface StarTransactionLike {
  id: string;
  amount: number;
  date: number;
  source?: { type: string; user?: { id: number }; invoice_payload?: string };
  receiver?: { type: string; user?: { id: number }; invoice_payload?: string };
}

export type AmountCheck = { ok: true; stars: number } | { ok: false; reason: "not_whole" | "too_small" | "too_large" };

export type PreCheckoutVerdict =
  | { ok: true; topup: Topup }
  | { ok: false; reason: "unknown" | "already_paid" | "expired" | "amount_mismatch" | "not_allowed" };

export type PaymentRecord =
  | {
      status: "credited" | "duplicate";
      payment: StarPayment;
      entry: LedgerEntry;
      userId: number;
      creditMinor: number;
      unknownPayload: boolean;
      /** Credited to a blocked account's frozen balance; the payer was told through the outbox. */
      frozen: boolean;
    }
  | { status: "no_account" };

export type RefundOutcome =
  | { ok: true; alreadyRefunded: boolean; payment: StarPayment }
  | { ok: false; reason: "not_found" | "insufficient_funds" | "account_not_active" | "telegram_refused" | "temporary"; detail?: string };

const PAYLOAD_PREFIX = "topup:";

export class StarsPayments {
  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly accounts: Accounts,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    readonly settings: StarsSettings,
    private readonly shopMinorDigits: number,
  ) {}

  /** What `stars` add to the balance, in shop minor units. */
  quote(stars: number): number {
    return starsToShopMinor(stars, this.settings.rate, this.shopMinorDigits);
  }

  /** A typed custom amount: whole Stars within the limits. */
  checkAmount(text: string): AmountCheck {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) return { ok: false, reason: "not_whole" };
    const stars = Number(trimmed);
    if (stars < this.settings.minStars) return { ok: false, reason: "too_small" };
    if (stars > this.settings.maxStars || !Number.isSafeInteger(stars)) return { ok: false, reason: "too_large" };
    // An amount too small to buy a single minor unit is refused too (only with an odd rate).
    if (this.quote(stars) <= 0) return { ok: false, reason: "too_small" };
    return { ok: true, stars };
  }

  /** Opens an invoice for `stars`: what the user will receive is fixed now. */
  createTopup(userId: number, stars: number): Topup {
    const check = this.checkAmount(String(stars));
    if (!check.ok) throw new RangeError(`invalid top-up amount ${stars}: ${check.reason}`);
    const now = this.clock();
    return this.db
      .insert(topups)
      .values({
        userId,
        // 18 random bytes: unguessable, and well under Telegram's 128-byte payload limit.
        payload: PAYLOAD_PREFIX + randomBytes(18).toString("base64url"),
        stars,
        creditMinor: this.quote(stars),
        createdAt: now,
        expiresAt: now + this.settings.invoiceTtlMs,
      })
      .returning()
      .get();
  }

  topupByPayload(payload: string): Topup | undefined {
    return this.db.select().from(topups).where(eq(topups.payload, payload)).get();
  }

  /** The pre_checkout_query decision: fast (one indexed read), no side effects. */
  checkPreCheckout(query: { payload: string; currency: string; totalAmount: number; telegramId: number }): PreCheckoutVerdict {
    const topup = this.topupByPayload(query.payload);
    if (!topup) return { ok: false, reason: "unknown" };
    const payer = this.accounts.findByTelegramId(query.telegramId);
    if (!payer || payer.id !== topup.userId) return { ok: false, reason: "unknown" };
    if (payer.status !== "active") return { ok: false, reason: "not_allowed" };
    if (topup.status === "paid") return { ok: false, reason: "already_paid" };
    if (this.clock() > topup.expiresAt) return { ok: false, reason: "expired" };
    if (query.currency !== "XTR" || query.totalAmount !== topup.stars) return { ok: false, reason: "amount_mismatch" };
    return { ok: true, topup };
  }

  /**
   * Credits one payment, exactly once per charge id, whatever path it came by (the update, a
   * redelivery after a restart, or the reconciliation job). A payment whose invoice we do not know
   * is still credited, at the current rate, to the payer's account: the money was taken.
   */
  recordPayment(payment: {
    chargeId: string;
    payload: string;
    stars: number;
    telegramId: number;
    source: "update" | "reconciliation";
  }): PaymentRecord {
    return this.ledger.write((): PaymentRecord => {
      const existing = this.db.select().from(starPayments).where(eq(starPayments.chargeId, payment.chargeId)).get();
      if (existing) {
        const entry = this.ledger.entryById(existing.entryId);
        if (!entry) throw new Error(`payment ${existing.id} has no ledger entry`);
        return {
          status: "duplicate",
          payment: existing,
          entry,
          userId: existing.userId,
          creditMinor: existing.creditMinor,
          unknownPayload: existing.topupId === null,
          frozen: this.accounts.byId(existing.userId)?.status === "blocked",
        };
      }
      const topup = this.topupByPayload(payment.payload);
      // An invoice of an account deleted since goes to the payer's live account, never into a deleted one.
      const invoiceOwner = topup ? this.accounts.byId(topup.userId) : undefined;
      const owner = invoiceOwner && invoiceOwner.status !== "deleted" ? invoiceOwner : this.accounts.findByTelegramId(payment.telegramId);
      if (owner === undefined) return { status: "no_account" };
      const userId = owner.id;
      // Pre-checkout refused any other amount, so a mismatch can only come from a race; credit what was paid.
      const creditMinor = topup && topup.stars === payment.stars ? topup.creditMinor : this.quote(payment.stars);
      const credited = this.ledger.credit({
        userId,
        amount: creditMinor,
        kind: "topup",
        ref: { type: "star_payment", id: payment.chargeId },
        idempotencyKey: `stars:${payment.chargeId}`,
        memo: `${payment.stars} ⭐`,
      });
      if (!credited.ok) throw new Error(`crediting Stars payment ${payment.chargeId} failed: ${credited.reason}`);
      const row = this.db
        .insert(starPayments)
        .values({
          chargeId: payment.chargeId,
          userId,
          telegramId: payment.telegramId,
          topupId: topup?.id ?? null,
          stars: payment.stars,
          creditMinor,
          entryId: credited.entry.id,
          source: payment.source,
          paidAt: this.clock(),
        })
        .returning()
        .get();
      if (topup) this.db.update(topups).set({ status: "paid" }).where(eq(topups.id, topup.id)).run();
      if (!topup) {
        this.outbox.toAdmins(
          {
            kind: "notice",
            key: "stars-unknown-payload",
            vars: { telegramId: String(payment.telegramId), stars: payment.stars, charge: payment.chargeId, amount: { money: creditMinor } },
          },
          `stars-unknown-payload:${payment.chargeId}`,
        );
      }
      if (owner.status === "blocked") {
        // POLICY B2: blocked after its pre-checkout, the payer's money is never swallowed: it is on
        // the frozen balance now, and both the payer and the admins hear of it at once.
        this.outbox.toUser(
          userId,
          { kind: "notice", key: "topup-paid-frozen", vars: { stars: payment.stars, amount: { money: creditMinor } } },
          `topup-paid-frozen:${payment.chargeId}`,
        );
        this.outbox.toAdmins(
          {
            kind: "notice",
            key: "stars-paid-while-blocked",
            vars: { telegramId: String(payment.telegramId), account: String(userId), stars: payment.stars, charge: payment.chargeId, amount: { money: creditMinor } },
          },
          `stars-paid-while-blocked:${payment.chargeId}`,
        );
      } else if (payment.source === "reconciliation") {
        // The user never saw a confirmation for this payment: they are told, once, with the credit.
        this.outbox.toUser(
          userId,
          { kind: "notice", key: "topup-found-later", vars: { stars: payment.stars, amount: { money: creditMinor } } },
          `topup-found-later:${payment.chargeId}`,
        );
      }
      return { status: "credited", payment: row, entry: credited.entry, userId, creditMinor, unknownPayload: !topup, frozen: owner.status === "blocked" };
    });
  }

  paymentByCharge(chargeId: string): StarPayment | undefined {
    return this.db.select().from(starPayments).where(eq(starPayments.chargeId, chargeId)).get();
  }

  /**
   * Gives a Stars payment back to the payer (POLICY W3: Stars can be refunded by the bot itself).
   * The amount that payment credited is reserved first — only if the available balance still
   * covers it — then Telegram is asked, then the reservation becomes a `payment_refund` entry.
   * Idempotent: CHARGE_ALREADY_REFUNDED counts as done; a repeat after success changes nothing.
   */
  async refund(chargeId: string, api: StarsApi): Promise<RefundOutcome> {
    const reserved = this.ledger.write((): RefundOutcome | { ok: "reserved"; payment: StarPayment; holdId: number } => {
      const payment = this.paymentByCharge(chargeId);
      if (!payment) return { ok: false, reason: "not_found" };
      if (payment.refundStatus === "refunded") return { ok: true, alreadyRefunded: true, payment };
      if (payment.refundStatus === "pending" && payment.refundHoldId !== null) return { ok: "reserved", payment, holdId: payment.refundHoldId };
      // Each attempt reserves anew under its own key: an earlier attempt Telegram refused was voided.
      const attempt = this.refundAttempts(chargeId) + 1;
      const hold = this.ledger.hold({
        userId: payment.userId,
        amount: payment.creditMinor,
        ref: { type: "star_refund", id: chargeId },
        idempotencyKey: `stars-refund-attempt:${chargeId}:${attempt}`,
      });
      if (!hold.ok) {
        if (hold.reason === "insufficient_funds") return { ok: false, reason: "insufficient_funds" };
        if (hold.reason === "account_not_active" || hold.reason === "unknown_user") return { ok: false, reason: "account_not_active" };
        throw new Error(`reserving the refund of ${chargeId} failed: ${hold.reason}`);
      }
      const updated = this.db
        .update(starPayments)
        .set({ refundStatus: "pending", refundHoldId: hold.hold.id })
        .where(and(eq(starPayments.id, payment.id), eq(starPayments.refundStatus, "none")))
        .returning()
        .get();
      if (!updated) throw new Error(`payment ${payment.id} changed while reserving its refund`);
      return { ok: "reserved", payment: updated, holdId: hold.hold.id };
    });
    if (reserved.ok !== "reserved") return reserved;

    let telegramDone = false;
    let refusal: string | undefined;
    try {
      await api.refundStarPayment(reserved.payment.telegramId, chargeId);
      telegramDone = true;
    } catch (error) {
      const description = errorDescription(error);
      if (description.includes("CHARGE_ALREADY_REFUNDED")) telegramDone = true;
      else if (isDefiniteRefusal(error)) refusal = description;
      else return { ok: false, reason: "temporary", detail: description };
    }

    return this.ledger.write((): RefundOutcome => {
      if (telegramDone) {
        const captured = this.ledger.capture(reserved.holdId, `${reserved.payment.stars} ⭐`, "payment_refund");
        if (!captured.ok) throw new Error(`refund hold ${reserved.holdId} could not be captured: ${captured.reason}`);
        const payment = this.db
          .update(starPayments)
          .set({ refundStatus: "refunded", refundedAt: this.clock() })
          .where(eq(starPayments.id, reserved.payment.id))
          .returning()
          .get();
        return { ok: true, alreadyRefunded: false, payment: payment ?? reserved.payment };
      }
      this.ledger.void(reserved.holdId);
      this.db.update(starPayments).set({ refundStatus: "none", refundHoldId: null }).where(eq(starPayments.id, reserved.payment.id)).run();
      return { ok: false, reason: "telegram_refused", ...(refusal !== undefined ? { detail: refusal } : {}) };
    });
  }

  /**
   * Compares the bot's records with Telegram's list of Star transactions: a payment Telegram has
   * and the bot missed is credited through `recordPayment`; anything that does not add up is
   * returned for the admins. `fromOffset` lets the caller resume where the last run stopped.
   */
  async reconcile(api: StarsApi, fromOffset: number): Promise<{ credited: PaymentRecord[]; problems: string[]; nextOffset: number }> {
    const credited: PaymentRecord[] = [];
    const problems: string[] = [];
    let offset = fromOffset;
    for (;;) {
      const { transactions } = await api.getStarTransactions({ offset, limit: 100 });
      for (const tx of transactions) {
        const incoming = tx.source?.type === "user" ? tx.source : undefined;
        const outgoing = tx.receiver?.type === "user" ? tx.receiver : undefined;
        if (incoming?.user && incoming.invoice_payload !== undefined) {
          const known = this.paymentByCharge(tx.id);
          if (known) continue;
          const record = this.recordPayment({
            chargeId: tx.id,
            payload: incoming.invoice_payload,
            stars: tx.amount,
            telegramId: incoming.user.id,
            source: "reconciliation",
          });
          if (record.status === "no_account") problems.push(`payment ${tx.id} of ${tx.amount} Stars from user ${incoming.user.id}: no account to credit`);
          // An unknown invoice was reported to the admins by recordPayment itself.
          else credited.push(record);
        } else if (outgoing?.user) {
          const known = this.paymentByCharge(tx.id);
          if (!known || known.refundStatus !== "refunded") {
            problems.push(`refund ${tx.id} of ${tx.amount} Stars to user ${outgoing.user.id} is not recorded as refunded here`);
          }
        }
      }
      offset += transactions.length;
      if (transactions.length < 100) break;
    }
    return { credited, problems, nextOffset: offset };
  }

  /** How many refund reservations were ever made for a charge (each attempt has its own). */
  private refundAttempts(chargeId: string): number {
    return this.db.select({ id: holds.id }).from(holds).where(and(eq(holds.refType, "star_refund"), eq(holds.refId, chargeId))).all().length;
  }

  /** A user's Stars payments, oldest first (for admin views and refunds). */
  paymentsOf(userId: number): StarPayment[] {
    return this.db.select().from(starPayments).where(eq(starPayments.userId, userId)).orderBy(starPayments.id).all();
  }
}

function errorDescription(error: unknown): string {
  if (error !== null && typeof error === "object" && "description" in error && typeof error.description === "string") return error.description;
  return error instanceof Error ? error.message : String(error);
}

/** A 400 from Telegram is a definite "no"; anything else (network, 5xx) may still have gone through. */
function isDefiniteRefusal(error: unknown): boolean {
  return error !== null && typeof error === "object" && "error_code" in error && error.error_code === 400;
}

/**
 * The domain's PaymentRefunder over the Bot API: Telegram's answer to refundStarPayment in the
 * domain's words. CHARGE_ALREADY_REFUNDED means an earlier attempt went through (its answer was
 * lost): done. A 400 is a definite no; anything else may have happened and is asked again later.
 */
export function starsRefunder(api: Pick<StarsApi, "refundStarPayment">): PaymentRefunder {
  return {
    async refundStars(telegramId, chargeId): Promise<RefunderAnswer> {
      try {
        await api.refundStarPayment(telegramId, chargeId);
        return { kind: "done", alreadyRefunded: false };
      } catch (error) {
        const description = errorDescription(error);
        if (description.includes("CHARGE_ALREADY_REFUNDED")) return { kind: "done", alreadyRefunded: true };
        if (isDefiniteRefusal(error)) return { kind: "refused", detail: description };
        return { kind: "unclear", detail: description };
      }
    },
  };
}
