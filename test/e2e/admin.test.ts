import { describe, expect, it, onTestFinished } from "vitest";
import { registerCommands } from "../../src/bot/commands.ts";
import { startFakeTelegram, type FakeUser } from "../fakes/telegram.ts";
import { ADMIN_ID, closeWhenTestEnds, startHarness } from "../helpers/app.ts";
import { buyTelegramInKazakhstan } from "../helpers/steps.ts";
import { adminUser, customer, START, startWorld } from "../helpers/world.ts";

/*
 * The shop's admins at work in the chat: the real bot over HTTP against the fake Telegram, the
 * simulator as provider on a test clock. Every story ends with the ledger's invariants checked.
 */

const UNKNOWN = "I did not understand that. Open /menu to see what I can do, or /help.";

const reply = (user: FakeUser) => user.lastBotMessage()?.text ?? "";

describe("admins run the shop from the chat", () => {
  it("refunds a waiting number and a delivered one; the user is told and gets the money back", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Anna", { balance: 500 });
    const waiting = await buyTelegramInKazakhstan(w.h, user, account.id);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 60, available: 440 });

    await admin.send(`/refund ${waiting.id} number never worked`);
    expect(reply(admin)).toContain(`Activation #${waiting.id} ended before a code`);
    expect(reply(user)).toContain("The shop refunded $0.60 for your Telegram number");
    expect(reply(user)).toContain("Reason: number never worked");
    expect(w.h.app.deps.activations.byId(waiting.id)?.state).toBe("cancelled");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });

    const delivered = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.sim.deliverSms(delivered.providerId ?? "", "Telegram code: 51234");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(440);
    // A4: the code was delivered, so the rules say no, unless the admin says "force".
    await admin.send(`/refund ${delivered.id} the code was rejected`);
    expect(reply(admin)).toContain(`Not refunded: activation #${delivered.id} received its code`);
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(440);
    await admin.send(`/refund ${delivered.id} force the code was rejected`);
    expect(reply(admin)).toContain(`Activation #${delivered.id} refunded: $0.60 returned to #${account.id}`);
    expect(w.h.app.deps.audit.latest(1)[0]?.details).toContain("rule A4 overridden");
    expect(reply(user)).toContain("Balance: $5.00");
    await admin.send(`/refund ${delivered.id} force again`);
    expect(reply(admin)).toBe(`Activation #${delivered.id} was already refunded; nothing changed.`);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });

    await user.send("/history");
    expect(reply(user)).toContain("Refund — the code was rejected");
  });

  it("an amount beyond ADMIN_MAX_AMOUNT, or near the limits of integer arithmetic, gets the usage line; a balance pushed past it is refused", async () => {
    const w = await startWorld({ env: { ADMIN_MAX_AMOUNT: "100" } });
    const admin = adminUser(w.h);
    const { account } = await customer(w.h, "Olga", { balance: 9_000 });
    for (const amount of ["100.01", "90071992547409.91", "9007199254740993", "1e5", "99999999999999999999999"]) {
      await admin.send(`/credit #${account.id} ${amount} typo`);
      expect(reply(admin)).toContain("Usage: /credit USER AMOUNT reason");
      expect(reply(admin)).toContain("AMOUNT is at most $100.00.");
      await admin.send(`/debit #${account.id} ${amount} typo`);
      expect(reply(admin)).toContain("Usage: /debit USER AMOUNT reason");
    }
    await admin.send(`/credit #${account.id} 10.01 bonus`);
    expect(reply(admin)).toBe(`⛔ Not done: an admin credit or debit is at most $100.00, and a credit may not take the balance of #${account.id} (Olga, tg ${account.telegramId}) beyond it (ADMIN_MAX_AMOUNT).`);
    await admin.send(`/credit #${account.id} 10 bonus`);
    expect(reply(admin)).toContain("Credited $10.00");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(10_000);
  });

  it("A4/W4: a delivered number older than a month is refunded only with force; never into a deleted account", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Petra", { balance: 500 });
    const old = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.sim.deliverSms(old.providerId ?? "", "Telegram code: 40404");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    w.clock.advance(32 * 86_400_000);
    await admin.send(`/refund ${old.id} late complaint`);
    expect(reply(admin)).toContain(`Not refunded: activation #${old.id} received its code`);
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(440);
    await admin.send(`/refund ${old.id} force goodwill after a month`);
    expect(reply(admin)).toContain(`Activation #${old.id} refunded`);
    expect(w.h.app.deps.audit.latest(1)[0]).toMatchObject({ action: "refund", reason: "goodwill after a month" });

    // A deleted account: even "force" does not refund into it.
    const second = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.sim.deliverSms(second.providerId ?? "", "Telegram code: 50505");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(w.h.app.deps.accountDeletion.delete(account.id, "request")).toMatchObject({ ok: true });
    await admin.send(`/refund ${second.id} force they asked`);
    expect(reply(admin)).toContain(`Not refunded: the account of activation #${second.id} was deleted`);
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(0);
  });

  it("credits and debits by @username and account id; a debit never goes below zero; a replayed update applies once", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Boris", { balance: 100, username: "boris_b" });

    await admin.send("/credit @boris_b 2.50 compensation for <b>outage</b>");
    expect(reply(admin)).toContain("Credited $2.50 to #");
    expect(reply(admin)).toContain("Available now: $3.50");
    expect(reply(user)).toContain("The shop added $2.50 to your balance.");
    expect(user.lastBotMessage()?.html).toContain("compensation for &lt;b&gt;outage&lt;/b&gt;");

    await admin.send(`/debit #${account.id} 5 too much`);
    expect(reply(admin)).toBe(`❌ Not debited: #${account.id} (@boris_b, tg ${user.id}) has $3.50 available, $1.50 short.`);
    await admin.send(`/debit ${user.id} 1,50 correction`);
    expect(reply(admin)).toContain("Debited $1.50");
    expect(reply(user)).toContain("The shop took $1.50 from your balance.");
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(200);

    // The same admin update delivered twice (Telegram redelivers after a crash): one credit.
    const update = {
      update_id: 880_000,
      message: {
        message_id: 880_000,
        date: Math.floor(START / 1000),
        chat: { id: ADMIN_ID, type: "private", first_name: "Admin" },
        from: { id: ADMIN_ID, is_bot: false, first_name: "Admin", language_code: "en" },
        text: `/credit #${account.id} 1.00 replayed`,
        entities: [{ type: "bot_command", offset: 0, length: 7 }],
      },
    };
    w.h.tg.pushUpdate(update);
    await w.h.tg.settle();
    w.h.tg.pushUpdate(update);
    await w.h.tg.settle();
    expect(reply(admin)).toBe("This command was already carried out; nothing changed.");
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(300);

    await user.send("/history");
    expect(reply(user)).toContain("Adjustment by the shop — replayed");
  });

  it("blocks a user at the request of law enforcement (balance frozen), then unblocks", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Clara", { balance: 700, username: "clara" });
    await admin.send("/block @clara court order 2026/17");
    expect(reply(admin)).toContain("is blocked and the balance is frozen. Reason: court order 2026/17");
    expect(reply(user)).toContain("Your account is blocked.");
    expect(reply(user)).toContain("Reason: court order 2026/17");
    expect(w.h.app.deps.accounts.byId(account.id)).toMatchObject({ status: "blocked", balanceFrozen: true });
    await user.send("/buy");
    expect(reply(user)).toContain("Your account is blocked.");
    // B2 blocks buying and paying, not the way to dispute it: support still reaches the admins.
    await user.send("/paysupport");
    expect(reply(user)).toContain("in the same line as the command");
    await user.send("/paysupport The block is a mistake");
    expect(reply(user)).toContain("Your message has been passed to our team");
    expect((await admin.waitForMessage("The block is a mistake")).text).toContain("@clara");
    await admin.send("/block @clara again");
    expect(reply(admin)).toContain("is already blocked; nothing changed.");
    await admin.send("/debit @clara 1 fee");
    expect(reply(admin)).toContain("is frozen while the account is blocked");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(700);

    await admin.send("/user @clara");
    expect(reply(admin)).toContain("status blocked");
    expect(reply(admin)).toContain("The balance is frozen.");

    await admin.send("/unblock @clara");
    expect(reply(admin)).toContain("is unblocked.");
    expect(reply(user)).toContain("Your account is unblocked");
    await user.send("/buy");
    expect(reply(user)).toContain("Buy a number");
  });

  it("looks up a user, an order, the statistics; checks the ledger; lists the audit trail", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { user, account } = await customer(w.h, "Dora", { balance: 500, username: "dora" });
    const activation = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.sim.deliverSms(activation.providerId ?? "", "Telegram code: 77777");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();

    await admin.send(`/user ${user.id}`);
    const profile = reply(admin);
    expect(profile).toContain(`#${account.id} (@dora, tg ${user.id})`);
    expect(profile).toContain("posted $4.40 · held $0.00 · available $4.40");
    expect(profile).toContain("top-ups $5.00 · purchases $0.60");
    expect(profile).toContain(`#${activation.id} · 2026-01-15 12:00 · Telegram`);

    await admin.send(`/order ${activation.id}`);
    const order = reply(admin);
    expect(order).toContain(`Activation #${activation.id} · code received`);
    expect(order).toContain(`+${activation.phone}`);
    expect(order).toContain("code 77777 · Telegram code: 77777");
    expect(order).toContain("Purchase · -$0.60");

    // The same order found by the number as the user sees it on the card, with spaces, or without the country code.
    const phone = activation.phone ?? "";
    await admin.send(`/order +${phone.slice(0, 1)} ${phone.slice(1, 4)} ${phone.slice(4)}`);
    expect(reply(admin)).toContain(`Activation #${activation.id} · code received`);
    await admin.send(`/order ${phone.slice(1)}`);
    expect(reply(admin)).toContain(`Activation #${activation.id} · code received`);
    await admin.send("/order +1 555 000 0000");
    expect(reply(admin)).toContain("No activation with the number +1 555 000 0000.");

    // Issue 13: /stats is the figures as text, then the last 30 days as a picture.
    const before = admin.botMessages().length;
    await admin.send("/stats");
    const [figures, chart] = admin.botMessages().slice(before);
    const stats = figures?.text ?? "";
    expect(stats).toContain("Statistics · days from midnight, UTC");
    expect(stats).toContain("Today");
    expect(stats).toContain("Sales: $0.60 (1) · numbers: 1 ($0.60)");
    expect(stats).toContain("Top-ups: $5.00 (1)");
    expect(stats).toContain("Success: 100% (1 of 1 numbers got a code)");
    expect(stats).toContain("Numbers: code received 1");
    expect(stats).toMatch(/Provider balance \(simulator\): \d/);
    expect(chart?.photo?.caption).toBe("📈 Revenue and numbers sold per day, last 30 days · UTC");
    expect([chart?.photo?.width, chart?.photo?.height]).toEqual([1200, 600]);
    expect(chart?.photo?.content.subarray(1, 4).toString("latin1")).toBe("PNG");

    // The provider failing does not break the statistics.
    w.sim.failNext("getBalance", { kind: "temporary", message: "down" });
    await admin.send("/stats");
    expect(admin.botMessages().at(-2)?.text).toContain("Provider balance (simulator): unavailable (temporary)");
    expect(admin.lastBotMessage()?.photo).toBeDefined();

    await admin.send("/ledger");
    expect(reply(admin)).toBe("✅ Ledger OK: every balance matches its entries and holds.");

    await admin.send("/audit");
    expect(reply(admin)).toBe("No admin actions yet.");
    await admin.send(`/credit @dora 1 bonus`);
    await admin.send(`/refund ${activation.id} force wrong code`);
    await admin.send("/block @dora fraud report");
    await admin.send("/audit 2");
    const audit = reply(admin);
    expect(audit).toContain("Last admin actions: 2");
    expect(audit).toContain(`admin ${ADMIN_ID} · block · #${account.id} · — · fraud report`);
    expect(audit).toContain(`refund · #${account.id} activation:${activation.id} · $0.60 · wrong code`);
    expect(audit).not.toContain("bonus");
    await admin.send("/audit");
    expect(reply(admin)).toContain("credit · #");
  });

  it("/stats counts a rental apart from numbers; a Russian admin reads it in Russian, days cut in Moscow time", async () => {
    const w = await startWorld();
    await w.h.app.scheduler.runNow("rent-offer-sync");
    const admin = w.h.tg.user({ id: ADMIN_ID, first_name: "Админ", language_code: "ru" });
    const { user, account } = await customer(w.h, "Rita", { balance: 1000 });
    await user.send("/rent");
    await user.press(/^Telegram · /);
    await user.press(/^🇷🇺 Russia/);
    await user.press(/^1 day · /);
    await user.press(/^✅ Rent · /);
    const rental = w.h.app.deps.rentals.records.ofUser(account.id)[0];
    expect(rental?.state).toBe("active");
    const price = rental?.price ?? 0;

    const { today } = await w.h.app.deps.adminReports.stats("Europe/Moscow");
    expect(today.rentals).toEqual({ started: 1, extended: 0, amount: price });
    expect(today.numbers).toEqual({ count: 0, amount: 0 });
    expect(today.sales).toEqual({ count: 1, amount: price });
    expect(today.margin).toBe(price - today.cost);
    expect(today.cost).toBeGreaterThan(0);

    const before = admin.botMessages().length;
    await admin.send("/stats");
    const [figures, chart] = admin.botMessages().slice(before);
    expect(figures?.text).toContain("Статистика · сутки от полуночи, GMT+3 (Europe/Moscow)");
    expect(figures?.text).toContain("аренда: 1, продления: 0");
    expect(figures?.text).toContain("Аренда сейчас: активных 1");
    expect(figures?.text).not.toMatch(/\b(received|waiting|cancelled|Stars)\b/);
    expect(chart?.photo?.caption).toBe("📈 Выручка и проданные номера по дням за последние 30 дней · GMT+3 (Europe/Moscow)");
  });

  it("malformed arguments get the command's usage line and change nothing", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { account } = await customer(w.h, "Emil", { balance: 300, username: "emil" });
    const cases: Array<[string, string]> = [
      ["/refund", "/refund ACTIVATION_ID reason"],
      ["/refund 12", "/refund ACTIVATION_ID reason"],
      ["/refund abc reason", "/refund ACTIVATION_ID reason"],
      ["/credit @emil", "/credit USER AMOUNT reason"],
      ["/credit @emil 2.50", "/credit USER AMOUNT reason"],
      ["/credit @emil -2 reason", "/credit USER AMOUNT reason"],
      ["/credit @emil 2.555 reason", "/credit USER AMOUNT reason"],
      ["/credit @emil 0 reason", "/credit USER AMOUNT reason"],
      ["/debit emil 1 reason", "/debit USER AMOUNT reason"],
      ["/block @emil", "/block USER reason"],
      ["/unblock", "/unblock USER"],
      ["/unblock @emil extra", "/unblock USER"],
      ["/user", "/user USER"],
      ["/order x", "/order ACTIVATION_ID"],
      ["/stats now", "/stats"],
      ["/ledger please", "/ledger"],
      ["/audit 0", "/audit or /audit N"],
      ["/audit 500", "/audit or /audit N"],
      ["/audit many", "/audit or /audit N"],
    ];
    for (const [command, usage] of cases) {
      await admin.send(command);
      expect(reply(admin), command).toContain(`Usage: ${usage}`);
    }
    await admin.send("/credit @nobody 1 x");
    expect(reply(admin)).toBe("No user @nobody.");
    await admin.send("/order 999999");
    expect(reply(admin)).toBe("No activation #999999.");
    expect(w.h.app.deps.ledger.balanceOf(account.id).posted).toBe(300);
    expect(w.h.app.store.sqlite.prepare("SELECT count(*) FROM audit_log").pluck().get()).toBe(0);
  });

  it("a user who is not an admin gets what any unknown command gets, and nothing happens", async () => {
    const w = await startWorld();
    adminUser(w.h); // the admins are reachable, as in the other stories
    const { user: victim, account: victimAccount } = await customer(w.h, "Fay", { balance: 400, username: "fay" });
    const { user: mallory, account: malloryAccount } = await customer(w.h, "Mallory", { balance: 100, username: "mallory" });
    const activation = await buyTelegramInKazakhstan(w.h, victim, victimAccount.id);
    const commands = [
      `/refund ${activation.id} mine now`,
      "/credit @mallory 100 free money",
      `/credit #${malloryAccount.id} 100 free money`,
      "/debit @fay 1 steal",
      "/block @fay because",
      "/unblock @mallory",
      "/user @fay",
      `/order ${activation.id}`,
      "/stats",
      "/ledger",
      "/audit",
      "/audit 5",
      "/refund",
    ];
    for (const command of commands) {
      await mallory.send(command);
      expect(reply(mallory), command).toBe(UNKNOWN);
    }
    expect(w.h.app.deps.ledger.balanceOf(malloryAccount.id)).toEqual({ posted: 100, held: 0, available: 100 });
    expect(w.h.app.deps.ledger.balanceOf(victimAccount.id)).toEqual({ posted: 400, held: 60, available: 340 });
    expect(w.h.app.deps.activations.byId(activation.id)?.state).toBe("waiting");
    expect(w.h.app.deps.accounts.byId(victimAccount.id)?.status).toBe("active");
    expect(w.h.app.store.sqlite.prepare("SELECT count(*) FROM audit_log").pluck().get()).toBe(0);
    expect(mallory.text()).not.toContain("Fay");
    expect(mallory.text()).not.toContain("Usage");
  });

  it("an admin in the middle of buying still reaches the admin commands", async () => {
    const w = await startWorld();
    const admin = adminUser(w.h);
    const { account } = await customer(w.h, "Gus", { balance: 100, username: "gus" });
    await admin.send("/start");
    await admin.press("✅ I accept the rules");
    await admin.send("/buy");
    await admin.send("/credit @gus 1 thanks");
    expect(reply(admin)).toContain("Credited $1.00");
    expect(w.h.app.deps.ledger.balanceOf(account.id).available).toBe(200);
  });

  it("admins get a command menu of their own with the admin commands; an unreachable admin does not stop the others", async () => {
    const tg = await startFakeTelegram();
    onTestFinished(() => tg.close()); // runs after the bot's own close below: the last registered runs first
    tg.user({ id: ADMIN_ID, first_name: "Admin" });
    const h = await startHarness({ tg });
    closeWhenTestEnds(h);
    await registerCommands(h.app.built.bot.api, h.app.built.i18n, [ADMIN_ID]);
    const scope = { type: "chat", chat_id: ADMIN_ID };
    const english = tg.commands(scope).map((c) => c.command);
    expect(english).toEqual(expect.arrayContaining(["buy", "topup", "refund", "credit", "debit", "block", "unblock", "user", "order", "stats", "ledger", "audit"]));
    expect(tg.commands(scope, "en").map((c) => c.command)).toEqual(english);
    expect(tg.commands(scope, "ru").find((c) => c.command === "refund")?.description).toBe("Вернуть деньги за активацию");
    // Everyone else's menu has no admin commands.
    expect(tg.commands().map((c) => c.command)).not.toContain("refund");
    expect(tg.commands(undefined, "ru").map((c) => c.command)).not.toContain("refund");

    // The first admin cannot be reached; the second still gets a menu.
    tg.user({ id: 900_002, first_name: "Second admin" });
    // 424 242 never opened the chat: Telegram answers "chat not found" for its menu.
    const failed = await registerCommands(h.app.built.bot.api, h.app.built.i18n, [424_242, 900_002]);
    expect(failed).toEqual([424_242]);
    expect(tg.commands({ type: "chat", chat_id: 900_002 }).map((c) => c.command)).toContain("audit");
  });
});
