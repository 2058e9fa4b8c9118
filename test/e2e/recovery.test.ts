import { describe, expect, it } from "vitest";
import { customer, startWorld } from "../helpers/world.ts";

/*
 * The bot killed between reserving the money and hearing back from the provider. The database is
 * left exactly as the dead process left it (a `reserving` activation with its hold); the restarted
 * bot settles it at start-up: matched with the provider's open activations, or voided.
 */

async function setUp() {
  const { h, sim, clock } = await startWorld({ seed: 5 });
  const { user, account } = await customer(h, "Rosa", { balance: 1_000 });
  // What the process did before it died: the price reserved, the activation recorded.
  const reserved = h.app.deps.activations.reserve({ userId: account.id, serviceCode: "tg", countryCode: "kz", orderKey: "killed-order" });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  return { h, sim, clock, user, account, activation: reserved.activation };
}

describe("the bot killed in the middle of a purchase and restarted", () => {
  it("killed before the provider was asked: the restarted bot voids the reservation and tells the user", async () => {
    const { h, clock, user, account, activation } = await setUp();
    expect(h.app.deps.ledger.balanceOf(account.id).held).toBe(activation.price);
    clock.advance(61_000);
    await h.restart();
    await h.app.scheduler.runNow("purchase-recovery");
    expect(h.app.deps.activations.byId(activation.id)?.state).toBe("failed");
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    await user.waitForMessage(/could not be issued\. Nothing was charged/);
  });

  it("killed after the provider sold the number: the restarted bot finds it and gives it to the user", async () => {
    const { h, sim, clock, user, account, activation } = await setUp();
    // The provider sold the number, but the answer died with the process.
    const sold = await sim.buy({ service: "tg", country: "kz", orderId: activation.orderKey });
    if (!sold.ok) throw new Error("simulator refused");
    clock.advance(61_000);
    await h.restart();
    await h.app.scheduler.runNow("purchase-recovery");
    const recovered = h.app.deps.activations.byId(activation.id);
    expect(recovered).toMatchObject({ state: "waiting", providerId: sold.value.id, phone: sold.value.phone });
    expect(h.app.deps.ledger.balanceOf(account.id).held).toBe(activation.price);
    await user.waitForMessage(new RegExp(`\\+${sold.value.phone}`));
    // Bought once: the provider has exactly one activation.
    expect(sim.snapshot().activations).toHaveLength(1);
  });
});

describe("two jobs telling the same user at once", () => {
  it("an SMS is sent once even when the poll and the expiry sweep deliver the same activation together", async () => {
    const { h, sim, clock, user, activation } = await setUp();
    const bought = await h.app.deps.activations.buy(activation.id);
    if (!bought.ok) throw new Error("buy failed");
    sim.deliverSms(bought.activation.providerId ?? "", "Telegram code: 424242", "424242");
    clock.advance(20 * 60_000 + 1);
    await Promise.all([h.app.scheduler.runNow("activation-poll"), h.app.scheduler.runNow("activation-expiry")]);
    await h.tg.settle();
    const sends = h.tg.calls("sendMessage").filter((c) => c.params["chat_id"] === user.id && String(c.params["text"]).includes("424242"));
    expect(sends).toHaveLength(1);
  });
});
