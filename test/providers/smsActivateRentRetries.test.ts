import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NumberProvider, ProviderResult } from "../../src/domain/numberProvider.ts";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { startFaultProxy, type FaultProxy, type ProxiedRequest, type ProxyDecision } from "../fakes/faultProxy.ts";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";

/*
 * Which Rent API actions the sms-activate client repeats after a lost answer. The proxy forwards
 * the request (so the host acts) and never relays the answer: a read-only action is asked again
 * and succeeds; an action that rents, extends, finishes or cancels is sent exactly once, and its
 * outcome is left to be read later (getRentList, getRentStatus), never guessed by repeating it.
 */

const START = Date.UTC(2026, 0, 15, 12, 0, 0);

let fake: FakeSmsActivate;
let proxy: FaultProxy;
let provider: NumberProvider;
/** Actions whose next answer the proxy loses (once each). */
const loseNext = new Set<string>();

function decide(request: ProxiedRequest): ProxyDecision {
  const action = request.params.action ?? "";
  if (!loseNext.has(action)) return { kind: "pass" };
  loseNext.delete(action);
  return { kind: "lose-answer" };
}

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

beforeEach(async () => {
  loseNext.clear();
  fake = await startFakeSmsActivate({ now: START, balance: "1000" });
  proxy = await startFaultProxy({ target: fake.url, decide });
  // Long enough for a loaded machine to answer, short enough that a lost answer is soon given up.
  provider = createSmsActivateProvider({ baseUrl: proxy.url, apiKey: fake.apiKey, timeoutMs: 1_000, now: () => fake.now() });
});
afterEach(async () => {
  await proxy.close();
  await fake.close();
});

describe("sms-activate Rent API: what is repeated after a lost answer", () => {
  it("getRentList (recovering a lost rent) and continueRentInfo (an extension's quote) are read-only: asked again and answered", async () => {
    const rental = value(await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r-1" }));

    loseNext.add("getRentList");
    const found = value(await provider.recoverRent({ service: "tg", country: "0", hours: 24, orderId: "r-2", since: START, knownIds: [] }));
    expect(found?.id).toBe(rental.id);
    expect(fake.requestCount("getRentList")).toBe(2);

    loseNext.add("continueRentInfo");
    expect(value(await provider.quoteExtension(rental.id, 24)).costMicros).toBeGreaterThan(0);
    expect(fake.requestCount("continueRentInfo")).toBe(2);

    loseNext.add("getRentStatus");
    expect(value(await provider.getRental(rental.id)).state).toBe("active");
    expect(fake.requestCount("getRentStatus")).toBe(2);

    loseNext.add("getRentServicesAndCountries");
    expect(value(await provider.getRentOffers()).length).toBeGreaterThan(0);
    expect(proxy.counts()["lose-answer"]).toBe(4);
  });

  it("renting, extending, finishing and cancelling are never sent twice: the lost answer is reported as unknown (temporary)", async () => {
    loseNext.add("getRentNumber");
    const lost = await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r-1" });
    expect(lost.ok ? "ok" : lost.failure.kind).toBe("temporary");
    expect(fake.requestCount("getRentNumber")).toBe(1);
    const [rental] = fake.rentals();
    if (!rental) throw new Error("the host did not rent");

    const endBefore = rental.endsAt;
    loseNext.add("continueRentNumber");
    const extended = await provider.extendRental(rental.id, 24);
    expect(extended.ok ? "ok" : extended.failure.kind).toBe("temporary");
    expect(fake.requestCount("continueRentNumber")).toBe(1);
    // The host extended once, exactly: the period was added a single time.
    expect(fake.rentals()[0]?.endsAt).toBe(endBefore + 24 * 3_600_000);

    loseNext.add("setRentStatus");
    const finished = await provider.finishRental(rental.id);
    expect(finished.ok ? "ok" : finished.failure.kind).toBe("temporary");
    loseNext.add("setRentStatus");
    const cancelled = await provider.cancelRental(rental.id);
    expect(cancelled.ok).toBe(false);
    expect(fake.requestCount("setRentStatus")).toBe(2);
  });
});
