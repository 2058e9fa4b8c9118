import { asc, desc, eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { supportMessages } from "../db/schema.ts";
import type { Outbox } from "./outbox.ts";
import { cutText } from "./text.ts";

/**
 * The support conversation between a user and the admins, both ways (Telegram requires bots that
 * take Stars to answer /paysupport, and payment disputes are answered here). Each message is a
 * row, in order, written with the outbox message that carries it in one transaction; the Telegram
 * update it came from is its key, so a redelivered update is passed on once.
 */

export type SupportMessage = typeof supportMessages.$inferSelect;

/** Longest message kept and passed on, in UTF-16 code units (room for the frame within Telegram's 4096). */
export const SUPPORT_TEXT_MAX = 3_000;

export class Support {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** A user's message to the admins. False when nobody can read it (no admins configured). */
  fromUser(userId: number, text: string, sourceKey: string): { ok: true; message: SupportMessage } | { ok: false; reason: "no_admins" } {
    if (!this.outbox.hasAdmins) return { ok: false, reason: "no_admins" };
    return this.db.transaction(
      () => {
        const message = this.store(userId, "in", null, text, sourceKey);
        this.outbox.toAdmins({ kind: "support", messageId: message.id }, `support-in:${message.id}`);
        return { ok: true as const, message };
      },
      { behavior: "immediate" },
    );
  }

  /** An admin's answer to a user. False when the account is gone (nobody to tell). */
  fromAdmin(adminTelegramId: number, userId: number, text: string, sourceKey: string): { message: SupportMessage; told: boolean } {
    return this.db.transaction(
      () => {
        const message = this.store(userId, "out", adminTelegramId, text, sourceKey);
        const told = this.outbox.toUser(userId, { kind: "support", messageId: message.id }, `support-out:${message.id}`);
        return { message, told };
      },
      { behavior: "immediate" },
    );
  }

  byId(id: number): SupportMessage | undefined {
    return this.db.select().from(supportMessages).where(eq(supportMessages.id, id)).get();
  }

  /** The last `limit` messages of a user's thread, oldest first. */
  thread(userId: number, limit = 10): SupportMessage[] {
    return this.db
      .select()
      .from(supportMessages)
      .where(eq(supportMessages.userId, userId))
      .orderBy(desc(supportMessages.id))
      .limit(limit)
      .all()
      .sort((a, b) => a.id - b.id);
  }

  /** Every message of a thread in order (for tests and exports). */
  all(userId: number): SupportMessage[] {
    return this.db.select().from(supportMessages).where(eq(supportMessages.userId, userId)).orderBy(asc(supportMessages.id)).all();
  }

  private store(userId: number, direction: "in" | "out", adminTelegramId: number | null, text: string, sourceKey: string): SupportMessage {
    const existing = this.db.select().from(supportMessages).where(eq(supportMessages.sourceKey, sourceKey)).get();
    if (existing) return existing;
    return this.db
      .insert(supportMessages)
      .values({ userId, direction, adminTelegramId, text: cutText(text, SUPPORT_TEXT_MAX), sourceKey, createdAt: this.clock() })
      .returning()
      .get();
  }
}
