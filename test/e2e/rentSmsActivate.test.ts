import { describe, expect, it, onTestFinished } from "vitest";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";
import { closeWhenTestEnds, startHarness, type Harness } from "../helpers/app.ts";
import { testClock } from "../helpers/store.ts";
import { START, customer } from "../helpers/world.ts";

/*
 * Renting through a host speaking the sms-activate Rent API over HTTP (the fake on 127.0.0.1):
 * offers, getRentNumber, getRentStatus with its SMS, STATUS_REVOKE, and a lost getRentNumber
 * answer recovered from getRentList. The ledger's invariants are checked after each story.
 */

const HOUR = 3_600_000;

async function shop(): Promise<{ h: Harness; fake: FakeSmsActivate }> {
  const clock = testClock(START);
  const fake = await startFakeSmsActivate({
    now: () => clock(),
    balance: "10000",
    rentPrices: [
      { service: "tg", country: "0", costPerDay: "80", count: 10 },
      // Iran: rented out by the host, never by the shop (P3).
      { service: "tg", country: "57", costPerDay: "40", count: 10 },
    ],
  });
  onTestFinished(() => fake.close());
  const h = await startHarness({
    clock,
    env: { PROVIDER: "sms-activate", PROVIDER_API_URL: fake.url, PROVIDER_API_KEY: fake.apiKey, PROVIDER_TIMEOUT_SECONDS: "1" },
  });
  closeWhenTestEnds(h);
  await h.app.scheduler.runNow("catalog-sync");
  await h.app.scheduler.runNow("rent-offer-sync");
  return { h, fake };
}

describe("renting through the sms-activate Rent API", () => {
  it("rents Telegram in Russia for a day, receives two SMS as two messages; Iran is never offered (P3)", async () => {
    const { h, fake } = await shop();
    const { user, account } = await customer(h, "Olga", { balance: 5000 });
    await user.send("/rent");
    await user.press(/^Telegram · /);
    const countries = user.lastBotMessage()?.buttons.flat() ?? [];
    expect(countries.some((label) => label.includes("Russia"))).toBe(true);
    expect(countries.some((label) => label.includes("Iran"))).toBe(false);
    await user.press(/Russia/);
    await user.press(/^1 day · /);
    await user.press(/^✅ Rent · /);
    const rental = h.app.deps.rentals.records.ofUser(account.id)[0];
    expect(rental?.state).toBe("active");
    expect(fake.rentals()).toHaveLength(1);
    expect(h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - (rental?.price ?? 0));

    fake.deliverRentSms(rental?.providerId ?? "", "Your Telegram code 70123");
    fake.deliverRentSms(rental?.providerId ?? "", "Your Telegram code 80234");
    await h.app.scheduler.runNow("rental-poll");
    await h.tg.settle();
    const texts = user.botMessages().slice(-2).map((m) => m.text);
    expect(texts[0]).toContain("70123");
    expect(texts[1]).toContain("80234");
  });

  it("a lost getRentNumber answer is recovered from getRentList after a restart, never rented twice; a revoked number refunds the unused time (L2)", async () => {
    const { h, fake } = await shop();
    const { user, account } = await customer(h, "Pavel", { balance: 5000 });
    await user.send("/rent");
    await user.press(/^Telegram · /);
    await user.press(/Russia/);
    await user.press(/^1 day · /);
    fake.injectFault("getRentNumber", "timeout");
    await user.press(/^✅ Rent · /);
    const pending = h.app.deps.rentals.records.ofUser(account.id)[0];
    expect(pending?.state).toBe("reserving");
    const clock = h.app.deps.clock as ReturnType<typeof testClock>;
    clock.advance(2 * 60_000);
    await h.restart();
    await h.app.scheduler.runNow("rental-recovery");
    const settled = h.app.deps.rentals.records.byId(pending?.id ?? 0);
    expect(settled?.state).toBe("active");
    expect(settled?.providerId).toBe(fake.rentals()[0]?.id);
    expect(fake.requestCount("getRentNumber")).toBe(1);

    clock.advance(12 * HOUR);
    fake.revokeRental(settled?.providerId ?? "");
    await h.app.scheduler.runNow("rental-poll");
    const revoked = h.app.deps.rentals.records.byId(pending?.id ?? 0);
    expect(revoked?.state).toBe("revoked");
    const price = revoked?.price ?? 0;
    expect(h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - price + Math.floor(price / 2));
  });
});
