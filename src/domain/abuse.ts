import { and, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { utcMinute, type Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, buyingSuspensions } from "../db/schema.ts";
import type { Outbox } from "./outbox.ts";

/**
 * POLICY A6: too many cancellations without a code in a short time suspend buying for a while.
 * The user is told why and until when (by the handler that cancelled); the admins hear of each
 * suspension once, through the outbox, in the same transaction that records it.
 */
/** A plain cancel weighs two points, a Ban one: `limit` plain cancels, or twice as many Bans, suspend. */
const BAN_POINTS_PER_CANCEL = 2;

export class AbuseGuard {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly rule: { limit: number; windowMs: number; suspendMs: number },
  ) {}

  /** An active buying suspension, if any. */
  suspension(userId: number): { until: number; reason: string } | undefined {
    const row = this.db
      .select()
      .from(buyingSuspensions)
      .where(and(eq(buyingSuspensions.userId, userId), gt(buyingSuspensions.endsAt, this.clock())))
      .orderBy(desc(buyingSuspensions.endsAt))
      .get();
    return row ? { until: row.endsAt, reason: row.reason } : undefined;
  }

  /**
   * An admin lifts the user's suspension now (inside the caller's transaction). Returns false when
   * there was none.
   */
  lift(userId: number): boolean {
    const now = this.clock();
    const lifted = this.db
      .update(buyingSuspensions)
      .set({ endsAt: now })
      .where(and(eq(buyingSuspensions.userId, userId), gt(buyingSuspensions.endsAt, now)))
      .returning({ id: buyingSuspensions.id })
      .all();
    return lifted.length > 0;
  }

  /**
   * After a cancellation by the user (inside its transaction): suspends buying when the limit is
   * reached. Returns the end of a new suspension.
   */
  afterUserCancel(userId: number): number | undefined {
    const { limit, windowMs, suspendMs } = this.rule;
    const now = this.clock();
    // "Number already used" (Ban) is often not the user's doing: it weighs half a plain cancel.
    // Cancels an earlier suspension already answered for (it ended, or an admin lifted it) do not count again.
    const lastEnded =
      this.db
        .select({ at: sql<number | null>`max(${buyingSuspensions.endsAt})` })
        .from(buyingSuspensions)
        .where(and(eq(buyingSuspensions.userId, userId), lte(buyingSuspensions.endsAt, now)))
        .get()?.at ?? 0;
    const since = Math.max(now - windowMs, lastEnded);
    const counted = this.db
      .select({
        cancels: sql<number>`COALESCE(SUM(CASE WHEN ${activations.state} = 'cancelled' THEN 1 ELSE 0 END), 0)`,
        bans: sql<number>`COALESCE(SUM(CASE WHEN ${activations.state} = 'banned' THEN 1 ELSE 0 END), 0)`,
      })
      .from(activations)
      .where(
        and(
          eq(activations.userId, userId),
          inArray(activations.state, ["cancelled", "banned"]),
          eq(activations.endReason, "user"),
          gt(activations.endedAt, since),
        ),
      )
      .get();
    const cancels = counted?.cancels ?? 0;
    const bans = counted?.bans ?? 0;
    // "Number already used" (Ban) is often not the user's doing: it weighs half a plain cancel.
    const points = cancels * BAN_POINTS_PER_CANCEL + bans;
    if (points < limit * BAN_POINTS_PER_CANCEL || this.suspension(userId)) return undefined;
    const until = now + suspendMs;
    const reason = bans === 0 ? `${cancels} cancellations without a code` : `${cancels} cancellations and ${bans} numbers reported as used, without a code`;
    const suspension = this.db.insert(buyingSuspensions).values({ userId, reason, startsAt: now, endsAt: until }).returning().get();
    this.outbox.toAdmins(
      { kind: "notice", key: "abuse-suspended-admin", vars: { account: userId, reason, until: `${utcMinute(until)} UTC` } },
      `abuse-suspended:${suspension.id}`,
    );
    return until;
  }
}
