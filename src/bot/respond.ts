import { GrammyError, type InlineKeyboard, type Transformer } from "grammy";
import type { FlowContext } from "./context.ts";

const HTML_METHODS = new Set(["sendMessage", "editMessageText", "sendDocument", "sendPhoto", "editMessageCaption", "copyMessage"]);

/** Every message is HTML unless a call says otherwise, and links do not unfurl. */
export const htmlByDefault: Transformer = (prev, method, payload, signal) => {
  if (HTML_METHODS.has(method) && payload !== undefined && typeof payload === "object" && !("parse_mode" in payload)) {
    const withDefaults = { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...payload };
    return prev(method, withDefaults as typeof payload, signal);
  }
  return prev(method, payload, signal);
};

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes("message is not modified");
}

/**
 * Shows a screen: after a button press it replaces the message the button was on (menus feel like
 * one page), otherwise — or when `fresh` asks for it — it sends a new message. Editing to the same
 * content is not an error.
 */
export async function showScreen(
  ctx: FlowContext,
  text: string,
  keyboard?: InlineKeyboard,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (message && "text" in message && !options.fresh) {
    try {
      await ctx.editMessageText(text, { reply_markup: keyboard });
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      // The message may be too old to edit or gone: fall back to a new one.
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
    }
  }
  await ctx.reply(text, { reply_markup: keyboard });
}

/** Answers a button press (so the client stops its spinner); never fails the update over it. */
export async function acknowledge(ctx: FlowContext, text?: string, alert = false): Promise<void> {
  if (!ctx.callbackQuery) return;
  try {
    await ctx.answerCallbackQuery(text ? { text, show_alert: alert } : undefined);
  } catch (error) {
    ctx.log.debug({ err: error }, "could not answer callback query");
  }
}
