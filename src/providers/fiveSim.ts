import { createHash } from "node:crypto";
import { z } from "zod";
import { formatScaled, parseScaled } from "../domain/decimal.ts";
import { fiveSimCountryIso2 } from "./fiveSimCountries.ts";
import { httpCall, redact } from "./http.ts";
import {
  fail,
  ok,
  type BuyRequest,
  type Catalog,
  type CatalogCountry,
  type CatalogOffer,
  type CatalogService,
  type NumberProvider,
  type ProviderActivation,
  type ProviderActivationState,
  type ProviderFailureKind,
  type ProviderRental,
  type ProviderResult,
  type ProviderSms,
  type RecoverBuyRequest,
  type RentOffer,
  type RentRequest,
} from "../domain/numberProvider.ts";

/**
 * The 5sim.net REST protocol (https://5sim.net/v1) behind the NumberProvider interface.
 *
 * Protocol choices worth knowing (see also the tests):
 * - 5sim has no idempotency key: `BuyRequest.orderId` is not sent. A buy whose answer is lost is
 *   resolved by `recoverBuy`, which searches the order history and never buys.
 * - 5sim's RECEIVED status means "the number is ready, waiting for SMS", not "an SMS arrived".
 *   The activation state is therefore `received` only once the order actually carries an SMS;
 *   a RECEIVED order with no SMS is still `waiting` (so a refund is never refused by mistake, A3/A4).
 * - 5sim keeps delivering SMS to an open order, so `requestAnotherSms` sends nothing: it succeeds
 *   while the order is open and refuses otherwise.
 * - Rentals are 5sim "hosting" numbers (periods "3hours" and "1day"; they receive SMS from any
 *   service). 5sim cannot extend a hosting order, and it publishes no rent offers per service, so
 *   `extendRental` and `getRentOffers` answer `bad_config` ("not supported").
 * - Prices and balances are RUB floats; they become integer micros here (prices rounded up,
 *   the balance rounded down, so neither is ever overstated in our favour).
 */

export interface FiveSimOptions {
  /** Defaults to https://5sim.net/v1 (no trailing slash needed). */
  baseUrl?: string;
  apiKey: string;
  /** Per HTTP call; default 15 s. */
  timeoutMs?: number;
  now?: () => number;
  /** Operator slug used for buys and for the catalog's prices; default "any". */
  operator?: string;
}

const DEFAULT_BASE_URL = "https://5sim.net/v1";
const DEFAULT_TIMEOUT_MS = 15_000;
/** Reads (prices, profile, check, orders) are retried; nothing with a side effect ever is. */
const READ_RETRIES = 2;
const ORDERS_PAGE_SIZE = 100;
/** Bounds the history walk; past it, listOpenActivations defers to per-activation checks. */
const MAX_ORDER_PAGES = 5;
/** Clock skew allowed between our `since` and 5sim's `created_at`. */
const RECOVER_SKEW_MS = 60_000;
/**
 * An activation order lives 15 minutes on 5sim (a bit longer for some products). Orders created
 * more than this long ago cannot still be open, so the history walk may stop there.
 */
const OPEN_ORDER_HORIZON_MS = 60 * 60_000;
/** 5sim's hosting periods, shortest first; a rental is rounded up to the first that covers it. */
const HOSTING_PERIODS: ReadonlyArray<{ hours: number; product: string }> = [
  { hours: 3, product: "3hours" },
  { hours: 24, product: "1day" },
];
const HOSTING_PRODUCTS = new Set(["3hours", "1day", "10days", "1month"]);
const RAW_LIMIT = 300;

/** Names for the best-known products; the rest are the slug with a capital letter. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  aliexpress: "AliExpress",
  amazon: "Amazon",
  apple: "Apple",
  avito: "Avito",
  discord: "Discord",
  ebay: "eBay",
  facebook: "Facebook",
  google: "Google",
  instagram: "Instagram",
  kakaotalk: "KakaoTalk",
  line: "LINE",
  linkedin: "LinkedIn",
  mailru: "Mail.ru",
  microsoft: "Microsoft",
  netflix: "Netflix",
  odnoklassniki: "Odnoklassniki",
  openai: "OpenAI",
  ozon: "Ozon",
  paypal: "PayPal",
  signal: "Signal",
  snapchat: "Snapchat",
  steam: "Steam",
  telegram: "Telegram",
  tiktok: "TikTok",
  tinder: "Tinder",
  twitter: "Twitter",
  uber: "Uber",
  viber: "Viber",
  vkontakte: "VK",
  wechat: "WeChat",
  whatsapp: "WhatsApp",
  wildberries: "Wildberries",
  yahoo: "Yahoo",
  yandex: "Yandex",
};

type FiveSimStatus = "PENDING" | "RECEIVED" | "CANCELED" | "TIMEOUT" | "FINISHED" | "BANNED";
const STATUSES: ReadonlySet<string> = new Set(["PENDING", "RECEIVED", "CANCELED", "TIMEOUT", "FINISHED", "BANNED"]);

/**
 * 5sim answers errors as plain text (HTTP 200 for "no free phones", 4xx for most others).
 * Matched case-insensitively against the start of the trimmed answer.
 */
const KNOWN_ERRORS: ReadonlyArray<{ pattern: RegExp; kind: ProviderFailureKind; message: string }> = [
  { pattern: /^no free phones/, kind: "out_of_stock", message: "no free numbers for this service and country" },
  { pattern: /^not enough user balance/, kind: "no_balance", message: "the operator's 5sim balance is too low" },
  // Rating falls with cancels and timeouts; buying stops until the operator deals with it.
  { pattern: /^not enough rating/, kind: "bad_config", message: "the 5sim account's rating is too low to buy" },
  { pattern: /^(bad country|select country|country is incorrect)/, kind: "bad_config", message: "5sim does not know this country" },
  { pattern: /^(bad operator|select operator)/, kind: "bad_config", message: "5sim does not know this operator" },
  { pattern: /^(no product|bad product|product is incorrect)/, kind: "bad_config", message: "5sim does not know this product" },
  { pattern: /^server offline/, kind: "temporary", message: "5sim's server is offline" },
  { pattern: /^internal error/, kind: "temporary", message: "5sim reported an internal error" },
  { pattern: /limit is \d+ requests per second/, kind: "temporary", message: "5sim rate limit reached" },
  { pattern: /^(order not found|record not found)/, kind: "not_found", message: "5sim does not know this order" },
  { pattern: /^order has sms/, kind: "invalid_state", message: "the order already has an SMS" },
  { pattern: /^order no sms/, kind: "invalid_state", message: "the order has no SMS yet" },
  { pattern: /^hosting order/, kind: "invalid_state", message: "not allowed on a hosting order" },
  // No documented retry time comes with it, so `retryAt` stays unset.
  { pattern: /^you need to wait time/, kind: "early_cancel", message: "5sim refuses to cancel this early" },
  { pattern: /^order (expired|is \w+|already \w+)/, kind: "invalid_state", message: "the order is no longer open" },
];

const smsSchema = z.object({
  id: z.union([z.number(), z.string()]).nullish(),
  created_at: z.string().nullish(),
  date: z.string().nullish(),
  sender: z.string().nullish(),
  text: z.string().nullish(),
  code: z.string().nullish(),
});

const orderSchema = z.object({
  id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  phone: z.string(),
  operator: z.string().nullish(),
  product: z.string(),
  price: z.union([z.number(), z.string()]),
  status: z.string(),
  expires: z.string().nullish(),
  sms: z.array(smsSchema).nullish(),
  created_at: z.string(),
  country: z.string(),
});
type FiveSimOrder = z.infer<typeof orderSchema>;

const ordersPageSchema = z.object({
  Data: z.array(z.unknown()).nullish(),
  Total: z.number().int().nonnegative(),
});

const profileSchema = z.object({ balance: z.union([z.number(), z.string()]) });

const priceEntrySchema = z.object({
  cost: z.union([z.number(), z.string()]),
  count: z.number().int().nonnegative(),
});

const objectSchema = z.record(z.string(), z.unknown());

const countryInfoSchema = z.object({
  text_en: z.string().optional(),
  iso: z.record(z.string(), z.unknown()).optional(),
});

interface CallOptions {
  auth: boolean;
  read: boolean;
}

export function createFiveSimProvider(options: FiveSimOptions): NumberProvider {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const apiKey = options.apiKey;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const operator = options.operator ?? "any";
  const secrets = [apiKey];

  const rawOf = (text: string): string => redact(text, secrets).slice(0, RAW_LIMIT);

  /** One call to 5sim: its JSON answer, or a failure with every known error text mapped. */
  async function call(path: string, opts: CallOptions): Promise<ProviderResult<unknown>> {
    const headers: Record<string, string> = { Accept: "application/json" };
    // Guest endpoints do not need the key, so it is not sent there.
    if (opts.auth) headers.Authorization = `Bearer ${apiKey}`;
    const outcome = await httpCall({
      method: "GET",
      url: baseUrl + path,
      headers,
      timeoutMs,
      retries: opts.read ? READ_RETRIES : 0,
      secrets,
    });
    if (!outcome.ok) {
      const failure = outcome.failure;
      return { ok: false, failure: { ...failure, message: `5sim: ${failure.message}` } };
    }
    const { status, text } = outcome.response;
    if (status === 401) return fail("bad_config", "5sim: the API key was rejected (HTTP 401)");
    if (status === 403) return fail("bad_config", "5sim: access refused (HTTP 403)", { raw: rawOf(text) });

    let parsed: unknown;
    let isJson = false;
    try {
      parsed = JSON.parse(text);
      isJson = true;
    } catch {
      parsed = undefined;
    }
    // An error may come as bare text or, defensively, as a JSON string.
    const errorText = typeof parsed === "string" ? parsed : isJson ? null : text;
    if (errorText !== null) {
      const normalised = errorText.trim().toLowerCase();
      const known = KNOWN_ERRORS.find((entry) => entry.pattern.test(normalised));
      if (known) return fail(known.kind, `5sim: ${known.message}`, { raw: rawOf(text) });
    }
    if (isJson && status >= 200 && status < 300 && parsed !== null && typeof parsed === "object") {
      return ok(parsed);
    }
    return fail("unrecognised", `5sim: unexpected answer (HTTP ${status})`, { raw: rawOf(text) });
  }

  function unrecognised<T>(what: string, value: unknown): ProviderResult<T> {
    let text: string;
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
    return fail("unrecognised", `5sim: ${what}`, { raw: rawOf(text) });
  }

  function parseOrder(value: unknown): ProviderResult<FiveSimOrder> {
    const parsed = orderSchema.safeParse(value);
    if (!parsed.success || !STATUSES.has(parsed.data.status)) return unrecognised("malformed order", value);
    return ok(parsed.data);
  }

  function smsOf(order: FiveSimOrder): ProviderSms[] {
    const list = (order.sms ?? []).map((sms, index) => {
      const text = sms.text ?? "";
      const when = sms.date ?? sms.created_at ?? "";
      const receivedAt = Date.parse(when);
      const id =
        sms.id !== null && sms.id !== undefined
          ? String(sms.id)
          : createHash("sha256").update(`${order.id}\n${when}\n${text}`).digest("hex").slice(0, 16);
      const code = sms.code && sms.code.trim().length > 0 ? sms.code.trim() : null;
      const item: ProviderSms & { index: number } = {
        id,
        text,
        code,
        receivedAt: Number.isFinite(receivedAt) ? receivedAt : 0,
        index,
      };
      if (sms.sender) item.sender = sms.sender;
      return item;
    });
    // Oldest first; 5sim's own order breaks ties.
    list.sort((a, b) => a.receivedAt - b.receivedAt || a.index - b.index);
    return list.map(({ index: _index, ...sms }) => sms);
  }

  function activationState(status: FiveSimStatus, hasSms: boolean): ProviderActivationState {
    switch (status) {
      case "PENDING":
      case "RECEIVED":
        return hasSms ? "received" : "waiting";
      case "CANCELED":
        return "cancelled";
      case "TIMEOUT":
        return "expired";
      case "FINISHED":
        return "finished";
      case "BANNED":
        return "banned";
    }
  }

  function toActivation(order: FiveSimOrder): ProviderResult<ProviderActivation> {
    const costMicros = parseScaled(order.price, 6, "up");
    const phone = order.phone.replace(/\D/g, "");
    if (costMicros === null || phone.length === 0) return unrecognised("malformed order", order);
    const expires = order.expires ? Date.parse(order.expires) : NaN;
    const sms = smsOf(order);
    return ok({
      id: String(order.id),
      phone,
      service: order.product,
      country: order.country,
      costMicros,
      state: activationState(order.status as FiveSimStatus, sms.length > 0),
      sms,
      expiresAt: Number.isFinite(expires) ? expires : null,
    });
  }

  function toRental(order: FiveSimOrder, service: string): ProviderResult<ProviderRental> {
    const costMicros = parseScaled(order.price, 6, "up");
    const phone = order.phone.replace(/\D/g, "");
    const endsAt = order.expires ? Date.parse(order.expires) : NaN;
    if (costMicros === null || phone.length === 0 || !Number.isFinite(endsAt)) {
      return unrecognised("malformed hosting order", order);
    }
    const status = order.status as FiveSimStatus;
    const state: ProviderRental["state"] =
      status === "PENDING" || status === "RECEIVED"
        ? "active"
        : status === "FINISHED"
          ? "finished"
          : status === "TIMEOUT"
            ? "expired"
            : "cancelled";
    return ok({
      id: String(order.id),
      phone,
      service,
      country: order.country,
      costMicros,
      endsAt,
      state,
      sms: smsOf(order),
    });
  }

  /** Order ids are numbers; anything else cannot be a 5sim order (and must not reach the URL). */
  function orderPath(action: string, id: string): string | null {
    return /^\d{1,20}$/.test(id) ? `/user/${action}/${id}` : null;
  }

  async function checkOrder(id: string): Promise<ProviderResult<FiveSimOrder>> {
    const path = orderPath("check", id);
    if (path === null) return fail("not_found", "5sim: not a 5sim order id");
    const answer = await call(path, { auth: true, read: true });
    if (!answer.ok) return answer;
    return aboutOrder(id, parseOrder(answer.value));
  }

  /** An answer about another order than the one asked about is not an answer: never trusted. */
  function aboutOrder(id: string, order: ProviderResult<FiveSimOrder>): ProviderResult<FiveSimOrder> {
    if (!order.ok || String(order.value.id) === id) return order;
    return unrecognised(`the answer about order ${id} is about order ${String(order.value.id)}`, order.value);
  }

  /** finish / cancel / ban: sent once, and successful only if 5sim reports the expected status. */
  async function orderAction(action: "finish" | "cancel" | "ban", id: string, expected: FiveSimStatus): Promise<ProviderResult<void>> {
    const path = orderPath(action, id);
    if (path === null) return fail("not_found", "5sim: not a 5sim order id");
    const answer = await call(path, { auth: true, read: false });
    if (!answer.ok) return answer;
    const order = aboutOrder(id, parseOrder(answer.value));
    if (!order.ok) return order;
    if (order.value.status !== expected) {
      return fail("invalid_state", `5sim: ${action} left the order ${order.value.status}`, {
        raw: rawOf(JSON.stringify(answer.value)),
      });
    }
    return ok(undefined);
  }

  interface OrdersPage {
    orders: FiveSimOrder[];
    /** True when 5sim has more orders after this page. */
    more: boolean;
  }

  async function ordersPage(offset: number): Promise<ProviderResult<OrdersPage>> {
    const query = `category=activation&limit=${ORDERS_PAGE_SIZE}&offset=${offset}&order=id&reverse=true`;
    const answer = await call(`/user/orders?${query}`, { auth: true, read: true });
    if (!answer.ok) return answer;
    const page = ordersPageSchema.safeParse(answer.value);
    if (!page.success) return unrecognised("malformed order history", answer.value);
    const data = page.data.Data ?? [];
    const orders: FiveSimOrder[] = [];
    for (const item of data) {
      const order = parseOrder(item);
      if (!order.ok) return order;
      orders.push(order.value);
    }
    // `Total` decides, not the page length: 5sim may cap `limit` below what we asked for.
    return ok({ orders, more: data.length > 0 && offset + data.length < page.data.Total });
  }

  const createdAt = (order: FiveSimOrder): number => Date.parse(order.created_at);

  /**
   * Walks the activation history newest first, one page at a time, while `olderMayMatter` says
   * orders older than the page's oldest could still be relevant. `complete: false` means the
   * page budget ran out first.
   */
  async function walkOrders(
    visit: (order: FiveSimOrder) => void,
    olderMayMatter: (oldestOnPage: number) => boolean,
  ): Promise<ProviderResult<{ complete: boolean }>> {
    let offset = 0;
    for (let page = 0; page < MAX_ORDER_PAGES; page++) {
      const result = await ordersPage(offset);
      if (!result.ok) return result;
      const { orders, more } = result.value;
      orders.forEach(visit);
      if (!more) return ok({ complete: true });
      const oldest = Math.min(...orders.map(createdAt));
      if (Number.isFinite(oldest) && !olderMayMatter(oldest)) return ok({ complete: true });
      offset += orders.length;
    }
    return ok({ complete: false });
  }

  async function getCountryInfo(): Promise<Map<string, { name?: string; iso2?: string }>> {
    const info = new Map<string, { name?: string; iso2?: string }>();
    // Names only: a failure here must not stop the catalog, so it is ignored.
    const answer = await call("/guest/countries", { auth: false, read: true });
    if (!answer.ok) return info;
    const all = objectSchema.safeParse(answer.value);
    if (!all.success) return info;
    for (const [slug, value] of Object.entries(all.data)) {
      const country = countryInfoSchema.safeParse(value);
      if (!country.success) continue;
      const isoKey = Object.keys(country.data.iso ?? {})[0];
      const entry: { name?: string; iso2?: string } = {};
      if (country.data.text_en && country.data.text_en.trim().length > 0) entry.name = country.data.text_en.trim();
      if (isoKey && /^[a-z]{2}$/i.test(isoKey)) entry.iso2 = isoKey.toUpperCase();
      info.set(slug, entry);
    }
    return info;
  }

  const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  const prettify = (slug: string): string => slug.charAt(0).toUpperCase() + slug.slice(1);

  function countryOf(slug: string, info: { name?: string; iso2?: string } | undefined): CatalogCountry {
    // Our own table first: it is reviewed, and the sanctions check (P3) depends on it.
    const iso2 = fiveSimCountryIso2(slug) ?? info?.iso2 ?? null;
    let name = info?.name;
    if (!name && iso2) {
      try {
        name = regionNames.of(iso2);
      } catch {
        name = undefined;
      }
    }
    return { code: slug, name: name ?? prettify(slug), iso2 };
  }

  return {
    name: "5sim",

    async getCatalog(): Promise<ProviderResult<Catalog>> {
      const answer = await call("/guest/prices", { auth: false, read: true });
      if (!answer.ok) return answer;
      const byCountry = objectSchema.safeParse(answer.value);
      if (!byCountry.success) return unrecognised("malformed price list", answer.value);

      const offers: CatalogOffer[] = [];
      const products = new Set<string>();
      const countrySlugs: string[] = [];
      for (const [country, productsValue] of Object.entries(byCountry.data)) {
        const byProduct = objectSchema.safeParse(productsValue);
        if (!byProduct.success) continue;
        let countryHasOffers = false;
        for (const [product, operatorsValue] of Object.entries(byProduct.data)) {
          if (HOSTING_PRODUCTS.has(product)) continue;
          const byOperator = objectSchema.safeParse(operatorsValue);
          if (!byOperator.success) continue;
          let stock = 0;
          let cheapestInStock: number | null = null;
          let cheapestAny: number | null = null;
          for (const [operatorName, entryValue] of Object.entries(byOperator.data)) {
            if (operator !== "any" && operatorName !== operator) continue;
            const entry = priceEntrySchema.safeParse(entryValue);
            if (!entry.success) continue;
            const cost = parseScaled(entry.data.cost, 6, "up");
            if (cost === null || cost <= 0) continue;
            stock += entry.data.count;
            if (cheapestAny === null || cost < cheapestAny) cheapestAny = cost;
            if (entry.data.count > 0 && (cheapestInStock === null || cost < cheapestInStock)) cheapestInStock = cost;
          }
          // An operator with no numbers does not set the price: nobody could buy at it.
          const costMicros = cheapestInStock ?? cheapestAny;
          if (costMicros === null) continue;
          offers.push({ service: product, country, costMicros, stock });
          products.add(product);
          countryHasOffers = true;
        }
        if (countryHasOffers) countrySlugs.push(country);
      }

      const info = await getCountryInfo();
      const services: CatalogService[] = [...products]
        .sort()
        .map((code) => ({ code, name: SERVICE_NAMES[code] ?? prettify(code) }));
      const countries = countrySlugs.sort().map((slug) => countryOf(slug, info.get(slug)));
      return ok({ services, countries, offers });
    },

    async getBalance(): Promise<ProviderResult<{ micros: number }>> {
      const answer = await call("/user/profile", { auth: true, read: true });
      if (!answer.ok) return answer;
      const profile = profileSchema.safeParse(answer.value);
      const micros = profile.success ? parseScaled(profile.data.balance, 6, "down") : null;
      if (micros === null) return unrecognised("malformed profile", answer.value);
      return ok({ micros });
    },

    async buy(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
      const segments = [request.country, operator, request.service].map(encodeURIComponent).join("/");
      // maxPrice is honoured by 5sim only with operator "any"; with a fixed operator it is ignored.
      const query = request.maxCostMicros !== undefined ? `?maxPrice=${formatScaled(request.maxCostMicros, 6)}` : "";
      const answer = await call(`/user/buy/activation/${segments}${query}`, { auth: true, read: false });
      if (!answer.ok) return answer;
      const order = parseOrder(answer.value);
      if (!order.ok) return order;
      return toActivation(order.value);
    },

    async recoverBuy(request: RecoverBuyRequest): Promise<ProviderResult<ProviderActivation | null>> {
      const from = request.since - RECOVER_SKEW_MS;
      const known = new Set(request.knownIds);
      const candidates: FiveSimOrder[] = [];
      const walked = await walkOrders(
        (order) => {
          if (order.product !== request.service || order.country !== request.country) return;
          if (known.has(String(order.id))) return;
          const created = createdAt(order);
          if (Number.isFinite(created) && created >= from) candidates.push(order);
        },
        (oldest) => oldest >= from,
      );
      if (!walked.ok) return walked;
      // Without having looked back to `since`, neither "none" nor "the oldest" can be trusted.
      if (!walked.value.complete) return fail("temporary", "5sim: too many recent orders to search; try again");
      if (candidates.length === 0) return ok(null);
      candidates.sort((a, b) => createdAt(a) - createdAt(b) || Number(a.id) - Number(b.id));
      const oldest = candidates[0];
      return oldest ? toActivation(oldest) : ok(null);
    },

    async getActivation(id: string): Promise<ProviderResult<ProviderActivation>> {
      const order = await checkOrder(id);
      if (!order.ok) return order;
      return toActivation(order.value);
    },

    async listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>> {
      const horizon = now() - OPEN_ORDER_HORIZON_MS;
      const open: FiveSimOrder[] = [];
      const walked = await walkOrders(
        (order) => {
          if (order.status === "PENDING" || order.status === "RECEIVED") open.push(order);
        },
        (oldest) => oldest >= horizon,
      );
      if (!walked.ok) return walked;
      // Too many recent orders to be sure the list is complete: let the caller check one by one.
      if (!walked.value.complete) return ok(null);
      const activations: ProviderActivation[] = [];
      for (const order of open) {
        const activation = toActivation(order);
        if (!activation.ok) return activation;
        activations.push(activation.value);
      }
      return ok(activations);
    },

    async requestAnotherSms(id: string): Promise<ProviderResult<void>> {
      // 5sim delivers every further SMS to the open order by itself: nothing to send.
      const order = await checkOrder(id);
      if (!order.ok) return order;
      if (order.value.status === "PENDING" || order.value.status === "RECEIVED") return ok(undefined);
      return fail("invalid_state", `5sim: the order is ${order.value.status}; no more SMS can arrive`);
    },

    finish: (id) => orderAction("finish", id, "FINISHED"),
    cancel: (id) => orderAction("cancel", id, "CANCELED"),
    ban: (id) => orderAction("ban", id, "BANNED"),

    // 5sim's hosting numbers last hours, are not sold per service and cannot be extended: renting
    // numbers for days is not offered honestly, so the bot hides it (the methods below stay for tools).
    rentTerms: { offered: false, cancelWindowMs: 0 },

    async recoverRent(): Promise<ProviderResult<ProviderRental | null>> {
      return fail("bad_config", "5sim: renting numbers for days is not offered");
    },

    async quoteExtension(): Promise<ProviderResult<{ costMicros: number }>> {
      return fail("bad_config", "5sim: extending rentals is not supported (hosting orders cannot be extended)");
    },

    async getRentOffers(): Promise<ProviderResult<RentOffer[]>> {
      return fail("bad_config", "5sim: rent offers are not supported (hosting numbers are not sold per service)");
    },

    async rent(request: RentRequest): Promise<ProviderResult<ProviderRental>> {
      const period = Number.isInteger(request.hours) && request.hours > 0
        ? HOSTING_PERIODS.find((p) => request.hours <= p.hours)
        : undefined;
      if (!period) return fail("bad_config", `5sim: rentals of ${request.hours} hours are not supported (at most 24)`);
      const segments = [request.country, operator, period.product].map(encodeURIComponent).join("/");
      const answer = await call(`/user/buy/hosting/${segments}`, { auth: true, read: false });
      if (!answer.ok) return answer;
      const order = parseOrder(answer.value);
      if (!order.ok) return order;
      return toRental(order.value, request.service);
    },

    async getRental(id: string): Promise<ProviderResult<ProviderRental>> {
      const order = await checkOrder(id);
      if (!order.ok) return order;
      // 5sim only knows the hosting period as the order's product; the bot keeps the service.
      return toRental(order.value, order.value.product);
    },

    async extendRental(_id: string, _hours: number): Promise<ProviderResult<ProviderRental>> {
      return fail("bad_config", "5sim: extending rentals is not supported (hosting orders cannot be extended)");
    },

    finishRental: (id) => orderAction("finish", id, "FINISHED"),
    cancelRental: (id) => orderAction("cancel", id, "CANCELED"),
  };
}
