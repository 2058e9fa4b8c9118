import { afterEach, describe, expect, it } from "vitest";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";
import { startHarness, type Harness } from "../helpers/app.ts";
import { testClock } from "../helpers/store.ts";
import { adminUser, customer, START } from "../helpers/world.ts";

/*
 * Names of services and countries come from the provider: whatever they hold, they are text in
 * every message (screens, cards, SMS, notices, recovery, admin views), never markup.
 */

const KEY = "fake-key-0123456789";
const SERVICE = "<b>Tele&gram</b>";
const COUNTRY = "<i>Atlan&tis</i>";

let harness: Harness | undefined;
let fake: FakeSmsActivate | undefined;
afterEach(async () => {
  if (harness) expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  await harness?.close();
  await fake?.close();
  harness = undefined;
  fake = undefined;
});

describe("provider-supplied names", () => {
  it("a service and a country named with markup are escaped in the flow, the card, the SMS, the recovery notice and the admin views", async () => {
    const clock = testClock(START);
    fake = await startFakeSmsActivate({
      apiKey: KEY,
      now: clock,
      services: [{ code: "xx", name: SERVICE }],
      countries: [{ id: "999", eng: COUNTRY }],
      prices: [{ service: "xx", country: "999", cost: "20", count: 50 }],
    });
    const provider = createSmsActivateProvider({ baseUrl: fake.url, apiKey: KEY, timeoutMs: 3_000, now: clock });
    harness = await startHarness({ clock, provider });
    await harness.app.scheduler.runNow("catalog-sync");
    const admin = adminUser(harness);
    const { user, account } = await customer(harness, "Nora", { balance: 1_000 });

    await user.send("/buy");
    await user.press(SERVICE);
    expect(user.lastBotMessage()?.text).toContain(SERVICE);
    await user.press(new RegExp(COUNTRY.replace(/[<>/]/g, "."), "u"));
    expect(user.lastBotMessage()?.text).toContain(COUNTRY);
    await user.press(/^✅ Confirm/);
    const activation = harness.app.deps.activations.ofUser(account.id)[0];
    if (!activation?.providerId) throw new Error("no activation");
    expect(user.lastBotMessage()?.html).toContain("&lt;b&gt;Tele&amp;gram&lt;/b&gt;");

    fake.deliverSms(activation.providerId, "Your code 12345", "12345");
    await harness.app.scheduler.runNow("activation-poll");
    await user.waitForMessage("12345");
    await user.send("/orders");
    expect(user.lastBotMessage()?.text).toContain(SERVICE);
    await user.send("/history");

    // A purchase interrupted before the provider answered: the recovery notice names the service too.
    const reserved = harness.app.deps.activations.reserve({ userId: account.id, serviceCode: "xx", countryCode: "999", orderKey: "lost-answer" });
    if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
    clock.advance(61_000);
    await harness.app.scheduler.runNow("purchase-recovery");
    const notice = await user.waitForMessage(/could not be issued/);
    expect(notice.text).toContain(SERVICE);

    await admin.send(`/order ${activation.id}`);
    expect(admin.lastBotMessage()?.text).toContain(SERVICE);
    await admin.send(`/user #${account.id}`);
    expect(admin.lastBotMessage()?.text).toContain(COUNTRY);
    await harness.tg.settle();
    // Nothing the bot sent was refused for its markup.
    expect(harness.tg.calls().filter((c) => !c.ok && /^(send|edit)/.test(c.method))).toEqual([]);
  });
});
