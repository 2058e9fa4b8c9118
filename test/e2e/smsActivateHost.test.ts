import { describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram.ts";
import { startFakeSmsActivate, type FakeSmsActivate, type FakeSmsActivateOptions } from "../fakes/smsActivateServer.ts";
import { closeWhenTestEnds, startHarness, type Harness } from "../helpers/app.ts";
import { testClock, type TestClock } from "../helpers/store.ts";
import { adminUser, customer } from "../helpers/world.ts";

/*
 * The bot with PROVIDER=sms-activate, against the fake sms-activate host over HTTP (the real
 * protocol code end to end), for the stories where a host's own ways matter: how it lists SMS,
 * its clock, its prices.
 */

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = "fake-key-e2e-host";

interface HostWorld {
  h: Harness;
  host: FakeSmsActivate;
  clock: TestClock;
}

async function startHostWorld(options: FakeSmsActivateOptions = {}, env: Record<string, string> = {}): Promise<HostWorld> {
  const clock = testClock(START);
  const host = await startFakeSmsActivate({ apiKey: KEY, now: () => clock(), ...options });
  const h = await startHarness({
    clock,
    env: { PROVIDER: "sms-activate", PROVIDER_API_URL: host.url, PROVIDER_API_KEY: KEY, PROVIDER_TIMEOUT_SECONDS: "3", ...env },
  });
  closeWhenTestEnds(h);
  await h.app.scheduler.runNow("catalog-sync");
  return { h, host, clock };
}

/** Telegram in Indonesia (12.50 at the host), confirmed at the price shown. */
async function buyTelegramInIndonesia(user: FakeUser): Promise<void> {
  await user.send("/buy");
  await user.press("Telegram");
  await user.press(/Indonesia/);
  await user.press(/^✅ Confirm/);
}

function sendsContaining(h: Harness, chatId: number, text: string): number {
  return h.tg.calls("sendMessage").filter((c) => c.params["chat_id"] === chatId && String(c.params["text"]).includes(text)).length;
}

describe("a host that lists only the newest code", () => {
  it("delivers two codes one after the other: each reaches the user once, and the card shows both", async () => {
    const w = await startHostWorld({ smsListing: "newest" });
    try {
      const { user, account } = await customer(w.h, "Nadia", { balance: 500 });
      await buyTelegramInIndonesia(user);
      const bought = w.h.app.deps.activations.ofUser(account.id)[0];
      expect(bought?.state).toBe("waiting");
      const providerId = bought?.providerId ?? "";

      w.host.deliverSms(providerId, "Telegram code: 51234. Do not give it to anyone.", "51234");
      await w.h.app.scheduler.runNow("activation-poll");
      await w.h.tg.settle();
      expect(user.lastBotMessage()?.html).toContain("<code>51234</code>");

      w.clock.advance(30_000);
      w.host.deliverSms(providerId, "Telegram code: 60717. Do not give it to anyone.", "60717");
      // The host now lists "60717" alone: the count of SMS it shows is still one.
      await w.h.app.scheduler.runNow("activation-poll");
      await w.h.app.scheduler.runNow("activation-poll");
      await w.h.tg.settle();
      expect(user.lastBotMessage()?.html).toContain("<code>60717</code>");

      expect(sendsContaining(w.h, user.id, "Telegram code: 51234")).toBe(1);
      expect(sendsContaining(w.h, user.id, "Telegram code: 60717")).toBe(1);
      const cardId = w.h.app.deps.activations.byId(bought?.id ?? 0)?.cardMessageId;
      const card = user.botMessages().find((m) => m.id === cardId);
      expect(card?.html).toContain("<code>51234</code>");
      expect(card?.html).toContain("<code>60717</code>");
      const codes = w.h.app.deps.activations.sms(bought?.id ?? 0).map((s) => s.code);
      expect(codes).toEqual(["51234", "60717"]);
      // Charged once, at the first code.
      expect(w.h.app.deps.ledger.balanceOf(account.id).held).toBe(0);
      expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(500 - (bought?.price ?? 0));
    } finally {
      await w.host.close();
    }
  });
});

describe("a price rise at the host between the confirmation and the buy", () => {
  it("shows the new price with a Confirm button; confirming it buys the number at the new price", async () => {
    const w = await startHostWorld();
    try {
      const admin = adminUser(w.h);
      const { user, account } = await customer(w.h, "Pavel", { balance: 500 });
      await user.send("/buy");
      await user.press("Telegram");
      await user.press(/Indonesia/);
      const oldPrice = w.h.app.deps.catalog.offer("tg", "6")?.price ?? 0;
      w.host.setPrice("tg", "6", "40");
      await user.press(/^✅ Confirm/);

      const newPrice = w.h.app.deps.catalog.offer("tg", "6")?.price ?? 0;
      expect(newPrice).toBeGreaterThan(oldPrice);
      const shown = user.lastBotMessage();
      expect(shown?.text).toContain("The provider has raised the price of this number. Nothing was charged.");
      expect(shown?.text).toContain("Country: 🇮🇩 Indonesia");
      const label = `✅ Confirm · $${(newPrice / 100).toFixed(2)}`;
      expect(shown?.text).toContain(`New price: $${(newPrice / 100).toFixed(2)}`);
      expect(shown?.buttons[0]).toEqual([label]);
      expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });

      await user.press(label);
      const bought = w.h.app.deps.activations.ofUser(account.id)[0];
      expect(bought).toMatchObject({ state: "waiting", price: newPrice });
      expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: newPrice, available: 500 - newPrice });
      expect(w.host.activations()).toHaveLength(1);
      // The admins hear of the new price, not of an outage.
      await w.h.tg.settle();
      expect(admin.botMessages().filter((m) => m.text.includes("The provider raised its cost of Telegram in Indonesia to 40.00"))).toHaveLength(1);
      expect(admin.botMessages().filter((m) => m.text.includes("shop's side"))).toEqual([]);
    } finally {
      await w.host.close();
    }
  });

  it("with too little money for the new price, offers Top up instead of Confirm", async () => {
    const w = await startHostWorld();
    try {
      const oldPrice = w.h.app.deps.catalog.offer("tg", "6")?.price ?? 0;
      const { user, account } = await customer(w.h, "Rita", { balance: oldPrice });
      await user.send("/buy");
      await user.press("Telegram");
      await user.press(/Indonesia/);
      w.host.setPrice("tg", "6", "40");
      await user.press(/^✅ Confirm/);
      const shown = user.lastBotMessage();
      expect(shown?.text).toContain("The provider has raised the price of this number.");
      expect(shown?.text).toContain("Not enough money on your balance");
      expect(shown?.buttons[0]).toEqual(["💳 Top up"]);
      expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: oldPrice, held: 0, available: oldPrice });
    } finally {
      await w.host.close();
    }
  });
});
