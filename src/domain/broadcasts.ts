import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { broadcastDeliveries, broadcasts, users } from "../db/schema.ts";
import type { Clock } from "./clock.ts";

/**
 * Broadcasts to every account that may hear news (POLICY B6). The recipients are fixed when the
 * broadcast starts (one `pending` delivery row each, in one transaction). A delivery is claimed
 * (attempts >= 1) before anything is sent: a row still `pending` with attempts > 0 when a sender
 * starts was in flight during a crash or restart, and is written off as failed rather than sent
 * again. So a message may be lost in a crash, but nobody ever gets the same broadcast twice.
 */

export type Broadcast = typeof broadcasts.$inferSelect;
export type DeliveryStatus = (typeof broadcastDeliveries.$inferSelect)["status"];

export type BroadcastContent = { kind: "text"; text: string } | { kind: "copy"; fromChatId: number; fromMessageId: number };

export interface BroadcastCounts {
  total: number;
  pending: number;
  sent: number;
  blocked: number;
  failed: number;
  /** Accounts left out: opted out of news or known to have blocked the bot, at the start or by send time. */
  skipped: number;
}

export interface Recipient {
  userId: number;
  telegramId: number;
}

export class Broadcasts {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Creates the broadcast and all of its delivery rows at once. */
  start(adminTelegramId: number, content: BroadcastContent): { broadcast: Broadcast; recipients: number } {
    const now = this.clock();
    return this.db.transaction(
      () => {
        const broadcast = this.db
          .insert(broadcasts)
          .values({
            adminTelegramId,
            text: content.kind === "text" ? content.text : null,
            fromChatId: content.kind === "copy" ? content.fromChatId : null,
            fromMessageId: content.kind === "copy" ? content.fromMessageId : null,
            createdAt: now,
          })
          .returning()
          .get();
        const inserted = this.db.run(sql`
          INSERT INTO broadcast_deliveries (broadcast_id, user_id, status, attempts)
          SELECT ${broadcast.id}, id, 'pending', 0 FROM users
          WHERE status = 'active' AND news_opt_out = 0 AND bot_blocked_at IS NULL`);
        return { broadcast, recipients: inserted.changes };
      },
      { behavior: "immediate" },
    );
  }

  byId(id: number): Broadcast | undefined {
    return this.db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
  }

  running(): Broadcast[] {
    return this.db.select().from(broadcasts).where(eq(broadcasts.status, "running")).orderBy(broadcasts.id).all();
  }

  setProgressMessage(id: number, chatId: number, messageId: number): void {
    this.db.update(broadcasts).set({ progressChatId: chatId, progressMessageId: messageId }).where(eq(broadcasts.id, id)).run();
  }

  /** Stops a running broadcast; undefined when it had already ended. */
  cancel(id: number): Broadcast | undefined {
    return this.db
      .update(broadcasts)
      .set({ status: "cancelled", finishedAt: this.clock() })
      .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "running")))
      .returning()
      .get();
  }

  /** Ends a broadcast with nothing left to send; undefined when it was not running (e.g. cancelled). */
  finish(id: number): Broadcast | undefined {
    return this.db
      .update(broadcasts)
      .set({ status: "done", finishedAt: this.clock() })
      .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "running")))
      .returning()
      .get();
  }

  /** Deliveries claimed by a sender that never reported back (crash, restart): never sent again. */
  writeOffInFlight(broadcastId: number): number {
    return this.db
      .update(broadcastDeliveries)
      .set({ status: "failed", updatedAt: this.clock() })
      .where(
        and(eq(broadcastDeliveries.broadcastId, broadcastId), eq(broadcastDeliveries.status, "pending"), gt(broadcastDeliveries.attempts, 0)),
      )
      .run().changes;
  }

  /**
   * Takes the next unsent recipient and marks it claimed (attempts = 1) before anything is sent.
   * A recipient who opted out, blocked the bot or lost the account since the start is skipped
   * (closed as failed with zero attempts). Undefined when nothing is left.
   */
  claimNext(broadcastId: number): Recipient | undefined {
    return this.db.transaction(
      (): Recipient | undefined => {
        for (;;) {
          const row = this.db
            .select({ userId: users.id, telegramId: users.telegramId, status: users.status, optOut: users.newsOptOut, botBlockedAt: users.botBlockedAt })
            .from(broadcastDeliveries)
            .innerJoin(users, eq(users.id, broadcastDeliveries.userId))
            .where(
              and(eq(broadcastDeliveries.broadcastId, broadcastId), eq(broadcastDeliveries.status, "pending"), eq(broadcastDeliveries.attempts, 0)),
            )
            .orderBy(broadcastDeliveries.userId)
            .limit(1)
            .get();
          if (!row) return undefined;
          const stillWanted = row.status === "active" && !row.optOut && row.botBlockedAt === null;
          this.db
            .update(broadcastDeliveries)
            .set(stillWanted ? { attempts: 1, updatedAt: this.clock() } : { status: "failed", updatedAt: this.clock() })
            .where(and(eq(broadcastDeliveries.broadcastId, broadcastId), eq(broadcastDeliveries.userId, row.userId)))
            .run();
          if (stillWanted) return { userId: row.userId, telegramId: row.telegramId };
        }
      },
      { behavior: "immediate" },
    );
  }

  /** Another try for a claimed recipient after an error that was not a flood limit. */
  recordAttempt(broadcastId: number, userId: number, attempts: number): void {
    this.db
      .update(broadcastDeliveries)
      .set({ attempts, updatedAt: this.clock() })
      .where(and(eq(broadcastDeliveries.broadcastId, broadcastId), eq(broadcastDeliveries.userId, userId), eq(broadcastDeliveries.status, "pending")))
      .run();
  }

  settle(broadcastId: number, userId: number, status: Exclude<DeliveryStatus, "pending">): void {
    this.db
      .update(broadcastDeliveries)
      .set({ status, updatedAt: this.clock() })
      .where(and(eq(broadcastDeliveries.broadcastId, broadcastId), eq(broadcastDeliveries.userId, userId), eq(broadcastDeliveries.status, "pending")))
      .run();
  }

  counts(broadcastId: number): BroadcastCounts {
    const rows = this.db
      .select({ status: broadcastDeliveries.status, attempts: broadcastDeliveries.attempts, n: sql<number>`count(*)` })
      .from(broadcastDeliveries)
      .where(eq(broadcastDeliveries.broadcastId, broadcastId))
      .groupBy(broadcastDeliveries.status, sql`${broadcastDeliveries.attempts} = 0`)
      .all();
    const counts: BroadcastCounts = { total: 0, pending: 0, sent: 0, blocked: 0, failed: 0, skipped: 0 };
    for (const row of rows) {
      counts.total += row.n;
      if (row.status === "failed" && row.attempts === 0) counts.skipped += row.n;
      else counts[row.status] += row.n;
    }
    // Accounts that existed at the start but were left out of it (opted out, blocked the bot).
    const broadcast = this.byId(broadcastId);
    if (broadcast) {
      const left = this.db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .leftJoin(broadcastDeliveries, and(eq(broadcastDeliveries.userId, users.id), eq(broadcastDeliveries.broadcastId, broadcastId)))
        .where(and(eq(users.status, "active"), sql`${users.createdAt} <= ${broadcast.createdAt}`, isNull(broadcastDeliveries.userId)))
        .get();
      counts.skipped += left?.n ?? 0;
    }
    return counts;
  }
}
