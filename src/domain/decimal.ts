/**
 * Exact decimal text <-> scaled integers, without floating point. Every amount that crosses a
 * boundary as text (a provider's "17.15", a user's "2.5") goes through here.
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * "17.15" at scale 6 -> 17150000. Digits beyond the scale make the text invalid unless `round`
 * says how to drop them. Returns null for anything that is not a plain decimal number.
 */
export function parseScaled(text: string | number, scale: number, round: "exact" | "up" | "down" = "exact"): number | null {
  const source = typeof text === "number" ? numberToPlainText(text) : text.trim();
  if (source === null) return null;
  const match = DECIMAL.exec(source);
  if (!match) return null;
  const [, sign, whole = "", fraction = ""] = match;
  const kept = fraction.slice(0, scale).padEnd(scale, "0");
  const dropped = fraction.slice(scale);
  let value = Number(whole + kept);
  if (/[1-9]/.test(dropped)) {
    if (round === "exact") return null;
    const negative = sign === "-";
    // "up" means towards +infinity, so that a cost is never under-counted.
    if ((round === "up" && !negative) || (round === "down" && negative)) value += 1;
  }
  if (!Number.isSafeInteger(value)) return null;
  return sign === "-" && value !== 0 ? -value : value;
}

/** A JSON number from a provider (17.15) as plain decimal text, or null if it is not finite. */
function numberToPlainText(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  // toString gives exponent form for very small or large values; toFixed(12) is exact enough
  // for any price a provider sends and keeps the text plain.
  const text = Math.abs(value) < 1e-6 || Math.abs(value) >= 1e21 ? value.toFixed(12) : String(value);
  return text.includes("e") ? null : text;
}

/** 17150000 at scale 6 -> "17.15" (no trailing zeros beyond `minDigits`). */
export function formatScaled(value: number, scale: number, minDigits = 0): string {
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  while (fraction.length > minDigits && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return (negative ? "-" : "") + whole + (fraction.length > 0 ? "." + fraction : "");
}
