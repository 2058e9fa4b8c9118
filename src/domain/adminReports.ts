import { and, desc, eq, gte, lt, ne, or, sql } from "drizzle-orm";
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
  /** Rows per slice of a report (tests make it small); default SLICE_ROWS. */
  sliceRows?: number;
}

const DAY_MS = 86_400_000;
/** Rows per slice of a report: a few milliseconds of reading each. */
const SLICE_ROWS = 5_000;

/**
 * Calls `read(from, to)` for consecutive id ranges covering every row of `table` created since
 * `since`, yielding to the event loop between ranges. The first id comes from the created_at
 * index, so rows older than `since` are never read.
 */
async function inSlices(db: Db, table: "ledger_entries" | "activations", since: number, size: number, read: (from: number, to: number) => void): Promise<void> {
  // The first row created since then, by the time index (min(id) would walk the ids from the
  // start). Ids and times are both set at insert, so they run in the same order; only a clock
  // stepped back could leave a row of the period before this id, uncounted by the report.
  const bounds = db.get<{ first: number | null; last: number | null }>(
    sql`SELECT (SELECT id FROM ${sql.identifier(table)} WHERE created_at >= ${since} ORDER BY created_at, id LIMIT 1) AS first, (SELECT max(id) FROM ${sql.identifier(table)}) AS last`,
  );
  if (bounds?.first == null || bounds.last == null) return;
  for (let from = bounds.first; from <= bounds.last; from += size) {
    read(from, from + size);
    if (from + size <= bounds.last) await new Promise((resolve) => setImmediate(resolve));
  }
}

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

  /**
   * Activations of a phone number, newest first: what a user reads on their card ("+7 700 123 45 67")
   * or a provider's list. Only the digits count; the country code may be left out.
   */
  activationsByPhone(phone: string, limit = 10): Activation[] {
    const digits = phone.replace(/\D/g, "");
    if (digits.length < 6) return [];
    return this.deps.db
      .select()
      .from(activations)
      .where(or(eq(activations.phone, digits), sql`${activations.phone} LIKE ${`%${digits}`}`))
      .orderBy(desc(activations.id))
      .limit(limit)
      .all();
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

  /**
   * Figures since `since` (epoch ms). Ledger entries and activations are read in slices of ids
   * (from the first one created since then, found by index), the event loop free between slices:
   * at a million entries /stats never freezes the chat.
   */
  async periodStats(since: number): Promise<PeriodStats> {
    const { db } = this.deps;
    const byKind: Partial<Record<LedgerKind, { count: number; amount: number }>> = {};
    let salesCount = 0;
    let salesAmount = 0;
    let cost = 0;
    await inSlices(db, "ledger_entries", since, this.deps.sliceRows ?? SLICE_ROWS, (from, to) => {
      for (const row of db
        .select({ kind: ledgerEntries.kind, count: sql<number>`count(*)`, amount: sql<number>`coalesce(sum(abs(${ledgerEntries.amount})), 0)` })
        .from(ledgerEntries)
        .where(and(gte(ledgerEntries.id, from), lt(ledgerEntries.id, to), gte(ledgerEntries.createdAt, since)))
        .groupBy(ledgerEntries.kind)
        .all()) {
        const sum = byKind[row.kind] ?? { count: 0, amount: 0 };
        byKind[row.kind] = { count: sum.count + row.count, amount: sum.amount + row.amount };
      }
      for (const row of db
        .select({ price: sql<number>`-${ledgerEntries.amount}`, costMicros: activations.costMicros })
        .from(ledgerEntries)
        .innerJoin(activations, eq(activations.holdId, ledgerEntries.holdId))
        .where(and(gte(ledgerEntries.id, from), lt(ledgerEntries.id, to), eq(ledgerEntries.kind, "purchase"), gte(ledgerEntries.createdAt, since)))
        .all()) {
        salesCount++;
        salesAmount += row.price;
        // Each sale's cost is rounded up on its own, as the price was computed from it.
        cost += costInShopMinor(row.costMicros, this.deps.pricing);
      }
    });
    const outcomes: Partial<Record<ActivationState, number>> = {};
    let issued = 0;
    let withCode = 0;
    await inSlices(db, "activations", since, this.deps.sliceRows ?? SLICE_ROWS, (from, to) => {
      const inRange = and(gte(activations.id, from), lt(activations.id, to), gte(activations.createdAt, since));
      for (const row of db.select({ state: activations.state, n: sql<number>`count(*)` }).from(activations).where(inRange).groupBy(activations.state).all()) {
        outcomes[row.state] = (outcomes[row.state] ?? 0) + row.n;
      }
      const issuedRow = db
        .select({
          issued: sql<number>`count(*)`,
          withCode: sql<number>`coalesce(sum(case when ${activations.firstCodeAt} is not null then 1 else 0 end), 0)`,
        })
        .from(activations)
        .where(and(inRange, sql`${activations.providerId} IS NOT NULL`))
        .get();
      issued += issuedRow?.issued ?? 0;
      withCode += issuedRow?.withCode ?? 0;
    });
    const countUsers = (column: typeof users.lastSeenAt | typeof users.createdAt) =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .where(and(gte(column, since), ne(users.status, "deleted")))
        .get()?.n ?? 0;
    return {
      since,
      topups: byKind.topup ?? { count: 0, amount: 0 },
      sales: { count: salesCount, amount: salesAmount },
      refunds: byKind.refund ?? { count: 0, amount: 0 },
      cost,
      margin: salesAmount - cost,
      outcomes,
      issued,
      withCode,
      activeUsers: countUsers(users.lastSeenAt),
      newUsers: countUsers(users.createdAt),
    };
  }

  /** Today (since midnight UTC), the last 7 days and the last 30 days. */
  async stats(): Promise<{ today: PeriodStats; week: PeriodStats; month: PeriodStats }> {
    const now = this.deps.clock();
    return {
      today: await this.periodStats(now - (now % DAY_MS)),
      week: await this.periodStats(now - 7 * DAY_MS),
      month: await this.periodStats(now - 30 * DAY_MS),
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
