import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An in-memory model of the 5sim.net REST API (v1), served over real HTTP on 127.0.0.1, for the
 * provider's tests and the bot's end-to-end tests.
 *
 * What it models: a balance (RUB), prices and stock per (country, product, operator), activation
 * and hosting orders with their SMS, a clock (orders time out after 15 minutes; an expired order
 * with an SMS ends FINISHED, one without ends TIMEOUT and is refunded), the plain-text errors,
 * the order history with limit/offset paging, and faults on demand.
 *
 * Faults (`injectFault(pathPrefix, fault, times)`), matched on the path after `/v1`:
 * - "timeout": the request IS processed (a buy creates its order, a cancel cancels) but the
 *   answer is never sent; the connection hangs until the client gives up or `close()`.
 * - "http500", "garbage", { status, text }: answered instead of processing the request.
 * - "drop": the socket is destroyed before the request is processed.
 *
 * Texts this fake invents where 5sim's documentation is silent: the refusals of finish, cancel
 * and ban on an ended order ("order expired", "order is canceled", "order is finished",
 * "order is banned").
 */

export type FiveSimStatus = "PENDING" | "RECEIVED" | "CANCELED" | "TIMEOUT" | "FINISHED" | "BANNED";
export type FiveSimFault = "timeout" | "http500" | "garbage" | "drop" | { status?: number; text: string };

export interface FakePrice {
  country: string;
  /** An activation product ("telegram") or a hosting period ("3hours", "1day"). */
  product: string;
  operator: string;
  /** RUB, as 5sim gives it (a float). */
  cost: number;
  count: number;
}

export interface FakeCountry {
  name: string;
  iso2: string;
  /** Dialling prefix without "+", e.g. "7". */
  prefix: string;
}

export interface FakeSms {
  createdAt: number;
  date: number;
  sender: string;
  text: string;
  code: string;
}

export interface FakeFiveSimOrder {
  id: number;
  category: "activation" | "hosting";
  country: string;
  operator: string;
  product: string;
  phone: string;
  priceMicros: number;
  status: FiveSimStatus;
  createdAt: number;
  expiresAt: number;
  sms: FakeSms[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. "/v1/user/check/5". */
  url: string;
  authorization: string | undefined;
}

export interface FakeFiveSimOptions {
  apiKey?: string;
  /** RUB; default 1000. */
  balance?: number;
  /** Base clock; `advance()` adds to it. Default Date.now. */
  now?: () => number;
  /** Replaces the default price list (activation and hosting products alike). */
  prices?: FakePrice[];
  countries?: Record<string, FakeCountry>;
  /** Activation lifetime; default 15 minutes. */
  orderLifetimeMs?: number;
  /** The most orders one history page returns, whatever `limit` asks; default 100. */
  maxPageSize?: number;
}

export interface FakeFiveSim {
  /** Base URL, ending with "/v1". */
  readonly url: string;
  readonly apiKey: string;
  close(): Promise<void>;
  now(): number;
  advance(ms: number): void;
  balance(): number;
  setBalance(rub: number): void;
  /** Adds or replaces one price line. */
  setPrice(price: FakePrice): void;
  setStock(country: string, product: string, operator: string, count: number): void;
  stock(country: string, product: string, operator: string): number;
  /** Delivers an SMS to an open order; the code is taken from the text when not given. */
  deliverSms(orderId: number | string, text: string, code?: string, sender?: string): void;
  /** Forces an order into any status (for status-mapping tests). */
  setOrderStatus(orderId: number | string, status: FiveSimStatus): void;
  orders(): FakeFiveSimOrder[];
  order(orderId: number | string): FakeFiveSimOrder | undefined;
  /** Requests received whose path after "/v1" starts with the prefix (all when omitted). */
  requestCount(pathPrefix?: string): number;
  requests(): RecordedRequest[];
  /** Every Authorization header received, in order (undefined when absent). */
  authorizationHeaders(): Array<string | undefined>;
  injectFault(pathPrefix: string, fault: FiveSimFault, times?: number): void;
}

const MINUTE = 60_000;
const HOSTING_HOURS: Readonly<Record<string, number>> = { "3hours": 3, "1day": 24 };

export const DEFAULT_FAKE_PRICES: readonly FakePrice[] = [
  { country: "russia", product: "telegram", operator: "virtual18", cost: 20, count: 100 },
  { country: "russia", product: "telegram", operator: "mts", cost: 25.5, count: 40 },
  { country: "russia", product: "whatsapp", operator: "beeline", cost: 30, count: 10 },
  { country: "russia", product: "3hours", operator: "virtual18", cost: 10, count: 20 },
  { country: "russia", product: "1day", operator: "virtual18", cost: 40, count: 20 },
  { country: "england", product: "telegram", operator: "virtual4", cost: 17.15, count: 5 },
  { country: "kazakhstan", product: "telegram", operator: "altel", cost: 12, count: 7 },
  { country: "usa", product: "google", operator: "virtual12", cost: 12.5, count: 0 },
];

export const DEFAULT_FAKE_COUNTRIES: Readonly<Record<string, FakeCountry>> = {
  russia: { name: "Russia", iso2: "RU", prefix: "7" },
  england: { name: "England", iso2: "GB", prefix: "44" },
  kazakhstan: { name: "Kazakhstan", iso2: "KZ", prefix: "7" },
  usa: { name: "USA", iso2: "US", prefix: "1" },
};

interface Reply {
  status: number;
  body: string;
  json: boolean;
}

const text = (status: number, body: string): Reply => ({ status, body, json: false });
const json = (value: unknown): Reply => ({ status: 200, body: JSON.stringify(value), json: true });

export async function startFakeFiveSim(options: FakeFiveSimOptions = {}): Promise<FakeFiveSim> {
  const apiKey = options.apiKey ?? `fake5sim.${randomBytes(12).toString("hex")}`;
  const baseNow = options.now ?? Date.now;
  const lifetimeMs = options.orderLifetimeMs ?? 15 * MINUTE;
  const maxPageSize = options.maxPageSize ?? 100;
  const countries: Record<string, FakeCountry> = { ...DEFAULT_FAKE_COUNTRIES, ...options.countries };
  let offset = 0;
  let balanceMicros = toMicros(options.balance ?? 1000);
  let nextOrderId = 500_000_001;
  const prices = new Map<string, FakePrice>();
  const orders = new Map<number, FakeFiveSimOrder>();
  const recorded: RecordedRequest[] = [];
  const faults: Array<{ prefix: string; fault: FiveSimFault; remaining: number }> = [];

  const now = (): number => baseNow() + offset;
  const priceKey = (country: string, product: string, operator: string): string => `${country}\n${product}\n${operator}`;
  for (const price of options.prices ?? DEFAULT_FAKE_PRICES) {
    prices.set(priceKey(price.country, price.product, price.operator), { ...price });
  }

  function toMicros(rub: number): number {
    return Math.round(rub * 1_000_000);
  }

  /** Ends every order whose time is up, as 5sim does on its own. */
  function sweep(): void {
    const t = now();
    for (const order of orders.values()) {
      if ((order.status !== "PENDING" && order.status !== "RECEIVED") || order.expiresAt > t) continue;
      if (order.category === "hosting" || order.sms.length > 0) {
        order.status = "FINISHED";
      } else {
        order.status = "TIMEOUT";
        balanceMicros += order.priceMicros;
      }
    }
  }

  const iso = (ms: number): string => new Date(ms).toISOString();

  function orderJson(order: FakeFiveSimOrder, statusOverride?: FiveSimStatus): Record<string, unknown> {
    return {
      id: order.id,
      phone: `+${order.phone}`,
      operator: order.operator,
      product: order.product,
      price: order.priceMicros / 1_000_000,
      status: statusOverride ?? order.status,
      expires: iso(order.expiresAt),
      sms:
        order.sms.length === 0
          ? null
          : order.sms.map((sms) => ({
              created_at: iso(sms.createdAt),
              date: iso(sms.date),
              sender: sms.sender,
              text: sms.text,
              code: sms.code,
            })),
      created_at: iso(order.createdAt),
      forwarding: false,
      forwarding_number: "",
      country: order.country,
    };
  }

  function findOrder(id: number | string): FakeFiveSimOrder {
    const order = orders.get(Number(id));
    if (!order) throw new Error(`fake 5sim: no order ${id}`);
    return order;
  }

  const isOpen = (order: FakeFiveSimOrder): boolean => order.status === "PENDING" || order.status === "RECEIVED";

  function endedText(order: FakeFiveSimOrder): Reply {
    switch (order.status) {
      case "TIMEOUT":
        return text(400, "order expired");
      case "CANCELED":
        return text(400, "order is canceled");
      case "FINISHED":
        return text(400, "order is finished");
      default:
        return text(400, "order is banned");
    }
  }

  function buy(category: "activation" | "hosting", country: string, operator: string, product: string, maxPrice: string | null): Reply {
    const lines = [...prices.values()].filter((p) => p.country === country);
    if (lines.length === 0 || !countries[country]) return text(400, "bad country");
    const isHosting = Object.hasOwn(HOSTING_HOURS, product);
    if (isHosting !== (category === "hosting")) return text(400, "no product");
    const forProduct = lines.filter((p) => p.product === product);
    if (forProduct.length === 0) return text(400, "no product");
    if (operator !== "any" && !forProduct.some((p) => p.operator === operator)) return text(400, "bad operator");
    const limit = maxPrice !== null && operator === "any" ? Number(maxPrice) : Infinity;
    const candidates = forProduct
      .filter((p) => (operator === "any" || p.operator === operator) && p.count > 0 && p.cost <= limit)
      .sort((a, b) => a.cost - b.cost);
    const chosen = candidates[0];
    if (!chosen) return text(200, "no free phones");
    const priceMicros = toMicros(chosen.cost);
    if (balanceMicros < priceMicros) return text(400, "not enough user balance");
    chosen.count -= 1;
    balanceMicros -= priceMicros;
    const id = nextOrderId++;
    const createdAt = now();
    const prefix = countries[country]?.prefix ?? "999";
    const order: FakeFiveSimOrder = {
      id,
      category,
      country,
      operator: chosen.operator,
      product,
      phone: `${prefix}${String(9_000_000_000 + (id % 1_000_000_000))}`,
      priceMicros,
      status: "PENDING",
      createdAt,
      expiresAt: createdAt + (isHosting ? (HOSTING_HOURS[product] ?? 1) * 60 * MINUTE : lifetimeMs),
      sms: [],
    };
    orders.set(id, order);
    const reply = json(orderJson(order));
    // The buy answers PENDING; by the next check the number is ready ("waiting for SMS").
    order.status = "RECEIVED";
    return reply;
  }

  function orderAction(action: string, id: string): Reply {
    const order = /^\d+$/.test(id) ? orders.get(Number(id)) : undefined;
    if (!order) return text(404, "order not found");
    if (action === "check") return json(orderJson(order));
    if (!isOpen(order)) return endedText(order);
    switch (action) {
      case "finish":
        if (order.category === "activation" && order.sms.length === 0) return text(400, "order no sms");
        order.status = "FINISHED";
        return json(orderJson(order));
      case "cancel":
        if (order.sms.length > 0) return text(400, "order has sms");
        order.status = "CANCELED";
        balanceMicros += order.priceMicros;
        return json(orderJson(order));
      case "ban":
        if (order.category === "hosting") return text(400, "hosting order");
        if (order.sms.length > 0) return text(400, "order has sms");
        order.status = "BANNED";
        balanceMicros += order.priceMicros;
        return json(orderJson(order));
      default:
        return text(404, "not found");
    }
  }

  function orderHistory(query: URLSearchParams): Reply {
    const category = query.get("category");
    if (category !== "activation" && category !== "hosting") return text(400, "bad category");
    const limit = Math.min(Math.max(Number(query.get("limit") ?? "15") || 15, 1), maxPageSize);
    const skip = Math.max(Number(query.get("offset") ?? "0") || 0, 0);
    const reverse = query.get("reverse") === "true";
    const all = [...orders.values()].filter((o) => o.category === category).sort((a, b) => a.id - b.id);
    if (reverse) all.reverse();
    return json({
      Data: all.slice(skip, skip + limit).map((o) => orderJson(o)),
      ProductNames: [],
      Statuses: [],
      Total: all.length,
    });
  }

  function guestPrices(query: URLSearchParams): Reply {
    const country = query.get("country");
    const product = query.get("product");
    const out: Record<string, Record<string, Record<string, Record<string, number>>>> = {};
    for (const p of prices.values()) {
      if ((country && p.country !== country) || (product && p.product !== product)) continue;
      // Filtered by product only, 5sim puts the product first.
      const [outer, inner] = product && !country ? [p.product, p.country] : [p.country, p.product];
      const level1 = (out[outer] ??= {});
      const level2 = (level1[inner] ??= {});
      level2[p.operator] = { cost: p.cost, count: p.count, rate: 90 };
    }
    return json(out);
  }

  function guestCountries(): Reply {
    const out: Record<string, unknown> = {};
    for (const [slug, c] of Object.entries(countries)) {
      const operators: Record<string, { activation: number }> = {};
      for (const p of prices.values()) if (p.country === slug) operators[p.operator] = { activation: 1 };
      out[slug] = {
        iso: { [c.iso2.toLowerCase()]: 1 },
        prefix: { [`+${c.prefix}`]: 1 },
        text_en: c.name,
        text_ru: c.name,
        ...operators,
      };
    }
    return json(out);
  }

  function guestProducts(country: string, operator: string): Reply {
    const out: Record<string, { Category: string; Qty: number; Price: number }> = {};
    for (const p of prices.values()) {
      if ((country !== "any" && p.country !== country) || (operator !== "any" && p.operator !== operator)) continue;
      const entry = (out[p.product] ??= {
        Category: Object.hasOwn(HOSTING_HOURS, p.product) ? "hosting" : "activation",
        Qty: 0,
        Price: p.cost,
      });
      entry.Qty += p.count;
      entry.Price = Math.min(entry.Price, p.cost);
    }
    return json(out);
  }

  function route(method: string, path: string, query: URLSearchParams, authorization: string | undefined): Reply {
    if (method !== "GET") return text(405, "method not allowed");
    sweep();
    const parts = path.split("/").filter((s) => s.length > 0).map(decodeURIComponent);
    if (parts[0] === "guest") {
      if (parts[1] === "prices" && parts.length === 2) return guestPrices(query);
      if (parts[1] === "countries" && parts.length === 2) return guestCountries();
      if (parts[1] === "products" && parts.length === 4) return guestProducts(parts[2] ?? "", parts[3] ?? "");
      return text(404, "not found");
    }
    if (parts[0] !== "user") return text(404, "not found");
    if (authorization !== `Bearer ${apiKey}`) return text(401, "");
    if (parts[1] === "profile" && parts.length === 2) {
      return json({
        id: 1,
        email: "operator@example.com",
        vendor: "",
        default_forwarding_number: "",
        balance: balanceMicros / 1_000_000,
        rating: 96,
        default_country: { name: "russia", iso: "ru", prefix: "+7" },
        default_operator: { name: "any" },
        frozen_balance: 0,
      });
    }
    if (parts[1] === "buy" && parts.length === 6 && (parts[2] === "activation" || parts[2] === "hosting")) {
      return buy(parts[2], parts[3] ?? "", parts[4] ?? "", parts[5] ?? "", query.get("maxPrice"));
    }
    if (parts[1] === "orders" && parts.length === 2) return orderHistory(query);
    if (parts[1] === "sms" && parts[2] === "inbox" && parts.length === 4) {
      const order = orders.get(Number(parts[3]));
      if (!order) return text(404, "order not found");
      const data = (orderJson(order).sms as unknown[] | null) ?? [];
      return json({ Data: data, Total: data.length });
    }
    if (parts.length === 3 && ["check", "finish", "cancel", "ban"].includes(parts[1] ?? "")) {
      return orderAction(parts[1] ?? "", parts[2] ?? "");
    }
    return text(404, "not found");
  }

  function takeFault(path: string): FiveSimFault | null {
    const index = faults.findIndex((f) => f.remaining > 0 && path.startsWith(f.prefix));
    const entry = faults[index];
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining === 0) faults.splice(index, 1);
    return entry.fault;
  }

  function send(res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, { "Content-Type": reply.json ? "application/json" : "text/plain; charset=utf-8" });
    res.end(reply.body);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? "/";
    const authHeader = req.headers.authorization;
    recorded.push({ method: req.method ?? "", url: rawUrl, authorization: authHeader });
    const parsed = new URL(rawUrl, "http://127.0.0.1");
    if (!parsed.pathname.startsWith("/v1/")) {
      send(res, text(404, "not found"));
      return;
    }
    const path = parsed.pathname.slice(3);
    const fault = takeFault(path);
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault === "http500") return send(res, text(500, "Internal Server Error"));
    if (fault === "garbage") return send(res, { status: 200, body: "<html>\u0000\u00ff garbage {", json: false });
    if (fault !== null && typeof fault === "object") return send(res, text(fault.status ?? 200, fault.text));
    const reply = route(req.method ?? "", path, parsed.searchParams, authHeader);
    // A timeout loses the answer, not the effect: the order exists, the client never hears of it.
    if (fault === "timeout") return;
    send(res, reply);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const stripV1 = (prefix: string): string => (prefix.startsWith("/v1/") ? prefix.slice(3) : prefix);

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging "timeout" requests would keep the server open forever.
        server.closeAllConnections();
      }),
    now,
    advance(ms) {
      offset += ms;
    },
    balance: () => balanceMicros / 1_000_000,
    setBalance(rub) {
      balanceMicros = toMicros(rub);
    },
    setPrice(price) {
      prices.set(priceKey(price.country, price.product, price.operator), { ...price });
    },
    setStock(country, product, operator, count) {
      const line = prices.get(priceKey(country, product, operator));
      if (!line) throw new Error(`fake 5sim: no price for ${country}/${product}/${operator}; use setPrice`);
      line.count = count;
    },
    stock: (country, product, operator) => prices.get(priceKey(country, product, operator))?.count ?? 0,
    deliverSms(orderId, smsText, code, sender) {
      sweep();
      const order = findOrder(orderId);
      if (!isOpen(order)) throw new Error(`fake 5sim: order ${orderId} is ${order.status}`);
      const t = now();
      const extracted = code ?? /\b\d{4,8}\b/.exec(smsText)?.[0] ?? "";
      order.sms.push({ createdAt: t, date: t, sender: sender ?? order.product, text: smsText, code: extracted });
      order.status = "RECEIVED";
    },
    setOrderStatus(orderId, status) {
      findOrder(orderId).status = status;
    },
    orders() {
      sweep();
      return [...orders.values()].map((o) => ({ ...o, sms: o.sms.map((s) => ({ ...s })) }));
    },
    order(orderId) {
      sweep();
      const o = orders.get(Number(orderId));
      return o ? { ...o, sms: o.sms.map((s) => ({ ...s })) } : undefined;
    },
    requestCount(pathPrefix) {
      const prefix = pathPrefix === undefined ? "/" : stripV1(pathPrefix);
      return recorded.filter((r) => new URL(r.url, "http://127.0.0.1").pathname.slice(3).startsWith(prefix)).length;
    },
    requests: () => recorded.map((r) => ({ ...r })),
    authorizationHeaders: () => recorded.map((r) => r.authorization),
    injectFault(pathPrefix, fault, times = 1) {
      faults.push({ prefix: stripV1(pathPrefix), fault, remaining: times });
    },
  };
}
