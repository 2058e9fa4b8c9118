import { describe, expect, it } from "vitest";
import type { Rental } from "../../src/domain/rentalRecords.ts";
import type { FakeUser } from "../fakes/telegram.ts";
import { adminUser, customer, startWorld, type World } from "../helpers/world.ts";

/*
 * Renting a number for days, as the user lives it: the real bot over HTTP against the fake
 * Telegram, with the simulator renting on a test clock. Each story ends with the ledger's
 * invariants checked (closeWhenTestEnds). Telegram in Russia: the simulator's 1-day rental costs
 * 4 activations; the shop's price comes from the default pricing.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function rentWorld(env: Record<string, string> = {}): Promise<World> {
  const w = await startWorld({ env });
  await w.h.app.scheduler.runNow("rent-offer-sync");
  return w;
}

/** /rent -> Telegram -> Russia -> 1 day -> the confirmation. */
async function chooseTelegramInRussiaForADay(user: FakeUser): Promise<void> {
  await user.send("/rent");
  await user.press(/^Telegram · /);
  await user.press(/^🇷🇺 Russia/);
  await user.press(/^1 day · /);
}

async function rentTelegramInRussia(w: World, user: FakeUser, accountId: number): Promise<Rental> {
  await chooseTelegramInRussiaForADay(user);
  await user.press(/^✅ Rent · /);
  const rental = w.h.app.deps.rentals.records.ofUser(accountId)[0];
  if (!rental) throw new Error("no rental");
  return rental;
}

function latest(w: World, id: number): Rental {
  const rental = w.h.app.deps.rentals.records.byId(id);
  if (!rental) throw new Error(`no rental ${id}`);
  return rental;
}

function card(user: FakeUser, rental: Rental) {
  const message = user.botMessages().find((m) => m.id === latest2(rental).cardMessageId);
  if (!message) throw new Error("no rental card in the chat");
  return message;
}
let current: World | undefined;
function latest2(rental: Rental): Rental {
  return current ? latest(current, rental.id) : rental;
}

describe("renting a number for days", () => {
  it("B4: rents Telegram in Russia for a day, the price is taken at once, and two SMS arrive as two messages kept in the inbox", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Rita", { balance: 1000 });
    await chooseTelegramInRussiaForADay(user);
    const confirm = user.lastBotMessage();
    expect(confirm?.text).toContain("Service: Telegram");
    expect(confirm?.text).toContain("Country: 🇷🇺 Russia");
    expect(confirm?.text).toContain("Period: 1 day");
    expect(confirm?.text).toContain("Rented until: 1/16/26, 12:00 PM UTC · 24 hours left");
    expect(confirm?.text).toContain("Your balance: $10.00");
    expect(confirm?.text).toContain("Ending early by your own choice refunds nothing"); // L3, L5
    const price = Number(/Price: \$(\d+\.\d\d)/.exec(confirm?.text ?? "")?.[1] ?? "0") * 100;
    expect(price).toBeGreaterThan(0);

    await user.press(/^✅ Rent · /);
    const rental = latest(w, w.h.app.deps.rentals.records.ofUser(account.id)[0]?.id ?? 0);
    expect(rental).toMatchObject({ state: "active", serviceCode: "tg", countryCode: "ru", hours: 24, price });
    expect(rental.endsAt).toBe(rental.startedAt! + DAY);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 1000 - price, held: 0, available: 1000 - price });
    const shown = card(user, rental);
    expect(shown.html).toContain(`<code>+${rental.phone}</code>`);
    expect(shown.buttons).toEqual([["➕ Extend", "📥 Inbox"], ["⚠️ Report a problem", "⏹ End rental"], ["❌ Cancel (full refund)"]]);

    const before = user.botMessages().length;
    w.sim.deliverSms(rental.providerId ?? "", "Telegram code: 41234");
    w.sim.deliverSms(rental.providerId ?? "", "Telegram code: 52345");
    await w.h.app.scheduler.runNow("rental-poll");
    await w.h.tg.settle();
    expect(user.botMessages().length).toBe(before + 2);
    expect(user.botMessages().at(-2)?.html).toContain("<code>41234</code>");
    expect(user.lastBotMessage()?.html).toContain("<code>52345</code>");
    expect(card(user, rental).text).toContain("2 SMS received:");
    // No cancel once an SMS has come.
    expect(card(user, rental).buttons).toEqual([["➕ Extend", "📥 Inbox"], ["⚠️ Report a problem", "⏹ End rental"]]);
    await user.press("📥 Inbox");
    expect(user.lastBotMessage()?.text).toContain("— 2 SMS");
    expect(user.lastBotMessage()?.html).toContain("<code>41234</code>");
    // Polling again changes nothing: each SMS is told once.
    const seen = user.botMessages().length;
    await w.h.app.scheduler.runNow("rental-poll");
    await w.h.tg.settle();
    expect(user.botMessages().length).toBe(seen);
    expect(w.h.app.deps.rentals.records.smsCount(rental.id)).toBe(2);
    // "My numbers" shows the rental beside activations; History shows its charge.
    await user.send("/orders");
    expect(user.lastBotMessage()?.text).toContain("Your rented numbers");
    expect(user.lastBotMessage()?.text).toContain(`+${rental.phone}`);
    await user.send("/history");
    expect(user.lastBotMessage()?.text).toContain(`Purchase — 📅 +${rental.phone} · Telegram · Russia`);
  });

  it("cancels inside the window, before any SMS, and gets the whole price back", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Cara", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    w.clock.advance(5_000);
    await user.press("❌ Cancel (full refund)");
    expect(user.lastBotMessage()?.text).toContain(`The rental of +${rental.phone} is cancelled.`);
    expect(latest(w, rental.id).state).toBe("cancelled");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 1000, held: 0, available: 1000 });
    expect(w.sim.snapshot().rentals[0]?.state).toBe("cancelled");
    await user.send("/history");
    expect(user.lastBotMessage()?.text).toContain(`Refund — 📅 +${rental.phone}`);
  });

  it("a cancel is refused once an SMS came, even inside the window; nothing is refunded", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Dora", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    // The SMS reached the provider, the bot has not read it yet: the provider refuses the cancel.
    w.sim.deliverSms(rental.providerId ?? "", "Telegram code: 11111");
    await user.press("❌ Cancel (full refund)");
    expect(user.callbackAnswers().at(-1)?.text).toContain("no longer allows cancelling");
    expect(latest(w, rental.id).state).toBe("active");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(1000 - rental.price);
  });

  it("extends by a day: charged once, the end moves a day; a second press charges nothing more", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Ella", { balance: 2000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    await user.press("➕ Extend");
    await user.press(/^1 day · /);
    expect(user.lastBotMessage()?.text).toContain("New end: 1/17/26, 12:00 PM UTC · 2 days left");
    await user.press(/^✅ Extend · /);
    const extended = latest(w, rental.id);
    expect(extended.endsAt).toBe(rental.endsAt! + DAY);
    const paid = w.h.app.deps.rentals.records.period(extended).paid;
    expect(paid).toBeGreaterThan(rental.price);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 2000 - paid, held: 0, available: 2000 - paid });
    // The same Confirm pressed again (a double tap, a replay): nothing more.
    const orderKey = w.h.app.deps.rentals.records.extensions(rental.id)[0]?.orderKey ?? "";
    await user.pressData(`rnx:${orderKey}`);
    expect(w.h.app.deps.rentals.records.extensions(rental.id)).toHaveLength(1);
    await user.send("/history");
    expect(user.lastBotMessage()?.text).toContain(`📅 +${rental.phone} · Telegram · Russia · extended by 24 hours`);
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(2000 - paid);
  });

  it("an extension the provider refuses is not charged", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Fay", { balance: 2000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    await user.press("➕ Extend");
    await user.press(/^1 day · /);
    w.sim.failNext("extendRental", { kind: "invalid_state", message: "the maximum is reached" });
    await user.press(/^✅ Extend · /);
    expect(user.lastBotMessage()?.text).toContain("cannot extend this number");
    expect(latest(w, rental.id).endsAt).toBe(rental.endsAt);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 2000 - rental.price, held: 0, available: 2000 - rental.price });
  });

  it("L3: ending early asks first, then ends without a refund", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Gina", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    w.clock.advance(HOUR);
    await user.press("⏹ End rental");
    expect(user.lastBotMessage()?.text).toContain("the unused time is not refunded");
    expect(latest(w, rental.id).state).toBe("active");
    await user.press("⏹ Yes, end it now");
    expect(latest(w, rental.id).state).toBe("finished");
    expect(user.lastBotMessage()?.text).toContain("has ended");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(1000 - rental.price);
    expect(w.sim.snapshot().rentals[0]?.state).toBe("finished");
  });

  it("L2, W5: the carrier takes the number away; the unused time is refunded at once and the user told", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Hana", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    w.clock.advance(6 * HOUR); // a quarter of the day used
    w.sim.revokeRental(rental.providerId ?? "");
    await w.h.app.scheduler.runNow("rental-poll");
    await w.h.tg.settle();
    const refund = Math.floor((rental.price * 18) / 24);
    expect(latest(w, rental.id).state).toBe("revoked");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(1000 - rental.price + refund);
    expect(user.botMessages().some((m) => m.text.includes("has taken the number") && m.text.includes(`+${rental.phone}`))).toBe(true);
  });

  it("L1: a report confirmed by an admin after more than 24 hours refunds the days counted from the report", async () => {
    const w = (current = await rentWorld());
    const admin = adminUser(w.h);
    await admin.send("/start");
    const { user, account } = await customer(w.h, "Ira", { balance: 5000 });
    await user.send("/rent");
    await user.press(/^Telegram · /);
    await user.press(/^🇷🇺 Russia/);
    await user.press(/^7 days · /);
    await user.press(/^✅ Rent · /);
    const rental = latest(w, w.h.app.deps.rentals.records.ofUser(account.id)[0]?.id ?? 0);
    w.clock.advance(DAY);
    await user.press("⚠️ Report a problem");
    expect(user.lastBotMessage()?.text).toContain("Caller ID not working"); // L5 said where it comes up
    await user.press("⚠️ Yes, it does not work");
    await w.h.tg.settle();
    expect(admin.botMessages().some((m) => m.text.includes(`rental #${rental.id}`))).toBe(true);

    w.clock.advance(25 * HOUR); // broken for 25 hours: 2 days begun
    await admin.send("/rentproblems");
    await admin.press("✅ Confirm: not working");
    const perDay = Math.floor((rental.price * 24) / (7 * 24));
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - rental.price + 2 * perDay);
    await w.h.tg.settle();
    expect(user.botMessages().some((m) => m.text.includes("confirmed that"))).toBe(true);
    // The hourly job adds the next day once it begins, and only once.
    w.clock.advance(DAY);
    await w.h.app.scheduler.runNow("rental-problems");
    await w.h.app.scheduler.runNow("rental-problems");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - rental.price + 3 * perDay);
    // Working again: closed, nothing more.
    await admin.send("/rentproblems");
    await admin.press("🔧 Working again");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - rental.price + 3 * perDay);
    expect(w.h.app.deps.audit.latest(5).map((e) => e.action)).toContain("rental-problem-confirmed");
  });

  it("the rental expires and the user is told; a reminder an hour before came with one-tap Extend", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Jana", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, user, account.id);
    w.clock.advance(23 * HOUR + 10 * 60_000);
    await w.h.app.scheduler.runNow("rental-expiry");
    await w.h.tg.settle();
    const reminder = user.lastBotMessage();
    expect(reminder?.text).toContain("ends 1/16/26, 12:00 PM UTC (50 minutes left)");
    expect(reminder?.buttons).toEqual([["➕ Extend"]]);
    w.clock.advance(HOUR);
    await w.h.app.scheduler.runNow("rental-expiry");
    await w.h.tg.settle();
    expect(latest(w, rental.id).state).toBe("expired");
    expect(user.lastBotMessage()?.text).toContain("is over");
    expect(card(user, rental).buttons).toEqual([]);
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(1000 - rental.price);
  });

  it("a crash between the hold and the provider's answer is settled after the restart: the number is found, never rented twice", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Kira", { balance: 1000 });
    await chooseTelegramInRussiaForADay(user);
    w.sim.failNext("rent", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    await user.press(/^✅ Rent · /);
    const pending = w.h.app.deps.rentals.records.ofUser(account.id)[0];
    expect(pending?.state).toBe("reserving");
    expect(w.h.app.deps.ledger.balanceOf(account.id).held).toBe(pending?.price);
    w.clock.advance(2 * 60_000);
    // The recovery job runs at start-up; running it again finds nothing more to do.
    await w.h.restart();
    await w.h.app.scheduler.runNow("rental-recovery");
    await w.h.tg.settle();
    const settled = latest(w, pending?.id ?? 0);
    expect(settled.state).toBe("active");
    expect(w.sim.snapshot().rentals).toHaveLength(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 1000 - settled.price, held: 0, available: 1000 - settled.price });
    expect(user.lastBotMessage()?.text).toContain("is ready");
  });

  it("a cancel and an extension whose answers were lost are settled by the recovery job: refunded once, charged once", async () => {
    const w = (current = await rentWorld());
    const { user: cancelling, account: first } = await customer(w.h, "Olya", { balance: 1000 });
    const toCancel = await rentTelegramInRussia(w, cancelling, first.id);
    w.sim.failNext("cancelRental", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    await cancelling.press("❌ Cancel (full refund)");
    expect(latest(w, toCancel.id).state).toBe("cancelling");
    expect(w.h.app.deps.ledger.balanceOf(first.id).posted).toBe(1000 - toCancel.price);

    const { user: extending, account: second } = await customer(w.h, "Pola", { balance: 2000 });
    const toExtend = await rentTelegramInRussia(w, extending, second.id);
    await extending.press("➕ Extend");
    await extending.press(/^1 day · /);
    w.sim.failNext("extendRental", { kind: "temporary", message: "timeout" }, 1, { lostAnswer: true });
    await extending.press(/^✅ Extend · /);
    expect(extending.lastBotMessage()?.text).toContain("has not answered yet");
    expect(w.h.app.deps.ledger.balanceOf(second.id).held).toBeGreaterThan(0);

    w.clock.advance(2 * 60_000);
    await w.h.app.scheduler.runNow("rental-recovery");
    await w.h.app.scheduler.runNow("rental-recovery");
    expect(latest(w, toCancel.id).state).toBe("cancelled");
    expect(w.h.app.deps.ledger.balanceOf(first.id)).toEqual({ posted: 1000, held: 0, available: 1000 });
    const extended = latest(w, toExtend.id);
    expect(extended.endsAt).toBe(toExtend.endsAt! + DAY);
    const paid = w.h.app.deps.rentals.records.period(extended).paid;
    expect(w.h.app.deps.ledger.balanceOf(second.id)).toEqual({ posted: 2000 - paid, held: 0, available: 2000 - paid });
    expect(w.h.app.deps.rentals.records.extensions(toExtend.id).map((e) => e.state)).toEqual(["done"]);
  });

  it("rents a number for any service, offered first with its price; the confirmation states what it may not be used for (P1, P2)", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Alla", { balance: 5000 });
    await user.send("/rent");
    const choices = user.lastBotMessage()?.buttons.flat() ?? [];
    expect(choices[0]).toMatch(/^🌐 Any service · \$\d+\.\d\d$/);
    // No bank is ever offered, by name or for any service (P2).
    expect(choices.some((label) => /bank|qiwi|webmoney/i.test(label))).toBe(false);
    await user.press(/^🌐 Any service · /);
    expect(user.lastBotMessage()?.text).toContain("🌐 Any service");
    await user.press(/^🇷🇺 Russia/);
    await user.press(/^1 day · /);
    const confirm = user.lastBotMessage()?.text ?? "";
    expect(confirm).toContain("Service: 🌐 Any service");
    expect(confirm).toContain("may not be used for banks, Qiwi or WebMoney");
    const price = Number(/Price: \$(\d+\.\d\d)/.exec(confirm)?.[1] ?? "0") * 100;
    const telegram = w.h.app.deps.rentals.offer("tg", "ru", 24)?.price ?? 0;
    expect(price).toBeGreaterThan(telegram); // a number for every service costs more than one for Telegram

    await user.press(/^✅ Rent · /);
    const rental = latest(w, w.h.app.deps.rentals.records.ofUser(account.id)[0]?.id ?? 0);
    expect(rental).toMatchObject({ state: "active", serviceCode: "_any", serviceName: "Any service", price });
    expect(w.sim.snapshot().rentals[0]?.service).toBe("_any");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(5000 - price);
    expect(card(user, rental).text).toContain("🌐 Any service · 🇷🇺 Russia");
    w.sim.deliverSms(rental.providerId ?? "", "WhatsApp code 123-456");
    w.sim.deliverSms(rental.providerId ?? "", "Your Google verification code is 654321");
    await w.h.app.scheduler.runNow("rental-poll");
    await w.h.tg.settle();
    expect(user.botMessages().at(-2)?.text).toContain("123-456");
    expect(user.lastBotMessage()?.text).toContain("654321");
  });

  it("the operator withdraws any service with DENY_SERVICES=_any: neither listed nor sold", async () => {
    const w = (current = await rentWorld({ DENY_SERVICES: "_any" }));
    const { user, account } = await customer(w.h, "Olesya", { balance: 5000 });
    await user.send("/rent");
    expect(user.lastBotMessage()?.buttons.flat()[0]).toMatch(/^Telegram · /);
    expect(w.h.app.deps.rentals.quote(account.id, "_any", "ru", 24)).toEqual({ ok: false, reason: "not_offered" });
  });

  it("a reader in Moscow time sees every end of a rental in GMT+3, with the time left: confirmation, card, extension, reminder", async () => {
    const w = (current = await rentWorld());
    const { user, account } = await customer(w.h, "Vika", { balance: 5000 });
    await user.send("/settings");
    await user.press("🕒 Time zone: UTC");
    await user.press("Moscow (GMT+3)");
    await chooseTelegramInRussiaForADay(user);
    // The test clock starts at 12:00 UTC: a day later is 15:00 in Moscow.
    expect(user.lastBotMessage()?.text).toContain("Rented until: 1/16/26, 3:00 PM GMT+3 · 24 hours left");
    await user.press(/^✅ Rent · /);
    const rental = latest(w, w.h.app.deps.rentals.records.ofUser(account.id)[0]?.id ?? 0);
    expect(card(user, rental).text).toContain("Rented until 1/16/26, 3:00 PM GMT+3 · 24 hours left");
    expect(card(user, rental).text).not.toContain("UTC");

    w.clock.advance(3 * HOUR);
    await user.press("➕ Extend");
    // By name, not as the last message: an SMS the simulator sends meanwhile may come after it.
    await user.waitForMessage("It is rented until 1/16/26, 3:00 PM GMT+3");
    await user.press(/^1 day · /);
    await user.waitForMessage("New end: 1/17/26, 3:00 PM GMT+3 · 45 hours left");
    await user.press(/^✅ Extend · /);
    expect(user.botMessages().some((m) => m.text.includes("is extended until 1/17/26, 3:00 PM GMT+3"))).toBe(true);
    expect(card(user, rental).text).toContain("Rented until 1/17/26, 3:00 PM GMT+3 · 45 hours left");

    // An hour before the end: the reminder names the end in GMT+3 and what is left.
    w.clock.advance(44 * HOUR + 10 * 60_000);
    await w.h.app.scheduler.runNow("rental-expiry");
    await w.h.tg.settle();
    const reminder = user.botMessages().filter((m) => m.text.startsWith("⏰")).at(-1);
    expect(reminder?.text).toContain("ends 1/17/26, 3:00 PM GMT+3 (50 minutes left)");
  });

  it("a Russian reader sees any service named in Russian, and times in Moscow time by default", async () => {
    const w = (current = await rentWorld());
    const { user } = await customer(w.h, "Нина", { balance: 5000, language_code: "ru" });
    await user.send("/rent");
    expect(user.lastBotMessage()?.buttons.flat()[0]).toMatch(/^🌐 Любой сервис · /);
    await user.press(/^🌐 Любой сервис · /);
    await user.press(/Россия/);
    await user.press(/^1 день · /);
    const confirm = user.lastBotMessage()?.text ?? "";
    expect(confirm).toContain("Сервис: 🌐 Любой сервис");
    expect(confirm).toContain("нельзя использовать для банков, Qiwi и WebMoney");
    expect(confirm).toContain("Аренда до: 16.01.2026, 15:00 GMT+3 · осталось 24 часа");
  });

  it("stale and forged rental buttons get a clear answer and change nothing", async () => {
    const w = (current = await rentWorld());
    const { user: owner, account } = await customer(w.h, "Lena", { balance: 1000 });
    const rental = await rentTelegramInRussia(w, owner, account.id);
    const { user: other } = await customer(w.h, "Mila", { balance: 1000 });
    await other.pressData(`rnt:x:${rental.id}`);
    expect(other.callbackAnswers().at(-1)?.text).toBe("This rental was not found.");
    await other.pressData("rnok:AAAAAAAAAAAAAAAA");
    expect(other.callbackAnswers().at(-1)?.text).toContain("out of date");
    await owner.pressData("rnt:zz:1");
    expect(owner.callbackAnswers().at(-1)?.text).toContain("out of date");
    expect(latest(w, rental.id).state).toBe("active");
  });
});

describe("a provider that does not rent numbers for days (5sim)", () => {
  it("hides Rent a number from the menu, and /rent says renting is not offered", async () => {
    const w = await startWorld();
    // The simulator as a provider whose rent terms say what 5sim's do.
    const { h } = w;
    Object.defineProperty(h.app.deps.provider, "rentTerms", { value: { offered: false, cancelWindowMs: 0 } });
    const { user } = await customer(h, "Nina");
    await user.send("/menu");
    expect(user.lastBotMessage()?.buttons.flat()).not.toContain("📅 Rent a number");
    expect(user.lastBotMessage()?.buttons.flat()).toContain("🛒 Buy a number");
    await user.send("/rent");
    expect(user.lastBotMessage()?.text).toContain("Renting numbers for days is not offered");
  });
});
