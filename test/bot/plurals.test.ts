import { readFileSync } from "node:fs";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { LANGUAGES, type Language } from "../../src/domain/accounts.ts";

/*
 * Texts: wherever a count appears, the words around it follow the language's plural rules
 * (1 minute / 2 minutes; 1 минута, 2 минуты, 5 минут, 21 минута). Every message is rendered with
 * counts 1, 2, 5 and 21 in both languages, and each of those counts must land on a form written
 * for its plural category.
 */

/** Variables that hold a count of something. */
const COUNTS = new Set(["count", "minutes", "days", "total", "active", "ttl", "recipients", "skipped", "hours"]);

/**
 * Messages that show a count as a bare figure, with no word that agrees with it ("Page 2 of 5",
 * "SMS received: 3", "Sent 3 / 10"): no plural forms needed.
 */
const FIGURES = new Set([
  "buy-search-results",
  "buy-country-search-results",
  "card-sms-title",
  "card-sms-earlier",
  "orders-sms-count",
  "admin-ledger-problems",
  "admin-audit-title",
  "admin-order-sms-title",
  "admin-order-phone-title",
  "broadcast-progress",
  "broadcast-report-done",
  "broadcast-report-cancelled",
  "broadcast-preview",
  "broadcast-preview-copy",
  "broadcast-send-button",
  "broadcast-started",
  "admin-stats-period",
]);

interface Node {
  type?: string;
  name?: string;
  selector?: Node;
  variants?: { key: { type: string; value: string | number }; value: Pattern }[];
  star?: number;
}
type Pattern = string | (string | Node)[];

/** The count variables a pattern shows as text, and the selects on count variables it has. */
function walk(pattern: Pattern, shown: Set<string>, selects: Node[]): void {
  if (typeof pattern === "string") return;
  for (const part of pattern) {
    if (typeof part === "string") continue;
    if (part.type === "var" && part.name && COUNTS.has(part.name)) shown.add(part.name);
    if (part.type === "select") {
      if (part.selector?.type === "var" && part.selector.name && COUNTS.has(part.selector.name)) selects.push(part);
      for (const variant of part.variants ?? []) walk(variant.value, shown, selects);
    }
  }
}

function load(language: Language) {
  const source = readFileSync(new URL(`../../src/bot/locales/${language}.ftl`, import.meta.url), "utf8");
  const resource = new FluentResource(source);
  const bundle = new FluentBundle(language, { useIsolating: false });
  expect(bundle.addResource(resource)).toEqual([]);
  const messages = (resource as unknown as { body: { id: string; value: Pattern | null }[] }).body;
  return { bundle, messages };
}

describe("plural forms in every text (Fluent plural rules)", () => {
  for (const language of LANGUAGES) {
    it(`${language}: every count with words around it has a form for 1, 2, 5 and 21, and every message renders with them`, () => {
      const { bundle, messages } = load(language);
      const rules = new Intl.PluralRules(language);
      const problems: string[] = [];
      for (const message of messages) {
        if (message.value === null) continue;
        const shown = new Set<string>();
        const selects: Node[] = [];
        walk(message.value, shown, selects);
        const plural = new Set(selects.map((s) => s.selector?.name));
        for (const name of shown) {
          if (!plural.has(name) && !FIGURES.has(message.id)) problems.push(`${message.id}: $${name} is shown without plural forms`);
        }
        for (const select of selects) {
          const keys = (select.variants ?? []).map((v) => String(v.key.value));
          for (const n of [1, 2, 5, 21]) {
            const category = rules.select(n);
            if (!keys.includes(String(n)) && !keys.includes(category)) problems.push(`${message.id}: no “${category}” form of $${select.selector?.name} (for ${n})`);
          }
        }
        // Every message renders with these counts without an error.
        for (const n of [1, 2, 5, 21]) {
          const args: Record<string, string | number> = {};
          for (const name of ["count", "minutes", "days", "total", "active", "ttl", "recipients", "skipped", "hours", "sent", "blocked", "failed", "unsent", "page", "pages", "stars", "min", "max", "id", "account"]) args[name] = n;
          const errors: Error[] = [];
          const pattern = bundle.getMessage(message.id)?.value;
          if (pattern) bundle.formatPattern(pattern, args, errors);
          const realErrors = errors.filter((e) => !/Unknown variable/.test(e.message));
          if (realErrors.length > 0) problems.push(`${message.id} (${n}): ${realErrors.map((e) => e.message).join("; ")}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("renders 1 minute / 2 minutes and 1 минута, 2 минуты, 5 минут, 21 минута on the card", () => {
    const en = load("en").bundle;
    const ru = load("ru").bundle;
    const card = (bundle: FluentBundle, minutes: number) => {
      const pattern = bundle.getMessage("card-expires")?.value;
      return pattern ? bundle.formatPattern(pattern, { time: "12:00", minutes }) : "";
    };
    expect([1, 2].map((n) => card(en, n))).toEqual(["Valid until 12:00 · 1 minute left", "Valid until 12:00 · 2 minutes left"]);
    expect([1, 2, 5, 21].map((n) => card(ru, n))).toEqual([
      "Действует до 12:00 · осталась 1 минута",
      "Действует до 12:00 · осталось 2 минуты",
      "Действует до 12:00 · осталось 5 минут",
      "Действует до 12:00 · осталась 21 минута",
    ]);
  });
});

describe("identifiers in texts", () => {
  it("Telegram ids, account and activation numbers are never formatted as amounts", async () => {
    const { createI18n } = await import("../../src/bot/i18n.ts");
    const i18n = createI18n();
    const label = i18n.t("en", "admin-user-label", { id: 12345, name: "Ann", telegramId: 123456789 });
    expect(label).toContain("#12345");
    expect(label).toContain("123456789");
    expect(i18n.t("ru", "broadcast-started", { id: 4501, total: 1200, skipped: 3 })).toContain("#4501");
    // Counts keep the reader's grouping.
    expect(i18n.t("en", "broadcast-started", { id: 4501, total: 1200, skipped: 3 })).toContain("Recipients: 1,200");
  });
});
