import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { outbox, outboxRefCounts, users, type OutboxStatus } from "../db/schema.ts";

/**
 * The one way the bot tells people something on its own. A message is a row, written in the same
 * transaction as the change that causes it (an SMS stored, a refund, an expiry, a payment found, an
 * admin alert, a broadcast), with a dedupe key: the same cause never queues two messages. One
 * sender (src/bot/outbox/) drains the rows in order per chat; a crash between the change and the
 * send only delays the message. The domain says *what* to tell; the text is rendered in the
 * recipient's language when it is sent.
 */

/** A value for a locale text, formatted for the recipient when sent; strings are escaped then. */
export type NoticeValue = string | number | { money: number } | { date: number } | { time: number };
export type NoticeVars = Record<string, NoticeValue>;

export type OutboxMessage =
  /** A text from the locale files. */
  | { kind: "notice"; key: string; vars?: NoticeVars }
  /** A text about one activation; its number, service and country are filled in when sent. */
  | { kind: "activation-notice"; activationId: number; key: string; vars?: NoticeVars }
  /** One SMS of an activation, as its own message (so that the phone rings). */
  | { kind: "activation-sms"; activationId: number; smsId: number }
  /** Redraw the activation's number card where it is. */
  | { kind: "activation-card"; activationId: number }
  /** A6: no SMS yet, cancelling is free (with a Cancel button); skipped once the number moved on. */
  | { kind: "activation-reminder"; activationId: number }
  /** A text about one rental; its number, service and country are filled in when sent. */
  | { kind: "rental-notice"; rentalId: number; key: string; vars?: NoticeVars }
  /** One SMS to a rented number, as its own message. */
  | { kind: "rental-sms"; rentalId: number; smsId: number }
  /** Redraw the rental's card where it is. */
  | { kind: "rental-card"; rentalId: number }
  /** The rental ends in `hours` hours: a reminder with a one-tap Extend; skipped once it ended or moved on. */
  | { kind: "rental-reminder"; rentalId: number; hours: number; endsAt: number }
  /** A text about one refund request (W6); its facts are filled in when sent. Admins' copies carry the decision buttons. */
  | { kind: "refund-request"; requestId: number; key: string; vars?: NoticeVars }
  /** One message of a support thread, to the user (an admin's answer) or to the admins (the user's message). */
  | { kind: "support"; messageId: number }
  /** A sold-out service and country the user asked about is back (with a button to buy it). */
  | { kind: "stock-back"; watchId: number; serviceCode: string; countryCode: string; serviceName: string; countryName: string; countryIso2: string | null }
  /** One recipient of a broadcast. */
  | { kind: "broadcast"; broadcastId: number }
  /** Redraw a broadcast's progress message (or its final report) for the admin who started it. */
  | { kind: "broadcast-progress"; broadcastId: number };

export type OutboxKind = OutboxMessage["kind"];

/**
 * The order in which the sender takes messages (lower first), within a chat and across chats:
 * what the user is waiting for (an SMS, a refund, an alert) before redraws of a message already
 * on screen, and those before broadcasts. A redraw edits a message that was first sent as a reply
 * to the user (the number card, a rental card, a broadcast's progress), so an SMS that overtakes
 * it never appears before the message it belongs to; messages of one priority keep their order.
 */
export const PRIORITY = { personal: 0, redraw: 1, bulk: 2 } as const;

/** Kinds that edit a message in place, rendered from the current state when sent. */
const REDRAWS: ReadonlySet<OutboxKind> = new Set<OutboxKind>(["activation-card", "rental-card", "broadcast-progress"]);

export interface Envelope {
  chatId: number;
  /** The account the message is for, when it is a user's. */
  userId?: number | null;
  dedupeKey: string;
  /** Bulk messages (broadcasts) wait behind personal ones and are sent at most once. */
  bulk?: boolean;
  /** What the message belongs to ("broadcast:12"), for counting and cancelling. */
  ref?: string;
}

export interface OutboxRow {
  id: number;
  chatId: number;
  userId: number | null;
  message: OutboxMessage;
  attempts: number;
  atMostOnce: boolean;
  bulk: boolean;
  createdAt: number;
}

export interface OutboxSettings {
  /** Telegram ids of the admins: `toAdmins` writes one row for each. */
  adminChatIds: readonly number[];
}

type Settled = Extract<OutboxStatus, "sent" | "blocked" | "failed" | "dropped">;

export class Outbox {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
  ) {}

  get hasAdmins(): boolean {
    return this.settings.adminChatIds.length > 0;
  }

  /** Called (on a later tick) whenever a message is queued; the sender uses it to wake up. */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues a message; call it inside the transaction of the change that causes it. Returns false
   * when a message with the same dedupe key exists already (nothing is queued twice).
   */
  enqueue(envelope: Envelope, message: OutboxMessage): boolean {
    const now = this.clock();
    const payload = JSON.stringify(message);
    const redraw = REDRAWS.has(message.kind);
    const priority = envelope.bulk ? PRIORITY.bulk : redraw ? PRIORITY.redraw : PRIORITY.personal;
    const inserted = this.db
      .insert(outbox)
      .values({
        chatId: envelope.chatId,
        userId: envelope.userId ?? null,
        kind: message.kind,
        payload,
        dedupeKey: envelope.dedupeKey,
        priority,
        atMostOnce: envelope.bulk ?? false,
        nextAttemptAt: now,
        ref: envelope.ref ?? null,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: outbox.id })
      .get();
    if (!inserted) return false;
    if (redraw) {
      // Only the latest redraw of a message matters (each renders the state at send time): an
      // earlier one still waiting in this chat is replaced, never sent. One in flight is left alone.
      this.db
        .update(outbox)
        .set({ status: "dropped", settledAt: now, lastError: "replaced by a later redraw" })
        .where(
          and(
            eq(outbox.chatId, envelope.chatId),
            eq(outbox.status, "pending"),
            eq(outbox.priority, priority),
            eq(outbox.payload, payload),
            sql`${outbox.id} < ${inserted.id}`,
          ),
        )
        .run();
    }
    this.wake();
    return true;
  }

  /**
   * The same message to every account matching `where` (a condition on `users`), one row each,
   * keyed `dedupePrefix` + account id. Returns how many were queued.
   */
  enqueueToUsers(where: SQL, message: OutboxMessage, options: { dedupePrefix: string; ref?: string; bulk?: boolean }): number {
    const now = this.clock();
    const bulk = options.bulk ?? false;
    const queued = this.db.run(sql`
      INSERT INTO outbox (chat_id, user_id, kind, payload, dedupe_key, priority, at_most_once, status, attempts, next_attempt_at, ref, created_at)
      SELECT ${users.telegramId}, ${users.id}, ${message.kind}, ${JSON.stringify(message)}, ${options.dedupePrefix} || ${users.id},
        ${bulk ? PRIORITY.bulk : PRIORITY.personal}, ${bulk ? 1 : 0}, 'pending', 0, ${now}, ${options.ref ?? null}, ${now}
      FROM ${users} WHERE ${where}
      ON CONFLICT DO NOTHING`).changes;
    if (queued > 0) this.wake();
    return queued;
  }

  /** A message to an account's chat. False when the account is unknown or deleted, or it was queued before. */
  toUser(userId: number, message: OutboxMessage, dedupeKey: string): boolean {
    const user = this.db.select({ telegramId: users.telegramId, status: users.status }).from(users).where(eq(users.id, userId)).get();
    if (!user || user.status === "deleted") return false;
    return this.enqueue({ chatId: user.telegramId, userId, dedupeKey }, message);
  }

  /** The same message to every admin (one row each); returns how many were queued. */
  toAdmins(message: OutboxMessage, dedupeKey: string): number {
    let queued = 0;
    for (const chatId of this.settings.adminChatIds) {
      if (this.enqueue({ chatId, dedupeKey: `${dedupeKey}:admin:${chatId}` }, message)) queued++;
    }
    return queued;
  }

  /**
   * Takes up to `limit` messages that are due, marking them `sending`. Within a chat, messages go
   * in the order they were queued and one at a time: a chat with a message in flight, or with an
   * earlier message still waiting (for a retry), gives nothing now.
   */
  claimDue(limit: number): OutboxRow[] {
    // Walks the pending rows in order through outbox_pending_order (the unary + keeps SQLite from
    // sorting every due row by time instead): rows already sent have left that index, so each
    // claim costs the same with 10 or 100,000 messages queued.
    if (limit <= 0) return [];
    const now = this.clock();
    return this.db.transaction(
      () => {
        const rows = this.db.all<{
          id: number;
          chat_id: number;
          user_id: number | null;
          payload: string;
          attempts: number;
          at_most_once: number;
          priority: number;
          created_at: number;
        }>(sql`
          SELECT o.id, o.chat_id, o.user_id, o.payload, o.attempts, o.at_most_once, o.priority, o.created_at
          FROM outbox o
          WHERE o.status = 'pending' AND +o.next_attempt_at <= ${now}
            AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.chat_id = o.chat_id AND s.status = 'sending')
            AND NOT EXISTS (
              SELECT 1 FROM outbox e
              WHERE e.chat_id = o.chat_id AND e.status = 'pending' AND e.priority = o.priority AND e.id < o.id
            )
          ORDER BY o.priority, o.id
          LIMIT ${limit}`);
            // One message per chat at a time, whatever its priority: the first due one of each chat.
        const chats = new Set<number>();
        const taken = rows.filter((row) => !chats.has(row.chat_id) && chats.add(row.chat_id));
        if (taken.length === 0) return [];
        this.db
          .update(outbox)
          .set({ status: "sending", attempts: sql`${outbox.attempts} + 1` })
          .where(and(inArray(outbox.id, taken.map((row) => row.id)), eq(outbox.status, "pending")))
          .run();
        return taken.map((row) => ({
          id: row.id,
          chatId: row.chat_id,
          userId: row.user_id,
          message: JSON.parse(row.payload) as OutboxMessage,
          attempts: row.attempts + 1,
          atMostOnce: row.at_most_once === 1,
          bulk: row.at_most_once === 1,
          createdAt: row.created_at,
        }));
      },
      { behavior: "immediate" },
    );
  }

  /** A message reached its final state. */
  settle(id: number, status: Settled, error?: string): void {
    this.db
      .update(outbox)
      .set({ status, settledAt: this.clock(), lastError: error ?? null })
      .where(and(eq(outbox.id, id), eq(outbox.status, "sending")))
      .run();
  }

  /** A temporary failure (network, 5xx, flood limit): the message waits until `at`, then goes again. */
  retryAt(id: number, at: number, error: string): void {
    this.db
      .update(outbox)
      .set({ status: "pending", nextAttemptAt: at, lastError: error })
      .where(and(eq(outbox.id, id), eq(outbox.status, "sending")))
      .run();
  }

  /**
   * At start-up, messages left `sending` by a process that died during the send: bulk ones are
   * written off (nobody gets a broadcast twice); the others go again (a duplicate is possible only
   * for a message whose send was cut off, and an SMS is never lost).
   */
  recoverInFlight(): { resent: number; writtenOff: number } {
    return this.db.transaction(
      () => {
        const writtenOff = this.db
          .update(outbox)
          .set({ status: "failed", settledAt: this.clock(), lastError: "in flight during a restart" })
          .where(and(eq(outbox.status, "sending"), eq(outbox.atMostOnce, true)))
          .run().changes;
        const resent = this.db
          .update(outbox)
          .set({ status: "pending", nextAttemptAt: this.clock() })
          .where(and(eq(outbox.status, "sending"), eq(outbox.atMostOnce, false)))
          .run().changes;
        return { resent, writtenOff };
      },
      { behavior: "immediate" },
    );
  }

  /** Messages of one `ref`, by status: the counts the store's triggers keep (a few rows, whatever the size). */
  countsByRef(ref: string): Record<OutboxStatus, number> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, blocked: 0, failed: 0, dropped: 0, cancelled: 0 };
    const rows = this.db.select({ status: outboxRefCounts.status, n: outboxRefCounts.n }).from(outboxRefCounts).where(eq(outboxRefCounts.ref, ref)).all();
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** The same, counted from the messages themselves (the check of the kept counts). */
  recountByRef(ref: string): Record<OutboxStatus, number> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, blocked: 0, failed: 0, dropped: 0, cancelled: 0 };
    const rows = this.db
      .select({ status: outbox.status, n: sql<number>`count(*)` })
      .from(outbox)
      .where(eq(outbox.ref, ref))
      .groupBy(outbox.status)
      .all();
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** Withdraws every message of `ref` not sent yet; returns how many. */
  cancelRef(ref: string): number {
    return this.db
      .update(outbox)
      .set({ status: "cancelled", settledAt: this.clock() })
      .where(and(eq(outbox.ref, ref), eq(outbox.status, "pending")))
      .run().changes;
  }

  /** The earliest time a waiting message is due, if any (the sender sleeps until then). */
  nextDueAt(): number | undefined {
    const row = this.db
      .select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(eq(outbox.status, "pending"))
      .get();
    return row?.at ?? undefined;
  }

  private wake(): void {
    if (this.listeners.size === 0) return;
    // After the current transaction has committed: the sender must see the row.
    setImmediate(() => {
      for (const listener of this.listeners) listener();
    });
  }
}
