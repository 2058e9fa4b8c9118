import { afterEach, describe, expect, it } from "vitest";
import { KeyValue } from "../../src/db/keyValue.ts";
import { CatalogStore } from "../../src/domain/catalog.ts";
import { countryName, flagOf, serviceName } from "../../src/domain/catalogNames.ts";
import { alertFor, levelOf, ProviderBalanceWatch } from "../../src/domain/providerBalance.ts";
import type { PricingRules } from "../../src/domain/pricing.ts";
import { parseDenyList } from "../../src/domain/prohibited.ts";
import { catalogSyncJob, providerBalanceJob } from "../../src/jobs/providerJobs.ts";
import { createLogger } from "../../src/logger.ts";
import type { Catalog, ProviderResult } from "../../src/domain/numberProvider.ts";
import { fail, ok } from "../../src/domain/numberProvider.ts";
import { ADMIN_CHAT, testWorld, type TestWorld } from "../helpers/store.ts";

const rules: PricingRules = { rate: "0.012", markupPercent: "30", serviceMarkupPercent: {}, minMarginMinor: 5, shopMinorDigits: 2 };
const logger = createLogger("silent");

const snapshot: Catalog = {
  services: [
    { code: "tg", name: "Telegram" },
    { code: "wa", name: "WhatsApp" },
    { code: "zz", name: "Zebra Chat" },
    { code: "qw", name: "Qiwi" },
    { code: "sb", name: "Sberbank" },
    { code: "ds", name: "Discord" },
  ],
  countries: [
    { code: "0", name: "Russia", iso2: "RU" },
    { code: "2", name: "Kazakhstan", iso2: "KZ" },
    { code: "57", name: "Iran", iso2: "IR" },
    { code: "cr", name: "Crimea", iso2: null },
  ],
  offers: [
    { service: "tg", country: "0", costMicros: 20_000_000, stock: 100 },
    { service: "tg", country: "2", costMicros: 10_000_000, stock: 5 },
    { service: "tg", country: "57", costMicros: 1_000_000, stock: 999 },
    { service: "tg", country: "cr", costMicros: 1_000_000, stock: 999 },
    { service: "wa", country: "0", costMicros: 30_000_000, stock: 0 },
    { service: "wa", country: "2", costMicros: 30_000_000, stock: 7 },
    { service: "zz", country: "2", costMicros: 5_000_000, stock: 9000 },
    { service: "qw", country: "0", costMicros: 5_000_000, stock: 50 },
    { service: "sb", country: "2", costMicros: 5_000_000, stock: 50 },
    { service: "ds", country: "0", costMicros: 8_000_000, stock: 0 },
  ],
};

let world: TestWorld;
afterEach(() => world?.store.close());

function catalogStore(denyServices = "", denyCountries = "") {
  world = testWorld();
  return new CatalogStore(world.store.db, world.clock, rules, {
    services: parseDenyList(denyServices),
    countries: parseDenyList(denyCountries),
  });
}

describe("the catalog copy", () => {
  it("never stores Qiwi, banks, or numbers of sanctioned territories, whatever the provider lists (P2, P3)", () => {
    const catalog = catalogStore();
    const result = catalog.replace(snapshot);
    expect(result.forbidden).toBe(4);
    expect(catalog.service("qw")).toBeUndefined();
    expect(catalog.service("sb")).toBeUndefined();
    expect(catalog.country("57")).toBeUndefined();
    expect(catalog.country("cr")).toBeUndefined();
    expect(catalog.offersFor("tg").items.map((o) => o.countryCode)).toEqual(["2", "0"]);
  });

  it("honours the operator's own deny lists", () => {
    const catalog = catalogStore("zz", "KZ");
    catalog.replace(snapshot);
    expect(catalog.service("zz")).toBeUndefined();
    expect(catalog.offersFor("tg").items.map((o) => o.countryCode)).toEqual(["0"]);
  });

  it("lists popular services first, hides services with no stock, and finds a service by part of its name", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    expect(catalog.services().items.map((s) => s.code)).toEqual(["tg", "wa", "zz"]);
    expect(catalog.services({ search: "app" }).items.map((s) => s.code)).toEqual(["wa"]);
    expect(catalog.services({ search: "TELE" }).items.map((s) => s.code)).toEqual(["tg"]);
    expect(catalog.services({ search: "nothing like it" }).total).toBe(0);
  });

  it("pages services and countries", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    const first = catalog.services({ pageSize: 2 });
    const second = catalog.services({ pageSize: 2, page: 1 });
    expect([first.pages, first.items.length, second.items.length]).toEqual([2, 2, 1]);
    expect(catalog.services({ pageSize: 2, page: 99 }).page).toBe(1);
  });

  it("stores retail prices in the shop currency, cheapest country first", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    const offers = catalog.offersFor("tg").items;
    expect(offers.map((o) => [o.countryCode, o.price])).toEqual([
      ["2", 17], // 10 * 0.012 = 12 cents, +30% = 15.6 -> 16, but cost + 5 cents minimum margin = 17
      ["0", 32], // 20 * 0.012 = 24 cents, +30% = 31.2 -> 32
    ]);
  });

  it("a sync replaces the whole catalog: what the provider stopped selling disappears", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    catalog.replace({ ...snapshot, offers: snapshot.offers.filter((o) => o.service !== "wa") });
    expect(catalog.service("wa")).toBeUndefined();
  });

  it("an out-of-stock answer at purchase hides the pair until the next sync", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    catalog.markOutOfStock("wa", "2");
    expect(catalog.offersFor("wa").total).toBe(0);
    expect(catalog.services().items.map((s) => s.code)).not.toContain("wa");
  });
});

describe("names and flags in both languages", () => {
  it("shows country names in English and Russian with their flags", () => {
    expect(countryName({ name: "kazakhstan", iso2: "KZ" }, "en")).toBe("Kazakhstan");
    expect(countryName({ name: "kazakhstan", iso2: "KZ" }, "ru")).toBe("Казахстан");
    expect(countryName({ name: "Somewhere", iso2: null }, "ru")).toBe("Somewhere");
    expect(flagOf("KZ")).toBe("🇰🇿");
    expect(flagOf(null)).toBe("🏳️");
  });

  it("gives brands their Russian form where they have one", () => {
    expect(serviceName("Yandex", "ru")).toBe("Яндекс");
    expect(serviceName("Yandex", "en")).toBe("Yandex");
    // Providers' spellings shown as people know the brands, in both languages.
    expect(serviceName("google,youtube,Gmail", "en")).toBe("Google, YouTube, Gmail");
    expect(serviceName("google,youtube,Gmail", "ru")).toBe("Google, YouTube, Gmail");
    expect(serviceName("whatsapp", "en")).toBe("WhatsApp");
    expect(serviceName("openai", "ru")).toBe("OpenAI");
    expect(serviceName("Telegram", "ru")).toBe("Telegram");
  });
});

describe("catalog sync job", () => {
  it("copies the catalog, and keeps the last good one when the provider fails", async () => {
    const catalog = catalogStore();
    let answer: ProviderResult<Catalog> = ok(snapshot);
    const job = catalogSyncJob({ name: "stub", getCatalog: async () => answer }, catalog, 10, logger);
    await job.run(0);
    expect(catalog.services().total).toBe(3);
    answer = fail("temporary", "timeout");
    expect(await job.run(0)).toEqual({ failed: "temporary" });
    expect(catalog.services().total).toBe(3);
  });
});

describe("provider balance alerts: once per crossing, never on every tick", () => {
  it("classifies the balance against the threshold", () => {
    expect(levelOf(200_000_000, 100_000_000)).toBe("ok");
    expect(levelOf(100_000_000, 100_000_000)).toBe("low");
    expect(levelOf(0, 100_000_000)).toBe("exhausted");
    expect(alertFor("ok", "low")).toBe("provider-balance-low");
    expect(alertFor("low", "low")).toBeNull();
    expect(alertFor("exhausted", "low")).toBeNull();
    expect(alertFor("low", "ok")).toBe("provider-balance-recovered");
  });

  it("tells the admins once when the balance falls, once when it runs out, once when it recovers, and not again after a restart", async () => {
    world = testWorld();
    let micros = 500_000_000;
    const provider = { name: "stub", getBalance: async () => ok({ micros }) };
    const makeJob = () =>
      providerBalanceJob(
        provider,
        new ProviderBalanceWatch(new KeyValue(world.store.db, "provider", world.clock), world.outbox, (fn) => world.ledger.write(fn)),
        100_000_000,
        logger,
      );
    const sent = () => world.queued().map((q) => (q.message.kind === "notice" ? q.message.key : q.message.kind));
    let job = makeJob();
    await job.run(0);
    micros = 90_000_000;
    await job.run(0);
    await job.run(0);
    job = makeJob(); // a restart
    await job.run(0);
    micros = 0;
    await job.run(0);
    await job.run(0);
    micros = 300_000_000;
    await job.run(0);
    expect(sent()).toEqual(["provider-balance-low", "provider-balance-exhausted", "provider-balance-recovered"]);
    expect(world.queued().every((q) => q.chatId === ADMIN_CHAT)).toBe(true);
  });
});

describe("searching in Russian", () => {
  it("finds brands by what Russian speakers type, even a prefix", () => {
    const catalog = catalogStore();
    catalog.replace(snapshot);
    expect(catalog.services({ search: "телеграм" }).items.map((s) => s.code)).toEqual(["tg"]);
    expect(catalog.services({ search: "теле" }).items.map((s) => s.code)).toEqual(["tg"]);
    expect(catalog.services({ search: "Ватсап" }).items.map((s) => s.code)).toEqual(["wa"]);
    expect(catalog.services({ search: "дискорд" }).total).toBe(0); // Discord has no stock here
    expect(catalog.services({ search: "я" }).total).toBe(0);
  });
});
