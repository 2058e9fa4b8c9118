import type { Language } from "../domain/accounts.ts";
import { formatMoney } from "../domain/money.ts";
import type { FlowContext } from "./context.ts";

/**
 * The one place the bot turns money and times into text for a user, in their language. Times are
 * UTC (and the texts say so) except where shown in the user's own zone with the zone named
 * (`zonedClock`, `zonedDateTime`: activation and rental cards, rental notices).
 */

/** Money in the language of the user the update comes from. */
export function userMoney(ctx: FlowContext, minor: number): string {
  return formatMoney(minor, ctx.deps.currency, ctx.account?.language ?? "en");
}

const formats = new Map<string, Intl.DateTimeFormat>();

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = formats.get(key);
  if (!format) {
    format = make();
    formats.set(key, format);
  }
  return format;
}

/** A clock time such as "12:20" / "12:20 PM", in UTC. */
export function clockTime(ms: number, language: Language): string {
  return cached(`t:${language}`, () => new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone: "UTC" })).format(ms);
}

/** A date and time, in UTC, for moments that may be on another day. */
export function dateTime(ms: number, language: Language): string {
  return cached(`dt:${language}`, () => new Intl.DateTimeFormat(language, { dateStyle: "short", timeStyle: "short", timeZone: "UTC" })).format(ms);
}

// ---------------------------------------------------------------- the user's time zone (ux)

/** The zone a user's times are shown in until they choose one in Settings. */
export const DEFAULT_TIME_ZONE: Readonly<Record<Language, string>> = { en: "UTC", ru: "Europe/Moscow" };

/** The zones offered in Settings (IANA names); their names are in the locale files (`tz-<index>`). */
export const TIME_ZONES: readonly string[] = [
  "UTC",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Kyiv",
  "Europe/Moscow",
  "Asia/Dubai",
  "Asia/Tashkent",
  "Asia/Almaty",
  "Asia/Kolkata",
  "Asia/Shanghai",
  "America/New_York",
  "America/Los_Angeles",
];

export function timeZoneOf(account: { timeZone: string | null; language: Language } | undefined): string {
  return account?.timeZone ?? DEFAULT_TIME_ZONE[account?.language ?? "en"];
}

/** "12:20 PM UTC" / "15:20 GMT+3": a clock time in the user's zone, with the zone named. */
export function zonedClock(ms: number, language: Language, timeZone: string): string {
  return cached(`z:${language}:${timeZone}`, () => new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone })).format(ms) + ` ${zoneLabel(ms, language, timeZone)}`;
}

/** "1/16/26, 3:00 PM GMT+3": a date and time in the user's zone, with the zone named. */
export function zonedDateTime(ms: number, language: Language, timeZone: string): string {
  return cached(`zd:${language}:${timeZone}`, () => new Intl.DateTimeFormat(language, { dateStyle: "short", timeStyle: "short", timeZone })).format(ms) + ` ${zoneLabel(ms, language, timeZone)}`;
}

/** "UTC", "GMT+3": the zone's offset as the reader's language writes it. */
export function zoneLabel(ms: number, language: Language, timeZone: string): string {
  if (timeZone === "UTC") return "UTC";
  const parts = cached(`o:${language}:${timeZone}`, () => new Intl.DateTimeFormat(language, { timeZone, timeZoneName: "shortOffset" })).formatToParts(ms);
  return parts.find((part) => part.type === "timeZoneName")?.value ?? timeZone;
}

/** Whole minutes left until `until`, rounded up (a number with 30 seconds left has "1 minute" left). */
export function minutesLeft(now: number, until: number): number {
  return Math.max(0, Math.ceil((until - now) / 60_000));
}
