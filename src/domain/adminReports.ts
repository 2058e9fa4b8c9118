import { performance } from "node:perf_hooks";
import { and, desc, eq, gte, lt, ne, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, ledgerEntries, rentalExtensions, rentals, starPayments, users, type ActivationState, type LedgerKind } from "../db/schema.ts";
import type { Account, Accounts } from "./accounts.ts";
import type { Activation, Activations, ActivationSmsRow } from "./activations.ts";
import type { AuditEntry, AuditLog } from "./audit.ts";
import { lastDayStarts } from "./calendarDays.ts";
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

export interface Totals {
  count: number;
  amount: number;
}

/**
 * The figures of a period. Money is in shop minor units, amounts positive. Definitions (the README's
 * /stats section says the same):
 * - sales: every purchase entry (a number whose code came, a rental, a rental's extension);
 * - cost: what the provider charged for those sales, converted as prices were;
 * - refunds: money given back to balances for something that had been paid for (an admin's
 *   refund, a rental's cancel, unused days). A number cancelled before its code never was a sale
 *   (its hold was voided), so it is already netted out and not counted here;
 * - margin: sales - cost - refunds. The provider's cost is not taken back for a refund (it may or
 *   may not have refunded the operator): the figure errs on the low side;
 * - paymentRefunds: balance given back to the payment method (Stars), which is top-up money
 *   returned, not a sale undone: it lowers what came in, not the margin.
 */
export interface PeriodStats {
  since: number;
  /** Telegram Stars paid in (credited top-ups) and Stars given back by a refund of the payment. */
  stars: { payments: number; stars: number; refunds: number; refundedStars: number };
  topups: Totals;
  sales: Totals;
  /** One-time numbers sold (their code came). */
  numbers: Totals;
  /** Rentals started and extended, and what they were charged. */
  rentals: { started: number; extended: number; amount: number };
  refunds: Totals;
  paymentRefunds: Totals;
  cost: number;
  margin: number;
  /** Activations created in the period, by state. */
  outcomes: Partial<Record<ActivationState, number>>;
  /** Activations that got a number, and how many of those got a code. */
  issued: number;
  withCode: number;
  activeUsers: number;
  newUsers: number;
}

/** One day of the chart: revenue (sales) and numbers sold. */
export interface DayFigures {
  start: number;
  revenue: number;
  sold: number;
}

export interface ShopStats {
  /** The zone the days are cut in. */
  timeZone: string;
  today: PeriodStats;
  week: PeriodStats;
  month: PeriodStats;
  /** The last 30 days, oldest first; the last is today. */
  days: DayFigures[];
}

/** What a day adds up to; periods are sums of days. */
interface DayTotals {
  byKind: Partial<Record<LedgerKind, Totals>>;
  stars: PeriodStats["stars"];
  numbers: Totals;
  rentals: PeriodStats["rentals"];
  cost: number;
  outcomes: Partial<Record<ActivationState, number>>;
  issued: number;
  withCode: number;
}

function emptyDay(): DayTotals {
  return {
    byKind: {},
    stars: { payments: 0, stars: 0, refunds: 0, refundedStars: 0 },
    numbers: { count: 0, amount: 0 },
    rentals: { started: 0, extended: 0, amount: 0 },
    cost: 0,
    outcomes: {},
    issued: 0,
    withCode: 0,
  };
}

const addTotals = (a: Totals | undefined, b: Totals | undefined): Totals => ({ count: (a?.count ?? 0) + (b?.count ?? 0), amount: (a?.amount ?? 0) + (b?.amount ?? 0) });

function sumDays(days: DayTotals[]): DayTotals {
  const sum = emptyDay();
  for (const d of days) {
    for (const kind of Object.keys(d.byKind) as LedgerKind[]) sum.byKind[kind] = addTotals(sum.byKind[kind], d.byKind[kind]);
    sum.stars = {
      payments: sum.stars.payments + d.stars.payments,
      stars: sum.stars.stars + d.stars.stars,
      refunds: sum.stars.refunds + d.stars.refunds,
      refundedStars: sum.stars.refundedStars + d.stars.refundedStars,
    };
    sum.numbers = addTotals(sum.numbers, d.numbers);
    sum.rentals = { started: sum.rentals.started + d.rentals.started, extended: sum.rentals.extended + d.rentals.extended, amount: sum.rentals.amount + d.rentals.amount };
    sum.cost += d.cost;
    for (const state of Object.keys(d.outcomes) as ActivationState[]) sum.outcomes[state] = (sum.outcomes[state] ?? 0) + (d.outcomes[state] ?? 0);
    sum.issued += d.issued;
    sum.withCode += d.withCode;
  }
  return sum;
}

export interface AdminReportsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Pick<Accounts, "byId">;
  activations: Pick<Activations, "byId" | "sms" | "ofUser" | "countOfUser">;
  audit: Pick<AuditLog, "latest">;
  clock: Clock;
  pricing: PricingRules;
  /** The most rows per slice of a report (tests make it small); default SLICE_ROWS. */
  sliceRows?: number;
}

/** The most rows one slice of a report reads. */
const SLICE_ROWS = 5_000;
/** The first slice's rows; later slices are sized from how long the last one took. */
const FIRST_SLICE_ROWS = 1_000;
/** What one slice should cost: the event loop is never held much longer than this. */
const SLICE_TARGET_MS = 8;
/** Days in the chart and in the longest period. */
export const STATS_DAYS = 30;

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `read(day, from, to)` for consecutive id ranges covering every row of `table` created in
 * each day (`starts[day]` to the next start, the last day to now), yielding to the event loop after
 * each range. Where each day's rows begin comes from the created_at index; ids and times are both
 * set at insert, so they run in the same order (only a clock stepped back could leave a row outside
 * its day's ids; `read` still checks the time of every row). Ranges are sized to take about
 * SLICE_TARGET_MS each, however busy the machine or dense the rows: a slow range halves the next
 * one, a fast one lets it grow, never beyond `maxRows`.
 */
async function inDaySlices(db: Db, table: "ledger_entries" | "activations", starts: number[], maxRows: number, read: (day: number, from: number, to: number) => void): Promise<void> {
  const firstSince = (at: number): number | undefined =>
    db.get<{ id: number } | undefined>(sql`SELECT id FROM ${sql.identifier(table)} WHERE created_at >= ${at} ORDER BY created_at, id LIMIT 1`)?.id;
  const last = db.get<{ last: number | null }>(sql`SELECT max(id) AS last FROM ${sql.identifier(table)}`)?.last;
  if (last == null) return;
  let size = Math.min(maxRows, FIRST_SLICE_ROWS);
  let first = firstSince(starts[0] ?? 0);
  for (let day = 0; day < starts.length && first !== undefined; day++) {
    const nextStart = starts[day + 1];
    const next = nextStart === undefined ? undefined : firstSince(nextStart);
    const end = next ?? last + 1;
    for (let from = first; from < end; ) {
      const to = Math.min(from + size, end);
      const began = performance.now();
      read(day, from, to);
      const took = performance.now() - began;
      size = Math.max(1, Math.min(maxRows, Math.round(took > SLICE_TARGET_MS ? size / 2 : took < SLICE_TARGET_MS / 2 ? size * 1.5 : size)));
      from = to;
      await yieldToLoop();
    }
    first = next;
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
   * Today, the last 7 days and the last 30 days, cut at midnight in `timeZone` (today counts as a
   * day: "7 days" is today and the 6 days before), and the 30 days one by one for the chart.
   * Ledger entries and activations are read day by day in slices of ids, the event loop free
   * between slices: at a million entries /stats never freezes the chat.
   */
  async stats(timeZone = "UTC"): Promise<ShopStats> {
    const { db } = this.deps;
    const now = this.deps.clock();
    const starts = lastDayStarts(now, timeZone, STATS_DAYS);
    const ends = [...starts.slice(1), now + 1];
    const days = starts.map(() => emptyDay());
    const size = this.deps.sliceRows ?? SLICE_ROWS;
    const inDay = (column: typeof ledgerEntries.createdAt | typeof activations.createdAt, day: number) => and(gte(column, starts[day] ?? 0), lt(column, ends[day] ?? 0));

    await inDaySlices(db, "ledger_entries", starts, size, (day, from, to) => {
      const totals = days[day] ?? emptyDay();
      const slice = and(gte(ledgerEntries.id, from), lt(ledgerEntries.id, to), inDay(ledgerEntries.createdAt, day));
      for (const row of db
        .select({ kind: ledgerEntries.kind, count: sql<number>`count(*)`, amount: sql<number>`coalesce(sum(abs(${ledgerEntries.amount})), 0)` })
        .from(ledgerEntries)
        .where(slice)
        .groupBy(ledgerEntries.kind)
        .all()) {
        totals.byKind[row.kind] = addTotals(totals.byKind[row.kind], row);
      }
      // What each sale was: a number (its activation holds the hold), a rental or an extension.
      for (const row of db
        .select({ price: sql<number>`-${ledgerEntries.amount}`, activationCost: activations.costMicros, rentalCost: rentals.costMicros, extensionCost: rentalExtensions.costMicros })
        .from(ledgerEntries)
        .leftJoin(activations, eq(activations.holdId, ledgerEntries.holdId))
        .leftJoin(rentals, eq(rentals.holdId, ledgerEntries.holdId))
        .leftJoin(rentalExtensions, eq(rentalExtensions.holdId, ledgerEntries.holdId))
        .where(and(slice, eq(ledgerEntries.kind, "purchase")))
        .all()) {
        const costMicros = row.activationCost ?? row.rentalCost ?? row.extensionCost;
        if (row.activationCost !== null) totals.numbers = addTotals(totals.numbers, { count: 1, amount: row.price });
        else if (row.rentalCost !== null || row.extensionCost !== null) {
          totals.rentals = {
            started: totals.rentals.started + (row.rentalCost !== null ? 1 : 0),
            extended: totals.rentals.extended + (row.rentalCost === null ? 1 : 0),
            amount: totals.rentals.amount + row.price,
          };
        }
        // Each sale's cost is rounded up on its own, as the price was computed from it.
        if (costMicros !== null) totals.cost += costInShopMinor(costMicros, this.deps.pricing);
      }
      // The Stars behind this slice's top-ups (a payment is credited by exactly one entry).
      const stars = db
        .select({ n: sql<number>`count(*)`, stars: sql<number>`coalesce(sum(${starPayments.stars}), 0)` })
        .from(starPayments)
        .innerJoin(ledgerEntries, eq(ledgerEntries.id, starPayments.entryId))
        .where(and(gte(starPayments.entryId, from), lt(starPayments.entryId, to), inDay(ledgerEntries.createdAt, day)))
        .get();
      totals.stars.payments += stars?.n ?? 0;
      totals.stars.stars += stars?.stars ?? 0;
    });

    await inDaySlices(db, "activations", starts, size, (day, from, to) => {
      const totals = days[day] ?? emptyDay();
      const slice = and(gte(activations.id, from), lt(activations.id, to), inDay(activations.createdAt, day));
      for (const row of db.select({ state: activations.state, n: sql<number>`count(*)` }).from(activations).where(slice).groupBy(activations.state).all()) {
        totals.outcomes[row.state] = (totals.outcomes[row.state] ?? 0) + row.n;
      }
      const issuedRow = db
        .select({
          issued: sql<number>`count(*)`,
          withCode: sql<number>`coalesce(sum(case when ${activations.firstCodeAt} is not null then 1 else 0 end), 0)`,
        })
        .from(activations)
        .where(and(slice, sql`${activations.providerId} IS NOT NULL`))
        .get();
      totals.issued += issuedRow?.issued ?? 0;
      totals.withCode += issuedRow?.withCode ?? 0;
    });

    // Stars given back, day by day (few rows: a partial index holds only refunded payments).
    for (let day = 0; day < starts.length; day++) {
      const refunded = db
        .select({ n: sql<number>`count(*)`, stars: sql<number>`coalesce(sum(${starPayments.stars}), 0)` })
        .from(starPayments)
        .where(and(sql`${starPayments.refundedAt} IS NOT NULL`, gte(starPayments.refundedAt, starts[day] ?? 0), lt(starPayments.refundedAt, ends[day] ?? 0)))
        .get();
      const totals = days[day] ?? emptyDay();
      totals.stars.refunds += refunded?.n ?? 0;
      totals.stars.refundedStars += refunded?.stars ?? 0;
    }

    const period = (fromDay: number): PeriodStats => {
      const since = starts[fromDay] ?? now;
      const sum = sumDays(days.slice(fromDay));
      const sales = addTotals(sum.numbers, { count: sum.rentals.started + sum.rentals.extended, amount: sum.rentals.amount });
      const refunds = sum.byKind.refund ?? { count: 0, amount: 0 };
      return {
        since,
        stars: sum.stars,
        topups: sum.byKind.topup ?? { count: 0, amount: 0 },
        sales,
        numbers: sum.numbers,
        rentals: sum.rentals,
        refunds,
        paymentRefunds: sum.byKind.payment_refund ?? { count: 0, amount: 0 },
        cost: sum.cost,
        margin: sales.amount - sum.cost - refunds.amount,
        outcomes: sum.outcomes,
        issued: sum.issued,
        withCode: sum.withCode,
        activeUsers: this.countUsers(users.lastSeenAt, since),
        newUsers: this.countUsers(users.createdAt, since),
      };
    };
    return {
      timeZone,
      today: period(STATS_DAYS - 1),
      week: period(STATS_DAYS - 7),
      month: period(0),
      days: days.map((d, i) => ({ start: starts[i] ?? 0, revenue: (d.numbers.amount + d.rentals.amount), sold: d.numbers.count })),
    };
  }

  /** Live accounts seen (or created) since then: counted in the (time, status) index alone. */
  private countUsers(column: typeof users.lastSeenAt | typeof users.createdAt, since: number): number {
    return (
      this.deps.db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .where(and(gte(column, since), ne(users.status, "deleted")))
        .get()?.n ?? 0
    );
  }

  /** The ledger check in slices: the chat keeps answering while it runs on a large ledger. */
  checkLedger(): Promise<string[]> {
    return this.deps.ledger.checkInvariantsInSlices();
  }

  recentAudit(limit: number): AuditEntry[] {
    return this.deps.audit.latest(limit);
  }
}
