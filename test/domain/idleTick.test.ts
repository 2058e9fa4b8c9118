import { afterEach, describe, expect, it, vi } from "vitest";
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

  async function buyOne(s: Shop, user: number, orderKey: string) {
    const reserved = s.activations.reserve({ userId: user, serviceCode: "tg", countryCode: "kz", orderKey });
    if (!reserved.ok) throw new Error(reserved.reason);
    const bought = await s.activations.buy(reserved.activation.id);
    if (!bought.ok) throw new Error(bought.reason);
    return bought.activation;
  }

  it("keeps the open numbers between ticks, yet sees a number bought after its copy was taken: its SMS arrives (A2)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    await buyOne(shop, user, "first");
    await shop.activations.poll();
    await shop.activations.poll();
    const second = await buyOne(shop, user, "second");
    shop.provider.deliverSms(second.providerId ?? "", "Telegram code: 24680", "24680");
    const tick = await shop.activations.poll();
    expect(tick.updates.map((u) => [u.activation.id, u.newSms.map((sms) => sms.code)])).toEqual([[second.id, ["24680"]]]);
  });

  it("follows a change written by any path, raw SQL included: a number no longer open is not asked about, an SMS stored elsewhere is not stored again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const first = await buyOne(shop, user, "first");
    const second = await buyOne(shop, user, "second");
    expect((await shop.activations.poll()).requests).toBe(1);
    // Another writer (here, raw SQL) ends the first number locally while the provider still lists it
    // for a moment, then forgets it: with a stale copy the tick would ask about it on its own.
    shop.store.sqlite.prepare("UPDATE activations SET state = 'finished', ended_at = ? WHERE id = ?").run(Date.now(), first.id);
    const cancelled = await shop.provider.cancel(first.providerId ?? "");
    expect(cancelled.ok).toBe(true);
    expect((await shop.activations.poll()).requests).toBe(1);

    // An SMS stored by another path (as a provider's push would) is known to the next tick, which
    // then has nothing to apply for it.
    shop.provider.deliverSms(second.providerId ?? "", "Telegram code: 11111", "11111");
    const remote = await shop.provider.getActivation(second.providerId ?? "");
    if (!remote.ok) throw new Error(remote.failure.message);
    const sms = remote.value.sms[0];
    if (!sms) throw new Error("the simulator lists no SMS");
    shop.store.sqlite
      .prepare("INSERT INTO activation_sms (activation_id, provider_sms_id, text, code, received_at) VALUES (?, ?, ?, ?, ?)")
      .run(second.id, sms.id, sms.text, sms.code, sms.receivedAt);
    const applied = vi.spyOn(shop.activations.polling, "apply");
    expect((await shop.activations.poll()).updates).toEqual([]);
    expect(applied).not.toHaveBeenCalled();
  });
});
