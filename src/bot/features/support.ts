import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { clip } from "../html.ts";

/** Longest support message passed on, in characters (whole ones: an emoji is never cut in half). */
const SUPPORT_TEXT_MAX = 3_000;

/** Telegram requires bots that take Stars to answer /paysupport. A message after it goes to the admins. */
export const supportFeature = new Composer<BotContext>();

supportFeature.command("paysupport", async (ctx) => {
  const text = ctx.match.trim();
  const account = ctx.account;
  const { outbox } = ctx.deps;
  if (text === "" || !account) {
    await ctx.reply(ctx.t("paysupport-text"));
    return;
  }
  if (!outbox.hasAdmins) {
    await ctx.reply(ctx.t("paysupport-unavailable"));
    return;
  }
  const from = ctx.from;
  const who = from?.username ? `@${from.username}` : (from?.first_name ?? "?");
  outbox.toAdmins(
    {
      kind: "notice",
      key: "paysupport-admin-notice",
      vars: { user: who, telegramId: String(account.telegramId), accountId: String(account.id), text: clip(text, SUPPORT_TEXT_MAX) },
    },
    `paysupport:${ctx.update.update_id}`,
  );
  ctx.log.info({ account: account.id }, "payment support request");
  await ctx.reply(ctx.t("paysupport-sent"));
});
