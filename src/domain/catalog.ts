import { and, asc, desc, eq, gt, like, or, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { catalogCountries, catalogOffers, catalogServices } from "../db/schema.ts";
import type { Catalog } from "./numberProvider.ts";
import type { Clock } from "../clock.ts";
import { popularityRank, searchTerms } from "./catalogNames.ts";
import { retailPrice, type PricingRules } from "./pricing.ts";
import { isCountryForbidden, isServiceForbidden, type DenyLists } from "./prohibited.ts";

export type CatalogService = typeof catalogServices.$inferSelect;
export type CatalogCountry = typeof catalogCountries.$inferSelect;
export type CatalogOffer = typeof catalogOffers.$inferSelect;
export type OfferWithCountry = CatalogOffer & { country: CatalogCountry };

export interface CatalogSyncResult {
  services: number;
  countries: number;
  offers: number;
  /** Offers left out because the service or the country may not be sold (P2, P3). */
  forbidden: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

/** The shop's copy of the provider's catalog, with retail prices, and the rules on what may be sold. */
export class CatalogStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly pricing: PricingRules,
    private readonly denyLists: DenyLists,
  ) {}

  isServiceAllowed(service: { code: string; name: string }): boolean {
    return !isServiceForbidden(service, this.denyLists);
  }

  isCountryAllowed(country: { code: string; name: string; iso2: string | null }): boolean {
    return !isCountryForbidden(country, this.denyLists);
  }

  /**
   * Replaces the stored catalog with the provider's, in one transaction, leaving out whatever the
   * shop may not sell and pricing the rest. Readers see either the old catalog or the new one.
   */
  replace(snapshot: Catalog): CatalogSyncResult {
    const now = this.clock();
    const services = new Map(snapshot.services.filter((s) => this.isServiceAllowed(s)).map((s) => [s.code, s]));
    const countries = new Map(snapshot.countries.filter((c) => this.isCountryAllowed(c)).map((c) => [c.code, c]));
    let forbidden = 0;
    const offers: Array<typeof catalogOffers.$inferInsert> = [];
    const stockByService = new Map<string, number>();
    for (const offer of snapshot.offers) {
      if (!services.has(offer.service) || !countries.has(offer.country)) {
        forbidden++;
        continue;
      }
      if (!Number.isSafeInteger(offer.costMicros) || offer.costMicros < 0 || !Number.isSafeInteger(offer.stock)) continue;
      const stock = Math.max(0, offer.stock);
      offers.push({
        serviceCode: offer.service,
        countryCode: offer.country,
        costMicros: offer.costMicros,
        price: retailPrice(offer.costMicros, offer.service, this.pricing),
        stock,
        updatedAt: now,
      });
      stockByService.set(offer.service, (stockByService.get(offer.service) ?? 0) + stock);
    }
    const offeredServices = [...services.values()].filter((s) => stockByService.has(s.code));
    const offeredCountries = new Set(offers.map((o) => o.countryCode));

    this.db.transaction(
      (tx) => {
        tx.delete(catalogOffers).run();
        tx.delete(catalogServices).run();
        tx.delete(catalogCountries).run();
        for (const s of offeredServices) {
          tx.insert(catalogServices)
            .values({ code: s.code, name: s.name, rank: popularityRank(s.name), totalStock: stockByService.get(s.code) ?? 0, updatedAt: now })
            .run();
        }
        for (const c of countries.values()) {
          if (offeredCountries.has(c.code)) tx.insert(catalogCountries).values({ code: c.code, name: c.name, iso2: c.iso2, updatedAt: now }).run();
        }
        for (const offer of offers) tx.insert(catalogOffers).values(offer).run();
      },
      { behavior: "immediate" },
    );
    return { services: offeredServices.length, countries: offeredCountries.size, offers: offers.length, forbidden };
  }

  /** Services with stock, most popular first, then best stocked; optionally filtered by a typed name. */
  services(options: { search?: string; page?: number; pageSize?: number } = {}): Page<CatalogService> {
    const pageSize = options.pageSize ?? 8;
    const terms = searchTerms(options.search ?? "");
    const where = and(
      gt(catalogServices.totalStock, 0),
      terms.length > 0
        ? or(
            ...terms.map((term) => like(sql`lower(${catalogServices.name})`, `%${escapeLike(term)}%`)),
            eq(catalogServices.code, terms[0] ?? ""),
          )
        : undefined,
    );
    const total = this.db.select({ n: sql<number>`count(*)` }).from(catalogServices).where(where).get()?.n ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(0, options.page ?? 0), pages - 1);
    const items = this.db
      .select()
      .from(catalogServices)
      .where(where)
      .orderBy(asc(catalogServices.rank), desc(catalogServices.totalStock), asc(catalogServices.name))
      .limit(pageSize)
      .offset(page * pageSize)
      .all();
    return { items, page, pages, total };
  }

  service(code: string): CatalogService | undefined {
    return this.db.select().from(catalogServices).where(eq(catalogServices.code, code)).get();
  }

  country(code: string): CatalogCountry | undefined {
    return this.db.select().from(catalogCountries).where(eq(catalogCountries.code, code)).get();
  }

  /** Countries selling a service, cheapest first and, at the same price, best stocked first. */
  offersFor(serviceCode: string, options: { page?: number; pageSize?: number } = {}): Page<OfferWithCountry> {
    const pageSize = options.pageSize ?? 8;
    const where = and(eq(catalogOffers.serviceCode, serviceCode), gt(catalogOffers.stock, 0));
    const total = this.db.select({ n: sql<number>`count(*)` }).from(catalogOffers).where(where).get()?.n ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(0, options.page ?? 0), pages - 1);
    const rows = this.db
      .select()
      .from(catalogOffers)
      .innerJoin(catalogCountries, eq(catalogCountries.code, catalogOffers.countryCode))
      .where(where)
      .orderBy(asc(catalogOffers.price), desc(catalogOffers.stock), asc(catalogCountries.name))
      .limit(pageSize)
      .offset(page * pageSize)
      .all();
    return { items: rows.map((r) => ({ ...r.catalog_offers, country: r.catalog_countries })), page, pages, total };
  }

  offer(serviceCode: string, countryCode: string): CatalogOffer | undefined {
    return this.db
      .select()
      .from(catalogOffers)
      .where(and(eq(catalogOffers.serviceCode, serviceCode), eq(catalogOffers.countryCode, countryCode)))
      .get();
  }

  /** After the provider says "out of stock", the shop stops showing that pair until the next sync. */
  markOutOfStock(serviceCode: string, countryCode: string): void {
    this.db
      .update(catalogOffers)
      .set({ stock: 0 })
      .where(and(eq(catalogOffers.serviceCode, serviceCode), eq(catalogOffers.countryCode, countryCode)))
      .run();
    this.db
      .update(catalogServices)
      .set({
        totalStock: sql`(SELECT COALESCE(SUM(stock), 0) FROM catalog_offers WHERE service_code = ${serviceCode})`,
      })
      .where(eq(catalogServices.code, serviceCode))
      .run();
  }

  /**
   * The provider's cost for one offer went up (it refused a purchase at the old one): the offer is
   * repriced at once, so that the next confirmation shows the new price. Returns the new price.
   */
  reprice(serviceCode: string, countryCode: string, costMicros: number): number | undefined {
    const offer = this.offer(serviceCode, countryCode);
    if (!offer || costMicros <= offer.costMicros) return offer?.price;
    const price = retailPrice(costMicros, serviceCode, this.pricing);
    this.db
      .update(catalogOffers)
      .set({ costMicros, price, updatedAt: this.clock() })
      .where(and(eq(catalogOffers.serviceCode, serviceCode), eq(catalogOffers.countryCode, countryCode)))
      .run();
    return price;
  }

  isEmpty(): boolean {
    return this.db.select({ code: catalogServices.code }).from(catalogServices).limit(1).get() === undefined;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[%_]/g, "");
}
