import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { holds, inactivityWarnings, users } from "../db/schema.ts";
import type { Account } from "./accounts.ts";
import type { Clock } from "../clock.ts";
import type { Ledger } from "./ledger.ts";
import type { Outbox } from "./outbox.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** POLICY B3 says "more than 9 months"; months differ in length, so the bot counts 273 days (9 × ~30.4). */
export const INACTIVITY_LIMIT_DAYS = 273;
/** Days before the deletion that the user is warned (B3's example). */
export const INACTIVITY_WARNING_DAYS = [30, 7] as const;
export type WarningDays = (typeof INACTIVITY_WARNING_DAYS)[number];

export type DeletionCause = "request" | "inactivity";

export type DeletionResult =
  | { ok: true; account: Account; forfeited: number }
  | { ok: false; reason: "not_found" | "not_active" | "open_holds" | "came_back" };

export interface DueWarning {
  account: Account;
  daysBefore: WarningDays;
  /** When the account will be deleted if it stays unused (epoch ms). */
  deleteAt: number;
  /** The available balance that would be forfeited. */
  available: number;
}

/**
 * Deleting an account (B2 on request, B3 after inactivity): in one ledger transaction the available
 * balance becomes a "forfeit" entry, the account is marked deleted and the personal data the
 * ledger does not need (names, username) is dropped. The Telegram id stays: the ledger's Stars
 * payments and refunds are matched by it. Ledger entries and activations are never touched (B5).
 */
export class AccountDeletion {
  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** `lastSeenAt`, when given, must still be the account's: a user who came back is not deleted for inactivity. */
  delete(userId: number, cause: DeletionCause, lastSeenAt?: number): DeletionResult {
    return this.ledger.write((): DeletionResult => {
      const account = this.db.select().from(users).where(eq(users.id, userId)).get();
      if (!account) return { ok: false, reason: "not_found" };
      // A blocked account's balance is frozen, not erased (B2); deleting is for live accounts only.
      if (account.status !== "active") return { ok: false, reason: "not_active" };
      if (lastSeenAt !== undefined && account.lastSeenAt !== lastSeenAt) return { ok: false, reason: "came_back" };
      // Money reserved for a number in progress belongs to that purchase: it must end first.
      const open = this.db
        .select({ n: sql<number>`count(*)` })
        .from(holds)
        .where(and(eq(holds.userId, userId), eq(holds.status, "open")))
        .get();
      if ((open?.n ?? 0) > 0) return { ok: false, reason: "open_holds" };
      const { available } = this.ledger.balanceOf(userId);
      if (available > 0) {
        const posted = this.ledger.debit({
          userId,
          amount: available,
          kind: "forfeit",
          ref: { type: "account", id: String(userId) },
          idempotencyKey: `forfeit:${userId}`,
          memo: cause === "request" ? "account deleted at the user's request (B2)" : "account deleted after inactivity (B3)",
        });
        if (!posted.ok) throw new Error(`forfeit of account ${userId} failed: ${posted.reason}`);
      }
      const deleted = this.db
        .update(users)
        .set({ status: "deleted", deletedAt: this.clock(), username: null, firstName: null, lastName: null })
        .where(and(eq(users.id, userId), eq(users.status, "active")))
        .returning()
        .get();
      if (!deleted) throw new Error(`account ${userId} changed while being deleted`);
      return { ok: true, account: deleted, forfeited: available };
    });
  }

  /**
   * Warnings due as of `now`: one per account, the latest that applies (a job that was down sends
   * the 7-day one, not both). Each is sent once per last_seen value (see recordWarning).
   */
  dueWarnings(now: number): DueWarning[] {
    const limit = INACTIVITY_LIMIT_DAYS * DAY_MS;
    const earliest = Math.max(...INACTIVITY_WARNING_DAYS);
    const candidates = this.db
      .select()
      .from(users)
      .where(and(eq(users.status, "active"), lte(users.lastSeenAt, now - limit + earliest * DAY_MS)))
      .all();
    const due: DueWarning[] = [];
    for (const account of candidates) {
      const sent = this.warningsSent(account.id, account.lastSeenAt);
      const daysBefore = [...INACTIVITY_WARNING_DAYS]
        .sort((a, b) => a - b)
        .find((days) => now >= account.lastSeenAt + limit - days * DAY_MS);
      if (daysBefore === undefined) continue;
      // Once a nearer warning went out, an earlier one is pointless.
      if (sent.some((s) => s.daysBefore <= daysBefore)) continue;
      const deleteAt = Math.max(account.lastSeenAt + limit, now + Math.min(daysBefore, 7) * DAY_MS);
      due.push({ account, daysBefore, deleteAt, available: this.ledger.balanceOf(account.id).available });
    }
    return due;
  }

  /**
   * Records a due warning and queues it for the user, in one transaction: the warning is sent once
   * (a user who blocked the bot is still warned as far as the rule goes, and deleted on time).
   */
  warn(warning: DueWarning, now: number): void {
    const { account } = warning;
    this.ledger.write(() => {
      this.recordWarning(account.id, warning.daysBefore, account.lastSeenAt, now);
      this.outbox.toUser(
        account.id,
        {
          kind: "notice",
          key: "inactivity-warning",
          vars: {
            date: new Date(warning.deleteAt).toISOString().slice(0, 10),
            days: Math.max(1, Math.round((warning.deleteAt - now) / DAY_MS)),
            balance: { money: warning.available },
          },
        },
        `inactivity-warning:${account.id}:${account.lastSeenAt}:${warning.daysBefore}`,
      );
    });
  }

  /** Remembers a warning (whether or not Telegram delivered it: a user who blocked the bot is still deleted). */
  recordWarning(userId: number, daysBefore: WarningDays, lastSeenAt: number, now: number): void {
    this.db.insert(inactivityWarnings).values({ userId, daysBefore, lastSeenAt, sentAt: now }).onConflictDoNothing().run();
  }

  /**
   * Accounts to delete as of `now`: unused for more than the limit, and warned 7 days before at
   * least 7 days ago (so that nobody is deleted without the last warning, even after downtime).
   */
  dueDeletions(now: number): Account[] {
    const limit = INACTIVITY_LIMIT_DAYS * DAY_MS;
    const nearest = Math.min(...INACTIVITY_WARNING_DAYS);
    return this.db
      .select({ account: users })
      .from(users)
      .innerJoin(
        inactivityWarnings,
        and(
          eq(inactivityWarnings.userId, users.id),
          eq(inactivityWarnings.lastSeenAt, users.lastSeenAt),
          eq(inactivityWarnings.daysBefore, nearest),
        ),
      )
      .where(and(eq(users.status, "active"), lte(users.lastSeenAt, now - limit), lte(inactivityWarnings.sentAt, now - nearest * DAY_MS)))
      .all()
      .map((row) => row.account);
  }

  private warningsSent(userId: number, lastSeenAt: number): Array<{ daysBefore: number }> {
    return this.db
      .select({ daysBefore: inactivityWarnings.daysBefore })
      .from(inactivityWarnings)
      .where(and(eq(inactivityWarnings.userId, userId), eq(inactivityWarnings.lastSeenAt, lastSeenAt)))
      .all();
  }
}
