import { z } from "zod";
import { parseScaled } from "../../domain/decimal.ts";
import type { ProviderFailure, ProviderFailureKind } from "../../domain/numberProvider.ts";

/**
 * Reading the protocol's answers: "CODE:detail" text, JSON and the hosts' error envelopes, the
 * values inside them (ids, amounts, host times, lists), and the failure each error code means.
 */

/** One answer, before any action gives it a meaning. */
export interface Answer {
  status: number;
  /** The body, trimmed; only ever leaves this adapter redacted. */
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

/** Answers meaning "this host does not have that action". */
export const UNKNOWN_ACTION_CODES: ReadonlySet<string> = new Set(["BAD_ACTION", "NO_ACTION", "WRONG_ACTION", "UNKNOWN_ACTION"]);

/** The protocol refuses a cancel in an activation's first two minutes. */
export const EARLY_CANCEL_WINDOW_MS = 120_000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function scalarText(value: unknown): string | null {
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
// Values, parsed defensively: hosts send numbers as strings and objects where lists are expected.

export const IdText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
export const Amount = z.union([z.number(), z.string()]);
export const Time = z.union([z.string(), z.number()]);

export function digitsOnly(phone: string): string {
  return phone.replace(/\D/g, "");
}

export function toCount(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * Host time -> epoch ms: epoch seconds or ms, ISO with an offset, or naive in the host's zone.
 * Naive timestamps ("2024-05-01 12:00:00") are read in the host's zone, Moscow time by default
 * (`serverUtcOffsetMinutes`); timestamps with an explicit offset are read as given.
 */
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
export function textList(value: unknown): string[] {
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

// ---------------------------------------------------------------------------------------------
// The error table

function failure(kind: ProviderFailureKind, message: string, extra: Omit<ProviderFailure, "kind" | "message"> = {}): ProviderFailure {
  return { kind, message, ...extra };
}

/**
 * The failure a protocol code means, whatever the action; null for codes with no fixed meaning.
 * Not yet redacted: the client redacts every failure before it leaves the adapter.
 */
export function knownFailure(code: string, detail: string | null, action: string, now: () => number): ProviderFailure | null {
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
    case "WRONG_MAX_PRICE": {
      // A price rise, not an outage: the detail is the new minimum. Without a readable one the
      // shop cannot reprice, and only the operator can tell what happened.
      const minimum = detail === null ? null : parseScaled(detail.trim(), 6, "up");
      if (minimum === null || minimum <= 0) return failure("bad_config", `the provider refused the maximum price${suffix} (WRONG_MAX_PRICE)`);
      return failure("price_changed", `the provider's price rose to${suffix} (WRONG_MAX_PRICE)`, { costMicros: minimum });
    }
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
