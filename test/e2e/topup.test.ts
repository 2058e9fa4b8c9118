import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/app.ts";
import { adminUser, customer } from "../helpers/world.ts";

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  await harness?.close();
  harness = undefined;
});

describe("topping up with Telegram Stars", () => {
  it("pays 100 Stars and sees the balance rise by the configured amount", async () => {
    harness = await startHarness({ env: { STARS_RATE: "0.013" } });
    const { user, account } = await customer(harness, "Anna");
    await user.press("💳 Top up");
    expect(user.lastBotMessage()?.text).toContain("You pay with Telegram Stars");
    await user.press("100 ⭐ → $1.30");
    const invoice = user.lastBotMessage()?.invoice;
    expect(invoice).toMatchObject({ currency: "XTR", amount: 100, title: "Balance top-up", description: "$1.30 will be added to your balance." });
    expect(invoice?.payload).toMatch(/^topup:[A-Za-z0-9_-]{24}$/);

    const result = await user.pay();
    expect(result.preCheckoutOk).toBe(true);
    expect(user.lastBotMessage()?.text).toContain("Payment received: 100 ⭐.");
    expect(user.lastBotMessage()?.text).toContain("Balance: $1.30");
    expect(harness.app.deps.ledger.balanceOf(account.id).available).toBe(130);
  });

  it("the same successful_payment delivered twice credits once; a second genuine payment credits again", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Boris");
    await user.send("/topup");
    await user.press("250 ⭐ → $3.25");
    await user.pay();
    const replay = user.lastSuccessfulPaymentUpdate();
    if (!replay) throw new Error("no payment update");
    const messagesBefore = user.botMessages().length;
    harness.tg.pushUpdate(replay);
    await harness.tg.settle();
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(325);
    expect(user.botMessages().length).toBe(messagesBefore);

    // After a restart the redelivered update is still recognised.
    await harness.restart();
    harness.tg.pushUpdate(replay);
    await harness.tg.settle();
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(325);

    // A new invoice paid is a new credit.
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(455);
  });

  it("an invoice already paid, or expired, cannot be paid again", async () => {
    const { testClock } = await import("../helpers/store.ts");
    const clock = testClock(Date.now());
    harness = await startHarness({ clock, env: { TOPUP_INVOICE_HOURS: "1" } });
    const { user, account } = await customer(harness, "Clara");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    const invoice = user.lastBotMessage();
    expect((await user.pay(invoice)).preCheckoutOk).toBe(true);
    const again = await user.pay(invoice);
    expect(again).toEqual({ preCheckoutOk: false, errorMessage: "This invoice has already been paid. Open /topup to create a new one." });

    await user.press("100 ⭐ → $1.30");
    clock.advance(2 * 3_600_000);
    const late = await user.pay();
    expect(late).toEqual({ preCheckoutOk: false, errorMessage: "This invoice has expired. Open /topup to create a new one." });
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(130);
  });

  it("a blocked user's pre-checkout is refused, in their language", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Dmitri", { language_code: "ru" });
    await user.send("/topup");
    await user.press(/^100 ⭐ → 1,30/);
    harness.app.deps.accounts.block(account.id, "fraud complaint", true);
    const result = await user.pay();
    expect(result).toEqual({ preCheckoutOk: false, errorMessage: "Ваш аккаунт заблокирован, поэтому платёж не может быть принят." });
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(0);
  });

  it("B2: a payment that arrives after its payer was blocked is credited to the frozen balance, and the payer and admins are told", async () => {
    harness = await startHarness();
    const admin = adminUser(harness);
    const { user, account } = await customer(harness, "Dora");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    const { stars, accounts, ledger } = harness.app.deps;
    // An admin blocks the account right after Telegram got the pre-checkout approval.
    const approve = stars.checkPreCheckout.bind(stars);
    stars.checkPreCheckout = (query) => {
      const verdict = approve(query);
      accounts.block(account.id, "fraud complaint", true);
      return verdict;
    };
    const result = await user.pay();
    expect(result.preCheckoutOk).toBe(true);
    expect(ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
    expect(accounts.byId(account.id)).toMatchObject({ status: "blocked", balanceFrozen: true });
    const told = await user.waitForMessage("Payment received: 100 ⭐. $1.30 has been added to your balance, but your account is blocked");
    expect(told.text).toContain("frozen");
    const alert = await admin.waitForMessage("arrived after the account was blocked");
    expect(alert.text).toContain(result.chargeId ?? "?");
    // Delivered again (a restart, a redelivery): credited once, told once.
    const replay = user.lastSuccessfulPaymentUpdate();
    if (!replay) throw new Error("no payment update");
    harness.tg.pushUpdate(replay);
    await harness.tg.settle();
    expect(ledger.balanceOf(account.id).posted).toBe(130);
    expect(user.botMessages().filter((m) => m.text.includes("your account is blocked"))).toHaveLength(1);
  });

  it('a custom amount of "abc", "0.5" or one over the maximum gets the right message; a good one gets an invoice', async () => {
    harness = await startHarness({ env: { TOPUP_MIN_STARS: "50", TOPUP_MAX_STARS: "5000" } });
    const { user } = await customer(harness, "Eve");
    await user.send("/topup");
    await user.press("✏️ Another amount");
    expect(user.lastBotMessage()?.text).toContain("Send a whole number from 50 to 5,000");
    await user.send("abc");
    expect(user.lastBotMessage()?.text).toBe("Please send a whole number of Stars, for example 150 — from 50 to 5,000.");
    await user.send("0.5");
    expect(user.lastBotMessage()?.text).toBe("Please send a whole number of Stars, for example 150 — from 50 to 5,000.");
    await user.send("5001");
    expect(user.lastBotMessage()?.text).toBe("The largest top-up is 5,000 ⭐. Please send a smaller number.");
    await user.send("10");
    expect(user.lastBotMessage()?.text).toBe("The smallest top-up is 50 ⭐. Please send a larger number.");
    await user.send("150");
    expect(user.lastBotMessage()?.invoice).toMatchObject({ amount: 150, description: "$1.95 will be added to your balance." });
    // The flow is over: a number now is just a message, and commands work again.
    await user.send("/balance");
    expect(user.lastBotMessage()?.text).toContain("Available: $0.00");
  });

  it("a command while typing an amount leaves the flow and is answered", async () => {
    harness = await startHarness();
    const { user } = await customer(harness, "Fred");
    await user.send("/topup");
    await user.press("✏️ Another amount");
    await user.send("/help");
    expect(user.lastBotMessage()?.text).toContain("How it works");
    await user.send("200");
    expect(user.lastBotMessage()?.invoice).toBeUndefined();
    expect(user.lastBotMessage()?.text).toContain("/menu");
  });

  it("a forged amount button is answered politely and creates no invoice", async () => {
    harness = await startHarness({ env: { TOPUP_MAX_STARS: "5000" } });
    const { user } = await customer(harness, "Gus");
    await user.send("/topup");
    await user.pressData("top:s:999999");
    expect(user.lastBotMessage()?.text).toBe("This button is no longer active. Open /menu to continue.");
    expect(harness.tg.calls("sendInvoice")).toHaveLength(0);
  });

  it("a payment missing from the updates is found by the reconciliation job and credited once", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Hana");
    await user.send("/topup");
    await user.press("250 ⭐ → $3.25");
    const payload = user.lastBotMessage()?.invoice?.payload ?? "";
    // Telegram took the payment, but the update never reached the bot.
    harness.tg.addStarTransaction({ userId: user.id, amount: 250, payload, chargeId: "lost-charge-1" });
    await harness.app.scheduler.runNow("stars-reconcile");
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(325);
    await harness.app.scheduler.runNow("stars-reconcile");
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(325);
    expect(harness.app.deps.stars.paymentByCharge("lost-charge-1")).toMatchObject({ source: "reconciliation", topupId: expect.any(Number) });
    await user.waitForMessage("We found your payment of 250 ⭐");
    expect(user.botMessages().filter((m) => m.text.includes("We found your payment"))).toHaveLength(1);
  });

  it("a payment of an unknown invoice found by reconciliation is credited and reported to the admins", async () => {
    harness = await startHarness();
    const admin = adminUser(harness);
    const { user, account } = await customer(harness, "Ivan");
    harness.tg.addStarTransaction({ userId: user.id, amount: 100, payload: "topup:not-ours", chargeId: "odd-charge" });
    await harness.app.scheduler.runNow("stars-reconcile");
    await harness.tg.settle();
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(130);
    expect(admin.lastBotMessage()?.text).toContain("odd-charge");
  });
});

describe("refunding a Stars payment", () => {
  it("gives the Stars back and debits what that payment credited, exactly once", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Jon");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay(undefined, { telegramChargeId: "charge-jon" });
    const charge = harness.app.deps.stars.paymentsOf(account.id)[0]?.chargeId ?? "";
    const api = harness.app.built.bot.api;
    const first = await harness.app.deps.stars.refund(charge, api);
    expect(first).toMatchObject({ ok: true, alreadyRefunded: false });
    const second = await harness.app.deps.stars.refund(charge, api);
    expect(second).toMatchObject({ ok: true, alreadyRefunded: true });
    expect(harness.tg.refunds()).toHaveLength(1);
    expect(harness.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
  });

  it("CHARGE_ALREADY_REFUNDED from Telegram counts as done", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Kim");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    const charge = harness.app.deps.stars.paymentsOf(account.id)[0]?.chargeId ?? "";
    // Refunded at Telegram already (say, by an earlier attempt whose answer was lost).
    await harness.app.built.bot.api.refundStarPayment(user.id, charge);
    const outcome = await harness.app.deps.stars.refund(charge, harness.app.built.bot.api);
    expect(outcome).toMatchObject({ ok: true });
    expect(harness.app.deps.ledger.balanceOf(account.id).posted).toBe(0);
  });

  it("a refund of a payment whose money was already spent is refused cleanly, and nothing moves", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Lea");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    const { ledger, stars } = harness.app.deps;
    const spent = ledger.hold({ userId: account.id, amount: 100, ref: { type: "activation", id: "1" }, idempotencyKey: "buy:1" });
    if (!spent.ok) throw new Error("hold failed");
    ledger.capture(spent.hold.id);
    const charge = stars.paymentsOf(account.id)[0]?.chargeId ?? "";
    const outcome = await stars.refund(charge, harness.app.built.bot.api);
    expect(outcome).toEqual({ ok: false, reason: "insufficient_funds" });
    expect(harness.tg.refunds()).toHaveLength(0);
    expect(ledger.balanceOf(account.id)).toEqual({ posted: 30, held: 0, available: 30 });
    expect(stars.paymentByCharge(charge)?.refundStatus).toBe("none");
  });

  it("a refund Telegram refuses releases the reservation", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Max");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    const charge = harness.app.deps.stars.paymentsOf(account.id)[0]?.chargeId ?? "";
    harness.tg.failNext("refundStarPayment", { error_code: 400, description: "Bad Request: CHARGE_NOT_FOUND" });
    const outcome = await harness.app.deps.stars.refund(charge, harness.app.built.bot.api);
    expect(outcome).toMatchObject({ ok: false, reason: "telegram_refused" });
    expect(harness.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
  });

  it("a retry after Telegram refused the first attempt reserves the amount again and debits it once", async () => {
    harness = await startHarness();
    const { user, account } = await customer(harness, "Ola");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    const { stars, ledger } = harness.app.deps;
    const charge = stars.paymentsOf(account.id)[0]?.chargeId ?? "";
    const api = harness.app.built.bot.api;
    harness.tg.failNext("refundStarPayment", { error_code: 400, description: "Bad Request: REFUND_TEMPORARILY_UNAVAILABLE" });
    expect(await stars.refund(charge, api)).toMatchObject({ ok: false, reason: "telegram_refused" });
    expect(ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
    // The retry must hold the money again before Telegram gives the Stars back.
    const retry = await stars.refund(charge, api);
    expect(retry).toMatchObject({ ok: true, alreadyRefunded: false });
    expect(harness.tg.refunds()).toHaveLength(1);
    expect(ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
    expect(await stars.refund(charge, api)).toMatchObject({ ok: true, alreadyRefunded: true });
    expect(ledger.balanceOf(account.id).posted).toBe(0);
  });
});

describe("leaving the amount step", () => {
  it("/cancel stops the flow, and a number sent afterwards creates no invoice", async () => {
    harness = await startHarness();
    const { user } = await customer(harness, "Nina");
    await user.send("/topup");
    await user.press("✏️ Another amount");
    await user.send("/cancel");
    expect(user.lastBotMessage()?.text).toBe("✅ Stopped. Open /menu to continue.");
    await user.send("300");
    expect(harness.tg.calls("sendInvoice")).toHaveLength(0);
  });
});
