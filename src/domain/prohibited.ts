/**
 * POLICY P2 and P3: what the shop never offers, whatever the provider lists. Services are matched
 * by code and by name (codes differ between providers, names give banks away); countries by ISO
 * code and by name. Operators extend both lists in the settings (DENY_SERVICES, DENY_COUNTRIES).
 */

/** P2: Qiwi, WebMoney and any bank. Matched against a normalised service name. */
const FORBIDDEN_SERVICE_NAME_PATTERNS: readonly RegExp[] = [
  /\bqiwi\b/,
  /(?<![\p{L}\p{N}])киви(?![\p{L}\p{N}])/u,
  /\bweb\s?money\b/,
  /вебмани/,
  /\bbank/, // bank, banking, "Bank of ..."
  /bank\b/, // Sberbank, Alfabank, Rosbank, Tinkoff Bank
  /банк/,
  /\bsber/,
  /(?<![\p{L}\p{N}])сбер/u,
  /\btinkoff\b/,
  /тинькофф/,
  /\bt-bank\b/,
  /\bvtb\b/,
  /(?<![\p{L}\p{N}])втб(?![\p{L}\p{N}])/u,
  /\balfa[\s-]?(bank|click)\b/,
  /\braiffeisen/,
  /\bgazprom\s?bank/,
  /\brevolut\b/,
  /\bmonzo\b/,
  /\bn26\b/,
  /\bchase\b/,
  /\bwells\s?fargo\b/,
  /\bbarclays\b/,
  /\bhsbc\b/,
  /\bsantander\b/,
  /\bcitibank\b/,
  /\bmonobank\b/,
  /\bprivat\s?24\b/,
];

/** P3: countries and territories under the sanctions the operator names. */
const SANCTIONED_ISO2: ReadonlySet<string> = new Set(["IR", "SD", "KP", "SY", "CU"]);
const SANCTIONED_NAMES: ReadonlySet<string> = new Set([
  "iran",
  "islamic republic of iran",
  "iran, islamic republic of",
  "sudan",
  "north korea",
  "northkorea",
  "korea, democratic people's republic of",
  "democratic people's republic of korea",
  "dprk",
  "syria",
  "syrian arab republic",
  "cuba",
  "crimea",
  "republic of crimea",
  "иран",
  "судан",
  "северная корея",
  "кндр",
  "сирия",
  "куба",
  "крым",
]);

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_]+/g, " ").replace(/\s+/g, " ").trim();
}

export interface DenyLists {
  /** Operator's extra service codes or names (normalised, lower case). */
  services: readonly string[];
  /** Operator's extra country ISO codes or names (normalised, lower case). */
  countries: readonly string[];
}

export const NO_EXTRA_DENIES: DenyLists = { services: [], countries: [] };

/** Parses "qw, Some Service" into normalised entries. */
export function parseDenyList(text: string): string[] {
  return text
    .split(",")
    .map((item) => normaliseName(item))
    .filter((item) => item.length > 0);
}

export function isServiceForbidden(service: { code: string; name: string }, extra: DenyLists = NO_EXTRA_DENIES): boolean {
  const name = normaliseName(service.name);
  const code = normaliseName(service.code);
  if (extra.services.includes(code) || extra.services.includes(name)) return true;
  return FORBIDDEN_SERVICE_NAME_PATTERNS.some((pattern) => pattern.test(name) || pattern.test(code));
}

export function isCountryForbidden(
  country: { code: string; name: string; iso2: string | null },
  extra: DenyLists = NO_EXTRA_DENIES,
): boolean {
  const iso = country.iso2?.toUpperCase() ?? null;
  const name = normaliseName(country.name);
  const code = normaliseName(country.code);
  if (iso !== null && SANCTIONED_ISO2.has(iso)) return true;
  if (SANCTIONED_NAMES.has(name) || SANCTIONED_NAMES.has(code)) return true;
  if (iso !== null && extra.countries.includes(iso.toLowerCase())) return true;
  return extra.countries.includes(name) || extra.countries.includes(code);
}
