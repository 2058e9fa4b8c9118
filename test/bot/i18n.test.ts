import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/bot/i18n.ts";

describe("translations: the locale match is remembered, the answers stay the same (issue 15)", () => {
  it("translates into each language, again and again, and an unknown locale falls back to English", () => {
    const i18n = createI18n();
    for (let round = 0; round < 3; round++) {
      expect(i18n.t("en", "menu-balance")).toBe("💰 Balance");
      expect(i18n.t("ru", "menu-balance")).toBe("💰 Баланс");
      expect(i18n.t("de", "menu-balance")).toBe("💰 Balance");
    }
  });
});
