import { describe, expect, it } from "vitest";
import { costInShopMinor, parseServiceMarkups, retailPrice, validatePricingRules, type PricingRules } from "../../src/domain/pricing.ts";

const usd: PricingRules = { rate: "0.012", markupPercent: "30", serviceMarkupPercent: { tg: "50" }, minMarginMinor: 5, shopMinorDigits: 2 };

describe("retail prices: cost converted at the rate, marked up, never below cost plus the minimum margin, rounded up", () => {
  it("prices an ordinary provider cost (17.15 at 0.012, +30%: 26.754 cents -> 27)", () => {
    expect(costInShopMinor(17_150_000, usd)).toBe(21);
    expect(retailPrice(17_150_000, "wa", usd)).toBe(27);
  });

  it("uses a service's own markup when there is one (tg +50%)", () => {
    expect(retailPrice(1_000_000_000, "wa", usd)).toBe(1560);
    expect(retailPrice(1_000_000_000, "tg", usd)).toBe(1800);
  });

  it("keeps at least the minimum margin on cheap numbers, and never sells for nothing", () => {
    expect(retailPrice(1, "wa", usd)).toBe(6); // 1 cent of cost after rounding up, plus 5
    expect(retailPrice(0, "wa", usd)).toBe(5);
    expect(retailPrice(0, "wa", { ...usd, minMarginMinor: 0 })).toBe(1);
  });

  it("is exact where floating point is not: 1.1 at 0.1 with no markup is 11 cents, not 12", () => {
    const plain = { ...usd, rate: "0.1", markupPercent: "0", minMarginMinor: 0 };
    expect(Math.ceil(1.1 * 0.1 * 100)).toBe(12); // what a float-based shop would charge
    expect(retailPrice(1_100_000, "wa", plain)).toBe(11);
    expect(retailPrice(10_000_000, "wa", { ...plain, rate: "0.01" })).toBe(10);
  });

  it("rounds up a fraction of a minor unit however small", () => {
    const plain = { ...usd, rate: "1", markupPercent: "0", minMarginMinor: 0 };
    expect(retailPrice(10_000_001, "wa", plain)).toBe(1001);
  });

  it("works for a currency without minor units (JPY)", () => {
    const jpy: PricingRules = { rate: "1.5", markupPercent: "30", serviceMarkupPercent: {}, minMarginMinor: 1, shopMinorDigits: 0 };
    expect(retailPrice(17_150_000, "wa", jpy)).toBe(34); // 25.725 * 1.3 = 33.4425 -> 34
  });

  it("accepts fractional markups exactly (12.5%)", () => {
    const rules = { ...usd, rate: "1", markupPercent: "12.5", minMarginMinor: 0 };
    expect(retailPrice(8_000_000, "wa", rules)).toBe(900);
  });

  it("refuses a negative or fractional cost", () => {
    expect(() => retailPrice(-1, "wa", usd)).toThrow(RangeError);
    expect(() => retailPrice(1.5, "wa", usd)).toThrow(RangeError);
  });

  it("validates the rules once: a zero or malformed rate is reported", () => {
    expect(validatePricingRules(usd)).toEqual([]);
    expect(validatePricingRules({ ...usd, rate: "0" }).map((e) => e.field)).toEqual(["rate"]);
    expect(validatePricingRules({ ...usd, rate: "abc" }).map((e) => e.field)).toEqual(["rate"]);
  });

  it("parses per-service markups", () => {
    expect(parseServiceMarkups("tg:50, wa:12.5")).toEqual({ tg: "50", wa: "12.5" });
    expect(parseServiceMarkups("")).toEqual({});
    expect(parseServiceMarkups("tg=50")).toBeNull();
  });
});

describe("Stars to the shop currency", () => {
  it("credits stars x rate, rounded down so the shop never credits more than it was paid", async () => {
    const { starsToShopMinor } = await import("../../src/domain/pricing.ts");
    expect(starsToShopMinor(100, "0.013", 2)).toBe(130);
    expect(starsToShopMinor(1, "0.013", 2)).toBe(1); // 1.3 cents -> 1
    expect(starsToShopMinor(77, "0.0199", 2)).toBe(153); // 153.23 -> 153
    expect(starsToShopMinor(100, "1.5", 0)).toBe(150);
    expect(() => starsToShopMinor(0, "0.013", 2)).toThrow(RangeError);
    expect(() => starsToShopMinor(1.5, "0.013", 2)).toThrow(RangeError);
  });
});
