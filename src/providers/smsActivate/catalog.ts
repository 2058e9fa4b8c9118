import { z } from "zod";
import { parseScaled } from "../../domain/decimal.ts";
import { ok } from "../../domain/numberProvider.ts";
import type { Catalog, CatalogCountry, CatalogOffer, CatalogService, NumberProvider, ProviderResult } from "../../domain/numberProvider.ts";
import { smsActivateCountry } from "../smsActivateCountries.ts";
import { IdText, UNKNOWN_ACTION_CODES, isRecord, scalarText, toCount } from "./answers.ts";
import type { SmsActivateClient } from "./client.ts";

/** The catalog: countries (getCountries), services (getServicesList) and prices (getPrices) -> one Catalog. */

const CountrySchema = z.object({
  id: IdText.optional(),
  eng: z.string().optional(),
  visible: z.union([z.number(), z.string(), z.boolean()]).optional(),
});

const ServicesListSchema = z.object({
  services: z.array(z.object({ code: z.string(), name: z.string().optional() })),
});

/** One price entry: `{cost,count}`, or the free-price form `{"<cost>": count}`; cheapest in stock wins. */
function readPrice(value: unknown): { costMicros: number; stock: number } | null {
  if (!isRecord(value)) return null;
  const options: { costMicros: number; count: number }[] = [];
  if ("cost" in value) {
    const cost = scalarText(value.cost);
    const costMicros = cost === null ? null : parseScaled(cost, 6, "up");
    if (costMicros !== null) options.push({ costMicros, count: toCount(value.count) });
  } else {
    for (const [cost, count] of Object.entries(value)) {
      const costMicros = parseScaled(cost, 6, "up");
      if (costMicros !== null) options.push({ costMicros, count: toCount(count) });
    }
  }
  if (options.length === 0) return null;
  const inStock = options.filter((o) => o.count > 0);
  const pool = inStock.length > 0 ? inStock : options;
  const costMicros = Math.min(...pool.map((o) => o.costMicros));
  return { costMicros, stock: options.reduce((sum, o) => sum + o.count, 0) };
}

export function createCatalog(client: SmsActivateClient): Pick<NumberProvider, "getCatalog"> {
  const { call, unexpected } = client;

  async function fetchCountries(): Promise<ProviderResult<{ visible: CatalogCountry[]; hidden: Set<string> }>> {
    const action = "getCountries";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.error || answer.json === undefined) return unexpected(action, answer);
    const entries: [string, unknown][] = Array.isArray(answer.json)
      ? answer.json.map((v, i) => [String(i), v])
      : isRecord(answer.json)
        ? Object.entries(answer.json)
        : [];
    const visible: CatalogCountry[] = [];
    const hidden = new Set<string>();
    for (const [key, value] of entries) {
      const parsed = CountrySchema.safeParse(value);
      if (!parsed.success) continue;
      const code = parsed.data.id ?? key;
      const v = parsed.data.visible;
      if (v === 0 || v === "0" || v === false) {
        hidden.add(code);
        continue;
      }
      const known = smsActivateCountry(code);
      visible.push({ code, name: parsed.data.eng?.trim() || known?.name || `Country ${code}`, iso2: known?.iso2 ?? null });
    }
    return ok({ visible, hidden });
  }

  /** Services with names; null when the host has no getServicesList (codes come from prices). */
  async function fetchServices(): Promise<ProviderResult<CatalogService[] | null>> {
    const action = "getServicesList";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.code !== null && UNKNOWN_ACTION_CODES.has(answer.code)) return ok(null);
    const parsed = ServicesListSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    return ok(parsed.data.services.map((s) => ({ code: s.code, name: s.name?.trim() || s.code })));
  }

  async function fetchPrices(): Promise<ProviderResult<CatalogOffer[]>> {
    const action = "getPrices";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.error || !isRecord(answer.json)) return unexpected(action, answer);
    const best = new Map<string, CatalogOffer>();
    for (const [country, services] of Object.entries(answer.json)) {
      if (!isRecord(services)) continue;
      for (const [service, value] of Object.entries(services)) {
        const price = readPrice(value);
        if (!price) continue; // an entry we cannot read is not sold, rather than failing the catalog
        const key = `${service}\n${country}`;
        const previous = best.get(key);
        if (!previous || price.costMicros < previous.costMicros) {
          best.set(key, { service, country, costMicros: price.costMicros, stock: price.stock });
        }
      }
    }
    return ok([...best.values()]);
  }

  async function getCatalog(): Promise<ProviderResult<Catalog>> {
    const [countries, services, offers] = await Promise.all([fetchCountries(), fetchServices(), fetchPrices()]);
    if (!countries.ok) return countries;
    if (!services.ok) return services;
    if (!offers.ok) return offers;
    const { visible, hidden } = countries.value;
    const sold = offers.value.filter((o) => !hidden.has(o.country));
    const countryList = [...visible];
    const listed = new Set(countryList.map((c) => c.code));
    for (const offer of sold) {
      if (listed.has(offer.country)) continue;
      listed.add(offer.country);
      const known = smsActivateCountry(offer.country);
      countryList.push({ code: offer.country, name: known?.name ?? `Country ${offer.country}`, iso2: known?.iso2 ?? null });
    }
    let serviceList = services.value;
    if (serviceList === null) {
      const codes = [...new Set(sold.map((o) => o.service))].sort();
      serviceList = codes.map((code) => ({ code, name: code }));
    }
    return ok({ services: serviceList, countries: countryList, offers: sold });
  }

  return { getCatalog };
}
