import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "../../src/domain/decimal.ts";
import { currency, formatMoney, parseMoney } from "../../src/domain/money.ts";

describe("decimal text and scaled integers", () => {
  it("parses provider prices exactly, without floating point drift", () => {
    expect(parseScaled("17.15", 6)).toBe(17_150_000);
    expect(parseScaled(17.15, 6)).toBe(17_150_000);
    expect(parseScaled("0.0000001", 6, "up")).toBe(1);
    expect(parseScaled("0.0000001", 6, "down")).toBe(0);
    expect(parseScaled("1.2345678", 6)).toBeNull();
    expect(parseScaled("1e3", 6)).toBeNull();
    expect(parseScaled("abc", 2)).toBeNull();
    expect(parseScaled("-2.5", 2)).toBe(-250);
  });

  it("formats scaled integers back to text", () => {
    expect(formatScaled(17_150_000, 6)).toBe("17.15");
    expect(formatScaled(5, 2, 2)).toBe("0.05");
    expect(formatScaled(-250, 2, 2)).toBe("-2.50");
    expect(formatScaled(100, 0)).toBe("100");
  });
});

describe("shop money", () => {
  it("knows each currency's minor units", () => {
    expect(currency("usd")).toEqual({ code: "USD", minorDigits: 2 });
    expect(currency("JPY")).toEqual({ code: "JPY", minorDigits: 0 });
  });

  it("formats minor units for each language", () => {
    expect(formatMoney(1050, currency("USD"), "en")).toBe("$10.50");
    expect(formatMoney(0, currency("USD"), "en")).toBe("$0.00");
    expect(formatMoney(123456, currency("RUB"), "ru").replace(/\s/g, " ")).toBe("1 234,56 ₽");
  });

  it("parses what a user types, refusing anything that is not an exact amount", () => {
    const usd = currency("USD");
    expect(parseMoney("10", usd)).toBe(1000);
    expect(parseMoney("10,5", usd)).toBe(1050);
    expect(parseMoney(" 0.01 ", usd)).toBe(1);
    expect(parseMoney("0.001", usd)).toBeNull();
    expect(parseMoney("-5", usd)).toBeNull();
    expect(parseMoney("abc", usd)).toBeNull();
  });
});
