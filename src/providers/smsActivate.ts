import { createHash } from "node:crypto";
import { z } from "zod";
import { formatScaled, parseScaled } from "../domain/decimal.ts";
import { httpCall, redact } from "./http.ts";
import { smsActivateCountry } from "./smsActivateCountries.ts";
import { fail, ok } from "./types.ts";
import type {
  BuyRequest,
  Catalog,
  CatalogCountry,
  CatalogOffer,
  CatalogService,
  NumberProvider,
  ProviderActivation,
  ProviderFailure,
  ProviderFailureKind,
  ProviderRental,
  ProviderResult,
  ProviderSms,
  RecoverBuyRequest,
  RentOffer,
  RentRequest,
} from "./types.ts";

/**
 * The sms-activate `handler_api.php` protocol (sms-activate, HeroSMS, Grizzly, SMSHub and other
 * compatible hosts) behind the NumberProvider interface.
 *
 * Choices the protocol leaves open, made here once:
 * - `getActivation` asks `getStatus` (the authoritative state and latest code) and, while the
 *   activation is open, `getActiveActivations` (phone, service, country, cost, full SMS texts).
 *   Once the host says STATUS_CANCEL the activation is no longer listed: phone, service and
 *   country come back empty and the cost 0; the caller's own record is authoritative for them.
 * - SMS ids are derived from the activation id, the code (or the text when there is no code)
 *   and how many earlier SMS had the same code, so the same SMS gets the same id whether it was
 *   seen through getStatus (code only) or getActiveActivations (full text). `receivedAt` is when
 *   we first saw it in this answer: the protocol carries no SMS time for activations.
 * - The open state comes from the SMS present (code -> received), not from `activationStatus`,
 *   whose numeric values hosts do not document consistently.
 * - Naive timestamps ("2024-05-01 12:00:00") are read in the host's zone, Moscow time by default
 *   (`serverUtcOffsetMinutes`); timestamps with an explicit offset are read as given.
 * - Rentals: the protocol returns the phone and end date only when renting or extending, so
 *   `getRental` fills phone, service, country, cost and end from what this process saw then, and
 *   leaves them empty (0) otherwise. Rental cost is not in the rent answer either: it is the cost
 *   last seen in `getRentOffers` for that service, country and period, or 0.
 */

export interface SmsActivateOptions {
  /** PROVIDER_API_URL: the host (".../stubs/handler_api.php" is appended unless already there). */
  baseUrl: string;
  apiKey: string;
  /** Per HTTP attempt. Default 15 s. */
  timeoutMs?: number;
  now?: () => number;
  /** Zone of the host's timestamps that carry no offset, in minutes east of UTC. Default +180 (Moscow). */
  serverUtcOffsetMinutes?: number;
  /** Rental periods to offer, in hours. Default one day. */
  rentHours?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 15_000;
const READ_RETRIES = 2;
/** Activation times are the host's clock; ours may differ by this much. */
const CLOCK_SKEW_MS = 60_000;
/** The protocol refuses a cancel in an activation's first two minutes. */
const EARLY_CANCEL_WINDOW_MS = 120_000;
/** Default activation lifetime, used only to bound the search after ORDER_ALREADY_EXISTS. */
const ACTIVATION_LIFETIME_MS = 20 * 60_000;
const RAW_LIMIT = 300;
const MEMORY_LIMIT = 5_000;
const RENT_OFFER_CONCURRENCY = 4;
const HOUR_MS = 3_600_000;

/**
 * Actions that change nothing upstream: only these are ever retried. Everything else (buy,
 * setStatus, rent) is sent exactly once, because a repeat could buy or cancel twice.
 */
const READ_ACTIONS: ReadonlySet<string> = new Set([
  "getStatus",
  "getActiveActivations",
  "getBalance",
  "getPrices",
  "getCountries",
  "getServicesList",
  "getRentStatus",
  "getRentServicesAndCountries",
]);

/** Answers meaning "this host does not have that action". */
const UNKNOWN_ACTION_CODES: ReadonlySet<string> = new Set(["BAD_ACTION", "NO_ACTION", "WRONG_ACTION", "UNKNOWN_ACTION"]);

/** The handler URL for a configured base: trailing slashes dropped, the script path added once. */
export function handlerUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, "");
  return /\/stubs\/handler_api\.php$/i.test(trimmed) ? trimmed : `${trimmed}/stubs/handler_api.php`;
}

// ---------------------------------------------------------------------------------------------
// Reading answers

/** One answer, before any action gives it a meaning. */
interface Answer {
  status: number;
  /** The body, trimmed; only ever leaves this module redacted. */
  body: string;
  /** The parsed body when it is JSON (object or array); undefined otherwise. */
  json: unknown;
  /** The protocol code: head of "CODE:detail" text, or the code of a JSON error envelope. */
  code: string | null;
  /** Everything after the code's first ':' (or the envelope's details). */
  detail: string | null;
  /** A JSON error envelope or a non-2xx status: never a success, whatever the code says. */
  error: boolean;
}

const CODE_PATTERN = /^([A-Z][A-Z0-9_]*)(?::([\s\S]*))?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function readText(status: number, body: string): Answer {
  const match = CODE_PATTERN.exec(body);
  return { status, body, json: undefined, code: match?.[1] ?? null, detail: match?.[2] ?? null, error: status >= 400 };
}

/** Reads any of the shapes hosts use: "CODE:detail", JSON, `{"title":CODE}`, `{"status":"error","message":CODE}`. */
export function readAnswer(status: number, text: string): Answer {
  const body = text.trim();
  let json: unknown;
  if (/^[[{"]/.test(body)) {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  if (typeof json === "string") return { ...readText(status, json.trim()), body };
  if (json === undefined || json === null || typeof json !== "object") return readText(status, body);
  if (!isRecord(json)) return { status, body, json, code: null, detail: null, error: status >= 400 };

  const titled = typeof json.title === "string" && CODE_PATTERN.test(json.title.trim());
  const isError = json.status === "error" || titled || status >= 400;
  if (!isError) return { status, body, json, code: null, detail: null, error: false };
  const message = [json.message, json.title, json.error, json.msg].map(scalarText).find((v) => v !== null) ?? null;
  const match = message === null ? null : CODE_PATTERN.exec(message.trim());
  const extra = [json.details, json.info, json.data].map(scalarText).find((v) => v !== null) ?? null;
  return { status, body, json, code: match?.[1] ?? null, detail: match?.[2] ?? extra, error: true };
}

// ---------------------------------------------------------------------------------------------
// Shapes, parsed defensively: hosts send numbers as strings and objects where lists are expected.

const IdText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const Amount = z.union([z.number(), z.string()]);
const Time = z.union([z.string(), z.number()]);

const NumberV2Schema = z.object({
  activationId: IdText,
  phoneNumber: IdText,
  activationCost: Amount.optional(),
  countryCode: IdText.optional(),
  activationTime: Time.optional(),
  activationEndTime: Time.optional(),
});

const ActiveActivationSchema = z.object({
  activationId: IdText,
  serviceCode: z.string().optional(),
  phoneNumber: IdText.optional(),
  activationCost: Amount.nullish(),
  smsCode: z.unknown().optional(),
  smsText: z.unknown().optional(),
  activationTime: Time.nullish(),
  activationEndTime: Time.nullish(),
  countryCode: IdText.nullish(),
});
type ActiveActivation = z.infer<typeof ActiveActivationSchema>;

const ActiveListSchema = z.object({
  activeActivations: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).nullish(),
});

const CountrySchema = z.object({
  id: IdText.optional(),
  eng: z.string().optional(),
  visible: z.union([z.number(), z.string(), z.boolean()]).optional(),
});

const ServicesListSchema = z.object({
  services: z.array(z.object({ code: z.string(), name: z.string().optional() })),
});

const RentPhoneSchema = z.object({
  phone: z.object({ id: IdText, endDate: Time.optional(), number: IdText }),
});

const RentSmsSchema = z.object({
  phoneFrom: IdText.optional(),
  text: z.string().optional(),
  service: z.string().optional(),
  date: Time.optional(),
});

const RentStatusSchema = z.object({
  values: z.union([z.array(RentSmsSchema), z.record(z.string(), RentSmsSchema)]).nullish(),
});

const RentCatalogSchema = z.object({
  countries: z.union([z.array(IdText), z.record(z.string(), IdText)]).nullish(),
  services: z
    .record(
      z.string(),
      z.object({
        cost: Amount,
        quant: z.union([Amount, z.object({ current: Amount.optional(), total: Amount.optional() })]).optional(),
      }),
    )
    .nullish(),
});

// ---------------------------------------------------------------------------------------------
// Small pure helpers

function digitsOnly(phone: string): string {
  return phone.replace(/\D/g, "");
}

function toCount(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Host time -> epoch ms: epoch seconds or ms, ISO with an offset, or naive in the host's zone. */
export function parseHostTime(value: unknown, utcOffsetMinutes: number): number | null {
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return null;
    return n < 1e11 ? n * 1000 : n;
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  const naive = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(text);
  if (naive) {
    const [, y, mo, d, h, mi, s] = naive;
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
    return utc - utcOffsetMinutes * 60_000;
  }
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const parsed = Date.parse(text.replace(" ", "T"));
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

/** A list the host may send as an array, one scalar, null, or a JSON-encoded array in a string. */
function textList(value: unknown): string[] {
  let v = value;
  if (typeof v === "string" && v.trim().startsWith("[")) {
    try {
      v = JSON.parse(v);
    } catch {
      // not JSON after all: keep the string as one entry
    }
  }
  const items = Array.isArray(v) ? v : [v];
  return items.map(scalarText).filter((s): s is string => s !== null && s.trim() !== "");
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

/** SMS of one activation, each with an id that is the same whichever action reported it. */
function buildSms(activationId: string, codes: string[], texts: string[], receivedAt: number): ProviderSms[] {
  const count = Math.max(codes.length, texts.length);
  // Fewer texts than codes (hosts often send only the latest text): align them on the newest SMS.
  const offset = codes.length > texts.length ? codes.length - texts.length : 0;
  const seen = new Map<string, number>();
  const out: ProviderSms[] = [];
  for (let i = 0; i < count; i++) {
    const code = codes[i] ?? null;
    const text = texts[i - offset] ?? code ?? "";
    const basis = code ?? text;
    const occurrence = seen.get(basis) ?? 0;
    seen.set(basis, occurrence + 1);
    out.push({ id: `sa-${hash(`${activationId}\n${basis}\n${occurrence}`)}`, text, code, receivedAt });
  }
  return out;
}

function extractCode(text: string): string | null {
  return /\b\d{4,8}\b/.exec(text)?.[0] ?? null;
}

/** Keeps a bounded memory: the oldest entries go first. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MEMORY_LIMIT) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------

type Params = Record<string, string | number | undefined>;

interface RentalMemory {
  phone: string;
  service: string;
  country: string;
  costMicros: number;
  endsAt: number;
}

export function createSmsActivateProvider(options: SmsActivateOptions): NumberProvider {
  const endpoint = handlerUrl(options.baseUrl);
  const apiKey = options.apiKey;
  const secrets = [apiKey];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const utcOffset = options.serverUtcOffsetMinutes ?? 180;
  const rentHours = options.rentHours && options.rentHours.length > 0 ? [...options.rentHours] : [24];

  /** Unknown until a getNumberV2 answers BAD_ACTION; then every later buy uses getNumber. */
  let numberV2Supported = true;
  /** Our clock when each activation started, for the early-cancel retry time. */
  const startedAt = new Map<string, number>();
  /** When each orderId was first sent, and which activation each orderId got. */
  const orderSentAt = new Map<string, number>();
  const orderActivation = new Map<string, string>();
  const rentals = new Map<string, RentalMemory>();
  const rentOfferCost = new Map<string, number>();

  // --- failures: every text that leaves here goes through redact -----------------------------

  function failure<T>(kind: ProviderFailureKind, message: string, extra: Omit<ProviderFailure, "kind" | "message"> = {}): ProviderResult<T> {
    // Redact before truncating, so that a key cut in half cannot survive.
    const raw = extra.raw === undefined ? {} : { raw: redact(extra.raw, secrets).slice(0, RAW_LIMIT) };
    return fail(kind, redact(message, secrets), { ...extra, ...raw });
  }

  /** The failure a protocol code means, whatever the action; null for codes with no fixed meaning. */
  function knownFailure<T>(code: string, detail: string | null, action: string): ProviderResult<T> | null {
    const suffix = detail !== null && detail.trim() !== "" ? `: ${detail.trim()}` : "";
    switch (code) {
      case "NO_NUMBERS":
        return failure("out_of_stock", "no numbers for this service and country (NO_NUMBERS)");
      case "NO_BALANCE":
        return failure("no_balance", "the provider account has no money left (NO_BALANCE)");
      case "BAD_KEY":
        return failure("bad_config", "the provider rejected the API key (BAD_KEY)");
      case "BAD_SERVICE":
        return failure("bad_config", "the provider does not know this service code (BAD_SERVICE)");
      case "BAD_COUNTRY":
      case "WRONG_COUNTRY":
        return failure("bad_config", `the provider does not know this country code (${code})`);
      case "BAD_ACTION":
      case "NO_ACTION":
      case "WRONG_ACTION":
      case "UNKNOWN_ACTION":
        return failure("bad_config", `this host does not support the action ${action} (${code})`);
      case "BANNED":
        return failure("bad_config", `the provider account is banned${suffix ? ` until${suffix.slice(1)}` : ""} (BANNED)`);
      case "WRONG_MAX_PRICE":
        return failure("bad_config", `the maximum price is below the provider's minimum${suffix} (WRONG_MAX_PRICE)`);
      case "BAD_TIME":
        return failure("bad_config", "the provider refused this rental period (BAD_TIME)");
      case "ERROR_SQL":
      case "SERVER_ERROR":
        return failure("temporary", `the provider reported an internal error (${code})`);
      case "NO_ACTIVATION":
      case "WRONG_ACTIVATION_ID":
        return failure("not_found", `the provider does not know this activation (${code})`);
      case "NO_ID_RENT":
      case "INVALID_PHONE":
        return failure("not_found", `the provider does not know this rental (${code})`);
      case "BAD_STATUS":
        return failure("invalid_state", "not allowed in the activation's current state (BAD_STATUS)");
      case "CANT_CANCEL":
        return failure("invalid_state", "the provider no longer allows cancelling this rental (CANT_CANCEL)");
      case "INCORECT_STATUS":
      case "INCORRECT_STATUS":
      case "ALREADY_FINISH":
      case "ALREADY_CANCEL":
      case "RENT_DIE":
      case "MAX_HOURS_EXCEED":
        return failure("invalid_state", `not allowed in the rental's current state (${code})`);
      case "EARLY_CANCEL_DENIED":
        return failure("early_cancel", "the provider refuses a cancel in the first two minutes (EARLY_CANCEL_DENIED)", {
          retryAt: now() + EARLY_CANCEL_WINDOW_MS,
        });
      default:
        return null;
    }
  }

  /** Any answer the action did not expect: a documented error, or `unrecognised` with the body. */
  function unexpected<T>(action: string, answer: Answer): ProviderResult<T> {
    if (answer.code !== null) {
      const known = knownFailure<T>(answer.code, answer.detail, action);
      if (known) return known;
    }
    const http = answer.status >= 200 && answer.status < 300 ? "" : ` (HTTP ${answer.status})`;
    return failure("unrecognised", `unexpected answer to ${action}${http}`, { raw: answer.body });
  }

  async function call(action: string, params: Params = {}): Promise<ProviderResult<Answer>> {
    const url = new URL(endpoint);
    url.searchParams.set("api_key", apiKey);
    url.searchParams.set("action", action);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, String(value));
    const outcome = await httpCall({
      method: "GET",
      url: url.toString(),
      timeoutMs,
      retries: READ_ACTIONS.has(action) ? READ_RETRIES : 0,
      secrets,
    });
    if (!outcome.ok) {
      const { kind, message, ...extra } = outcome.failure;
      return failure(kind, `${action}: ${message}`, extra);
    }
    return ok(readAnswer(outcome.response.status, outcome.response.text));
  }

  // --- activations ------------------------------------------------------------------------------

  function activationFromEntry(entry: ActiveActivation): ProviderActivation | null {
    const costMicros = entry.activationCost === undefined || entry.activationCost === null ? 0 : parseScaled(entry.activationCost, 6, "up");
    if (costMicros === null) return null;
    const codes = textList(entry.smsCode);
    const texts = textList(entry.smsText);
    const endsAt = parseHostTime(entry.activationEndTime, utcOffset);
    return {
      id: entry.activationId,
      phone: digitsOnly(entry.phoneNumber ?? ""),
      service: entry.serviceCode ?? "",
      country: entry.countryCode ?? "",
      costMicros,
      state: codes.length > 0 || texts.length > 0 ? "received" : "waiting",
      sms: buildSms(entry.activationId, codes, texts, now()),
      expiresAt: endsAt,
    };
  }

  interface OpenActivation {
    activation: ProviderActivation;
    /** Host start time on our clock, or null when the host did not say. */
    startedAt: number | null;
  }

  /** getActiveActivations: every open activation, in one request. */
  async function fetchOpen(): Promise<ProviderResult<OpenActivation[]>> {
    const action = "getActiveActivations";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.code === "NO_ACTIVATIONS") return ok([]);
    if (answer.error || !isRecord(answer.json)) return unexpected(action, answer);
    const parsed = ActiveListSchema.safeParse(answer.json);
    if (!parsed.success) return unexpected(action, answer);
    const list = parsed.data.activeActivations ?? [];
    const entries = Array.isArray(list) ? list : Object.values(list);
    const out: OpenActivation[] = [];
    for (const raw of entries) {
      // One malformed entry fails the whole answer: silently dropping it would make an open
      // activation look closed.
      const entry = ActiveActivationSchema.safeParse(raw);
      if (!entry.success) return unexpected(action, answer);
      const activation = activationFromEntry(entry.data);
      if (!activation) return unexpected(action, answer);
      const started = parseHostTime(entry.data.activationTime, utcOffset);
      if (started !== null) remember(startedAt, activation.id, started);
      out.push({ activation, startedAt: started });
    }
    return ok(out);
  }

  /** The oldest open activation of the pair, started since `since`, not in `knownIds`. */
  function pickRecovered(open: OpenActivation[], service: string, country: string, since: number, knownIds: ReadonlySet<string>): OpenActivation[] {
    return open
      .filter(({ activation, startedAt: started }) => {
        if (activation.service !== service || activation.country !== country) return false;
        if (knownIds.has(activation.id)) return false;
        // An activation without a start time cannot be ruled out by time.
        return started === null || started >= since - CLOCK_SKEW_MS;
      })
      .sort((a, b) => (a.startedAt ?? Number.MAX_SAFE_INTEGER) - (b.startedAt ?? Number.MAX_SAFE_INTEGER));
  }

  async function recoverBuy(request: RecoverBuyRequest): Promise<ProviderResult<ProviderActivation | null>> {
    const open = await fetchOpen();
    if (!open.ok) return open;
    const candidates = pickRecovered(open.value, request.service, request.country, request.since, new Set(request.knownIds));
    const found = candidates[0]?.activation ?? null;
    if (found) remember(orderActivation, request.orderId, found.id);
    return ok(found);
  }

  /** After ORDER_ALREADY_EXISTS: the order is upstream; find it without guessing between several. */
  async function resolveExistingOrder(request: BuyRequest, answer: Answer): Promise<ProviderResult<ProviderActivation>> {
    const stated = isRecord(answer.json) ? scalarText(answer.json.activationId) : null;
    const knownId = stated ?? (answer.detail !== null && /^\d+$/.test(answer.detail.trim()) ? answer.detail.trim() : null) ?? orderActivation.get(request.orderId) ?? null;
    if (knownId !== null) return getActivation(knownId);
    const open = await fetchOpen();
    if (!open.ok) return open;
    const others = new Set([...orderActivation.entries()].filter(([order]) => order !== request.orderId).map(([, id]) => id));
    const since = orderSentAt.get(request.orderId) ?? now() - ACTIVATION_LIFETIME_MS;
    const candidates = pickRecovered(open.value, request.service, request.country, since, others);
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only) {
      remember(orderActivation, request.orderId, only.activation.id);
      return ok(only.activation);
    }
    // Outcome unknown here: the caller resolves it with recoverBuy and its full list of known ids.
    return failure("temporary", "getNumberV2: the order already exists but could not be identified; resolve with recoverBuy (ORDER_ALREADY_EXISTS)", {
      raw: answer.body,
    });
  }

  async function buyV2(request: BuyRequest): Promise<ProviderResult<ProviderActivation> | "unsupported"> {
    const action = "getNumberV2";
    const result = await call(action, {
      service: request.service,
      country: request.country,
      orderId: request.orderId,
      maxPrice: request.maxCostMicros === undefined ? undefined : formatScaled(request.maxCostMicros, 6),
    });
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.code !== null && UNKNOWN_ACTION_CODES.has(answer.code)) return "unsupported";
    if (answer.code === "ORDER_ALREADY_EXISTS") return resolveExistingOrder(request, answer);
    if (answer.error || !isRecord(answer.json)) return unexpected(action, answer);
    const parsed = NumberV2Schema.safeParse(answer.json);
    if (!parsed.success) return unexpected(action, answer);
    const v = parsed.data;
    const costMicros = v.activationCost === undefined ? (request.maxCostMicros ?? 0) : parseScaled(v.activationCost, 6, "up");
    if (costMicros === null) return unexpected(action, answer);
    const activation: ProviderActivation = {
      id: v.activationId,
      phone: digitsOnly(v.phoneNumber),
      service: request.service,
      country: v.countryCode ?? request.country,
      costMicros,
      state: "waiting",
      sms: [],
      expiresAt: parseHostTime(v.activationEndTime, utcOffset),
    };
    return ok(activation);
  }

  async function buyV1(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
    const action = "getNumber";
    const result = await call(action, {
      service: request.service,
      country: request.country,
      maxPrice: request.maxCostMicros === undefined ? undefined : formatScaled(request.maxCostMicros, 6),
    });
    if (!result.ok) return result;
    const answer = result.value;
    const match = !answer.error && answer.code === "ACCESS_NUMBER" ? /^(\d+):(\+?[\d\s-]+)$/.exec(answer.detail ?? "") : null;
    if (!match) return unexpected(action, answer);
    const id = match[1] ?? "";
    // getNumber does not say what it charged: one read of the open list tells. If that read
    // fails, the maximum price we allowed is the best bound we have.
    let costMicros = request.maxCostMicros ?? 0;
    const open = await fetchOpen();
    if (open.ok) {
      const listed = open.value.find((o) => o.activation.id === id);
      if (listed && listed.activation.costMicros > 0) costMicros = listed.activation.costMicros;
    }
    return ok({
      id,
      phone: digitsOnly(match[2] ?? ""),
      service: request.service,
      country: request.country,
      costMicros,
      state: "waiting",
      sms: [],
      expiresAt: null,
    });
  }

  async function buy(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
    if (!orderSentAt.has(request.orderId)) remember(orderSentAt, request.orderId, now());
    let result: ProviderResult<ProviderActivation> | "unsupported" = "unsupported";
    if (numberV2Supported) result = await buyV2(request);
    if (result === "unsupported") {
      // The host answered "unknown action" to V2, so no order was created: getNumber is safe.
      numberV2Supported = false;
      result = await buyV1(request);
    }
    if (result.ok) {
      if (!startedAt.has(result.value.id)) remember(startedAt, result.value.id, now());
      remember(orderActivation, request.orderId, result.value.id);
    }
    return result;
  }

  type StatusReading = { state: ProviderActivation["state"]; codes: string[] };

  async function fetchStatus(id: string): Promise<ProviderResult<StatusReading>> {
    const action = "getStatus";
    const result = await call(action, { id });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error) {
      // The code is everything after the FIRST ':' (codes may contain colons).
      const code = answer.detail !== null && answer.detail !== "" ? [answer.detail] : [];
      switch (answer.code) {
        case "STATUS_WAIT_CODE":
        case "STATUS_WAIT_RESEND":
          return ok({ state: "waiting", codes: [] });
        case "STATUS_WAIT_RETRY":
        case "STATUS_OK":
          return ok({ state: "received", codes: code });
        case "STATUS_CANCEL":
          // Cancelled OR completed: never a refund signal on its own.
          return ok({ state: "ended", codes: [] });
      }
    }
    return unexpected(action, answer);
  }

  async function getActivation(id: string): Promise<ProviderResult<ProviderActivation>> {
    const status = await fetchStatus(id);
    if (!status.ok) return status;
    const bare: ProviderActivation = {
      id,
      phone: "",
      service: "",
      country: "",
      costMicros: 0,
      state: status.value.state,
      sms: buildSms(id, status.value.codes, [], now()),
      expiresAt: null,
    };
    if (status.value.state === "ended") return ok(bare);
    const open = await fetchOpen();
    const listed = open.ok ? open.value.find((o) => o.activation.id === id)?.activation : undefined;
    // The state and code from getStatus stand even when the list could not be read.
    if (!listed) return ok(bare);
    const sms = [...listed.sms];
    for (const code of status.value.codes) {
      if (!sms.some((s) => s.code === code)) sms.push(...buildSms(id, [...sms.map((s) => s.code ?? s.text), code], [], now()).slice(-1));
    }
    return ok({ ...listed, state: status.value.state === "received" || sms.length > 0 ? "received" : "waiting", sms });
  }

  async function listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>> {
    const open = await fetchOpen();
    if (!open.ok) return open;
    return ok(open.value.map((o) => o.activation));
  }

  async function setStatus(id: string, status: 3 | 6 | 8, expected: string): Promise<ProviderResult<void>> {
    const action = "setStatus";
    const result = await call(action, { id, status });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error && answer.code === expected) return ok(undefined);
    if (answer.code === "EARLY_CANCEL_DENIED") {
      const started = startedAt.get(id);
      const retryAt = started === undefined ? now() + EARLY_CANCEL_WINDOW_MS : Math.max(started + EARLY_CANCEL_WINDOW_MS, now() + 5_000);
      return failure("early_cancel", "the provider refuses a cancel in the first two minutes (EARLY_CANCEL_DENIED)", { retryAt });
    }
    return unexpected(action, answer);
  }

  // --- catalog ----------------------------------------------------------------------------------

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

  async function getBalance(): Promise<ProviderResult<{ micros: number }>> {
    const action = "getBalance";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    // Rounded down: the balance is never over-stated.
    const micros = !answer.error && answer.code === "ACCESS_BALANCE" && answer.detail !== null ? parseScaled(answer.detail, 6, "down") : null;
    if (micros === null) return unexpected(action, answer);
    return ok({ micros });
  }

  // --- rentals ----------------------------------------------------------------------------------

  async function fetchRentCatalog(hours: number, country?: string): Promise<ProviderResult<{ countries: string[]; services: RentOffer[] }>> {
    const action = "getRentServicesAndCountries";
    const result = await call(action, { rent_time: hours, country });
    if (!result.ok) return result;
    const answer = result.value;
    const parsed = RentCatalogSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const listedCountries = parsed.data.countries ?? [];
    const countries = [...new Set(Array.isArray(listedCountries) ? listedCountries : Object.values(listedCountries))];
    const services: RentOffer[] = [];
    for (const [service, entry] of Object.entries(parsed.data.services ?? {})) {
      const costMicros = parseScaled(entry.cost, 6, "up");
      if (costMicros === null) continue;
      const quant = entry.quant;
      const stock = typeof quant === "object" && quant !== null ? toCount(quant.current ?? quant.total) : toCount(quant);
      services.push({ service, country: country ?? "", hours, costMicros, stock });
    }
    return ok({ countries, services });
  }

  async function getRentOffers(): Promise<ProviderResult<RentOffer[]>> {
    // The answer lists the countries, but prices only for the country asked: one read per pair.
    const first = await fetchRentCatalog(rentHours[0] ?? 24);
    if (!first.ok) return first;
    const jobs = rentHours.flatMap((hours) => first.value.countries.map((country) => ({ hours, country })));
    const answers = await mapLimited(jobs, RENT_OFFER_CONCURRENCY, (job) => fetchRentCatalog(job.hours, job.country));
    const offers: RentOffer[] = [];
    for (const answer of answers) {
      if (!answer.ok) return answer;
      for (const offer of answer.value.services) {
        remember(rentOfferCost, `${offer.service}\n${offer.country}\n${offer.hours}`, offer.costMicros);
        offers.push(offer);
      }
    }
    return ok(offers);
  }

  function rentalFromPhone(
    answer: Answer,
    action: string,
    base: Omit<RentalMemory, "phone" | "endsAt">,
    estimatedEnd: number,
  ): ProviderResult<ProviderRental> {
    const parsed = RentPhoneSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const { id, endDate, number } = parsed.data.phone;
    // The rental exists and is paid for: an unreadable end date must not turn it into a failure.
    const endsAt = parseHostTime(endDate, utcOffset) ?? estimatedEnd;
    const memory: RentalMemory = { ...base, phone: digitsOnly(number), endsAt };
    remember(rentals, id, memory);
    return ok({ id, ...memory, state: "active", sms: [] });
  }

  async function rent(request: RentRequest): Promise<ProviderResult<ProviderRental>> {
    const action = "getRentNumber";
    const result = await call(action, { service: request.service, rent_time: request.hours, country: request.country });
    if (!result.ok) return result;
    const costMicros = rentOfferCost.get(`${request.service}\n${request.country}\n${request.hours}`) ?? 0;
    return rentalFromPhone(result.value, action, { service: request.service, country: request.country, costMicros }, now() + request.hours * HOUR_MS);
  }

  async function getRental(id: string): Promise<ProviderResult<ProviderRental>> {
    const action = "getRentStatus";
    const result = await call(action, { id });
    if (!result.ok) return result;
    const answer = result.value;
    const memory = rentals.get(id);
    const base = {
      id,
      phone: memory?.phone ?? "",
      service: memory?.service ?? "",
      country: memory?.country ?? "",
      costMicros: memory?.costMicros ?? 0,
      endsAt: memory?.endsAt ?? 0,
    };
    switch (answer.code) {
      case "STATUS_WAIT_CODE": // no SMS yet: the rental is fine
        return ok({ ...base, state: "active", sms: [] });
      case "STATUS_FINISH":
        return ok({ ...base, state: "finished", sms: [] });
      case "STATUS_CANCEL":
      case "STATUS_REVOKE": // the host withdrew the number and refunded it
        return ok({ ...base, state: "cancelled", sms: [] });
    }
    const parsed = RentStatusSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const values = parsed.data.values ?? [];
    const list = Array.isArray(values) ? values : Object.values(values);
    const seen = new Map<string, number>();
    const sms: ProviderSms[] = list.map((v) => {
      const text = v.text ?? "";
      const sender = v.phoneFrom ?? "";
      const basis = `${String(v.date ?? "")}\n${sender}\n${text}`;
      const occurrence = seen.get(basis) ?? 0;
      seen.set(basis, occurrence + 1);
      return {
        id: `sr-${hash(`${id}\n${basis}\n${occurrence}`)}`,
        text,
        code: extractCode(text),
        receivedAt: parseHostTime(v.date, utcOffset) ?? now(),
        ...(sender ? { sender } : {}),
      };
    });
    sms.sort((a, b) => a.receivedAt - b.receivedAt);
    const expired = memory !== undefined && memory.endsAt <= now();
    return ok({ ...base, state: expired ? "expired" : "active", sms });
  }

  async function extendRental(id: string, hours: number): Promise<ProviderResult<ProviderRental>> {
    const action = "continueRentNumber";
    const result = await call(action, { id, rent_time: hours });
    if (!result.ok) return result;
    const memory = rentals.get(id);
    const extra = memory ? (rentOfferCost.get(`${memory.service}\n${memory.country}\n${hours}`) ?? 0) : 0;
    return rentalFromPhone(
      result.value,
      action,
      { service: memory?.service ?? "", country: memory?.country ?? "", costMicros: (memory?.costMicros ?? 0) + extra },
      Math.max(memory?.endsAt ?? 0, now()) + hours * HOUR_MS,
    );
  }

  async function setRentStatus(id: string, status: 1 | 2, alreadyDone: string): Promise<ProviderResult<void>> {
    const action = "setRentStatus";
    const result = await call(action, { id, status });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error && isRecord(answer.json) && answer.json.status === "success") return ok(undefined);
    // A repeat after a lost answer: the rental is already where we wanted it.
    if (answer.code === alreadyDone) return ok(undefined);
    return unexpected(action, answer);
  }

  return {
    name: "sms-activate",
    getCatalog,
    getBalance,
    buy,
    recoverBuy,
    getActivation,
    listOpenActivations,
    requestAnotherSms: (id) => setStatus(id, 3, "ACCESS_RETRY_GET"),
    finish: (id) => setStatus(id, 6, "ACCESS_ACTIVATION"),
    cancel: (id) => setStatus(id, 8, "ACCESS_CANCEL"),
    // The protocol has one status for "cancel" and "number already used": 8.
    ban: (id) => setStatus(id, 8, "ACCESS_CANCEL"),
    getRentOffers,
    rent,
    getRental,
    extendRental,
    finishRental: (id) => setRentStatus(id, 1, "ALREADY_FINISH"),
    cancelRental: (id) => setRentStatus(id, 2, "ALREADY_CANCEL"),
  };
}
