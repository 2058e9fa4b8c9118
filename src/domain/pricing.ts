import { parseScaled } from "./decimal.ts";

/**
 * Retail prices. A provider's cost (integer millionths of its currency) is converted to the shop's
 * currency at a configured rate, marked up by a percentage (with per-service overrides), kept at
 * least a minimum margin above cost, and rounded UP to the shop's minor unit — the shop never
 * sells below cost because of rounding. All arithmetic is exact (BigInt), never floating point.
 */

/** Rates are kept as integers at this scale: "0.012345678" -> 12_345_678n. */
const RATE_SCALE = 9;
const MICROS = 1_000_000n;

export interface PricingRules {
  /** Shop currency units per one provider currency unit, as exact decimal text ("0.012"). */
  rate: string;
  /** Markup in percent of the converted cost, decimal text allowed ("30", "12.5"). */
  markupPercent: string;
  /** Per-service markup overrides, by provider service code. */
  serviceMarkupPercent: Readonly<Record<string, string>>;
  /** Minimum margin above the converted cost, in shop minor units. */
  minMarginMinor: number;
  /** The shop currency's minor digits (2 for USD). */
  shopMinorDigits: number;
}

export interface PricingError {
  field: string;
  message: string;
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  if (numerator <= 0n) return numerator / denominator;
  return (numerator + denominator - 1n) / denominator;
}

function scaled(text: string, field: string): bigint {
  const value = parseScaled(text, RATE_SCALE, "exact");
  if (value === null || value < 0) throw new RangeError(`${field}: expected a non-negative decimal number, got "${text}"`);
  return BigInt(value);
}

/** Checks every number in the rules once, at start-up, so that pricing itself never fails. */
export function validatePricingRules(rules: PricingRules): PricingError[] {
  const errors: PricingError[] = [];
  const check = (field: string, text: string) => {
    try {
      scaled(text, field);
    } catch (error) {
      errors.push({ field, message: (error as Error).message });
    }
  };
  check("rate", rules.rate);
  if (errors.length === 0 && scaled(rules.rate, "rate") === 0n) errors.push({ field: "rate", message: "rate: must be above zero" });
  check("markupPercent", rules.markupPercent);
  for (const [service, percent] of Object.entries(rules.serviceMarkupPercent)) check(`markup for ${service}`, percent);
  if (!Number.isSafeInteger(rules.minMarginMinor) || rules.minMarginMinor < 0) {
    errors.push({ field: "minMarginMinor", message: "minimum margin: expected a non-negative amount" });
  }
  return errors;
}

/** The provider's cost converted to shop minor units, rounded up. */
export function costInShopMinor(costMicros: number, rules: PricingRules): number {
  const minorPerUnit = 10n ** BigInt(rules.shopMinorDigits);
  const rate = scaled(rules.rate, "rate");
  // costMicros / 1e6 units * rate / 1e9 * 10^digits minor units
  return Number(ceilDiv(BigInt(costMicros) * rate * minorPerUnit, MICROS * 10n ** BigInt(RATE_SCALE)));
}

/** The price the user pays for one activation of `service` whose provider cost is `costMicros`. */
export function retailPrice(costMicros: number, service: string, rules: PricingRules): number {
  if (!Number.isSafeInteger(costMicros) || costMicros < 0) throw new RangeError(`cost must be a non-negative integer, got ${costMicros}`);
  const minorPerUnit = 10n ** BigInt(rules.shopMinorDigits);
  const rate = scaled(rules.rate, "rate");
  const percent = scaled(rules.serviceMarkupPercent[service] ?? rules.markupPercent, "markup");
  const hundredPercent = 100n * 10n ** BigInt(RATE_SCALE);
  // cost * rate * (100% + markup) in minor units, as one fraction, rounded up once at the end.
  const numerator = BigInt(costMicros) * rate * minorPerUnit * (hundredPercent + percent);
  const denominator = MICROS * 10n ** BigInt(RATE_SCALE) * hundredPercent;
  const marked = Number(ceilDiv(numerator, denominator));
  const floor = costInShopMinor(costMicros, rules) + rules.minMarginMinor;
  return Math.max(marked, floor, 1);
}

/** "tg:50, wa:40" -> { tg: "50", wa: "40" }; null when malformed. */
export function parseServiceMarkups(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  if (text.trim() === "") return out;
  for (const part of text.split(",")) {
    const match = /^\s*([\w.-]+)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match) return null;
    out[match[1]!] = match[2]!;
  }
  return out;
}

/**
 * What a payment of `stars` Telegram Stars adds to the balance: stars x rate (shop currency per
 * Star), rounded DOWN to the minor unit — the shop never credits more than it was paid.
 */
export function starsToShopMinor(stars: number, ratePerStar: string, shopMinorDigits: number): number {
  if (!Number.isSafeInteger(stars) || stars <= 0) throw new RangeError(`stars must be a positive integer, got ${stars}`);
  const rate = scaled(ratePerStar, "stars rate");
  return Number((BigInt(stars) * rate * 10n ** BigInt(shopMinorDigits)) / 10n ** BigInt(RATE_SCALE));
}
