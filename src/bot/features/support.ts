import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { escapeHtml } from "../html.ts";
import type { AdminNotifier } from "../notifier.ts";

/** Telegram requires bots that take Stars to answer /paysupport. A message after it goes to the admins. */
export function supportFeature(notifier: AdminNotifier): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("paysupport", async (ctx) => {
    const text = ctx.match.trim();
    const account = ctx.account;
    if (text === "" || !account) {
      await ctx.reply(ctx.t("paysupport-text"));
      return;
    }
    const from = ctx.from;
    const who = from?.username ? `@${from.username}` : (from?.first_name ?? "?");
    const delivered = await notifier.notify("paysupport-admin-notice", {
      user: escapeHtml(who),
      telegramId: account.telegramId,
      accountId: account.id,
      text: escapeHtml(text.slice(0, 3_000)),
    });
    ctx.log.info({ account: account.id, delivered }, "payment support request");
    await ctx.reply(ctx.t(delivered > 0 ? "paysupport-sent" : "paysupport-unavailable"));
  });
  return feature;
}
