import { afterEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram.ts";
import { startHarness, type Harness } from "../helpers/app.ts";
import { testClock, type TestClock } from "../helpers/store.ts";
import { until } from "../helpers/until.ts";
import { adminUser, customer, START } from "../helpers/world.ts";

/*
 * Refunds to the payment method on request (POLICY W1-W6), end to end: the user asks in the chat,
 * the admins decide with buttons and commands, Telegram gives the Stars back through the fake
 * Bot API's refundStarPayment. The ledger's invariants are checked after every story.
 */

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  await harness?.close();
  harness = undefined;
});

async function start(clock?: TestClock): Promise<Harness> {
  harness = await startHarness(clock ? { clock } : {});
  return harness;
}

/** A customer who paid 100 Stars ($1.30). */
async function payer(h: Harness, name: string) {
  const { user, account } = await customer(h, name);
  await user.send("/topup");
  await user.press("100 ⭐ → $1.30");
  await user.pay();
  const charge = h.app.deps.stars.paymentsOf(account.id)[0]?.chargeId ?? "";
  return { user, account, charge };
}

/** Asks for a refund of the newest payment: `amount` typed, or all of it; a W1 reason unless told. */
async function requestRefund(user: FakeUser, options: { amount?: string; reason?: string | RegExp; otherText?: string } = {}): Promise<number> {
  await user.send("/help");
  await user.press("↩️ Request a refund");
  await user.press("➕ New request");
  await user.press(/^100 ⭐ · /);
  if (options.amount) await user.send(options.amount);
  else await user.press(/^All: /);
  await user.press(options.reason ?? "A number I paid for could not be provided");
  if (options.otherText !== undefined) await user.send(options.otherText);
  if (user.lastBotMessage()?.text.includes("Our rules do not refund")) await user.press("📨 Send it anyway");
  expect(user.lastBotMessage()?.text).toContain("Your refund request");
  await user.press("✅ Send the request");
  const filed = /Request #(\d+) is sent/.exec(user.lastBotMessage()?.text ?? "");
  if (!filed) throw new Error(`not filed: ${user.lastBotMessage()?.text ?? ""}`);
  return Number(filed[1]);
}

describe("W6: a refund request approved through Telegram", () => {
  it("a whole Stars top-up: reserved while open, refunded once through refundStarPayment though Approve is pressed twice", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await payer(h, "Alma");
    const id = await requestRefund(user);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 130, available: 0 });
    const notice = await admin.waitForMessage(`Refund request #${id}`);
    expect(notice.text).toContain("Asked: $1.30");
    expect(notice.text).toContain("A number I paid for could not be provided");
    expect(notice.text).toMatch(/Decide by .* \(\d+ h left\)/);

    await admin.pressData(`rq:a:${id}`, notice.id, { wait: false });
    await admin.pressData(`rq:a:${id}`, notice.id, { wait: false });
    await h.tg.settle();
    expect(h.tg.refunds()).toHaveLength(1);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
    await admin.pressData(`rq:a:${id}`, notice.id);
    expect(h.tg.refunds()).toHaveLength(1);
    await user.waitForMessage(`Refund request #${id} is approved: 100 ⭐ went back`);
    expect(h.app.deps.audit.latest(5).map((e) => e.action)).toContain("refund-approved-stars");
    await admin.send("/stats");
    // The figures come first, the chart after them.
    const figures = admin.botMessages().at(-2)?.text ?? "";
    expect(figures).toContain("to payment methods: $1.30 (1)");
    expect(figures).toContain("⭐ Stars received: 100 (payments: 1) · given back: 100 (payments: 1)");
    expect(admin.lastBotMessage()?.photo).toBeDefined();
  });

  it("Telegram's answer lost, the refund done there, the bot restarted: settled once on CHARGE_ALREADY_REFUNDED", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account, charge } = await payer(h, "Bruno");
    const id = await requestRefund(user);
    h.tg.failNext("refundStarPayment", "drop");
    await admin.pressData(`rq:a:${id}`, (await admin.waitForMessage(`Refund request #${id}`)).id);
    expect(admin.lastBotMessage()?.text).toContain("Telegram has not answered clearly");
    expect(h.app.deps.refundRequests.byId(id)?.status).toBe("approving");
    // Telegram did act; only its answer was lost. The bot restarts: its start-up run settles it.
    await h.app.built.bot.api.refundStarPayment(user.id, charge);
    await h.restart();
    await until(() => h.app.deps.refundRequests.byId(id)?.status === "approved", { what: "the request settled at start-up" });
    await h.app.scheduler.runNow("refund-requests");
    expect(h.app.deps.refundRequests.byId(id)?.status).toBe("approved");
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
    await user.waitForMessage(`Refund request #${id} is approved`);
  });

  it("Telegram refuses the refund: nothing moves, the request stays open, the admin is told why", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await payer(h, "Cleo");
    const id = await requestRefund(user);
    h.tg.failNext("refundStarPayment", { error_code: 400, description: "Bad Request: CHARGE_NOT_FOUND" });
    await admin.pressData(`rq:a:${id}`, (await admin.waitForMessage(`Refund request #${id}`)).id);
    await admin.waitForMessage("Telegram refused to refund request");
    expect(admin.text()).toContain("CHARGE_NOT_FOUND");
    expect(h.app.deps.refundRequests.byId(id)?.status).toBe("open");
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 130, available: 0 });
    expect(h.tg.refunds()).toHaveLength(0);
    expect(h.app.deps.audit.latest(5).map((e) => e.action)).toContain("refund-request-telegram-refused");
  });
});

describe("W3: what Telegram cannot refund", () => {
  it("a partial request: the admin refunds the whole charge since the balance covers it", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await payer(h, "Dario");
    const id = await requestRefund(user, { amount: "0.50" });
    expect(h.app.deps.ledger.balanceOf(account.id).held).toBe(50);
    await admin.pressData(`rq:a:${id}`, (await admin.waitForMessage(`Refund request #${id}`)).id);
    expect(admin.lastBotMessage()?.text).toContain("Telegram refunds whole charges only");
    await admin.press("↩️ Refund the whole charge");
    expect(h.tg.refunds()).toHaveLength(1);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
    await user.waitForMessage(`Refund request #${id} is approved: 100 ⭐`);
  });

  it("a request while the balance was spent meanwhile: only part is refundable; the admin records a refund made outside the bot", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await payer(h, "Elif");
    const { ledger } = h.app.deps;
    const spent = ledger.hold({ userId: account.id, amount: 100, ref: { type: "test", id: "spent" }, idempotencyKey: "test-spent" });
    if (!spent.ok) throw new Error("hold failed");
    ledger.capture(spent.hold.id);
    const id = await requestRefund(user);
    expect(h.app.deps.refundRequests.byId(id)?.amount).toBe(30);
    await admin.pressData(`rq:a:${id}`, (await admin.waitForMessage(`Refund request #${id}`)).id);
    expect(admin.lastBotMessage()?.text).toContain("the balance does not cover the whole charge");
    expect(admin.buttons().flat()).not.toContain("↩️ Refund the whole charge");
    await admin.press("🧾 Recorded outside the bot");
    expect(h.tg.refunds()).toHaveLength(0);
    expect(ledger.balanceOf(account.id)).toEqual({ posted: 0, held: 0, available: 0 });
    await user.waitForMessage(`Refund request #${id} is approved: $0.30 was refunded to you outside the bot`);
  });
});

describe("refused, withdrawn, too old", () => {
  it("W2: the reason is explained before sending; the admin refuses with W2's reason; the user is told in their language and the money released", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await customer(h, "Фёдор", { language_code: "ru" });
    await user.send("/topup");
    await user.press(/^100 ⭐ → 1,30/);
    await user.pay();
    await user.send("/refundrequest");
    await user.press("➕ Новая заявка");
    await user.press(/^100 ⭐ · /);
    await user.press(/^Всё: /);
    await user.press("Передумал(а), услуга больше не нужна");
    expect(user.lastBotMessage()?.text).toContain("По нашим правилам платёж не возвращается, если вы передумали");
    await user.press("📨 Всё равно отправить");
    await user.press("✅ Отправить заявку");
    const id = Number(/№(\d+)/.exec(user.lastBotMessage()?.text ?? "")?.[1]);
    await admin.pressData(`rq:r:${id}`, (await admin.waitForMessage(`Refund request #${id}`)).id);
    await admin.press("a change of mind is not a reason for a refund");
    expect(admin.lastBotMessage()?.text).toContain(`Request #${id} refused`);
    await user.waitForMessage(`В заявке на возврат №${id} отказано: если вы передумали, это не причина для возврата`);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
    expect(h.app.deps.audit.latest(1)[0]).toMatchObject({ action: "refund-refused", reason: "W2:changed_mind" });
    // A second press changes nothing.
    await admin.pressData(`rq:x:${id}:accidental`);
    expect(h.app.deps.audit.latest(5).filter((e) => e.action === "refund-refused")).toHaveLength(1);
  });

  it("a written refusal with /refuse, and a request the user withdraws (the reservation released)", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await payer(h, "Gita");
    const id = await requestRefund(user);
    await user.press("✖️ Withdraw the request");
    expect(user.lastBotMessage()?.text).toBe(`Request #${id} is withdrawn; $1.30 is available on your balance again.`);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
    await admin.send(`/refuse ${id} too late`);
    expect(admin.lastBotMessage()?.text).toBe(`Request #${id} is already closed; nothing changed.`);
    const again = await requestRefund(user, { reason: "Something else", otherText: "my <b>own</b> words" });
    expect(h.app.deps.refundRequests.byId(again)).toMatchObject({ reason: "other", reasonText: "my <b>own</b> words" });
    await admin.send(`/refuse ${again} the number worked, see order 12`);
    expect(admin.lastBotMessage()?.text).toContain(`Request #${again} refused (the number worked, see order 12)`);
    await user.waitForMessage(`Refund request #${again} is refused: the number worked, see order 12.`);
    expect(h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 130, held: 0, available: 130 });
  });

  it("W4: a payment older than a month is not offered", async () => {
    const clock = testClock(START);
    const h = await start(clock);
    const { user } = await payer(h, "Hugo");
    clock.advance(32 * 86_400_000);
    await user.send("/refundrequest");
    await user.press("➕ New request");
    expect(user.lastBotMessage()?.text).toContain("There is nothing to refund");
  });
});

describe("the 2-working-day deadline", () => {
  it("lists open requests oldest first with the time left; reminds as the deadline nears and when it passes, once each, on a fixed clock", async () => {
    // Thursday 15 January 2026, 12:00 UTC = 15:00 in Moscow; Saturday and Sunday do not count.
    const clock = testClock(START);
    const h = await start(clock);
    const admin = adminUser(h);
    const { user } = await payer(h, "Ines");
    const id = await requestRefund(user);
    expect(new Date(h.app.deps.refundRequests.deadlineOf(h.app.deps.refundRequests.byId(id) ?? ({} as never))).toISOString()).toBe("2026-01-19T12:00:00.000Z");
    await admin.send("/refunds");
    expect(admin.lastBotMessage()?.text).toContain("Open refund requests: 1");
    expect(admin.lastBotMessage()?.text).toContain(`#${id} · #`);
    expect(admin.lastBotMessage()?.text).toContain("96 h left");

    clock.set(Date.UTC(2026, 0, 17, 12));
    await h.app.scheduler.runNow("refund-requests");
    await h.tg.settle();
    expect(admin.text()).not.toContain("must be decided by");
    clock.set(Date.UTC(2026, 0, 19, 9));
    await h.app.scheduler.runNow("refund-requests");
    await h.app.scheduler.runNow("refund-requests");
    await admin.waitForMessage("must be decided by");
    expect(admin.botMessages().filter((m) => m.text.includes("must be decided by"))).toHaveLength(1);
    clock.set(Date.UTC(2026, 0, 19, 13));
    await h.app.scheduler.runNow("refund-requests");
    await h.app.scheduler.runNow("refund-requests");
    await admin.waitForMessage("is past its deadline");
    expect(admin.botMessages().filter((m) => m.text.includes("is past its deadline"))).toHaveLength(1);
  });
});

describe("support both ways", () => {
  it("a user's message reaches the admins with who sent it; the admin's reply (Telegram's reply, or /reply) reaches the user; the thread is kept in order", async () => {
    const h = await start();
    const admin = adminUser(h);
    const { user, account } = await customer(h, "Jana", { username: "jana_j" });
    await user.send("/help");
    await user.press("💬 Support");
    await user.send("Where are my <b>Stars</b>?");
    expect(user.lastBotMessage()?.text).toContain("Your message has been passed to our team");
    const notice = await admin.waitForMessage("Payment support request");
    expect(notice.text).toContain("@jana_j");
    expect(notice.text).toContain(`account #${account.id}`);
    expect(notice.text).toContain("Where are my <b>Stars</b>?");

    await admin.replyTo(notice.id, "They are on your balance now.");
    await user.waitForMessage("They are on your balance now.");
    await admin.send(`/reply @jana_j Anything else?`);
    await user.waitForMessage("Anything else?");
    await user.send("/paysupport No, thank you");
    await admin.waitForMessage("No, thank you");

    expect(h.app.deps.support.all(account.id).map((m) => [m.direction, m.text])).toEqual([
      ["in", "Where are my <b>Stars</b>?"],
      ["out", "They are on your balance now."],
      ["out", "Anything else?"],
      ["in", "No, thank you"],
    ]);
    await admin.send(`/thread #${account.id}`);
    const thread = admin.lastBotMessage()?.text ?? "";
    expect(thread.indexOf("Where are my")).toBeLessThan(thread.indexOf("They are on"));
    expect(thread.indexOf("Anything else?")).toBeLessThan(thread.indexOf("No, thank you"));
    await user.send("/paysupport");
    expect(user.lastBotMessage()?.text).toContain("team: Anything else?");
  });
});
