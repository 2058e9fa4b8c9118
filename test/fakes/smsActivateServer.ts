import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatScaled, parseScaled } from "../../src/domain/decimal.ts";
import { rentListHandlers } from "./smsActivateRentList.ts";

/**
 * An in-memory sms-activate host (`/stubs/handler_api.php`) over real HTTP on 127.0.0.1, for the
 * provider's tests and the bot's end-to-end tests.
 *
 * What it models: a balance; a catalog (services, countries, price and stock per pair); one-time
 * activations with a 20-minute life, SMS, the two-minute early-cancel rule, refunds on cancel and
 * on expiry without a code; rentals with SMS, extension and the 20-minute cancel window.
 * Time is a fake clock (`now` option, `setNow`, `advance`); expiry is applied lazily whenever the
 * server is asked anything.
 *
 * Where the real API's behaviour is not documented, the fake picks one and says so here:
 * - cancel (status 8) after an SMS answers BAD_STATUS; finish (6) before any SMS answers BAD_STATUS;
 *   any setStatus on an ended activation answers BAD_STATUS.
 * - `activationStatus` in getActiveActivations is illustrative ("1" waiting, "2" code received,
 *   "3" waiting for another code); `smsText` is a JSON-encoded array of the texts.
 * - timestamps are naive "YYYY-MM-DD HH:MM:SS" in the host's zone (default UTC+3, like
 *   sms-activate); rent end dates are ISO with the offset.
 * - rent cost is linear: `costPerDay * hours / 24`.
 * - Host flavours (`smsListing`): how getActiveActivations and getStatusV2 list an activation's
 *   SMS. "all" (the default, as documented): `smsCode` an array of every code (null for a text
 *   without a code), `smsText` a JSON-encoded array of every text, getStatusV2's `sms` an array of
 *   `{dateTime, code, text}`. "newest": only the newest code and text, as plain strings ("" for no
 *   code), and getStatusV2's `sms` one object. "object": PHP arrays sent as keyed objects
 *   (`{"0": "111", "1": "222"}`), getStatusV2's `sms` too. A call verification (`deliverCall`) is
 *   listed like an SMS in getActiveActivations and as getStatusV2's `call`.
 * - Faults: "timeout" processes the request (an order IS created) and never answers; "http500",
 *   "garbage", "drop" and literal answers are returned INSTEAD of processing (nothing changes).
 * - Push (the protocol's optional webhook): with `pushUrl` set, every activation SMS is also POSTed
 *   there as JSON `{activationId, service, text, code, country, receivedAt}` (receivedAt naive host
 *   time), retried until a 200, at most 8 attempts, 20 ms apart doubling (the real host spreads
 *   them over hours). A rental rented with a `url` (getRentNumber's webhook parameter) gets each of
 *   its SMS POSTed there the same way, as sms-activate documents it:
 *   `{"rentId": "<id>", "sms": {"phoneFrom", "text", "date"}}` (date naive host time, as in
 *   getRentStatus). The bot listens on plain http on a port of its own, so a test says where the
 *   public URL really goes (`routeRentNotices`, a reverse proxy's job: the URL's path is kept).
 */

export type FakeErrorStyle = "text" | "json";

export type FakeFault =
  | "timeout"
  | "http500"
  | "garbage"
  | "drop"
  /** A literal answer, with an optional HTTP status (default 200). */
  | { text: string; status?: number }
  /** A protocol error code ("BANNED:2030-01-01", "ERROR_SQL"), answered in the current error style. */
  | { error: string };

export interface FakeCountry {
  id: string;
  eng: string;
  visible?: boolean;
}

export interface FakeService {
  code: string;
  name: string;
}

export interface FakePrice {
  service: string;
  country: string;
  /** Decimal text or number, in the host's currency: "12.5". */
  cost: string | number;
  count: number;
}

export interface FakeRentPrice {
  service: string;
  country: string;
  costPerDay: string | number;
  count: number;
}

export interface FakeSmsActivateOptions {
  /** The only key accepted; any other gets BAD_KEY. Default "fake-key-0123456789". */
  apiKey?: string;
  /** Default "100". */
  balance?: string | number;
  services?: FakeService[];
  countries?: FakeCountry[];
  prices?: FakePrice[];
  rentPrices?: FakeRentPrice[];
  /** false: getNumberV2 answers BAD_ACTION, like hosts without it. Default true. */
  supportsV2?: boolean;
  /** Errors of the activation API as plain text (default) or as non-200 JSON `{"title":CODE}`. */
  errorStyle?: FakeErrorStyle;
  /** Send numbers in JSON answers as strings ("12.50"), as several hosts do. Default false. */
  numbersAsStrings?: boolean;
  /** A fixed start time (the clock then moves only by setNow/advance), or a clock. Default: real time. */
  now?: number | (() => number);
  /** Default 20 minutes. */
  activationLifetimeMs?: number;
  /** The zone of naive timestamps, minutes east of UTC. Default 180 (Moscow). */
  utcOffsetMinutes?: number;
  /** How the host lists SMS (see the file's comment). Default "all". */
  smsListing?: FakeSmsListing;
  /** false: getActiveActivations answers BAD_ACTION. Default true. */
  supportsActiveList?: boolean;
  /** false: getStatusV2 answers BAD_ACTION. Default true. */
  supportsStatusV2?: boolean;

  /** Where to POST activation SMS notices (see the header). Default: no push. */
  pushUrl?: string;
}

export interface FakePush {
  /** The URL the notice was addressed to (before routing). */
  url: string;
  body: Record<string, unknown>;
  /** HTTP status of each attempt (0: no answer). */
  attempts: number[];
}

export type FakeSmsListing = "all" | "newest" | "object";

export type FakeActivationStatus = "waiting" | "received" | "retry_wait" | "cancelled" | "finished" | "expired";

export interface FakeActivation {
  id: string;
  service: string;
  country: string;
  phone: string;
  costMicros: number;
  status: FakeActivationStatus;
  /** `code` "" is a text without a code; `call` marks a call verification. */
  sms: { text: string; code: string; at?: number; call?: boolean }[];
  createdAt: number;
  orderId: string | null;
  /** Which action created it. */
  via: "getNumber" | "getNumberV2";
}

export type FakeRentalStatus = "active" | "finished" | "cancelled" | "revoked";

export interface FakeRental {
  id: string;
  service: string;
  country: string;
  phone: string;
  costMicros: number;
  status: FakeRentalStatus;
  startedAt: number;
  endsAt: number;
  sms: { phoneFrom: string; text: string; service: string; at: number }[];
  /** getRentNumber's `url`: where this rental's SMS are posted. */
  noticeUrl?: string;
}

export interface FakeRequest {
  action: string;
  /** The api_key the request carried, verbatim ("" when absent). */
  apiKey: string;
  params: Record<string, string>;
}

export interface FakeSmsActivate {
  /** Base URL to configure as PROVIDER_API_URL. */
  url: string;
  apiKey: string;
  close(): Promise<void>;

  now(): number;
  setNow(ms: number): void;
  advance(ms: number): void;

  /** `code` defaults to the first 4-8 digits of the text (or the text); null delivers a text without a code. */
  deliverSms(activationId: string, text: string, code?: string | null): void;
  /** A call verification: the code is in the call, as some hosts offer for some services. */
  deliverCall(activationId: string, code: string, from?: string): void;
  deliverRentSms(rentalId: string, text: string, phoneFrom?: string): void;
  /** Ends a rental from the host's side (carrier dropped the number): getRentStatus says STATUS_REVOKE. */
  revokeRental(rentalId: string): void;
  setStock(service: string, country: string, count: number): void;
  setPrice(service: string, country: string, cost: string | number): void;
  setBalance(amount: string | number): void;
  /** Balance in micros of the host's currency. */
  balanceMicros(): number;
  activations(): FakeActivation[];
  rentals(): FakeRental[];

  /** Requests received for `action` (every action when omitted), faulted ones included. */
  requestCount(action?: string): number;
  requests(): FakeRequest[];
  resetRequests(): void;

  setSupportsV2(supported: boolean): void;
  setSmsListing(listing: FakeSmsListing): void;
  setErrorStyle(style: FakeErrorStyle): void;
  setNumbersAsStrings(on: boolean): void;
  /** The next `times` requests for `action` get `fault` instead of the normal answer. */
  injectFault(action: string, fault: FakeFault, times?: number): void;

  /** Where SMS notices are POSTed (undefined: none). */
  setPushUrl(url: string | undefined): void;
  /** Rental notices addressed to a rental's `url` really go to this origin (e.g. http://127.0.0.1:port), its path kept. */
  routeRentNotices(target: string): void;
  /** Every notice pushed, in order, with its attempts. */
  pushes(): FakePush[];
  /** POSTs notice `index` once more, as a host does when it missed our answer; resolves with the status. */
  repeatPush(index: number): Promise<number>;
  /** Waits until every notice has been answered or given up on. */
  pushesSettled(): Promise<void>;
}

const DEFAULT_SERVICES: FakeService[] = [
  { code: "tg", name: "Telegram" },
  { code: "wa", name: "WhatsApp" },
  { code: "go", name: "Google,youtube,Gmail" },
];

// Iran (57) is listed on purpose: the bot must filter sanctioned countries itself (POLICY P3).
const DEFAULT_COUNTRIES: FakeCountry[] = [
  { id: "0", eng: "Russia" },
  { id: "2", eng: "Kazakhstan" },
  { id: "6", eng: "Indonesia" },
  { id: "16", eng: "United Kingdom" },
  { id: "57", eng: "Iran" },
  { id: "187", eng: "USA" },
];

const DEFAULT_PRICES: FakePrice[] = [
  { service: "tg", country: "0", cost: "25", count: 120 },
  { service: "tg", country: "6", cost: "12.5", count: 40 },
  { service: "tg", country: "16", cost: "31.75", count: 10 },
  { service: "tg", country: "187", cost: "45", count: 5 },
  { service: "tg", country: "57", cost: "9", count: 30 },
  { service: "wa", country: "6", cost: "18", count: 60 },
  { service: "go", country: "2", cost: "7.2", count: 15 },
];

const DEFAULT_RENT_PRICES: FakeRentPrice[] = [
  { service: "tg", country: "0", costPerDay: "80", count: 10 },
  { service: "wa", country: "6", costPerDay: "60", count: 4 },
  { service: "full", country: "0", costPerDay: "150", count: 3 },
];

const PHONE_PREFIX: Record<string, string> = { "0": "7", "2": "7", "6": "62", "16": "44", "57": "98", "187": "1" };
const EARLY_CANCEL_MS = 120_000;
const RENT_CANCEL_WINDOW_MS = 20 * 60_000;
const HOUR_MS = 3_600_000;

function micros(amount: string | number): number {
  const value = parseScaled(amount, 6, "exact");
  if (value === null) throw new Error(`fake sms-activate: not an amount: ${String(amount)}`);
  return value;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export async function startFakeSmsActivate(options: FakeSmsActivateOptions = {}): Promise<FakeSmsActivate> {
  const apiKey = options.apiKey ?? "fake-key-0123456789";
  const lifetimeMs = options.activationLifetimeMs ?? 20 * 60_000;
  const utcOffsetMinutes = options.utcOffsetMinutes ?? 180;
  let supportsV2 = options.supportsV2 ?? true;
  let errorStyle: FakeErrorStyle = options.errorStyle ?? "text";
  let numbersAsStrings = options.numbersAsStrings ?? false;
  let smsListing: FakeSmsListing = options.smsListing ?? "all";
  const supportsActiveList = options.supportsActiveList ?? true;
  const supportsStatusV2 = options.supportsStatusV2 ?? true;

  // Clock: a live source plus an offset, or a fixed time once set.
  const source = typeof options.now === "function" ? options.now : Date.now;
  let fixed: number | null = typeof options.now === "number" ? options.now : null;
  let offset = 0;
  const clock = (): number => fixed ?? source() + offset;

  let balance = micros(options.balance ?? "100");
  const services = [...(options.services ?? DEFAULT_SERVICES)];
  const countries = [...(options.countries ?? DEFAULT_COUNTRIES)];
  const prices = new Map<string, { costMicros: number; count: number }>();
  for (const p of options.prices ?? DEFAULT_PRICES) prices.set(`${p.service}|${p.country}`, { costMicros: micros(p.cost), count: p.count });
  const rentPrices = new Map<string, { perDayMicros: number; count: number }>();
  for (const p of options.rentPrices ?? DEFAULT_RENT_PRICES) {
    rentPrices.set(`${p.service}|${p.country}`, { perDayMicros: micros(p.costPerDay), count: p.count });
  }

  const activations = new Map<string, FakeActivation>();
  const rentals = new Map<string, FakeRental>();
  const orders = new Map<string, string>();
  const log: FakeRequest[] = [];
  const faults = new Map<string, FakeFault[]>();
  const hanging = new Set<ServerResponse>();
  let pushUrl = options.pushUrl;
  let rentNoticeTarget: string | undefined;
  const pushLog: FakePush[] = [];
  const pushing = new Set<Promise<void>>();
  /** Where a notice addressed to `url` really goes: activation notices to pushUrl as it is now, rental ones routed. */
  const destination = (entry: FakePush): string | undefined => {
    if (!("rentId" in entry.body)) return pushUrl;
    if (rentNoticeTarget === undefined) return entry.url;
    const addressed = new URL(entry.url);
    return `${rentNoticeTarget}${addressed.pathname}${addressed.search}`;
  };
  const postNotice = async (entry: FakePush): Promise<number> => {
    const url = destination(entry);
    if (url === undefined) return 0;
    try {
      const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(entry.body) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  };
  const push = (url: string, body: Record<string, unknown>): void => {
    const entry: FakePush = { url, body, attempts: [] };
    pushLog.push(entry);
    const task = (async () => {
      for (let attempt = 0; attempt < 8; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** (attempt - 1)));
        const status = await postNotice(entry);
        entry.attempts.push(status);
        if (status === 200) return;
      }
    })();
    pushing.add(task);
    void task.finally(() => pushing.delete(task));
  };
  let nextActivationId = 500_000_001;
  let nextRentalId = 9_000_001;
  let nextPhone = 1_000_001;

  // --- formatting -------------------------------------------------------------------------------

  const num = (value: number | string): number | string => (numbersAsStrings ? String(value) : value);
  const money = (m: number): number | string => {
    const text = formatScaled(m, 6, 2);
    return numbersAsStrings ? text : Number(text);
  };
  const hostTime = (ms: number): string => {
    const d = new Date(ms + utcOffsetMinutes * 60_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  const hostIsoTime = (ms: number): string => {
    const sign = utcOffsetMinutes >= 0 ? "+" : "-";
    const abs = Math.abs(utcOffsetMinutes);
    return `${hostTime(ms).replace(" ", "T")}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  };
  const newPhone = (country: string): string => `${PHONE_PREFIX[country] ?? "999"}${String(nextPhone++).padStart(10, "0")}`;

  // --- answers ----------------------------------------------------------------------------------

  type Reply = { status: number; body: string; contentType: string };
  const text = (body: string, status = 200): Reply => ({ status, body, contentType: "text/plain; charset=utf-8" });
  const json = (value: unknown, status = 200): Reply => ({ status, body: JSON.stringify(value), contentType: "application/json" });
  /** An activation-API error in the current style. */
  const error = (code: string): Reply => {
    if (errorStyle === "text") return text(code);
    const [title = code, ...rest] = code.split(":");
    const details = rest.length > 0 ? rest.join(":") : title;
    return json({ title, details }, title === "BAD_KEY" ? 401 : 400);
  };
  /** The rent API answers errors as JSON envelopes whatever the style. */
  const rentError = (code: string): Reply => json({ status: "error", message: code });

  // --- state changes ----------------------------------------------------------------------------

  const isOpen = (a: FakeActivation): boolean => a.status === "waiting" || a.status === "received" || a.status === "retry_wait";

  function sweep(): void {
    const t = clock();
    for (const a of activations.values()) {
      if (!isOpen(a) || t < a.createdAt + lifetimeMs) continue;
      if (a.sms.length > 0) a.status = "finished";
      else {
        a.status = "expired";
        balance += a.costMicros; // the host refunds the operator when no code came
      }
    }
    for (const r of rentals.values()) if (r.status === "active" && t >= r.endsAt) r.status = "finished";
  }

  function createActivation(params: Record<string, string>, via: FakeActivation["via"]): FakeActivation | Reply {
    const service = params.service ?? "";
    const country = params.country ?? "0";
    if (!services.some((s) => s.code === service)) return error("BAD_SERVICE");
    const price = prices.get(`${service}|${country}`);
    if (!price || price.count <= 0) return error("NO_NUMBERS");
    if (params.maxPrice !== undefined) {
      const max = parseScaled(params.maxPrice, 6, "down");
      if (max !== null && max < price.costMicros) return error(`WRONG_MAX_PRICE:${formatScaled(price.costMicros, 6, 2)}`);
    }
    if (balance < price.costMicros) return error("NO_BALANCE");
    const orderId = via === "getNumberV2" && params.orderId ? params.orderId : null;
    if (orderId !== null && orders.has(orderId)) return error("ORDER_ALREADY_EXISTS");
    price.count -= 1;
    balance -= price.costMicros;
    const activation: FakeActivation = {
      id: String(nextActivationId++),
      service,
      country,
      phone: newPhone(country),
      costMicros: price.costMicros,
      status: "waiting",
      sms: [],
      createdAt: clock(),
      orderId,
      via,
    };
    activations.set(activation.id, activation);
    if (orderId !== null) orders.set(orderId, activation.id);
    return activation;
  }

  function getNumber(params: Record<string, string>): Reply {
    const created = createActivation(params, "getNumber");
    if (!("id" in created)) return created;
    return text(`ACCESS_NUMBER:${created.id}:${created.phone}`);
  }

  function getNumberV2(params: Record<string, string>): Reply {
    if (!supportsV2) return error("BAD_ACTION");
    const created = createActivation(params, "getNumberV2");
    if (!("id" in created)) return created;
    return json({
      activationId: num(Number(created.id)),
      phoneNumber: created.phone,
      activationCost: money(created.costMicros),
      currency: 643,
      countryCode: created.country,
      canGetAnotherSms: true,
      activationTime: hostTime(created.createdAt),
      activationOperator: "any",
    });
  }

  function getStatus(params: Record<string, string>): Reply {
    const a = activations.get(params.id ?? "");
    if (!a) return error("NO_ACTIVATION");
    const last = a.sms[a.sms.length - 1];
    switch (a.status) {
      case "waiting":
        return text("STATUS_WAIT_CODE");
      case "received":
        return text(`STATUS_OK:${last?.code ?? ""}`);
      case "retry_wait":
        return text(`STATUS_WAIT_RETRY:${last?.code ?? ""}`);
      default:
        return text("STATUS_CANCEL"); // cancelled, finished and expired all look alike
    }
  }

  function setStatus(params: Record<string, string>): Reply {
    const a = activations.get(params.id ?? "");
    if (!a) return error("NO_ACTIVATION");
    if (!isOpen(a)) return error("BAD_STATUS");
    switch (params.status) {
      case "1":
        return text("ACCESS_READY");
      case "3":
        if (a.sms.length === 0) return error("BAD_STATUS");
        a.status = "retry_wait";
        return text("ACCESS_RETRY_GET");
      case "6":
        if (a.sms.length === 0) return error("BAD_STATUS");
        a.status = "finished";
        return text("ACCESS_ACTIVATION");
      case "8":
        if (a.sms.length > 0) return error("BAD_STATUS");
        if (clock() - a.createdAt < EARLY_CANCEL_MS) return error("EARLY_CANCEL_DENIED");
        a.status = "cancelled";
        balance += a.costMicros;
        return text("ACCESS_CANCEL");
      default:
        return error("BAD_STATUS");
    }
  }

  /** A PHP array as this host sends it: a JSON array, or an object keyed by position ("object"). */
  const phpList = <T,>(items: T[]): T[] | Record<string, T> =>
    smsListing === "object" ? Object.fromEntries(items.map((item, i) => [String(i), item])) : items;

  function listedSms(a: FakeActivation): { smsCode: unknown; smsText: unknown } {
    if (a.sms.length === 0) return { smsCode: null, smsText: null };
    const newest = a.sms[a.sms.length - 1];
    if (smsListing === "newest") return { smsCode: newest?.code ?? "", smsText: newest?.text ?? "" };
    const codes = a.sms.map((s) => (s.code === "" ? null : s.code));
    const texts = a.sms.map((s) => s.text);
    return smsListing === "object" ? { smsCode: phpList(codes), smsText: phpList(texts) } : { smsCode: codes, smsText: JSON.stringify(texts) };
  }

  function getStatusV2(params: Record<string, string>): Reply {
    if (!supportsStatusV2) return error("BAD_ACTION");
    const a = activations.get(params.id ?? "");
    if (!a) return error("NO_ACTIVATION");
    if (!isOpen(a)) return text("STATUS_CANCEL");
    if (a.sms.length === 0) return text("STATUS_WAIT_CODE");
    const entry = (s: FakeActivation["sms"][number]) => ({ dateTime: hostTime(s.at ?? a.createdAt), code: s.code === "" ? null : s.code, text: s.text });
    const sms = a.sms.filter((s) => !s.call);
    const calls = a.sms.filter((s) => s.call);
    const newestSms = sms[sms.length - 1];
    const newestCall = calls[calls.length - 1];
    return json({
      verificationType: newestCall ? 2 : 0,
      sms: sms.length === 0 ? null : smsListing === "newest" && newestSms ? entry(newestSms) : phpList(sms.map(entry)),
      call: newestCall ? { from: "79990000000", text: newestCall.text, code: newestCall.code, dateTime: hostTime(newestCall.at ?? a.createdAt), url: null, parsingCount: 1 } : null,
    });
  }

  function getActiveActivations(): Reply {
    if (!supportsActiveList) return error("BAD_ACTION");
    const open = [...activations.values()].filter(isOpen);
    if (open.length === 0) return errorStyle === "text" ? text("NO_ACTIVATIONS") : json({ status: "error", message: "NO_ACTIVATIONS" });
    return json({
      status: "success",
      activeActivations: open.map((a) => ({
        activationId: num(Number(a.id)),
        serviceCode: a.service,
        phoneNumber: a.phone,
        activationCost: money(a.costMicros),
        activationStatus: a.status === "waiting" ? "1" : a.status === "received" ? "2" : "3",
        ...listedSms(a),
        activationTime: hostTime(a.createdAt),
        discount: "0.00",
        repeated: "0",
        countryCode: a.country,
        countryName: countries.find((c) => c.id === a.country)?.eng ?? "",
        canGetAnotherSms: "1",
      })),
    });
  }

  function getPrices(params: Record<string, string>): Reply {
    const out: Record<string, Record<string, { cost: number | string; count: number | string }>> = {};
    for (const [key, p] of prices) {
      const [service = "", country = ""] = key.split("|");
      if (params.service !== undefined && params.service !== service) continue;
      if (params.country !== undefined && params.country !== country) continue;
      (out[country] ??= {})[service] = { cost: money(p.costMicros), count: num(p.count) };
    }
    return json(out);
  }

  function getCountries(): Reply {
    const out: Record<string, unknown> = {};
    for (const c of countries) {
      const visible = c.visible === false ? 0 : 1;
      out[c.id] = { id: num(Number(c.id)), rus: c.eng, eng: c.eng, chn: c.eng, visible, retry: 1, rent: 1, multiService: 1 };
    }
    return json(out);
  }

  // --- rentals ----------------------------------------------------------------------------------

  const rentCost = (perDay: number, hours: number): number => Math.ceil((perDay * hours) / 24);
  const hoursOf = (value: string | undefined): number | null => {
    const hours = Number(value ?? "4");
    return Number.isInteger(hours) && hours > 0 ? hours : null;
  };

  function getRentServicesAndCountries(params: Record<string, string>): Reply {
    const hours = hoursOf(params.rent_time);
    if (hours === null) return rentError("BAD_TIME");
    const country = params.country ?? "0";
    const rentCountries = [...new Set([...rentPrices.keys()].map((k) => k.split("|")[1] ?? ""))];
    const servicesOut: Record<string, { cost: number | string; quant: { current: number | string; total: number | string } }> = {};
    for (const [key, p] of rentPrices) {
      const [service = "", c = ""] = key.split("|");
      if (c !== country) continue;
      servicesOut[service] = { cost: money(rentCost(p.perDayMicros, hours)), quant: { current: num(p.count), total: num(p.count) } };
    }
    return json({
      countries: Object.fromEntries(rentCountries.map((c, i) => [String(i), num(Number(c))])),
      operators: { "0": "any" },
      services: servicesOut,
    });
  }

  function getRentNumber(params: Record<string, string>): Reply {
    const hours = hoursOf(params.rent_time);
    if (hours === null) return rentError("BAD_TIME");
    const service = params.service ?? "";
    const country = params.country ?? "0";
    const price = rentPrices.get(`${service}|${country}`);
    if (!price) return rentError("BAD_SERVICE");
    if (price.count <= 0) return rentError("NO_NUMBERS");
    const cost = rentCost(price.perDayMicros, hours);
    if (balance < cost) return rentError("NO_BALANCE");
    price.count -= 1;
    balance -= cost;
    const t = clock();
    const rental: FakeRental = {
      id: String(nextRentalId++),
      service,
      country,
      phone: newPhone(country),
      costMicros: cost,
      status: "active",
      startedAt: t,
      endsAt: t + hours * HOUR_MS,
      sms: [],
      ...(params.url ? { noticeUrl: params.url } : {}),
    };
    rentals.set(rental.id, rental);
    return json({ status: "success", phone: { id: num(Number(rental.id)), endDate: hostIsoTime(rental.endsAt), number: rental.phone } });
  }

  function getRentStatus(params: Record<string, string>): Reply {
    const r = rentals.get(params.id ?? "");
    if (!r) return rentError("NO_ID_RENT");
    if (r.status === "finished") return rentError("STATUS_FINISH");
    if (r.status === "cancelled") return rentError("STATUS_CANCEL");
    if (r.status === "revoked") return rentError("STATUS_REVOKE");
    if (r.sms.length === 0) return rentError("STATUS_WAIT_CODE");
    return json({
      status: "success",
      quantity: num(r.sms.length),
      values: Object.fromEntries(
        r.sms.map((s, i) => [String(i), { phoneFrom: s.phoneFrom, text: s.text, service: s.service, date: hostTime(s.at) }]),
      ),
    });
  }

  function setRentStatus(params: Record<string, string>): Reply {
    const r = rentals.get(params.id ?? "");
    if (!r) return rentError("NO_ID_RENT");
    if (r.status === "finished") return rentError("ALREADY_FINISH");
    if (r.status === "cancelled" || r.status === "revoked") return rentError("ALREADY_CANCEL");
    if (params.status === "1") {
      r.status = "finished";
      return json({ status: "success" });
    }
    if (params.status === "2") {
      if (clock() - r.startedAt > RENT_CANCEL_WINDOW_MS) return rentError("CANT_CANCEL");
      // Once an SMS came, the number was used: no cancel.
      if (r.sms.length > 0) return rentError("CANT_CANCEL");
      r.status = "cancelled";
      balance += r.costMicros;
      return json({ status: "success" });
    }
    return rentError("INCORECT_STATUS");
  }

  function continueRentNumber(params: Record<string, string>): Reply {
    const r = rentals.get(params.id ?? "");
    if (!r) return rentError("NO_ID_RENT");
    if (r.status !== "active") return rentError("INCORECT_STATUS");
    const hours = hoursOf(params.rent_time);
    if (hours === null) return rentError("BAD_TIME");
    const price = rentPrices.get(`${r.service}|${r.country}`);
    const cost = rentCost(price?.perDayMicros ?? 0, hours);
    if (balance < cost) return rentError("NO_BALANCE");
    balance -= cost;
    r.costMicros += cost;
    r.endsAt += hours * HOUR_MS;
    return json({ status: "success", phone: { id: num(Number(r.id)), endDate: hostIsoTime(r.endsAt), number: r.phone } });
  }

  // --- dispatch ---------------------------------------------------------------------------------

  const handlers: Record<string, (params: Record<string, string>) => Reply> = {
    getBalance: () => text(`ACCESS_BALANCE:${formatScaled(balance, 6, 2)}`),
    getNumber,
    getNumberV2,
    getStatus,
    getStatusV2,
    setStatus,
    getActiveActivations,
    getPrices,
    getCountries,
    getServicesList: () => json({ status: "success", services }),
    getRentServicesAndCountries,
    getRentNumber,
    getRentStatus,
    setRentStatus,
    continueRentNumber,
    ...rentListHandlers({
      rentals: () => rentals.values(),
      perDayMicros: (service, country) => rentPrices.get(`${service}|${country}`)?.perDayMicros,
      json,
      rentError,
      hostIsoTime,
      num,
      money,
    }),
  };

  function answer(params: Record<string, string>): Reply {
    sweep();
    if (params.api_key !== apiKey) return error("BAD_KEY");
    const handler = handlers[params.action ?? ""];
    return handler ? handler(params) : error("BAD_ACTION");
  }

  function send(res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, { "content-type": reply.contentType, "content-length": Buffer.byteLength(reply.body) });
    res.end(reply.body);
  }

  async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) params[k] = v;
    }
    return params;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      if (path !== "/stubs/handler_api.php") return send(res, text("Not Found", 404));
      const params = await readParams(req);
      const action = params.action ?? "";
      const { api_key: key = "", ...rest } = params;
      log.push({ action, apiKey: key, params: rest });

      const queue = faults.get(action);
      const fault = queue?.shift();
      if (queue && queue.length === 0) faults.delete(action);
      if (fault === undefined) return send(res, answer(params));
      if (fault === "timeout") {
        answer(params); // the order is placed; only the answer is lost
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if (fault === "drop") return req.socket.destroy();
      if (fault === "http500") return send(res, text("Internal Server Error", 500));
      if (fault === "garbage") return send(res, text("<html><body>502 Bad Gateway \u0000\u00ff garbage", 200));
      if ("text" in fault) return send(res, text(fault.text, fault.status ?? 200));
      return send(res, error(fault.error));
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, text(`fake crashed: ${e instanceof Error ? e.message : String(e)}`, 500));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const mustActivation = (id: string): FakeActivation => {
    const a = activations.get(id);
    if (!a) throw new Error(`fake sms-activate: no activation ${id}`);
    return a;
  };
  const mustRental = (id: string): FakeRental => {
    const r = rentals.get(id);
    if (!r) throw new Error(`fake sms-activate: no rental ${id}`);
    return r;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },

    now: clock,
    setNow: (ms) => {
      fixed = ms;
    },
    advance: (ms) => {
      if (fixed !== null) fixed += ms;
      else offset += ms;
    },

    deliverSms: (activationId, smsText, code) => {
      sweep();
      const a = mustActivation(activationId);
      if (!isOpen(a)) throw new Error(`fake sms-activate: activation ${activationId} is ${a.status}`);
      const sms = { text: smsText, code: code === null ? "" : (code ?? /\d{4,8}/.exec(smsText)?.[0] ?? smsText), at: clock() };
      a.sms.push(sms);
      a.status = "received";
      if (pushUrl !== undefined) {
        push(pushUrl, { activationId: a.id, service: a.service, text: sms.text, code: sms.code, country: a.country, receivedAt: hostTime(clock()) });
      }
    },
    deliverCall: (activationId, code, from = "79990000000") => {
      sweep();
      const a = mustActivation(activationId);
      if (!isOpen(a)) throw new Error(`fake sms-activate: activation ${activationId} is ${a.status}`);
      a.sms.push({ text: `Call from +${from}`, code, at: clock(), call: true });
      a.status = "received";
    },
    deliverRentSms: (rentalId, smsText, phoneFrom = "Telegram") => {
      sweep();
      const r = mustRental(rentalId);
      if (r.status !== "active") throw new Error(`fake sms-activate: rental ${rentalId} is ${r.status}`);
      const sms = { phoneFrom, text: smsText, service: r.service, at: clock() };
      r.sms.push(sms);
      if (r.noticeUrl !== undefined) push(r.noticeUrl, { rentId: r.id, sms: { phoneFrom: sms.phoneFrom, text: sms.text, date: hostTime(sms.at) } });
    },
    revokeRental: (rentalId) => {
      const r = mustRental(rentalId);
      r.status = "revoked";
      balance += r.costMicros;
    },
    setStock: (service, country, count) => {
      const key = `${service}|${country}`;
      const p = prices.get(key);
      if (p) p.count = count;
      else prices.set(key, { costMicros: micros("1"), count });
    },
    setPrice: (service, country, cost) => {
      const key = `${service}|${country}`;
      const p = prices.get(key);
      if (p) p.costMicros = micros(cost);
      else prices.set(key, { costMicros: micros(cost), count: 0 });
    },
    setBalance: (amount) => {
      balance = micros(amount);
    },
    balanceMicros: () => {
      sweep();
      return balance;
    },
    activations: () => {
      sweep();
      return [...activations.values()].map((a) => ({ ...a, sms: a.sms.map((s) => ({ ...s })) }));
    },
    rentals: () => {
      sweep();
      return [...rentals.values()].map((r) => ({ ...r, sms: r.sms.map((s) => ({ ...s })) }));
    },

    requestCount: (action) => (action === undefined ? log.length : log.filter((r) => r.action === action).length),
    requests: () => log.map((r) => ({ ...r, params: { ...r.params } })),
    resetRequests: () => {
      log.length = 0;
    },

    setSupportsV2: (supported) => {
      supportsV2 = supported;
    },
    setSmsListing: (listing) => {
      smsListing = listing;
    },
    setErrorStyle: (style) => {
      errorStyle = style;
    },
    setNumbersAsStrings: (on) => {
      numbersAsStrings = on;
    },
    setPushUrl: (url) => {
      pushUrl = url;
    },
    routeRentNotices: (target) => {
      rentNoticeTarget = target.replace(/\/+$/, "");
    },
    pushes: () => pushLog.map((p) => ({ url: p.url, body: structuredClone(p.body), attempts: [...p.attempts] })),
    repeatPush: async (index) => {
      const entry = pushLog[index];
      if (!entry) throw new Error(`fake sms-activate: no push ${index}`);
      const status = await postNotice(entry);
      entry.attempts.push(status);
      return status;
    },
    pushesSettled: async () => {
      while (pushing.size > 0) await Promise.allSettled([...pushing]);
    },
    injectFault: (action, fault, times = 1) => {
      const queue = faults.get(action) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(action, queue);
    },
  };
}
