import { createConversation, conversations, type Conversation } from "@grammyjs/conversations";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import type { ConversationFlavor } from "@grammyjs/conversations";
import { afterAll, describe, expect, it } from "vitest";
import { conversationStorage } from "../../src/bot/conversationStorage.ts";
import { KeyValue } from "../../src/db/keyValue.ts";
import { openStore } from "../../src/db/open.ts";
import { startFakeTelegram } from "../fakes/telegram.ts";

/*
 * The conversation storage the bot installs, with the real conversations plugin: a flow that
 * waits for two answers keeps its place when the bot is stopped and started again on the same file.
 */

type Ctx = ConversationFlavor<Context>;
const dir = mkdtempSync(join(tmpdir(), "conv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function twoQuestions(conversation: Conversation<Ctx, Context>, ctx: Context) {
  await ctx.reply("What is your name?");
  const name = await conversation.waitFor("message:text");
  await ctx.reply("Which city?");
  const city = await conversation.waitFor("message:text");
  await ctx.reply(`${name.message.text} from ${city.message.text}`);
}

function startBot(apiRoot: string, token: string, path: string) {
  const store = openStore(path);
  const bot = new Bot<Ctx>(token, { client: { apiRoot } });
  bot.use(conversations({ storage: { type: "key", version: 1, adapter: conversationStorage(new KeyValue(store.db, "conversation", Date.now)) } }));
  bot.use(createConversation(twoQuestions, "two"));
  bot.command("ask", (ctx) => ctx.conversation.enter("two"));
  const runner = run(bot);
  return {
    stop: async () => {
      await runner.stop();
      store.close();
    },
  };
}

describe("conversation state in SQLite", () => {
  it("a restart in the middle of a flow does not lose the user's place", async () => {
    const tg = await startFakeTelegram();
    const path = join(dir, "conv.sqlite");
    try {
      const first = startBot(tg.apiRoot, tg.token, path);
      const user = tg.user({ first_name: "Vera" });
      await user.send("/ask");
      await user.send("Vera");
      expect(user.lastBotMessage()?.text).toBe("Which city?");
      await first.stop();

      const second = startBot(tg.apiRoot, tg.token, path);
      await user.send("Lisbon");
      expect(user.lastBotMessage()?.text).toBe("Vera from Lisbon");
      await second.stop();
    } finally {
      await tg.close();
    }
  });
});
