import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { utcMinute, type Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, buyingSuspensions } from "../db/schema.ts";
import type { Outbox } from "./outbox.ts";

/**
 * POLICY A6: too many cancellations without a code in a short time suspend buying for a while.
 * The user is told why and until when (by the handler that cancelled); the admins hear of each
 * suspension once, through the outbox, in the same transaction that records it.
 */
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
   * After a cancellation by the user (inside its transaction): suspends buying when the limit is
   * reached. Returns the end of a new suspension.
   */
  afterUserCancel(userId: number): number | undefined {
    const { limit, windowMs, suspendMs } = this.rule;
    const now = this.clock();
    const recent =
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(activations)
        .where(
          and(
            eq(activations.userId, userId),
            inArray(activations.state, ["cancelled", "banned"]),
            eq(activations.endReason, "user"),
            gt(activations.endedAt, now - windowMs),
          ),
        )
        .get()?.n ?? 0;
    if (recent < limit || this.suspension(userId)) return undefined;
    const until = now + suspendMs;
    const reason = `${recent} cancellations without a code`;
    const suspension = this.db.insert(buyingSuspensions).values({ userId, reason, startsAt: now, endsAt: until }).returning().get();
    this.outbox.toAdmins(
      { kind: "notice", key: "abuse-suspended-admin", vars: { account: userId, reason, until: `${utcMinute(until)} UTC` } },
      `abuse-suspended:${suspension.id}`,
    );
    return until;
  }
}
