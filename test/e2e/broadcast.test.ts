import { afterEach, describe, expect, it } from "vitest";
import type { Broadcasts } from "../../src/domain/broadcasts.ts";
import type { FakeUser } from "../fakes/telegram.ts";
import { startHarness, type Harness } from "../helpers/app.ts";
import { until } from "../helpers/until.ts";
import { adminUser } from "../helpers/world.ts";

/*
 * An admin broadcasts news (POLICY B6) through the real bot and the fake Telegram: only users who
 * kept news on receive it, a flood limit is waited out, a user who blocked the bot is skipped and
 * remembered, a restart sends nobody the same broadcast twice, and Cancel stops it.
 */

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  await harness?.close();
  harness = undefined;
});

function broadcastsOf(h: Harness): Broadcasts {
  return h.app.deps.broadcasts;
}

/** `n` subscribers known to the bot and to the fake Telegram, registered without chatting. */
function subscribers(h: Harness, n: number): FakeUser[] {
  return Array.from({ length: n }, (_, i) => {
    const user = h.tg.user({ first_name: `Sub${i}` });
    h.app.deps.accounts.registerOrTouch(user.profile);
    return user;
  });
}

function received(user: FakeUser, text: string): number {
  return user.botMessages().filter((m) => m.text === text).length;
}

describe("/broadcast", () => {
  it("reaches opted-in users only, waits out a 429 and skips a user who blocked the bot", async () => {
    harness = await startHarness();
    const h = harness;
    const admin = adminUser(h);
    await admin.send("/start");
    const alice = h.tg.user({ first_name: "Alice" });
    await alice.send("/start");
    const bob = h.tg.user({ first_name: "Bob" });
    await bob.send("/start");
    await bob.send("/settings");
    await bob.press("🔕 Turn off news");
    const carol = h.tg.user({ first_name: "Carol" });
    await carol.send("/start");
    // Carol blocks the bot without the bot hearing about it: it learns from the 403.
    h.tg.blockBot(carol.id, { notify: false });

    // The admin writes the news, then replies /broadcast to it: the message is copied.
    await admin.send("Spring sale: <b>-20%</b> & more");
    const news = admin.messages().filter((m) => m.from === "user").at(-1);
    if (!news) throw new Error("no news message");
    h.tg.failNext("copyMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    h.tg.pushUpdate({
      message: {
        message_id: news.id + 1000,
        from: admin.profile,
        chat: { id: admin.chatId, type: "private", first_name: "Admin" },
        date: Math.floor(Date.now() / 1000),
        text: "/broadcast",
        entities: [{ type: "bot_command", offset: 0, length: 10 }],
        reply_to_message: {
          message_id: news.id,
          from: admin.profile,
          chat: { id: admin.chatId, type: "private", first_name: "Admin" },
          date: news.date,
          text: news.text,
        },
      },
    });
    await admin.waitForMessage("Preview");
    expect(admin.lastBotMessage()?.text).toContain("recipients: 3");
    await admin.press("✅ Send · 3");
    await admin.waitForMessage("Broadcast #");
    await until(() => admin.messages().some((m) => m.text.includes("Broadcast finished")));

    const text = "Spring sale: <b>-20%</b> & more";
    expect(received(alice, text)).toBe(1);
    expect(received(admin, text)).toBe(1); // the admin is a subscriber too
    expect(received(bob, text)).toBe(0);
    expect(received(carol, text)).toBe(0);

    // The 429 was waited out: the same recipient was tried again after retry_after.
    const copies = h.tg.calls("copyMessage");
    const flooded = copies.find((c) => !c.ok && c.params.chat_id === copies[0]?.params.chat_id);
    const retried = copies.filter((c) => c.ok && c.params.chat_id === flooded?.params.chat_id);
    expect(flooded).toBeDefined();
    expect(retried).toHaveLength(1);
    expect((retried[0]?.at ?? 0) - (flooded?.at ?? 0)).toBeGreaterThanOrEqual(900);

    const report = admin.messages().find((m) => m.text.includes("Broadcast finished"));
    expect(report?.text).toContain("Sent: 2 / 3");
    expect(report?.text).toContain("Blocked the bot: 1");
    expect(report?.text).toContain("Failed: 0");
    expect(report?.text).toContain("Skipped: 1");
    expect(report?.buttons).toEqual([]);
    expect(h.app.deps.accounts.findByTelegramId(carol.id)?.botBlockedAt).not.toBeNull();
  });

  it("shows a preview with the recipients' count and sends only after Send; admin HTML goes out as formatting, broken HTML as plain text; the audit keeps the text", async () => {
    harness = await startHarness();
    const h = harness;
    const admin = adminUser(h);
    await admin.send("/start");
    const alice = h.tg.user({ first_name: "Alice" });
    await alice.send("/start");
    await admin.send("/broadcast <b>Big</b> news");
    const preview = admin.lastBotMessage();
    expect(preview?.text).toContain("Preview · recipients: 2");
    expect(preview?.html).toContain("<b>Big</b> news");
    expect(preview?.buttons).toEqual([["✅ Send · 2", "✖️ Do not send"]]);
    // Nothing is queued before Send.
    expect(h.app.store.sqlite.prepare("SELECT count(*) FROM broadcasts").pluck().get()).toBe(0);
    await admin.press("✅ Send · 2");
    await until(() => admin.messages().some((m) => m.text.includes("Broadcast finished")));
    const got = alice.botMessages().at(-1);
    expect(got?.text).toBe("Big news");
    expect(got?.html).toContain("<b>Big</b>");
    expect(h.app.deps.audit.latest(1)[0]?.details).toBe("<b>Big</b> news");
    // The preview loses its buttons: Send cannot be pressed twice.
    expect(admin.messages().find((m) => m.id === preview?.id)?.buttons).toEqual([]);
    expect(h.app.store.sqlite.prepare("SELECT count(*) FROM broadcasts").pluck().get()).toBe(1);

    await admin.send("/broadcast 2 < 3 <b>unclosed");
    expect(admin.lastBotMessage()?.text).toContain("sent as plain text");
    await admin.press("✖️ Do not send");
    expect(h.app.store.sqlite.prepare("SELECT count(*) FROM broadcasts").pluck().get()).toBe(1);
  });

  it("from anyone else, /broadcast is just an unknown message and nothing is sent", async () => {
    harness = await startHarness();
    const mallory = harness.tg.user({ first_name: "Mallory" });
    await mallory.send("/start");
    await mallory.send("/broadcast buy my stuff");
    expect(mallory.lastBotMessage()?.text).toBe("I did not understand that. Open /menu to see what I can do, or /help.");
    expect(harness.app.store.sqlite.prepare("SELECT count(*) FROM broadcasts").pluck().get()).toBe(0);
  });

  it("a restart in the middle sends nobody the same broadcast twice, and the rest still get it", async () => {
    harness = await startHarness();
    const h = harness;
    const admin = adminUser(h);
    await admin.send("/start");
    // More than one sender run can send (25 a second, 3 s a run): the restart always lands mid-way.
    const users = subscribers(h, 100);
    // Not waiting for the bot to settle: that would wait for the whole broadcast to go out.
    await admin.send("/broadcast Restart-proof news");
    await admin.press(/^✅ Send/, { wait: false });
    const news = () => h.tg.calls("sendMessage").filter((c) => c.params.text === "Restart-proof news");
    await until(() => news().length >= 5);
    await h.restart();
    const resumedAt = Date.now();
    await until(() => broadcastsOf(h).running().length === 0, { timeoutMs: 15_000 });
    // The new process carried on where the old one stopped.
    expect(news().filter((c) => c.at >= resumedAt).length).toBeGreaterThan(0);
    // The admin's progress message was updated on the way ("sent 40 / 101").
    expect(h.tg.calls("editMessageText").some((c) => /Broadcast: sent \d+ \/ 101/.test(String(c.params.text)))).toBe(true);

    for (const user of [...users, admin]) expect(received(user, "Restart-proof news")).toBeLessThanOrEqual(1);
    const counts = broadcastsOf(h).counts(1);
    expect(counts.total).toBe(101);
    expect(counts.pending).toBe(0);
    // At most the one message in flight at the restart is written off (lost, never doubled).
    expect(counts.failed).toBeLessThanOrEqual(1);
    expect(counts.sent + counts.failed).toBe(101);
    const delivered = [...users, admin].filter((u) => received(u, "Restart-proof news") === 1).length;
    expect(delivered).toBeGreaterThanOrEqual(counts.sent);
  });

  it("Cancel stops the broadcast and the report says how many were not sent", async () => {
    harness = await startHarness();
    const h = harness;
    const admin = adminUser(h);
    await admin.send("/start");
    const users = subscribers(h, 60);
    await admin.send("/broadcast Cancelled news");
    await admin.press(/^✅ Send/, { wait: false });
    await until(() => h.tg.calls("sendMessage").filter((c) => c.params.text === "Cancelled news").length >= 3);
    await admin.press("✖️ Cancel the broadcast");
    const atCancel = h.tg.calls("sendMessage").filter((c) => c.params.text === "Cancelled news").length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = h.tg.calls("sendMessage").filter((c) => c.params.text === "Cancelled news").length;
    // At most the one message already on its way when Cancel was pressed.
    expect(after - atCancel).toBeLessThanOrEqual(1);
    expect(after).toBeLessThan(61);
    expect(broadcastsOf(h).byId(1)?.status).toBe("cancelled");
    const report = admin.messages().find((m) => m.text.includes("Broadcast cancelled"));
    expect(report?.text).toMatch(/Not sent: \d+/);
    expect(report?.buttons).toEqual([]);
    expect(users.filter((u) => received(u, "Cancelled news") > 0).length).toBe(after - (received(admin, "Cancelled news") > 0 ? 1 : 0));
  });
});
