import { createHash } from "node:crypto";
import type { ProviderSms } from "../../domain/numberProvider.ts";
import { isRecord, scalarText } from "./answers.ts";

/**
 * An activation's SMS in whatever shape the host lists them, each with an id that stays the same
 * whichever action reported it and however the host shapes the list.
 *
 * Hosts of the protocol disagree on the shape (the documentation says one thing, hosts do another):
 * `smsCode` is an array of every code, a string with only the newest code, a PHP-style keyed object
 * (`{"0": "111", "1": "222"}`), or null; `smsText` the same, or a JSON-encoded array in a string;
 * getStatusV2's `sms` (and `call`, a call verification) is one object `{code, text, dateTime}`, an
 * array of them, or a keyed object of them; a text may come without a code (null or "").
 *
 * The id is derived from the activation id, the code (or the text when there is no code), and how
 * many earlier SMS of the same list had the same code: never from a position alone, so the newest
 * code listed alone gets the same id as it had in a full list, and the same SMS seen through
 * getStatus (code only), getStatusV2 (code, text, time) or getActiveActivations (codes and texts)
 * is one SMS. Limit: a host that lists only the newest code and sends the same code twice in a row
 * cannot be told apart from one SMS (nothing in its answers differs).
 */

/** One SMS as read from a host's answer, before it gets its id. */
export interface SmsEntry {
  code: string | null;
  text: string;
  /** The host's time stamp, unparsed (null when the host gave none). */
  at: unknown;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

function nonEmpty(value: unknown): string | null {
  const text = scalarText(value);
  return text !== null && text.trim() !== "" ? text.trim() : null;
}

const ENTRY_FIELDS = ["code", "text", "smsCode", "smsText", "dateTime", "date", "message"];

/** The items of a list in any of the hosts' shapes, oldest first, with empty places kept. */
export function listItems(value: unknown): unknown[] {
  let v = value;
  if (typeof v === "string" && /^\s*[[{]/.test(v)) {
    try {
      v = JSON.parse(v);
    } catch {
      // not JSON after all: one text
    }
  }
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (isRecord(v)) {
    if (ENTRY_FIELDS.some((field) => field in v)) return [v];
    // A PHP array sent as an object: its keys are the positions.
    return Object.keys(v)
      .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
      .map((key) => v[key]);
  }
  return [v];
}

/** One item of a list: a scalar (what it is depends on the list) or an object with its fields. */
function readItem(item: unknown, scalarIs: "code" | "text"): { code: string | null; text: string | null; at: unknown } {
  if (isRecord(item)) {
    return {
      code: nonEmpty(item.code ?? item.smsCode),
      text: nonEmpty(item.text ?? item.smsText ?? item.message),
      at: item.dateTime ?? item.date ?? item.receivedAt ?? null,
    };
  }
  const value = nonEmpty(item);
  return scalarIs === "code" ? { code: value, text: null, at: null } : { code: null, text: value, at: null };
}

/**
 * Pairs a list of codes with a list of texts. When one list is shorter (hosts often send only the
 * newest of one of them), the two are aligned on the newest SMS; a text left without its code
 * then gets the code read from it.
 */
export function pairSms(codeField: unknown, textField: unknown): SmsEntry[] {
  const codes = listItems(codeField).map((item) => readItem(item, "code"));
  const texts = listItems(textField).map((item) => readItem(item, "text"));
  const count = Math.max(codes.length, texts.length);
  const out: SmsEntry[] = [];
  for (let i = 0; i < count; i++) {
    const c = codes[i - (count - codes.length)];
    const t = texts[i - (count - texts.length)];
    const text = t?.text ?? c?.text ?? null;
    const code = c ? (c.code ?? t?.code ?? null) : (t?.code ?? (text !== null ? extractCode(text) : null));
    if (code === null && text === null) continue;
    out.push({ code, text: text ?? code ?? "", at: c?.at ?? t?.at ?? null });
  }
  return out;
}

/** Entries of getStatusV2's `sms` or `call` field (one object, an array or a keyed object of them). */
export function entriesOf(field: unknown): SmsEntry[] {
  const out: SmsEntry[] = [];
  for (const item of listItems(field)) {
    if (!isRecord(item)) continue;
    const code = nonEmpty(item.code);
    const text = nonEmpty(item.text);
    if (code === null && text === null) continue;
    out.push({ code, text: text ?? code ?? "", at: item.dateTime ?? item.date ?? null });
  }
  return out;
}

/** SMS of one activation, each with an id that is the same whichever action and shape reported it. */
export function buildSms(activationId: string, entries: SmsEntry[], receivedAt: (at: unknown) => number): ProviderSms[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const basis = entry.code ?? entry.text;
    const occurrence = seen.get(basis) ?? 0;
    seen.set(basis, occurrence + 1);
    return { id: smsId(activationId, basis, occurrence), text: entry.text, code: entry.code, receivedAt: receivedAt(entry.at) };
  });
}

function smsId(activationId: string, basis: string, occurrence: number): string {
  return `sa-${hash(`${activationId}\n${basis}\n${occurrence}`)}`;
}

/** A rental SMS's id: from the rental, the SMS's date, sender and text, and its occurrence among equal ones. */
export function rentalSmsId(rentalId: string, basis: string, occurrence: number): string {
  return `sr-${hash(`${rentalId}\n${basis}\n${occurrence}`)}`;
}

export function extractCode(text: string): string | null {
  return /\b\d{4,8}\b/.exec(text)?.[0] ?? null;
}
