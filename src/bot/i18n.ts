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
  rememberLocaleMatches(i18n);
  return i18n;
}

/**
 * The plugin negotiates the locale against every loaded bundle on each translation (a dozen
 * strings and arrays per call, several calls per update). The bundles are all loaded above and
 * never change, so each asked-for locale list gets one answer, remembered. Only a few lists can
 * be asked for (the account's language, "en" or "ru"); past 16 nothing more is kept. The plugin's
 * method is private, so this is checked by a test (test/bot/i18n.test.ts) that fails if it goes.
 */
function rememberLocaleMatches(i18n: I18n<BotContext>): void {
  const fluent = i18n.fluent as unknown as { matchBundles?: (locales: string[]) => Set<unknown> };
  const match = fluent.matchBundles?.bind(fluent);
  if (!match) throw new Error("@grammyjs/i18n no longer has Fluent.matchBundles: review rememberLocaleMatches");
  const matched = new Map<string, Set<unknown>>();
  fluent.matchBundles = (locales) => {
    const key = locales.join("\n");
    let bundles = matched.get(key);
    if (bundles === undefined) {
      bundles = match(locales);
      if (matched.size < 16) matched.set(key, bundles);
    }
    return bundles;
  };
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
