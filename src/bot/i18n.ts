import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import { languageFromTelegram, LANGUAGES, type Language } from "../domain/accounts.ts";
import type { BotContext } from "./context.ts";

const LOCALES_DIR = fileURLToPath(new URL("./locales", import.meta.url));

/**
 * English and Russian, from Fluent files in ./locales. The account's language wins (it follows
 * Telegram's language_code until the user picks one in Settings). Isolation marks are off: they
 * would end up inside numbers and codes that users copy.
 */
export function createI18n(): I18n<BotContext> {
  const i18n = new I18n<BotContext>({
    defaultLocale: "en",
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => ctx.account?.language ?? languageFromTelegram(ctx.from?.language_code),
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  // Every translation (ctx.t and i18n.t) goes through here: identifiers are shown as written.
  const translate = i18n.fluent.translate.bind(i18n.fluent);
  i18n.fluent.translate = (locales, path, context) => translate(locales, path, context && identifiersAsText(context));
  for (const language of LANGUAGES) {
    if (!i18n.locales.includes(language)) throw new Error(`locale file for ${language} is missing`);
  }
  return i18n;
}

/**
 * Variables that carry identifiers (an activation, an account, a Telegram user), never amounts:
 * Fluent would format a number as "12,345"; an id must read "12345".
 */
const IDENTIFIERS = new Set(["id", "account", "accountId", "admin", "telegramId", "entry", "providerId", "broadcast"]);

function identifiersAsText<T extends Record<string, unknown>>(context: T): T {
  const out: Record<string, unknown> = { ...context };
  for (const name of IDENTIFIERS) if (typeof out[name] === "number") out[name] = String(out[name]);
  return out as T;
}

/** A translator for one reader: the one translator type of the chat code. */
export type Translate = (key: string, variables?: Record<string, string | number>) => string;
/** Translates into any language (for messages rendered outside an update). */
export type TranslateIn = (language: Language, key: string, variables?: Record<string, string | number>) => string;

/** A translator for one language, for messages sent outside an update (jobs, admin notices). */
export function translatorFor(i18n: I18n<BotContext>, language: Language): Translate {
  return (key, variables) => i18n.t(language, key, variables);
}
