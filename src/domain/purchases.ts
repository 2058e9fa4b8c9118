import { randomBytes } from "node:crypto";
import { and, eq, gt, lt, lte, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, purchaseQuotes } from "../db/schema.ts";
import type { AbuseGuard } from "./abuse.ts";
import type { Activation, ActivationRecords, ActivationSettings } from "./activationRecords.ts";
import type { CatalogStore } from "./catalog.ts";
import type { Ledger } from "./ledger.ts";
import type { NumberProvider, ProviderActivation, ProviderFailure, ProviderFailureKind } from "./numberProvider.ts";
import { formatScaled } from "./decimal.ts";
import type { ItemFailures } from "./itemFailures.ts";
import { OperatorAlerts } from "./operatorAlerts.ts";
import type { Outbox } from "./outbox.ts";

/**
 * Buying a one-time number, read in one place from quote to ledger:
 * 1. `quote`: the confirmation screen. What the user is shown (service, country, price) is stored
 *    under a random order key that the Confirm button carries.
 * 2. `confirm`: the press of Confirm. Ownership, age, price and duplicate checks happen here, once;
 *    the price is reserved with a hold (B4) and the activation recorded as `reserving`. Idempotent
 *    on the order key: a second press or a replayed update finds the same activation.
 * 3. `buy`: the provider is asked for a number, outside any transaction, and the activation
 *    settled: `waiting` with the number, or `failed` with the hold voided. The user is charged only
 *    when the first code arrives (activationPolling.ts, `chargeOnFirstCode`).
 * 4. `settleStaleReservations`: purchases interrupted between 2 and 3 (a crash, a lost answer) are
 *    matched with the provider's open activations, or voided.
 */

/** A buy whose answer has not come back after this long is settled by the recovery sweep. */
export const RESERVING_GRACE_MS = 60_000;
/** A confirmation older than this asks the user to choose again (the price may have changed). */
export const QUOTE_TTL_MS = 30 * 60_000;
/** Quotes are kept a day after they were shown (swept whenever a new one is made). */
const QUOTE_KEEP_MS = 24 * 3_600_000;

export type Quote = typeof purchaseQuotes.$inferSelect;

export type QuoteResult =
  | { ok: true; quote: Quote; available: number }
  /** The balance is short: nothing is stored, the user is offered a top-up. */
  | { ok: false; reason: "insufficient_funds"; price: number; available: number; missing: number }
  | { ok: false; reason: "not_offered" };

export type ReserveResult =
  | { ok: true; activation: Activation; duplicate: boolean }
  | { ok: false; reason: "insufficient_funds"; price: number; available: number; missing: number }
  | { ok: false; reason: "suspended"; until: number }
  /**
   * The price went up since the user saw it (a catalog refresh): they must agree again. From
   * `confirm`, `requote` is the offer at its new price to confirm.
   */
  | { ok: false; reason: "price_changed"; price: number; requote?: QuoteResult }
  | { ok: false; reason: "not_offered" | "out_of_stock" | "account_not_active" };

export type ConfirmResult =
  | ReserveResult
  /** No such quote for this user (stale, forged, or someone else's button). */
  | { ok: false; reason: "unknown_quote" }
  | { ok: false; reason: "quote_expired"; quote: Quote };

export type BuyOutcome =
  | { ok: true; activation: Activation }
  /** The provider's answer is unknown; the recovery sweep settles it. The hold stays. */
  | { ok: false; reason: "pending"; activation: Activation }
  /**
   * The provider's price rose above what the price was computed from (not an outage): nothing was
   * charged, the offer is repriced, and `requote` is the offer at its new price for the user to
   * confirm again (or the top-up they need first).
   */
  | { ok: false; reason: "price_changed"; activation: Activation; failure: ProviderFailure; requote: QuoteResult }
  | { ok: false; reason: Exclude<ProviderFailureKind, "price_changed"> | "already_settled"; activation: Activation; failure?: ProviderFailure };

export interface PurchaseDeps {
  db: Db;
  records: ActivationRecords;
  ledger: Ledger;
  catalog: CatalogStore;
  provider: NumberProvider;
  outbox: Outbox;
  abuse: AbuseGuard;
  failures: ItemFailures;
  clock: Clock;
  settings: ActivationSettings;
}

export class Purchases {
  private readonly alerts: OperatorAlerts;

  constructor(private readonly deps: PurchaseDeps) {
    this.alerts = new OperatorAlerts(deps.outbox, deps.clock);
  }

  /** The confirmation screen: the offer as the user will agree to it, under a fresh order key. */
  quote(userId: number, serviceCode: string, countryCode: string): QuoteResult {
    const { catalog, ledger, db, clock } = this.deps;
    const offer = catalog.offer(serviceCode, countryCode);
    if (!offer || offer.stock <= 0 || !catalog.service(serviceCode) || !catalog.country(countryCode)) return { ok: false, reason: "not_offered" };
    const available = ledger.balanceOf(userId).available;
    if (offer.price > available) return { ok: false, reason: "insufficient_funds", price: offer.price, available, missing: offer.price - available };
    const now = clock();
    db.delete(purchaseQuotes).where(lt(purchaseQuotes.createdAt, now - QUOTE_KEEP_MS)).run();
    const quote = db
      .insert(purchaseQuotes)
      .values({ orderKey: randomBytes(12).toString("base64url"), userId, serviceCode, countryCode, price: offer.price, createdAt: now })
      .returning()
      .get();
    return { ok: true, quote, available };
  }

  /** The user's own quote, if the key is theirs. */
  quoteOf(orderKey: string, userId: number): Quote | undefined {
    const quote = this.deps.db.select().from(purchaseQuotes).where(eq(purchaseQuotes.orderKey, orderKey)).get();
    return quote && quote.userId === userId ? quote : undefined;
  }

  /** The press of Confirm: every check once, then the hold. See the file's comment. */
  confirm(orderKey: string, userId: number): ConfirmResult {
    const existing = this.deps.records.byOrderKey(orderKey);
    if (existing) return existing.userId === userId ? { ok: true, activation: existing, duplicate: true } : { ok: false, reason: "unknown_quote" };
    const quote = this.quoteOf(orderKey, userId);
    if (!quote) return { ok: false, reason: "unknown_quote" };
    if (this.deps.clock() - quote.createdAt > QUOTE_TTL_MS) return { ok: false, reason: "quote_expired", quote };
    const reserved = this.reserve({ userId, serviceCode: quote.serviceCode, countryCode: quote.countryCode, orderKey, maxPrice: quote.price });
    if (!reserved.ok && reserved.reason === "price_changed") return { ...reserved, requote: this.quote(userId, quote.serviceCode, quote.countryCode) };
    return reserved;
  }

  /**
   * Checks the offer and the user, reserves the price, records the activation as `reserving`.
   * Idempotent on `orderKey`.
   */
  reserve(request: { userId: number; serviceCode: string; countryCode: string; orderKey: string; maxPrice?: number }): ReserveResult {
    const { ledger, records, catalog, abuse, provider, db, clock } = this.deps;
    return ledger.write((): ReserveResult => {
      const existing = records.byOrderKey(request.orderKey);
      if (existing) {
        if (existing.userId !== request.userId) return { ok: false, reason: "not_offered" };
        return { ok: true, activation: existing, duplicate: true };
      }
      const suspended = abuse.suspension(request.userId);
      if (suspended) return { ok: false, reason: "suspended", until: suspended.until };
      const service = catalog.service(request.serviceCode);
      const country = catalog.country(request.countryCode);
      const offer = catalog.offer(request.serviceCode, request.countryCode);
      // The catalog only holds what may be sold, but the rules are checked again at the till (P2, P3).
      if (!service || !country || !offer || !catalog.isServiceAllowed(service) || !catalog.isCountryAllowed(country)) {
        return { ok: false, reason: "not_offered" };
      }
      if (offer.stock <= 0) return { ok: false, reason: "out_of_stock" };
      if (request.maxPrice !== undefined && offer.price > request.maxPrice) return { ok: false, reason: "price_changed", price: offer.price };
      const hold = ledger.hold({
        userId: request.userId,
        amount: offer.price,
        ref: { type: "activation", id: request.orderKey },
        idempotencyKey: `activation:${request.orderKey}`,
      });
      if (!hold.ok) {
        if (hold.reason === "insufficient_funds") {
          return { ok: false, reason: "insufficient_funds", price: offer.price, available: hold.available, missing: hold.missing };
        }
        return { ok: false, reason: "account_not_active" };
      }
      const activation = db
        .insert(activations)
        .values({
          userId: request.userId,
          orderKey: request.orderKey,
          serviceCode: service.code,
          serviceName: service.name,
          countryCode: country.code,
          countryName: country.name,
          countryIso2: country.iso2,
          price: offer.price,
          costMicros: offer.costMicros,
          holdId: hold.hold.id,
          provider: provider.name,
          createdAt: clock(),
        })
        .returning()
        .get();
      return { ok: true, activation, duplicate: false };
    });
  }

  /**
   * Asks the provider for a number (outside any transaction) and settles the activation. A lost
   * answer is resolved by looking at the provider's open activations, never by buying again.
   */
  async buy(activationId: number): Promise<BuyOutcome> {
    const activation = this.deps.records.byId(activationId);
    if (!activation) throw new Error(`no activation ${activationId}`);
    if (activation.state !== "reserving") return { ok: false, reason: "already_settled", activation };
    const result = await this.deps.provider.buy({
      service: activation.serviceCode,
      country: activation.countryCode,
      orderId: activation.orderKey,
      // Never pay the provider more than the cost the price was computed from.
      maxCostMicros: activation.costMicros,
    });
    if (result.ok) return this.issue(activation, result.value, false);
    // An answer nobody understands may hide a number that was sold: the hold stays and the
    // recovery sweep settles it by the provider's list, never a refund that invites a second buy.
    if (result.failure.kind === "unrecognised") return { ok: false, reason: "pending", activation };
    if (result.failure.kind === "temporary") return this.recover(activation, false);
    return this.fail(activation, result.failure, false);
  }

  /** The recovery sweep: settles purchases left `reserving` by a crash or a lost answer; the users are told. */
  async settleStaleReservations(): Promise<BuyOutcome[]> {
    const stale = this.deps.db
      .select()
      .from(activations)
      .where(and(eq(activations.state, "reserving"), lte(activations.createdAt, this.deps.clock() - RESERVING_GRACE_MS)))
      .all();
    const outcomes: BuyOutcome[] = [];
    for (const activation of stale) {
      const outcome = await this.deps.failures.guard("purchase-recovery", `activation ${activation.id}`, () => this.recover(activation, true));
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  /**
   * Finds the number of a purchase whose answer was lost. Where the protocol cannot tell which
   * purchase a number belongs to (another purchase of the same service and country is in flight
   * or lost too), no number is given: in flight, the answer is awaited; in the sweep, the
   * candidates are ended at the provider and the purchases voided, rather than give a user
   * someone else's number.
   */
  private async recover(activation: Activation, sweep: boolean): Promise<BuyOutcome> {
    const { db, provider, records } = this.deps;
    const pending = (): BuyOutcome => ({ ok: false, reason: "pending", activation: records.byId(activation.id) ?? activation });
    const rivals = db
      .select({ id: activations.id, createdAt: activations.createdAt })
      .from(activations)
      .where(
        and(
          eq(activations.state, "reserving"),
          eq(activations.provider, provider.name),
          eq(activations.serviceCode, activation.serviceCode),
          eq(activations.countryCode, activation.countryCode),
          ne(activations.id, activation.id),
        ),
      )
      .all();
    // A rival still in flight will learn its own number from its own answer: wait for it.
    const freshRival = rivals.some((rival) => rival.createdAt > this.deps.clock() - RESERVING_GRACE_MS);
    if (rivals.length > 0 && (!sweep || freshRival)) return pending();
    const known = db
      .select({ id: activations.providerId })
      .from(activations)
      .where(and(eq(activations.provider, provider.name), sql`${activations.providerId} IS NOT NULL`, gt(activations.createdAt, activation.createdAt - 86_400_000)))
      .all()
      .map((row) => row.id ?? "");
    const found = await provider.recoverBuy({
      service: activation.serviceCode,
      country: activation.countryCode,
      orderId: activation.orderKey,
      maxCostMicros: activation.costMicros,
      since: activation.createdAt,
      knownIds: known,
    });
    // Still unknown: keep the hold and try again later; never guess.
    if (!found.ok) return pending();
    if (found.value === null) return this.fail(activation, { kind: "temporary", message: "the provider has no such activation" }, sweep);
    if (rivals.length > 0) {
      // Ambiguous: the number could be any of these lost purchases'. End it, and void this one.
      const cancelled = await provider.cancel(found.value.id);
      if (!cancelled.ok && cancelled.failure.kind !== "not_found") return pending();
      return this.fail(activation, { kind: "temporary", message: "the provider's number could belong to another lost purchase; ended it" }, sweep);
    }
    return this.issue(activation, found.value, sweep);
  }

  private async issue(activation: Activation, bought: ProviderActivation, tellUser: boolean): Promise<BuyOutcome> {
    const { ledger, records, outbox, clock, settings, provider, failures } = this.deps;
    // The bot's own lifetime: a provider's time stamp (in a zone we may have wrong) never ends a number early.
    const expiresAt = clock() + settings.ttlMs;
    let issued: Activation | undefined;
    try {
      issued = ledger.write(() => {
        const row = records.transition(activation, "reserving", "waiting", { providerId: bought.id, phone: bought.phone, expiresAt });
        // The user left the confirmation with "please wait": the number reaches them as a message.
        if (row && tellUser) outbox.toUser(row.userId, { kind: "activation-notice", activationId: row.id, key: "recovery-issued" }, `recovered:${row.id}`);
        return row;
      });
    } catch (error) {
      // The number is already another activation's (a recovery matched it first): it is theirs;
      // this purchase stays reserved and the sweep settles it.
      if (!isUniqueViolation(error)) throw error;
      failures.report("purchase", `activation ${activation.id}`, error);
      return { ok: false, reason: "pending", activation: records.byId(activation.id) ?? activation };
    }
    if (issued) return { ok: true, activation: issued };
    const now = records.byId(activation.id) ?? activation;
    // The sweep already matched this very number to this purchase: nothing to undo.
    if (now.providerId === bought.id && now.state !== "failed") return { ok: true, activation: now };
    // Settled meanwhile (the sweep gave up on it): the number is not the user's; give it back.
    await provider.cancel(bought.id);
    return { ok: false, reason: "already_settled", activation: now };
  }

  private fail(activation: Activation, failure: ProviderFailure, tellUser: boolean): BuyOutcome {
    const { ledger, records, outbox, catalog } = this.deps;
    if (failure.kind === "price_changed") return this.priceRose(activation, failure);
    const failed = ledger.write(() => {
      const row = records.transition(activation, "reserving", "failed", { endReason: failure.kind });
      if (row) {
        ledger.void(row.holdId);
        if (tellUser) {
          outbox.toUser(row.userId, { kind: "activation-notice", activationId: row.id, key: "recovery-failed", vars: { amount: { money: row.price } } }, `recovery-failed:${row.id}`);
        }
      }
      return row;
    });
    if (failure.kind === "out_of_stock") catalog.markOutOfStock(activation.serviceCode, activation.countryCode);
    this.alerts.purchaseFailed(failure);
    if (!failed) return { ok: false, reason: "already_settled", activation: records.byId(activation.id) ?? activation };
    return { ok: false, reason: failure.kind, activation: failed, failure };
  }

  /**
   * The provider refused the cost the price was computed from (a price rise, not an outage): the
   * hold is voided, the offer repriced at once from the provider's new minimum, and the user gets
   * a new quote at the new price to confirm again.
   */
  private priceRose(activation: Activation, failure: ProviderFailure): BuyOutcome {
    const { ledger, records, catalog } = this.deps;
    const failed = ledger.write(() => {
      const row = records.transition(activation, "reserving", "failed", { endReason: failure.kind });
      if (row) ledger.void(row.holdId);
      return row;
    });
    if (!failed) return { ok: false, reason: "already_settled", activation: records.byId(activation.id) ?? activation };
    if (failure.costMicros !== undefined) {
      const price = catalog.reprice(activation.serviceCode, activation.countryCode, failure.costMicros);
      if (price !== undefined && price > activation.price) {
        ledger.write(() =>
          this.alerts.priceRose({
            service: activation.serviceName,
            country: activation.countryName,
            cost: formatScaled(failure.costMicros ?? 0, 6, 2),
            price: { money: price },
          }),
        );
      }
    }
    const requote = this.quote(activation.userId, activation.serviceCode, activation.countryCode);
    return { ok: false, reason: "price_changed", activation: failed, failure, requote };
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("SQLITE_CONSTRAINT_UNIQUE");
}
