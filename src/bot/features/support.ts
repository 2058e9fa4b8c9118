import { createConversation, type Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import { BotComposer } from "../composer.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { dateTime, timeZoneOf, zonedDateTime } from "../format.ts";
import { clip, escapeHtml } from "../html.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge } from "../respond.ts";

/**
 * Support both ways. Telegram requires bots that take Stars to answer /paysupport; payment
 * disputes are answered here. A user's message (after /paysupport, or from Help -> Support)
 * reaches every admin with who sent it; an admin answers by replying to it (Telegram's reply) or
 * with `/reply USER text`; the user gets the answer; `/thread USER` and the Support screen show
 * the thread in order. Messages go through the outbox, so nothing is lost to a Telegram outage.
 */

export const SUPPORT_SCREEN = "sup:open";
const CONVERSATION = "support-message";
const THREAD_SHOWN = 5;

type FlowConversation = Conversation<BotContext, FlowContext>;

async function pass(ctx: FlowContext, text: string): Promise<void> {
  const account = ctx.account;
  if (!account || !ctx.msg) return;
  const sent = ctx.deps.support.fromUser(account.id, text, `user:${ctx.chat?.id ?? 0}:${ctx.msg.message_id}`);
  if (!sent.ok) {
    await ctx.reply(ctx.t("paysupport-unavailable"));
    return;
  }
  ctx.log.info({ account: account.id, message: sent.message.id }, "support message from a user");
  await ctx.reply(ctx.t("paysupport-sent"));
}

/** Waits for the one message the user writes to support. */
async function supportFlow(conversation: FlowConversation, ctx: FlowContext): Promise<void> {
  for (;;) {
    const next = await conversation.wait();
    const text = next.message?.text;
    if (text === undefined) {
      if (next.callbackQuery) return conversation.halt({ next: true });
      if (next.message) await next.reply(next.t("support-text-only"));
      else return conversation.skip({ next: true });
      continue;
    }
    if (text.startsWith("/")) return conversation.halt({ next: true });
    const userId = ctx.account?.id;
    const sourceKey = `user:${next.chat?.id ?? 0}:${next.message?.message_id ?? 0}`;
    if (userId === undefined) return;
    const sent = await conversation.external((outer) => outer.deps.support.fromUser(userId, text, sourceKey).ok);
    await next.reply(next.t(sent ? "paysupport-sent" : "paysupport-unavailable"));
    return;
  }
}

export const supportConversation = createConversation(supportFlow, { id: CONVERSATION, maxMillisecondsToWait: 60 * 60_000 });

/** The support screen: the thread so far, and the next message goes to the admins. */
async function openSupport(ctx: BotContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  if (!ctx.deps.outbox.hasAdmins) {
    await ctx.reply(ctx.t("paysupport-unavailable"));
    return;
  }
  const thread = ctx.deps.support.thread(account.id, THREAD_SHOWN);
  const lines = [ctx.t("paysupport-text")];
  if (thread.length > 0) {
    lines.push(ctx.t("support-thread-title"));
    for (const m of thread) {
      lines.push(ctx.t(m.direction === "in" ? "support-thread-you" : "support-thread-team", { date: zonedDateTime(m.createdAt, account.language, timeZoneOf(account)), text: escapeHtml(clip(m.text, 300)) }));
    }
  }
  lines.push(ctx.t("support-write-now"));
  await ctx.reply(lines.join("\n\n"), { reply_markup: new InlineKeyboard().text(ctx.t("menu-back"), MENU.home) });
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CONVERSATION);
}

export const supportFeature = new BotComposer<BotContext>();

supportFeature.command("paysupport", async (ctx) => {
  const text = ctx.match.trim();
  // A blocked account has no screens or flows: its message goes in the same line as the command.
  if (text === "" && ctx.account?.status === "blocked") {
    await ctx.reply(ctx.t("support-blocked-how"));
    return;
  }
  if (text === "") return openSupport(ctx);
  if (!ctx.deps.outbox.hasAdmins) {
    await ctx.reply(ctx.t("paysupport-unavailable"));
    return;
  }
  await pass(ctx, text);
});
supportFeature.callbackQuery(SUPPORT_SCREEN, async (ctx) => {
  await acknowledge(ctx);
  await openSupport(ctx);
});

/** The admins' side: installed behind the admin filter. */
export const supportAdminFeature = new BotComposer<BotContext>();

/** The account a support notice is about, from its "account #12" line. */
const ACCOUNT_IN_NOTICE = /(?:account|аккаунт) #(\d{1,15})/u;

async function answer(ctx: FlowContext, userId: number, text: string): Promise<void> {
  if (!ctx.from || !ctx.msg) return;
  const account = ctx.deps.accounts.byId(userId);
  if (!account || account.status === "deleted") {
    await ctx.reply(ctx.t("support-admin-no-user"));
    return;
  }
  const result = ctx.deps.support.fromAdmin(ctx.from.id, userId, text, `admin:${ctx.chat?.id ?? 0}:${ctx.msg.message_id}`);
  ctx.log.info({ account: userId, message: result.message.id }, "support answer from an admin");
  await ctx.reply(ctx.t(result.told ? "support-admin-sent" : "support-admin-no-user", { id: String(userId) }));
}

supportAdminFeature.command("reply", async (ctx) => {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(ctx.match.trim());
  const found = match ? ctx.deps.adminActions.findUser(match[1] ?? "") : undefined;
  if (!match || !found?.ok) {
    await ctx.reply(ctx.t("support-admin-reply-usage"));
    return;
  }
  await answer(ctx, found.account.id, (match[2] ?? "").trim());
});

supportAdminFeature.command("thread", async (ctx) => {
  const found = ctx.deps.adminActions.findUser(ctx.match.trim());
  if (!found.ok) {
    await ctx.reply(ctx.t("support-admin-reply-usage"));
    return;
  }
  const thread = ctx.deps.support.thread(found.account.id, 20);
  const lines = [ctx.t("support-admin-thread-title", { id: String(found.account.id), count: thread.length })];
  for (const m of thread) {
    lines.push(ctx.t(m.direction === "in" ? "support-thread-user" : "support-thread-team", { date: dateTime(m.createdAt, "en"), text: escapeHtml(clip(m.text, 300)) }));
  }
  await ctx.reply(lines.join("\n"));
});

// An admin's reply (Telegram's reply) to a support notice reaches the user it came from.
supportAdminFeature.on("message:text", async (ctx, next) => {
  const replied = ctx.message.reply_to_message;
  const id = replied?.from?.id === ctx.me.id ? ACCOUNT_IN_NOTICE.exec(replied.text ?? "")?.[1] : undefined;
  if (id === undefined || ctx.message.text.startsWith("/")) return next();
  await answer(ctx, Number(id), ctx.message.text);
});
