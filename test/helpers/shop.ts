import { createLogger } from "../../src/logger.ts";
import { Activations, type ActivationSettings } from "../../src/domain/activations.ts";
import { CatalogStore } from "../../src/domain/catalog.ts";
import { NO_EXTRA_DENIES } from "../../src/domain/prohibited.ts";
import { createSimulatorProvider, type SimulatorOptions } from "../../src/providers/simulator/index.ts";
import { testWorld, type TestWorld } from "./store.ts";

export const TEST_PRICING = { rate: "0.012", markupPercent: "30", serviceMarkupPercent: {}, minMarginMinor: 5, shopMinorDigits: 2 };

/** A shop over an in-memory database, with the simulator as provider and a synced catalog. */
export async function testShop(options: Partial<SimulatorOptions> = {}, settings: Partial<ActivationSettings> = {}) {
  const world: TestWorld = testWorld();
  let saved: string | null = null;
  const provider = createSimulatorProvider({
    seed: 3,
    now: world.clock,
    store: { load: () => saved, save: (json) => (saved = json) },
    smsDelayMs: 3_600_000, // SMS arrive only when a test delivers them
    noSmsRate: 0,
    earlyCancelMs: 0,
    ...options,
  });
  const catalog = new CatalogStore(world.store.db, world.clock, TEST_PRICING, NO_EXTRA_DENIES);
  const snapshot = await provider.getCatalog();
  if (!snapshot.ok) throw new Error(snapshot.failure.message);
  catalog.replace(snapshot.value);
  const activations = new Activations({
    logger: createLogger("silent"),
    db: world.store.db,
    ledger: world.ledger,
    catalog,
    provider,
    outbox: world.outbox,
    clock: world.clock,
    settings: {
      ttlMs: 20 * 60_000,
      reminderAfterMs: 5 * 60_000,
      abuse: { limit: 3, windowMs: 60 * 60_000, suspendMs: 2 * 60 * 60_000 },
      ...settings,
    },
  });
  const userWithMoney = (amount = 1_000) => {
    const userId = world.newUser();
    if (amount > 0) world.ledger.credit({ userId, amount, kind: "topup", ref: { type: "test", id: String(userId) }, idempotencyKey: `seed:${userId}` });
    return userId;
  };
  return { ...world, provider, catalog, activations, userWithMoney };
}
