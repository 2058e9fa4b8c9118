import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSmsActivateProvider, handlerUrl, parseHostTime, readAnswer } from "../../src/providers/smsActivate/index.ts";
import { smsActivateCountryIso2 } from "../../src/providers/smsActivateCountries.ts";
import type { NumberProvider, ProviderFailure, ProviderResult } from "../../src/domain/numberProvider.ts";
import { startFakeSmsActivate, type FakeErrorStyle, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = "sk-LIVE-7f3a9c1e5b";

let fake: FakeSmsActivate;
let provider: NumberProvider;

function makeProvider(overrides: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}): NumberProvider {
  return createSmsActivateProvider({
    baseUrl: overrides.baseUrl ?? fake.url,
    apiKey: overrides.apiKey ?? KEY,
    timeoutMs: overrides.timeoutMs ?? 3_000,
    now: () => fake.now(),
  });
}

beforeEach(async () => {
  fake = await startFakeSmsActivate({ apiKey: KEY, now: START });
  provider = makeProvider();
});
afterEach(async () => {
  await fake.close();
});

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

function failure<T>(result: ProviderResult<T>): ProviderFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.failure;
}

const telegramInIndonesia = (orderId: string) => ({ service: "tg", country: "6", orderId });

describe("sms-activate: endpoint and answer reading", () => {
  it("appends /stubs/handler_api.php once, dropping trailing slashes, and keeps a full handler URL as is", () => {
    expect(handlerUrl("https://hero-sms.com/")).toBe("https://hero-sms.com/stubs/handler_api.php");
    expect(handlerUrl("https://api.grizzlysms.com")).toBe("https://api.grizzlysms.com/stubs/handler_api.php");
    expect(handlerUrl("https://smshub.org/stubs/handler_api.php")).toBe("https://smshub.org/stubs/handler_api.php");
    expect(handlerUrl("https://smshub.org/stubs/handler_api.php/")).toBe("https://smshub.org/stubs/handler_api.php");
  });

  it("works against a PROVIDER_API_URL that already names the handler script", async () => {
    const p = makeProvider({ baseUrl: `${fake.url}/stubs/handler_api.php` });
    expect(value(await p.getBalance()).micros).toBe(100_000_000);
  });

  it("reads the code of plain text, title JSON and status/message JSON alike, splitting on the first colon", () => {
    expect(readAnswer(200, "STATUS_OK:12:34:56")).toMatchObject({ code: "STATUS_OK", detail: "12:34:56", error: false });
    expect(readAnswer(401, '{"title":"BAD_KEY","details":"x"}')).toMatchObject({ code: "BAD_KEY", error: true });
    expect(readAnswer(200, '{"status":"error","message":"NO_ACTIVATIONS"}')).toMatchObject({ code: "NO_ACTIVATIONS", error: true });
    expect(readAnswer(200, '{"status":"success","services":[]}')).toMatchObject({ code: null, error: false });
    expect(readAnswer(200, '"NO_NUMBERS"')).toMatchObject({ code: "NO_NUMBERS" });
  });

  it("reads naive host times in Moscow time and times with an offset as given", () => {
    expect(parseHostTime("2026-01-15 15:00:00", 180)).toBe(START);
    expect(parseHostTime("2026-01-15T15:00:00+03:00", 180)).toBe(START);
    expect(parseHostTime("2026-01-15 12:00:00", 0)).toBe(START);
    expect(parseHostTime(START / 1000, 180)).toBe(START);
    expect(parseHostTime("yesterday", 180)).toBeNull();
  });

  it("maps the sanctioned countries' ids to their ISO codes so that P3 can filter them", () => {
    expect(["57", "110", "113", "98"].map((id) => smsActivateCountryIso2(id))).toEqual(["IR", "SY", "CU", "SD"]);
    expect(["0", "12", "16", "187"].map((id) => smsActivateCountryIso2(id))).toEqual(["RU", "US", "GB", "US"]);
    expect(smsActivateCountryIso2("9999")).toBeNull();
  });
});

describe("sms-activate: catalog and balance", () => {
  it("builds the catalog from getCountries, getServicesList and getPrices, with exact costs in micros", async () => {
    const catalog = value(await provider.getCatalog());
    expect(catalog.services).toContainEqual({ code: "tg", name: "Telegram" });
    expect(catalog.countries).toContainEqual({ code: "57", name: "Iran", iso2: "IR" });
    expect(catalog.countries).toContainEqual({ code: "187", name: "USA", iso2: "US" });
    expect(catalog.offers).toContainEqual({ service: "tg", country: "6", costMicros: 12_500_000, stock: 40 });
    expect(catalog.offers).toContainEqual({ service: "tg", country: "16", costMicros: 31_750_000, stock: 10 });
    expect(fake.requestCount()).toBe(3);
  });

  it("reads prices and counts sent as strings the same way", async () => {
    fake.setNumbersAsStrings(true);
    const catalog = value(await provider.getCatalog());
    expect(catalog.offers).toContainEqual({ service: "go", country: "2", costMicros: 7_200_000, stock: 15 });
  });

  it("keeps the cheapest cost in stock per pair, drops hidden countries, and keeps an unknown id's own name", async () => {
    await fake.close();
    fake = await startFakeSmsActivate({
      apiKey: KEY,
      now: START,
      countries: [
        { id: "6", eng: "Indonesia" },
        { id: "777", eng: "Atlantis" },
        { id: "16", eng: "United Kingdom", visible: false },
      ],
      prices: [
        { service: "tg", country: "777", cost: "3", count: 1 },
        { service: "tg", country: "16", cost: "4", count: 1 },
      ],
    });
    provider = makeProvider();
    // The free-price form: several costs for one pair, the cheapest one is out of stock.
    fake.injectFault("getPrices", { text: JSON.stringify({ "6": { tg: { "10.5": 0, "11.25": "7", "14": 3 } }, "777": { tg: { cost: "3", count: 1 } }, "16": { tg: { cost: 4, count: 1 } } }) });
    const catalog = value(await provider.getCatalog());
    expect(catalog.offers).toContainEqual({ service: "tg", country: "6", costMicros: 11_250_000, stock: 10 });
    expect(catalog.countries).toContainEqual({ code: "777", name: "Atlantis", iso2: null });
    expect(catalog.countries.map((c) => c.code)).not.toContain("16");
    expect(catalog.offers.map((o) => o.country)).not.toContain("16");
  });

  it("takes service codes from the prices when the host has no getServicesList", async () => {
    fake.injectFault("getServicesList", { error: "BAD_ACTION" });
    const catalog = value(await provider.getCatalog());
    expect(catalog.services).toContainEqual({ code: "wa", name: "wa" });
    expect(catalog.offers.length).toBeGreaterThan(0);
  });

  it("reads the balance ACCESS_BALANCE:17.15 as 17.15 exactly", async () => {
    fake.setBalance("17.15");
    expect(value(await provider.getBalance())).toEqual({ micros: 17_150_000 });
  });
});

describe("sms-activate: buying", () => {
  it("buys with getNumberV2 and our orderId; the host's stock and balance drop by one number", async () => {
    const activation = value(await provider.buy({ ...telegramInIndonesia("order-1"), maxCostMicros: 20_000_000 }));
    expect(activation).toMatchObject({ service: "tg", country: "6", costMicros: 12_500_000, state: "waiting", sms: [], expiresAt: null });
    expect(activation.phone).toMatch(/^62\d{10}$/);
    const [upstream] = fake.activations();
    expect(upstream).toMatchObject({ id: activation.id, orderId: "order-1", via: "getNumberV2" });
    expect(fake.requests().find((r) => r.action === "getNumberV2")?.params).toMatchObject({ orderId: "order-1", maxPrice: "20" });
    expect(fake.balanceMicros()).toBe(100_000_000 - 12_500_000);
    const stock = value(await provider.getCatalog()).offers.find((o) => o.service === "tg" && o.country === "6")?.stock;
    expect(stock).toBe(39);
  });

  it("falls back to getNumber when the host does not know getNumberV2, and remembers it for later buys", async () => {
    fake.setSupportsV2(false);
    const first = value(await provider.buy(telegramInIndonesia("order-1")));
    const second = value(await provider.buy(telegramInIndonesia("order-2")));
    expect(first.id).not.toBe(second.id);
    expect(first).toMatchObject({ service: "tg", country: "6", costMicros: 12_500_000, state: "waiting" });
    expect(first.phone).toMatch(/^62\d+$/);
    expect(fake.requestCount("getNumberV2")).toBe(1);
    expect(fake.requestCount("getNumber")).toBe(2);
    expect(fake.activations()).toHaveLength(2);
  });

  it("falls back to getNumber also when BAD_ACTION comes as non-200 JSON", async () => {
    fake.setSupportsV2(false);
    fake.setErrorStyle("json");
    expect(value(await provider.buy(telegramInIndonesia("o"))).costMicros).toBe(12_500_000);
    expect(fake.activations()[0]?.via).toBe("getNumber");
  });

  it("reads a getNumberV2 answer whose ids and cost are strings", async () => {
    fake.setNumbersAsStrings(true);
    const activation = value(await provider.buy(telegramInIndonesia("o")));
    expect(activation.id).toBe(fake.activations()[0]?.id);
    expect(activation.costMicros).toBe(12_500_000);
  });

  it("normalises a phone sent with + and spaces to digits only", async () => {
    fake.setSupportsV2(false);
    fake.injectFault("getNumber", { text: "ACCESS_NUMBER:123456:+62 812-555 0101" });
    expect(value(await provider.buy(telegramInIndonesia("o"))).phone).toBe("628125550101");
  });

  it("a repeated orderId (ORDER_ALREADY_EXISTS) resolves to the order that exists instead of failing", async () => {
    fake.injectFault("getNumberV2", "timeout");
    const quick = makeProvider({ timeoutMs: 300 });
    expect(failure(await quick.buy(telegramInIndonesia("order-7"))).kind).toBe("temporary");
    const again = value(await quick.buy(telegramInIndonesia("order-7")));
    expect(fake.activations()).toHaveLength(1);
    expect(again.id).toBe(fake.activations()[0]?.id);
    expect(again.phone).toBe(fake.activations()[0]?.phone);
  });

  it("ORDER_ALREADY_EXISTS with two unattached candidates is left to recoverBuy rather than guessed", async () => {
    const quick = makeProvider({ timeoutMs: 300 });
    value(await makeProvider().buy(telegramInIndonesia("someone-else")));
    fake.injectFault("getNumberV2", "timeout");
    await quick.buy(telegramInIndonesia("order-8"));
    const again = failure(await quick.buy(telegramInIndonesia("order-8")));
    expect(again.kind).toBe("temporary");
    expect(again.message).toContain("ORDER_ALREADY_EXISTS");
  });

  const styles: FakeErrorStyle[] = ["text", "json"];
  for (const style of styles) {
    describe(`documented buy errors as ${style}`, () => {
      beforeEach(() => fake.setErrorStyle(style));

      it("NO_NUMBERS is out_of_stock", async () => {
        fake.setStock("tg", "6", 0);
        expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("out_of_stock");
      });

      it("NO_BALANCE is no_balance", async () => {
        fake.setBalance("1");
        expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("no_balance");
      });

      it("WRONG_MAX_PRICE:<min> is a price rise (price_changed) carrying the new minimum, not an outage", async () => {
        const f = failure(await provider.buy({ ...telegramInIndonesia("o"), maxCostMicros: 10_000_000 }));
        expect(f.kind).toBe("price_changed");
        expect(f.costMicros).toBe(12_500_000);
        expect(f.message).toContain("12.50");
        expect(f.message).toContain("WRONG_MAX_PRICE");
      });

      it("BAD_SERVICE is bad_config", async () => {
        const f = failure(await provider.buy({ service: "nope", country: "6", orderId: "o" }));
        expect(f).toMatchObject({ kind: "bad_config" });
        expect(f.message).toContain("BAD_SERVICE");
      });

      it("BAD_KEY is bad_config", async () => {
        const f = failure(await makeProvider({ apiKey: "wrong-key" }).buy(telegramInIndonesia("o")));
        expect(f.kind).toBe("bad_config");
        expect(f.message).toContain("BAD_KEY");
      });

      it("BANNED:<until> is bad_config and says until when", async () => {
        fake.injectFault("getNumberV2", { error: "BANNED:2026-02-01 10:00:00" });
        const f = failure(await provider.buy(telegramInIndonesia("o")));
        expect(f.kind).toBe("bad_config");
        expect(f.message).toContain("2026-02-01 10:00:00");
      });

      it("BAD_ACTION on an action other than the V2 buy is bad_config", async () => {
        fake.injectFault("getBalance", { error: "BAD_ACTION" });
        const f = failure(await provider.getBalance());
        expect(f.kind).toBe("bad_config");
        expect(f.message).toContain("getBalance");
      });

      it("ERROR_SQL is temporary", async () => {
        fake.injectFault("getNumberV2", { error: "ERROR_SQL" });
        expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("temporary");
      });
    });
  }

  it('understands errors in the {"status":"error","message":CODE} envelope too', async () => {
    fake.injectFault("getNumberV2", { text: '{"status":"error","message":"NO_NUMBERS"}' });
    expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("out_of_stock");
    fake.injectFault("getBalance", { text: '{"status":"error","message":"NO_BALANCE"}', status: 402 });
    expect(failure(await provider.getBalance()).kind).toBe("no_balance");
  });
});

describe("sms-activate: recovering a buy whose answer was lost", () => {
  it("finds the activation a timed-out buy created, without buying again", async () => {
    const quick = makeProvider({ timeoutMs: 300 });
    fake.injectFault("getNumberV2", "timeout");
    expect(failure(await quick.buy(telegramInIndonesia("lost-1"))).kind).toBe("temporary");
    const recovered = value(await quick.recoverBuy({ ...telegramInIndonesia("lost-1"), since: START, knownIds: [] }));
    expect(recovered?.id).toBe(fake.activations()[0]?.id);
    expect(recovered).toMatchObject({ service: "tg", country: "6", costMicros: 12_500_000, state: "waiting" });
    expect(fake.requestCount("getNumberV2")).toBe(1);
    expect(fake.activations()).toHaveLength(1);
  });

  it("returns null when no open activation matches the service, the time or the unknown ids", async () => {
    const other = value(await provider.buy(telegramInIndonesia("other")));
    expect(value(await provider.recoverBuy({ ...telegramInIndonesia("lost"), since: START, knownIds: [other.id] }))).toBeNull();
    expect(value(await provider.recoverBuy({ service: "wa", country: "6", orderId: "lost", since: START, knownIds: [] }))).toBeNull();
    expect(value(await provider.recoverBuy({ ...telegramInIndonesia("lost"), since: START + 5 * 60_000, knownIds: [] }))).toBeNull();
  });

  it("returns null when the host has no open activation at all (NO_ACTIVATIONS)", async () => {
    expect(value(await provider.recoverBuy({ ...telegramInIndonesia("lost"), since: START, knownIds: [] }))).toBeNull();
  });

  it("allows a minute of clock skew, and picks the oldest of several candidates", async () => {
    const first = value(await provider.buy(telegramInIndonesia("a")));
    fake.advance(30_000);
    value(await provider.buy(telegramInIndonesia("b")));
    const recovered = value(await provider.recoverBuy({ ...telegramInIndonesia("lost"), since: START + 50_000, knownIds: [] }));
    expect(recovered?.id).toBe(first.id);
  });
});

describe("sms-activate: following an activation", () => {
  it("a fresh activation is waiting with no SMS", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    const seen = value(await provider.getActivation(bought.id));
    expect(seen).toMatchObject({ id: bought.id, phone: bought.phone, service: "tg", country: "6", state: "waiting", sms: [] });
  });

  it("a code arrives: received, with the full text, and the same SMS id on every call and in the open list", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "Telegram code: 48213. Do not give it to anyone.", "48213");
    const first = value(await provider.getActivation(bought.id));
    const second = value(await provider.getActivation(bought.id));
    const listed = value(await provider.listOpenActivations())?.find((a) => a.id === bought.id);
    expect(first.state).toBe("received");
    expect(first.sms).toHaveLength(1);
    expect(first.sms[0]).toMatchObject({ code: "48213", text: "Telegram code: 48213. Do not give it to anyone." });
    expect(second.sms.map((s) => s.id)).toEqual(first.sms.map((s) => s.id));
    expect(listed?.sms.map((s) => s.id)).toEqual(first.sms.map((s) => s.id));
  });

  it("a code with colons in it (STATUS_OK:12:34:56) is kept whole", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "your code is 12:34:56", "12:34:56");
    const seen = value(await provider.getActivation(bought.id));
    expect(seen.sms.map((s) => s.code)).toEqual(["12:34:56"]);
  });

  it("getStatus alone is enough when the open list cannot be read", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "code 777111", "777111");
    const viaList = value(await provider.getActivation(bought.id));
    fake.injectFault("getActiveActivations", { text: "garbage" });
    const viaStatus = value(await provider.getActivation(bought.id));
    expect(viaStatus.state).toBe("received");
    expect(viaStatus.sms.map((s) => [s.id, s.code])).toEqual(viaList.sms.map((s) => [s.id, s.code]));
  });

  it("another SMS: the request is ACCESS_RETRY_GET; while waiting, the previous code keeps it received; both SMS then show", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "code 111111", "111111");
    value(await provider.requestAnotherSms(bought.id));
    expect(fake.requests().at(-1)?.params).toMatchObject({ id: bought.id, status: "3" });
    const waiting = value(await provider.getActivation(bought.id));
    expect(waiting.state).toBe("received");
    expect(waiting.sms.map((s) => s.code)).toEqual(["111111"]);
    fake.deliverSms(bought.id, "code 222222", "222222");
    const both = value(await provider.getActivation(bought.id));
    expect(both.sms.map((s) => s.code)).toEqual(["111111", "222222"]);
    expect(both.sms[0]?.id).toBe(waiting.sms[0]?.id);
  });

  it("STATUS_WAIT_RESEND counts as waiting", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.injectFault("getStatus", { text: "STATUS_WAIT_RESEND" });
    expect(value(await provider.getActivation(bought.id)).state).toBe("waiting");
  });

  it("finish is setStatus 6; afterwards the host says STATUS_CANCEL, which is `ended`, not a refund", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "code 5555", "5555");
    value(await provider.finish(bought.id));
    expect(fake.requests().at(-1)?.params).toMatchObject({ status: "6" });
    expect(value(await provider.getActivation(bought.id)).state).toBe("ended");
  });

  it("an activation that expires without a code ends upstream, and the host refunds the operator only", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.advance(20 * 60_000);
    expect(value(await provider.getActivation(bought.id)).state).toBe("ended");
    expect(value(await provider.listOpenActivations())).toEqual([]);
    expect(fake.activations()[0]?.status).toBe("expired");
    expect(fake.balanceMicros()).toBe(100_000_000);
  });

  it("an unknown activation is not_found (NO_ACTIVATION), in both error styles", async () => {
    expect(failure(await provider.getActivation("424242")).kind).toBe("not_found");
    fake.setErrorStyle("json");
    expect(failure(await provider.getActivation("424242")).kind).toBe("not_found");
    expect(failure(await provider.cancel("424242")).kind).toBe("not_found");
  });

  it("lists every open activation in ONE request", async () => {
    const a = value(await provider.buy(telegramInIndonesia("a")));
    const b = value(await provider.buy({ service: "wa", country: "6", orderId: "b" }));
    fake.deliverSms(b.id, "WhatsApp code 246-810", "246810");
    fake.resetRequests();
    const open = value(await provider.listOpenActivations()) ?? [];
    expect(fake.requestCount()).toBe(1);
    expect(open.map((x) => [x.id, x.service, x.state])).toEqual([
      [a.id, "tg", "waiting"],
      [b.id, "wa", "received"],
    ]);
    expect(open[1]?.sms[0]).toMatchObject({ code: "246810", text: "WhatsApp code 246-810" });
  });

  it("no open activations is an empty list, whether NO_ACTIVATIONS comes as text or as JSON", async () => {
    expect(value(await provider.listOpenActivations())).toEqual([]);
    fake.setErrorStyle("json");
    expect(value(await provider.listOpenActivations())).toEqual([]);
  });
});

describe("sms-activate: cancel and ban", () => {
  it("cancel in the first two minutes is early_cancel, retryAt two minutes after the start; after that it cancels and the host refunds", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.advance(30_000);
    const early = failure(await provider.cancel(bought.id));
    expect(early).toMatchObject({ kind: "early_cancel", retryAt: START + 120_000 });
    fake.setNow(START + 120_000);
    value(await provider.cancel(bought.id));
    expect(fake.activations()[0]?.status).toBe("cancelled");
    expect(fake.balanceMicros()).toBe(100_000_000);
  });

  it("EARLY_CANCEL_DENIED for an activation this process did not buy retries two minutes from now", async () => {
    const bought = value(await makeProvider().buy(telegramInIndonesia("o")));
    fake.advance(10_000);
    expect(failure(await provider.cancel(bought.id))).toMatchObject({ kind: "early_cancel", retryAt: START + 10_000 + 120_000 });
  });

  it("cancel after a code is refused: invalid_state, never a success", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.deliverSms(bought.id, "code 9999", "9999");
    fake.advance(5 * 60_000);
    expect(failure(await provider.cancel(bought.id)).kind).toBe("invalid_state");
    fake.setErrorStyle("json");
    expect(failure(await provider.cancel(bought.id)).kind).toBe("invalid_state");
    expect(fake.activations()[0]?.status).toBe("received");
  });

  it("ban is setStatus 8, like cancel", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    fake.advance(3 * 60_000);
    value(await provider.ban(bought.id));
    expect(fake.requests().at(-1)?.params).toMatchObject({ id: bought.id, status: "8" });
    expect(fake.activations()[0]?.status).toBe("cancelled");
  });

  it("BAD_STATUS is invalid_state", async () => {
    const bought = value(await provider.buy(telegramInIndonesia("o")));
    expect(failure(await provider.finish(bought.id)).kind).toBe("invalid_state");
  });
});

describe("sms-activate: faults", () => {
  it("a host that never answers is temporary, quickly, with a short timeout", async () => {
    const quick = makeProvider({ timeoutMs: 200 });
    fake.injectFault("getNumberV2", "timeout");
    const started = Date.now();
    const f = failure(await quick.buy(telegramInIndonesia("o")));
    expect(f.kind).toBe("temporary");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("HTTP 500 is temporary", async () => {
    fake.injectFault("setStatus", "http500");
    expect(failure(await provider.cancel("1")).kind).toBe("temporary");
  });

  it("an unparseable body is unrecognised and keeps the raw answer", async () => {
    fake.injectFault("getBalance", "garbage");
    const f = failure(await provider.getBalance());
    expect(f.kind).toBe("unrecognised");
    expect(f.raw).toContain("502 Bad Gateway");
    expect(f.raw?.length ?? 0).toBeLessThanOrEqual(300);
  });

  it("a dropped connection is temporary", async () => {
    fake.injectFault("getNumberV2", "drop");
    expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("temporary");
  });

  it("a read is retried after a 500 and succeeds", async () => {
    fake.injectFault("getBalance", "http500");
    expect(value(await provider.getBalance()).micros).toBe(100_000_000);
    expect(fake.requestCount("getBalance")).toBe(2);
  });

  it("a read gives up after two retries", async () => {
    fake.injectFault("getStatus", "http500", 5);
    expect(failure(await provider.getActivation("1")).kind).toBe("temporary");
    expect(fake.requestCount("getStatus")).toBe(3);
  });

  it("a buy, a setStatus and a rent are never sent twice, whatever the failure", async () => {
    fake.injectFault("getNumberV2", "http500");
    fake.injectFault("setStatus", "drop");
    fake.injectFault("getRentNumber", "http500");
    expect(failure(await provider.buy(telegramInIndonesia("o"))).kind).toBe("temporary");
    expect(failure(await provider.cancel("1")).kind).toBe("temporary");
    expect(failure(await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r" })).kind).toBe("temporary");
    expect(fake.requestCount("getNumberV2")).toBe(1);
    expect(fake.requestCount("getNumber")).toBe(0);
    expect(fake.requestCount("setStatus")).toBe(1);
    expect(fake.requestCount("getRentNumber")).toBe(1);
  });
});

describe("sms-activate: the API key never leaks", () => {
  it("appears in no failure message or raw text, even when the host echoes it back", async () => {
    const quick = makeProvider({ timeoutMs: 200 });
    const failures: ProviderFailure[] = [];
    fake.injectFault("getBalance", { text: `UNEXPECTED key=${KEY} ${encodeURIComponent(KEY)}` });
    failures.push(failure(await quick.getBalance()));
    fake.injectFault("getBalance", { text: `Internal error for api_key=${KEY}`, status: 500 }, 3);
    failures.push(failure(await quick.getBalance()));
    fake.injectFault("getNumberV2", { text: `{"title":"SOMETHING","details":"${KEY}"}`, status: 400 });
    failures.push(failure(await quick.buy(telegramInIndonesia("o"))));
    fake.injectFault("getNumberV2", "timeout");
    failures.push(failure(await quick.buy(telegramInIndonesia("o2"))));
    fake.injectFault("getStatus", "drop", 3);
    failures.push(failure(await quick.getActivation("1")));
    fake.injectFault("getStatus", { error: `BANNED:${KEY}` });
    failures.push(failure(await quick.getActivation("1")));
    failures.push(failure(await makeProvider({ apiKey: `${KEY}-wrong` }).getBalance()));
    expect(failures.map((f) => f.kind)).toEqual(["unrecognised", "temporary", "unrecognised", "temporary", "temporary", "bad_config", "bad_config"]);
    for (const f of failures) {
      expect(JSON.stringify(f)).not.toContain(KEY);
      expect(JSON.stringify(f)).not.toContain(encodeURIComponent(KEY));
    }
  });

  it("is sent only as the api_key parameter, and it is the configured one", async () => {
    value(await provider.buy(telegramInIndonesia("o")));
    value(await provider.getCatalog());
    const requests = fake.requests();
    expect(requests.length).toBeGreaterThan(3);
    expect(new Set(requests.map((r) => r.apiKey))).toEqual(new Set([KEY]));
    for (const r of requests) expect(JSON.stringify(r.params)).not.toContain(KEY);
  });
});

describe("sms-activate: rentals", () => {
  const rentTelegramInRussia = { service: "tg", country: "0", hours: 24, orderId: "rent-1" };

  it("lists rent offers per country and period, with stock", async () => {
    const offers = value(await provider.getRentOffers());
    expect(offers).toContainEqual({ service: "tg", country: "0", hours: 24, costMicros: 80_000_000, stock: 10 });
    expect(offers).toContainEqual({ service: "wa", country: "6", hours: 24, costMicros: 60_000_000, stock: 4 });
  });

  it("rents a number for a day: phone, end date, the cost last offered; then waits for SMS without failing", async () => {
    value(await provider.getRentOffers());
    const rental = value(await provider.rent(rentTelegramInRussia));
    expect(rental).toMatchObject({ service: "tg", country: "0", costMicros: 80_000_000, endsAt: START + 24 * 3_600_000, state: "active", sms: [] });
    expect(rental.phone).toMatch(/^7\d{10}$/);
    expect(fake.balanceMicros()).toBe(20_000_000);
    // STATUS_WAIT_CODE comes as an error envelope: it only means "no SMS yet".
    expect(value(await provider.getRental(rental.id))).toMatchObject({ state: "active", sms: [], phone: rental.phone });
  });

  it("shows every SMS of a rental with its sender, time and code, with stable ids", async () => {
    const rental = value(await provider.rent(rentTelegramInRussia));
    fake.advance(60_000);
    fake.deliverRentSms(rental.id, "Login code 31337", "Telegram");
    fake.advance(60_000);
    fake.deliverRentSms(rental.id, "Hello from a friend", "+44 7700 900000");
    const seen = value(await provider.getRental(rental.id));
    expect(seen.sms.map((s) => [s.text, s.code, s.sender, s.receivedAt])).toEqual([
      ["Login code 31337", "31337", "Telegram", START + 60_000],
      ["Hello from a friend", null, "+44 7700 900000", START + 120_000],
    ]);
    expect(value(await provider.getRental(rental.id)).sms.map((s) => s.id)).toEqual(seen.sms.map((s) => s.id));
  });

  it("extends a rental: the end moves by the hours bought", async () => {
    fake.setBalance("1000");
    const rental = value(await provider.rent(rentTelegramInRussia));
    const extended = value(await provider.extendRental(rental.id, 48));
    expect(extended.endsAt).toBe(rental.endsAt + 48 * 3_600_000);
    expect(fake.rentals()[0]?.endsAt).toBe(rental.endsAt + 48 * 3_600_000);
  });

  it("finish ends the rental; a repeat after a lost answer is still ok", async () => {
    const rental = value(await provider.rent(rentTelegramInRussia));
    value(await provider.finishRental(rental.id));
    value(await provider.finishRental(rental.id));
    expect(value(await provider.getRental(rental.id)).state).toBe("finished");
    expect(fake.requests().filter((r) => r.action === "setRentStatus").map((r) => r.params.status)).toEqual(["1", "1"]);
  });

  it("cancel within 20 minutes refunds upstream; after 20 minutes it is CANT_CANCEL, invalid_state", async () => {
    fake.setBalance("1000");
    const kept = value(await provider.rent(rentTelegramInRussia));
    const returned = value(await provider.rent({ ...rentTelegramInRussia, orderId: "rent-2" }));
    value(await provider.cancelRental(returned.id));
    expect(value(await provider.getRental(returned.id)).state).toBe("cancelled");
    expect(fake.balanceMicros()).toBe(1_000_000_000 - 80_000_000);
    fake.advance(21 * 60_000);
    expect(failure(await provider.cancelRental(kept.id)).kind).toBe("invalid_state");
    expect(fake.requests().filter((r) => r.action === "setRentStatus").map((r) => r.params.status)).toEqual(["2", "2"]);
  });

  it("L2: a number the host withdrew (STATUS_REVOKE) reads as revoked; an unknown rental is not_found", async () => {
    const rental = value(await provider.rent(rentTelegramInRussia));
    fake.revokeRental(rental.id);
    expect(value(await provider.getRental(rental.id)).state).toBe("revoked");
    expect(failure(await provider.getRental("123")).kind).toBe("not_found");
    expect(failure(await provider.extendRental("123", 24)).kind).toBe("not_found");
  });

  it("rent errors come as JSON envelopes: NO_NUMBERS is out_of_stock, NO_BALANCE no_balance", async () => {
    fake.setBalance("10");
    expect(failure(await provider.rent(rentTelegramInRussia)).kind).toBe("no_balance");
    fake.setBalance("1000");
    value(await provider.rent({ ...rentTelegramInRussia, service: "full" }));
    value(await provider.rent({ ...rentTelegramInRussia, service: "full" }));
    value(await provider.rent({ ...rentTelegramInRussia, service: "full" }));
    expect(failure(await provider.rent({ ...rentTelegramInRussia, service: "full" })).kind).toBe("out_of_stock");
  });
});

describe("sms-activate: rentals, recovery and quotes", () => {
  it("a lost getRentNumber answer is found in getRentList, never rented again; rentals of others are not candidates", async () => {
    fake.setBalance("1000");
    const rent = { service: "tg", country: "0", hours: 24, orderId: "lost-1" };
    fake.injectFault("getRentNumber", "timeout");
    const lost = await makeProvider({ timeoutMs: 300 }).rent(rent);
    expect(lost.ok).toBe(false);
    const [created] = fake.rentals();
    const found = value(await provider.recoverRent({ ...rent, since: 0, knownIds: [] }));
    expect(found?.id).toBe(created?.id);
    expect(found?.phone).toBe(created?.phone);
    expect(value(await provider.recoverRent({ ...rent, since: 0, knownIds: [created?.id ?? ""] }))).toBeNull();
    expect(fake.requestCount("getRentNumber")).toBe(1);
  });

  it("a lost continueRentNumber answer: getRentList shows the moved end, and the rental is not called expired at its old end", async () => {
    fake.setBalance("1000");
    const quick = makeProvider({ timeoutMs: 1_000 });
    const rental = value(await quick.rent({ service: "tg", country: "0", hours: 24, orderId: "x-1" }));
    fake.injectFault("continueRentNumber", "timeout");
    expect(failure(await quick.extendRental(rental.id, 24)).kind).toBe("temporary");
    expect(fake.requestCount("continueRentNumber")).toBe(1);
    const rentalEnd = quick.rentalEnd?.bind(quick);
    if (!rentalEnd) throw new Error("sms-activate reads the rental's end from getRentList");
    expect(value(await rentalEnd(rental.id))).toBe(rental.endsAt + 24 * 3_600_000);
    fake.advance(25 * 3_600_000);
    expect(value(await quick.getRental(rental.id)).state).toBe("active");
    // Not listed (unknown id): no end to go by.
    expect(value(await rentalEnd("123"))).toBeNull();
  });

  it("continueRentInfo quotes an extension; cancel after an SMS is CANT_CANCEL (invalid_state)", async () => {
    fake.setBalance("1000");
    const rental = value(await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "q-1" }));
    const quote = value(await provider.quoteExtension(rental.id, 24));
    expect(quote.costMicros).toBeGreaterThan(0);
    fake.deliverRentSms(rental.id, "Telegram code: 12345");
    expect(failure(await provider.cancelRental(rental.id)).kind).toBe("invalid_state");
    expect(provider.rentTerms).toEqual({ offered: true, cancelWindowMs: 20 * 60_000 });
  });
});
