import { afterEach, expect } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { Activations, type ActivationSettings } from "../../src/domain/activations.ts";
import { CatalogStore } from "../../src/domain/catalog.ts";
import type { NumberProvider } from "../../src/domain/numberProvider.ts";
import { NO_EXTRA_DENIES } from "../../src/domain/prohibited.ts";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { startFakeSmsActivate, type FakeSmsActivate, type FakeSmsActivateOptions } from "../fakes/smsActivateServer.ts";
import { TEST_PRICING } from "./shop.ts";
import { testWorld } from "./store.ts";

/**
 * The shop's domain over an in-memory database with the real sms-activate protocol code as its
 * provider, talking HTTP to the fake host, both on the test world's clock. For the stories where
 * what a host answers (its shapes, its clock, its prices, its garbage) meets the money.
 */
export interface HostShopOptions {
  host?: FakeSmsActivateOptions;
  /** The zone the bot believes the host's stamps are in (PROVIDER_UTC_OFFSET), minutes east of UTC. Default +180. */
  utcOffsetMinutes?: number;
  /** Per HTTP attempt. Default 1 s (a "timeout" fault then costs a second). */
  timeoutMs?: number;
  settings?: Partial<ActivationSettings>;
}

export async function hostShop(options: HostShopOptions = {}) {
  const world = testWorld();
  const host: FakeSmsActivate = await startFakeSmsActivate({ now: () => world.clock(), ...options.host });
  const makeProvider = (): NumberProvider =>
    createSmsActivateProvider({
      baseUrl: host.url,
      apiKey: host.apiKey,
      timeoutMs: options.timeoutMs ?? 1_000,
      now: world.clock,
      serverUtcOffsetMinutes: options.utcOffsetMinutes ?? 180,
    });
  const provider = makeProvider();
  const catalog = new CatalogStore(world.store.db, world.clock, TEST_PRICING, NO_EXTRA_DENIES);
  const snapshot = await provider.getCatalog();
  if (!snapshot.ok) throw new Error(snapshot.failure.message);
  catalog.replace(snapshot.value);
  const settings: ActivationSettings = {
    ttlMs: 20 * 60_000,
    reminderAfterMs: 5 * 60_000,
    abuse: { limit: 3, windowMs: 60 * 60_000, suspendMs: 2 * 60 * 60_000 },
    ...options.settings,
  };
  const build = (p: NumberProvider) =>
    new Activations({ logger: createLogger("silent"), db: world.store.db, ledger: world.ledger, catalog, provider: p, outbox: world.outbox, clock: world.clock, settings });
  const userWithMoney = (amount = 1_000) => {
    const userId = world.newUser();
    if (amount > 0) world.ledger.credit({ userId, amount, kind: "topup", ref: { type: "test", id: String(userId) }, idempotencyKey: `seed:${userId}` });
    return userId;
  };
  return {
    ...world,
    host,
    provider,
    catalog,
    activations: build(provider),
    /** The same shop after a restart: a new provider (nothing remembered) on the same database. */
    restarted: () => build(makeProvider()),
    userWithMoney,
    close: async () => {
      await host.close();
      world.store.close();
    },
  };
}

export type HostShop = Awaited<ReturnType<typeof hostShop>>;

/** The offer the host stories buy: Telegram in Kazakhstan (the fake host's codes). */
export const HOST_TG = { serviceCode: "tg", countryCode: "6" };

/** One host shop per test: the test opens it; after the test its ledger is checked and it is closed. */
export function hostShopPerTest(): { open(options?: HostShopOptions): Promise<HostShop> } {
  let current: HostShop | undefined;
  afterEach(async () => {
    const shop = current;
    current = undefined;
    if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
    await shop?.close();
  });
  return { open: async (options) => (current = await hostShop(options)) };
}

/** Reserves and buys Telegram on the host for the user; throws if either step fails. */
export async function boughtOnHost(s: HostShop, userId: number, orderKey: string) {
  const reserved = s.activations.reserve({ userId, ...HOST_TG, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  return outcome.activation;
}
