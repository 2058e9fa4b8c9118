import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, favouriteServices, ordersAwaitingTopup, stockWatches } from "../db/schema.ts";
import type { Outbox } from "./outbox.ts";

/**
 * What the shop remembers so that a returning user gets there in fewer taps: starred services,
 * the services they bought lately, the order they were short of money for (shown again after the
 * top-up), and "tell me when it is back" for a sold-out country.
 */

/** A service shown first in step 1, with why. */
export interface QuickService {
  code: string;
  favourite: boolean;
}

/** An order waiting for a top-up is shown again only if the payment comes within this time. */
export const AWAITING_TOPUP_MS = 24 * 3_600_000;

/** What a back-in-stock message names: the service and the country as the catalog has them now. */
export interface BackInStock {
  serviceName: string;
  countryName: string;
  countryIso2: string | null;
}

export class Regulars {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- favourites and recent services

  isFavourite(userId: number, serviceCode: string): boolean {
    return (
      this.db
        .select({ code: favouriteServices.serviceCode })
        .from(favouriteServices)
        .where(and(eq(favouriteServices.userId, userId), eq(favouriteServices.serviceCode, serviceCode)))
        .get() !== undefined
    );
  }

  /** Stars or unstars a service; returns whether it is a favourite now. */
  toggleFavourite(userId: number, serviceCode: string): boolean {
    if (this.isFavourite(userId, serviceCode)) {
      this.db.delete(favouriteServices).where(and(eq(favouriteServices.userId, userId), eq(favouriteServices.serviceCode, serviceCode))).run();
      return false;
    }
    this.db.insert(favouriteServices).values({ userId, serviceCode, createdAt: this.clock() }).onConflictDoNothing().run();
    return true;
  }

  /** Favourites (oldest star first), then the services of the user's latest numbers; at most `limit`, no repeats. */
  quickServices(userId: number, limit: number): QuickService[] {
    const favourites = this.db
      .select({ code: favouriteServices.serviceCode })
      .from(favouriteServices)
      .where(eq(favouriteServices.userId, userId))
      .orderBy(favouriteServices.createdAt)
      .all()
      .map((row) => ({ code: row.code, favourite: true }));
    // A failed attempt cost nothing and says little about what the user wants.
    const recent = this.db
      .select({ code: activations.serviceCode, last: sql<number>`max(${activations.id})` })
      .from(activations)
      .where(and(eq(activations.userId, userId), ne(activations.state, "failed")))
      .groupBy(activations.serviceCode)
      .orderBy(desc(sql`max(${activations.id})`))
      .limit(limit)
      .all()
      .map((row) => ({ code: row.code, favourite: false }));
    const seen = new Set<string>();
    const out: QuickService[] = [];
    for (const item of [...favourites, ...recent]) {
      if (seen.has(item.code)) continue;
      seen.add(item.code);
      out.push(item);
    }
    return out.slice(0, limit);
  }

  // ---------------------------------------------------------------- the order waiting for a top-up

  /** Remembers the order the user is topping up for (the latest wins). */
  awaitTopup(userId: number, serviceCode: string, countryCode: string): void {
    const createdAt = this.clock();
    this.db
      .insert(ordersAwaitingTopup)
      .values({ userId, serviceCode, countryCode, createdAt })
      .onConflictDoUpdate({ target: ordersAwaitingTopup.userId, set: { serviceCode, countryCode, createdAt } })
      .run();
  }

  hasAwaitingTopup(userId: number): boolean {
    return this.db.select({ id: ordersAwaitingTopup.userId }).from(ordersAwaitingTopup).where(eq(ordersAwaitingTopup.userId, userId)).get() !== undefined;
  }

  /** The order waiting for this user's top-up, taken once; nothing when it is older than a day. */
  takeAwaitingTopup(userId: number): { serviceCode: string; countryCode: string } | undefined {
    const row = this.db.delete(ordersAwaitingTopup).where(eq(ordersAwaitingTopup.userId, userId)).returning().get();
    if (!row || this.clock() - row.createdAt > AWAITING_TOPUP_MS) return undefined;
    return { serviceCode: row.serviceCode, countryCode: row.countryCode };
  }

  // ---------------------------------------------------------------- back in stock

  /** "Tell me when it is back"; false when the user already waits for this pair. */
  watchStock(userId: number, serviceCode: string, countryCode: string): boolean {
    const inserted = this.db
      .insert(stockWatches)
      .values({ userId, serviceCode, countryCode, createdAt: this.clock() })
      .onConflictDoNothing()
      .returning({ id: stockWatches.id })
      .get();
    return inserted !== undefined;
  }

  /** A user's own watch (the button of a back-in-stock message carries its id). */
  watch(id: number, userId: number): { serviceCode: string; countryCode: string } | undefined {
    const row = this.db.select().from(stockWatches).where(eq(stockWatches.id, id)).get();
    return row && row.userId === userId ? { serviceCode: row.serviceCode, countryCode: row.countryCode } : undefined;
  }

  /**
   * After a catalog sync: every open watch whose pair is in stock now is told once, through the
   * outbox, in the same transaction that marks it told. `inStock` answers from the fresh catalog.
   */
  notifyBackInStock(inStock: (serviceCode: string, countryCode: string) => BackInStock | undefined): number {
    const open = this.db.select().from(stockWatches).where(isNull(stockWatches.notifiedAt)).all();
    let told = 0;
    for (const watch of open) {
      const offer = inStock(watch.serviceCode, watch.countryCode);
      if (!offer) continue;
      this.db.transaction(
        (tx) => {
          const marked = tx
            .update(stockWatches)
            .set({ notifiedAt: this.clock() })
            .where(and(eq(stockWatches.id, watch.id), isNull(stockWatches.notifiedAt)))
            .returning({ id: stockWatches.id })
            .get();
          if (!marked) return;
          this.outbox.toUser(
            watch.userId,
            { kind: "stock-back", watchId: watch.id, serviceCode: watch.serviceCode, countryCode: watch.countryCode, ...offer },
            `stock-back:${watch.id}`,
          );
          told++;
        },
        { behavior: "immediate" },
      );
    }
    return told;
  }
}
