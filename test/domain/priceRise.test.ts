import { describe, expect, it } from "vitest";
import { retailPrice } from "../../src/domain/pricing.ts";
import { HOST_TG, hostShopPerTest, type HostShop } from "../helpers/hostShop.ts";
import { TEST_PRICING } from "../helpers/shop.ts";

/*
 * A price rise at the provider is not an outage. sms-activate answers a buy above its price with
 * WRONG_MAX_PRICE:<its minimum>: the hold is voided, the offer repriced at once (markup applied),
 * and the user gets the offer at its new price to confirm again, or the top-up they need first.
 * Through the real protocol code against the fake host.
 */

const shops = hostShopPerTest();

const TG_ID = HOST_TG;

function adminNotices(s: HostShop, key: string) {
  return s.queued().filter((q) => q.message.kind === "notice" && q.message.key === key);
}

async function confirmAndBuy(s: HostShop, userId: number) {
  const quoted = s.activations.purchases.quote(userId, TG_ID.serviceCode, TG_ID.countryCode);
  if (!quoted.ok) throw new Error(`quote failed: ${quoted.reason}`);
  const confirmed = s.activations.purchases.confirm(quoted.quote.orderKey, userId);
  if (!confirmed.ok) throw new Error(`confirm failed: ${confirmed.reason}`);
  return { quote: quoted.quote, activation: confirmed.activation, outcome: await s.activations.buy(confirmed.activation.id) };
}

describe("a price rise at the provider (WRONG_MAX_PRICE)", () => {
  for (const errorStyle of ["text", "json"] as const) {
    it(`voids the hold, reprices the offer at once and offers the new price to confirm (errors as ${errorStyle})`, async () => {
      const shop = await shops.open({ host: { errorStyle } });
      const user = shop.userWithMoney(1_000);
      const oldPrice = shop.catalog.offer("tg", "6")?.price ?? 0;
      shop.host.setPrice("tg", "6", "20");
      const { activation, outcome } = await confirmAndBuy(shop, user);

      const newPrice = retailPrice(20_000_000, "tg", TEST_PRICING);
      expect(newPrice).toBeGreaterThan(oldPrice);
      expect(outcome).toMatchObject({ ok: false, reason: "price_changed", failure: { kind: "price_changed", costMicros: 20_000_000 } });
      expect(shop.activations.byId(activation.id)).toMatchObject({ state: "failed", endReason: "price_changed" });
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
      expect(shop.catalog.offer("tg", "6")).toMatchObject({ costMicros: 20_000_000, price: newPrice });
      if (outcome.ok || outcome.reason !== "price_changed") throw new Error("expected price_changed");
      expect(outcome.requote).toMatchObject({ ok: true, quote: { price: newPrice, serviceCode: "tg", countryCode: "6" } });

      // The user confirms the new price: bought, at the new price, once.
      if (!outcome.requote.ok) throw new Error("expected a quote");
      const again = shop.activations.purchases.confirm(outcome.requote.quote.orderKey, user);
      if (!again.ok) throw new Error(`confirm failed: ${again.reason}`);
      expect(await shop.activations.buy(again.activation.id)).toMatchObject({ ok: true, activation: { state: "waiting", price: newPrice } });
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: newPrice, available: 1_000 - newPrice });
      expect(shop.host.activations()).toHaveLength(1);

      // Not an outage: the admins hear of the new price once, never of a failure on the shop's side.
      expect(adminNotices(shop, "purchase-operator-failure")).toEqual([]);
      expect(adminNotices(shop, "purchase-price-rise")).toHaveLength(1);
      expect(adminNotices(shop, "purchase-price-rise")[0]?.message).toMatchObject({ vars: { cost: "20.00", price: { money: newPrice } } });
    });
  }

  it("with too little money for the new price, the new quote says how much is missing (the screen offers Top up)", async () => {
    const shop = await shops.open();
    const oldPrice = shop.catalog.offer("tg", "6")?.price ?? 0;
    const user = shop.userWithMoney(oldPrice);
    shop.host.setPrice("tg", "6", "20");
    const { outcome } = await confirmAndBuy(shop, user);
    const newPrice = retailPrice(20_000_000, "tg", TEST_PRICING);
    expect(outcome).toMatchObject({
      ok: false,
      reason: "price_changed",
      requote: { ok: false, reason: "insufficient_funds", price: newPrice, available: oldPrice, missing: newPrice - oldPrice },
    });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: oldPrice, held: 0, available: oldPrice });
  });

  it("a second rise within the hour for the same offer reprices again but alerts the admins once", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(5_000);
    shop.host.setPrice("tg", "6", "20");
    await confirmAndBuy(shop, user);
    shop.host.setPrice("tg", "6", "30");
    const { outcome } = await confirmAndBuy(shop, user);
    expect(outcome).toMatchObject({ ok: false, reason: "price_changed" });
    expect(shop.catalog.offer("tg", "6")?.costMicros).toBe(30_000_000);
    expect(adminNotices(shop, "purchase-price-rise")).toHaveLength(1);
  });

  it("WRONG_MAX_PRICE without a readable minimum cannot be repriced: a failure on the operator's side, the admins are told", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(1_000);
    const before = shop.catalog.offer("tg", "6");
    shop.host.injectFault("getNumberV2", { text: "WRONG_MAX_PRICE" });
    const { outcome } = await confirmAndBuy(shop, user);
    expect(outcome).toMatchObject({ ok: false, reason: "bad_config" });
    expect(shop.catalog.offer("tg", "6")).toEqual(before);
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(adminNotices(shop, "purchase-operator-failure")).toHaveLength(1);
  });
});
