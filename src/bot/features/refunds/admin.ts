import { InlineKeyboard } from "grammy";
import { BotComposer } from "../../composer.ts";
import { REFUSAL_CODES, type DecisionResult, type RefusalCode } from "../../../domain/refundRequests.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { timeZoneOf } from "../../format.ts";
import { acknowledge } from "../../respond.ts";
import { parse, reason as reasonArg, split, usage } from "../admin/args.ts";
import { z } from "zod";
import { adminData, decisionKeyboard, requestVars } from "./render.ts";

/**
 * The admins' side of refund requests (W6, W3): `/refunds` lists the open ones, oldest first, with
 * the time left to the 2-working-day deadline; each can be opened, approved (Telegram refunds the
 * whole Stars charge; for a part, W3's alternatives) or refused with a W2 reason or a written one
 * (`/refuse ID reason`). The domain moves the money once, however often a button is pressed.
 */

const VIEW = /^rq:v:(\d{1,12})$/;
const APPROVE = /^rq:a:(\d{1,12})$/;
const WHOLE = /^rq:w:(\d{1,12})$/;
const OUTSIDE = /^rq:e:(\d{1,12})$/;
const REFUSE_MENU = /^rq:r:(\d{1,12})$/;
const REFUSE = /^rq:x:(\d{1,12}):([a-z_]{1,20})$/;

function vars(ctx: FlowContext, requestId: number): Record<string, string | number> | undefined {
  const { refundRequests, accounts, currency, clock } = ctx.deps;
  const request = refundRequests.byId(requestId);
  if (!request) return undefined;
  return requestVars((key, v) => ctx.t(key, v), ctx.account?.language ?? "en", currency, refundRequests.facts(request), accounts.byId(request.userId), clock(), timeZoneOf(ctx.account));
}

async function listRequests(ctx: FlowContext): Promise<void> {
  const open = ctx.deps.refundRequests.openRequests();
  if (open.length === 0) {
    await ctx.reply(ctx.t("refund-admin-list-empty"));
    return;
  }
  const lines = [ctx.t("refund-admin-list-title", { count: open.length })];
  const keyboard = new InlineKeyboard();
  for (const facts of open.slice(0, 30)) {
    const v = vars(ctx, facts.request.id);
    if (v) lines.push(ctx.t("refund-admin-list-line", v));
    keyboard.text(`#${facts.request.id}`, adminData.view(facts.request.id));
  }
  await ctx.reply(lines.join("\n"), { reply_markup: keyboard });
}

async function showRequest(ctx: FlowContext, requestId: number): Promise<void> {
  const v = vars(ctx, requestId);
  if (!v) {
    await ctx.reply(ctx.t("refund-admin-not-found", { id: String(requestId) }));
    return;
  }
  const open = ctx.deps.refundRequests.byId(requestId)?.status === "open";
  await ctx.reply(ctx.t("refund-admin-request", v), open ? { reply_markup: decisionKeyboard((key, x) => ctx.t(key, x), requestId) } : {});
}

/** Tells the admin what a decision came to. */
async function answerDecision(ctx: FlowContext, requestId: number, result: DecisionResult): Promise<void> {
  const id = String(requestId);
  if (result.ok) {
    await ctx.reply(ctx.t(`refund-admin-done-${result.outcome}`, { id, ...(vars(ctx, requestId) ?? {}) }));
    return;
  }
  switch (result.reason) {
    case "partial": {
      const keyboard = new InlineKeyboard();
      if (result.wholeCovered) keyboard.text(ctx.t("refund-admin-whole-button"), adminData.whole(requestId)).row();
      keyboard.text(ctx.t("refund-admin-outside-button"), adminData.outside(requestId)).row().text(ctx.t("refund-admin-refuse-button"), adminData.refuseMenu(requestId));
      await ctx.reply(ctx.t(result.wholeCovered ? "refund-admin-partial" : "refund-admin-partial-uncovered", { id, ...(vars(ctx, requestId) ?? {}) }), { reply_markup: keyboard });
      return;
    }
    case "telegram_refused":
      await ctx.reply(ctx.t("refund-admin-telegram-said-no", { id, detail: result.detail.replace(/[<>&]/g, " ") }));
      return;
    default:
      await ctx.reply(ctx.t(`refund-admin-not-done-${result.reason}`, { id }));
  }
}

async function approve(ctx: FlowContext, requestId: number, method: "stars" | "whole" | "outside"): Promise<void> {
  if (!ctx.from) return;
  await acknowledge(ctx);
  const result = await ctx.deps.refundRequests.approve(requestId, ctx.from.id, method);
  ctx.log.info({ request: requestId, method, ok: result.ok, reason: result.ok ? result.outcome : result.reason }, "refund request approval");
  await answerDecision(ctx, requestId, result);
}

async function refuseWith(ctx: FlowContext, requestId: number, reason: { code: RefusalCode } | { text: string }): Promise<void> {
  if (!ctx.from) return;
  const result = ctx.deps.refundRequests.refuse(requestId, ctx.from.id, reason);
  await answerDecision(ctx, requestId, result);
}

export const refundAdminCommands = new BotComposer<BotContext>();

refundAdminCommands.command("refunds", (ctx) => listRequests(ctx));
refundAdminCommands.command("refuse", async (ctx) => {
  const { words, rest } = split(ctx.match, 1);
  const args = parse(z.object({ id: z.string().regex(/^\d{1,12}$/).transform(Number), reason: reasonArg }), { id: words[0] ?? "", reason: rest });
  if (!args) return usage(ctx, "refuse");
  await refuseWith(ctx, args.id, { text: args.reason });
});
refundAdminCommands.callbackQuery(VIEW, async (ctx) => {
  await acknowledge(ctx);
  await showRequest(ctx, Number(VIEW.exec(ctx.callbackQuery.data)?.[1]));
});
refundAdminCommands.callbackQuery(APPROVE, (ctx) => approve(ctx, Number(APPROVE.exec(ctx.callbackQuery.data)?.[1]), "stars"));
refundAdminCommands.callbackQuery(WHOLE, (ctx) => approve(ctx, Number(WHOLE.exec(ctx.callbackQuery.data)?.[1]), "whole"));
refundAdminCommands.callbackQuery(OUTSIDE, (ctx) => approve(ctx, Number(OUTSIDE.exec(ctx.callbackQuery.data)?.[1]), "outside"));
refundAdminCommands.callbackQuery(REFUSE_MENU, async (ctx) => {
  await acknowledge(ctx);
  const id = Number(REFUSE_MENU.exec(ctx.callbackQuery.data)?.[1]);
  const keyboard = new InlineKeyboard();
  for (const code of REFUSAL_CODES) keyboard.text(ctx.t(`refund-refusal-${code}`), adminData.refuse(id, code)).row();
  await ctx.reply(ctx.t("refund-admin-refuse-pick", { id: String(id) }), { reply_markup: keyboard });
});
refundAdminCommands.callbackQuery(REFUSE, async (ctx) => {
  await acknowledge(ctx);
  const match = REFUSE.exec(ctx.callbackQuery.data);
  const code = REFUSAL_CODES.find((c) => c === match?.[2]);
  if (!match || !code) return;
  await refuseWith(ctx, Number(match[1]), { code });
});
