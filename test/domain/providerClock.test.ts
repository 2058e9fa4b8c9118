import { describe, expect, it } from "vitest";
import { HOST_TG, boughtOnHost, hostShopPerTest } from "../helpers/hostShop.ts";

/*
 * Hosts of the sms-activate protocol do not agree on a time zone, and their stamps carry none. The
 * bot reads them in PROVIDER_UTC_OFFSET's zone; when that is wrong for a host (its stamps look 3 h
 * off), nothing may end early and nothing may be refunded early: the bot's own lifetime decides
 * expiry, and only the provider saying "ended" ends a number before it. Through the real protocol
 * code against the fake host.
 */

const shops = hostShopPerTest();

const TG_ID = HOST_TG;
const MINUTE = 60_000;

const bought = boughtOnHost;

for (const [hostZone, label] of [
  [0, "stamps in UTC while the bot reads Moscow time (they look 3 h old)"],
  [360, "stamps at UTC+6 while the bot reads Moscow time (they look 3 h ahead)"],
] as const) {
  describe(`a host whose ${label}`, () => {
    it("nothing is ended or refunded before the bot's own lifetime; at its end the provider's answer decides", async () => {
      const shop = await shops.open({ host: { utcOffsetMinutes: hostZone } });
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      expect(activation.expiresAt).toBe(shop.clock() + 20 * MINUTE);
      // Every three minutes, and at 19 minutes 59 seconds: polls and expiry sweeps change nothing.
      for (const step of [3, 3, 3, 3, 3, 3, 1, 0.98]) {
        shop.clock.advance(step * MINUTE);
        await shop.activations.poll();
        expect(await shop.activations.expireDue()).toEqual([]);
      }
      expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
      expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
      expect(shop.host.activations()[0]?.status).toBe("waiting");

      shop.clock.advance(2 * MINUTE);
      await shop.activations.expireDue();
      await shop.activations.poll();
      expect(shop.activations.byId(activation.id)?.state).toMatch(/^(expired|cancelled)$/);
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    });

    it("a code that comes late in the lifetime is still delivered and charged", async () => {
      const shop = await shops.open({ host: { utcOffsetMinutes: hostZone } });
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      shop.clock.advance(19 * MINUTE);
      await shop.activations.expireDue();
      shop.host.deliverSms(activation.providerId ?? "", "Telegram code: 80801", "80801");
      await shop.activations.poll();
      expect(shop.activations.byId(activation.id)?.state).toBe("received");
      expect(shop.activations.sms(activation.id).map((s) => s.code)).toEqual(["80801"]);
      // The SMS's time is never later than now, whatever the host's stamp says.
      expect(shop.activations.sms(activation.id)[0]?.receivedAt).toBeLessThanOrEqual(shop.clock());
      expect(shop.ledger.balanceOf(user).posted).toBe(1_000 - activation.price);
    });

    it("after a restart (the host's stamps are all the bot has), an early cancel is allowed again two minutes after the buy, not hours off", async () => {
      const shop = await shops.open({ host: { utcOffsetMinutes: hostZone } });
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      const after = shop.restarted();
      await after.poll(); // the restarted process reads the host's list (and its stamps)
      shop.clock.advance(30_000);
      const early = await after.cancel(activation.id, user, "cancel");
      expect(early).toMatchObject({ ok: false, reason: "too_early" });
      if (!early.ok && early.reason === "too_early") {
        expect(early.at).toBeGreaterThan(shop.clock());
        expect(early.at).toBeLessThanOrEqual(shop.clock() + 2 * MINUTE);
      }
      shop.clock.advance(2 * MINUTE);
      expect(await after.cancel(activation.id, user, "cancel")).toMatchObject({ ok: true, refunded: activation.price });
    });
  });
}

describe("a purchase whose buy answer was lost, at a host whose stamps are 3 h off", () => {
  it("the running bot has learnt the host's offset from an earlier buy and finds the number", async () => {
    const shop = await shops.open({ host: { utcOffsetMinutes: 0 } });
    const user = shop.userWithMoney(1_000);
    await bought(shop, user, "earlier");
    shop.clock.advance(5 * MINUTE);
    shop.host.injectFault("getNumberV2", "timeout");
    const reserved = shop.activations.reserve({ userId: user, ...TG_ID, orderKey: "lost" });
    if (!reserved.ok) throw new Error("reserve failed");
    const outcome = await shop.activations.buy(reserved.activation.id);
    expect(outcome).toMatchObject({ ok: true, activation: { state: "waiting" } });
    expect(shop.host.activations()).toHaveLength(2);
  });

  it("after a restart, with nothing learnt, the purchase waits with its hold instead of being voided while its number exists; voided once the host ended it", async () => {
    const shop = await shops.open({ host: { utcOffsetMinutes: 0 } });
    const user = shop.userWithMoney(1_000);
    shop.host.injectFault("getNumberV2", "timeout");
    const reserved = shop.activations.reserve({ userId: user, ...TG_ID, orderKey: "lost" });
    if (!reserved.ok) throw new Error("reserve failed");
    const first = await shop.activations.buy(reserved.activation.id);
    // The look right after the lost answer knows nothing of the host's clock yet: the number looks 3 h old.
    expect(first).toMatchObject({ ok: false, reason: "pending" });
    const after = shop.restarted();
    for (let i = 0; i < 3; i++) {
      shop.clock.advance(2 * MINUTE);
      expect(await after.settleStaleReservations()).toMatchObject([{ ok: false, reason: "pending" }]);
    }
    expect(shop.activations.byId(reserved.activation.id)?.state).toBe("reserving");
    expect(shop.ledger.balanceOf(user).held).toBe(reserved.activation.price);
    // The host ends the number it sold (its own 20 minutes, no code): only now is "none" the truth.
    shop.clock.advance(15 * MINUTE);
    await after.settleStaleReservations();
    expect(shop.activations.byId(reserved.activation.id)?.state).toBe("failed");
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
  });
});
