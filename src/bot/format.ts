import type { Language } from "../domain/accounts.ts";
import { formatMoney } from "../domain/money.ts";
import type { FlowContext } from "./context.ts";

/**
 * The one place the bot turns money and times into text for a user, in their language. Times are
 * shown in the user's time zone (Settings; a default from the language), and the texts name it
 * where a reader could take it for another (`zoneLabel`).
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

/** A clock time such as "12:20" / "12:20 PM", in a time zone (UTC unless given). */
export function clockTime(ms: number, language: Language, timeZone = "UTC"): string {
  return cached(`t:${language}:${timeZone}`, () => new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone })).format(ms);
}

/** A date and time, in a time zone (UTC unless given), for moments that may be on another day. */
export function dateTime(ms: number, language: Language, timeZone = "UTC"): string {
  return cached(`dt:${language}:${timeZone}`, () => new Intl.DateTimeFormat(language, { dateStyle: "short", timeStyle: "short", timeZone })).format(ms);
}

/** "15.01.2026, 15:00 GMT+3": a date and time in the user's zone, with the zone named. */
export function zonedDateTime(ms: number, language: Language, timeZone: string): string {
  return `${dateTime(ms, language, timeZone)} ${zoneLabel(ms, language, timeZone)}`;
}

/** The language and zone of the user an update comes from: what their times are written in. */
export function readerOf(ctx: FlowContext): { language: Language; timeZone: string } {
  return { language: ctx.account?.language ?? "en", timeZone: timeZoneOf(ctx.account) };
}

/** A date and time for the user an update comes from, in their zone (the zone named once, by the screen). */
export function userDateTime(ctx: FlowContext, ms: number): string {
  const { language, timeZone } = readerOf(ctx);
  return dateTime(ms, language, timeZone);
}

/**
 * The user's zone as they read it, for a screen's "times in ..." line: "UTC", or the name they
 * picked in Settings with today's offset, "Moscow (GMT+3)" (the city tells summer from winter time).
 */
export function userZone(ctx: FlowContext, style: "text" | "heading" = "text"): string {
  const { language, timeZone } = readerOf(ctx);
  const offset = zoneLabel(ctx.deps.clock(), language, timeZone);
  if (timeZone === "UTC") return offset;
  const index = TIME_ZONES.indexOf(timeZone);
  const name = index < 0 ? timeZone : ctx.t(`tz-${index}`);
  // A column heading goes inside parentheses already: "Date (Moscow GMT+3)".
  return style === "heading" ? `${name} ${offset}` : `${name} (${offset})`;
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
