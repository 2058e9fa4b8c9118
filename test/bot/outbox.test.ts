import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { Api } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Deliver, SenderOptions } from "../../src/bot/outbox/sender.ts";
import { outbox as outboxTable } from "../../src/db/schema.ts";
import { AccountDeletion } from "../../src/domain/accountDeletion.ts";
import { AuditLog } from "../../src/domain/audit.ts";
import { Broadcasts } from "../../src/domain/broadcasts.ts";
import type { OutboxMessage } from "../../src/domain/outbox.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.ts";
import { member, outboxWorld, senderFor, sendsTo, telegramDelivery, textsIn } from "../helpers/sending.ts";
import { testShop } from "../helpers/shop.ts";
import { ADMIN_CHAT } from "../helpers/store.ts";

/**
 * The outbox's sender and delivery against the fake Bot API over real HTTP: what reaches the user,
 * once, in order, in their language, whatever Telegram answers and whenever the process dies.
 */

type World = ReturnType<typeof outboxWorld>;

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function fakeTelegram(): Promise<FakeTelegram> {
  const tg = await startFakeTelegram();
  cleanups.push(() => tg.close());
  return tg;
}

function world(path?: string): World {
  const w = outboxWorld(path);
  cleanups.push(() => w.store.close());
  return w;
}

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), "outbox-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "bot.sqlite");
}

/** A sender running as in production (start: recovery, then the loop) until the test ends. */
function running(w: World, tg: FakeTelegram, options: Partial<SenderOptions> = {}, deliver: Deliver = telegramDelivery(tg, w)) {
  const sender = senderFor(w.outbox, deliver, w.clock, options);
  sender.start();
  cleanups.push(() => sender.stop());
  return sender;
}

function rowsOf(w: World) {
  return w.store.db.select().from(outboxTable).orderBy(outboxTable.id).all();
}

function rowByKey(w: World, dedupeKey: string) {
  const row = w.store.db.select().from(outboxTable).where(eq(outboxTable.dedupeKey, dedupeKey)).get();
  if (!row) throw new Error(`no outbox row ${dedupeKey}`);
  return row;
}

/** A one-line text: the locale's "{ $text }". */
const line = (text: string): OutboxMessage => ({ kind: "notice", key: "card-sms-new-text", vars: { text } });

const credited = (amount: number, reason: string): OutboxMessage => ({
  kind: "notice",
  key: "admin-notice-credited",
  vars: { amount: { money: amount }, reason, balance: { money: amount } },
});

describe("the outbox sender over Telegram", () => {
  it("a message queued in the same transaction as a change is sent once; the row ends sent", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const alice = member(tg, w.accounts);
    const credit = () =>
      w.ledger.credit({ userId: alice.id, amount: 1050, kind: "adjustment", ref: { type: "test", id: "1" }, idempotencyKey: "credit:1" });

    // A change that fails takes its message with it.
    expect(() =>
      w.ledger.write(() => {
        credit();
        w.outbox.toUser(alice.id, credited(1050, "a lost code"), "credit:1");
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect(rowsOf(w)).toEqual([]);

    w.ledger.write(() => {
      credit();
      expect(w.outbox.toUser(alice.id, credited(1050, "a lost code"), "credit:1")).toBe(true);
    });
    // The same cause again queues nothing.
    expect(w.outbox.toUser(alice.id, credited(1050, "a lost code"), "credit:1")).toBe(false);

    running(w, tg);
    await vi.waitFor(() => expect(rowByKey(w, "credit:1").status).toBe("sent"));
    expect(textsIn(alice.fake)).toEqual(["💰 The shop added $10.50 to your balance.\nReason: a lost code\nBalance: $10.50"]);
    expect(sendsTo(tg, alice.chatId)).toHaveLength(1);
    expect(rowByKey(w, "credit:1")).toMatchObject({ attempts: 1, lastError: null });
  });

  it("the sender is not idle while a message it took waits for its pacing slot: idle means every due message went out", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const alice = member(tg, w.accounts);
    const bob = member(tg, w.accounts);
    // Two a second: the second message waits about half a second for its slot after the first.
    const sender = running(w, tg, { perSecond: 2 });
    w.outbox.toUser(alice.id, line("first"), "pace:1");
    await vi.waitFor(() => expect(rowByKey(w, "pace:1").status).toBe("sent"), { interval: 5 });
    // Queued just after: taken at once, then held until the next slot with nothing in flight.
    w.outbox.toUser(bob.id, line("second"), "pace:2");
    // Watched every few milliseconds until the second is sent: whenever the sender calls itself
    // idle, no message may be left unsent.
    const idleWithWork: string[] = [];
    const deadline = Date.now() + 5_000;
    while (rowByKey(w, "pace:2").status !== "sent" && Date.now() < deadline) {
      if (sender.isIdle()) idleWithWork.push(rowByKey(w, "pace:2").status);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(rowByKey(w, "pace:2").status).toBe("sent");
    expect(idleWithWork).toEqual([]);
    expect(textsIn(bob.fake)).toEqual(["second"]);
  });

  it("crash before the send: a message queued by a process that died is sent exactly once after the restart", async () => {
    const tg = await fakeTelegram();
    const path = tempDatabase();
    const before = outboxWorld(path);
    const alice = member(tg, before.accounts);
    before.outbox.toUser(alice.id, line("your refund is on its way"), "refund:1");
    before.store.close(); // the process died before its sender took the message

    const after = world(path);
    running(after, tg);
    await vi.waitFor(() => expect(rowByKey(after, "refund:1").status).toBe("sent"));
    // A third process finds nothing left to send.
    expect(await senderFor(after.outbox, telegramDelivery(tg, after), after.clock).drain()).toBe(0);
    expect(textsIn(alice.fake)).toEqual(["your refund is on its way"]);
    expect(sendsTo(tg, alice.chatId)).toHaveLength(1);
  });

  it("crash during the send: a personal message left sending is sent again after the restart, once", async () => {
    const tg = await fakeTelegram();
    const path = tempDatabase();
    const before = outboxWorld(path);
    const alice = member(tg, before.accounts);
    before.outbox.toUser(alice.id, line("your code is 12345"), "sms:1");
    // The sender took the message, and the process was killed before Telegram answered.
    expect(before.outbox.claimDue(8).map((row) => row.atMostOnce)).toEqual([false]);
    expect(rowByKey(before, "sms:1").status).toBe("sending");
    before.store.close();

    const after = world(path);
    running(after, tg);
    await vi.waitFor(() => expect(rowByKey(after, "sms:1").status).toBe("sent"));
    expect(rowByKey(after, "sms:1").attempts).toBe(2);
    expect(textsIn(alice.fake)).toEqual(["your code is 12345"]);
    expect(sendsTo(tg, alice.chatId)).toHaveLength(1);
  });

  it("crash during the send: a broadcast message left sending is written off, never sent; the others go", async () => {
    const tg = await fakeTelegram();
    const path = tempDatabase();
    const before = outboxWorld(path);
    const inFlight = member(tg, before.accounts);
    const next = member(tg, before.accounts);
    const { broadcast } = before.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "spring sale" });
    expect(before.outbox.claimDue(1).map((row) => [row.chatId, row.atMostOnce])).toEqual([[inFlight.chatId, true]]);
    before.store.close();

    const after = world(path);
    running(after, tg);
    await vi.waitFor(() => expect(after.broadcasts.counts(broadcast.id)).toMatchObject({ sent: 1, failed: 1, pending: 0 }));
    expect(rowByKey(after, `broadcast:${broadcast.id}:${inFlight.id}`)).toMatchObject({ status: "failed", lastError: "in flight during a restart" });
    expect(sendsTo(tg, inFlight.chatId)).toEqual([]);
    expect(textsIn(next.fake)).toEqual(["spring sale"]);
  });

  it("a 429 is retried once retry_after has passed, not before, and other chats are not held up meanwhile", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const flooded = member(tg, w.accounts);
    const other = member(tg, w.accounts);
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    w.outbox.toUser(flooded.id, line("first in the queue"), "flooded");
    running(w, tg);
    await vi.waitFor(() => expect(sendsTo(tg, flooded.chatId)).toHaveLength(1));
    // Queued while the flooded chat waits: it goes at once.
    w.outbox.toUser(other.id, line("queued later"), "other");

    await vi.waitFor(() => expect(rowByKey(w, "flooded").status).toBe("sent"), { timeout: 3_000 });
    const [refused, accepted] = sendsTo(tg, flooded.chatId);
    expect([refused?.ok, accepted?.ok]).toEqual([false, true]);
    expect(accepted!.at).toBeGreaterThanOrEqual(refused!.at + 1_000);
    const toOther = sendsTo(tg, other.chatId);
    expect(toOther.map((call) => call.ok)).toEqual([true]);
    expect(toOther[0]!.at).toBeLessThan(accepted!.at);
    expect(textsIn(flooded.fake)).toEqual(["first in the queue"]);
    expect(rowByKey(w, "flooded").attempts).toBe(2);
  });

  it("a 5xx and a dropped connection are retried with a growing delay; the message is sent once", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const alice = member(tg, w.accounts);
    tg.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    tg.failNext("sendMessage", "drop");
    w.outbox.toUser(alice.id, line("your number is ready"), "ready");
    running(w, tg, { backoffMs: 20 });

    await vi.waitFor(() => expect(rowByKey(w, "ready").status).toBe("sent"));
    const calls = sendsTo(tg, alice.chatId);
    expect(calls.map((call) => call.ok)).toEqual([false, false, true]);
    // 20 ms after the first failure, then twice that.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(20);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(40);
    expect(textsIn(alice.fake)).toEqual(["your number is ready"]);
    expect(rowByKey(w, "ready")).toMatchObject({ attempts: 3, lastError: null });
    expect(tg.internalErrors()).toEqual([]);
  });

  it("a user who blocked the bot: the message ends blocked, the account is marked, nothing is retried", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const gone = member(tg, w.accounts);
    gone.fake.blockBot({ notify: false });
    const before = Date.now();
    w.outbox.toUser(gone.id, line("your refund"), "refund");
    const sender = running(w, tg);

    await vi.waitFor(() => expect(rowByKey(w, "refund").status).toBe("blocked"));
    await sender.stop();
    expect(w.accounts.byId(gone.id)?.botBlockedAt).toBeGreaterThanOrEqual(before);
    expect(await senderFor(w.outbox, telegramDelivery(tg, w), w.clock).drain()).toBe(0);
    expect(sendsTo(tg, gone.chatId)).toHaveLength(1);
    expect(rowByKey(w, "refund").attempts).toBe(1);
    expect(gone.fake.botMessages()).toEqual([]);
  });

  it("order per chat: three messages arrive in the order queued though the first needs a retry; other chats go meanwhile", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const alice = member(tg, w.accounts);
    const bob = member(tg, w.accounts);
    tg.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
    for (const text of ["one", "two", "three"]) w.outbox.toUser(alice.id, line(text), `alice:${text}`);
    // A retry delay long enough that Bob's message, queued once Alice's first failed, clearly goes in between.
    running(w, tg, { backoffMs: 300 });
    await vi.waitFor(() => expect(sendsTo(tg, alice.chatId)).toHaveLength(1));
    w.outbox.toUser(bob.id, line("hello Bob"), "bob");

    await vi.waitFor(() => expect(rowByKey(w, "alice:three").status).toBe("sent"));
    expect(textsIn(alice.fake)).toEqual(["one", "two", "three"]);
    const toAlice = sendsTo(tg, alice.chatId);
    expect(toAlice.map((call) => [call.params.text, call.ok])).toEqual([
      ["one", false],
      ["one", true],
      ["two", true],
      ["three", true],
    ]);
    const toBob = sendsTo(tg, bob.chatId);
    expect(toBob.map((call) => call.ok)).toEqual([true]);
    expect(toBob[0]!.at).toBeLessThan(toAlice[1]!.at);
  });

  // Known bug: Outbox.claimDue checks "an earlier message waiting in this chat" per priority only, so one
  // claim can take a chat's personal message and its broadcast message together, and both go at once.
  it("one message per chat at a time: a broadcast and a personal message for one chat are never in flight together", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const alice = member(tg, w.accounts);
    w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "spring sale" });
    w.outbox.toUser(alice.id, line("your code is 12345"), "code");
    // A Telegram slow to answer, and a count of what is in flight to each chat.
    const real = telegramDelivery(tg, w);
    const inFlight = new Map<number, number>();
    let most = 0;
    const slowly: Deliver = async (row) => {
      const now = (inFlight.get(row.chatId) ?? 0) + 1;
      inFlight.set(row.chatId, now);
      most = Math.max(most, now);
      try {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return await real(row);
      } finally {
        inFlight.set(row.chatId, (inFlight.get(row.chatId) ?? 1) - 1);
      }
    };
    running(w, tg, {}, slowly);

    await vi.waitFor(() => expect(textsIn(alice.fake)).toHaveLength(2));
    // The personal message first (bulk waits behind it), and never both at once.
    expect(textsIn(alice.fake)).toEqual(["your code is 12345", "spring sale"]);
    expect(most).toBe(1);
  });

  it("texts are rendered in the recipient's language when sent: money formatted for them, text values escaped", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const ivan = member(tg, w.accounts, "en");
    w.outbox.toUser(
      ivan.id,
      { kind: "notice", key: "admin-notice-credited", vars: { amount: { money: 1050 }, reason: "<b>&", balance: { money: 2000 } } },
      "credit",
    );
    // Between the queueing and the send the user switches to Russian.
    w.accounts.setLanguage(ivan.id, "ru");
    running(w, tg);

    await vi.waitFor(() => expect(rowByKey(w, "credit").status).toBe("sent"));
    const [message] = ivan.fake.botMessages();
    expect(message?.text).toBe("💰 Магазин начислил на ваш баланс 10,50\u00a0$.\nПричина: <b>&\nБаланс: 20,00\u00a0$");
    expect(message?.html).toContain("Причина: &lt;b&gt;&amp;\n");
    // Only the locale's own markup is formatting: the user's "<b>" is text.
    expect(message?.entities.map((e) => [e.type, message.text.slice(e.offset, e.offset + e.length)])).toEqual([["bold", "20,00\u00a0$"]]);
  });

  it("a message for an account deleted since it was queued is dropped, not sent", async () => {
    const tg = await fakeTelegram();
    const w = world();
    const leaving = member(tg, w.accounts);
    w.outbox.toUser(leaving.id, line("your balance is low"), "low");
    expect(new AccountDeletion(w.store.db, w.ledger, w.outbox, w.clock).delete(leaving.id, "request")).toMatchObject({ ok: true });
    expect(w.outbox.toUser(leaving.id, line("too late"), "late")).toBe(false);
    running(w, tg);

    await vi.waitFor(() => expect(rowByKey(w, "low").status).toBe("dropped"));
    expect(rowByKey(w, "low").lastError).toBe("account deleted");
    expect(sendsTo(tg, leaving.chatId)).toEqual([]);
  });

  it("an SMS reaches the user as its own message and the number card is redrawn with it", async () => {
    const tg = await fakeTelegram();
    const shop = await testShop();
    cleanups.push(() => shop.store.close());
    const userId = shop.userWithMoney(1_000);
    const telegramId = shop.accounts.byId(userId)!.telegramId;
    const user = tg.user({ id: telegramId });
    const reserved = shop.activations.reserve({ userId, serviceCode: "tg", countryCode: "kz", orderKey: "sms-test" });
    if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
    const bought = await shop.activations.buy(reserved.activation.id);
    if (!bought.ok) throw new Error(`buy failed: ${bought.reason}`);
    const activation = bought.activation;
    // The card the buy screen showed: a bot message the fake knows.
    const card = await new Api(tg.token, { apiRoot: tg.apiRoot }).sendMessage(telegramId, "number card");
    shop.activations.setCard(activation.id, telegramId, card.message_id);

    shop.provider.deliverSms(activation.providerId ?? "", "Telegram code 54321. Do not give it to anyone", "54321");
    await shop.activations.poll();
    const broadcasts = new Broadcasts(shop.store.db, shop.outbox, new AuditLog(shop.store.db, shop.clock), shop.clock);
    const sender = senderFor(shop.outbox, telegramDelivery(tg, { ...shop, broadcasts }), shop.clock);
    await sender.drain();

    expect(shop.queued().map((q) => [q.message.kind, q.status])).toEqual([
      ["activation-sms", "sent"],
      ["activation-card", "sent"],
    ]);
    const [cardNow, sms] = user.botMessages();
    expect(user.botMessages()).toHaveLength(2);
    expect(sms?.text).toContain("New SMS");
    expect(sms?.text).toContain(`+${activation.phone}`);
    expect(sms?.text).toContain("Telegram code 54321. Do not give it to anyone");
    expect(sms?.entities.some((e) => e.type === "code" && sms.text.slice(e.offset, e.offset + e.length) === "54321")).toBe(true);
    expect(cardNow).toMatchObject({ id: card.message_id, edited: true });
    expect(cardNow?.text).toContain("54321");
  });
  it("an SMS goes before card redraws waiting anywhere, and only the latest redraw of a card is sent (issue 15)", async () => {
    const tg = await fakeTelegram();
    const shop = await testShop();
    cleanups.push(() => shop.store.close());
    const api = new Api(tg.token, { apiRoot: tg.apiRoot });
    const buyer = async (orderKey: string) => {
      const userId = shop.userWithMoney(1_000);
      const telegramId = shop.accounts.byId(userId)!.telegramId;
      const user = tg.user({ id: telegramId });
      const reserved = shop.activations.reserve({ userId, serviceCode: "tg", countryCode: "kz", orderKey });
      if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
      const bought = await shop.activations.buy(reserved.activation.id);
      if (!bought.ok) throw new Error(`buy failed: ${bought.reason}`);
      // The card was sent as the reply to Confirm, before anything could go through the outbox.
      const card = await api.sendMessage(telegramId, "number card");
      shop.activations.setCard(bought.activation.id, telegramId, card.message_id);
      return { user, telegramId, activation: bought.activation, cardId: card.message_id };
    };
    const ann = await buyer("ann");
    const bob = await buyer("bob");

    // Two SMS for Ann before anything is sent (two card redraws queued), then one for Bob.
    shop.provider.deliverSms(ann.activation.providerId ?? "", "Telegram code 11111", "11111");
    await shop.activations.poll();
    shop.provider.deliverSms(ann.activation.providerId ?? "", "Telegram code 22222", "22222");
    await shop.activations.poll();
    shop.provider.deliverSms(bob.activation.providerId ?? "", "Telegram code 33333", "33333");
    await shop.activations.poll();
    // Ann's first redraw was replaced by the second while it waited.
    expect(shop.queued().map((q) => [q.message.kind, q.chatId, q.status])).toEqual([
      ["activation-sms", ann.telegramId, "pending"],
      ["activation-card", ann.telegramId, "dropped"],
      ["activation-sms", ann.telegramId, "pending"],
      ["activation-card", ann.telegramId, "pending"],
      ["activation-sms", bob.telegramId, "pending"],
      ["activation-card", bob.telegramId, "pending"],
    ]);

    const broadcasts = new Broadcasts(shop.store.db, shop.outbox, new AuditLog(shop.store.db, shop.clock), shop.clock);
    await senderFor(shop.outbox, telegramDelivery(tg, { ...shop, broadcasts }), shop.clock, { concurrency: 1 }).drain();

    // Every SMS first, in the order they came (Ann's two in order), then one edit of each card.
    const calls = tg.calls().filter((call) => call.method === "sendMessage" || call.method === "editMessageText").slice(2);
    expect(calls.map((call) => [call.method, Number(call.params["chat_id"]), ["11111", "22222", "33333"].filter((code) => String(call.params["text"]).includes(code)).join(",")])).toEqual([
      ["sendMessage", ann.telegramId, "11111"],
      ["sendMessage", ann.telegramId, "22222"],
      ["sendMessage", bob.telegramId, "33333"],
      ["editMessageText", ann.telegramId, "11111,22222"],
      ["editMessageText", bob.telegramId, "33333"],
    ]);
    expect(ann.user.botMessages().find((m) => m.id === ann.cardId)?.text).toContain("22222");
  });
});
