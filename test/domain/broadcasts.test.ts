import { eq } from "drizzle-orm";
import { Api } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Deliver } from "../../src/bot/outbox/sender.ts";
import { outbox as outboxTable } from "../../src/db/schema.ts";
import { startFakeTelegram, type FakeApiError, type FakeTelegram, type FakeUser } from "../fakes/telegram.ts";
import { member, outboxWorld, senderFor, sendsTo, telegramDelivery, textsIn } from "../helpers/sending.ts";
import { ADMIN_CHAT, testClock, type TestClock } from "../helpers/store.ts";

/**
 * Broadcasts (POLICY B6) through the outbox: one bulk, at-most-once message per recipient, sent by
 * the outbox sender to the fake Telegram. The clock is a test clock, so that retries become due
 * only when a test moves it, and the sender drains one message at a time, in the order queued.
 */

type World = ReturnType<typeof outboxWorld<TestClock>>;

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** The admin who starts the broadcasts, with a chat the fake knows; not a subscriber. */
async function shop(): Promise<{ tg: FakeTelegram; w: World; admin: FakeUser }> {
  const tg = await startFakeTelegram();
  cleanups.push(() => tg.close());
  const w = outboxWorld(":memory:", testClock());
  cleanups.push(() => w.store.close());
  return { tg, w, admin: tg.user({ id: ADMIN_CHAT }) };
}

/**
 * The delivery, with Telegram answering `faults` (in turn) to the next sends to a chat. The sender
 * drains one message at a time here, so a fault armed for a chat is the answer to that chat's send.
 */
function delivery(tg: FakeTelegram, w: World, faults: Record<number, Array<FakeApiError | "drop">> = {}): Deliver {
  const deliver = telegramDelivery(tg, w);
  return (row) => {
    const fault = faults[row.chatId]?.shift();
    if (fault !== undefined) tg.failNext("sendMessage", fault);
    return deliver(row);
  };
}

function oneAtATime(w: World, deliver: Deliver) {
  return senderFor(w.outbox, deliver, w.clock, { concurrency: 1 });
}

function rowFor(w: World, broadcastId: number, userId: number) {
  const row = w.store.db.select().from(outboxTable).where(eq(outboxTable.dedupeKey, `broadcast:${broadcastId}:${userId}`)).get();
  if (!row) throw new Error(`no outbox row for user ${userId}`);
  return row;
}

/** Messages queued for the admin about a broadcast: progress redraws and the final report. */
function adminRows(w: World) {
  return w.store.db
    .select()
    .from(outboxTable)
    .where(eq(outboxTable.chatId, ADMIN_CHAT))
    .orderBy(outboxTable.id)
    .all()
    .map((row) => ({ dedupeKey: row.dedupeKey, kind: row.kind, status: row.status }));
}

describe("broadcasts through the outbox", () => {
  it("recipients are active accounts that did not opt out of news and did not block the bot (B6); the rest count as skipped", async () => {
    const { tg, w } = await shop();
    const keen = member(tg, w.accounts);
    const optedOut = member(tg, w.accounts);
    const blockedBot = member(tg, w.accounts);
    const blockedAccount = member(tg, w.accounts);
    w.accounts.setNewsOptOut(optedOut.id, true);
    w.accounts.setBotBlocked(blockedBot.chatId, w.clock());
    w.accounts.block(blockedAccount.id, "law enforcement", true);

    const { broadcast, recipients } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hello" });
    expect(recipients).toBe(1);
    // Opted out and blocked the bot are skipped; a blocked account is not a subscriber at all.
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 1, pending: 1, sent: 0, blocked: 0, failed: 0, skipped: 2 });
    expect(rowFor(w, broadcast.id, keen.id)).toMatchObject({ chatId: keen.chatId, kind: "broadcast", priority: 2, atMostOnce: true, ref: `broadcast:${broadcast.id}` });

    expect(await oneAtATime(w, delivery(tg, w)).drain()).toBe(1);
    expect(textsIn(keen.fake)).toEqual(["hello"]);
    for (const left of [optedOut, blockedBot, blockedAccount]) expect(sendsTo(tg, left.chatId)).toEqual([]);
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 1, pending: 0, sent: 1, blocked: 0, failed: 0, skipped: 2 });
  });

  it("a 429 waits retry_after, then the same recipient gets it; a 403 marks the account blocked and is not retried", async () => {
    const { tg, w } = await shop();
    const first = member(tg, w.accounts);
    const second = member(tg, w.accounts);
    const third = member(tg, w.accounts);
    second.fake.blockBot({ notify: false });
    // A text is stored as it is sent (HTML): the bot escapes what Telegram would not accept at the preview.
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "news &lt;b&gt;" });
    const sender = oneAtATime(w, delivery(tg, w, { [first.chatId]: [{ error_code: 429, description: "Too Many Requests: retry after 7", retry_after: 7 }] }));

    await sender.drain();
    expect(textsIn(third.fake)).toEqual(["news <b>"]);
    expect(w.broadcasts.counts(broadcast.id)).toMatchObject({ sent: 1, blocked: 1, failed: 0, pending: 1 });
    expect(w.accounts.byId(second.id)?.botBlockedAt).toBe(w.clock());

    w.clock.advance(6_999);
    expect(await sender.drain()).toBe(0);
    expect(textsIn(first.fake)).toEqual([]);
    w.clock.advance(1);
    expect(await sender.drain()).toBe(1);

    expect(textsIn(first.fake)).toEqual(["news <b>"]);
    expect(sendsTo(tg, first.chatId).map((call) => call.ok)).toEqual([false, true]);
    expect(sendsTo(tg, second.chatId)).toHaveLength(1);
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 3, pending: 0, sent: 2, blocked: 1, failed: 0, skipped: 0 });
  });

  it("a 5xx is retried with a doubling delay, at most three tries; a lost connection or a 400 is written off at once (never twice)", async () => {
    const { tg, w } = await shop();
    const flaky = member(tg, w.accounts);
    const failing = member(tg, w.accounts);
    const dropped = member(tg, w.accounts);
    const fine = member(tg, w.accounts);
    // An account whose chat Telegram does not know: "chat not found".
    const unreachable = w.accounts.registerOrTouch({ id: 999_999, first_name: "Nobody" });
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    const serverError = { error_code: 500, description: "Internal Server Error" };
    const sender = oneAtATime(
      w,
      delivery(tg, w, {
        [flaky.chatId]: [serverError, { error_code: 502, description: "Bad Gateway" }],
        [failing.chatId]: [serverError, serverError, serverError],
        // The request may have reached Telegram before the connection dropped: not risked again.
        [dropped.chatId]: ["drop"],
      }),
    );

    await sender.drain();
    expect(textsIn(fine.fake)).toEqual(["hi"]);
    expect(rowFor(w, broadcast.id, unreachable.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "400 Bad Request: chat not found" });
    expect(rowFor(w, broadcast.id, dropped.id)).toMatchObject({ status: "failed", attempts: 1 });
    // Retries after 20 and 40 ms (the sender's backoffMs is 20), never sooner.
    for (const wait of [20, 40]) {
      w.clock.advance(wait - 1);
      expect(await sender.drain()).toBe(0);
      w.clock.advance(1);
      expect(await sender.drain()).toBe(2);
    }

    expect(sendsTo(tg, flaky.chatId).map((call) => call.ok)).toEqual([false, false, true]);
    expect(textsIn(flaky.fake)).toEqual(["hi"]);
    expect(rowFor(w, broadcast.id, flaky.id)).toMatchObject({ status: "sent", attempts: 3 });
    expect(sendsTo(tg, failing.chatId).map((call) => call.ok)).toEqual([false, false, false]);
    expect(rowFor(w, broadcast.id, failing.id)).toMatchObject({ status: "failed", attempts: 3 });
    expect(textsIn(dropped.fake)).toEqual([]);
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 5, pending: 0, sent: 2, blocked: 0, failed: 3, skipped: 0 });
  });

  it("a delivery in flight when the process died is written off, never sent twice; the rest resume", async () => {
    const { tg, w } = await shop();
    const inFlight = member(tg, w.accounts);
    const rest = [member(tg, w.accounts), member(tg, w.accounts)];
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    // The dead process had taken the first recipient and had not heard back from Telegram.
    expect(w.outbox.claimDue(1).map((row) => row.userId)).toEqual([inFlight.id]);

    const restarted = oneAtATime(w, delivery(tg, w));
    restarted.start();
    await vi.waitFor(() => expect(w.broadcasts.counts(broadcast.id).pending).toBe(0));
    await restarted.stop();

    expect(sendsTo(tg, inFlight.chatId)).toEqual([]);
    for (const recipient of rest) expect(textsIn(recipient.fake)).toEqual(["hi"]);
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 3, pending: 0, sent: 2, blocked: 0, failed: 1, skipped: 0 });
    // Running again sends nothing more.
    expect(await oneAtATime(w, delivery(tg, w)).drain()).toBe(0);
    expect(tg.calls("sendMessage")).toHaveLength(2);
  });

  it("a cancelled broadcast sends nothing more and counts what it did not send", async () => {
    const { tg, w } = await shop();
    const recipients = [member(tg, w.accounts), member(tg, w.accounts), member(tg, w.accounts)];
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    // The admin presses Cancel while the first message is on its way.
    const deliver = delivery(tg, w);
    const cancelDuringTheFirst: Deliver = async (row) => {
      const result = await deliver(row);
      w.broadcasts.cancel(broadcast.id, ADMIN_CHAT);
      return result;
    };

    expect(await oneAtATime(w, cancelDuringTheFirst).drain()).toBe(1);
    expect(recipients.map((r) => textsIn(r.fake))).toEqual([["hi"], [], []]);
    expect(w.broadcasts.byId(broadcast.id)?.status).toBe("cancelled");
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 3, pending: 2, sent: 1, blocked: 0, failed: 0, skipped: 0 });
    expect(recipients.map((r) => rowFor(w, broadcast.id, r.id).status)).toEqual(["sent", "cancelled", "cancelled"]);
    expect(await oneAtATime(w, delivery(tg, w)).drain()).toBe(0);
    expect(w.broadcasts.cancel(broadcast.id, ADMIN_CHAT)).toBeUndefined();
  });

  it("a recipient who opts out after the start is skipped at send time", async () => {
    const { tg, w, admin } = await shop();
    const changedMind = member(tg, w.accounts);
    const stays = member(tg, w.accounts);
    // The admin replied /broadcast to their own message: it is copied.
    await admin.send("Big news: <b>half price</b>", { wait: false });
    const source = admin.messages()[0]!;
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "copy", fromChatId: ADMIN_CHAT, fromMessageId: source.id });
    w.accounts.setNewsOptOut(changedMind.id, true);

    await oneAtATime(w, delivery(tg, w)).drain();
    expect(textsIn(stays.fake)).toEqual(["Big news: <b>half price</b>"]);
    expect(sendsTo(tg, changedMind.chatId, "copyMessage")).toEqual([]);
    expect(rowFor(w, broadcast.id, changedMind.id)).toMatchObject({ status: "dropped", lastError: "no longer a subscriber" });
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 2, pending: 0, sent: 1, blocked: 0, failed: 0, skipped: 1 });
  });

  it("reportProgress redraws the admin's progress message, and once nothing is pending finishes the broadcast with one final report", async () => {
    const { tg, w, admin } = await shop();
    const early = member(tg, w.accounts);
    const late = member(tg, w.accounts);
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    const progress = await new Api(tg.token, { apiRoot: tg.apiRoot }).sendMessage(ADMIN_CHAT, "📣 Broadcast started");
    w.broadcasts.setProgressMessage(broadcast.id, ADMIN_CHAT, progress.message_id);
    const sender = oneAtATime(w, delivery(tg, w, { [late.chatId]: [{ error_code: 429, description: "Too Many Requests", retry_after: 5 }] }));

    // Nothing settled yet: nothing to redraw, nothing finished.
    expect(w.broadcasts.reportProgress()).toBe(0);
    expect(adminRows(w)).toEqual([]);

    await sender.drain();
    expect(textsIn(early.fake)).toEqual(["hi"]);
    expect(w.broadcasts.reportProgress()).toBe(0);
    expect(w.broadcasts.reportProgress()).toBe(0); // the same progress is redrawn once
    await sender.drain();
    expect(admin.botMessages().map((m) => [m.id, m.text])).toEqual([[progress.message_id, "📣 Broadcast: sent 1 / 2 (blocked 0, failed 0)"]]);
    expect(admin.buttons()).toEqual([["✖️ Cancel the broadcast"]]);

    w.clock.advance(5_000);
    await sender.drain();
    expect(textsIn(late.fake)).toEqual(["hi"]);
    expect(w.broadcasts.reportProgress()).toBe(1);
    expect(w.broadcasts.reportProgress()).toBe(0);
    expect(w.broadcasts.byId(broadcast.id)?.status).toBe("done");
    expect(adminRows(w)).toEqual([
      { dedupeKey: `broadcast-progress:${broadcast.id}:1`, kind: "broadcast-progress", status: "sent" },
      { dedupeKey: `broadcast-report:${broadcast.id}`, kind: "broadcast-progress", status: "pending" },
    ]);

    await sender.drain();
    expect(admin.botMessages().map((m) => [m.id, m.text])).toEqual([
      [progress.message_id, "✅ Broadcast finished\nSent: 2 / 2\nBlocked the bot: 0\nFailed: 0\nSkipped: 0"],
    ]);
    // The Cancel button is gone.
    expect(admin.buttons().flat()).toEqual([]);
  });

  it("without a recorded progress message the final report reaches the admin as a new message", async () => {
    const { tg, w, admin } = await shop();
    const reader = member(tg, w.accounts);
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    const sender = oneAtATime(w, delivery(tg, w));

    await sender.drain();
    expect(textsIn(reader.fake)).toEqual(["hi"]);
    expect(w.broadcasts.reportProgress()).toBe(1);
    await sender.drain();
    expect(adminRows(w)).toEqual([{ dedupeKey: `broadcast-report:${broadcast.id}`, kind: "broadcast-progress", status: "sent" }]);
    expect(textsIn(admin)).toEqual(["✅ Broadcast finished\nSent: 1 / 1\nBlocked the bot: 0\nFailed: 0\nSkipped: 0"]);
  });
  it("a progress report reads counts the store keeps with each message's move (fast at any size), equal to a recount of the messages", async () => {
    const { tg, w } = await shop();
    const people = Array.from({ length: 6 }, () => member(tg, w.accounts));
    w.accounts.setNewsOptOut(people[5]?.id ?? 0, true);
    const { broadcast } = w.broadcasts.start(ADMIN_CHAT, { kind: "text", text: "hi" });
    const ref = `broadcast:${broadcast.id}`;
    const same = () => expect(w.outbox.countsByRef(ref)).toEqual(w.outbox.recountByRef(ref));
    same();
    expect(w.outbox.countsByRef(ref)).toMatchObject({ pending: 5 });

    const [a, b, c, d] = w.outbox.claimDue(4);
    same();
    w.outbox.settle(a?.id ?? 0, "sent");
    w.outbox.settle(b?.id ?? 0, "blocked");
    w.outbox.retryAt(c?.id ?? 0, w.clock() + 1_000, "429");
    same();
    // d is still in flight when the process dies: written off at start-up.
    expect(w.outbox.recoverInFlight()).toEqual({ resent: 0, writtenOff: 1 });
    expect(d).toBeDefined();
    same();
    w.broadcasts.cancel(broadcast.id, ADMIN_CHAT);
    same();
    expect(w.outbox.countsByRef(ref)).toEqual({ pending: 0, sending: 0, sent: 1, blocked: 1, failed: 1, dropped: 0, cancelled: 2 });
    // The opted-out account was counted as left out at the start, once.
    expect(w.broadcasts.counts(broadcast.id)).toEqual({ total: 5, pending: 2, sent: 1, blocked: 1, failed: 1, skipped: 1 });
  });
});
