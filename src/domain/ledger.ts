import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { balances, holds, ledgerEntries, users, type LedgerKind } from "../db/schema.ts";
import type { Clock } from "../clock.ts";

/**
 * The one place money moves. Every operation is one synchronous IMMEDIATE transaction (never an
 * await inside), keyed for idempotency, and the store's triggers and CHECKs back every rule:
 * entries are append-only, a hold settles once, the available balance never goes below zero.
 */

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type Hold = typeof holds.$inferSelect;

export interface Ref {
  type: string;
  id: string;
}

export interface Balance {
  posted: number;
  held: number;
  available: number;
}

export interface Posting {
  userId: number;
  /** Minor units, always positive here: the direction comes from the operation. */
  amount: number;
  kind: LedgerKind;
  ref: Ref;
  idempotencyKey: string;
  memo?: string;
  actorTelegramId?: number;
}

export type InsufficientFunds = { ok: false; reason: "insufficient_funds"; available: number; missing: number };
type Refusal<R extends string> = { ok: false; reason: R };

export type PostResult =
  | { ok: true; entry: LedgerEntry; duplicate: boolean }
  | InsufficientFunds
  | Refusal<"unknown_user" | "idempotency_conflict" | "balance_limit">;

export type HoldResult =
  | { ok: true; hold: Hold; duplicate: boolean }
  | InsufficientFunds
  /** `hold_voided`: the key's hold was released; a new attempt needs a new key (it must reserve again). */
  | Refusal<"unknown_user" | "idempotency_conflict" | "account_not_active" | "hold_voided">;

export type CaptureResult =
  | { ok: true; entry: LedgerEntry; duplicate: boolean }
  | Refusal<"hold_not_found" | "hold_voided">;

export type VoidResult = { ok: true; hold: Hold; duplicate: boolean } | Refusal<"hold_not_found" | "hold_captured">;

const CREDIT_KINDS: ReadonlySet<LedgerKind> = new Set(["topup", "refund", "adjustment"]);
const DEBIT_KINDS: ReadonlySet<LedgerKind> = new Set(["purchase", "payment_refund", "forfeit", "adjustment"]);

/**
 * No single amount and no balance goes beyond this many minor units (10^12: ten billion in a
 * currency with cents), far below the limit of exact integer arithmetic (about 9 * 10^15), so no
 * sum the ledger or a report adds up can lose a unit. Admin operations have their own, lower limit.
 */
export const LEDGER_AMOUNT_LIMIT = 1_000_000_000_000;

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > LEDGER_AMOUNT_LIMIT) {
    throw new RangeError(`ledger amounts are positive integers in minor units, got ${amount}`);
  }
}

interface SliceOptions {
  /** First slice sizes (accounts, entries, holds); each then adapts to the time budget. */
  accounts: number;
  entries: number;
  holds: number;
  /** Time one slice may take; 0 shrinks every slice to a single row (tests). */
  budgetMs: number;
}

const DEFAULT_SLICES: SliceOptions = { accounts: 50, entries: 2_000, holds: 2_000, budgetMs: 8 };
const LARGEST_SLICE = 20_000;

/** Where the chain walk stands: the last entry checked (undefined once every entry was). */
type ChainCursor = { userId: number; id: number; balanceAfter: number } | undefined;
const CHAIN_START: ChainCursor = { userId: Number.MIN_SAFE_INTEGER, id: 0, balanceAfter: 0 };

/**
 * Runs `slice(size)` until it says it is done, yielding to the event loop after each call and
 * sizing the next one to the budget: halved after a slice that took longer, a quarter larger after
 * one that took less than half (slow growth: a doubled slice on a cold page could blow the budget).
 */
async function inSlices(size: number, budgetMs: number, slice: (size: number) => boolean): Promise<void> {
  for (;;) {
    const started = performance.now();
    const done = slice(size);
    const took = performance.now() - started;
    if (took > budgetMs) size = Math.max(1, Math.floor(size / 2));
    else if (took < budgetMs / 2) size = Math.min(LARGEST_SLICE, Math.ceil(size * 1.25));
    await new Promise((resolve) => setImmediate(resolve));
    if (done) return;
  }
}

export class Ledger {
  /** Read on most screens and in every debit: prepared once. */
  private readonly balanceRow;
  /** The ledger check's walk: the next entries in account order, from the ledger_by_user index alone. */
  private readonly chainStep;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.balanceRow = db.select().from(balances).where(eq(balances.userId, sql.placeholder("userId"))).prepare();
    this.chainStep = db
      .select({ userId: ledgerEntries.userId, id: ledgerEntries.id, amount: ledgerEntries.amount, balanceAfter: ledgerEntries.balanceAfter })
      .from(ledgerEntries)
      .where(sql`(${ledgerEntries.userId}, ${ledgerEntries.id}) > (${sql.placeholder("userId")}, ${sql.placeholder("id")})`)
      .orderBy(ledgerEntries.userId, ledgerEntries.id)
      .limit(sql.placeholder("limit"))
      .prepare();
  }

  /** Runs `fn` in one IMMEDIATE write transaction; `fn` must be synchronous. */
  write<T>(fn: () => T): T {
    return this.db.transaction(() => fn(), { behavior: "immediate" });
  }

  balanceOf(userId: number): Balance {
    const row = this.balanceRow.get({ userId });
    const posted = row?.posted ?? 0;
    const held = row?.held ?? 0;
    return { posted, held, available: posted - held };
  }

  /** Money in (top-up, refund, admin credit). Idempotent on the key. */
  credit(posting: Posting): PostResult {
    assertAmount(posting.amount);
    if (!CREDIT_KINDS.has(posting.kind)) throw new RangeError(`${posting.kind} is not a credit`);
    return this.write(() => this.post(posting, posting.amount));
  }

  /** Money out without a hold (admin debit, Stars refund, forfeit). Never below zero available. */
  debit(posting: Posting): PostResult {
    assertAmount(posting.amount);
    if (!DEBIT_KINDS.has(posting.kind)) throw new RangeError(`${posting.kind} is not a debit`);
    return this.write(() => {
      const existing = this.findEntry(posting.idempotencyKey);
      if (existing) return this.sameEntry(existing, posting, -posting.amount);
      const balance = this.balanceOf(posting.userId);
      if (posting.amount > balance.available) {
        return { ok: false, reason: "insufficient_funds", available: balance.available, missing: posting.amount - balance.available };
      }
      return this.post(posting, -posting.amount);
    });
  }

  /**
   * Reserves money for a purchase (or a refund). A clean refusal when the available balance is short.
   * A hold found by its key counts only while it is open or captured for this very operation (same
   * user, amount and ref): a voided hold reserves nothing, so reusing its key is refused rather than
   * answered "already reserved" (a retry that trusted it would move money nobody reserved).
   */
  hold(request: { userId: number; amount: number; ref: Ref; idempotencyKey: string }): HoldResult {
    assertAmount(request.amount);
    return this.write((): HoldResult => {
      const existing = this.db.select().from(holds).where(eq(holds.idempotencyKey, request.idempotencyKey)).get();
      if (existing) {
        const same =
          existing.userId === request.userId &&
          existing.amount === request.amount &&
          existing.refType === request.ref.type &&
          existing.refId === request.ref.id;
        if (!same) return { ok: false, reason: "idempotency_conflict" };
        if (existing.status === "voided") return { ok: false, reason: "hold_voided" };
        return { ok: true, hold: existing, duplicate: true };
      }
      const user = this.db.select({ status: users.status }).from(users).where(eq(users.id, request.userId)).get();
      if (!user) return { ok: false, reason: "unknown_user" };
      if (user.status !== "active") return { ok: false, reason: "account_not_active" };
      const balance = this.balanceOf(request.userId);
      if (request.amount > balance.available) {
        return { ok: false, reason: "insufficient_funds", available: balance.available, missing: request.amount - balance.available };
      }
      const hold = this.db
        .insert(holds)
        .values({
          userId: request.userId,
          amount: request.amount,
          refType: request.ref.type,
          refId: request.ref.id,
          idempotencyKey: request.idempotencyKey,
          createdAt: this.clock(),
        })
        .returning()
        .get();
      return { ok: true, hold, duplicate: false };
    });
  }

  /**
   * Turns an open hold into a debit entry (a purchase unless `kind` says otherwise, e.g. a refund
   * to the payment method). Exactly once: a repeat returns the same entry.
   */
  capture(holdId: number, memo?: string, kind: "purchase" | "payment_refund" = "purchase"): CaptureResult {
    return this.write((): CaptureResult => {
      const hold = this.db.select().from(holds).where(eq(holds.id, holdId)).get();
      if (!hold) return { ok: false, reason: "hold_not_found" };
      if (hold.status === "voided") return { ok: false, reason: "hold_voided" };
      if (hold.status === "captured") {
        const entry = this.db.select().from(ledgerEntries).where(eq(ledgerEntries.holdId, holdId)).get();
        if (!entry) throw new Error(`hold ${holdId} is captured but has no entry`);
        return { ok: true, entry, duplicate: true };
      }
      const now = this.clock();
      // Release the reservation first, then post: both lines of the balance move in one transaction.
      this.db
        .update(holds)
        .set({ status: "captured", settledAt: now })
        .where(and(eq(holds.id, holdId), eq(holds.status, "open")))
        .run();
      const result = this.post(
        {
          userId: hold.userId,
          amount: hold.amount,
          kind,
          ref: { type: hold.refType, id: hold.refId },
          idempotencyKey: `capture:${holdId}`,
          ...(memo !== undefined ? { memo } : {}),
        },
        -hold.amount,
        holdId,
      );
      if (!result.ok) throw new Error(`capturing hold ${holdId} failed: ${result.reason}`);
      return { ok: true, entry: result.entry, duplicate: false };
    });
  }

  /** Releases an open hold: nothing was bought, nothing is posted. Exactly once. */
  void(holdId: number): VoidResult {
    return this.write((): VoidResult => {
      const hold = this.db.select().from(holds).where(eq(holds.id, holdId)).get();
      if (!hold) return { ok: false, reason: "hold_not_found" };
      if (hold.status === "captured") return { ok: false, reason: "hold_captured" };
      if (hold.status === "voided") return { ok: true, hold, duplicate: true };
      const updated = this.db
        .update(holds)
        .set({ status: "voided", settledAt: this.clock() })
        .where(and(eq(holds.id, holdId), eq(holds.status, "open")))
        .returning()
        .get();
      if (!updated) throw new Error(`hold ${holdId} changed while voiding`);
      return { ok: true, hold: updated, duplicate: false };
    });
  }

  /** An admin's correction: signed amount, never below zero available. */
  adjust(posting: Omit<Posting, "kind" | "amount"> & { amount: number }): PostResult {
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0 || Math.abs(posting.amount) > LEDGER_AMOUNT_LIMIT) {
      throw new RangeError(`an adjustment is a non-zero integer, got ${posting.amount}`);
    }
    const base = { ...posting, kind: "adjustment" as const, amount: Math.abs(posting.amount) };
    return posting.amount > 0 ? this.credit(base) : this.debit(base);
  }

  entryById(entryId: number): LedgerEntry | undefined {
    return this.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, entryId)).get();
  }

  holdById(holdId: number): Hold | undefined {
    return this.db.select().from(holds).where(eq(holds.id, holdId)).get();
  }

  /**
   * Checks, from the entries alone, everything the balances claim: each posted balance equals the
   * sum of its entries, each balance_after follows the running sum, each held amount equals the
   * open holds, each captured hold has exactly one entry and no voided hold has any.
   * Returns a list of human-readable violations; empty means the books balance.
   */
  checkInvariants(): string[] {
    const chain: string[] = [];
    let cursor: ChainCursor = CHAIN_START;
    while (cursor !== undefined) cursor = this.checkChain(cursor, 100_000, chain);
    return [...this.checkAccounts(0, Number.MAX_SAFE_INTEGER), ...chain, ...this.checkHolds(0, Number.MAX_SAFE_INTEGER)];
  }

  /**
   * The same checks in slices, the event loop free between them: at a million entries the chat
   * keeps answering while an admin checks the books. Each slice is one synchronous read sized to
   * take about `budgetMs` (it halves after a slower slice and grows after a quick one), so a
   * loaded machine or a larger account makes slices smaller, not blocks longer. Accounts and
   * holds go by id ranges (each account or hold checked as one state); the chain of balance_after
   * is walked account by account through the ledger_by_user index, which holds every value it reads.
   */
  async checkInvariantsInSlices(options: Partial<SliceOptions> = {}): Promise<string[]> {
    const { accounts, entries, holds: holdSlice, budgetMs } = { ...DEFAULT_SLICES, ...options };
    const top = this.db.get<{ users: number | null; holds: number | null }>(sql`
      SELECT (SELECT max(id) FROM users) AS users, (SELECT max(id) FROM holds) AS holds`);
    const problems: string[] = [];
    let from = 0;
    await inSlices(accounts, budgetMs, (size) => {
      problems.push(...this.checkAccounts(from, from + size));
      from += size;
      return from > (top?.users ?? 0);
    });
    let cursor: ChainCursor = CHAIN_START;
    await inSlices(entries, budgetMs, (size) => {
      cursor = cursor && this.checkChain(cursor, size, problems);
      return cursor === undefined;
    });
    from = 0;
    await inSlices(holdSlice, budgetMs, (size) => {
      problems.push(...this.checkHolds(from, from + size));
      from += size;
      return from > (top?.holds ?? 0);
    });
    return problems;
  }

  /** Accounts with id in [from, to): posted = sum of entries, held = open holds, nothing negative, a balance row. */
  private checkAccounts(from: number, to: number): string[] {
    const problems: string[] = [];
    const posted = this.db.all<{ userId: number; posted: number; sum: number }>(sql`
      SELECT b.user_id AS userId, b.posted AS posted,
        COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.user_id = b.user_id), 0) AS sum
      FROM balances b WHERE b.user_id >= ${from} AND b.user_id < ${to} AND b.posted <> sum`);
    for (const row of posted) problems.push(`user ${row.userId}: posted ${row.posted} but entries sum to ${row.sum}`);

    const held = this.db.all<{ userId: number; held: number; sum: number }>(sql`
      SELECT b.user_id AS userId, b.held AS held,
        COALESCE((SELECT SUM(h.amount) FROM holds h WHERE h.user_id = b.user_id AND h.status = 'open'), 0) AS sum
      FROM balances b WHERE b.user_id >= ${from} AND b.user_id < ${to} AND b.held <> sum`);
    for (const row of held) problems.push(`user ${row.userId}: held ${row.held} but open holds sum to ${row.sum}`);

    const negative = this.db.all<{ userId: number }>(sql`
      SELECT user_id AS userId FROM balances WHERE user_id >= ${from} AND user_id < ${to} AND (posted - held < 0 OR held < 0)`);
    for (const row of negative) problems.push(`user ${row.userId}: negative available or held balance`);

    const orphans = this.db.all<{ id: number }>(sql`
      SELECT u.id AS id FROM users u LEFT JOIN balances b ON b.user_id = u.id WHERE u.id >= ${from} AND u.id < ${to} AND b.user_id IS NULL`);
    for (const row of orphans) problems.push(`user ${row.id} has no balance row`);
    return problems;
  }

  /**
   * The next `limit` entries after `cursor` in account order (user, then id): each balance_after
   * is the account's previous balance_after plus the amount (0 before its first entry), which,
   * entry by entry, is the running sum. Entries are append-only with growing ids, so walking on
   * from the cursor later sees the same chain. Returns where to go on, or undefined at the end.
   */
  private checkChain(cursor: NonNullable<ChainCursor>, limit: number, problems: string[]): ChainCursor {
    // [user_id, id, amount, balance_after] arrays through a statement prepared once: at a
    // million entries, building an object per row would be most of the cost.
    const rows = this.chainStep.values({ userId: cursor.userId, id: cursor.id, limit }) as Array<[number, number, number, number]>;
    let previous = cursor;
    for (const [userId, id, amount, balanceAfter] of rows) {
      const expected = (userId === previous.userId ? previous.balanceAfter : 0) + amount;
      if (balanceAfter !== expected) problems.push(`entry ${id}: balance_after ${balanceAfter} but the running sum is ${expected}`);
      previous = { userId, id, balanceAfter };
    }
    return rows.length < limit ? undefined : previous;
  }

  /** Holds with id in [from, to): a captured hold has exactly one entry, any other none. */
  private checkHolds(from: number, to: number): string[] {
    const captures = this.db.all<{ id: number; status: string; entries: number }>(sql`
      SELECT id, status, entries FROM (
        SELECT h.id AS id, h.status AS status, (SELECT COUNT(*) FROM ledger_entries e WHERE e.hold_id = h.id) AS entries
        FROM holds h WHERE h.id >= ${from} AND h.id < ${to})
      WHERE (status = 'captured' AND entries <> 1) OR (status <> 'captured' AND entries <> 0)`);
    return captures.map((row) => `hold ${row.id} (${row.status}) has ${row.entries} capture entries`);
  }

  private findEntry(idempotencyKey: string): LedgerEntry | undefined {
    return this.db.select().from(ledgerEntries).where(eq(ledgerEntries.idempotencyKey, idempotencyKey)).get();
  }

  private sameEntry(existing: LedgerEntry, posting: Posting, signedAmount: number): PostResult {
    const same = existing.userId === posting.userId && existing.kind === posting.kind && existing.amount === signedAmount;
    return same ? { ok: true, entry: existing, duplicate: true } : { ok: false, reason: "idempotency_conflict" };
  }

  /** Appends one entry. Must run inside `write`. */
  private post(posting: Posting, signedAmount: number, holdId?: number): PostResult {
    const existing = this.findEntry(posting.idempotencyKey);
    if (existing) return this.sameEntry(existing, posting, signedAmount);
    const balance = this.db.select().from(balances).where(eq(balances.userId, posting.userId)).get();
    if (!balance) return { ok: false, reason: "unknown_user" };
    if (balance.posted + signedAmount > LEDGER_AMOUNT_LIMIT) return { ok: false, reason: "balance_limit" };
    const entry = this.db
      .insert(ledgerEntries)
      .values({
        userId: posting.userId,
        kind: posting.kind,
        amount: signedAmount,
        balanceAfter: balance.posted + signedAmount,
        refType: posting.ref.type,
        refId: posting.ref.id,
        holdId: holdId ?? null,
        idempotencyKey: posting.idempotencyKey,
        memo: posting.memo ?? null,
        actorTelegramId: posting.actorTelegramId ?? null,
        createdAt: this.clock(),
      })
      .returning()
      .get();
    return { ok: true, entry, duplicate: false };
  }
}
