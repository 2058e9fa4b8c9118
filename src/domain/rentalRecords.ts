import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { ledgerEntries, rentalExtensions, rentalProblems, rentalSms, rentals, type RentalState } from "../db/schema.ts";
import type { PaidPeriod } from "./rentalRules.ts";

/**
 * The rows of rented numbers and the one way they change state: a guarded
 * `UPDATE ... WHERE state = from`, so that a double tap, a job racing a user or a restart apply a
 * transition once. Money for a rental is all under one ledger ref: ("rental", its order key).
 */

export type Rental = typeof rentals.$inferSelect;
export type RentalSmsRow = typeof rentalSms.$inferSelect;
export type RentalExtension = typeof rentalExtensions.$inferSelect;
export type RentalProblem = typeof rentalProblems.$inferSelect;

export const OPEN_RENTAL_STATES: RentalState[] = ["reserving", "active", "cancelling", "ending"];
/** States in which the number is the user's and SMS are read. */
export const LIVE_RENTAL_STATES: RentalState[] = ["active", "cancelling", "ending"];

export type RentalTransitionExtra = Partial<
  Pick<Rental, "providerId" | "phone" | "startedAt" | "endsAt" | "cancelUntil" | "endReason" | "endedAt">
>;

export function rentalRef(rental: Pick<Rental, "orderKey">): { type: string; id: string } {
  return { type: "rental", id: rental.orderKey };
}

export class RentalRecords {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  byId(id: number): Rental | undefined {
    return this.db.select().from(rentals).where(eq(rentals.id, id)).get();
  }

  /** The rental a provider knows by `providerId` (ids are unique per provider). */
  byProviderId(provider: string, providerId: string): Rental | undefined {
    return this.db
      .select()
      .from(rentals)
      .where(and(eq(rentals.provider, provider), eq(rentals.providerId, providerId)))
      .get();
  }

  byOrderKey(orderKey: string): Rental | undefined {
    return this.db.select().from(rentals).where(eq(rentals.orderKey, orderKey)).get();
  }

  /** The user's rental, or undefined when it is not theirs (a forged or someone else's button). */
  ofUserById(id: number, userId: number): Rental | undefined {
    const rental = this.byId(id);
    return rental && rental.userId === userId ? rental : undefined;
  }

  ofUser(userId: number, limit = 20, offset = 0): Rental[] {
    return this.db.select().from(rentals).where(eq(rentals.userId, userId)).orderBy(desc(rentals.id)).limit(limit).offset(offset).all();
  }

  liveOfUser(userId: number): Rental[] {
    return this.db
      .select()
      .from(rentals)
      .where(and(eq(rentals.userId, userId), inArray(rentals.state, LIVE_RENTAL_STATES)))
      .orderBy(asc(rentals.endsAt))
      .all();
  }

  inStates(states: RentalState[]): Rental[] {
    return this.db.select().from(rentals).where(inArray(rentals.state, states)).orderBy(asc(rentals.id)).all();
  }

  /** Moves a rental from `from` to `to` once; undefined when it was not in `from` any more. */
  transition(rental: Pick<Rental, "id">, from: RentalState | RentalState[], to: RentalState, extra: RentalTransitionExtra = {}): Rental | undefined {
    const fromStates = Array.isArray(from) ? from : [from];
    const ending = ["expired", "finished", "cancelled", "revoked", "failed"].includes(to);
    return this.db
      .update(rentals)
      .set({ state: to, ...(ending && extra.endedAt === undefined ? { endedAt: this.clock() } : {}), ...extra })
      .where(and(eq(rentals.id, rental.id), inArray(rentals.state, fromStates)))
      .returning()
      .get();
  }

  setEndsAt(id: number, endsAt: number): void {
    this.db.update(rentals).set({ endsAt }).where(eq(rentals.id, id)).run();
  }

  setCard(id: number, chatId: number, messageId: number): void {
    this.db.update(rentals).set({ cardChatId: chatId, cardMessageId: messageId }).where(eq(rentals.id, id)).run();
  }

  sms(rentalId: number): RentalSmsRow[] {
    return this.db.select().from(rentalSms).where(eq(rentalSms.rentalId, rentalId)).orderBy(asc(rentalSms.receivedAt), asc(rentalSms.id)).all();
  }

  smsCount(rentalId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(rentalSms).where(eq(rentalSms.rentalId, rentalId)).get()?.n ?? 0;
  }

  /** A page of the inbox, newest first. */
  smsPage(rentalId: number, page: number, pageSize: number): { items: RentalSmsRow[]; page: number; pages: number; total: number } {
    const total = this.smsCount(rentalId);
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const current = Math.min(Math.max(0, page), pages - 1);
    const items = this.db
      .select()
      .from(rentalSms)
      .where(eq(rentalSms.rentalId, rentalId))
      .orderBy(desc(rentalSms.receivedAt), desc(rentalSms.id))
      .limit(pageSize)
      .offset(current * pageSize)
      .all();
    return { items, page: current, pages, total };
  }

  /** Stores one SMS; undefined when it was stored before (the same provider id). */
  addSms(rentalId: number, sms: { id: string; text: string; code: string | null; receivedAt: number; sender?: string }): RentalSmsRow | undefined {
    return this.db
      .insert(rentalSms)
      .values({ rentalId, providerSmsId: sms.id, text: sms.text, code: sms.code, sender: sms.sender ?? null, receivedAt: sms.receivedAt })
      .onConflictDoNothing()
      .returning()
      .get();
  }

  extensions(rentalId: number): RentalExtension[] {
    return this.db.select().from(rentalExtensions).where(eq(rentalExtensions.rentalId, rentalId)).orderBy(asc(rentalExtensions.id)).all();
  }

  extensionById(id: number): RentalExtension | undefined {
    return this.db.select().from(rentalExtensions).where(eq(rentalExtensions.id, id)).get();
  }

  extensionByOrderKey(orderKey: string): RentalExtension | undefined {
    return this.db.select().from(rentalExtensions).where(eq(rentalExtensions.orderKey, orderKey)).get();
  }

  settleExtension(id: number, to: "done" | "failed", failReason?: string): RentalExtension | undefined {
    return this.db
      .update(rentalExtensions)
      .set({ state: to, settledAt: this.clock(), failReason: failReason ?? null })
      .where(and(eq(rentalExtensions.id, id), eq(rentalExtensions.state, "reserving")))
      .returning()
      .get();
  }

  /** What was paid and refunded for the rental, from the ledger itself. */
  period(rental: Rental): PaidPeriod {
    const ref = rentalRef(rental);
    const row = this.db
      .select({
        paid: sql<number>`COALESCE(SUM(CASE WHEN ${ledgerEntries.kind} = 'purchase' THEN -${ledgerEntries.amount} ELSE 0 END), 0)`,
        refunded: sql<number>`COALESCE(SUM(CASE WHEN ${ledgerEntries.kind} = 'refund' THEN ${ledgerEntries.amount} ELSE 0 END), 0)`,
      })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.refType, ref.type), eq(ledgerEntries.refId, ref.id)))
      .get();
    return { paid: row?.paid ?? 0, refunded: row?.refunded ?? 0, startedAt: rental.startedAt ?? rental.createdAt, endsAt: rental.endsAt ?? rental.createdAt };
  }

  problems(rentalId: number): RentalProblem[] {
    return this.db.select().from(rentalProblems).where(eq(rentalProblems.rentalId, rentalId)).orderBy(asc(rentalProblems.id)).all();
  }

  openProblem(rentalId: number): RentalProblem | undefined {
    return this.db
      .select()
      .from(rentalProblems)
      .where(and(eq(rentalProblems.rentalId, rentalId), inArray(rentalProblems.state, ["open", "confirmed"])))
      .get();
  }

  problemById(id: number): RentalProblem | undefined {
    return this.db.select().from(rentalProblems).where(eq(rentalProblems.id, id)).get();
  }

  problemsIn(states: RentalProblem["state"][]): RentalProblem[] {
    return this.db.select().from(rentalProblems).where(inArray(rentalProblems.state, states)).orderBy(asc(rentalProblems.id)).all();
  }

  countOfUser(userId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(rentals).where(eq(rentals.userId, userId)).get()?.n ?? 0;
  }

  /** Rentals started since `since` and what they brought in (admin /stats). */
  statsSince(since: number): { rented: number; live: number; openProblems: number } {
    const rented = this.db.select({ n: sql<number>`count(*)` }).from(rentals).where(sql`${rentals.startedAt} >= ${since}`).get()?.n ?? 0;
    const live = this.db.select({ n: sql<number>`count(*)` }).from(rentals).where(inArray(rentals.state, LIVE_RENTAL_STATES)).get()?.n ?? 0;
    const openProblems = this.problemsIn(["open", "confirmed"]).length;
    return { rented, live, openProblems };
  }
}
