import { Composer } from "grammy";
import { isAdmin } from "../middleware.ts";
import { AuditLog } from "../../domain/audit.ts";
import { Broadcasts, type BroadcastContent } from "../../domain/broadcasts.ts";
import { cancelKeyboard, reportText, runBroadcasts, type BroadcastSenderDeps } from "../../jobs/broadcastJob.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { acknowledge } from "../respond.ts";

/**
 * /broadcast for admins (POLICY B6: only accounts that did not opt out of news). The handler only
 * writes the broadcast and its deliveries and starts the sender in the background; the
 * broadcast-sender job continues it. Anyone else gets what any unknown text gets.
 */
export const broadcastFeature = new Composer<BotContext>();

const CANCEL = /^bc:cancel:(\d+)$/;

function senderDeps(ctx: FlowContext, broadcasts: Broadcasts): BroadcastSenderDeps {
  const t = ctx.t.bind(ctx);
  return {
    store: ctx.deps.store,
    broadcasts,
    accounts: ctx.deps.accounts,
    api: ctx.api,
    // The admin who started it is the one reading it, in this update's language.
    translatorFor: () => t,
    logger: ctx.deps.logger,
    now: ctx.deps.clock,
  };
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

  const { db } = ctx.deps.store;
  const clock = ctx.deps.clock;
  const broadcasts = new Broadcasts(db, clock);
  const audit = new AuditLog(db, clock);
  const started = db.transaction(() => {
    const result = broadcasts.start(admin.id, content);
    audit.write({ adminTelegramId: admin.id, action: "broadcast", targetRef: `broadcast:${result.broadcast.id}`, details: content.kind === "text" ? content.text : "copy" });
    return result;
  });
  const counts = broadcasts.counts(started.broadcast.id);
  const progress = await ctx.reply(
    ctx.t("broadcast-started", { id: started.broadcast.id, total: started.recipients, skipped: counts.skipped }),
    { reply_markup: cancelKeyboard(ctx.t.bind(ctx), started.broadcast.id) },
  );
  broadcasts.setProgressMessage(started.broadcast.id, progress.chat.id, progress.message_id);
  // Not awaited: the update is done; the sender reports through the progress message.
  void runBroadcasts(senderDeps(ctx, broadcasts));
});

broadcastFeature.callbackQuery(CANCEL, async (ctx) => {
  if (!isAdmin(ctx)) {
    await acknowledge(ctx, ctx.t("button-expired"), true);
    return;
  }
  const id = Number(ctx.match[1]);
  const { db } = ctx.deps.store;
  const clock = ctx.deps.clock;
  const broadcasts = new Broadcasts(db, clock);
  const audit = new AuditLog(db, clock);
  const cancelled = db.transaction(() => {
    const result = broadcasts.cancel(id);
    if (result) audit.write({ adminTelegramId: ctx.from.id, action: "broadcast-cancel", targetRef: `broadcast:${id}` });
    return result;
  });
  if (!cancelled) {
    await acknowledge(ctx, ctx.t("broadcast-not-running"));
    return;
  }
  await acknowledge(ctx, ctx.t("broadcast-cancelled"));
  await ctx.editMessageText(reportText(ctx.t.bind(ctx), "cancelled", broadcasts.counts(id)), { reply_markup: { inline_keyboard: [] } });
});
