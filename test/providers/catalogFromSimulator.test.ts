import { afterEach, describe, expect, it } from "vitest";
import { CatalogStore } from "../../src/domain/catalog.ts";
import { NO_EXTRA_DENIES } from "../../src/domain/prohibited.ts";
import { createSimulatorProvider } from "../../src/providers/simulator/index.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

describe("the simulator's catalog, as the shop stores it", () => {
  it("offers dozens of services in about twenty countries, and none of the forbidden ones the simulator lists (P2, P3)", async () => {
    world = testWorld();
    let saved: string | null = null;
    const simulator = createSimulatorProvider({ seed: 7, now: world.clock, store: { load: () => saved, save: (json) => (saved = json) } });
    const catalog = new CatalogStore(
      world.store.db,
      world.clock,
      { rate: "0.012", markupPercent: "30", serviceMarkupPercent: {}, minMarginMinor: 5, shopMinorDigits: 2 },
      NO_EXTRA_DENIES,
    );
    const snapshot = await simulator.getCatalog();
    if (!snapshot.ok) throw new Error(snapshot.failure.message);
    const listed = snapshot.value;
    expect(listed.services.map((s) => s.name)).toEqual(expect.arrayContaining(["Qiwi", "WebMoney"]));
    expect(listed.countries.map((c) => c.iso2)).toEqual(expect.arrayContaining(["IR", "CU", "SY"]));

    const result = catalog.replace(listed);
    expect(result.forbidden).toBeGreaterThan(0);
    expect(result.services).toBeGreaterThanOrEqual(35);
    expect(result.countries).toBeGreaterThanOrEqual(18);
    const sold = catalog.services({ pageSize: 500 }).items.map((s) => s.name.toLowerCase());
    expect(sold.filter((name) => /qiwi|webmoney|bank/.test(name))).toEqual([]);
    const countries = new Set(catalog.offersFor("tg", { pageSize: 500 }).items.map((o) => o.country.iso2));
    for (const iso of ["IR", "CU", "SY", "SD", "KP"]) expect(countries.has(iso)).toBe(false);
    expect(catalog.services().items[0]?.name).toBe("Telegram");
  });
});
