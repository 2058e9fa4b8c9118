import { and, desc, eq, gte, ne, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, ledgerEntries, starPayments, users, type ActivationState, type LedgerKind } from "../db/schema.ts";
import type { Account, Accounts } from "./accounts.ts";
import type { Activation, Activations, ActivationSmsRow } from "./activations.ts";
import type { AuditEntry, AuditLog } from "./audit.ts";
import type { Balance, Hold, Ledger, LedgerEntry } from "./ledger.ts";
import { costInShopMinor, type PricingRules } from "./pricing.ts";

/** What the shop's admins can see: profiles, orders, figures, the ledger check, the audit trail. Reads only. */

export type StarPaymentRow = typeof starPayments.$inferSelect;

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

export interface AdminReportsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Pick<Accounts, "byId">;
  activations: Pick<Activations, "byId" | "sms" | "ofUser" | "countOfUser">;
  audit: Pick<AuditLog, "latest">;
  clock: Clock;
  pricing: PricingRules;
}

const DAY_MS = 86_400_000;

export class AdminReports {
  constructor(private readonly deps: AdminReportsDeps) {}

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

  /** The ledger check in slices: the chat keeps answering while it runs on a large ledger. */
  checkLedger(): Promise<string[]> {
    return this.deps.ledger.checkInvariantsInSlices();
  }

  recentAudit(limit: number): AuditEntry[] {
    return this.deps.audit.latest(limit);
  }
}
