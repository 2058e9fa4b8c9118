import { afterEach, describe, expect, it } from "vitest";
import type { NumberProvider, ProviderActivation, ProviderResult, ProviderSms } from "../../src/domain/numberProvider.ts";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { buildSms, pairSms } from "../../src/providers/smsActivate/sms.ts";
import { startFakeSmsActivate, type FakeSmsActivate, type FakeSmsActivateOptions, type FakeSmsListing } from "../fakes/smsActivateServer.ts";

/*
 * Hosts of the sms-activate protocol list an activation's SMS in different shapes: every code as an
 * array, only the newest code as a string, PHP arrays as keyed objects, texts without a code,
 * getStatusV2's one object or list, call verifications. Whatever the shape, every new SMS is new
 * exactly once, and an SMS keeps its id from one poll to the next. Tested through the real
 * protocol code against the fake host, with a reader that does what the poller does: an SMS is new
 * when its id was not seen before.
 */

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = "fake-key-shapes";

let fake: FakeSmsActivate | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function host(options: FakeSmsActivateOptions = {}): Promise<{ fake: FakeSmsActivate; provider: NumberProvider }> {
  fake = await startFakeSmsActivate({ apiKey: KEY, now: START, ...options });
  const f = fake;
  return { fake: f, provider: createSmsActivateProvider({ baseUrl: f.url, apiKey: KEY, timeoutMs: 3_000, now: () => f.now() }) };
}

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

/** What the poller does: reads the provider and keeps the SMS whose ids it has not seen. */
function reader(provider: NumberProvider, activationId: string) {
  const seen = new Set<string>();
  const shown: ProviderSms[] = [];
  return {
    shown,
    /** One poll through the open list (or activation by activation where the host has none). */
    async poll(): Promise<ProviderSms[]> {
      const listed = value(await provider.listOpenActivations());
      const remote: ProviderActivation | undefined = listed ? listed.find((a) => a.id === activationId) : value(await provider.getActivation(activationId));
      const fresh = (remote?.sms ?? []).filter((sms) => !seen.has(sms.id));
      for (const sms of fresh) seen.add(sms.id);
      shown.push(...fresh);
      return fresh;
    },
  };
}

const LISTINGS: FakeSmsListing[] = ["all", "newest", "object"];

describe("every new SMS is shown exactly once, whatever shape the host lists them in", () => {
  for (const smsListing of LISTINGS) {
    it(`host listing "${smsListing}": two codes arrive one after the other; each is new once, and repeated polls find nothing new`, async () => {
      const { fake: f, provider } = await host({ smsListing });
      const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
      const user = reader(provider, bought.id);
      expect(await user.poll()).toEqual([]);
      f.deliverSms(bought.id, "Telegram code: 51234", "51234");
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([["51234", "Telegram code: 51234"]]);
      expect(await user.poll()).toEqual([]);
      f.advance(60_000);
      f.deliverSms(bought.id, "Telegram code: 60717", "60717");
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([["60717", "Telegram code: 60717"]]);
      expect(await user.poll()).toEqual([]);
      expect(user.shown.map((s) => s.code)).toEqual(["51234", "60717"]);
    });

    it(`host listing "${smsListing}": a text without a code is shown once with its text, and a code after it once`, async () => {
      const { fake: f, provider } = await host({ smsListing });
      const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
      const user = reader(provider, bought.id);
      f.deliverSms(bought.id, "Welcome to the service!", null);
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([[null, "Welcome to the service!"]]);
      f.deliverSms(bought.id, "Your code is 771204", "771204");
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([["771204", "Your code is 771204"]]);
      expect(await user.poll()).toEqual([]);
    });
  }

  it("a call verification is shown once, with its code, in the open list and through getStatusV2", async () => {
    const { fake: f, provider } = await host();
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
    const user = reader(provider, bought.id);
    f.deliverCall(bought.id, "4417");
    expect((await user.poll()).map((s) => s.code)).toEqual(["4417"]);
    expect(await user.poll()).toEqual([]);
    // The same call read activation by activation, with the open list unreadable: the same SMS id.
    f.injectFault("getActiveActivations", { text: "<html>Bad Gateway</html>" }, 3);
    const single = value(await provider.getActivation(bought.id));
    expect(single.sms.map((s) => [s.id, s.code])).toEqual(user.shown.map((s) => [s.id, s.code]));
  });

  it("the same SMS has the same id through getStatus, getStatusV2 and the open list", async () => {
    const { fake: f, provider } = await host();
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
    f.deliverSms(bought.id, "code 111111", "111111");
    f.deliverSms(bought.id, "code 222222", "222222");
    const listed = value(await provider.listOpenActivations())?.find((a) => a.id === bought.id);
    const ids = listed?.sms.map((s) => s.id);
    expect(ids).toHaveLength(2);
    // The list unreadable: getStatus (newest code) plus getStatusV2 (every SMS with its text).
    f.injectFault("getActiveActivations", "garbage", 3);
    const viaV2 = value(await provider.getActivation(bought.id));
    expect(viaV2.sms.map((s) => s.id)).toEqual(ids);
    expect(viaV2.sms.map((s) => s.text)).toEqual(["code 111111", "code 222222"]);
    // Neither the list nor getStatusV2: getStatus alone gives the newest code, with its id from the full list.
    f.injectFault("getActiveActivations", "garbage", 3);
    f.injectFault("getStatusV2", { text: "<html>" });
    const viaStatus = value(await provider.getActivation(bought.id));
    expect(viaStatus.sms.map((s) => s.id)).toEqual([ids?.[1]]);
  });

  for (const smsListing of LISTINGS) {
    it(`a host without getActiveActivations (getStatusV2 listing "${smsListing}") is asked one by one; each code once`, async () => {
      const { fake: f, provider } = await host({ smsListing, supportsActiveList: false });
      const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
      expect(value(await provider.listOpenActivations())).toBeNull();
      const user = reader(provider, bought.id);
      expect(await user.poll()).toEqual([]);
      f.deliverSms(bought.id, "Telegram code: 51234", "51234");
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([["51234", "Telegram code: 51234"]]);
      f.deliverSms(bought.id, "Telegram code: 60717", "60717");
      expect((await user.poll()).map((s) => [s.code, s.text])).toEqual([["60717", "Telegram code: 60717"]]);
      expect(await user.poll()).toEqual([]);
      // Asked once whether it has the list; after BAD_ACTION, never again.
      expect(f.requestCount("getActiveActivations")).toBe(1);
    });
  }

  it("a host with neither getActiveActivations nor getStatusV2 still shows each newest code once (getStatus)", async () => {
    const { fake: f, provider } = await host({ supportsActiveList: false, supportsStatusV2: false });
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o1" }));
    const user = reader(provider, bought.id);
    f.deliverSms(bought.id, "Telegram code: 51234", "51234");
    expect((await user.poll()).map((s) => s.code)).toEqual(["51234"]);
    f.deliverSms(bought.id, "Telegram code: 60717", "60717");
    expect((await user.poll()).map((s) => s.code)).toEqual(["60717"]);
    expect(await user.poll()).toEqual([]);
  });
});

describe("reading the shapes themselves", () => {
  const at = () => START;

  it("pairs codes and texts in every shape: array, newest-only string, keyed object, JSON text, entry objects", () => {
    const codes = (entries: ReturnType<typeof pairSms>) => entries.map((e) => [e.code, e.text]);
    expect(codes(pairSms(["1111", "2222"], '["a 1111","b 2222"]'))).toEqual([["1111", "a 1111"], ["2222", "b 2222"]]);
    expect(codes(pairSms("2222", "b 2222"))).toEqual([["2222", "b 2222"]]);
    expect(codes(pairSms({ "1": "2222", "0": "1111" }, { "0": "a 1111", "1": "b 2222" }))).toEqual([["1111", "a 1111"], ["2222", "b 2222"]]);
    expect(codes(pairSms([{ code: "1111", text: "a 1111", dateTime: "2026-01-15 15:00:00" }], null))).toEqual([["1111", "a 1111"]]);
    expect(codes(pairSms({ code: "1111", text: "a 1111" }, null))).toEqual([["1111", "a 1111"]]);
    // A text without a code keeps its place, so the texts stay with their codes.
    expect(codes(pairSms([null, "2222"], ["Welcome", "b 2222"]))).toEqual([[null, "Welcome"], ["2222", "b 2222"]]);
    expect(codes(pairSms("", "Welcome"))).toEqual([[null, "Welcome"]]);
    // Only the newest code, but every text: the older texts get the codes read from them.
    expect(codes(pairSms("2222", ["a 1111", "b 2222"]))).toEqual([["1111", "a 1111"], ["2222", "b 2222"]]);
    expect(pairSms(null, null)).toEqual([]);
    expect(pairSms([], "")).toEqual([]);
  });

  it("the newest code listed alone has the id it has in the full list; ids never come from a position alone", () => {
    const full = buildSms("500", pairSms(["1111", "2222"], null), at);
    const newest = buildSms("500", pairSms("2222", null), at);
    expect(newest.map((s) => s.id)).toEqual([full[1]?.id]);
    // The same code twice in a full list: two SMS, two ids, the first the same as when it stood alone.
    const twice = buildSms("500", pairSms(["1111", "1111"], null), at);
    expect(new Set(twice.map((s) => s.id)).size).toBe(2);
    expect(twice[0]?.id).toBe(full[0]?.id);
    // Another activation's same code is another SMS.
    expect(buildSms("501", pairSms("2222", null), at)[0]?.id).not.toBe(full[1]?.id);
  });
});
