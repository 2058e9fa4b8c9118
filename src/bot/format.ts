import type { Language } from "../domain/accounts.ts";
import { formatMoney } from "../domain/money.ts";
import type { FlowContext } from "./context.ts";

/**
 * The one place the bot turns money and times into text for a user, in their language. Times are
 * UTC: the bot does not know the user's time zone, and the texts say so.
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
