import type { ProviderSms } from "../../domain/numberProvider.ts";
import type { RentalNoticeReader } from "../../domain/rentalPush.ts";
import { isRecord, parseHostTime, scalarText } from "./answers.ts";
import { extractCode, listItems, rentalSmsId } from "./sms.ts";

/**
 * The protocol's rental webhook: the URL passed to `getRentNumber` receives a POST for every SMS
 * of that rental, retried until a 200. sms-activate documents
 * `{"rentId": "26251422", "sms": {"phoneFrom": "SPORTMASTER", "text": "...", "date": "2025-06-17 16:01:10"}}`
 * (the date naive, in the host's zone, like getRentStatus's).
 *
 * Hosts differ, so this reads, and nothing more is assumed:
 * - a JSON body or a form body (`rentId=...&sms[text]=...`, or `sms` as a JSON string);
 * - the id as a string or a number, named `rentId`, `rent_id`, `rentID`, `rentalId`, `rental_id` or `id`;
 * - `sms` as one object, a list, a PHP-style keyed object, or its fields at the top level;
 * - the text as `text`, `message`, `msg`, `smsText` or `body` (or only a `code`); the sender as
 *   `phoneFrom`, `phone_from`, `from` or `sender`; the time as `date`, `dateTime`, `receivedAt`,
 *   `received_at`, `time` or `timestamp`: naive in the host's zone, ISO with a zone, DD.MM.YYYY, or
 *   Unix seconds or milliseconds.
 *
 * The SMS id is built as `getRentStatus` builds it (`rentalSmsId` over date, sender and text, as
 * the first of its kind), with the date written the documented way in the host's zone whatever
 * form the notice used, so that a notice and a poll of one SMS store it once. A second SMS equal
 * in all three is left to polling, which counts repeats.
 */

const ID_FIELDS = ["rentId", "rent_id", "rentID", "rentid", "rentalId", "rental_id", "id"];
const TEXT_FIELDS = ["text", "message", "msg", "smsText", "sms_text", "body"];
const SENDER_FIELDS = ["phoneFrom", "phone_from", "from", "sender"];
const TIME_FIELDS = ["date", "dateTime", "datetime", "receivedAt", "received_at", "time", "timestamp"];

function pick(record: Record<string, unknown>, fields: readonly string[]): unknown {
  for (const field of fields) if (record[field] !== undefined && record[field] !== null && record[field] !== "") return record[field];
  return undefined;
}

function text(value: unknown): string {
  return scalarText(value)?.trim() ?? "";
}

/** `sms[text]=...` and `sms[0][text]=...` of a form body, as the nested object PHP would have made. */
function nestBrackets(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const parts = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
    if (!parts) {
      out[key] = value;
      continue;
    }
    const path = [parts[1] as string, ...[...(parts[2] as string).matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string)];
    let node = out;
    for (const [i, step] of path.entries()) {
      if (i === path.length - 1) {
        node[step] = value;
        break;
      }
      const next = node[step];
      node = isRecord(next) ? next : (node[step] = {});
    }
  }
  return out;
}

/** A JSON object or list that came as a string (form bodies). */
function decoded(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** A time stamp written the way getRentStatus writes it: "YYYY-MM-DD HH:MM:SS" in the host's zone. */
function documentedDate(ms: number, utcOffsetMinutes: number): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The host's time stamp on our clock; DD.MM.YYYY is read too. Null when unreadable. */
function noticeTime(value: unknown, utcOffsetMinutes: number): number | null {
  const raw = typeof value === "string" ? value.trim() : value;
  const dotted = typeof raw === "string" ? /^(\d{2})\.(\d{2})\.(\d{4})[ T](.+)$/.exec(raw) : null;
  return parseHostTime(dotted ? `${dotted[3]}-${dotted[2]}-${dotted[1]} ${dotted[4]}` : raw, utcOffsetMinutes);
}

/** `utcOffsetMinutes`: the zone of the host's naive time stamps (PROVIDER_UTC_OFFSET). */
export function createRentNoticeReader(utcOffsetMinutes: number): RentalNoticeReader {
  return (body, receivedAt) => {
    const parsed = decoded(body);
    if (!isRecord(parsed)) return null;
    const record = nestBrackets(parsed);
    const rentalId = text(pick(record, ID_FIELDS));
    if (rentalId === "") return null;
    const smsField = decoded(record.sms ?? record.messages ?? record.values);
    const items = smsField === undefined ? [record] : listItems(smsField);
    const sms: ProviderSms[] = [];
    for (const item of items) {
      const entry = isRecord(item) ? item : { text: item };
      const code = text(entry.code);
      // Untrimmed, as getRentStatus's text goes into the id.
      const written = scalarText(pick(entry, TEXT_FIELDS)) ?? "";
      const message = written.trim() !== "" ? written : code;
      if (message === "") continue;
      const sender = text(pick(entry, SENDER_FIELDS) ?? pick(record, SENDER_FIELDS));
      const rawTime = pick(entry, TIME_FIELDS) ?? pick(record, TIME_FIELDS);
      const at = noticeTime(rawTime, utcOffsetMinutes);
      const documented = typeof rawTime === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(rawTime.trim());
      const date = documented ? rawTime.trim() : at !== null ? documentedDate(at, utcOffsetMinutes) : text(rawTime);
      sms.push({
        id: rentalSmsId(rentalId, `${date}\n${sender}\n${message}`, 0),
        text: message,
        code: extractCode(message) ?? (code || null),
        receivedAt: at ?? receivedAt,
        ...(sender ? { sender } : {}),
      });
    }
    return sms.length > 0 ? { providerRentalId: rentalId, sms } : null;
  };
}
