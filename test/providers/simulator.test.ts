import { describe, expect, it } from "vitest";
import {
  SIMULATOR_COUNTRIES,
  SIMULATOR_SERVICES,
  createSimulatorProvider,
  type SimulatorOptions,
  type SimulatorStore,
} from "../../src/providers/simulator/index.ts";
import type { ProviderFailure, ProviderResult } from "../../src/domain/numberProvider.ts";

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Clock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

function clockAt(start = START): Clock {
  let now = start;
  const clock = (() => now) as Clock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

function memoryStore(): SimulatorStore & { saves: number; json: string | null } {
  const store = {
    json: null as string | null,
    saves: 0,
    load: () => store.json,
    save: (json: string) => {
      store.json = json;
      store.saves += 1;
    },
  };
  return store;
}

function setup(overrides: Partial<SimulatorOptions> = {}) {
  const clock = clockAt();
  const store = memoryStore();
  const sim = createSimulatorProvider({ seed: 42, now: clock, store, noSmsRate: 0, ...overrides });
  return { sim, clock, store };
}

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

function failure<T>(result: ProviderResult<T>): ProviderFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.failure;
}

let orders = 0;
function order(service = "tg", country = "ru", extra: { maxCostMicros?: number } = {}) {
  orders += 1;
  return { service, country, orderId: `order-${orders}`, ...extra };
}

describe("simulator: determinism", () => {
  async function script(seed: number) {
    const { sim, clock } = setup({ seed, noSmsRate: 0.3 });
    const bought = [];
    for (const [service, country] of [["tg", "ru"], ["wa", "in"], ["go", "us"], ["ig", "br"], ["ds", "de"], ["tg", "kz"]] as const) {
      bought.push(value(await sim.buy({ service, country, orderId: `${service}-${country}` })));
      clock.advance(1_000);
    }
    clock.advance(MINUTE);
    return Promise.all(bought.map(async (activation) => value(await sim.getActivation(activation.id))));
  }

  it("gives the same numbers, codes and SMS texts for the same seed and the same calls", async () => {
    const first = await script(7);
    const second = await script(7);
    expect(second).toEqual(first);
    expect(first.some((activation) => activation.sms.length > 0)).toBe(true);
  });

  it("gives different numbers for a different seed", async () => {
    const first = await script(7);
    const other = await script(8);
    expect(other.map((a) => a.phone)).not.toEqual(first.map((a) => a.phone));
  });
});

describe("simulator: SMS delivery", () => {
  it("delivers the first SMS after the delay (within +-30%) and not before", async () => {
    const { sim, clock } = setup({ smsDelayMs: 15_000 });
    const bought = value(await sim.buy(order("tg", "ru")));
    expect(bought.state).toBe("waiting");
    expect(bought.sms).toEqual([]);

    clock.set(START + 10_499);
    const early = value(await sim.getActivation(bought.id));
    expect(early.state).toBe("waiting");
    expect(early.sms).toEqual([]);

    clock.set(START + 19_501);
    const later = value(await sim.getActivation(bought.id));
    expect(later.state).toBe("received");
    expect(later.sms).toHaveLength(1);
    const sms = later.sms[0]!;
    expect(sms.code).toMatch(/^\d{5}$/); // Telegram sends five digits
    expect(sms.text).toContain("Telegram");
    expect(sms.text).toContain(sms.code!);
    expect(sms.receivedAt).toBeGreaterThanOrEqual(START + 10_500);
    expect(sms.receivedAt).toBeLessThanOrEqual(START + 19_500);

    clock.advance(MINUTE);
    const again = value(await sim.getActivation(bought.id));
    expect(again.sms).toEqual(later.sms); // stable ids and texts
  });

  it("writes a realistic text naming each service, with a 5-6 digit code", async () => {
    const { sim, clock } = setup({ smsDelayMs: 1_000 });
    const cases = [["wa", "WhatsApp"], ["go", "Google"], ["ds", "Discord"], ["dr", "OpenAI"], ["am", "Amazon"], ["me", "Line"]] as const;
    const ids = [];
    for (const [service] of cases) ids.push(value(await sim.buy(order(service, "id"))).id);
    clock.advance(MINUTE);
    for (const [index, [, name]] of cases.entries()) {
      const sms = value(await sim.getActivation(ids[index]!)).sms[0]!;
      expect(sms.code).toMatch(/^\d{5,6}$/);
      expect(sms.text).toContain(name);
      expect(sms.text.replace(/-/g, "")).toContain(sms.code!); // WhatsApp writes 123-456
    }
  });

  it("never delivers an SMS to a no-SMS number, which then expires", async () => {
    const { sim, clock } = setup({ noSmsRate: 1 });
    const bought = value(await sim.buy(order("tg", "ru")));
    clock.set(START + 20 * MINUTE - 1);
    expect(value(await sim.getActivation(bought.id))).toMatchObject({ state: "waiting", sms: [] });
    clock.set(START + 20 * MINUTE);
    expect(value(await sim.getActivation(bought.id))).toMatchObject({ state: "expired", sms: [] });
  });

  it("leaves about the configured share of numbers without SMS", async () => {
    const { sim, clock } = setup({ noSmsRate: 0.1 });
    const ids = [];
    for (let i = 0; i < 200; i++) ids.push(value(await sim.buy(order("ot", "in"))).id);
    clock.advance(5 * MINUTE);
    const open = value(await sim.listOpenActivations())!;
    const silent = open.filter((activation) => activation.sms.length === 0).length;
    expect(open).toHaveLength(200);
    expect(silent).toBeGreaterThan(5);
    expect(silent).toBeLessThan(40);
  });

  it("delivers another SMS after requestAnotherSms, after the same delay", async () => {
    const { sim, clock } = setup({ smsDelayMs: 15_000 });
    const bought = value(await sim.buy(order("wa", "in")));
    expect(failure(await sim.requestAnotherSms(bought.id)).kind).toBe("invalid_state"); // no code yet
    clock.advance(MINUTE);
    const first = value(await sim.getActivation(bought.id)).sms;
    expect(first).toHaveLength(1);

    value(await sim.requestAnotherSms(bought.id));
    clock.advance(10_000);
    expect(value(await sim.getActivation(bought.id)).sms).toHaveLength(1);
    clock.advance(10_000);
    const both = value(await sim.getActivation(bought.id));
    expect(both.state).toBe("received");
    expect(both.sms).toHaveLength(2);
    expect(both.sms[0]).toEqual(first[0]);
    expect(both.sms[1]!.id).not.toBe(both.sms[0]!.id);
    expect(both.sms[1]!.code).toMatch(/^\d{6}$/);
  });

  it("lets a test push an SMS now, reading the code from a given text", async () => {
    const { sim } = setup({ noSmsRate: 1 });
    const bought = value(await sim.buy(order("tg", "ru")));
    const pushed = sim.deliverSms(bought.id, "Your code is 482913, do not share");
    expect(pushed).toMatchObject({ code: "482913", text: "Your code is 482913, do not share", receivedAt: START });
    const generated = sim.deliverSms(bought.id, undefined, "55555");
    expect(generated!.text).toContain("55555");
    expect(value(await sim.getActivation(bought.id))).toMatchObject({ state: "received" });
    expect(value(await sim.getActivation(bought.id)).sms.map((s) => s.code)).toEqual(["482913", "55555"]);
    expect(sim.deliverSms("nope")).toBeNull();
  });
});

describe("simulator: cancel, ban, finish, expiry", () => {
  it("refuses an early cancel with retryAt, then allows it and refunds the operator", async () => {
    const { sim, clock } = setup({ earlyCancelMs: 2 * MINUTE, noSmsRate: 1 });
    const balance = value(await sim.getBalance()).micros;
    const bought = value(await sim.buy(order("tg", "ru")));
    clock.advance(MINUTE);
    const refused = failure(await sim.cancel(bought.id));
    expect(refused).toMatchObject({ kind: "early_cancel", retryAt: START + 2 * MINUTE });
    expect(failure(await sim.ban(bought.id))).toMatchObject({ kind: "early_cancel", retryAt: START + 2 * MINUTE });
    expect(value(await sim.getActivation(bought.id)).state).toBe("waiting");

    clock.set(refused.retryAt!);
    value(await sim.cancel(bought.id));
    expect(value(await sim.getActivation(bought.id)).state).toBe("cancelled");
    expect(value(await sim.getBalance()).micros).toBe(balance);
    expect(failure(await sim.cancel(bought.id)).kind).toBe("invalid_state"); // already ended
  });

  it("allows a cancel at once by default", async () => {
    const { sim } = setup();
    const bought = value(await sim.buy(order("tg", "ru")));
    value(await sim.cancel(bought.id));
    expect(value(await sim.getActivation(bought.id)).state).toBe("cancelled");
  });

  it("refuses cancel and ban after a code, and finishes", async () => {
    const { sim, clock } = setup();
    const bought = value(await sim.buy(order("tg", "ru")));
    clock.advance(MINUTE);
    expect(value(await sim.getActivation(bought.id)).state).toBe("received");
    expect(failure(await sim.cancel(bought.id)).kind).toBe("invalid_state");
    expect(failure(await sim.ban(bought.id)).kind).toBe("invalid_state");
    value(await sim.finish(bought.id));
    expect(value(await sim.getActivation(bought.id)).state).toBe("finished");
    expect(failure(await sim.finish(bought.id)).kind).toBe("invalid_state");
    expect(failure(await sim.requestAnotherSms(bought.id)).kind).toBe("invalid_state");
  });

  it("refuses to finish an activation that has no code", async () => {
    const { sim } = setup({ noSmsRate: 1 });
    const bought = value(await sim.buy(order("tg", "ru")));
    expect(failure(await sim.finish(bought.id)).kind).toBe("invalid_state");
  });

  it("answers not_found for unknown ids", async () => {
    const { sim } = setup();
    const results: ProviderResult<unknown>[] = [
      await sim.getActivation("123"),
      await sim.cancel("123"),
      await sim.ban("123"),
      await sim.finish("123"),
      await sim.requestAnotherSms("123"),
      await sim.getRental("123"),
      await sim.extendRental("123", 24),
      await sim.finishRental("123"),
      await sim.cancelRental("123"),
    ];
    for (const result of results) {
      expect(failure(result).kind).toBe("not_found");
    }
  });

  it("bans before a code: banned, operator refunded, number not returned to stock", async () => {
    const { sim } = setup({ noSmsRate: 1 });
    sim.setStock("ig", "pl", 10);
    const balance = value(await sim.getBalance()).micros;
    const bought = value(await sim.buy(order("ig", "pl")));
    value(await sim.ban(bought.id));
    expect(value(await sim.getActivation(bought.id)).state).toBe("banned");
    expect(value(await sim.getBalance()).micros).toBe(balance);
    const offer = value(await sim.getCatalog()).offers.find((o) => o.service === "ig" && o.country === "pl");
    expect(offer!.stock).toBe(9);
  });

  it("finishes an activation with a code when its lifetime ends", async () => {
    const { sim, clock } = setup({ activationTtlMs: 20 * MINUTE });
    const balance = value(await sim.getBalance()).micros;
    const bought = value(await sim.buy(order("tg", "ru")));
    expect(bought.expiresAt).toBe(START + 20 * MINUTE);
    clock.advance(MINUTE);
    expect(value(await sim.getActivation(bought.id)).state).toBe("received");
    clock.set(START + 20 * MINUTE - 1);
    expect(value(await sim.listOpenActivations())).toHaveLength(1);
    clock.set(START + 20 * MINUTE);
    expect(value(await sim.getActivation(bought.id)).state).toBe("finished");
    expect(value(await sim.listOpenActivations())).toEqual([]);
    expect(value(await sim.getBalance()).micros).toBe(balance - bought.costMicros); // the code was delivered: paid
  });

  it("expires an activation without a code, refunding the operator and returning the number to stock", async () => {
    const { sim, clock } = setup({ noSmsRate: 1, activationTtlMs: 10 * MINUTE });
    sim.setStock("fb", "th", 50);
    const balance = value(await sim.getBalance()).micros;
    const bought = value(await sim.buy(order("fb", "th")));
    clock.set(START + 10 * MINUTE - 1);
    expect(value(await sim.getActivation(bought.id)).state).toBe("waiting");
    clock.set(START + 10 * MINUTE);
    expect(value(await sim.getActivation(bought.id)).state).toBe("expired");
    expect(value(await sim.getBalance()).micros).toBe(balance);
    expect(value(await sim.getCatalog()).offers.find((o) => o.service === "fb" && o.country === "th")!.stock).toBe(50);
    expect(failure(await sim.cancel(bought.id)).kind).toBe("invalid_state");
    expect(sim.deliverSms(bought.id)).toBeNull();
  });

  it("forgets ended activations a week after they end", async () => {
    const { sim, clock } = setup();
    const bought = value(await sim.buy(order("tg", "ru")));
    value(await sim.cancel(bought.id));
    clock.advance(7 * 24 * HOUR);
    expect(value(await sim.getActivation(bought.id)).state).toBe("cancelled");
    clock.advance(1);
    expect(failure(await sim.getActivation(bought.id)).kind).toBe("not_found");
  });
});

describe("simulator: stock, cost and balance", () => {
  it("decrements stock on buy, gives it back on cancel, and answers out_of_stock at 0", async () => {
    const { sim } = setup();
    const stockOf = async () => value(await sim.getCatalog()).offers.find((o) => o.service === "vk" && o.country === "ru")!.stock;
    const initial = await stockOf();
    expect(initial).toBeGreaterThan(1);
    const first = value(await sim.buy(order("vk", "ru")));
    expect(await stockOf()).toBe(initial - 1);
    value(await sim.cancel(first.id));
    expect(await stockOf()).toBe(initial);

    sim.setStock("vk", "ru", 1);
    value(await sim.buy(order("vk", "ru")));
    expect(await stockOf()).toBe(0);
    expect(failure(await sim.buy(order("vk", "ru"))).kind).toBe("out_of_stock");
  });

  it("has pairs out of stock from the start", async () => {
    const { sim } = setup();
    const catalog = value(await sim.getCatalog());
    const empty = catalog.offers.find((o) => o.stock === 0)!;
    expect(empty).toBeDefined();
    expect(failure(await sim.buy(order(empty.service, empty.country))).kind).toBe("out_of_stock");
  });

  it("refuses above maxCostMicros with out_of_stock, saying why", async () => {
    const { sim } = setup();
    const offer = value(await sim.getCatalog()).offers.find((o) => o.service === "tg" && o.country === "ru")!;
    const refused = failure(await sim.buy(order("tg", "ru", { maxCostMicros: offer.costMicros - 1 })));
    expect(refused.kind).toBe("out_of_stock");
    expect(refused.message).toMatch(/maximum cost/);
    const bought = value(await sim.buy(order("tg", "ru", { maxCostMicros: offer.costMicros })));
    expect(bought.costMicros).toBe(offer.costMicros);
  });

  it("answers bad_config for an unknown service or country, and out_of_stock for a pair it does not sell", async () => {
    const { sim } = setup();
    expect(failure(await sim.buy(order("zz", "ru"))).kind).toBe("bad_config");
    expect(failure(await sim.buy(order("tg", "zz"))).kind).toBe("bad_config");
    expect(failure(await sim.buy(order("av", "us"))).kind).toBe("out_of_stock"); // Avito is sold in Russia only
  });

  it("refuses a second buy with the same order id", async () => {
    const { sim } = setup();
    value(await sim.buy({ service: "tg", country: "ru", orderId: "same" }));
    expect(failure(await sim.buy({ service: "tg", country: "ru", orderId: "same" })).kind).toBe("invalid_state");
  });

  it("takes each buy's cost from the balance and answers no_balance when it runs out", async () => {
    const { sim } = setup({ balanceMicros: 1_000_000_000 });
    expect(value(await sim.getBalance()).micros).toBe(1_000_000_000);
    const bought = value(await sim.buy(order("tg", "ru")));
    expect(bought.costMicros).toBeGreaterThanOrEqual(5_000_000);
    expect(value(await sim.getBalance()).micros).toBe(1_000_000_000 - bought.costMicros);

    sim.setBalance(bought.costMicros - 1);
    expect(failure(await sim.buy(order("tg", "ru"))).kind).toBe("no_balance");
    sim.setBalance(0);
    expect(failure(await sim.buy(order("tg", "ru"))).kind).toBe("no_balance");
    sim.setBalance(bought.costMicros);
    value(await sim.buy(order("tg", "ru")));
    expect(value(await sim.getBalance()).micros).toBe(0);
  });
});

describe("simulator: numbers", () => {
  const formats: Record<string, RegExp> = {
    ru: /^79\d{9}$/,
    kz: /^77\d{9}$/,
    ua: /^380\d{9}$/,
    id: /^628\d{10}$/,
    ph: /^639\d{9}$/,
    in: /^91[6-9]\d{9}$/,
    vn: /^84[3789]\d{8}$/,
    br: /^55\d{2}9\d{8}$/,
    us: /^1[2-9]\d{2}[2-9]\d{6}$/,
    gb: /^447\d{9}$/,
    de: /^491[5-7]\d{8,9}$/,
    fr: /^33[67]\d{8}$/,
    pl: /^48\d{9}$/,
    nl: /^316\d{8}$/,
    tr: /^905\d{9}$/,
    eg: /^201[0125]\d{8}$/,
    ng: /^234[789]\d{9}$/,
    ke: /^254[17]\d{8}$/,
    th: /^66[689]\d{8}$/,
    my: /^601\d{8,9}$/,
    uz: /^998\d{9}$/,
    co: /^573\d{9}$/,
    mx: /^52\d{10}$/,
    ir: /^989\d{9}$/,
    cu: /^535\d{7}$/,
    sy: /^9639\d{8}$/,
  };

  it("gives every country numbers with its calling code and a plausible mobile length, digits only", async () => {
    const { sim } = setup({ noSmsRate: 1 });
    expect(Object.keys(formats).sort()).toEqual(SIMULATOR_COUNTRIES.map((c) => c.code).sort());
    for (const country of SIMULATOR_COUNTRIES) {
      for (let i = 0; i < 15; i++) {
        const bought = value(await sim.buy(order("ot", country.code)));
        expect(bought.phone, country.name).toMatch(formats[country.code]!);
        expect(bought.phone.startsWith(country.callingCode)).toBe(true);
      }
    }
  });

  it("never gives two open activations the same number", async () => {
    const { sim } = setup({ noSmsRate: 1 });
    for (let i = 0; i < 300; i++) value(await sim.buy(order("ot", "cu")));
    const phones = value(await sim.listOpenActivations())!.map((a) => a.phone);
    expect(phones).toHaveLength(300);
    expect(new Set(phones).size).toBe(300);
  });
});

describe("simulator: persistence", () => {
  it("continues where it stopped after a restart: same activations, SMS still arrive, ids not reused", async () => {
    const clock = clockAt();
    const store = memoryStore();
    const options = { seed: 5, now: clock, store, noSmsRate: 0, smsDelayMs: 15_000 };
    const first = createSimulatorProvider(options);
    const a = value(await first.buy(order("tg", "ru")));
    clock.advance(MINUTE);
    const b = value(await first.buy(order("wa", "in")));
    const savesBefore = store.saves;
    const balance = value(await first.getBalance()).micros;
    const before = value(await first.listOpenActivations());
    expect(store.saves).toBe(savesBefore); // reads that change nothing do not write
    expect(store.json).toContain(b.phone); // every change was saved

    // The second one comes up on the same store; its own seed no longer matters.
    const second = createSimulatorProvider({ ...options, seed: 999 });
    expect(value(await second.listOpenActivations())).toEqual(before);
    expect(value(await second.getBalance()).micros).toBe(balance);
    expect(value(await second.getActivation(b.id)).sms).toEqual([]);
    clock.advance(MINUTE);
    expect(value(await second.getActivation(b.id)).state).toBe("received");
    expect(value(await second.getActivation(a.id)).sms).toHaveLength(1);
    const c = value(await second.buy(order("tg", "ru")));
    expect([a.id, b.id]).not.toContain(c.id);
    expect(Number(c.id)).toBeGreaterThan(Number(b.id));
  });

  it("gives the same outcomes whether or not it restarted in between", async () => {
    async function run(restart: boolean) {
      const clock = clockAt();
      const store = memoryStore();
      const options = { seed: 11, now: clock, store, noSmsRate: 0.5 };
      let sim = createSimulatorProvider(options);
      const ids = [value(await sim.buy({ service: "tg", country: "ru", orderId: "1" })).id];
      if (restart) sim = createSimulatorProvider(options);
      ids.push(value(await sim.buy({ service: "tg", country: "ru", orderId: "2" })).id);
      clock.advance(MINUTE);
      return Promise.all(ids.map(async (id) => value(await sim.getActivation(id))));
    }
    expect(await run(true)).toEqual(await run(false));
  });

  it("refuses to start on a store holding something it cannot read", () => {
    const store = memoryStore();
    store.json = '{"version":1}';
    expect(() => createSimulatorProvider({ seed: 1, now: clockAt(), store })).toThrow(/stored state/);
    store.json = "not json";
    expect(() => createSimulatorProvider({ seed: 1, now: clockAt(), store })).toThrow(/stored state/);
  });
});

describe("simulator: injected failures and recovery", () => {
  it("fails the next calls of a method with the given failure, then works again", async () => {
    const { sim } = setup();
    const balance = value(await sim.getBalance()).micros;
    sim.failNext("buy", { kind: "temporary", message: "timeout", retryAfterMs: 500 }, 2);
    expect(failure(await sim.buy(order()))).toEqual({ kind: "temporary", message: "timeout", retryAfterMs: 500 });
    expect(failure(await sim.buy(order())).kind).toBe("temporary");
    expect(value(await sim.getBalance()).micros).toBe(balance); // nothing was bought
    expect(value(await sim.listOpenActivations())).toEqual([]);
    value(await sim.buy(order()));
    sim.failNext("getBalance", { kind: "unrecognised", message: "??", raw: "<html>" });
    expect(failure(await sim.getBalance()).kind).toBe("unrecognised");
    expect(value(await sim.getBalance()).micros).toBeLessThan(balance);
  });

  it("can lose a buy's answer after buying, and recoverBuy finds the activation", async () => {
    const { sim, clock } = setup();
    const other = value(await sim.buy(order("tg", "ru")));
    clock.advance(1_000);
    const since = clock();
    sim.failNext("buy", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    const request = order("tg", "ru");
    expect(failure(await sim.buy(request)).kind).toBe("temporary");

    const found = value(await sim.recoverBuy({ ...request, since, knownIds: [other.id] }));
    expect(found).not.toBeNull();
    expect(found!.id).not.toBe(other.id);
    expect(found).toMatchObject({ service: "tg", country: "ru", state: "waiting" });
    // Already attached elsewhere, or too old: not a candidate.
    expect(value(await sim.recoverBuy({ ...request, since, knownIds: [other.id, found!.id] }))).toBeNull();
    expect(value(await sim.recoverBuy({ ...request, since: clock() + 1, knownIds: [] }))).toBeNull();
    expect(value(await sim.recoverBuy({ ...order("wa", "ru"), since, knownIds: [] }))).toBeNull();
  });
});

describe("simulator: rentals", () => {
  it("offers 4 h, 1 day, 7 days and 30 days, a longer period never cheaper", async () => {
    const { sim } = setup();
    const offers = value(await sim.getRentOffers());
    const tgRu = offers.filter((o) => o.service === "tg" && o.country === "ru");
    expect(tgRu.map((o) => o.hours)).toEqual([4, 24, 168, 720]);
    for (let i = 1; i < tgRu.length; i++) expect(tgRu[i]!.costMicros).toBeGreaterThan(tgRu[i - 1]!.costMicros);
    const activationCost = value(await sim.getCatalog()).offers.find((o) => o.service === "tg" && o.country === "ru")!.costMicros;
    expect(tgRu[0]!.costMicros).toBeGreaterThan(activationCost);
  });

  it("rents, receives SMS, extends, refuses a late cancel, finishes", async () => {
    const { sim, clock } = setup({ smsDelayMs: 15_000 });
    const offer = value(await sim.getRentOffers()).find((o) => o.service === "wa" && o.country === "kz" && o.hours === 24)!;
    const balance = value(await sim.getBalance()).micros;
    const rental = value(await sim.rent({ service: "wa", country: "kz", hours: 24, orderId: "r1" }));
    expect(rental).toMatchObject({ state: "active", costMicros: offer.costMicros, endsAt: START + 24 * HOUR, sms: [] });
    expect(rental.phone).toMatch(/^77\d{9}$/);
    expect(value(await sim.getBalance()).micros).toBe(balance - offer.costMicros);
    expect(value(await sim.getRentOffers()).find((o) => o.service === "wa" && o.country === "kz")!.stock).toBe(offer.stock - 1);

    clock.advance(10_000);
    expect(value(await sim.getRental(rental.id)).sms).toEqual([]);
    clock.advance(10_000);
    const withSms = value(await sim.getRental(rental.id));
    expect(withSms.sms).toHaveLength(1);
    expect(withSms.sms[0]!.text).toContain("WhatsApp");
    clock.advance(12 * HOUR);
    expect(value(await sim.getRental(rental.id)).sms.length).toBeGreaterThan(1); // a rented number keeps receiving

    const extended = value(await sim.extendRental(rental.id, 24));
    expect(extended.endsAt).toBe(START + 48 * HOUR);
    expect(extended.costMicros).toBe(offer.costMicros * 2);
    expect(value(await sim.getBalance()).micros).toBe(balance - offer.costMicros * 2);
    expect(failure(await sim.extendRental(rental.id, 2)).kind).toBe("bad_config");

    expect(failure(await sim.cancelRental(rental.id)).kind).toBe("invalid_state"); // past the first 20 minutes
    value(await sim.finishRental(rental.id));
    expect(value(await sim.getRental(rental.id)).state).toBe("finished");
    expect(failure(await sim.extendRental(rental.id, 24)).kind).toBe("invalid_state");
    expect(failure(await sim.finishRental(rental.id)).kind).toBe("invalid_state");
    expect(sim.deliverSms(rental.id)).toBeNull();
  });

  it("cancels a rental within its first 20 minutes with a refund, and not after", async () => {
    const { sim, clock } = setup();
    const balance = value(await sim.getBalance()).micros;
    const early = value(await sim.rent({ service: "tg", country: "ru", hours: 4, orderId: "r-early" }));
    clock.advance(5_000); // before its first SMS
    value(await sim.cancelRental(early.id));
    expect(value(await sim.getRental(early.id)).state).toBe("cancelled");
    expect(value(await sim.getBalance()).micros).toBe(balance);

    const late = value(await sim.rent({ service: "tg", country: "ru", hours: 4, orderId: "r-late" }));
    clock.advance(20 * MINUTE);
    expect(failure(await sim.cancelRental(late.id)).kind).toBe("invalid_state");
  });

  it("refuses to cancel a rental that has received an SMS, even inside the window", async () => {
    const { sim } = setup();
    const rental = value(await sim.rent({ service: "tg", country: "ru", hours: 4, orderId: "r-sms" }));
    sim.deliverSms(rental.id, "Telegram code: 12345");
    expect(failure(await sim.cancelRental(rental.id)).kind).toBe("invalid_state");
    expect(sim.rentTerms).toEqual({ offered: true, cancelWindowMs: 20 * MINUTE });
  });

  it("L2: a rental the carrier takes away reads as revoked, and a lost rent answer is found by its order id", async () => {
    const { sim } = setup();
    const rental = value(await sim.rent({ service: "tg", country: "ru", hours: 24, orderId: "r-lost" }));
    const found = value(await sim.recoverRent({ service: "tg", country: "ru", hours: 24, orderId: "r-lost", since: 0, knownIds: [] }));
    expect(found?.id).toBe(rental.id);
    expect(value(await sim.recoverRent({ service: "tg", country: "ru", hours: 24, orderId: "r-none", since: 0, knownIds: [] }))).toBeNull();
    expect(sim.revokeRental(rental.id)).toBe(true);
    expect(value(await sim.getRental(rental.id)).state).toBe("revoked");
  });

  it("ends a rental at its end time", async () => {
    const { sim, clock } = setup();
    const rental = value(await sim.rent({ service: "go", country: "us", hours: 4, orderId: "r-exp" }));
    clock.set(START + 4 * HOUR - 1);
    expect(value(await sim.getRental(rental.id)).state).toBe("active");
    clock.set(START + 4 * HOUR);
    expect(value(await sim.getRental(rental.id)).state).toBe("expired");
    expect(failure(await sim.extendRental(rental.id, 24)).kind).toBe("invalid_state");
  });

  it("refuses bad periods, pairs it does not rent, and rentals beyond the balance", async () => {
    const { sim } = setup();
    expect(failure(await sim.rent({ service: "tg", country: "ru", hours: 3, orderId: "x1" })).kind).toBe("bad_config");
    expect(failure(await sim.rent({ service: "tg", country: "ru", hours: 721, orderId: "x2" })).kind).toBe("bad_config");
    expect(failure(await sim.rent({ service: "vk", country: "ru", hours: 4, orderId: "x3" })).kind).toBe("out_of_stock");
    expect(failure(await sim.rent({ service: "tg", country: "gb", hours: 4, orderId: "x4" })).kind).toBe("out_of_stock"); // none left
    sim.setBalance(1);
    expect(failure(await sim.rent({ service: "tg", country: "ru", hours: 4, orderId: "x5" })).kind).toBe("no_balance");
  });
});

describe("simulator: catalog", () => {
  it("lists at least 35 services and 18 countries with unique codes", async () => {
    const { sim } = setup();
    const catalog = value(await sim.getCatalog());
    expect(catalog.services.length).toBeGreaterThanOrEqual(35);
    expect(catalog.countries.length).toBeGreaterThanOrEqual(18);
    expect(new Set(catalog.services.map((s) => s.code)).size).toBe(catalog.services.length);
    expect(new Set(catalog.countries.map((c) => c.code)).size).toBe(catalog.countries.length);
    for (const country of catalog.countries) expect(country.iso2).toBe(country.code.toUpperCase());
    expect(catalog.services).toContainEqual({ code: "tg", name: "Telegram" });
    expect(catalog.countries).toContainEqual({ code: "ru", name: "Russia", iso2: "RU" });
    expect(SIMULATOR_SERVICES.length).toBe(catalog.services.length);
  });

  it("prices every pair between 5 and 150 units, with mostly large stock, some empty and some low", async () => {
    const { sim } = setup();
    const { offers } = value(await sim.getCatalog());
    for (const offer of offers) {
      expect(offer.costMicros).toBeGreaterThanOrEqual(5_000_000);
      expect(offer.costMicros).toBeLessThanOrEqual(150_000_000);
      expect(offer.costMicros % 10_000).toBe(0);
    }
    expect(offers.filter((o) => o.stock >= 100).length / offers.length).toBeGreaterThan(0.9);
    expect(offers.some((o) => o.stock === 0)).toBe(true);
    expect(offers.some((o) => o.stock > 0 && o.stock < 10)).toBe(true);
  });

  it("lists, with stock, the services and countries the shop must never sell (P2, P3)", async () => {
    const { sim } = setup();
    const catalog = value(await sim.getCatalog());
    const names = new Map(catalog.services.map((s) => [s.code, s.name]));
    expect(names.get("qw")).toBe("Qiwi");
    expect(names.get("wm")).toBe("WebMoney");
    const banks = catalog.services.filter((s) => /bank/i.test(s.name));
    expect(banks.map((s) => s.name)).toEqual(expect.arrayContaining(["Sberbank", "Tinkoff Bank"]));
    for (const code of ["qw", "wm", ...banks.map((s) => s.code)]) {
      expect(catalog.offers.some((o) => o.service === code && o.stock > 0), code).toBe(true);
    }
    for (const iso2 of ["IR", "CU", "SY"]) {
      const country = catalog.countries.find((c) => c.iso2 === iso2)!;
      expect(country, iso2).toBeDefined();
      expect(catalog.offers.filter((o) => o.country === country.code && o.stock > 0).length).toBeGreaterThan(10);
    }
    // The simulator does not filter them itself: the shop does.
    value(await sim.buy(order("qw", "ru")));
    value(await sim.buy(order("tg", "ir")));
  });
});

describe("simulator: snapshot", () => {
  it("returns a copy of the state brought up to the clock", async () => {
    const { sim, clock } = setup();
    const bought = value(await sim.buy(order("tg", "ru")));
    clock.advance(MINUTE);
    const snapshot = sim.snapshot();
    expect(snapshot.activations.find((a) => a.id === bought.id)!.state).toBe("received");
    snapshot.activations.length = 0;
    expect(sim.snapshot().activations).toHaveLength(1);
  });
});
