import { readFileSync } from "node:fs";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { readableMemo } from "../../src/bot/features/history.ts";
import type { FlowContext } from "../../src/bot/context.ts";

/*
 * Issue 13: history lines are written in the reader's language when shown. The memos the shop
 * writes itself are stored in English (ledger entries never change) and translated on display;
 * an admin's own words are shown as written.
 */

function reader(language: "en" | "ru"): Pick<FlowContext, "t"> {
  const bundle = new FluentBundle(language, { useIsolating: false });
  bundle.addResource(new FluentResource(readFileSync(new URL(`../../src/bot/locales/${language}.ftl`, import.meta.url), "utf8")));
  return {
    t: ((key: string, vars?: Record<string, string | number>) => {
      const message = bundle.getMessage(key);
      if (!message?.value) throw new Error(`no message ${key}`);
      return bundle.formatPattern(message.value, vars);
    }) as FlowContext["t"],
  };
}

describe("the shop's own memos in the reader's language", () => {
  it("Russian: deletions, refund requests and rental days read in Russian; an admin's reason stays as written", () => {
    const ru = reader("ru");
    expect(readableMemo(ru, "account deleted at the user's request (B2)")).toBe("аккаунт удалён по вашей просьбе");
    expect(readableMemo(ru, "account deleted after inactivity (B3)")).toBe("аккаунт удалён после долгого бездействия");
    expect(readableMemo(ru, "refund request #12: 250 ⭐")).toBe("заявка на возврат №12: 250 ⭐ возвращены через Telegram");
    expect(readableMemo(ru, "refund request #3: outside the bot")).toBe("заявка на возврат №3, деньги возвращены вне бота");
    expect(readableMemo(ru, "📅 +77001234567 · Telegram · Kazakhstan · L1 day 2")).toBe("📅 +77001234567 · Telegram · Kazakhstan · возвращён день недоступности № 2");
    expect(readableMemo(ru, "📅 +77001234567 · Telegram · Kazakhstan · L2")).toBe("📅 +77001234567 · Telegram · Kazakhstan · номер отозван оператором связи, неиспользованное время возвращено");
    expect(readableMemo(ru, "📅 +77001234567 · Telegram · Kazakhstan · +24 h")).toBe("📅 +77001234567 · Telegram · Kazakhstan · продление на 24 часа");
    expect(readableMemo(ru, "Подарок от друга")).toBe("Подарок от друга");
  });

  it("English reads the same facts in English", () => {
    const en = reader("en");
    expect(readableMemo(en, "account deleted after inactivity (B3)")).toBe("account deleted after a long time unused");
    expect(readableMemo(en, "📅 +1555 · WhatsApp · USA · +1 h")).toBe("📅 +1555 · WhatsApp · USA · extended by 1 hour");
  });
});
