import { describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram.ts";
import { buyTelegramInKazakhstan, chooseTelegramInKazakhstan } from "../helpers/steps.ts";
import { buyingSuspensions } from "../../src/db/schema.ts";
import { adminUser, customer, START, startWorld, type World } from "../helpers/world.ts";

/*
 * A shop people come back to (issue 13): fewer taps for a returning user, buying again from an
 * ended number, the order coming back after a top-up, finding a country by typing, a notice when
 * a sold-out country is back, and failure screens that offer what makes sense.
 */

function newest(w: World, accountId: number) {
  const activation = w.h.app.deps.activations.ofUser(accountId)[0];
  if (!activation) throw new Error("no activation");
  return activation;
}

/** Counts the buttons the user presses. */
function countingTaps(user: FakeUser) {
  let taps = 0;
  return {
    press: async (label: string | RegExp) => {
      taps++;
      await user.press(label);
    },
    taps: () => taps,
  };
}

describe("a shop people come back to", () => {
  it("a funded user gets a first number in at most 4 taps from the menu", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Tara", { balance: 500 });
    await user.send("/start");
    expect(user.lastBotMessage()?.text).toContain("Main menu");
    const tap = countingTaps(user);
    await tap.press("🛒 Buy a number");
    await tap.press("Telegram");
    await tap.press(/^🇰🇪 Kenya/);
    await tap.press(/^✅ Confirm/);
    expect(newest(w, account.id).state).toBe("waiting");
    expect(tap.taps()).toBeLessThanOrEqual(4);
  });

  it("buys again from an ended card: one tap to the confirmation, one confirm; or the same service in another country", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Uli", { balance: 500 });
    const first = await buyTelegramInKazakhstan(w.h, user, account.id);
    await user.press("❌ Cancel");
    // The refund message offers the next step too.
    expect(user.lastBotMessage()?.buttons).toEqual([["🔁 Buy again", "⬅️ Main menu"]]);
    const cardId = first.cardMessageId;
    const before = user.botMessages().length;
    await user.pressData(`buy:again:${first.id}`, cardId ?? undefined);
    const confirm = user.lastBotMessage();
    expect(user.botMessages().length).toBe(before + 1);
    expect(confirm?.text).toContain("Service: Telegram");
    expect(confirm?.text).toContain("Country: 🇰🇿 Kazakhstan");
    // The ended card keeps its text: the confirmation came as a new message.
    expect(user.botMessages().find((m) => m.id === cardId)?.text).toContain("cancelled, money returned");
    await user.press("✅ Confirm · $0.60");
    const second = newest(w, account.id);
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ state: "waiting", serviceCode: "tg", countryCode: "kz" });

    await user.pressData(`buy:same:${first.id}`, cardId ?? undefined);
    expect(user.lastBotMessage()?.text).toContain("Telegram · step 2 of 3");
  });

  it("tops up from “not enough money” and comes back to the same order, confirmed once, even across a restart", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Vera", { balance: 50 });
    await chooseTelegramInKazakhstan(user);
    expect(user.lastBotMessage()?.text).toContain("Not enough money on your balance");
    await user.press("💳 Top up");
    expect(user.lastBotMessage()?.text).toContain("After paying you will come back to your order");
    await user.press("100 ⭐ → $1.30");
    // The order waits in the database, not in memory.
    await w.h.restart();
    const paid = await user.pay();
    expect(paid.preCheckoutOk).toBe(true);
    const resumed = user.lastBotMessage();
    expect(resumed?.text).toContain("Your order is waiting");
    expect(resumed?.text).toContain("Country: 🇰🇿 Kazakhstan");
    expect(resumed?.text).toContain("Your balance: $1.80");
    await user.press("✅ Confirm · $0.60");
    expect(newest(w, account.id)).toMatchObject({ state: "waiting", serviceCode: "tg", countryCode: "kz" });
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 180, held: 60, available: 120 });
  });

  it("a payment that was not for an order ends with Buy and Menu buttons", async () => {
    const w = await startWorld();
    const { user } = await customer(w.h, "Wes");
    await user.send("/topup");
    await user.press("100 ⭐ → $1.30");
    await user.pay();
    expect(user.lastBotMessage()?.text).toContain("Payment received");
    expect(user.lastBotMessage()?.buttons).toEqual([["🛒 Buy a number", "⬅️ Main menu"]]);
  });

  it("finds a country by typing part of its name in either language, and sorts by stock", async () => {
    const w = await startWorld();
    const { user } = await customer(w.h, "Xena", { balance: 500 });
    await user.send("/buy");
    await user.press("Telegram");
    await user.send("kazak");
    expect(user.lastBotMessage()?.text).toContain("Countries for “kazak”: 1");
    expect(user.lastBotMessage()?.buttons[0]?.[0]).toMatch(/^🇰🇿 Kazakhstan · \$0\.60/);
    await user.send("Казах");
    expect(user.lastBotMessage()?.buttons[0]?.[0]).toMatch(/^🇰🇿 Kazakhstan/);
    await user.press("⬅️ Back");
    await user.press("📦 Most available first");
    expect(user.lastBotMessage()?.text).toContain("Most available first");
    const stocks = (user.lastBotMessage()?.buttons ?? [])
      .flat()
      .map((label) => /· ([\d,]+) pcs$/.exec(label)?.[1])
      .filter((n): n is string => n !== undefined)
      .map((n) => Number(n.replace(/,/g, "")));
    expect(stocks.length).toBeGreaterThan(2);
    expect([...stocks].sort((a, b) => b - a)).toEqual(stocks);
  });

  it("tells a user once when a sold-out country is back, and the message's button leads to the order", async () => {
    const w = await startWorld();
    const { user } = await customer(w.h, "Yuri", { balance: 500 });
    await chooseTelegramInKazakhstan(user);
    w.sim.setStock("tg", "kz", 0);
    await user.press("✅ Confirm · $0.60");
    await user.press("🔔 Tell me when it is back");
    expect(user.callbackAnswers().at(-1)?.text).toContain("We will send you one message");
    await w.h.app.scheduler.runNow("catalog-sync");
    await w.h.tg.settle();
    const before = user.botMessages().length;
    w.sim.setStock("tg", "kz", 40);
    await w.h.app.scheduler.runNow("catalog-sync");
    await w.h.tg.settle();
    await w.h.app.scheduler.runNow("catalog-sync");
    await w.h.tg.settle();
    const notices = user.botMessages().slice(before);
    expect(notices.map((m) => m.text)).toEqual(["🔔 Telegram numbers for 🇰🇿 Kazakhstan are back on sale."]);
    await user.press("🛒 Buy now");
    expect(user.lastBotMessage()?.text).toContain("Country: 🇰🇿 Kazakhstan");
  });

  it("a failure screen's Retry buys the same order again; the failed attempt is not listed in My numbers", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Zoe", { balance: 500 });
    w.sim.failNext("buy", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: false });
    const failed = await buyTelegramInKazakhstan(w.h, user, account.id);
    expect(failed.state).toBe("failed");
    expect(user.lastBotMessage()?.buttons).toEqual([["🔁 Try again"], ["🌍 Other countries"], ["⬅️ Main menu"]]);
    await user.press("🔁 Try again");
    const bought = newest(w, account.id);
    expect(bought).toMatchObject({ state: "waiting", serviceCode: "tg", countryCode: "kz" });
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });
    await user.send("/orders");
    expect(user.lastBotMessage()?.text.match(/Kazakhstan/g)).toHaveLength(1);
    await user.send("/menu");
    expect(user.lastBotMessage()?.buttons.flat()).toContain("📱 My numbers · 1 active");
    await user.send("/help");
    expect(user.lastBotMessage()?.text).toContain("/orders — my numbers: 1 active now");
  });

  it("puts recent and starred services first; /buy whatsapp and a typed name start buying", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Abe", { balance: 500 });
    await buyTelegramInKazakhstan(w.h, user, account.id);
    await user.send("/buy");
    expect(user.lastBotMessage()?.buttons[0]).toEqual(["🕘 Telegram"]);
    await user.send("/buy whatsapp");
    expect(user.lastBotMessage()?.text).toContain("WhatsApp · step 2 of 3");
    await user.press("☆ Add to favourites");
    expect(user.callbackAnswers().at(-1)?.text).toContain("WhatsApp is in your favourites");
    expect(user.lastBotMessage()?.buttons.flat()).toContain("★ In favourites");
    await user.send("/buy");
    expect(user.lastBotMessage()?.buttons[0]).toEqual(["⭐ WhatsApp", "🕘 Telegram"]);
    await user.send("/cancel");
    await user.send("whatsapp");
    expect(user.lastBotMessage()?.text).toContain("WhatsApp · step 2 of 3");
    await user.send("/cancel");
    await user.send("hello there");
    expect(user.lastBotMessage()?.text).toContain("I did not understand that");
  });

  it("shows the card's times in the time zone chosen in Settings", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Bea", { balance: 500 });
    await user.send("/settings");
    expect(user.lastBotMessage()?.text).toContain("Time zone: UTC");
    await user.press("🕒 Time zone: UTC");
    await user.press("Moscow (GMT+3)");
    expect(user.lastBotMessage()?.text).toContain("Time zone: Moscow (GMT+3)");
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    const card = user.botMessages().find((m) => m.id === bought.cardMessageId);
    expect(card?.text).toContain("Valid until 3:20 PM GMT+3 · 20 minutes left");
  });

  it("an admin lifts a buying pause (A6) with /unsuspend; the user is told and can buy again", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Cy", { balance: 500 });
    w.h.app.store.db.insert(buyingSuspensions).values({ userId: account.id, reason: "test", startsAt: START, endsAt: START + 3_600_000 }).run();
    await user.send("/buy");
    expect(user.lastBotMessage()?.text).toContain("Buying numbers is paused");
    const admin = adminUser(w.h);
    await admin.send(`/unsuspend #${account.id}`);
    expect(admin.lastBotMessage()?.text).toContain("can buy again: the pause is lifted");
    await w.h.tg.settle();
    expect(user.lastBotMessage()?.text).toContain("The pause on buying has been lifted");
    await admin.send(`/unsuspend #${account.id}`);
    expect(admin.lastBotMessage()?.text).toContain("has no buying pause; nothing changed");
    await user.send("/buy");
    expect(user.lastBotMessage()?.text).toContain("step 1 of 3");
    expect(w.h.app.deps.audit.latest(5).some((entry) => entry.action === "unsuspend")).toBe(true);
  });

  it("sets the bot's description and short description in both languages from the locale files at start-up", async () => {
    const w = await startWorld();
    const api = w.h.app.built.bot.api;
    expect((await api.getMyShortDescription({ language_code: "ru" })).short_description).toBe(
      "Номера для SMS с кодом. Нет кода — нет оплаты. Пополнение звёздами Telegram.",
    );
    expect((await api.getMyShortDescription()).short_description).toContain("No code — no charge");
    expect((await api.getMyDescription({ language_code: "en" })).description).toContain("You pay only for a number that receives a code");
    expect((await api.getMyDescription({ language_code: "ru" })).description).toContain("Вы платите только за номер");
  });
});
