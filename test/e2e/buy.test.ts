import { describe, expect, it } from "vitest";
import type { Activation } from "../../src/domain/activations.ts";
import type { FakeUser } from "../fakes/telegram.ts";
import { buyTelegramInKazakhstan, chooseTelegramInKazakhstan, KAZAKHSTAN } from "../helpers/steps.ts";
import { adminUser, customer, outboxStatuses, startWorld, type World } from "../helpers/world.ts";

/*
 * Buying a one-time number, as the user lives it: the real bot over HTTP against the fake
 * Telegram, with the simulator as the provider on a test clock. Numbers never get an SMS by
 * themselves here (noSmsRate 1): each story delivers the SMS it needs, then runs the job that
 * would have picked it up.
 */

function latest(w: World, id: number): Activation {
  const activation = w.h.app.deps.activations.byId(id);
  if (!activation) throw new Error(`no activation ${id}`);
  return activation;
}

/** The message the card lives in, as the user sees it now. */
function card(user: FakeUser, activation: Activation) {
  const message = user.botMessages().find((m) => m.id === activation.cardMessageId);
  if (!message) throw new Error("no card in the chat");
  return message;
}

function lastAnswer(user: FakeUser): string | undefined {
  return user.callbackAnswers().at(-1)?.text;
}

describe("buying a one-time number", () => {
  it("buys a Telegram number in Kazakhstan, receives two SMS as two messages, and the card shows both", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Anna", { balance: 500 });
    await chooseTelegramInKazakhstan(user);
    const confirm = user.lastBotMessage();
    expect(confirm?.text).toContain("Service: Telegram");
    expect(confirm?.text).toContain("Country: 🇰🇿 Kazakhstan");
    expect(confirm?.text).toContain("Price: $0.60");
    expect(confirm?.text).toContain("Your balance: $5.00");
    expect(confirm?.buttons).toEqual([["✅ Confirm · $0.60"], ["⬅️ Back"]]);

    await user.press("✅ Confirm · $0.60");
    const bought = latest(w, w.h.app.deps.activations.ofUser(account.id)[0]?.id ?? 0);
    expect(bought).toMatchObject({ state: "waiting", serviceCode: "tg", countryCode: "kz", price: 60 });
    const shown = card(user, bought);
    expect(shown.html).toContain(`<code>+${bought.phone}</code>`);
    expect(shown.text).toContain("Status: ⏳ waiting for SMS");
    expect(shown.text).toContain("Valid until 12:20 PM UTC · 20 minutes left");
    expect(shown.buttons).toEqual([["❌ Cancel", "🚫 Number already used"], ["🔄 Refresh"]]);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });

    const before = user.botMessages().length;
    w.sim.deliverSms(bought.providerId ?? "", "Telegram code: 51234. Do not give it to anyone.");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    const first = user.lastBotMessage();
    expect(user.botMessages().length).toBe(before + 1);
    expect(first?.html).toContain("<code>51234</code>");
    expect(first?.text).toContain("Telegram code: 51234. Do not give it to anyone.");
    // The first code is the delivery (A4): the price is taken now.
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 440, held: 0, available: 440 });
    expect(card(user, bought).buttons).toEqual([["📩 Another SMS", "✅ Finish"], ["🔄 Refresh"]]);

    await user.press("📩 Another SMS");
    expect(lastAnswer(user)).toBe("Asked for another SMS. It will appear here.");
    w.sim.deliverSms(bought.providerId ?? "", "Telegram code: 60717. Do not give it to anyone.");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(user.botMessages().length).toBe(before + 2);
    expect(user.lastBotMessage()?.html).toContain("<code>60717</code>");
    const both = card(user, bought);
    expect(both.html).toContain("<code>51234</code>");
    expect(both.html).toContain("<code>60717</code>");
    expect(both.text).toContain("SMS received: 2");

    await user.press("✅ Finish");
    expect(latest(w, bought.id).state).toBe("finished");
    // An ended card offers the next purchase instead of a dead end.
    expect(card(user, bought).buttons).toEqual([["🔁 Buy again", "🌍 Another country"]]);
    expect(card(user, bought).text).toContain("Status: ✔️ finished");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 440, held: 0, available: 440 });

    await user.send("/orders");
    expect(user.lastBotMessage()?.text).toContain("Codes: 51234, 60717");
    expect(user.lastBotMessage()?.text).toContain(`+${bought.phone}`);
  });

  it("a user who blocked the bot does not stop the SMS of others; their SMS ends as blocked, not retried", async () => {
    const w = await startWorld();
    const { user: gone, account: goneAccount } = await customer(w.h, "Uma", { balance: 500 });
    const { user: here, account: hereAccount } = await customer(w.h, "Vic", { balance: 500 });
    const first = await buyTelegramInKazakhstan(w.h, gone, goneAccount.id);
    const second = await buyTelegramInKazakhstan(w.h, here, hereAccount.id);
    gone.blockBot();
    w.sim.deliverSms(first.providerId ?? "", "Telegram code: 11111");
    w.sim.deliverSms(second.providerId ?? "", "Telegram code: 22222");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(here.lastBotMessage()?.html).toContain("<code>22222</code>");
    await w.h.app.sender.drain();
    expect(outboxStatuses(w, `sms:`)).toEqual({ blocked: 1, sent: 1 });
    expect(w.h.app.deps.accounts.byId(goneAccount.id)?.botBlockedAt).not.toBeNull();
    // The code reached the provider's number: the purchase is delivered (A4) whether or not the chat was open.
    expect(latest(w, first.id).state).toBe("received");
  });

  it("cancels before a code and gets the money back", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Boris", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    // Already choosing the next number: the card's buttons still work, and the flow goes on after.
    await user.send("/buy");
    const list = user.lastBotMessage();
    await user.press("❌ Cancel");
    expect(user.lastBotMessage()?.text).toBe(`↩️ The number +${bought.phone} is cancelled. $0.60 is back on your balance.`);
    expect(latest(w, bought.id).state).toBe("cancelled");
    expect(card(user, bought).text).toContain("Status: ↩️ cancelled, money returned");
    expect(card(user, bought).buttons).toEqual([["🔁 Buy again", "🌍 Another country"]]);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    expect(w.sim.snapshot().activations[0]?.state).toBe("cancelled");
    await user.press("Telegram");
    expect(user.botMessages().find((m) => m.id === list?.id)?.text).toContain("Telegram · step 2 of 3");
  });

  it('reports "number already used" (ban) before a code and gets the money back', async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Clara", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    await user.press("🚫 Number already used");
    expect(user.lastBotMessage()?.text).toContain("$0.60 is back on your balance.");
    expect(latest(w, bought.id).state).toBe("banned");
    expect(w.sim.snapshot().activations[0]?.state).toBe("banned");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
  });

  it("lets a number expire without a code and gets the money back automatically", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Dmitri", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.clock.advance(21 * 60_000);
    await w.h.app.scheduler.runNow("activation-expiry");
    await w.h.tg.settle();
    expect(user.lastBotMessage()?.text).toBe(`⌛ No code came to +${bought.phone} (Telegram) in time, so the number has ended. $0.60 is back on your balance.`);
    expect(latest(w, bought.id).state).toBe("expired");
    expect(card(user, bought).text).toContain("expired without a code");
    expect(card(user, bought).buttons).toEqual([["🔁 Buy again", "🌍 Another country"]]);
    expect(user.lastBotMessage()?.buttons).toEqual([["🔁 Buy again", "⬅️ Main menu"]]);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
  });

  it("reminds after five minutes without an SMS that cancelling is free, and the reminder's Cancel refunds", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Elif", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.clock.advance(5 * 60_000 + 1_000);
    await w.h.app.scheduler.runNow("activation-reminders");
    await w.h.tg.settle();
    expect(user.lastBotMessage()?.text).toContain(`No SMS has come to +${bought.phone} (Telegram) yet.`);
    expect(user.lastBotMessage()?.buttons).toEqual([["❌ Cancel"]]);
    await user.press("❌ Cancel");
    expect(user.lastBotMessage()?.text).toContain("$0.60 is back on your balance.");
    // Both the card and the reminder lose their buttons.
    expect(user.botMessages().filter((m) => m.buttons.flat().includes("❌ Cancel"))).toEqual([]);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
  });

  it("refuses to cancel once a code has arrived, even one the bot has not shown yet (A4)", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Femi", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    // The SMS is at the provider, but no poll has run: the card still offers Cancel.
    w.sim.deliverSms(bought.providerId ?? "", "Telegram code: 44321");
    await user.press("❌ Cancel");
    expect(lastAnswer(user)).toBe("A code has already arrived for this number, so it counts as delivered and cannot be cancelled or refunded.");
    expect(latest(w, bought.id).state).toBe("received");
    expect(card(user, bought).html).toContain("<code>44321</code>");
    expect(card(user, bought).buttons).toEqual([["📩 Another SMS", "✅ Finish"], ["🔄 Refresh"]]);

    // A forged Cancel on the card now is refused the same way.
    await user.pressData(`act:c:${bought.id}`, bought.cardMessageId ?? undefined);
    expect(lastAnswer(user)).toContain("cannot be cancelled or refunded");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 440, held: 0, available: 440 });
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(user.lastBotMessage()?.html).toContain("<code>44321</code>");
  });

  it("says when the provider allows cancelling if the user cancels too early", async () => {
    const w = await startWorld({ earlyCancelMs: 2 * 60_000 });
    const { user, account } = await customer(w.h, "Gus", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    // The card says from when Cancel works instead of looking active and then refusing.
    expect(card(user, bought).buttons[0]?.[0]).toBe("❌ Cancel from 12:02 PM UTC");
    await user.press("❌ Cancel from 12:02 PM UTC");
    expect(lastAnswer(user)).toBe("The provider allows cancelling this number from 12:02 PM UTC. Please try again then.");
    expect(latest(w, bought.id).state).toBe("waiting");
    w.clock.advance(2 * 60_000);
    // Refresh redraws the card (never a timer): Cancel is plain again, and the time left counts down.
    await user.press("🔄 Refresh");
    expect(card(user, bought).text).toContain("18 minutes left");
    await user.press("❌ Cancel");
    expect(latest(w, bought.id).state).toBe("cancelled");
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(500);
  });

  it("with too little money says how much is missing and offers Top up", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Hana", { balance: 45 });
    await chooseTelegramInKazakhstan(user);
    expect(user.lastBotMessage()?.text).toContain("Not enough money on your balance: $0.15 more is needed.");
    expect(user.lastBotMessage()?.buttons).toEqual([["💳 Top up"], ["⬅️ Back"]]);
    await user.press("💳 Top up");
    expect(user.lastBotMessage()?.text).toContain("You pay with Telegram Stars");
    expect(w.h.app.deps.activations.countOfUser(account.id)).toBe(0);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 45, held: 0, available: 45 });
  });

  it("when the provider has run out, takes no money and offers the other countries", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Ivan", { balance: 500 });
    await chooseTelegramInKazakhstan(user);
    w.sim.setStock("tg", "kz", 0);
    await user.press("✅ Confirm · $0.60");
    expect(user.lastBotMessage()?.text).toContain("The numbers for this country have just run out. Your money was not taken.");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    await user.press("🌍 Other countries");
    expect(user.lastBotMessage()?.text).toContain("Telegram");
    expect(user.lastBotMessage()?.text).toContain("Choose a country");
    await user.press("▶");
    expect(user.lastBotMessage()?.buttons.flat().some((label) => label.includes("Kazakhstan"))).toBe(false);
    expect(user.lastBotMessage()?.buttons.flat().some((label) => label.includes("Russia"))).toBe(true);
  });

  it("when the provider's answer to the buy is lost, the number is still found and given", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Jon", { balance: 500 });
    w.sim.failNext("buy", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    expect(latest(w, bought.id).state).toBe("waiting");
    expect(card(user, bought).html).toContain(`<code>+${latest(w, bought.id).phone}</code>`);
    expect(w.sim.snapshot().activations).toHaveLength(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
  });

  it("when the provider times out before buying, the money is not taken", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Kim", { balance: 500 });
    w.sim.failNext("buy", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: false });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    expect(user.lastBotMessage()?.text).toContain("The provider did not answer in time, so no number was issued. Your money was not taken.");
    expect(latest(w, bought.id).state).toBe("failed");
    expect(w.sim.snapshot().activations).toHaveLength(0);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    // The purchase-recovery sweep has nothing left to settle.
    w.clock.advance(2 * 60_000);
    await w.h.app.scheduler.runNow("purchase-recovery");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
  });

  it("when the provider is out of money, says buying is unavailable and takes nothing", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Lea", { balance: 500 });
    w.sim.setBalance(0);
    await buyTelegramInKazakhstan(w.h, user, account.id);
    expect(user.lastBotMessage()?.text).toBe("😕 Buying numbers is temporarily unavailable. Your money was not taken. Please try again later.");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
  });

  it("Confirm pressed twice buys one number and holds the price once", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Max", { balance: 500 });
    await chooseTelegramInKazakhstan(user);
    await user.press("✅ Confirm · $0.60", { wait: false });
    await user.press("✅ Confirm · $0.60", { wait: false });
    await w.h.tg.settle();
    await w.h.tg.settle();
    expect(w.h.app.deps.activations.countOfUser(account.id)).toBe(1);
    expect(w.sim.snapshot().activations).toHaveLength(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
    expect(user.callbackAnswers().map((a) => a.text)).toContain("This order has already been placed.");
    // The same Confirm pressed again later (a replayed update) changes nothing either.
    const bought = latest(w, w.h.app.deps.activations.ofUser(account.id)[0]?.id ?? 0);
    await user.pressData(`buy:ok:${bought.orderKey}`, bought.cardMessageId ?? undefined);
    expect(w.h.app.deps.activations.countOfUser(account.id)).toBe(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
  });

  it("a forged Cancel for another user's number is refused and changes nothing", async () => {
    const w = await startWorld();
    const { user: owner, account } = await customer(w.h, "Nina", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, owner, account.id);
    const ownerMessages = owner.botMessages().length;
    const { user: intruder } = await customer(w.h, "Oleg");
    await intruder.pressData(`act:c:${bought.id}`);
    expect(lastAnswer(intruder)).toBe("This number is not in your orders. Open /orders to see yours.");
    await intruder.pressData(`act:f:${bought.id}`);
    await intruder.pressData(`act:v:${bought.id}`);
    await intruder.pressData("act:c:99999999999999999999");
    expect(lastAnswer(intruder)).toBe("This button is no longer active. Open /menu to continue.");
    await intruder.pressData(`buy:ok:${bought.orderKey}`);
    expect(latest(w, bought.id).state).toBe("waiting");
    expect(w.sim.snapshot().activations[0]?.state).toBe("waiting");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
    expect(owner.botMessages().length).toBe(ownerMessages);
    expect(w.h.tg.unansweredCallbackQueries()).toEqual([]);
  });

  it("finds a service by typing part of its name", async () => {
    const w = await startWorld();
    const { user } = await customer(w.h, "Pia", { balance: 500 });
    await user.send("/buy");
    await user.send("whats");
    expect(user.lastBotMessage()?.text).toContain("Found for “whats”: 1");
    expect(user.lastBotMessage()?.buttons).toEqual([["WhatsApp"], ["✖️ Show all services"], ["⬅️ Main menu"]]);
    await user.press("WhatsApp");
    expect(user.lastBotMessage()?.text).toContain("WhatsApp · step 2 of 3");

    // On the country step, text that matches no country but names a service searches services again.
    await user.send("zzqx");
    expect(user.lastBotMessage()?.text).toContain("No country of this service matches “zzqx”.");
    await user.send("tele");
    expect(user.lastBotMessage()?.text).toContain("Found for “tele”");
    await user.send("zzqx");
    expect(user.lastBotMessage()?.text).toContain("Nothing found for “zzqx”.");
    expect(user.lastBotMessage()?.buttons[0]).toEqual(["Telegram", "WhatsApp"]);
  });

  it("pages through services and countries, and Back returns step by step to the main menu", async () => {
    const w = await startWorld();
    const { user } = await customer(w.h, "Quinn", { balance: 500 });
    await user.press("🛒 Buy a number");
    expect(user.lastBotMessage()?.text).toContain("Page 1 of 6");
    expect(user.lastBotMessage()?.buttons.at(-2)).toEqual(["▶"]);
    await user.press("▶");
    expect(user.lastBotMessage()?.text).toContain("Page 2 of 6");
    expect(user.lastBotMessage()?.buttons.at(-2)).toEqual(["◀", "▶"]);
    await user.press("◀");
    expect(user.lastBotMessage()?.text).toContain("Page 1 of 6");
    await user.press("Telegram");
    // Cheapest first.
    expect(user.lastBotMessage()?.buttons[0]?.[0]).toMatch(/^🇰🇪 Kenya · \$0\.28 · 2,297 pcs$/);
    await user.press("▶");
    expect(user.lastBotMessage()?.text).toContain("Page 2 of 3");
    await user.press(KAZAKHSTAN);
    expect(user.lastBotMessage()?.text).toContain("Check your order");
    await user.press("⬅️ Back");
    expect(user.lastBotMessage()?.text).toContain("Page 2 of 3");
    await user.press("⬅️ Back");
    expect(user.lastBotMessage()?.text).toContain("Page 1 of 6");
    await user.press("⬅️ Main menu");
    expect(user.lastBotMessage()?.text).toContain("Main menu");
    // The whole way was one message, edited in place.
    expect(user.botMessages().filter((m) => m.text.includes("Buy a number"))).toHaveLength(0);
  });

  it("a restart of the bot in the middle of choosing keeps the user's place", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Theo", { balance: 500 });
    await user.send("/buy");
    await user.press("Telegram");
    await user.press("▶");
    await w.h.restart();
    await user.press(KAZAKHSTAN);
    expect(user.lastBotMessage()?.text).toContain("Check your order");
    await user.press("✅ Confirm · $0.60");
    expect(w.h.app.deps.activations.countOfUser(account.id)).toBe(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
  });

  it("an old list from a flow that was left gets a polite answer, and /cancel leaves the flow", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Rita", { balance: 500 });
    await user.send("/buy");
    const oldList = user.lastBotMessage();
    await user.send("/cancel");
    expect(user.lastBotMessage()?.text).toBe("✅ Stopped. Open /menu to continue.");
    await user.press("Telegram");
    expect(lastAnswer(user)).toBe("This button belongs to an older list. Please use the latest message, or start again with /buy.");
    expect(user.lastBotMessage()?.id).toBe(user.botMessages().at(-1)?.id);
    // A new flow does not accept the old flow's buttons either.
    await user.send("/buy");
    await user.pressData(oldList?.inlineKeyboard[0]?.[0]?.callback_data ?? "", oldList?.id);
    expect(lastAnswer(user)).toContain("older list");
    // Forged data on the current list: a polite answer, the flow goes on.
    const current = user.lastBotMessage()?.inlineKeyboard[0]?.[0]?.callback_data ?? "";
    await user.pressData(current.replace(/:s:\d+$/, ":s:99"));
    expect(lastAnswer(user)).toBe("This button is no longer active. Open /menu to continue.");
    await user.press("Telegram");
    expect(user.lastBotMessage()?.text).toContain("Telegram · step 2 of 3");
    expect(w.h.app.deps.activations.countOfUser(account.id)).toBe(0);
  });

  it("many cancellations without a code pause buying, and the user is told until when (A6)", async () => {
    const w = await startWorld({ env: { ABUSE_CANCEL_LIMIT: "2" } });
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Sam", { balance: 500 });
    await buyTelegramInKazakhstan(w.h, user, account.id);
    await user.press("❌ Cancel");
    await buyTelegramInKazakhstan(w.h, user, account.id);
    await user.press("❌ Cancel");
    expect(user.lastBotMessage()?.text).toContain("buying is paused until 1/15/26, 2:00 PM UTC");
    await user.send("/buy");
    expect(user.lastBotMessage()?.text).toContain("Buying numbers is paused for your account until 1/15/26, 2:00 PM UTC.");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    // The admins are told, once, through the outbox.
    await w.h.tg.settle();
    const alerts = admin.botMessages().filter((m) => m.text.includes(`Buying suspended for account #${account.id}`));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain("2026-01-15 14:00 UTC");
  });

  it("speaks Russian to a Russian-speaking user, card included", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Вера", { balance: 500, language_code: "ru" });
    await user.send("/buy");
    expect(user.lastBotMessage()?.text).toContain("Выберите сервис");
    // Russian speakers type the brand in Russian: "теле" finds Telegram.
    await user.send("теле");
    expect(user.buttons().flat()).toContain("Telegram");
    await user.press("Telegram");
    expect(user.lastBotMessage()?.buttons[0]?.[0]).toMatch(/^🇰🇪 Кения · 0,28\s\$ · 2\s?297 шт\.$/);
    await user.press(/Кения/);
    await user.press(/^✅ Подтвердить/);
    const bought = w.h.app.deps.activations.ofUser(account.id)[0];
    if (!bought) throw new Error("no activation");
    expect(card(user, bought).text).toContain("Статус: ⏳ ждём SMS");
    expect(card(user, bought).buttons).toEqual([["❌ Отменить", "🚫 Номер уже использован"], ["🔄 Обновить"]]);
    // Russian readers see Moscow time by default, and the time left in Russian plural forms.
    expect(card(user, bought).text).toContain("Действует до 15:20 GMT+3 · осталось 20 минут");
  });
});
