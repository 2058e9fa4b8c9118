import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, activationSms, type ActivationState } from "../db/schema.ts";

/**
 * The rows of one-time activations (POLICY A1-A8) and the one way they change state: a guarded
 * `UPDATE ... WHERE state = from`, so that a second click, a replayed update, a job racing a user,
 * or a restart apply a transition once. The rest of the activation code (purchases, polling,
 * ending, abuse) reads and moves activations through this class.
 */

export type Activation = typeof activations.$inferSelect;
export type ActivationSmsRow = typeof activationSms.$inferSelect;

export interface ActivationSettings {
  ttlMs: number;
  /** After this long without an SMS the user is reminded that cancelling is free (A6). */
  reminderAfterMs: number;
  /** A6: this many cancellations without a code within `windowMs` suspend buying for `suspendMs`. */
  abuse: { limit: number; windowMs: number; suspendMs: number };
}

export const OPEN_STATES: ActivationState[] = ["reserving", "waiting", "cancelling", "received"];
const TERMINAL_STATES: ReadonlySet<ActivationState> = new Set(["finished", "cancelled", "banned", "expired", "failed"]);

export type TransitionExtra = Partial<Pick<Activation, "endReason" | "firstCodeAt" | "cancelAllowedAt" | "providerId" | "phone" | "expiresAt">>;

export class ActivationRecords {
  constructor(
    readonly db: Db,
    private readonly clock: Clock,
  ) {}

  byId(id: number): Activation | undefined {
    return this.db.select().from(activations).where(eq(activations.id, id)).get();
  }

  byOrderKey(orderKey: string): Activation | undefined {
    return this.db.select().from(activations).where(eq(activations.orderKey, orderKey)).get();
  }

  sms(activationId: number): ActivationSmsRow[] {
    return this.db.select().from(activationSms).where(eq(activationSms.activationId, activationId)).orderBy(activationSms.id).all();
  }

  /** The user's activations, newest first. */
  ofUser(userId: number, limit = 10, offset = 0): Activation[] {
    return this.db.select().from(activations).where(eq(activations.userId, userId)).orderBy(desc(activations.id)).limit(limit).offset(offset).all();
  }

  countOfUser(userId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(activations).where(eq(activations.userId, userId)).get()?.n ?? 0;
  }

  /** "My numbers": the user's numbers newest first, without failed attempts (they cost nothing and never had a number). */
  listedOfUser(userId: number, limit = 10, offset = 0): Activation[] {
    return this.db
      .select()
      .from(activations)
      .where(and(eq(activations.userId, userId), ne(activations.state, "failed")))
      .orderBy(desc(activations.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countListedOfUser(userId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(activations).where(and(eq(activations.userId, userId), ne(activations.state, "failed"))).get()?.n ?? 0;
  }

  /** Numbers of the user still being issued, waiting for or showing codes. */
  countOpenOfUser(userId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(activations).where(and(eq(activations.userId, userId), inArray(activations.state, OPEN_STATES))).get()?.n ?? 0;
  }

  open(): Activation[] {
    return this.db.select().from(activations).where(inArray(activations.state, OPEN_STATES)).all();
  }

  setCard(activationId: number, chatId: number, messageId: number): void {
    this.db.update(activations).set({ cardChatId: chatId, cardMessageId: messageId }).where(eq(activations.id, activationId)).run();
  }

  /** Moves an activation from `from` to `to`; undefined when it was no longer in `from`. */
  transition(activation: Activation, from: ActivationState, to: ActivationState, extra: TransitionExtra = {}): Activation | undefined {
    return this.db
      .update(activations)
      .set({ state: to, ...extra, ...(TERMINAL_STATES.has(to) ? { endedAt: this.clock() } : {}) })
      .where(and(eq(activations.id, activation.id), eq(activations.state, from)))
      .returning()
      .get();
  }
}
