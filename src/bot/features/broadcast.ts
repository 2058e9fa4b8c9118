import { Composer, InlineKeyboard } from "grammy";
import { callbackData, int } from "../callbackData.ts";
import type { Broadcast, BroadcastContent, BroadcastCounts } from "../../domain/broadcasts.ts";
import type { BotContext } from "../context.ts";
import type { Translate } from "../i18n.ts";
import { isAdmin } from "../middleware.ts";
import { acknowledge } from "../respond.ts";

/**
 * /broadcast for admins (POLICY B6: only accounts that did not opt out of news). The handler
 * queues one outbox message per recipient (domain/broadcasts.ts); the outbox sends them paced,
 * after personal messages, and the broadcast-progress job keeps the admin's progress message
 * current. Anyone else gets what any unknown text gets.
 */
export const broadcastFeature = new Composer<BotContext>();

const cancelButton = callbackData("bc:cancel", { broadcast: int(12) });
const cancelData = (broadcastId: number) => cancelButton.pack({ broadcast: broadcastId });

/** The admin's progress message: counts while running (with Cancel), the final report after. */
export function broadcastScreen(t: Translate, broadcast: Broadcast, counts: BroadcastCounts): { text: string; keyboard?: InlineKeyboard } {
  if (broadcast.status === "running") {
    return {
      text: t("broadcast-progress", { sent: counts.sent, total: counts.total, blocked: counts.blocked, failed: counts.failed }),
      keyboard: new InlineKeyboard().text(t("broadcast-cancel-button"), cancelData(broadcast.id)),
    };
  }
  const text = t(broadcast.status === "done" ? "broadcast-report-done" : "broadcast-report-cancelled", {
    sent: counts.sent,
    total: counts.total,
    blocked: counts.blocked,
    failed: counts.failed,
    skipped: counts.skipped,
    unsent: counts.pending,
  });
  return { text };
}

broadcastFeature.command("broadcast", async (ctx) => {
  if (!isAdmin(ctx)) {
    await ctx.reply(ctx.t("unknown-message"));
    return;
  }
  const admin = ctx.from;
  const replied = ctx.message?.reply_to_message;
  const text = ctx.match.trim();
  let content: BroadcastContent;
  if (replied) content = { kind: "copy", fromChatId: ctx.chat.id, fromMessageId: replied.message_id };
  else if (text !== "") content = { kind: "text", text };
  else {
    await ctx.reply(ctx.t("broadcast-usage"));
    return;
  }
  if (!admin) return;
  const { broadcasts } = ctx.deps;
  const started = broadcasts.start(admin.id, content);
  const counts = broadcasts.counts(started.broadcast.id);
  const progress = await ctx.reply(ctx.t("broadcast-started", { id: started.broadcast.id, total: started.recipients, skipped: counts.skipped }), {
    reply_markup: new InlineKeyboard().text(ctx.t("broadcast-cancel-button"), cancelData(started.broadcast.id)),
  });
  broadcasts.setProgressMessage(started.broadcast.id, progress.chat.id, progress.message_id);
});

broadcastFeature.callbackQuery(cancelButton.filter, async (ctx) => {
  if (!isAdmin(ctx)) {
    await acknowledge(ctx, ctx.t("button-expired"), true);
    return;
  }
  const id = cancelButton.unpack(ctx.callbackQuery.data)?.broadcast ?? 0;
  const { broadcasts } = ctx.deps;
  const cancelled = broadcasts.cancel(id, ctx.from.id);
  if (!cancelled) {
    await acknowledge(ctx, ctx.t("broadcast-not-running"));
    return;
  }
  await acknowledge(ctx, ctx.t("broadcast-cancelled"));
  const screen = broadcastScreen(ctx.t.bind(ctx), cancelled, broadcasts.counts(id));
  await ctx.editMessageText(screen.text, { reply_markup: screen.keyboard ?? { inline_keyboard: [] } });
});
