import { formatScaled, parseScaled } from "./decimal.ts";

/**
 * The shop's currency. Amounts are integers in its minor units (cents for USD, kopecks for RUB);
 * this module is the only place that turns them into text or text into them.
 */
export interface Currency {
  /** ISO 4217 code, e.g. "USD", "RUB". */
  code: string;
  /** Digits after the decimal point (2 for USD and RUB, 0 for JPY). */
  minorDigits: number;
}

export function currency(code: string): Currency {
  const upper = code.toUpperCase();
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: upper }).resolvedOptions()
    .maximumFractionDigits;
  return { code: upper, minorDigits: digits ?? 2 };
}

export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Za-z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf("currency").includes(code.toUpperCase());
}

const formatters = new Map<string, Intl.NumberFormat>();

/** 1050 USD minor units -> "$10.50" (en) or "10,50 $" (ru). */
export function formatMoney(minor: number, cur: Currency, locale: string): string {
  const key = `${locale}:${cur.code}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: cur.code,
      minimumFractionDigits: cur.minorDigits,
      maximumFractionDigits: cur.minorDigits,
    });
    formatters.set(key, formatter);
  }
  // Intl formats from a decimal string exactly, so no float rounding can creep in.
  const text = formatScaled(minor, cur.minorDigits, cur.minorDigits);
  return formatter.format(text as unknown as number);
}

/** A user's "10.5" or "10,50" -> 1050; null when it is not an exact amount in this currency. */
export function parseMoney(text: string, cur: Currency): number | null {
  const normalised = text.trim().replace(",", ".");
  if (normalised.startsWith("-") || normalised.startsWith("+")) return null;
  return parseScaled(normalised, cur.minorDigits, "exact");
}
