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
  | Refusal<"unknown_user" | "idempotency_conflict">;

export type HoldResult =
  | { ok: true; hold: Hold; duplicate: boolean }
  | InsufficientFunds
  | Refusal<"unknown_user" | "idempotency_conflict" | "account_not_active">;

export type CaptureResult =
  | { ok: true; entry: LedgerEntry; duplicate: boolean }
  | Refusal<"hold_not_found" | "hold_voided">;

export type VoidResult = { ok: true; hold: Hold; duplicate: boolean } | Refusal<"hold_not_found" | "hold_captured">;

const CREDIT_KINDS: ReadonlySet<LedgerKind> = new Set(["topup", "refund", "adjustment"]);
const DEBIT_KINDS: ReadonlySet<LedgerKind> = new Set(["purchase", "payment_refund", "forfeit", "adjustment"]);

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RangeError(`ledger amounts are positive integers in minor units, got ${amount}`);
  }
}

export class Ledger {
  /** Read on most screens and in every debit: prepared once. */
  private readonly balanceRow;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.balanceRow = db.select().from(balances).where(eq(balances.userId, sql.placeholder("userId"))).prepare();
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

  /** Reserves money for a purchase. A clean refusal when the available balance is short. */
  hold(request: { userId: number; amount: number; ref: Ref; idempotencyKey: string }): HoldResult {
    assertAmount(request.amount);
    return this.write((): HoldResult => {
      const existing = this.db.select().from(holds).where(eq(holds.idempotencyKey, request.idempotencyKey)).get();
      if (existing) {
        const same = existing.userId === request.userId && existing.amount === request.amount;
        return same ? { ok: true, hold: existing, duplicate: true } : { ok: false, reason: "idempotency_conflict" };
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
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) {
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
    const problems: string[] = [];
    const posted = this.db.all<{ userId: number; posted: number; sum: number }>(sql`
      SELECT b.user_id AS userId, b.posted AS posted, COALESCE(SUM(e.amount), 0) AS sum
      FROM balances b LEFT JOIN ledger_entries e ON e.user_id = b.user_id
      GROUP BY b.user_id HAVING b.posted <> COALESCE(SUM(e.amount), 0)`);
    for (const row of posted) problems.push(`user ${row.userId}: posted ${row.posted} but entries sum to ${row.sum}`);

    const held = this.db.all<{ userId: number; held: number; sum: number }>(sql`
      SELECT b.user_id AS userId, b.held AS held,
        COALESCE((SELECT SUM(h.amount) FROM holds h WHERE h.user_id = b.user_id AND h.status = 'open'), 0) AS sum
      FROM balances b WHERE b.held <> sum`);
    for (const row of held) problems.push(`user ${row.userId}: held ${row.held} but open holds sum to ${row.sum}`);

    const negative = this.db.all<{ userId: number }>(sql`
      SELECT user_id AS userId FROM balances WHERE posted - held < 0 OR held < 0`);
    for (const row of negative) problems.push(`user ${row.userId}: negative available or held balance`);

    const chain = this.db.all<{ id: number; balanceAfter: number; running: number }>(sql`
      SELECT id, balanceAfter, running FROM (
        SELECT id, balance_after AS balanceAfter,
          SUM(amount) OVER (PARTITION BY user_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS running
        FROM ledger_entries)
      WHERE balanceAfter <> running`);
    for (const row of chain) problems.push(`entry ${row.id}: balance_after ${row.balanceAfter} but running sum is ${row.running}`);

    const captures = this.db.all<{ id: number; status: string; entries: number }>(sql`
      SELECT h.id AS id, h.status AS status, COUNT(e.id) AS entries
      FROM holds h LEFT JOIN ledger_entries e ON e.hold_id = h.id
      GROUP BY h.id
      HAVING (h.status = 'captured' AND COUNT(e.id) <> 1) OR (h.status <> 'captured' AND COUNT(e.id) <> 0)`);
    for (const row of captures) problems.push(`hold ${row.id} (${row.status}) has ${row.entries} capture entries`);

    const orphans = this.db.all<{ id: number }>(sql`
      SELECT u.id AS id FROM users u LEFT JOIN balances b ON b.user_id = u.id WHERE b.user_id IS NULL`);
    for (const row of orphans) problems.push(`user ${row.id} has no balance row`);
    return problems;
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
