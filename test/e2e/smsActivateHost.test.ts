import { describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram.ts";
import { startFakeSmsActivate, type FakeSmsActivate, type FakeSmsActivateOptions } from "../fakes/smsActivateServer.ts";
import { closeWhenTestEnds, startHarness, type Harness } from "../helpers/app.ts";
import { testClock, type TestClock } from "../helpers/store.ts";
import { customer } from "../helpers/world.ts";

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
