import { autoRetry } from "@grammyjs/auto-retry";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "./telegram.ts";
import { parseTelegramHtml } from "./telegramHtml.ts";

let tg: FakeTelegram;
let runners: RunnerHandle[] = [];
let botErrors: unknown[] = [];

beforeEach(async () => {
  tg = await startFakeTelegram();
  runners = [];
  botErrors = [];
});

afterEach(async () => {
  for (const runner of runners) if (runner.isRunning()) await runner.stop();
  await tg.close();
  expect(tg.internalErrors()).toEqual([]);
});

function newBot(): Bot {
  return new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
}

/** A grammY bot on the runner, long polling the fake like the real bot does. */
function startBot(configure: (bot: Bot) => void): Bot {
  const bot = newBot();
  bot.catch((err) => {
    botErrors.push(err.error);
  });
  configure(bot);
  runners.push(run(bot));
  return bot;
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof GrammyError) return e;
    throw e;
  }
  throw new Error("expected the call to fail with a GrammyError");
}

async function raw(method: string, body: unknown, token = tg.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("routing", () => {
  it("answers 401 Unauthorized for a wrong token and 404 Not Found for an unknown method", async () => {
    const wrong = await raw("getMe", {}, "1:nope");
    expect(wrong).toEqual({ status: 401, json: { ok: false, error_code: 401, description: "Unauthorized" } });
    const unknown = await raw("sendTelepathy", {});
    expect(unknown).toEqual({ status: 404, json: { ok: false, error_code: 404, description: "Not Found" } });
    const me = await raw("getMe", {});
    expect(me.json).toMatchObject({ ok: true, result: { is_bot: true, username: tg.bot.username } });
  });

  it("understands urlencoded bodies whose reply_markup is a JSON string", async () => {
    const user = tg.user({ first_name: "Form" });
    const res = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(user.id),
        text: "007",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Go", callback_data: "go" }]] }),
      }).toString(),
    });
    const json = (await res.json()) as { ok: boolean; result: { text: string; chat: { id: number } } };
    expect(json.ok).toBe(true);
    expect(json.result.text).toBe("007");
    expect(json.result.chat.id).toBe(user.id);
    expect(user.buttons()).toEqual([["Go"]]);
    expect(tg.calls("sendMessage")[0]?.params.chat_id).toBe(user.id);
  });
});

describe("long polling", () => {
  it("holds getUpdates until an update arrives, then answers at once", async () => {
    const started = Date.now();
    const poll = raw("getUpdates", { timeout: 5 });
    await sleep(150);
    const id = tg.pushUpdate({ message: { message_id: 1, date: 0, chat: { id: 5, type: "private", first_name: "A" }, text: "hi" } });
    const { json } = await poll;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    expect(json.result).toEqual([expect.objectContaining({ update_id: id })]);
  });

  it("answers an empty list when the timeout passes without updates", async () => {
    const started = Date.now();
    const { json } = await raw("getUpdates", { timeout: 1 });
    expect(json).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("delivers unconfirmed updates again until an offset confirms them", async () => {
    const a = tg.pushUpdate({ message: { text: "a" } });
    const b = tg.pushUpdate({ message: { text: "b" } });
    expect(tg.pendingUpdates()).toHaveLength(2);
    const first = await raw("getUpdates", { timeout: 0 });
    expect((first.json.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([a, b]);
    expect(tg.pendingUpdates()).toHaveLength(0);
    const again = await raw("getUpdates", { offset: a, timeout: 0 });
    expect((again.json.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([a, b]);
    const confirmed = await raw("getUpdates", { offset: b + 1, timeout: 0 });
    expect(confirmed.json.result).toEqual([]);
  });

  it("caps a batch at limit", async () => {
    for (let i = 0; i < 3; i++) tg.pushUpdate({ message: { text: String(i) } });
    const { json } = await raw("getUpdates", { limit: 2 });
    expect(json.result).toHaveLength(2);
  });

  it("delivers an update pushed again with the same update_id, as after a restart", async () => {
    const id = tg.pushUpdate({ message: { text: "pay" } });
    await raw("getUpdates", {});
    await raw("getUpdates", { offset: id + 1 });
    expect(tg.pushUpdate({ update_id: id, message: { text: "pay" } })).toBe(id);
    const { json } = await raw("getUpdates", { offset: id + 1 });
    expect(json.result).toEqual([{ update_id: id, message: { text: "pay" } }]);
  });

  it("ends a held getUpdates with 409 Conflict when a second one arrives", async () => {
    const first = raw("getUpdates", { timeout: 5 });
    await sleep(50);
    const second = raw("getUpdates", { timeout: 1 });
    expect(await first).toEqual({
      status: 409,
      json: { ok: false, error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" },
    });
    expect((await second).json.result).toEqual([]);
  });

  it("leaves out update kinds that allowed_updates does not name", async () => {
    tg.pushUpdate({ callback_query: { id: "1" } });
    tg.pushUpdate({ message: { text: "kept" } });
    const { json } = await raw("getUpdates", { allowed_updates: ["message"] });
    expect(json.result).toEqual([expect.objectContaining({ message: { text: "kept" } })]);
  });

  it("refuses getUpdates while a webhook is set", async () => {
    const bot = newBot();
    await bot.api.setWebhook("https://example.org/hook", { secret_token: "s3cret" });
    expect(tg.webhook()).toMatchObject({ url: "https://example.org/hook", secret_token: "s3cret" });
    const error = await apiError(bot.api.getUpdates());
    expect(error.error_code).toBe(409);
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it("close() ends a held long poll with an empty result", async () => {
    const poll = raw("getUpdates", { timeout: 30 });
    await sleep(50);
    const started = Date.now();
    await tg.close();
    expect((await poll).json).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("messages and their errors", () => {
  it("stores a message like Telegram: per-chat ids, the bot as sender, entities from HTML", async () => {
    const alice = tg.user({ first_name: "Alice", username: "alice" });
    const bot = newBot();
    const m1 = await bot.api.sendMessage(alice.id, '<b>Price:</b> 5 &lt; 6 &amp; <a href="https://example.org">more</a>', { parse_mode: "HTML" });
    const m2 = await bot.api.sendMessage(alice.id, "second");
    expect(m1.message_id).toBe(1);
    expect(m2.message_id).toBe(2);
    expect(m1.from).toMatchObject({ id: tg.bot.id, is_bot: true });
    expect(m1.chat).toEqual({ id: alice.id, type: "private", first_name: "Alice", username: "alice" });
    expect(m1.text).toBe("Price: 5 < 6 & more");
    expect(m1.entities).toEqual([
      { type: "bold", offset: 0, length: 6 },
      { type: "text_link", offset: 15, length: 4, url: "https://example.org" },
    ]);
    expect(alice.messages().map((m) => [m.id, m.from, m.text])).toEqual([
      [1, "bot", "Price: 5 < 6 & more"],
      [2, "bot", "second"],
    ]);
    expect(alice.lastBotMessage()?.html).toBeUndefined();
    expect(alice.messages()[0]?.html).toContain("<b>Price:</b>");
  });

  it("rejects HTML that does not parse, with Telegram's can't-parse-entities texts", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const cases: Array<[string, string]> = [
      ["<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'],
      ["<b>never closed", "Can't find end tag corresponding to start tag b"],
      ["<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
      ["a </b>", "Unexpected end tag at byte offset 2"],
      ["Tom &foo; Jerry", 'Unsupported HTML entity "&foo;" at byte offset 4'],
      ["1 < 2", 'Unsupported start tag "" at byte offset 2'],
      ["Tom & Jerry", 'Character "&" must be escaped as "&amp;" at byte offset 4'],
      ["x <b", "Unclosed start tag at byte offset 2"],
    ];
    for (const [html, reason] of cases) {
      const error = await apiError(bot.api.sendMessage(alice.id, html, { parse_mode: "HTML" }));
      expect(error.error_code).toBe(400);
      expect(error.description).toBe(`Bad Request: can't parse entities: ${reason}`);
    }
    expect(alice.messages()).toEqual([]);
  });

  it("refuses an empty text and a text over 4096 characters after parsing", async () => {
    const alice = tg.user({});
    const bot = newBot();
    expect((await apiError(bot.api.sendMessage(alice.id, "   \n "))).description).toBe("Bad Request: message text is empty");
    expect((await apiError(bot.api.sendMessage(alice.id, "x".repeat(4097)))).description).toBe("Bad Request: message is too long");
    await bot.api.sendMessage(alice.id, "x".repeat(4096));
    // The markup does not count: 4096 visible characters inside <b> are fine.
    await bot.api.sendMessage(alice.id, `<b>${"y".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect(alice.botMessages()).toHaveLength(2);
  });

  it("refuses a text with half an emoji (a lone surrogate) as Telegram does, and takes whole emoji", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const half = "👍".slice(0, 1);
    expect((await apiError(bot.api.sendMessage(alice.id, `ok ${half}`))).description).toBe("Bad Request: strings must be encoded in UTF-8");
    await bot.api.sendMessage(alice.id, "ok 👍🏽");
    expect(alice.botMessages().map((m) => m.text)).toEqual(["ok 👍🏽"]);
  });

  it("refuses callback_data over 64 bytes and buttons that do nothing", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const tooLong = "é".repeat(33); // 33 characters, 66 bytes
    const error = await apiError(bot.api.sendMessage(alice.id, "x", { reply_markup: new InlineKeyboard().text("A", tooLong) }));
    expect(error.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    await bot.api.sendMessage(alice.id, "x", { reply_markup: new InlineKeyboard().text("A", "é".repeat(32)) });
    const noAction = await apiError(bot.api.sendMessage(alice.id, "x", { reply_markup: { inline_keyboard: [[{ text: "Nothing" } as never]] } }));
    expect(noAction.error_code).toBe(400);
    expect(noAction.description).toContain("can't parse inline keyboard button");
  });

  it("refuses an edit to identical text and markup, and removes the keyboard when an edit leaves it out", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const keyboard = new InlineKeyboard().text("Refresh", "refresh");
    const sent = await bot.api.sendMessage(alice.id, "<b>Balance</b>: 5", { parse_mode: "HTML", reply_markup: keyboard });
    const same = await apiError(
      bot.api.editMessageText(alice.id, sent.message_id, "<b>Balance</b>: 5", { parse_mode: "HTML", reply_markup: keyboard }),
    );
    expect(same.error_code).toBe(400);
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    await bot.api.editMessageText(alice.id, sent.message_id, "<b>Balance</b>: 5", { parse_mode: "HTML" });
    expect(alice.lastBotMessage()).toMatchObject({ text: "Balance: 5", buttons: [], edited: true });
    await bot.api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: keyboard });
    expect(alice.buttons()).toEqual([["Refresh"]]);
    const sameMarkup = await apiError(bot.api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: keyboard }));
    expect(sameMarkup.description).toContain("message is not modified");
  });

  it("answers 400 for a message to edit or delete that does not exist", async () => {
    const alice = tg.user({});
    const bot = newBot();
    expect((await apiError(bot.api.editMessageText(alice.id, 99, "x"))).description).toBe("Bad Request: message to edit not found");
    expect((await apiError(bot.api.deleteMessage(alice.id, 99))).description).toBe("Bad Request: message to delete not found");
    const sent = await bot.api.sendMessage(alice.id, "bye");
    expect(await bot.api.deleteMessage(alice.id, sent.message_id)).toBe(true);
    expect(alice.messages()).toEqual([]);
    expect((await apiError(bot.api.deleteMessage(alice.id, sent.message_id))).description).toBe("Bad Request: message to delete not found");
  });

  it("answers 400 chat not found for a chat it has never seen", async () => {
    const error = await apiError(newBot().api.sendMessage(424242, "hello"));
    expect(error.description).toBe("Bad Request: chat not found");
  });

  it("answers 403 to every send and edit once the user blocked the bot, and tells the bot with my_chat_member", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const sent = await bot.api.sendMessage(alice.id, "before");
    alice.blockBot();
    for (const call of [
      bot.api.sendMessage(alice.id, "after"),
      bot.api.editMessageText(alice.id, sent.message_id, "edited"),
      bot.api.sendChatAction(alice.id, "typing"),
      bot.api.sendDocument(alice.id, new InputFile(Buffer.from("x"), "x.txt")),
    ]) {
      const error = await apiError(call);
      expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);
    }
    expect(tg.pendingUpdates()).toEqual([
      expect.objectContaining({ my_chat_member: expect.objectContaining({ new_chat_member: expect.objectContaining({ status: "kicked" }) }) }),
    ]);
    alice.unblockBot();
    await bot.api.sendMessage(alice.id, "welcome back");
    expect(alice.text()).toBe("before\nwelcome back");
  });

  it("copies a message into another chat (broadcasts)", async () => {
    const admin = tg.user({ first_name: "Admin" });
    const alice = tg.user({});
    const bot = newBot();
    const source = await bot.api.sendMessage(admin.id, "<i>News</i>", { parse_mode: "HTML" });
    const copy = await bot.api.copyMessage(alice.id, admin.id, source.message_id);
    expect(copy.message_id).toBe(1);
    expect(alice.lastBotMessage()).toMatchObject({ text: "News", entities: [{ type: "italic", offset: 0, length: 4 }] });
    expect((await apiError(bot.api.copyMessage(alice.id, admin.id, 77))).description).toBe("Bad Request: message to copy not found");
  });

  it("records setMyCommands per scope and language", async () => {
    const bot = newBot();
    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Начать" }], { language_code: "ru" });
    // A chat scope needs a chat the bot knows, as in Telegram.
    expect((await apiError(bot.api.setMyCommands([{ command: "admin", description: "Admin" }], { scope: { type: "chat", chat_id: 7 } }))).description).toBe(
      "Bad Request: chat not found",
    );
    tg.user({ id: 7, first_name: "Seven" });
    await bot.api.setMyCommands([{ command: "admin", description: "Admin" }], { scope: { type: "chat", chat_id: 7 } });
    expect(tg.commands()).toEqual([{ command: "start", description: "Start" }]);
    expect(tg.commands(undefined, "ru")).toEqual([{ command: "start", description: "Начать" }]);
    expect(tg.commands({ type: "chat", chat_id: 7 })).toEqual([{ command: "admin", description: "Admin" }]);
    expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Начать" }]);
    expect((await apiError(bot.api.setMyCommands([{ command: "/start", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    await bot.api.deleteMyCommands({ language_code: "ru" });
    expect(tg.commands(undefined, "ru")).toEqual([]);
  });
});

describe("documents", () => {
  it("stores a document sent as multipart and lets the test read its bytes", async () => {
    const alice = tg.user({});
    const bot = newBot();
    const csv = "date,amount\n2025-01-01,5\n";
    const sent = await bot.api.sendDocument(alice.id, new InputFile(Buffer.from(csv), "history.csv"), {
      caption: "<b>Your history</b>",
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Back", "back"),
    });
    expect(sent.document).toMatchObject({ file_name: "history.csv", mime_type: "text/csv", file_size: csv.length });
    expect(sent.caption).toBe("Your history");
    const message = alice.lastBotMessage();
    expect(message?.document?.fileName).toBe("history.csv");
    expect(message?.document?.content.toString("utf8")).toBe(csv);
    expect(message?.document?.caption).toBe("Your history");
    expect(message?.buttons).toEqual([["Back"]]);
    const params = tg.calls("sendDocument")[0]?.params;
    expect(params?.chat_id).toBe(alice.id);
    expect(params?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Back", callback_data: "back" }]] });
    // The same file again by file_id.
    await bot.api.sendDocument(alice.id, sent.document.file_id);
    expect(alice.lastBotMessage()?.document?.content.toString("utf8")).toBe(csv);
  });
});

describe("injected faults", () => {
  it("answers 429 with parameters.retry_after, once", async () => {
    const alice = tg.user({});
    const bot = newBot();
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 3", retry_after: 3 });
    const error = await apiError(bot.api.sendMessage(alice.id, "x"));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(3);
    await bot.api.sendMessage(alice.id, "x");
    expect(tg.calls("sendMessage").map((c) => c.ok)).toEqual([false, true]);
  });

  it("lets auto-retry wait out a 429 and succeed", async () => {
    const alice = tg.user({});
    const bot = newBot();
    bot.api.config.use(autoRetry());
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    await bot.api.sendMessage(alice.id, "eventually");
    expect(alice.text()).toBe("eventually");
    expect(tg.calls("sendMessage")).toHaveLength(2);
  });

  it("drops the connection for 'drop' (grammY sees an HttpError)", async () => {
    const alice = tg.user({});
    const bot = newBot();
    tg.failNext("sendMessage", "drop");
    await expect(bot.api.sendMessage(alice.id, "x")).rejects.toBeInstanceOf(HttpError);
    expect(alice.messages()).toEqual([]);
  });
});

describe("the simulated user with a running bot", () => {
  it("send() returns only after the bot has replied (settle)", async () => {
    startBot((bot) => {
      bot.command("start", async (ctx) => {
        await sleep(25); // e.g. a database read before answering
        await ctx.reply(`Hello, ${ctx.from?.first_name ?? "?"}! Payload: ${ctx.match}`);
      });
    });
    const alice = tg.user({ first_name: "Alice" });
    await alice.send("/start ref42");
    expect(alice.text()).toBe("Hello, Alice! Payload: ref42");
    expect(alice.messages().map((m) => m.from)).toEqual(["user", "bot"]);
    expect(botErrors).toEqual([]);
  });

  it("press() sends the button's callback_data and waits for the answer and the edit", async () => {
    const pressed: string[] = [];
    startBot((bot) => {
      bot.command("menu", (ctx) =>
        ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("Buy", "buy:tg").text("Help", "help").row().url("Site", "https://example.org") }),
      );
      bot.callbackQuery(/.*/, async (ctx) => {
        pressed.push(ctx.callbackQuery.data);
        await ctx.answerCallbackQuery({ text: "ok" });
        await sleep(20);
        await ctx.editMessageText(`You chose ${ctx.callbackQuery.data}`);
      });
    });
    const alice = tg.user({});
    await alice.send("/menu");
    expect(alice.buttons()).toEqual([["Buy", "Help"], ["Site"]]);
    await alice.press("Buy");
    expect(pressed).toEqual(["buy:tg"]);
    expect(alice.lastBotMessage()).toMatchObject({ text: "You chose buy:tg", edited: true, buttons: [] });
    expect(alice.callbackAnswers()).toEqual([{ text: "ok" }]);
    expect(tg.unansweredCallbackQueries()).toEqual([]);
  });

  it("press() lists the visible buttons when the label is missing", async () => {
    startBot((bot) => {
      bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("Buy", "buy").text("Help", "help") }));
    });
    const alice = tg.user({});
    await alice.send("/menu");
    await expect(alice.press("Sell")).rejects.toThrow(/no inline button "Sell".*\[Buy\] \[Help\]/s);
    await expect(alice.press(/^Sel/)).rejects.toThrow(/Visible buttons/);
  });

  it("answerCallbackQuery for an already answered query is refused", async () => {
    let second: unknown;
    startBot((bot) => {
      bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("Go", "go") }));
      bot.callbackQuery("go", async (ctx) => {
        await ctx.answerCallbackQuery();
        second = await ctx.answerCallbackQuery().catch((e: unknown) => e);
      });
    });
    const alice = tg.user({});
    await alice.send("/menu");
    await alice.press("Go");
    expect(second).toBeInstanceOf(GrammyError);
    expect((second as GrammyError).description).toBe("Bad Request: query is too old and response timeout expired or query ID is invalid");
  });

  it("waitForMessage() resolves when an edit makes a message match", async () => {
    startBot((bot) => {
      bot.command("code", async (ctx) => {
        const sent = await ctx.reply("Waiting for SMS…");
        setTimeout(() => void ctx.api.editMessageText(sent.chat.id, sent.message_id, "Code: 12345").catch(() => undefined), 100);
      });
    });
    const alice = tg.user({});
    await alice.send("/code");
    const message = await alice.waitForMessage(/Code: \d+/);
    expect(message.text).toBe("Code: 12345");
    await expect(alice.waitForMessage("never", 100)).rejects.toThrow(/no bot message matching never.*Code: 12345/s);
  });

  it("pressData() sends forged callback data on a bot message", async () => {
    const seen: string[] = [];
    startBot((bot) => {
      bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("Buy", "buy:1") }));
      bot.on("callback_query:data", async (ctx) => {
        seen.push(`${ctx.callbackQuery.data}@${ctx.callbackQuery.message?.message_id ?? "?"}`);
        await ctx.answerCallbackQuery();
      });
    });
    const alice = tg.user({});
    await alice.send("/menu");
    const menuId = alice.lastBotMessage()!.id;
    await alice.pressData("buy:999999");
    expect(seen).toEqual([`buy:999999@${menuId}`]);
  });

  it("keeps the reply keyboard the bot set until it is removed", async () => {
    startBot((bot) => {
      bot.command("start", (ctx) => ctx.reply("Hi", { reply_markup: { keyboard: [[{ text: "Buy" }, { text: "Balance" }]], resize_keyboard: true } }));
      bot.command("hide", (ctx) => ctx.reply("Hidden", { reply_markup: { remove_keyboard: true } }));
    });
    const alice = tg.user({});
    await alice.send("/start");
    expect(alice.replyKeyboard()).toEqual([["Buy", "Balance"]]);
    await alice.send("/hide");
    expect(alice.replyKeyboard()).toEqual([]);
  });

  it("serves a bot restarted on the same fake (runner stopped, a new one started)", async () => {
    const greet = (bot: Bot) => bot.on("message:text", (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    startBot(greet);
    const alice = tg.user({});
    await alice.send("one");
    await runners[0]!.stop();
    startBot(greet);
    await alice.send("two");
    expect(alice.text()).toBe("echo one\necho two");
    expect(tg.calls("getMe")).toHaveLength(2);
  });

  it("settle() rejects with a clear message when nobody fetches the updates", async () => {
    tg.pushUpdate({ message: { text: "lost" } });
    await expect(tg.settle({ timeoutMs: 200 })).rejects.toThrow(/1 update\(s\) were never fetched by getUpdates \(is the bot polling\?\)/);
  });
});

describe("Telegram Stars", () => {
  /** A tiny shop: /buy sends an invoice, pre-checkout is answered, payments are recorded by charge id. */
  function startShop(options: { refuse?: string } = {}) {
    const charges: string[] = [];
    const bot = startBot((b) => {
      b.command("buy", (ctx) => ctx.replyWithInvoice("100 credits", "Top up your balance", "topup:100", "XTR", [{ label: "Credits", amount: 50 }]));
      b.on("pre_checkout_query", (ctx) =>
        options.refuse ? ctx.answerPreCheckoutQuery(false, { error_message: options.refuse }) : ctx.answerPreCheckoutQuery(true),
      );
      b.on("message:successful_payment", async (ctx) => {
        charges.push(ctx.message.successful_payment.telegram_payment_charge_id);
        await ctx.reply(`Paid ${ctx.message.successful_payment.total_amount} for ${ctx.message.successful_payment.invoice_payload}`);
      });
    });
    return { bot, charges };
  }

  it("pay() runs pre-checkout, then delivers successful_payment and records the Star transaction", async () => {
    const { bot, charges } = startShop();
    const alice = tg.user({});
    await alice.send("/buy");
    expect(alice.lastBotMessage()?.invoice).toEqual({ title: "100 credits", description: "Top up your balance", payload: "topup:100", currency: "XTR", amount: 50 });

    const result = await alice.pay();
    expect(result.preCheckoutOk).toBe(true);
    expect(charges).toEqual([result.chargeId]);
    expect(alice.lastBotMessage()?.text).toBe("Paid 50 for topup:100");
    expect(tg.starTransactions()).toEqual([
      expect.objectContaining({ id: result.chargeId, amount: 50, source: expect.objectContaining({ type: "user", invoice_payload: "topup:100" }) }),
    ]);
    const fromApi = await bot.api.getStarTransactions();
    expect(fromApi.transactions.map((t) => t.id)).toEqual([result.chargeId]);

    // Telegram may deliver the same payment twice: replaying the update gives the bot the same charge id.
    const replay = alice.lastSuccessfulPaymentUpdate();
    expect(replay).toBeDefined();
    tg.pushUpdate(replay!);
    await tg.settle();
    expect(charges).toEqual([result.chargeId, result.chargeId]);

    await bot.api.refundStarPayment(alice.id, result.chargeId!);
    expect(tg.refunds()).toEqual([expect.objectContaining({ userId: alice.id, chargeId: result.chargeId, amount: 50 })]);
    const again = await apiError(bot.api.refundStarPayment(alice.id, result.chargeId!));
    expect(again.description).toBe("Bad Request: CHARGE_ALREADY_REFUNDED");
    expect(botErrors).toEqual([]);
  });

  it("pay() reports a refused pre-checkout and records nothing", async () => {
    const { charges } = startShop({ refuse: "Sold out" });
    const alice = tg.user({});
    await alice.send("/buy");
    expect(await alice.pay()).toEqual({ preCheckoutOk: false, errorMessage: "Sold out" });
    expect(charges).toEqual([]);
    expect(tg.starTransactions()).toEqual([]);
  });

  it("pay() accepts a given charge id and an invoice link", async () => {
    const { bot, charges } = startShop();
    const alice = tg.user({});
    const link = await bot.api.createInvoiceLink("Credits", "Top up", "link:1", "", "XTR", [{ label: "Credits", amount: 7 }]);
    expect(link).toMatch(/^https:\/\/t\.me\/\$/);
    const result = await alice.pay(link, { telegramChargeId: "stxFIXED" });
    expect(result).toEqual({ preCheckoutOk: true, chargeId: "stxFIXED" });
    expect(charges).toEqual(["stxFIXED"]);
  });

  it("validates Stars invoices", async () => {
    const alice = tg.user({});
    const api = newBot().api;
    const send = (overrides: { title?: string; description?: string; payload?: string; currency?: string; prices?: Array<{ label: string; amount: number }> }) =>
      api.sendInvoice(
        alice.id,
        overrides.title ?? "Title",
        overrides.description ?? "Description",
        overrides.payload ?? "payload",
        overrides.currency ?? "XTR",
        overrides.prices ?? [{ label: "x", amount: 10 }],
      );
    const cases: Array<[Parameters<typeof send>[0], string]> = [
      [{ currency: "USD" }, "PAYMENT_PROVIDER_INVALID"],
      [{ prices: [{ label: "a", amount: 1 }, { label: "b", amount: 2 }] }, "STARS_INVOICE_INVALID"],
      [{ prices: [{ label: "a", amount: 1.5 }] }, "CURRENCY_TOTAL_AMOUNT_INVALID"],
      [{ prices: [{ label: "a", amount: 0 }] }, "CURRENCY_TOTAL_AMOUNT_INVALID"],
      [{ payload: "p".repeat(129) }, "INVOICE_PAYLOAD_INVALID"],
      [{ payload: "" }, "INVOICE_PAYLOAD_INVALID"],
      [{ title: "t".repeat(33) }, "INVOICE_TITLE_INVALID"],
      [{ description: "d".repeat(256) }, "INVOICE_DESCRIPTION_INVALID"],
    ];
    for (const [overrides, description] of cases) {
      const error = await apiError(send(overrides));
      expect([error.error_code, error.description]).toEqual([400, `Bad Request: ${description}`]);
    }
    await send({ title: "t".repeat(32), description: "d".repeat(255), payload: "p".repeat(128) });
    expect(alice.botMessages()).toHaveLength(1);
  });

  it("refuses unknown pre-checkout queries and charges, and refunds payments the bot never saw", async () => {
    const alice = tg.user({});
    const api = newBot().api;
    expect((await apiError(api.answerPreCheckoutQuery("nope", true))).description).toBe("Bad Request: QUERY_ID_INVALID");
    expect((await apiError(api.answerCallbackQuery("nope"))).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect((await apiError(api.refundStarPayment(alice.id, "stxUNKNOWN"))).description).toBe("Bad Request: CHARGE_NOT_FOUND");
    const lost = tg.addStarTransaction({ userId: alice.id, amount: 25, payload: "topup:25" });
    const listed = await api.getStarTransactions({ limit: 10 });
    expect(listed.transactions).toEqual([expect.objectContaining({ id: lost.id, amount: 25 })]);
    expect(await api.refundStarPayment(alice.id, lost.id)).toBe(true);
    expect(tg.starTransactions().map((t) => [t.id, t.source ? "in" : "out"])).toEqual([
      [lost.id, "in"],
      [lost.id, "out"],
    ]);
  });
});

describe("parseTelegramHtml", () => {
  it("keeps nested entities and pre with a language", () => {
    const parsed = parseTelegramHtml('<pre><code class="language-ts">let a = 1;</code></pre>\n<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote>');
    expect(parsed).toEqual({
      ok: true,
      text: "let a = 1;\ns q",
      entities: [
        { type: "pre", offset: 0, length: 10, language: "ts" },
        { type: "spoiler", offset: 11, length: 1 },
        { type: "expandable_blockquote", offset: 13, length: 1 },
      ],
    });
  });

  it("counts offsets in UTF-16 and errors in UTF-8 bytes", () => {
    expect(parseTelegramHtml("😀 <b>é</b>")).toEqual({ ok: true, text: "😀 é", entities: [{ type: "bold", offset: 3, length: 1 }] });
    expect(parseTelegramHtml("é<x>")).toEqual({ ok: false, error: 'Unsupported start tag "x" at byte offset 2' });
  });

  it("decodes numeric entities and requires span to be a spoiler", () => {
    expect(parseTelegramHtml("&#65;&#x42;&quot;")).toMatchObject({ ok: true, text: 'AB"' });
    expect(parseTelegramHtml('<span class="x">a</span>')).toEqual({ ok: false, error: 'Tag "span" must have class "tg-spoiler" at byte offset 0' });
  });
});
