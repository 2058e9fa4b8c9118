import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFiveSimProvider, type FiveSimOptions } from "../../src/providers/fiveSim.ts";
import { fiveSimCountryIso2 } from "../../src/providers/fiveSimCountries.ts";
import type { NumberProvider, ProviderFailure, ProviderResult } from "../../src/domain/numberProvider.ts";
import { startFakeFiveSim, type FakeFiveSim, type FiveSimStatus } from "../fakes/fiveSimServer.ts";

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const API_KEY = "eyJ.SECRET-5sim-key.0123456789abcdef";

let fake: FakeFiveSim;
let provider: NumberProvider;

function make(overrides: Partial<FiveSimOptions> = {}): NumberProvider {
  return createFiveSimProvider({ baseUrl: fake.url, apiKey: API_KEY, now: () => fake.now(), ...overrides });
}

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

function failure<T>(result: ProviderResult<T>): ProviderFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.failure;
}

const buyTelegram = (p: NumberProvider = provider) =>
  p.buy({ service: "telegram", country: "russia", orderId: "our-1" });

beforeEach(async () => {
  fake = await startFakeFiveSim({ apiKey: API_KEY, now: () => T0 });
  provider = make();
});

afterEach(async () => {
  await fake.close();
});

describe("catalog", () => {
  it("lists services, countries and the cheapest in-stock cost with the summed stock per pair", async () => {
    fake.setPrice({ country: "russia", product: "telegram", operator: "emptyop", cost: 5, count: 0 });
    const catalog = value(await provider.getCatalog());

    expect(catalog.services).toEqual([
      { code: "google", name: "Google" },
      { code: "telegram", name: "Telegram" },
      { code: "whatsapp", name: "WhatsApp" },
    ]);
    expect(catalog.countries).toContainEqual({ code: "england", name: "England", iso2: "GB" });
    expect(catalog.countries).toContainEqual({ code: "russia", name: "Russia", iso2: "RU" });
    const offer = (service: string, country: string) =>
      catalog.offers.find((o) => o.service === service && o.country === country);
    // The 5 RUB operator has no numbers, so it does not set the price.
    expect(offer("telegram", "russia")).toEqual({ service: "telegram", country: "russia", costMicros: 20_000_000, stock: 140 });
    expect(offer("telegram", "england")?.costMicros).toBe(17_150_000);
    expect(offer("google", "usa")).toEqual({ service: "google", country: "usa", costMicros: 12_500_000, stock: 0 });
  });

  it("leaves hosting periods out of the activation services", async () => {
    const catalog = value(await provider.getCatalog());
    expect(catalog.services.map((s) => s.code)).not.toContain("1day");
    expect(catalog.offers.map((o) => o.service)).not.toContain("3hours");
  });

  it("prices only the configured operator when one is set", async () => {
    const catalog = value(await make({ operator: "mts" }).getCatalog());
    expect(catalog.offers).toEqual([{ service: "telegram", country: "russia", costMicros: 25_500_000, stock: 40 }]);
  });

  it("still builds the catalog when the country list fails, naming countries from their ISO code", async () => {
    fake.injectFault("/guest/countries", "http500", 3);
    const catalog = value(await provider.getCatalog());
    expect(catalog.countries).toContainEqual({ code: "england", name: "United Kingdom", iso2: "GB" });
  });

  it("gives an unknown country slug no ISO code", async () => {
    fake.setPrice({ country: "atlantis", product: "telegram", operator: "virtual1", cost: 3, count: 1 });
    const catalog = value(await provider.getCatalog());
    expect(catalog.countries).toContainEqual({ code: "atlantis", name: "Atlantis", iso2: null });
  });

  it("reports a price list it cannot read as unrecognised", async () => {
    fake.injectFault("/guest/prices", { status: 200, text: "[1,2,3]" });
    const f = failure(await provider.getCatalog());
    expect(f.kind).toBe("unrecognised");
    expect(f.raw).toBe("[1,2,3]");
  });
});

describe("balance", () => {
  it("reads the profile balance as micros", async () => {
    expect(value(await provider.getBalance())).toEqual({ micros: 1_000_000_000 });
    fake.setBalance(17.15);
    expect(value(await provider.getBalance())).toEqual({ micros: 17_150_000 });
  });

  it("treats a rejected key (HTTP 401) as bad_config", async () => {
    const f = failure(await createFiveSimProvider({ baseUrl: fake.url, apiKey: "wrong" }).getBalance());
    expect(f.kind).toBe("bad_config");
  });
});

describe("buy", () => {
  it("buys a Telegram number in Russia: digits-only phone, cost in micros, 15 minutes to live, money taken", async () => {
    const a = value(await buyTelegram());
    expect(a.phone).toMatch(/^7\d{10}$/);
    expect(a).toMatchObject({ service: "telegram", country: "russia", costMicros: 20_000_000, state: "waiting", sms: [] });
    expect(a.expiresAt).toBe(T0 + 15 * MINUTE);
    expect(fake.balance()).toBe(980);
    expect(fake.stock("russia", "telegram", "virtual18")).toBe(99);
    expect(fake.requests().at(-1)?.url).toBe("/v1/user/buy/activation/russia/any/telegram");
  });

  it("sends the price cap as maxPrice and gets no number when every offer is above it", async () => {
    const f = failure(await provider.buy({ service: "telegram", country: "russia", orderId: "x", maxCostMicros: 19_500_000 }));
    expect(f.kind).toBe("out_of_stock");
    expect(fake.requests().at(-1)?.url).toBe("/v1/user/buy/activation/russia/any/telegram?maxPrice=19.5");
    const a = value(await provider.buy({ service: "telegram", country: "russia", orderId: "y", maxCostMicros: 26_000_000 }));
    expect(a.costMicros).toBe(20_000_000);
  });

  it("maps 'no free phones' (HTTP 200) to out_of_stock", async () => {
    const f = failure(await provider.buy({ service: "google", country: "usa", orderId: "x" }));
    expect(f.kind).toBe("out_of_stock");
    expect(f.raw).toBe("no free phones");
  });

  it("maps 'not enough user balance' to no_balance and takes nothing", async () => {
    fake.setBalance(1);
    expect(failure(await buyTelegram()).kind).toBe("no_balance");
    expect(fake.orders()).toHaveLength(0);
  });

  it("maps an unknown country, product or operator to bad_config", async () => {
    expect(failure(await provider.buy({ service: "telegram", country: "atlantis", orderId: "x" })).kind).toBe("bad_config");
    expect(failure(await provider.buy({ service: "nosuchapp", country: "russia", orderId: "x" })).kind).toBe("bad_config");
    expect(failure(await buyTelegram(make({ operator: "nosuchop" }))).kind).toBe("bad_config");
  });

  it.each([
    ["not enough rating", "bad_config"],
    ["server offline", "temporary"],
    ["select country", "bad_config"],
    ["no product", "bad_config"],
  ] as const)("maps the plain-text answer %j to %s", async (answer, kind) => {
    fake.injectFault("/user/buy", { status: 400, text: answer });
    const f = failure(await buyTelegram());
    expect(f.kind).toBe(kind);
    expect(f.raw).toBe(answer);
  });

  it("treats HTTP 429 as temporary and does not resend the buy", async () => {
    fake.injectFault("/user/buy", { status: 429, text: "api limit is 100 requests per second" });
    expect(failure(await buyTelegram()).kind).toBe("temporary");
    expect(fake.requestCount("/user/buy")).toBe(1);
  });

  it("reports an order with an unknown status as unrecognised, keeping the answer", async () => {
    const odd = JSON.stringify({ id: 9, phone: "+7900", product: "telegram", price: 1, status: "WEIRD", created_at: "2026-01-15T12:00:00Z", country: "russia" });
    fake.injectFault("/user/buy", { status: 200, text: odd });
    const f = failure(await buyTelegram());
    expect(f.kind).toBe("unrecognised");
    expect(f.raw).toContain("WEIRD");
  });
});

describe("activation state and SMS", () => {
  it("shows the code once an SMS arrives", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "Telegram code: 12345", "12345", "Telegram");
    const now = value(await provider.getActivation(a.id));
    expect(now.state).toBe("received");
    expect(now.sms).toHaveLength(1);
    expect(now.sms[0]).toMatchObject({ text: "Telegram code: 12345", code: "12345", receivedAt: T0, sender: "Telegram" });
  });

  it("lists several SMS oldest first, each with its own stable id", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "first 11111");
    fake.advance(30_000);
    fake.deliverSms(a.id, "second 22222");
    fake.advance(30_000);
    fake.deliverSms(a.id, "no code here", "");
    const first = value(await provider.getActivation(a.id));
    expect(first.sms.map((s) => [s.text, s.code, s.receivedAt])).toEqual([
      ["first 11111", "11111", T0],
      ["second 22222", "22222", T0 + 30_000],
      ["no code here", null, T0 + 60_000],
    ]);
    expect(new Set(first.sms.map((s) => s.id)).size).toBe(3);
    const again = value(await provider.getActivation(a.id));
    expect(again.sms.map((s) => s.id)).toEqual(first.sms.map((s) => s.id));
  });

  it.each([
    ["PENDING", false, "waiting"],
    ["RECEIVED", false, "waiting"],
    ["RECEIVED", true, "received"],
    ["PENDING", true, "received"],
    ["CANCELED", false, "cancelled"],
    ["TIMEOUT", false, "expired"],
    ["FINISHED", true, "finished"],
    ["BANNED", false, "banned"],
  ] as const)("maps 5sim status %s (sms: %s) to %s", async (status: FiveSimStatus, withSms, state) => {
    const a = value(await buyTelegram());
    if (withSms) fake.deliverSms(a.id, "code 4321");
    fake.setOrderStatus(a.id, status);
    expect(value(await provider.getActivation(a.id)).state).toBe(state);
  });

  it("sees an order without SMS expire after 15 minutes, and 5sim refund the operator", async () => {
    const a = value(await buyTelegram());
    fake.advance(15 * MINUTE + 1);
    expect(value(await provider.getActivation(a.id)).state).toBe("expired");
    expect(fake.balance()).toBe(1000);
  });

  it("answers not_found for an order 5sim does not know, and for an id that is not a number", async () => {
    expect(failure(await provider.getActivation("123")).kind).toBe("not_found");
    const before = fake.requestCount();
    expect(failure(await provider.getActivation("../profile")).kind).toBe("not_found");
    expect(fake.requestCount()).toBe(before);
  });
});

describe("finish, cancel, ban, another SMS", () => {
  it("finishes an order after its code", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "code 55555");
    value(await provider.finish(a.id));
    expect(fake.order(a.id)?.status).toBe("FINISHED");
  });

  it("refuses to finish an order without SMS as invalid_state", async () => {
    const a = value(await buyTelegram());
    expect(failure(await provider.finish(a.id)).kind).toBe("invalid_state");
  });

  it("cancels before a code and 5sim returns the money", async () => {
    const a = value(await buyTelegram());
    value(await provider.cancel(a.id));
    expect(fake.order(a.id)?.status).toBe("CANCELED");
    expect(fake.balance()).toBe(1000);
  });

  it("refuses to cancel after a code ('order has sms') as invalid_state", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "code 55555");
    const f = failure(await provider.cancel(a.id));
    expect(f.kind).toBe("invalid_state");
    expect(f.raw).toBe("order has sms");
  });

  it("refuses to cancel an expired order as invalid_state, never as success", async () => {
    const a = value(await buyTelegram());
    fake.advance(16 * MINUTE);
    expect(failure(await provider.cancel(a.id)).kind).toBe("invalid_state");
  });

  it("maps 'you need to wait time' to early_cancel", async () => {
    const a = value(await buyTelegram());
    fake.injectFault("/user/cancel", { status: 400, text: "you need to wait time" });
    expect(failure(await provider.cancel(a.id)).kind).toBe("early_cancel");
    expect(fake.order(a.id)?.status).toBe("RECEIVED");
  });

  it("treats a cancel answered with another status as invalid_state", async () => {
    const a = value(await buyTelegram());
    const order = { id: Number(a.id), phone: "+79000000000", product: "telegram", price: 20, status: "FINISHED", created_at: new Date(T0).toISOString(), country: "russia" };
    fake.injectFault("/user/cancel", { status: 200, text: JSON.stringify(order) });
    expect(failure(await provider.cancel(a.id)).kind).toBe("invalid_state");
  });

  it("answers not_found when cancelling an order 5sim does not know", async () => {
    expect(failure(await provider.cancel("424242")).kind).toBe("not_found");
  });

  it("bans a used number, which cancels the order", async () => {
    const a = value(await buyTelegram());
    value(await provider.ban(a.id));
    expect(fake.order(a.id)?.status).toBe("BANNED");
  });

  it("asks for another SMS by sending nothing while the order is open", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "code 11111");
    value(await provider.requestAnotherSms(a.id));
    expect(fake.requests().at(-1)?.url).toBe(`/v1/user/check/${a.id}`);
    expect(fake.order(a.id)?.status).toBe("RECEIVED");
  });

  it("refuses another SMS on an ended order, and answers not_found for an unknown one", async () => {
    const a = value(await buyTelegram());
    fake.deliverSms(a.id, "code 11111");
    value(await provider.finish(a.id));
    expect(failure(await provider.requestAnotherSms(a.id)).kind).toBe("invalid_state");
    expect(failure(await provider.requestAnotherSms("777")).kind).toBe("not_found");
  });
});

describe("open activations", () => {
  it("lists only the open orders, in one request", async () => {
    const a = value(await buyTelegram());
    const b = value(await buyTelegram());
    const c = value(await buyTelegram());
    value(await provider.cancel(b.id));
    fake.deliverSms(c.id, "code 99999");
    const before = fake.requestCount("/user/orders");
    const open = value(await provider.listOpenActivations());
    expect(open?.map((o) => o.id).sort()).toEqual([a.id, c.id].sort());
    expect(open?.find((o) => o.id === c.id)?.state).toBe("received");
    expect(fake.requestCount("/user/orders") - before).toBe(1);
  });

  it("follows the pages 5sim reports by Total, even when it returns fewer than asked", async () => {
    await fake.close();
    fake = await startFakeFiveSim({ apiKey: API_KEY, now: () => T0, maxPageSize: 2 });
    provider = make();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(value(await buyTelegram()).id);
    const open = value(await provider.listOpenActivations());
    expect(open?.map((o) => o.id).sort()).toEqual(ids.sort());
    expect(fake.requestCount("/user/orders")).toBe(3);
  });

  it("stops walking the history at orders too old to be open", async () => {
    await fake.close();
    fake = await startFakeFiveSim({ apiKey: API_KEY, now: () => T0, maxPageSize: 2 });
    provider = make();
    for (let i = 0; i < 4; i++) value(await buyTelegram());
    fake.advance(2 * 60 * MINUTE);
    const recent = [value(await buyTelegram()).id, value(await buyTelegram()).id];
    const open = value(await provider.listOpenActivations());
    expect(open?.map((o) => o.id).sort()).toEqual(recent.sort());
    expect(fake.requestCount("/user/orders")).toBe(2);
  });

  it("answers null (check one by one) when too many recent orders exceed the page budget", async () => {
    await fake.close();
    fake = await startFakeFiveSim({ apiKey: API_KEY, now: () => T0, maxPageSize: 5, balance: 10_000 });
    provider = make();
    for (let i = 0; i < 30; i++) value(await buyTelegram());
    expect(value(await provider.listOpenActivations())).toBeNull();
  });
});

describe("recoverBuy", () => {
  it("finds the order created by a buy whose answer was lost, without buying again", async () => {
    const quick = make({ timeoutMs: 300 });
    fake.injectFault("/user/buy", "timeout");
    const lost = failure(await buyTelegram(quick));
    expect(lost.kind).toBe("temporary");
    expect(fake.orders()).toHaveLength(1);

    const buysBefore = fake.requestCount("/user/buy");
    const found = value(await quick.recoverBuy({ service: "telegram", country: "russia", orderId: "our-1", since: T0, knownIds: [] }));
    expect(found?.id).toBe(String(fake.orders()[0]?.id));
    expect(found?.costMicros).toBe(20_000_000);
    expect(fake.requestCount("/user/buy")).toBe(buysBefore);
  });

  it("picks the oldest matching order and skips ids already attached to other purchases", async () => {
    fake.advance(5_000);
    const first = value(await buyTelegram());
    fake.advance(5_000);
    const second = value(await buyTelegram());
    const request = { service: "telegram", country: "russia", orderId: "o", since: T0 };
    expect(value(await provider.recoverBuy({ ...request, knownIds: [] }))?.id).toBe(first.id);
    expect(value(await provider.recoverBuy({ ...request, knownIds: [first.id] }))?.id).toBe(second.id);
    expect(value(await provider.recoverBuy({ ...request, knownIds: [first.id, second.id] }))).toBeNull();
  });

  it("ignores orders of another product or country, or older than since (beyond 60 s of skew)", async () => {
    value(await provider.buy({ service: "whatsapp", country: "russia", orderId: "w" }));
    value(await provider.buy({ service: "telegram", country: "england", orderId: "e" }));
    const old = value(await buyTelegram());
    const base = { service: "telegram", country: "russia", orderId: "o", knownIds: [] };
    expect(value(await provider.recoverBuy({ ...base, since: T0 + 61_000 }))).toBeNull();
    expect(value(await provider.recoverBuy({ ...base, since: T0 + 59_000 }))?.id).toBe(old.id);
  });
});

describe("faults", () => {
  it("gives up on a buy that never answers within timeoutMs, as temporary, without resending", async () => {
    fake.injectFault("/user/buy", "timeout");
    const started = Date.now();
    const f = failure(await buyTelegram(make({ timeoutMs: 200 })));
    expect(f.kind).toBe("temporary");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.requestCount("/user/buy")).toBe(1);
  });

  it("retries a read that keeps timing out, then reports temporary", async () => {
    fake.injectFault("/user/profile", "timeout", 3);
    const f = failure(await make({ timeoutMs: 150 }).getBalance());
    expect(f.kind).toBe("temporary");
    expect(fake.requestCount("/user/profile")).toBe(3);
  });

  it("retries a read after an HTTP 500 and succeeds", async () => {
    fake.injectFault("/user/profile", "http500");
    expect(value(await provider.getBalance()).micros).toBe(1_000_000_000);
    expect(fake.requestCount("/user/profile")).toBe(2);
  });

  it("never sends a buy twice after an HTTP 500, and reports temporary", async () => {
    fake.injectFault("/user/buy", "http500");
    expect(failure(await buyTelegram()).kind).toBe("temporary");
    expect(fake.requestCount("/user/buy")).toBe(1);
    expect(fake.orders()).toHaveLength(0);
  });

  it("never sends a cancel twice after an HTTP 500", async () => {
    const a = value(await buyTelegram());
    fake.injectFault("/user/cancel", "http500");
    expect(failure(await provider.cancel(a.id)).kind).toBe("temporary");
    expect(fake.requestCount("/user/cancel")).toBe(1);
  });

  it("reports garbage as unrecognised with the raw answer", async () => {
    fake.injectFault("/user/buy", "garbage");
    const f = failure(await buyTelegram());
    expect(f.kind).toBe("unrecognised");
    expect(f.raw).toContain("garbage");
  });

  it("reports a dropped connection on a buy as temporary, sent once", async () => {
    fake.injectFault("/user/buy", "drop");
    expect(failure(await buyTelegram()).kind).toBe("temporary");
    expect(fake.requestCount("/user/buy")).toBe(1);
  });

  it("retries a status check after a dropped connection", async () => {
    const a = value(await buyTelegram());
    fake.injectFault("/user/check", "drop");
    expect(value(await provider.getActivation(a.id)).id).toBe(a.id);
    expect(fake.requestCount("/user/check")).toBe(2);
  });
});

describe("the API key", () => {
  it("is sent only in the Authorization header of /user calls, never in a URL or to /guest", async () => {
    value(await provider.getCatalog());
    value(await provider.getBalance());
    value(await buyTelegram());
    for (const r of fake.requests()) {
      expect(r.url).not.toContain(API_KEY);
      expect(r.url).not.toContain(encodeURIComponent(API_KEY));
      if (r.url.startsWith("/v1/user/")) expect(r.authorization).toBe(`Bearer ${API_KEY}`);
      else expect(r.authorization).toBeUndefined();
    }
  });

  it("appears in no failure message or raw text, even when the server echoes it", async () => {
    const failures: ProviderFailure[] = [];
    const collect = <T>(r: ProviderResult<T>) => failures.push(failure(r));
    fake.injectFault("/user/buy", { status: 400, text: `invalid token ${API_KEY}` });
    collect(await buyTelegram());
    fake.injectFault("/user/buy", { status: 200, text: `no free phones for ${API_KEY}` });
    collect(await buyTelegram());
    fake.injectFault("/user/profile", { status: 502, text: `upstream ${API_KEY}` }, 3);
    collect(await provider.getBalance());
    fake.injectFault("/user/buy", "timeout");
    collect(await buyTelegram(make({ timeoutMs: 150 })));
    fake.injectFault("/user/buy", "drop");
    collect(await buyTelegram());
    collect(await createFiveSimProvider({ baseUrl: fake.url, apiKey: `${API_KEY}x` }).getBalance());
    collect(await createFiveSimProvider({ baseUrl: "http://127.0.0.1:1/v1", apiKey: API_KEY, timeoutMs: 500 }).buy({ service: "telegram", country: "russia", orderId: "z" }));

    expect(failures.map((f) => f.kind)).toEqual([
      "unrecognised",
      "out_of_stock",
      "temporary",
      "temporary",
      "temporary",
      "bad_config",
      "temporary",
    ]);
    expect(failures[0]?.raw).toContain("***");
    for (const f of failures) expect(JSON.stringify(f)).not.toContain(API_KEY);
  });
});

describe("rentals (5sim hosting numbers)", () => {
  it("rents for up to 3 hours as a '3hours' hosting number", async () => {
    const r = value(await provider.rent({ service: "telegram", country: "russia", hours: 2, orderId: "r" }));
    expect(fake.requests().at(-1)?.url).toBe("/v1/user/buy/hosting/russia/any/3hours");
    expect(r).toMatchObject({ service: "telegram", country: "russia", costMicros: 10_000_000, state: "active", endsAt: T0 + 3 * 60 * MINUTE });
    expect(r.phone).toMatch(/^\d+$/);
  });

  it("rounds 4 to 24 hours up to a '1day' hosting number, and refuses longer rentals without a request", async () => {
    value(await provider.rent({ service: "telegram", country: "russia", hours: 24, orderId: "r" }));
    expect(fake.requests().at(-1)?.url).toBe("/v1/user/buy/hosting/russia/any/1day");
    const before = fake.requestCount();
    expect(failure(await provider.rent({ service: "telegram", country: "russia", hours: 48, orderId: "r" })).kind).toBe("bad_config");
    expect(fake.requestCount()).toBe(before);
  });

  it("reads a rental's SMS, finishes it, and cancels another with a refund", async () => {
    const r = value(await provider.rent({ service: "telegram", country: "russia", hours: 3, orderId: "r" }));
    fake.deliverSms(r.id, "any service 123456");
    const seen = value(await provider.getRental(r.id));
    expect(seen.sms.map((s) => s.code)).toEqual(["123456"]);
    expect(seen.state).toBe("active");
    value(await provider.finishRental(r.id));
    expect(value(await provider.getRental(r.id)).state).toBe("finished");

    const other = value(await provider.rent({ service: "telegram", country: "russia", hours: 3, orderId: "s" }));
    const balance = fake.balance();
    value(await provider.cancelRental(other.id));
    expect(fake.balance()).toBe(balance + 10);
  });

  it("answers bad_config for rent offers and extensions, which 5sim does not offer", async () => {
    expect(failure(await provider.getRentOffers()).kind).toBe("bad_config");
    expect(failure(await provider.extendRental("1", 24)).kind).toBe("bad_config");
    expect(fake.requestCount()).toBe(0);
  });
});

describe("country codes", () => {
  it("maps 5sim slugs to ISO codes, including the sanctioned ones, and unknown or ambiguous ones to null", () => {
    expect(fiveSimCountryIso2("england")).toBe("GB");
    expect(fiveSimCountryIso2("usa")).toBe("US");
    expect(fiveSimCountryIso2("Russia")).toBe("RU");
    expect(fiveSimCountryIso2("bih")).toBe("BA");
    expect(["iran", "syria", "cuba", "sudan", "northkorea"].map(fiveSimCountryIso2)).toEqual(["IR", "SY", "CU", "SD", "KP"]);
    expect(fiveSimCountryIso2("congo")).toBeNull();
    expect(fiveSimCountryIso2("atlantis")).toBeNull();
    expect(fiveSimCountryIso2("toString")).toBeNull();
  });
});

describe("5sim: renting for days", () => {
  it("says renting is not offered: hosting numbers last hours, are not per service and cannot be extended", () => {
    expect(make().rentTerms.offered).toBe(false);
  });
});
