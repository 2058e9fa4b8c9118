import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import type { NumberProvider, ProviderResult } from "../../src/domain/numberProvider.ts";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = "sk-LIVE-7f3a9c1e5b";

let fake: FakeSmsActivate;
let provider: NumberProvider;

beforeEach(async () => {
  fake = await startFakeSmsActivate({ apiKey: KEY, now: START });
  provider = createSmsActivateProvider({ baseUrl: fake.url, apiKey: KEY, timeoutMs: 3_000, now: () => fake.now() });
});
afterEach(async () => {
  await fake.close();
});

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

describe("sms-activate: the open list read every tick (fast at any size)", () => {
  it("an entry read before is not read again, but a changed entry is: a new SMS shows on the next list (A2)", async () => {
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o-1" }));
    expect((value(await provider.listOpenActivations()) ?? []).find((a) => a.id === bought.id)?.sms).toEqual([]);
    expect((value(await provider.listOpenActivations()) ?? []).find((a) => a.id === bought.id)?.sms).toEqual([]);
    fake.deliverSms(bought.id, "Telegram code: 12345", "12345");
    const after = (value(await provider.listOpenActivations()) ?? []).find((a) => a.id === bought.id);
    expect(after).toMatchObject({ state: "received", sms: [expect.objectContaining({ code: "12345" })] });
  });

  it("a list byte for byte the last one gives the same open activations as reading it afresh (issue 15: the idle tick reads nothing again)", async () => {
    const first = value(await provider.buy({ service: "tg", country: "6", orderId: "o-1" }));
    const second = value(await provider.buy({ service: "tg", country: "6", orderId: "o-2" }));
    const once = value(await provider.listOpenActivations()) ?? [];
    const again = value(await provider.listOpenActivations()) ?? [];
    // The very same list: nothing was parsed, keyed or copied again.
    expect(again).toBe(once);
    expect(again.map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
    // A fresh adapter reading the same list from nothing agrees.
    const fresh = createSmsActivateProvider({ baseUrl: fake.url, apiKey: KEY, timeoutMs: 3_000, now: () => fake.now() });
    expect(value(await fresh.listOpenActivations())).toEqual(once);
    // One entry changes: the next list is read again and shows it.
    fake.deliverSms(second.id, "Telegram code: 55555", "55555");
    const changed = value(await provider.listOpenActivations()) ?? [];
    expect(changed.find((a) => a.id === second.id)?.sms).toEqual([expect.objectContaining({ code: "55555" })]);
    expect(changed.find((a) => a.id === first.id)).toEqual(once.find((a) => a.id === first.id));
  });

  it("an error after unchanged lists is an error, not the last list again", async () => {
    value(await provider.buy({ service: "tg", country: "6", orderId: "o-1" }));
    value(await provider.listOpenActivations());
    value(await provider.listOpenActivations());
    fake.injectFault("getActiveActivations", { text: "BAD_KEY" });
    const refused = await provider.listOpenActivations();
    expect(refused.ok).toBe(false);
    expect(value(await provider.listOpenActivations())).toHaveLength(1);
  });

  it("the same body under an error status is an error, not the last list again", async () => {
    const text = JSON.stringify({ status: "success", activeActivations: [{ activationId: 901, serviceCode: "tg", phoneNumber: "6281255500901", activationCost: 12.5, countryCode: "6" }] });
    fake.injectFault("getActiveActivations", { text }, 2);
    fake.injectFault("getActiveActivations", { text, status: 403 });
    const first = value(await provider.listOpenActivations());
    expect(first?.map((a) => a.id)).toEqual(["901"]);
    expect(value(await provider.listOpenActivations())).toBe(first);
    expect((await provider.listOpenActivations()).ok).toBe(false);
  });

  it("a malformed entry still fails the whole list after the others were read before", async () => {
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o-1" }));
    value(await provider.listOpenActivations());
    fake.injectFault("getActiveActivations", {
      text: JSON.stringify({ status: "success", activeActivations: [{ activationId: Number(bought.id), serviceCode: "tg", phoneNumber: "6281255500101", activationCost: 12.5, countryCode: "6" }, { serviceCode: "tg" }] }),
    });
    const broken = await provider.listOpenActivations();
    expect(broken.ok).toBe(false);
  });

  it("keeps the host's start time of an open activation across ticks for the early-cancel wait, and forgets ended ones", async () => {
    const bought = value(await provider.buy({ service: "tg", country: "6", orderId: "o-1" }));
    for (let i = 0; i < 3; i++) value(await provider.listOpenActivations());
    fake.advance(30_000);
    const early = await provider.cancel(bought.id);
    // The host refuses a cancel in the first 2 minutes; the retry time counts from the start time it listed.
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.failure.retryAt).toBe(START + 120_000);
  });
});
