import { randomBytes } from "node:crypto";
import { GrammyError, InlineKeyboard } from "grammy";
import { BotComposer } from "../composer.ts";
import { callbackData, chars, int } from "../callbackData.ts";
import { escapeHtml } from "../html.ts";
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
export const broadcastFeature = new BotComposer<BotContext>();

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

/** What waits for Confirm: the content as it will be sent, and the text as the admin wrote it (for the audit log). */
interface Draft {
  admin: number;
  content: BroadcastContent;
  written: string | null;
}

const confirmButton = callbackData("bc:go", { draft: chars("[A-Za-z0-9_-]", 16, 16) });
const DISCARD = "bc:discard";

/**
 * /broadcast shows a preview first: the text as recipients will see it (the admin's HTML when
 * Telegram accepts it, else the same words escaped), how many will get it, and Send / Cancel.
 * Nothing is queued until Send.
 */
broadcastFeature.command("broadcast", async (ctx) => {
  if (!isAdmin(ctx)) {
    await ctx.reply(ctx.t("unknown-message"));
    return;
  }
  const admin = ctx.from;
  const replied = ctx.message?.reply_to_message;
  const written = ctx.match.trim();
  if (!admin || (!replied && written === "")) {
    await ctx.reply(ctx.t("broadcast-usage"));
    return;
  }
  const total = ctx.deps.broadcasts.recipientCount();
  const key = randomBytes(12).toString("base64url");
  const keyboard = new InlineKeyboard()
    .text(ctx.t("broadcast-send-button", { total }), confirmButton.pack({ draft: key }))
    .text(ctx.t("broadcast-discard-button"), DISCARD);
  let content: BroadcastContent;
  if (replied) {
    content = { kind: "copy", fromChatId: ctx.chat.id, fromMessageId: replied.message_id };
    await ctx.reply(ctx.t("broadcast-preview-copy", { total }), { reply_markup: keyboard, reply_parameters: { message_id: replied.message_id } });
  } else {
    const header = ctx.t("broadcast-preview", { total });
    let html = written;
    try {
      await ctx.reply(`${header}\n\n${written}`, { reply_markup: keyboard });
    } catch (error) {
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      // Not HTML Telegram accepts: the words go out as written, escaped.
      html = escapeHtml(written);
      await ctx.reply(`${header}\n${ctx.t("broadcast-preview-plain")}\n\n${html}`, { reply_markup: keyboard });
    }
    content = { kind: "text", text: html };
  }
  ctx.deps.broadcastDrafts.set(key, JSON.stringify({ admin: admin.id, content, written: replied ? null : written } satisfies Draft));
});

broadcastFeature.callbackQuery(confirmButton.filter, async (ctx) => {
  const key = confirmButton.unpack(ctx.callbackQuery.data)?.draft ?? "";
  const stored = isAdmin(ctx) ? ctx.deps.broadcastDrafts.get(key) : undefined;
  const draft = stored === undefined ? undefined : (JSON.parse(stored) as Draft);
  if (!draft || draft.admin !== ctx.from.id) {
    await acknowledge(ctx, ctx.t("button-expired"), true);
    return;
  }
  // Taken once: a second press finds nothing.
  ctx.deps.broadcastDrafts.delete(key);
  await acknowledge(ctx);
  const { broadcasts } = ctx.deps;
  const started = broadcasts.start(draft.admin, draft.content, draft.written ?? undefined);
  const counts = broadcasts.counts(started.broadcast.id);
  // The preview stays as it was sent; the progress goes in a message of its own.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  const progress = await ctx.reply(ctx.t("broadcast-started", { id: started.broadcast.id, total: started.recipients, skipped: counts.skipped }), {
    reply_markup: new InlineKeyboard().text(ctx.t("broadcast-cancel-button"), cancelData(started.broadcast.id)),
  });
  broadcasts.setProgressMessage(started.broadcast.id, progress.chat.id, progress.message_id);
});

broadcastFeature.callbackQuery(DISCARD, async (ctx) => {
  await acknowledge(ctx, ctx.t("broadcast-discarded"));
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
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
