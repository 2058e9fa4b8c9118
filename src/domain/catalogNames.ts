import type { Language } from "./accounts.ts";
import { normaliseName } from "./prohibited.ts";

/**
 * How services and countries are shown: country names in each language from the ISO code (the
 * runtime's ICU data, so no hand-kept translation table), flags from the code, service names from
 * the provider with a Russian form where the brand has one.
 */

const regionNames: Record<Language, Intl.DisplayNames> = {
  en: new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }),
  ru: new Intl.DisplayNames(["ru"], { type: "region", fallback: "none" }),
};

/** 🇰🇿 from "KZ"; a white flag when the country is unknown. */
export function flagOf(iso2: string | null): string {
  if (iso2 === null || !/^[A-Za-z]{2}$/.test(iso2)) return "🏳️";
  const base = 0x1f1e6;
  const upper = iso2.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0) - 65, base + upper.charCodeAt(1) - 65);
}

export function countryName(country: { name: string; iso2: string | null }, language: Language): string {
  if (country.iso2 !== null) {
    try {
      const localised = regionNames[language].of(country.iso2.toUpperCase());
      if (localised) return localised;
    } catch {
      // Not a valid region code: fall back to the provider's name.
    }
  }
  return country.name;
}

/** Russian names where the brand is written differently; every other brand reads the same. */
const SERVICE_NAMES_RU: Readonly<Record<string, string>> = {
  other: "Другой сервис",
  "any other": "Другой сервис",
  yandex: "Яндекс",
  vk: "ВКонтакте",
  vkontakte: "ВКонтакте",
  avito: "Авито",
  ozon: "Ozon",
  "mail.ru": "Mail.ru",
  gosuslugi: "Госуслуги",
  "yandex go": "Яндекс Go",
  "yandex eda": "Яндекс Еда",
  wildberries: "Wildberries",
  "delivery club": "Delivery Club",
  mts: "МТС",
  megafon: "МегаФон",
  beeline: "Билайн",
};

/**
 * Brands as people write them, for the services bought most; providers send "google,youtube,Gmail",
 * "whatsapp", "openai". Keys are normalised names.
 */
const BRANDS: Readonly<Record<string, string>> = {
  telegram: "Telegram",
  whatsapp: "WhatsApp",
  google: "Google",
  youtube: "YouTube",
  gmail: "Gmail",
  openai: "OpenAI",
  chatgpt: "ChatGPT",
  instagram: "Instagram",
  facebook: "Facebook",
  tiktok: "TikTok",
  discord: "Discord",
  twitter: "Twitter",
  microsoft: "Microsoft",
  vk: "VK",
  vkontakte: "VKontakte",
  linkedin: "LinkedIn",
  paypal: "PayPal",
  wechat: "WeChat",
  amazon: "Amazon",
  apple: "Apple",
  uber: "Uber",
  airbnb: "Airbnb",
  netflix: "Netflix",
  steam: "Steam",
  viber: "Viber",
  signal: "Signal",
  snapchat: "Snapchat",
  tinder: "Tinder",
};

/** "google,youtube,Gmail" -> "Google, YouTube, Gmail"; other names unchanged but for the spacing after commas. */
function brandName(name: string): string {
  return name
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => BRANDS[normaliseName(part)] ?? part)
    .join(", ");
}

export function serviceName(name: string, language: Language): string {
  if (language === "ru") {
    const russian = SERVICE_NAMES_RU[normaliseName(name)];
    if (russian) return russian;
  }
  return brandName(name);
}

/**
 * The services people buy most, most popular first; they lead the list. Matched by normalised
 * name so that it works for every provider's codes.
 */
const POPULAR: readonly string[] = [
  "telegram",
  "whatsapp",
  "google",
  "google,youtube,gmail",
  "openai",
  "chatgpt",
  "instagram",
  "facebook",
  "tiktok",
  "discord",
  "twitter",
  "x",
  "microsoft",
  "vk",
  "vkontakte",
  "yandex",
  "amazon",
  "apple",
  "viber",
  "wechat",
  "steam",
  "tinder",
  "uber",
  "avito",
  "ozon",
  "wildberries",
  "other",
];
export const UNRANKED = 1_000;

export function popularityRank(name: string): number {
  const key = normaliseName(name);
  const exact = POPULAR.indexOf(key);
  if (exact >= 0) return exact;
  // "Google, YouTube, Gmail" and "Google (Gmail)" rank as Google.
  const first = key.split(/[\s,(/]+/)[0] ?? key;
  const byFirstWord = POPULAR.indexOf(first);
  return byFirstWord >= 0 ? byFirstWord : UNRANKED;
}

/**
 * What Russian speakers type for popular brands, mapped to the provider's (English) names, so that
 * "телеграм" or "ватсап" finds the service. Matched on prefixes: "теле" is enough.
 */
const RUSSIAN_SEARCH: ReadonlyArray<[string, string]> = [
  ["телеграм", "telegram"],
  ["телега", "telegram"],
  ["ватсап", "whatsapp"],
  ["вотсап", "whatsapp"],
  ["вацап", "whatsapp"],
  ["гугл", "google"],
  ["ютуб", "youtube"],
  ["инстаграм", "instagram"],
  ["инста", "instagram"],
  ["фейсбук", "facebook"],
  ["тикток", "tiktok"],
  ["дискорд", "discord"],
  ["твиттер", "twitter"],
  ["вконтакте", "vk"],
  ["вк", "vk"],
  ["яндекс", "yandex"],
  ["авито", "avito"],
  ["озон", "ozon"],
  ["вайлдберриз", "wildberries"],
  ["вайбер", "viber"],
  ["вичат", "wechat"],
  ["стим", "steam"],
  ["тиндер", "tinder"],
  ["убер", "uber"],
  ["амазон", "amazon"],
  ["майкрософт", "microsoft"],
  ["эпл", "apple"],
  ["чатгпт", "openai"],
  ["другое", "other"],
];

/** The English names a typed search may mean: the text itself, plus brands whose Russian name starts with it. */
export function searchTerms(query: string): string[] {
  const text = query.trim().toLowerCase();
  if (text === "") return [];
  const terms = new Set([text]);
  for (const [russian, english] of RUSSIAN_SEARCH) {
    if (text.length >= 2 && (russian.startsWith(text) || text.startsWith(russian))) terms.add(english);
  }
  for (const [english, russian] of Object.entries(SERVICE_NAMES_RU)) {
    if (russian.toLowerCase().startsWith(text)) terms.add(english);
  }
  return [...terms];
}
