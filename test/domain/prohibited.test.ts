import { describe, expect, it } from "vitest";
import { isCountryForbidden, isServiceForbidden, parseDenyList } from "../../src/domain/prohibited.ts";

describe("POLICY P2: Qiwi, WebMoney and banks are never offered", () => {
  it.each([
    ["qw", "Qiwi"],
    ["qiwi", "QIWI Wallet"],
    ["wm", "WebMoney"],
    ["webmoney", "Web Money"],
    ["sb", "Sberbank"],
    ["tn", "Tinkoff Bank"],
    ["x1", "Alfa-Bank"],
    ["x2", "Bank of America"],
    ["x3", "Revolut"],
    ["x4", "Monobank"],
    ["x5", "Сбербанк Онлайн"],
    ["x6", "ВТБ"],
  ])("refuses %s (%s)", (code, name) => {
    expect(isServiceForbidden({ code, name })).toBe(true);
  });

  it.each([
    ["tg", "Telegram"],
    ["wa", "WhatsApp"],
    ["go", "Google, YouTube, Gmail"],
    ["ds", "Discord"],
    ["bb", "Bumble"],
    ["ot", "Other"],
  ])("sells %s (%s)", (code, name) => {
    expect(isServiceForbidden({ code, name })).toBe(false);
  });

  it("refuses what the operator adds, by code or by name", () => {
    const extra = { services: parseDenyList("ab, Some Casino"), countries: [] };
    expect(isServiceForbidden({ code: "ab", name: "Whatever" }, extra)).toBe(true);
    expect(isServiceForbidden({ code: "zz", name: "some  casino" }, extra)).toBe(true);
    expect(isServiceForbidden({ code: "tg", name: "Telegram" }, extra)).toBe(false);
  });
});

describe("POLICY P3: no numbers of sanctioned territories", () => {
  it.each([
    ["57", "Iran", "IR"],
    ["98", "Sudan", "SD"],
    ["kp", "North Korea", "KP"],
    ["110", "Syria", "SY"],
    ["113", "Cuba", "CU"],
    ["x", "Crimea", null],
    ["iran", "iran", null],
    ["northkorea", "northkorea", null],
    ["y", "Syrian Arab Republic", null],
  ])("refuses %s (%s)", (code, name, iso2) => {
    expect(isCountryForbidden({ code, name, iso2 })).toBe(true);
  });

  it.each([
    ["2", "Kazakhstan", "KZ"],
    ["ss", "South Sudan", "SS"],
    ["kr", "South Korea", "KR"],
    ["0", "Russia", "RU"],
  ])("sells %s (%s)", (code, name, iso2) => {
    expect(isCountryForbidden({ code, name, iso2 })).toBe(false);
  });

  it("refuses countries the operator adds, by ISO code or name", () => {
    const extra = { services: [], countries: parseDenyList("BY, Atlantis") };
    expect(isCountryForbidden({ code: "51", name: "Belarus", iso2: "BY" }, extra)).toBe(true);
    expect(isCountryForbidden({ code: "a", name: "Atlantis", iso2: null }, extra)).toBe(true);
    expect(isCountryForbidden({ code: "2", name: "Kazakhstan", iso2: "KZ" }, extra)).toBe(false);
  });
});
