import { and, desc, eq, gte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { activations, ledgerEntries, starPayments, users, type ActivationState, type LedgerKind } from "../db/schema.ts";
import type { NumberProvider } from "../providers/types.ts";
import type { Account, Accounts } from "./accounts.ts";
import type { Activation, Activations, ActivationSmsRow } from "./activations.ts";
import type { AuditLog } from "./audit.ts";
import type { Clock } from "./clock.ts";
import type { Balance, Hold, Ledger, LedgerEntry } from "./ledger.ts";
import { costInShopMinor, type PricingRules } from "./pricing.ts";

/**
 * What the shop's admins can do and see, as plain operations over the domain. Every change runs in
 * one ledger transaction together with its audit entry, so an action is either done and recorded
 * or neither; every money move goes through the Ledger with an idempotency key, so a replayed
 * admin update applies once.
 */

export type StarPaymentRow = typeof starPayments.$inferSelect;

export type UserLookup = { ok: true; account: Account } | { ok: false; reason: "not_found" | "ambiguous" };

export type AdminRefundResult =
  /** Before a code: the activation was ended here and its hold released (nothing was ever charged). */
  | { ok: true; kind: "released"; activation: Activation; account: Account; amount: number }
  /** After a code: the price went back to the balance as a refund entry. */
  | { ok: true; kind: "refunded"; activation: Activation; account: Account; amount: number; entry: LedgerEntry }
  | { ok: false; reason: "not_found" | "busy" }
  | { ok: false; reason: "already_refunded" | "not_charged"; activation: Activation };

export type AdjustResult =
  | { ok: true; entry: LedgerEntry; duplicate: boolean; balance: Balance }
  | { ok: false; reason: "insufficient_funds"; available: number; missing: number }
  /** POLICY B2: a frozen balance is kept whole until the block is lifted; it can be credited, not debited. */
  | { ok: false; reason: "account_deleted" | "idempotency_conflict" | "frozen" };

export type BlockResult = { ok: true; account: Account } | { ok: false; reason: "account_deleted" | "already_blocked" | "not_blocked" };

export interface UserProfile {
  account: Account;
  balance: Balance;
  /** All-time sums by ledger kind, signed as in the ledger. */
  totals: Record<LedgerKind, number>;
  activationCount: number;
  lastActivations: Activation[];
  lastPayments: StarPaymentRow[];
}

export interface OrderDetails {
  activation: Activation;
  account: Account | undefined;
  hold: Hold | undefined;
  sms: ActivationSmsRow[];
  /** The capture and any refund of this activation. */
  entries: LedgerEntry[];
}

export interface PeriodStats {
  since: number;
  topups: { count: number; amount: number };
  /** Captured activation purchases (the code was delivered). */
  sales: { count: number; amount: number };
  refunds: { count: number; amount: number };
  /** The provider's cost of those sales, converted to shop minor units. */
  cost: number;
  /** sales - cost. */
  margin: number;
  /** Activations created in the period, by state. */
  outcomes: Partial<Record<ActivationState, number>>;
  /** Activations that got a number, and how many of those got a code. */
  issued: number;
  withCode: number;
  activeUsers: number;
  newUsers: number;
}

export interface AdminOpsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Accounts;
  activations: Pick<Activations, "byId" | "sms" | "ofUser" | "countOfUser">;
  audit: AuditLog;
  clock: Clock;
  pricing: PricingRules;
  /** Told (best effort, never waited on for the refund) when an admin ends a number before its code. */
  provider?: Pick<NumberProvider, "cancel">;
}

/** States of an activation whose hold is still open: no code yet. */
const NOT_CHARGED_OPEN: ActivationState[] = ["reserving", "waiting", "cancelling"];
const DAY_MS = 86_400_000;

export class AdminOps {
  constructor(private readonly deps: AdminOpsDeps) {}

  /**
   * `@name` is a username; `#12` an account id; a bare number a Telegram id or an account id — if
   * it names two different accounts, the admin must say which (money must never go to the wrong one).
   */
  findUser(ref: string): UserLookup {
    const text = ref.trim();
    const { db } = this.deps;
    if (text.startsWith("@")) {
      const name = text.slice(1).toLowerCase();
      const found = db
        .select()
        .from(users)
        .where(and(sql`lower(${users.username}) = ${name}`, ne(users.status, "deleted")))
        .all();
      if (found.length > 1) return { ok: false, reason: "ambiguous" };
      return found[0] ? { ok: true, account: found[0] } : { ok: false, reason: "not_found" };
    }
    const explicitId = text.startsWith("#");
    const n = Number(explicitId ? text.slice(1) : text);
    if (!/^#?\d{1,15}$/.test(text) || !Number.isSafeInteger(n)) return { ok: false, reason: "not_found" };
    const byId = this.deps.accounts.byId(n);
    if (explicitId) return byId ? { ok: true, account: byId } : { ok: false, reason: "not_found" };
    const byTelegram = this.deps.accounts.findByTelegramId(n);
    if (byId && byTelegram && byId.id !== byTelegram.id) return { ok: false, reason: "ambiguous" };
    const account = byTelegram ?? byId;
    return account ? { ok: true, account } : { ok: false, reason: "not_found" };
  }

  /**
   * Gives an activation's price back whatever its state. Before a code the hold is still open: the
   * activation is ended here with a guarded UPDATE (the activations module only ends activations
   * after asking the provider, and an admin refund must not wait on the provider) and the hold is
   * voided. After a code the purchase was captured: a `refund` entry, once per activation.
   */
  async refund(request: { adminTelegramId: number; activationId: number; reason: string }): Promise<AdminRefundResult> {
    const { ledger, audit, db } = this.deps;
    const result = ledger.write((): AdminRefundResult => {
      const activation = this.deps.activations.byId(request.activationId);
      if (!activation) return { ok: false, reason: "not_found" };
      const account = this.deps.accounts.byId(activation.userId);
      const hold = ledger.holdById(activation.holdId);
      if (!account || !hold) throw new Error(`activation ${activation.id} has no account or hold`);
      const targetRef = `activation:${activation.id}`;

      if (hold.status === "voided") {
        return { ok: false, reason: activation.endReason === "admin" ? "already_refunded" : "not_charged", activation };
      }
      if (hold.status === "open") {
        if (!NOT_CHARGED_OPEN.includes(activation.state)) return { ok: false, reason: "busy" };
        // A number never issued cannot be "cancelled" (the store requires a phone for that): it failed.
        const to: ActivationState = activation.state === "reserving" ? "failed" : "cancelled";
        const ended = db
          .update(activations)
          .set({ state: to, endReason: "admin", endedAt: this.deps.clock() })
          .where(and(eq(activations.id, activation.id), eq(activations.state, activation.state)))
          .returning()
          .get();
        if (!ended) return { ok: false, reason: "busy" };
        const voided = ledger.void(hold.id);
        if (!voided.ok) throw new Error(`voiding hold ${hold.id} failed: ${voided.reason}`);
        audit.write({
          adminTelegramId: request.adminTelegramId,
          action: "refund",
          targetUserId: account.id,
          targetRef,
          amount: hold.amount,
          reason: request.reason,
          details: `${activation.state} -> ${to}, hold ${hold.id} released`,
        });
        return { ok: true, kind: "released", activation: ended, account, amount: hold.amount };
      }

      const credited = ledger.credit({
        userId: account.id,
        amount: hold.amount,
        kind: "refund",
        ref: { type: "activation", id: activation.orderKey },
        idempotencyKey: `admin-refund:${activation.id}`,
        memo: request.reason,
        actorTelegramId: request.adminTelegramId,
      });
      if (!credited.ok) throw new Error(`refunding activation ${activation.id} failed: ${credited.reason}`);
      if (credited.duplicate) return { ok: false, reason: "already_refunded", activation };
      audit.write({
        adminTelegramId: request.adminTelegramId,
        action: "refund",
        targetUserId: account.id,
        targetRef,
        amount: hold.amount,
        reason: request.reason,
        details: `after a code (${activation.state}), ledger entry ${credited.entry.id}`,
      });
      return { ok: true, kind: "refunded", activation, account, amount: hold.amount, entry: credited.entry };
    });

    // Give the number back so the provider does not bill it; the refund stands whatever it answers.
    if (result.ok && result.kind === "released" && result.activation.providerId && this.deps.provider) {
      try {
        await this.deps.provider.cancel(result.activation.providerId);
      } catch {
        // Best effort only: the expiry at the provider ends it anyway.
      }
    }
    return result;
  }

  /** An admin's credit (amount > 0) or debit (amount < 0); a debit never takes `available` below zero. */
  adjust(request: { adminTelegramId: number; account: Account; amount: number; reason: string; idempotencyKey: string }): AdjustResult {
    const { ledger, audit } = this.deps;
    return ledger.write((): AdjustResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      if (request.amount < 0 && account.balanceFrozen) return { ok: false, reason: "frozen" };
      const posted = ledger.adjust({
        userId: account.id,
        amount: request.amount,
        ref: { type: "admin", id: request.idempotencyKey },
        idempotencyKey: request.idempotencyKey,
        memo: request.reason,
        actorTelegramId: request.adminTelegramId,
      });
      if (!posted.ok) {
        if (posted.reason === "insufficient_funds") return { ok: false, reason: "insufficient_funds", available: posted.available, missing: posted.missing };
        if (posted.reason === "unknown_user") return { ok: false, reason: "account_deleted" };
        return { ok: false, reason: "idempotency_conflict" };
      }
      if (!posted.duplicate) {
        audit.write({
          adminTelegramId: request.adminTelegramId,
          action: request.amount > 0 ? "credit" : "debit",
          targetUserId: account.id,
          amount: Math.abs(request.amount),
          reason: request.reason,
          details: `ledger entry ${posted.entry.id}`,
        });
      }
      return { ok: true, entry: posted.entry, duplicate: posted.duplicate, balance: ledger.balanceOf(account.id) };
    });
  }

  /** POLICY B2: blocked at the request of law enforcement, so the balance is frozen, not erased. */
  block(request: { adminTelegramId: number; account: Account; reason: string }): BlockResult {
    return this.deps.ledger.write((): BlockResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      if (account.status === "blocked") return { ok: false, reason: "already_blocked" };
      const blocked = this.deps.accounts.block(account.id, request.reason, true);
      if (!blocked) return { ok: false, reason: "account_deleted" };
      this.deps.audit.write({ adminTelegramId: request.adminTelegramId, action: "block", targetUserId: account.id, reason: request.reason, details: "balance frozen" });
      return { ok: true, account: blocked };
    });
  }

  unblock(request: { adminTelegramId: number; account: Account }): BlockResult {
    return this.deps.ledger.write((): BlockResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      const unblocked = this.deps.accounts.unblock(account.id);
      if (!unblocked) return { ok: false, reason: "not_blocked" };
      this.deps.audit.write({ adminTelegramId: request.adminTelegramId, action: "unblock", targetUserId: account.id, details: `was: ${account.blockReason ?? ""}` });
      return { ok: true, account: unblocked };
    });
  }

  userProfile(account: Account, recent = 5): UserProfile {
    const { db } = this.deps;
    const totals: Record<LedgerKind, number> = { topup: 0, purchase: 0, refund: 0, adjustment: 0, payment_refund: 0, forfeit: 0 };
    const sums = db
      .select({ kind: ledgerEntries.kind, sum: sql<number>`sum(${ledgerEntries.amount})` })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.userId, account.id))
      .groupBy(ledgerEntries.kind)
      .all();
    for (const row of sums) totals[row.kind] = row.sum;
    return {
      account,
      balance: this.deps.ledger.balanceOf(account.id),
      totals,
      activationCount: this.deps.activations.countOfUser(account.id),
      lastActivations: this.deps.activations.ofUser(account.id, recent),
      lastPayments: db.select().from(starPayments).where(eq(starPayments.userId, account.id)).orderBy(desc(starPayments.id)).limit(recent).all(),
    };
  }

  orderDetails(activationId: number): OrderDetails | undefined {
    const activation = this.deps.activations.byId(activationId);
    if (!activation) return undefined;
    const entries = this.deps.db
      .select()
      .from(ledgerEntries)
      .where(
        or(
          eq(ledgerEntries.holdId, activation.holdId),
          and(eq(ledgerEntries.refType, "activation"), eq(ledgerEntries.refId, activation.orderKey)),
        ),
      )
      .orderBy(ledgerEntries.id)
      .all();
    return {
      activation,
      account: this.deps.accounts.byId(activation.userId),
      hold: this.deps.ledger.holdById(activation.holdId),
      sms: this.deps.activations.sms(activation.id),
      entries,
    };
  }

  /** Figures since `since` (epoch ms). */
  periodStats(since: number): PeriodStats {
    const { db } = this.deps;
    const byKind = (kind: LedgerKind) =>
      db
        .select({ count: sql<number>`count(*)`, amount: sql<number>`coalesce(sum(abs(${ledgerEntries.amount})), 0)` })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.kind, kind), gte(ledgerEntries.createdAt, since)))
        .get() ?? { count: 0, amount: 0 };
    const sold = db
      .select({ price: sql<number>`-${ledgerEntries.amount}`, costMicros: activations.costMicros })
      .from(ledgerEntries)
      .innerJoin(activations, eq(activations.holdId, ledgerEntries.holdId))
      .where(and(eq(ledgerEntries.kind, "purchase"), gte(ledgerEntries.createdAt, since)))
      .all();
    const salesAmount = sold.reduce((sum, row) => sum + row.price, 0);
    // Each sale's cost is rounded up on its own, as the price was computed from it.
    const cost = sold.reduce((sum, row) => sum + costInShopMinor(row.costMicros, this.deps.pricing), 0);
    const outcomes: Partial<Record<ActivationState, number>> = {};
    for (const row of db
      .select({ state: activations.state, n: sql<number>`count(*)` })
      .from(activations)
      .where(gte(activations.createdAt, since))
      .groupBy(activations.state)
      .all()) {
      outcomes[row.state] = row.n;
    }
    const issuedRow = db
      .select({
        issued: sql<number>`count(*)`,
        withCode: sql<number>`coalesce(sum(case when ${activations.firstCodeAt} is not null then 1 else 0 end), 0)`,
      })
      .from(activations)
      .where(and(gte(activations.createdAt, since), sql`${activations.providerId} IS NOT NULL`))
      .get();
    const countUsers = (column: typeof users.lastSeenAt | typeof users.createdAt) =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .where(and(gte(column, since), ne(users.status, "deleted")))
        .get()?.n ?? 0;
    return {
      since,
      topups: byKind("topup"),
      sales: { count: sold.length, amount: salesAmount },
      refunds: byKind("refund"),
      cost,
      margin: salesAmount - cost,
      outcomes,
      issued: issuedRow?.issued ?? 0,
      withCode: issuedRow?.withCode ?? 0,
      activeUsers: countUsers(users.lastSeenAt),
      newUsers: countUsers(users.createdAt),
    };
  }

  /** Today (since midnight UTC), the last 7 days and the last 30 days. */
  stats(): { today: PeriodStats; week: PeriodStats; month: PeriodStats } {
    const now = this.deps.clock();
    return {
      today: this.periodStats(now - (now % DAY_MS)),
      week: this.periodStats(now - 7 * DAY_MS),
      month: this.periodStats(now - 30 * DAY_MS),
    };
  }

  checkLedger(): string[] {
    return this.deps.ledger.checkInvariants();
  }

  recentAudit(limit: number) {
    return this.deps.audit.latest(limit);
  }
}
