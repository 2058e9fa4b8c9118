import { afterEach, describe, expect, it } from "vitest";
import { testShop } from "../helpers/shop.ts";
import { ADMIN_CHAT } from "../helpers/store.ts";

type Shop = Awaited<ReturnType<typeof testShop>>;
let shop: Shop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const TG_KZ = { serviceCode: "tg", countryCode: "kz" };

async function bought(s: Shop, userId: number, orderKey = `o-${Math.random()}`) {
  const reserved = s.activations.reserve({ userId, ...TG_KZ, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  return outcome.activation;
}

describe("buying a number", () => {
  it("reserves the price, gets a number, and charges nothing until a code arrives", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const price = shop.catalog.offer("tg", "kz")?.price ?? 0;
    const activation = await bought(shop, user);
    expect(activation).toMatchObject({ state: "waiting", phone: expect.stringMatching(/^7\d{10}$/), price });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: price, available: 1_000 - price });
  });

  it("the same order key reserves once, however often Confirm is pressed", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const first = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "same" });
    const second = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "same" });
    expect(first.ok && !first.duplicate).toBe(true);
    expect(second.ok && second.duplicate).toBe(true);
    if (!first.ok) return;
    await shop.activations.buy(first.activation.id);
    expect(await shop.activations.buy(first.activation.id)).toMatchObject({ ok: false, reason: "already_settled" });
    expect(shop.ledger.balanceOf(user).held).toBe(first.activation.price);
  });

  it("short of money it says how much is missing and reserves nothing", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(5);
    const result = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "poor" });
    const price = shop.catalog.offer("tg", "kz")?.price ?? 0;
    expect(result).toEqual({ ok: false, reason: "insufficient_funds", price, available: 5, missing: price - 5 });
  });

  it("out of stock at the provider voids the hold and hides the pair", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    shop.provider.setStock("tg", "kz", 0);
    const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "empty" });
    if (!reserved.ok) throw new Error("reserve failed");
    expect(await shop.activations.buy(reserved.activation.id)).toMatchObject({ ok: false, reason: "out_of_stock" });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(shop.catalog.offer("tg", "kz")?.stock).toBe(0);
  });

  it("a buy whose answer was lost is found among the provider's activations, not bought again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    shop.provider.failNext("buy", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "lost" });
    if (!reserved.ok) throw new Error("reserve failed");
    const outcome = await shop.activations.buy(reserved.activation.id);
    expect(outcome).toMatchObject({ ok: true, activation: { state: "waiting" } });
    expect(shop.provider.snapshot().activations).toHaveLength(1);
  });

  it("a buy that timed out without creating anything is voided", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    shop.provider.failNext("buy", { kind: "temporary", message: "timeout" });
    const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "nothing" });
    if (!reserved.ok) throw new Error("reserve failed");
    expect(await shop.activations.buy(reserved.activation.id)).toMatchObject({ ok: false, reason: "temporary" });
    expect(shop.ledger.balanceOf(user).held).toBe(0);
  });

  it("a purchase interrupted after the hold (a crash) is settled by the recovery sweep", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "crash" });
    if (!reserved.ok) throw new Error("reserve failed");
    // The process died here, before asking the provider. Nothing is settled within the grace period.
    expect(await shop.activations.settleStaleReservations()).toEqual([]);
    shop.clock.advance(61_000);
    const [outcome] = await shop.activations.settleStaleReservations();
    expect(outcome).toMatchObject({ ok: false, reason: "temporary", activation: { state: "failed" } });
    expect(shop.ledger.balanceOf(user).held).toBe(0);
  });

  it("a provider that is down during recovery leaves the hold in place to try again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "down" });
    if (!reserved.ok) throw new Error("reserve failed");
    shop.clock.advance(61_000);
    shop.provider.failNext("recoverBuy", { kind: "temporary", message: "down" });
    const [outcome] = await shop.activations.settleStaleReservations();
    expect(outcome).toMatchObject({ ok: false, reason: "pending" });
    expect(shop.ledger.balanceOf(user).held).toBe(reserved.activation.price);
  });

  it("the shop refuses a forbidden pair even if it reached the catalog (P3 at the till)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    expect(shop.activations.reserve({ userId: user, serviceCode: "tg", countryCode: "ir", orderKey: "x" })).toEqual({ ok: false, reason: "not_offered" });
    expect(shop.activations.reserve({ userId: user, serviceCode: "qw", countryCode: "ru", orderKey: "y" })).toEqual({ ok: false, reason: "not_offered" });
  });
});

describe("receiving SMS", () => {
  it("the first code captures the hold; every SMS is recorded once however often it is seen (A2, A4)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.deliverSms(activation.providerId ?? "", "Telegram code: 11111", "11111");
    const first = await shop.activations.poll();
    expect(first.requests).toBe(1);
    expect(first.updates).toHaveLength(1);
    expect(first.updates[0]?.newSms.map((s) => s.code)).toEqual(["11111"]);
    expect(first.updates[0]?.activation.state).toBe("received");
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000 - activation.price, held: 0, available: 1_000 - activation.price });
    expect((await shop.activations.poll()).updates).toEqual([]);

    await shop.activations.requestAnotherSms(activation.id, user);
    shop.provider.deliverSms(activation.providerId ?? "", "Telegram code: 22222", "22222");
    const second = await shop.activations.poll();
    expect(second.updates[0]?.newSms.map((s) => s.code)).toEqual(["22222"]);
    expect(shop.activations.sms(activation.id)).toHaveLength(2);
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000 - activation.price);
    // Each SMS was queued for the user once, in the transaction that stored it.
    const smsIds = shop.activations.sms(activation.id).map((row) => row.id);
    const queued = shop.queued().filter((q) => q.message.kind === "activation-sms");
    expect(queued.map((q) => q.message)).toEqual(smsIds.map((smsId) => ({ kind: "activation-sms", activationId: activation.id, smsId })));
    expect(queued.every((q) => q.userId === user)).toBe(true);
  });

  it("polls many open activations with one provider request", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000_000);
    for (let i = 0; i < 50; i++) await bought(shop, user, `bulk-${i}`);
    const tick = await shop.activations.poll();
    expect(tick.requests).toBe(1);
  });
});

describe("quote and confirm: the purchase from the confirmation screen to the hold", () => {
  it("a quote keeps the price shown; Confirm reserves it once, however often it is pressed", () => {
    const s = shop;
    void s;
  });
});

describe("ending an activation", () => {
  it("cancel before a code gives the money back (A3, A5)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    const result = await shop.activations.cancel(activation.id, user, "cancel");
    expect(result).toMatchObject({ ok: true, refunded: activation.price, activation: { state: "cancelled" } });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "ended" });
  });

  it("ban before a code reports the number and gives the money back", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    expect(await shop.activations.cancel(activation.id, user, "ban")).toMatchObject({ ok: true, activation: { state: "banned" } });
    expect(shop.provider.snapshot().activations[0]?.state).toBe("banned");
  });

  it("cancel after a code is refused: the number was delivered (A4)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.deliverSms(activation.providerId ?? "", "code 12345", "12345");
    await shop.activations.poll();
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "has_code" });
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000 - activation.price);
  });

  it("a cancel racing a code the bot has not seen yet is refused by the provider and not refunded", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.deliverSms(activation.providerId ?? "", "code 55555", "55555"); // the poller has not run yet
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "has_code" });
    expect(shop.activations.byId(activation.id)?.state).toBe("received");
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000 - activation.price);
  });

  it("an early cancel the provider refuses says from when it is possible, and is not refunded yet", async () => {
    shop = await testShop({ earlyCancelMs: 120_000 });
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    const early = await shop.activations.cancel(activation.id, user, "cancel");
    expect(early).toMatchObject({ ok: false, reason: "too_early", at: activation.createdAt + 120_000 });
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    shop.clock.advance(121_000);
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: true });
  });

  it("another user's activation cannot be cancelled", async () => {
    shop = await testShop();
    const owner = shop.userWithMoney(1_000);
    const stranger = shop.userWithMoney(1_000);
    const activation = await bought(shop, owner);
    expect(await shop.activations.cancel(activation.id, stranger, "cancel")).toEqual({ ok: false, reason: "not_found" });
    expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
  });

  it("expiry without a code cancels at the provider and refunds; with a code it finishes (A3)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const silent = await bought(shop, user, "silent");
    const coded = await bought(shop, user, "coded");
    shop.provider.deliverSms(coded.providerId ?? "", "code 1", "1");
    await shop.activations.poll();
    shop.clock.advance(20 * 60_000 + 1);
    const updates = await shop.activations.expireDue();
    expect(updates.map((u) => [u.activation.id, u.activation.state, u.refunded])).toEqual([
      [silent.id, "expired", silent.price],
      [coded.id, "finished", undefined],
    ]);
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000 - coded.price, held: 0, available: 1_000 - coded.price });
    // The refund is told to the user through the outbox, once, even if the sweep runs again.
    await shop.activations.expireDue();
    const notices = shop.queued().filter((q) => q.message.kind === "activation-notice");
    expect(notices.map((q) => q.message)).toEqual([
      { kind: "activation-notice", activationId: silent.id, key: "card-expired-refunded", vars: { amount: { money: silent.price } } },
    ]);
  });

  it("an activation the provider ended on its side without a code is never left charged", async () => {
    shop = await testShop({ activationTtlMs: 10 * 60_000 });
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.clock.advance(10 * 60_000 + 1);
    const { updates } = await shop.activations.poll();
    expect(updates[0]).toMatchObject({ refunded: activation.price, activation: { state: "expired" } });
    expect(shop.ledger.balanceOf(user).held).toBe(0);
  });

  it("reminds once after five minutes without an SMS (A6), queued for the user", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    expect(shop.activations.queueDueReminders()).toHaveLength(0);
    shop.clock.advance(5 * 60_000);
    expect(shop.activations.queueDueReminders()).toHaveLength(1);
    expect(shop.activations.queueDueReminders()).toHaveLength(0);
    const reminders = shop.queued().filter((q) => q.message.kind === "activation-reminder");
    expect(reminders).toEqual([expect.objectContaining({ userId: user, message: { kind: "activation-reminder", activationId: activation.id } })]);
  });

  it("too many cancellations without a code suspend buying for a while (A6)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(10_000);
    let last;
    for (let i = 0; i < 3; i++) {
      const a = await bought(shop, user, `abuse-${i}`);
      last = await shop.activations.cancel(a.id, user, "cancel");
    }
    const until = shop.clock() + 2 * 60 * 60_000;
    expect(last).toMatchObject({ ok: true, suspendedUntil: until });
    expect(shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "after" })).toEqual({ ok: false, reason: "suspended", until });
    // The admins hear of the suspension once, queued with it.
    const alerts = shop.queued().filter((q) => q.message.kind === "notice" && q.message.key === "abuse-suspended-admin");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ chatId: ADMIN_CHAT, message: { vars: { account: user, reason: "3 cancellations without a code" } } });
    shop.clock.advance(2 * 60 * 60_000 + 1);
    expect(shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "later" }).ok).toBe(true);
  });

  it("A6: a Ban (number already used) counts half a plain cancel; an admin can lift a suspension, and earlier cancels do not count again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(10_000);
    // The limit is 3 plain cancels: 2 cancels and 1 Ban (2.5) do not suspend; a second Ban (3) does.
    for (const [i, kind] of (["cancel", "cancel", "ban"] as const).entries()) {
      const a = await bought(shop, user, `gentle-${i}`);
      const ended = await shop.activations.cancel(a.id, user, kind);
      expect(ended.ok && ended.suspendedUntil).toBeUndefined();
    }
    const fourth = await bought(shop, user, "gentle-3");
    const last = await shop.activations.cancel(fourth.id, user, "ban");
    expect(last).toMatchObject({ ok: true, suspendedUntil: shop.clock() + 2 * 60 * 60_000 });
    const alert = shop.queued().find((q) => q.message.kind === "notice" && q.message.key === "abuse-suspended-admin");
    expect(alert).toMatchObject({ message: { vars: { reason: "2 cancellations and 2 numbers reported as used, without a code" } } });

    expect(shop.activations.abuse.lift(user)).toBe(true);
    expect(shop.activations.suspension(user)).toBeUndefined();
    expect(shop.activations.abuse.lift(user)).toBe(false);
    // The cancels the lifted suspension answered for are not counted again: one more cancel is fine.
    shop.clock.advance(1);
    const again = await bought(shop, user, "after-lift");
    const afterLift = await shop.activations.cancel(again.id, user, "cancel");
    expect(afterLift.ok && afterLift.suspendedUntil).toBeUndefined();
  });

  it("finish after a code ends the activation and keeps it paid", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: false, reason: "no_code" });
    shop.provider.deliverSms(activation.providerId ?? "", "code 7", "7");
    await shop.activations.poll();
    expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: true, activation: { state: "finished" } });
  });
});
