import { afterEach, describe, expect, it } from "vitest";
import { testShop } from "../helpers/shop.ts";

type Shop = Awaited<ReturnType<typeof testShop>>;
let shop: Shop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const changes = (s: Shop) => (s.store.sqlite.prepare("SELECT total_changes() AS n").get() as { n: number }).n;

describe("a polling tick with no news (fast at any size)", () => {
  it("writes nothing, and the next SMS is still stored, charged once and queued (A2, A4)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const reserved = shop.activations.reserve({ userId: user, serviceCode: "tg", countryCode: "kz", orderKey: "idle" });
    if (!reserved.ok) throw new Error(reserved.reason);
    const bought = await shop.activations.buy(reserved.activation.id);
    if (!bought.ok) throw new Error(bought.reason);
    await shop.activations.poll();
    const before = changes(shop);
    for (let i = 0; i < 3; i++) expect((await shop.activations.poll()).updates).toEqual([]);
    expect(changes(shop)).toBe(before);

    shop.provider.deliverSms(bought.activation.providerId ?? "", "Telegram code: 77777", "77777");
    const tick = await shop.activations.poll();
    expect(tick.updates.map((u) => u.newSms.map((s) => s.code))).toEqual([["77777"]]);
    expect(shop.ledger.balanceOf(user)).toMatchObject({ posted: 1_000 - bought.activation.price, held: 0 });
    const after = changes(shop);
    expect((await shop.activations.poll()).updates).toEqual([]);
    expect(changes(shop)).toBe(after);
  });
});
