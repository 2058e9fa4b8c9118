import { describe, expect, it } from "vitest";
import { startOpsWorld, WEBHOOK_SECRET } from "../helpers/ops.ts";

/*
 * Telegram webhook mode (issue 14): the fake Bot API POSTs every update to the bot's HTTP server
 * with the secret header, several at a time, and retries whatever did not get a 2xx.
 */

async function postUpdate(url: string, update: object, secret?: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(secret !== undefined ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}) },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("Telegram webhook mode", () => {
  it("listens, then sets the webhook with its secret and the updates it handles; a user is answered through it", async () => {
    const w = await startOpsWorld();
    expect(w.tg.webhook()).toEqual({
      url: "https://bot.example.test/telegram",
      secret_token: WEBHOOK_SECRET,
      allowed_updates: ["message", "callback_query", "pre_checkout_query", "my_chat_member"],
    });
    expect(w.tg.calls("deleteWebhook")).toHaveLength(0);
    const user = w.tg.user({ first_name: "Pavel" });
    await user.send("/start");
    expect(user.lastBotMessage()?.text).toBeTruthy();
    expect(w.tg.webhookDeliveries().length).toBeGreaterThan(0);
    expect(w.tg.webhookDeliveries().every((d) => d.status === 200)).toBe(true);
    expect(w.tg.calls("getUpdates")).toHaveLength(0);
  });

  it("a request without the right secret gets 401 and changes nothing", async () => {
    const w = await startOpsWorld();
    const stranger = w.tg.user({ first_name: "Mallory" });
    const update = { update_id: 777_001, message: { message_id: 1, date: 1, chat: { id: stranger.id, type: "private", first_name: "Mallory" }, from: { id: stranger.id, is_bot: false, first_name: "Mallory" }, text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] } };
    const url = `${w.base()}/telegram`;

    expect(await postUpdate(url, update)).toBe(401);
    expect(await postUpdate(url, update, "not-the-secret-0123456789")).toBe(401);
    expect(await postUpdate(url, update, WEBHOOK_SECRET.toUpperCase())).toBe(401);
    await w.tg.settle();

    expect(w.h.app.deps.accounts.findByTelegramId(stranger.id)).toBeUndefined();
    expect(stranger.botMessages()).toHaveLength(0);
    expect((await w.h.app.metrics.updates.get()).values).toEqual([]);
  });

  it("an answer lost once: Telegram delivers the update again and the bot handles it once", async () => {
    const w = await startOpsWorld();
    const user = w.tg.user({ first_name: "Lena" });
    await user.send("/start");
    const before = user.botMessages().length;
    const deliveries = w.tg.webhookDeliveries().length;

    w.tg.loseWebhookAnswers(1);
    await user.send("/help");

    const attempts = w.tg.webhookDeliveries().slice(deliveries);
    expect(attempts.map((d) => [d.status, d.lost])).toEqual([
      [200, true],
      [200, false],
    ]);
    expect(attempts[0]?.updateId).toBe(attempts[1]?.updateId);
    expect(user.botMessages().length).toBe(before + 1);
  });

  it("shut down for a restart, the webhook stays set; Telegram retries and the update is handled once after the restart", async () => {
    const w = await startOpsWorld();
    const user = w.tg.user({ first_name: "Igor" });
    await w.h.app.shutdown();
    // The webhook stays set while the bot is down: updates wait at Telegram.
    expect(w.tg.webhook()?.url).toBe("https://bot.example.test/telegram");
    await user.send("/start", { wait: false });
    for (let i = 0; i < 200 && !w.tg.webhookDeliveries().some((d) => d.status === 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(w.tg.webhookDeliveries().some((d) => d.status === 0)).toBe(true);
    expect(user.botMessages()).toHaveLength(0);

    await w.restart();
    await w.tg.settle({ timeoutMs: 5_000 });
    expect(user.botMessages().length).toBeGreaterThan(0);
    const handled = user.botMessages().length;
    await w.tg.settle();
    expect(user.botMessages().length).toBe(handled);
    expect(w.tg.calls("deleteWebhook")).toHaveLength(0);
  });

  it("updates of one chat are handled in the order they came, even when Telegram posts them at once", async () => {
    const w = await startOpsWorld();
    const user = w.tg.user({ first_name: "Olga" });
    await user.send("/start");
    await user.press("✅ I accept the rules");
    const before = user.botMessages().length;
    const commands = ["/balance", "/help", "/balance", "/help", "/balance", "/help"];
    for (const command of commands) await user.send(command, { wait: false });
    await w.tg.settle();

    const replies = user.botMessages().slice(before);
    expect(replies).toHaveLength(commands.length);
    const balance = replies[0]?.text;
    const help = replies[1]?.text;
    expect(balance).not.toBe(help);
    expect(replies.map((m) => m.text)).toEqual(commands.map((c) => (c === "/balance" ? balance : help)));
  });
});
