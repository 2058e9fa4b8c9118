import { httpCall, redact, type HttpResponse } from "../http.ts";
import { fail, ok } from "../../domain/numberProvider.ts";
import type { ProviderFailure, ProviderFailureKind, ProviderResult } from "../../domain/numberProvider.ts";
import { knownFailure, parseHostTime, readAnswer, type Answer } from "./answers.ts";

/**
 * One request to the handler: the URL and key, retries for reads only, and every failure text
 * redacted before it leaves the adapter.
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
  /** Passed as `url` with every `getRentNumber`: where the host posts that rental's SMS. Holds a secret. */
  rentNoticeUrl?: string;
}

export type Params = Record<string, string | number | undefined>;

/** What the activation, catalog and rental parts share: the clock and the way to ask the host. */
export interface SmsActivateClient {
  now: () => number;
  /** The rental notice URL (SmsActivateOptions), redacted from every failure like the key. */
  rentNoticeUrl: string | undefined;
  /** A host timestamp on our clock (see parseHostTime), or null when unreadable. */
  hostTime(value: unknown): number | null;
  call(action: string, params?: Params): Promise<ProviderResult<Answer>>;
  /**
   * A read whose successful body is byte for byte `lastBody` (the caller's, from its last answer)
   * is "unchanged": neither copied, decoded nor parsed. For the list read on every polling tick.
   */
  callUnlessSame(action: string, lastBody: Buffer | undefined): Promise<ProviderResult<{ answer: Answer; bytes: Buffer } | "unchanged">>;
  /** A failure whose message and raw answer are redacted (and the raw answer truncated). */
  failure<T>(kind: ProviderFailureKind, message: string, extra?: Omit<ProviderFailure, "kind" | "message">): ProviderResult<T>;
  /** Any answer the action did not expect: a documented error, or `unrecognised` with the body. */
  unexpected<T>(action: string, answer: Answer): ProviderResult<T>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const READ_RETRIES = 2;
const RAW_LIMIT = 300;

/**
 * Actions that change nothing upstream: only these are ever retried after a lost or failed answer.
 * Everything else is sent exactly once, because a repeat could act twice: `getNumber(V2)` buys,
 * `setStatus` cancels or finishes, `getRentNumber` rents, `continueRentNumber` extends (and charges
 * the operator again), `setRentStatus` finishes or cancels a rental. Their lost answers are settled
 * by reading (`getActiveActivations`, `getRentList`, `getRentStatus`), never by sending them again.
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
  "getRentList",
  "continueRentInfo",
]);

/** The handler URL for a configured base: trailing slashes dropped, the script path added once. */
export function handlerUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, "");
  return /\/stubs\/handler_api\.php$/i.test(trimmed) ? trimmed : `${trimmed}/stubs/handler_api.php`;
}

export function createSmsActivateClient(options: SmsActivateOptions): SmsActivateClient {
  const endpoint = handlerUrl(options.baseUrl);
  const apiKey = options.apiKey;
  // The notice URL carries the bot's notice secret, in the request's query string (encoded) too.
  const secrets = options.rentNoticeUrl ? [apiKey, options.rentNoticeUrl, encodeURIComponent(options.rentNoticeUrl)] : [apiKey];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const utcOffset = options.serverUtcOffsetMinutes ?? 180;

  function failure<T>(kind: ProviderFailureKind, message: string, extra: Omit<ProviderFailure, "kind" | "message"> = {}): ProviderResult<T> {
    // Redact before truncating, so that a key cut in half cannot survive.
    const raw = extra.raw === undefined ? {} : { raw: redact(extra.raw, secrets).slice(0, RAW_LIMIT) };
    return fail(kind, redact(message, secrets), { ...extra, ...raw });
  }

  function unexpected<T>(action: string, answer: Answer): ProviderResult<T> {
    if (answer.code !== null) {
      const known = knownFailure(answer.code, answer.detail, action, now);
      if (known) {
        const { kind, message, ...extra } = known;
        return failure(kind, message, extra);
      }
    }
    const http = answer.status >= 200 && answer.status < 300 ? "" : ` (HTTP ${answer.status})`;
    return failure("unrecognised", `unexpected answer to ${action}${http}`, { raw: answer.body });
  }

  async function request(action: string, params: Params, lastBody?: Buffer): Promise<ProviderResult<HttpResponse>> {
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
      ...(lastBody ? { lastBody } : {}),
    });
    if (!outcome.ok) {
      const { kind, message, ...extra } = outcome.failure;
      return failure(kind, `${action}: ${message}`, extra);
    }
    return ok(outcome.response);
  }

  async function call(action: string, params: Params = {}): Promise<ProviderResult<Answer>> {
    const response = await request(action, params);
    return response.ok ? ok(readAnswer(response.value.status, response.value.text)) : response;
  }

  async function callUnlessSame(action: string, lastBody: Buffer | undefined): Promise<ProviderResult<{ answer: Answer; bytes: Buffer } | "unchanged">> {
    const response = await request(action, {}, lastBody);
    if (!response.ok) return response;
    const { status, bytes } = response.value;
    if (bytes === lastBody && status >= 200 && status < 300) return ok("unchanged");
    return ok({ answer: readAnswer(status, response.value.text), bytes });
  }

  return { now, rentNoticeUrl: options.rentNoticeUrl, hostTime: (value) => parseHostTime(value, utcOffset), call, callUnlessSame, failure, unexpected };
}
