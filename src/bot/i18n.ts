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
  for (const language of LANGUAGES) {
    if (!i18n.locales.includes(language)) throw new Error(`locale file for ${language} is missing`);
  }
  return i18n;
}

/** A translator for one reader: the one translator type of the chat code. */
export type Translate = (key: string, variables?: Record<string, string | number>) => string;
/** Translates into any language (for messages rendered outside an update). */
export type TranslateIn = (language: Language, key: string, variables?: Record<string, string | number>) => string;

/** A translator for one language, for messages sent outside an update (jobs, admin notices). */
export function translatorFor(i18n: I18n<BotContext>, language: Language): Translate {
  return (key, variables) => i18n.t(language, key, variables);
}
