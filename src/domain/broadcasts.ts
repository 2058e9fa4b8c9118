import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { broadcasts, outbox as outboxTable, users } from "../db/schema.ts";
import type { AuditLog } from "./audit.ts";
import type { Outbox } from "./outbox.ts";

/**
 * Broadcasts to every account that may hear news (POLICY B6). Starting one queues one outbox
 * message per recipient, in the same transaction as the broadcast and its audit entry; the outbox
 * sends them paced, after every personal message, and at most once each: a message in flight during
 * a crash is written off rather than risked twice. Cancelling withdraws what is not sent yet.
 */

export type Broadcast = typeof broadcasts.$inferSelect;

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

const refOf = (id: number) => `broadcast:${id}`;

export class Broadcasts {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** How many accounts a broadcast started now would reach (POLICY B6), for the preview. */
  recipientCount(): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .where(sql`${users.status} = 'active' AND ${users.newsOptOut} = 0 AND ${users.botBlockedAt} IS NULL`)
        .get()?.n ?? 0
    );
  }

  /**
   * Creates the broadcast and queues a message for each recipient, at once. A text is stored as
   * it will be sent (HTML); `written` is what the admin wrote, kept in the audit log.
   */
  start(adminTelegramId: number, content: BroadcastContent, written?: string): { broadcast: Broadcast; recipients: number } {
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
        const active = this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${users} WHERE ${users.status} = 'active'`)?.n ?? 0;
        const recipients = this.outbox.enqueueToUsers(
          sql`${users.status} = 'active' AND ${users.newsOptOut} = 0 AND ${users.botBlockedAt} IS NULL`,
          { kind: "broadcast", broadcastId: broadcast.id },
          { dedupePrefix: `${refOf(broadcast.id)}:`, ref: refOf(broadcast.id), bulk: true },
        );
        // Counted once here: a progress report never reads every account.
        this.db.update(broadcasts).set({ leftOut: active - recipients }).where(eq(broadcasts.id, broadcast.id)).run();
        this.audit.write({
          adminTelegramId,
          action: "broadcast",
          targetRef: refOf(broadcast.id),
          details: content.kind === "text" ? (written ?? content.text) : "copy",
        });
        return { broadcast: { ...broadcast, leftOut: active - recipients }, recipients };
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

  /** Stops a running broadcast and withdraws what is not sent; undefined when it had already ended. */
  cancel(id: number, adminTelegramId: number): Broadcast | undefined {
    return this.db.transaction(
      () => {
        const cancelled = this.db
          .update(broadcasts)
          .set({ status: "cancelled", finishedAt: this.clock() })
          .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "running")))
          .returning()
          .get();
        if (!cancelled) return undefined;
        this.outbox.cancelRef(refOf(id));
        this.audit.write({ adminTelegramId, action: "broadcast-cancel", targetRef: refOf(id) });
        return cancelled;
      },
      { behavior: "immediate" },
    );
  }

  /**
   * The admin's progress message: for each running broadcast, a redraw when something was sent
   * since the last one, and the final report once nothing is left (the broadcast is then done).
   * Returns how many broadcasts finished.
   */
  reportProgress(): number {
    let finished = 0;
    for (const broadcast of this.running()) {
      this.db.transaction(
        () => {
          const counts = this.counts(broadcast.id);
          const settled = counts.sent + counts.blocked + counts.failed + counts.skipped;
          if (counts.pending === 0) {
            const done = this.db
              .update(broadcasts)
              .set({ status: "done", finishedAt: this.clock() })
              .where(and(eq(broadcasts.id, broadcast.id), eq(broadcasts.status, "running")))
              .returning()
              .get();
            if (done) {
              finished++;
              this.outbox.enqueue({ chatId: broadcast.adminTelegramId, dedupeKey: `broadcast-report:${broadcast.id}` }, { kind: "broadcast-progress", broadcastId: broadcast.id });
            }
          } else if (settled > 0 && broadcast.progressMessageId !== null) {
            this.outbox.enqueue(
              { chatId: broadcast.adminTelegramId, dedupeKey: `broadcast-progress:${broadcast.id}:${settled}` },
              { kind: "broadcast-progress", broadcastId: broadcast.id },
            );
          }
        },
        { behavior: "immediate" },
      );
    }
    return finished;
  }

  counts(broadcastId: number): BroadcastCounts {
    const byStatus = this.outbox.countsByRef(refOf(broadcastId));
    const counts: BroadcastCounts = {
      total: 0,
      // Withdrawn by a cancel: never sent, counted as unsent.
      pending: byStatus.pending + byStatus.sending + byStatus.cancelled,
      sent: byStatus.sent,
      blocked: byStatus.blocked,
      failed: byStatus.failed,
      skipped: byStatus.dropped,
    };
    counts.total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
    // Accounts that existed at the start but were left out of it (opted out, blocked the bot):
    // counted at the start; read from the accounts only for a broadcast started before that count.
    const broadcast = this.byId(broadcastId);
    if (broadcast?.leftOut !== null && broadcast?.leftOut !== undefined) counts.skipped += broadcast.leftOut;
    else if (broadcast) {
      const left = this.db.get<{ n: number }>(sql`
        SELECT count(*) AS n FROM ${users}
        WHERE ${users.status} = 'active' AND ${users.createdAt} <= ${broadcast.createdAt}
          AND NOT EXISTS (SELECT 1 FROM ${outboxTable} WHERE ${outboxTable.ref} = ${refOf(broadcastId)} AND ${outboxTable.userId} = ${users.id})`);
      counts.skipped += left?.n ?? 0;
    }
    return counts;
  }
}
