import { randomBytes } from "node:crypto";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { catalogCountries, catalogServices, rentOffers, rentQuotes, rentalExtensions, rentals } from "../db/schema.ts";
import type { CatalogStore } from "./catalog.ts";
import type { ItemFailures } from "./itemFailures.ts";
import type { Ledger } from "./ledger.ts";
import { ANY_RENT_SERVICE, type NumberProvider, type ProviderFailure, type ProviderFailureKind, type ProviderRental, type RentOffer } from "./numberProvider.ts";
import type { Outbox } from "./outbox.ts";
import { retailPrice, type PricingRules } from "./pricing.ts";
import type { RentalRecords} from "./rentalRecords.ts";
import { rentalRef, type Rental, type RentalExtension } from "./rentalRecords.ts";
import { HOUR_MS, unusedTimeRefund } from "./rentalRules.ts";

/**
 * Renting a number for days, read in one place from offer to ledger (POLICY B4, L1-L5):
 * 1. `syncOffers`: the provider's rent offers, priced (rent markup) and filtered like the catalog
 *    (only services and countries the catalog may sell: P2, P3), for the periods the operator offers.
 * 2. `quote` / `confirm`: the confirmation screen is a quote under a random order key; Confirm
 *    checks it once, reserves the price (hold) and records the rental as `reserving`.
 * 3. `rent`: the provider is asked, outside any transaction; the number rented -> `active` and the
 *    hold captured in the same transaction (the price is taken at the purchase, B4); refused -> `failed`
 *    and the hold voided; no answer -> the rental found later in the provider's list (`recoverRent`),
 *    never rented twice.
 * 4. Extensions follow the same shape on their own rows: hold -> provider -> capture, or void
 *    when the provider refuses (a refused extension is never charged).
 * 5. Cancel (inside the provider's window, no SMS yet: full refund), end early (no refund, L3),
 *    revoked by the carrier (unused time refunded at once, L2/W5). `cancelling` and `ending` are
 *    half-way states that the recovery job settles by asking the provider again.
 * Problems reported by users (L1) are in rentalProblems.ts; polling, expiry and reminders in rentalUpkeep.ts.
 */

/**
 * "Any service": a number that receives SMS from every sender. Its name is kept in English in the
 * records (the ledger's memo is language-free); screens name it in the reader's language by code.
 */
export const ANY_SERVICE: { readonly code: string; readonly name: string } = { code: ANY_RENT_SERVICE, name: "Any service" };

/** A rent whose answer has not come back after this long is settled by the recovery sweep. */
export const RENT_RESERVING_GRACE_MS = 60_000;
/** A confirmation older than this asks the user to choose again. */
export const RENT_QUOTE_TTL_MS = 30 * 60_000;
const QUOTE_KEEP_MS = 24 * HOUR_MS;

export interface RentalSettings {
  /** The periods offered, in hours (RENT_PERIODS_HOURS). */
  periodsHours: readonly number[];
  /** Pricing of rentals (RENT_MARKUP_PERCENT over the shared rate and margin). */
  pricing: PricingRules;
  /** Reminders before the end, in hours (RENT_REMINDER_HOURS), e.g. [24, 1]. */
  reminderHours: readonly number[];
  /** ISO codes of countries whose numbers need identity documents (L4, RENT_ID_COUNTRIES). */
  idCountries: readonly string[];
}

export interface RentalDeps {
  db: Db;
  records: RentalRecords;
  ledger: Ledger;
  catalog: CatalogStore;
  provider: NumberProvider;
  outbox: Outbox;
  failures: ItemFailures;
  clock: Clock;
  settings: RentalSettings;
}

export type RentOfferRow = typeof rentOffers.$inferSelect;
export type RentQuote = typeof rentQuotes.$inferSelect;

export interface RentServiceChoice {
  code: string;
  name: string;
  /** The cheapest price of the shortest period, for the list. */
  fromPrice: number;
}

export interface RentCountryChoice {
  code: string;
  name: string;
  iso2: string | null;
  fromPrice: number;
  needsDocuments: boolean;
}

type Shortfall = { ok: false; reason: "insufficient_funds"; price: number; available: number; missing: number };

export type RentQuoteResult = { ok: true; quote: RentQuote; available: number; endsAt: number; needsDocuments: boolean } | Shortfall | { ok: false; reason: "not_offered" };

export type RentConfirmResult =
  | { ok: true; rental: Rental; duplicate: boolean }
  | Shortfall
  | { ok: false; reason: "unknown_quote" | "quote_expired" | "not_offered" | "account_not_active" | "price_changed" };

export type RentOutcome =
  | { ok: true; rental: Rental }
  | { ok: false; reason: "pending"; rental: Rental }
  | { ok: false; reason: ProviderFailureKind | "already_settled"; rental: Rental };

export type CancelOutcome =
  | { ok: true; rental: Rental; refunded: number }
  | { ok: false; reason: "not_found" | "not_active" | "window_closed" | "has_sms" | "refused" | "temporary"; rental?: Rental };

export type EndOutcome = { ok: true; rental: Rental } | { ok: false; reason: "not_found" | "not_active" | "temporary"; rental?: Rental };

export type ExtendQuoteResult =
  | { ok: true; quote: RentQuote; available: number; endsAt: number }
  | Shortfall
  | { ok: false; reason: "not_found" | "not_active" | "not_offered" | "refused" };

export type ExtendConfirmResult =
  | { ok: true; extension: RentalExtension; rental: Rental; duplicate: boolean }
  | Shortfall
  | { ok: false; reason: "unknown_quote" | "quote_expired" | "not_active" | "account_not_active" };

export type ExtendOutcome =
  | { ok: true; extension: RentalExtension; rental: Rental }
  | { ok: false; reason: "pending" | "refused" | "already_settled"; extension: RentalExtension; rental: Rental; failure?: ProviderFailure };

/** What a rental's ledger entries say in the user's history: the number, service and country (no language needed). */
export function rentalMemo(rental: Pick<Rental, "phone" | "serviceName" | "countryName">): string {
  return `📅 +${rental.phone ?? ""} · ${rental.serviceName} · ${rental.countryName}`;
}

/** Provider failures that leave the outcome unknown: asked again later, never settled on. */
const UNKNOWN: ReadonlySet<ProviderFailureKind> = new Set(["temporary", "unrecognised"]);

export class Rentals {
  readonly records: RentalRecords;

  constructor(private readonly deps: RentalDeps) {
    this.records = deps.records;
  }

  /** False when the provider cannot rent numbers for days: the bot hides renting. */
  get offered(): boolean {
    return this.deps.provider.rentTerms.offered;
  }

  needsDocuments(iso2: string | null): boolean {
    return iso2 !== null && this.deps.settings.idCountries.includes(iso2.toUpperCase());
  }

  // ------------------------------------------------------------------ offers

  /** Copies the provider's rent offers, priced, for the offered periods and what the catalog may sell. */
  async syncOffers(): Promise<{ offers: number } | { failed: ProviderFailure }> {
    if (!this.offered) return { offers: 0 };
    const result = await this.deps.provider.getRentOffers();
    if (!result.ok) return { failed: result.failure };
    return { offers: this.replaceOffers(result.value) };
  }

  replaceOffers(offers: readonly RentOffer[]): number {
    const { db, clock, settings } = this.deps;
    const now = clock();
    const periods = new Set(settings.periodsHours);
    // Every offer is kept; what is shown and sold is joined with the catalog, which holds only what
    // the shop may sell (P2, P3), so a forbidden service or country is never offered for rent either.
    const rows = offers.filter((offer) => periods.has(offer.hours) && Number.isSafeInteger(offer.costMicros) && offer.costMicros > 0);
    db.transaction(
      (tx) => {
        tx.delete(rentOffers).run();
        for (const offer of rows) {
          tx.insert(rentOffers)
            .values({
              serviceCode: offer.service,
              countryCode: offer.country,
              hours: offer.hours,
              costMicros: offer.costMicros,
              price: retailPrice(offer.costMicros, offer.service, settings.pricing),
              stock: Math.max(0, offer.stock),
              updatedAt: now,
            })
            .onConflictDoNothing()
            .run();
        }
      },
      { behavior: "immediate" },
    );
    return rows.length;
  }

  /**
   * The services to choose from, "any service" first where the provider rents one. Prices only from
   * countries the catalog may sell (P3); services only those it may sell (P2). "Any service" is no
   * catalog service: its terms say what it may not be used for instead (see `rentService`).
   */
  services(): RentServiceChoice[] {
    const { db } = this.deps;
    const any = db
      .select({ fromPrice: sql<number | null>`min(${rentOffers.price})` })
      .from(rentOffers)
      .innerJoin(catalogCountries, eq(catalogCountries.code, rentOffers.countryCode))
      .where(and(eq(rentOffers.serviceCode, ANY_RENT_SERVICE), gt(rentOffers.stock, 0)))
      .get();
    const named = db
      .select({ code: rentOffers.serviceCode, name: catalogServices.name, fromPrice: sql<number>`min(${rentOffers.price})` })
      .from(rentOffers)
      .innerJoin(catalogServices, eq(catalogServices.code, rentOffers.serviceCode))
      .innerJoin(catalogCountries, eq(catalogCountries.code, rentOffers.countryCode))
      .where(gt(rentOffers.stock, 0))
      .groupBy(rentOffers.serviceCode)
      .orderBy(asc(catalogServices.rank), asc(catalogServices.name))
      .all();
    return any?.fromPrice != null && this.rentService(ANY_RENT_SERVICE) ? [{ ...ANY_SERVICE, fromPrice: any.fromPrice }, ...named] : named;
  }

  /** A service that may be rented: one of the catalog's (P2), or "any service". */
  rentService(code: string): { code: string; name: string } | undefined {
    // DENY_SERVICES may name "_any" too.
    const service = code === ANY_RENT_SERVICE ? ANY_SERVICE : this.deps.catalog.service(code);
    return service && this.deps.catalog.isServiceAllowed(service) ? service : undefined;
  }

  countries(serviceCode: string): RentCountryChoice[] {
    return this.deps.db
      .select({ code: rentOffers.countryCode, name: catalogCountries.name, iso2: catalogCountries.iso2, fromPrice: sql<number>`min(${rentOffers.price})` })
      .from(rentOffers)
      .innerJoin(catalogCountries, eq(catalogCountries.code, rentOffers.countryCode))
      .where(and(eq(rentOffers.serviceCode, serviceCode), gt(rentOffers.stock, 0)))
      .groupBy(rentOffers.countryCode)
      .orderBy(sql`min(${rentOffers.price})`, asc(catalogCountries.name))
      .all()
      .map((row) => ({ ...row, needsDocuments: this.needsDocuments(row.iso2) }));
  }

  periods(serviceCode: string, countryCode: string): RentOfferRow[] {
    return this.deps.db
      .select()
      .from(rentOffers)
      .where(and(eq(rentOffers.serviceCode, serviceCode), eq(rentOffers.countryCode, countryCode), gt(rentOffers.stock, 0)))
      .orderBy(asc(rentOffers.hours))
      .all();
  }

  offer(serviceCode: string, countryCode: string, hours: number): RentOfferRow | undefined {
    return this.deps.db
      .select()
      .from(rentOffers)
      .where(and(eq(rentOffers.serviceCode, serviceCode), eq(rentOffers.countryCode, countryCode), eq(rentOffers.hours, hours)))
      .get();
  }

  // ------------------------------------------------------------------ renting

  private newQuote(values: Omit<RentQuote, "orderKey" | "createdAt">): RentQuote {
    const { db, clock } = this.deps;
    const now = clock();
    db.delete(rentQuotes).where(lt(rentQuotes.createdAt, now - QUOTE_KEEP_MS)).run();
    return db
      .insert(rentQuotes)
      .values({ ...values, orderKey: randomBytes(12).toString("base64url"), createdAt: now })
      .returning()
      .get();
  }

  quoteOf(orderKey: string, userId: number): RentQuote | undefined {
    const quote = this.deps.db.select().from(rentQuotes).where(eq(rentQuotes.orderKey, orderKey)).get();
    return quote && quote.userId === userId ? quote : undefined;
  }

  /** The confirmation screen of a new rental. */
  quote(userId: number, serviceCode: string, countryCode: string, hours: number): RentQuoteResult {
    const { ledger, catalog, clock } = this.deps;
    const offer = this.offer(serviceCode, countryCode, hours);
    const country = catalog.country(countryCode);
    if (!this.offered || !offer || offer.stock <= 0 || !this.rentService(serviceCode) || !country) return { ok: false, reason: "not_offered" };
    const available = ledger.balanceOf(userId).available;
    if (offer.price > available) return { ok: false, reason: "insufficient_funds", price: offer.price, available, missing: offer.price - available };
    const quote = this.newQuote({ userId, kind: "rent", rentalId: null, serviceCode, countryCode, hours, price: offer.price, costMicros: offer.costMicros });
    return { ok: true, quote, available, endsAt: clock() + hours * HOUR_MS, needsDocuments: this.needsDocuments(country.iso2) };
  }

  /** The press of Confirm: every check once, then the hold; idempotent on the order key. */
  confirm(orderKey: string, userId: number): RentConfirmResult {
    const { ledger, records, catalog, provider, db, clock } = this.deps;
    return ledger.write((): RentConfirmResult => {
      const existing = records.byOrderKey(orderKey);
      if (existing) return existing.userId === userId ? { ok: true, rental: existing, duplicate: true } : { ok: false, reason: "unknown_quote" };
      const quote = this.quoteOf(orderKey, userId);
      if (!quote || quote.kind !== "rent") return { ok: false, reason: "unknown_quote" };
      if (clock() - quote.createdAt > RENT_QUOTE_TTL_MS) return { ok: false, reason: "quote_expired" };
      const service = this.rentService(quote.serviceCode);
      const country = catalog.country(quote.countryCode);
      const offer = this.offer(quote.serviceCode, quote.countryCode, quote.hours);
      // Checked again at the till (P2, P3).
      if (!this.offered || !service || !country || !offer || offer.stock <= 0 || !catalog.isServiceAllowed(service) || !catalog.isCountryAllowed(country)) {
        return { ok: false, reason: "not_offered" };
      }
      if (offer.price > quote.price) return { ok: false, reason: "price_changed" };
      const hold = ledger.hold({ userId, amount: quote.price, ref: { type: "rental", id: orderKey }, idempotencyKey: `rental:${orderKey}` });
      if (!hold.ok) {
        if (hold.reason === "insufficient_funds") return { ok: false, reason: "insufficient_funds", price: quote.price, available: hold.available, missing: hold.missing };
        return { ok: false, reason: "account_not_active" };
      }
      const rental = db
        .insert(rentals)
        .values({
          userId,
          orderKey,
          serviceCode: service.code,
          serviceName: service.name,
          countryCode: country.code,
          countryName: country.name,
          countryIso2: country.iso2,
          hours: quote.hours,
          price: quote.price,
          costMicros: offer.costMicros,
          holdId: hold.hold.id,
          provider: provider.name,
          createdAt: clock(),
        })
        .returning()
        .get();
      return { ok: true, rental, duplicate: false };
    });
  }

  /** Asks the provider for the number (outside any transaction) and settles the rental. */
  async rent(rentalId: number): Promise<RentOutcome> {
    const rental = this.records.byId(rentalId);
    if (!rental) throw new Error(`no rental ${rentalId}`);
    if (rental.state !== "reserving") return { ok: false, reason: "already_settled", rental };
    const result = await this.deps.provider.rent({ service: rental.serviceCode, country: rental.countryCode, hours: rental.hours, orderId: rental.orderKey });
    if (result.ok) return this.issue(rental, result.value, false);
    if (UNKNOWN.has(result.failure.kind)) return { ok: false, reason: "pending", rental };
    return this.fail(rental, result.failure, false);
  }

  /** The recovery sweep: rentals left `reserving` by a crash or a lost answer; the users are told. */
  async settleStaleReservations(): Promise<RentOutcome[]> {
    const { db, clock, failures } = this.deps;
    const stale = db
      .select()
      .from(rentals)
      .where(and(eq(rentals.state, "reserving"), lt(rentals.createdAt, clock() - RENT_RESERVING_GRACE_MS + 1)))
      .all();
    const outcomes: RentOutcome[] = [];
    for (const rental of stale) {
      const outcome = await failures.guard("rental-recovery", `rental ${rental.id}`, () => this.recover(rental));
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  private async recover(rental: Rental): Promise<RentOutcome> {
    const { db, provider } = this.deps;
    const known = db
      .select({ id: rentals.providerId })
      .from(rentals)
      .where(and(eq(rentals.provider, provider.name), sql`${rentals.providerId} IS NOT NULL`))
      .all()
      .map((row) => row.id ?? "");
    const found = await provider.recoverRent({
      service: rental.serviceCode,
      country: rental.countryCode,
      hours: rental.hours,
      orderId: rental.orderKey,
      since: rental.createdAt,
      knownIds: known,
    });
    // Still unknown: the hold stays and the next run asks again; never guess, never rent again.
    if (!found.ok) return { ok: false, reason: "pending", rental };
    if (found.value === null) return this.fail(rental, { kind: "temporary", message: "the provider has no such rental" }, true);
    return this.issue(rental, found.value, true);
  }

  private issue(rental: Rental, rented: ProviderRental, tellUser: boolean): RentOutcome {
    const { ledger, records, outbox, clock, provider } = this.deps;
    const now = clock();
    const settled = ledger.write(() => {
      const row = records.transition(rental, "reserving", "active", {
        providerId: rented.id,
        phone: rented.phone,
        startedAt: now,
        // The bot's own clock decides the end, never a host's time stamp in a zone we may have wrong.
        endsAt: now + rental.hours * HOUR_MS,
        cancelUntil: now + provider.rentTerms.cancelWindowMs,
      });
      if (!row) return undefined;
      ledger.capture(row.holdId, rentalMemo(row));
      if (tellUser) outbox.toUser(row.userId, { kind: "rental-notice", rentalId: row.id, key: "rent-recovered" }, `rent-recovered:${row.id}`);
      return row;
    });
    if (settled) return { ok: true, rental: settled };
    const current = records.byId(rental.id) ?? rental;
    if (current.providerId === rented.id && current.state !== "failed") return { ok: true, rental: current };
    return { ok: false, reason: "already_settled", rental: current };
  }

  private fail(rental: Rental, failure: ProviderFailure, tellUser: boolean): RentOutcome {
    const { ledger, records, outbox, clock } = this.deps;
    const failed = ledger.write(() => {
      const row = records.transition(rental, "reserving", "failed", { endReason: failure.kind });
      if (!row) return undefined;
      ledger.void(row.holdId);
      if (tellUser) outbox.toUser(row.userId, { kind: "rental-notice", rentalId: row.id, key: "rent-recovery-failed", vars: { amount: { money: row.price } } }, `rent-failed:${row.id}`);
      return row;
    });
    if (failure.kind === "no_balance" || failure.kind === "bad_config") {
      const hour = Math.floor(clock() / HOUR_MS);
      outbox.toAdmins({ kind: "notice", key: "purchase-operator-failure", vars: { reason: failure.kind, details: failure.message } }, `rent-operator-failure:${failure.kind}:${hour}`);
    }
    if (!failed) return { ok: false, reason: "already_settled", rental: records.byId(rental.id) ?? rental };
    return { ok: false, reason: failure.kind, rental: failed };
  }

  // ------------------------------------------------------------------ cancel and end

  /** Whether Cancel (full refund) is offered now: inside the provider's window and no SMS yet. */
  canCancel(rental: Rental): boolean {
    return rental.state === "active" && rental.cancelUntil !== null && this.deps.clock() < rental.cancelUntil && this.records.smsCount(rental.id) === 0;
  }

  /** Cancel inside the window, before any SMS: the whole price back once the provider agreed. */
  async cancel(rentalId: number, userId: number): Promise<CancelOutcome> {
    const rental = this.records.ofUserById(rentalId, userId);
    if (!rental) return { ok: false, reason: "not_found" };
    if (rental.state !== "active" && rental.state !== "cancelling") return { ok: false, reason: "not_active", rental };
    if (rental.state === "active") {
      if (this.records.smsCount(rental.id) > 0) return { ok: false, reason: "has_sms", rental };
      if (rental.cancelUntil === null || this.deps.clock() >= rental.cancelUntil) return { ok: false, reason: "window_closed", rental };
      if (!this.records.transition(rental, "active", "cancelling")) return { ok: false, reason: "not_active", rental: this.records.byId(rentalId) };
    }
    return this.askCancel(rental, false);
  }

  private async askCancel(rental: Rental, tellUser: boolean): Promise<CancelOutcome> {
    const { provider, records } = this.deps;
    const result = await provider.cancelRental(rental.providerId ?? "");
    if (!result.ok) {
      if (UNKNOWN.has(result.failure.kind)) return { ok: false, reason: "temporary", rental };
      // Refused (an SMS came meanwhile, the window closed): the rental goes on, nothing refunded...
      const now = await provider.getRental(rental.providerId ?? "");
      // ...unless the provider says it has in fact been cancelled (a repeat after a lost answer).
      if (!(now.ok && now.value.state === "cancelled")) {
        const back = records.transition(rental, "cancelling", "active");
        if (back && tellUser) this.deps.outbox.toUser(back.userId, { kind: "rental-notice", rentalId: back.id, key: "rent-cancel-refused" }, `rent-cancel-refused:${back.id}`);
        return { ok: false, reason: "refused", rental: back ?? records.byId(rental.id) ?? rental };
      }
    }
    const { ledger, outbox } = this.deps;
    return ledger.write((): CancelOutcome => {
      const row = records.transition(rental, "cancelling", "cancelled", { endReason: "cancelled" });
      if (!row) return { ok: false, reason: "not_active", rental: records.byId(rental.id) ?? rental };
      const amount = this.refundRest(row, `rental-cancel:${row.id}`, "cancelled inside the window");
      if (tellUser) outbox.toUser(row.userId, { kind: "rental-notice", rentalId: row.id, key: "rent-cancelled", vars: { amount: { money: amount } } }, `rent-cancelled:${row.id}`);
      return { ok: true, rental: row, refunded: amount };
    });
  }

  /** Refunds everything not yet refunded (cancel). Inside a write. */
  private refundRest(rental: Rental, key: string, memo: string): number {
    const period = this.records.period(rental);
    const amount = period.paid - period.refunded;
    if (amount > 0) this.deps.ledger.credit({ userId: rental.userId, amount, kind: "refund", ref: rentalRef(rental), idempotencyKey: key, memo: `${rentalMemo(rental)} · ${memo}` });
    return Math.max(0, amount);
  }

  /** End early by the user's own choice (L3): the number goes back to the provider, nothing is refunded. */
  async endEarly(rentalId: number, userId: number): Promise<EndOutcome> {
    const rental = this.records.ofUserById(rentalId, userId);
    if (!rental) return { ok: false, reason: "not_found" };
    if (rental.state !== "active" && rental.state !== "ending") return { ok: false, reason: "not_active", rental };
    if (rental.state === "active" && !this.records.transition(rental, "active", "ending")) return { ok: false, reason: "not_active", rental: this.records.byId(rental.id) };
    return this.askFinish(rental);
  }

  private async askFinish(rental: Rental): Promise<EndOutcome> {
    const result = await this.deps.provider.finishRental(rental.providerId ?? "");
    if (!result.ok && UNKNOWN.has(result.failure.kind)) return { ok: false, reason: "temporary", rental };
    // Finished, or already ended there (not_found, invalid_state): either way the number is gone.
    const row = this.deps.ledger.write(() => {
      const ended = this.records.transition(rental, "ending", "finished", { endReason: "ended_early" });
      if (ended) this.onRentalEnded(ended);
      return ended;
    });
    return row ? { ok: true, rental: row } : { ok: false, reason: "not_active", rental: this.records.byId(rental.id) ?? rental };
  }

  /** Cancels and early ends interrupted before the provider's answer are asked again. */
  async settleStuck(): Promise<{ cancels: number; ends: number }> {
    let cancels = 0;
    let ends = 0;
    for (const rental of this.records.inStates(["cancelling"])) {
      const outcome = await this.deps.failures.guard("rental-recovery", `rental ${rental.id}`, () => this.askCancel(rental, true));
      if (outcome?.ok || outcome?.reason === "refused") cancels++;
    }
    for (const rental of this.records.inStates(["ending"])) {
      const outcome = await this.deps.failures.guard("rental-recovery", `rental ${rental.id}`, () => this.askFinish(rental));
      if (outcome?.ok) ends++;
    }
    return { cancels, ends };
  }

  // ------------------------------------------------------------------ revoked (L2)

  /**
   * L2, W5: the carrier or the provider took the number away. The unused time is refunded at once
   * (rentalRules.unusedTimeRefund) and the user told. Inside or outside a write.
   */
  revoke(rental: Rental, reason: string): Rental | undefined {
    const { ledger, records, outbox, clock } = this.deps;
    return ledger.write(() => {
      const row = records.transition(rental, ["active", "cancelling", "ending"], "revoked", { endReason: reason });
      if (!row) return undefined;
      const amount = unusedTimeRefund(records.period(row), clock());
      if (amount > 0) {
        ledger.credit({ userId: row.userId, amount, kind: "refund", ref: rentalRef(row), idempotencyKey: `rental-revoked:${row.id}`, memo: `${rentalMemo(row)} · L2` });
      }
      outbox.toUser(row.userId, { kind: "rental-notice", rentalId: row.id, key: amount > 0 ? "rent-revoked" : "rent-revoked-nothing-left", vars: { amount: { money: amount } } }, `rent-revoked:${row.id}`);
      this.queueCard(row);
      this.onRentalEnded(row);
      return row;
    });
  }

  /** Redraws the rental's card where it is (through the outbox), once per visible change. */
  queueCard(rental: Rental): void {
    if (rental.cardChatId === null) return;
    const key = `rent-card:${rental.id}:${rental.state}:${rental.endsAt ?? 0}:${this.records.smsCount(rental.id)}`;
    this.deps.outbox.enqueue({ chatId: rental.cardChatId, userId: rental.userId, dedupeKey: key }, { kind: "rental-card", rentalId: rental.id });
  }

  /** Hook for whatever must happen when a rental ends (problem reports settle). Set by RentalProblems. */
  onRentalEnded: (rental: Rental) => void = () => undefined;

  // ------------------------------------------------------------------ extensions

  /** The confirmation of an extension: the provider's price for it where it quotes one (continueRentInfo). */
  async quoteExtension(rentalId: number, userId: number, hours: number): Promise<ExtendQuoteResult> {
    const { provider, ledger, settings } = this.deps;
    const rental = this.records.ofUserById(rentalId, userId);
    if (!rental) return { ok: false, reason: "not_found" };
    if (rental.state !== "active" || rental.endsAt === null) return { ok: false, reason: "not_active" };
    const offer = this.offer(rental.serviceCode, rental.countryCode, hours);
    if (!offer || !settings.periodsHours.includes(hours)) return { ok: false, reason: "not_offered" };
    const quoted = await provider.quoteExtension(rental.providerId ?? "", hours);
    if (!quoted.ok && (quoted.failure.kind === "invalid_state" || quoted.failure.kind === "not_found")) return { ok: false, reason: "refused" };
    // The provider's own quote when it gives one and it is higher; otherwise the offer's cost.
    const costMicros = quoted.ok ? Math.max(quoted.value.costMicros, offer.costMicros) : offer.costMicros;
    const price = Math.max(offer.price, retailPrice(costMicros, rental.serviceCode, settings.pricing));
    const available = ledger.balanceOf(userId).available;
    if (price > available) return { ok: false, reason: "insufficient_funds", price, available, missing: price - available };
    const quote = this.newQuote({ userId, kind: "extend", rentalId: rental.id, serviceCode: rental.serviceCode, countryCode: rental.countryCode, hours, price, costMicros });
    return { ok: true, quote, available, endsAt: rental.endsAt + hours * HOUR_MS };
  }

  confirmExtension(orderKey: string, userId: number): ExtendConfirmResult {
    const { ledger, records, db, clock } = this.deps;
    return ledger.write((): ExtendConfirmResult => {
      const existing = records.extensionByOrderKey(orderKey);
      if (existing) {
        const rental = records.byId(existing.rentalId);
        if (!rental || rental.userId !== userId) return { ok: false, reason: "unknown_quote" };
        return { ok: true, extension: existing, rental, duplicate: true };
      }
      const quote = this.quoteOf(orderKey, userId);
      if (!quote || quote.kind !== "extend" || quote.rentalId === null) return { ok: false, reason: "unknown_quote" };
      if (clock() - quote.createdAt > RENT_QUOTE_TTL_MS) return { ok: false, reason: "quote_expired" };
      const rental = records.ofUserById(quote.rentalId, userId);
      if (!rental || rental.state !== "active" || rental.endsAt === null) return { ok: false, reason: "not_active" };
      const hold = ledger.hold({ userId, amount: quote.price, ref: rentalRef(rental), idempotencyKey: `rental-extension:${orderKey}` });
      if (!hold.ok) {
        if (hold.reason === "insufficient_funds") return { ok: false, reason: "insufficient_funds", price: quote.price, available: hold.available, missing: hold.missing };
        return { ok: false, reason: "account_not_active" };
      }
      const extension = db
        .insert(rentalExtensions)
        .values({ rentalId: rental.id, orderKey, hours: quote.hours, price: quote.price, costMicros: quote.costMicros, holdId: hold.hold.id, endsBefore: rental.endsAt, createdAt: clock() })
        .returning()
        .get();
      return { ok: true, extension, rental, duplicate: false };
    });
  }

  /** Extends at the provider once; charged only when it agreed, never when it refused. */
  async extend(extensionId: number): Promise<ExtendOutcome> {
    const extension = this.records.extensionById(extensionId);
    if (!extension) throw new Error(`no extension ${extensionId}`);
    const rental = this.records.byId(extension.rentalId);
    if (!rental) throw new Error(`no rental ${extension.rentalId}`);
    if (extension.state !== "reserving") return { ok: false, reason: "already_settled", extension, rental };
    const result = await this.deps.provider.extendRental(rental.providerId ?? "", extension.hours);
    if (result.ok) return this.applyExtension(extension, rental, false);
    if (UNKNOWN.has(result.failure.kind)) return { ok: false, reason: "pending", extension, rental, failure: result.failure };
    return this.refuseExtension(extension, rental, result.failure, false);
  }

  private applyExtension(extension: RentalExtension, rental: Rental, tellUser: boolean): ExtendOutcome {
    const { ledger, records, outbox } = this.deps;
    return ledger.write((): ExtendOutcome => {
      const done = records.settleExtension(extension.id, "done");
      const current = records.byId(rental.id) ?? rental;
      if (!done) return { ok: false, reason: "already_settled", extension: records.extensionById(extension.id) ?? extension, rental: current };
      ledger.capture(done.holdId, `${rentalMemo(rental)} · +${done.hours} h`);
      const endsAt = Math.max(current.endsAt ?? 0, done.endsBefore) + done.hours * HOUR_MS;
      records.setEndsAt(rental.id, endsAt);
      const updated = records.byId(rental.id) ?? current;
      if (tellUser) outbox.toUser(updated.userId, { kind: "rental-notice", rentalId: updated.id, key: "rent-extended-later", vars: { until: { date: endsAt } } }, `rent-extended:${done.id}`);
      return { ok: true, extension: done, rental: updated };
    });
  }

  private refuseExtension(extension: RentalExtension, rental: Rental, failure: ProviderFailure, tellUser: boolean): ExtendOutcome {
    const { ledger, records, outbox } = this.deps;
    return ledger.write((): ExtendOutcome => {
      const failed = records.settleExtension(extension.id, "failed", failure.kind);
      if (!failed) return { ok: false, reason: "already_settled", extension: records.extensionById(extension.id) ?? extension, rental };
      ledger.void(failed.holdId);
      if (tellUser) outbox.toUser(rental.userId, { kind: "rental-notice", rentalId: rental.id, key: "rent-extend-refused-later" }, `rent-extend-refused:${failed.id}`);
      return { ok: false, reason: "refused", extension: failed, rental, failure };
    });
  }

  /**
   * Extensions left `reserving` (lost answer, crash), settled from the end the provider shows now
   * (`rentalEnd`, else `getRental`), never by extending again:
   * - the end moved by the period: extended -> the hold captured, the new end recorded, once;
   * - the end where it was, once the provider's answer is certain (EXTENSION_CERTAIN_AFTER_MS, far
   *   beyond any call's timeout): not extended -> the hold voided;
   * - the rental no longer live at the provider: not extended -> voided;
   * - anything else (no end shown, an end that fits neither, e.g. a host writing another zone or
   *   format): asked again next run, no money moves, and the admins are told once.
   */
  async settleStaleExtensions(): Promise<number> {
    const { db, clock, failures } = this.deps;
    const stale = db
      .select()
      .from(rentalExtensions)
      .where(and(eq(rentalExtensions.state, "reserving"), lt(rentalExtensions.createdAt, clock() - RENT_RESERVING_GRACE_MS + 1)))
      .all();
    let settled = 0;
    for (const extension of stale) {
      const done = await failures.guard("rental-recovery", `extension ${extension.id}`, () => this.settleStaleExtension(extension));
      if (done) settled++;
    }
    return settled;
  }

  /** One extension of the recovery sweep; true when it was settled. */
  private async settleStaleExtension(extension: RentalExtension): Promise<boolean> {
    const { provider, outbox, clock } = this.deps;
    const rental = this.records.byId(extension.rentalId);
    if (!rental) return false;
    const providerId = rental.providerId ?? "";
    const certain = clock() - extension.createdAt >= EXTENSION_CERTAIN_AFTER_MS;
    const unsure = (why: string): boolean => {
      outbox.toAdmins({ kind: "notice", key: "rent-extension-unknown", vars: { rental: rental.id, extension: extension.id, why } }, `rent-extension-unknown:${extension.id}`);
      return false;
    };
    let end: number | null = null;
    if (provider.rentalEnd) {
      const listed = await provider.rentalEnd(providerId);
      if (!listed.ok && UNKNOWN.has(listed.failure.kind)) return false;
      end = listed.ok ? listed.value : null;
    }
    const seen = await provider.getRental(providerId);
    if (!seen.ok && UNKNOWN.has(seen.failure.kind)) return false;
    const live = seen.ok && seen.value.state === "active";
    // Where the provider has no fresh end of its own, getRental's end is read fresh.
    if (end === null && !provider.rentalEnd && live && seen.value.endsAt > 0) end = seen.value.endsAt;
    if (end !== null) {
      const verdict = extensionSeen(extension.endsBefore, extension.hours, end);
      if (verdict === "extended") {
        this.applyExtension(extension, rental, true);
        return true;
      }
      if (verdict === "unchanged" && certain) {
        this.refuseExtension(extension, rental, { kind: "invalid_state", message: "the provider's end did not move" }, true);
        return true;
      }
      return verdict === "unchanged" ? false : unsure("end");
    }
    if (!live && certain) {
      this.refuseExtension(extension, rental, seen.ok ? { kind: "invalid_state", message: `rental ${seen.value.state}` } : seen.failure, true);
      return true;
    }
    return live ? unsure("no-end") : false;
  }
}

/**
 * A lost extension answer needs this long before "the end did not move" means "not extended":
 * far beyond any provider call's timeout, so the request cannot still be on its way.
 */
export const EXTENSION_CERTAIN_AFTER_MS = 5 * 60_000;

/**
 * What the provider's end says about an extension of `hours` asked when the rental ended at
 * `endsBefore` (both read through the same host clock): `extended` within half an hour of the
 * moved end, `unchanged` within half an hour of the old one, otherwise `unsure` (a host that wrote
 * another zone or format, another extension on top, a rounding we cannot explain): never guessed.
 */
export function extensionSeen(endsBefore: number, hours: number, providerEnd: number): "extended" | "unchanged" | "unsure" {
  const period = hours * HOUR_MS;
  const tolerance = Math.min(30 * 60_000, Math.floor(period / 4));
  if (Math.abs(providerEnd - (endsBefore + period)) <= tolerance) return "extended";
  if (Math.abs(providerEnd - endsBefore) <= tolerance) return "unchanged";
  return "unsure";
}
