import { randomBytes } from "node:crypto";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import { BotComposer } from "../../composer.ts";
import { REFUND_REASONS, type RefundReason } from "../../../db/schema.ts";
import { parseMoney } from "../../../domain/money.ts";
import { REFUSED_REASONS, SERVICE_REASONS } from "../../../domain/refundRequests.ts";
import { cutText } from "../../../domain/text.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { timeZoneOf, userDateTime, userMoney, zonedDateTime } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";

/**
 * The user's side of a refund to the payment method (POLICY W6): pick a payment of the last month
 * (W4), the amount (at most what it credited and what is still available), the reason (W1's cases,
 * W2's explained honestly before sending, or "other" in their own words), the service where it
 * applies, a summary to confirm, then a request number. The amount is reserved while the request
 * is open; the user can withdraw it.
 */

type FlowConversation = Conversation<BotContext, FlowContext>;

export const REFUNDS_SCREEN = "rr:home";
const NEW_REQUEST = "rr:new";
const CANCEL = "rr:x";
const withdrawData = (id: number) => `rr:w:${id}`;
const WITHDRAW = /^rr:w:(\d{1,12})$/;
const CONVERSATION = "refund-request";
/** Longest "other" reason kept, in UTF-16 code units. */
const REASON_TEXT_MAX = 1_000;

interface Offer {
  paymentId: number;
  stars: number;
  paidAt: number;
  credited: number;
  refundable: number;
}

type Input = { kind: "button"; data: string; ctx: FlowContext } | { kind: "text"; text: string; ctx: FlowContext };

/** What the user does next: a button of this flow, or a text; anything else leaves the flow. */
async function nextInput(conversation: FlowConversation): Promise<Input> {
  for (;;) {
    const ctx = await conversation.wait();
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      if (!data.startsWith("rr:") || WITHDRAW.test(data) || data === REFUNDS_SCREEN || data === NEW_REQUEST) return conversation.halt({ next: true });
      await acknowledge(ctx);
      return { kind: "button", data, ctx };
    }
    const text = ctx.message?.text;
    if (text !== undefined) {
      if (text.startsWith("/")) return conversation.halt({ next: true });
      return { kind: "text", text, ctx };
    }
    if (ctx.message) {
      await ctx.reply(ctx.t("refund-use-buttons"));
      continue;
    }
    return conversation.skip({ next: true });
  }
}

async function cancelled(ctx: FlowContext): Promise<void> {
  await ctx.reply(ctx.t("refund-cancelled"));
}

async function requestFlow(conversation: FlowConversation, ctx: FlowContext): Promise<void> {
  const userId = ctx.account?.id;
  if (userId === undefined) return;
  const requestKey = await conversation.external(() => randomBytes(12).toString("base64url"));
  const offers: Offer[] = await conversation.external((outer) =>
    outer.deps.refundRequests.refundablePayments(userId).map(({ payment, refundable }) => ({
      paymentId: payment.id,
      stars: payment.stars,
      paidAt: payment.paidAt,
      credited: payment.creditMinor,
      refundable,
    })),
  );
  if (offers.length === 0) {
    await ctx.reply(ctx.t("refund-nothing"));
    return;
  }

  // 1. Which payment.
  const paymentKeyboard = new InlineKeyboard();
  offers.slice(0, 10).forEach((o, i) =>
    paymentKeyboard.text(ctx.t("refund-payment-button", { stars: o.stars, date: userDateTime(ctx, o.paidAt), amount: userMoney(ctx, o.credited) }), `rr:p:${i}`).row(),
  );
  paymentKeyboard.text(ctx.t("refund-cancel-button"), CANCEL);
  await ctx.reply(ctx.t("refund-pick-payment"), { reply_markup: paymentKeyboard });
  let offer: Offer | undefined;
  while (!offer) {
    const input = await nextInput(conversation);
    if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
    const match = input.kind === "button" ? /^rr:p:(\d+)$/.exec(input.data) : null;
    offer = match ? offers[Number(match[1])] : undefined;
    if (!offer) await input.ctx.reply(ctx.t("refund-use-buttons"));
  }

  // 2. How much: at most what it credited and what is available now.
  const amountKeyboard = new InlineKeyboard().text(ctx.t("refund-amount-all-button", { amount: userMoney(ctx, offer.refundable) }), "rr:all").row().text(ctx.t("refund-cancel-button"), CANCEL);
  await ctx.reply(ctx.t("refund-ask-amount", { credited: userMoney(ctx, offer.credited), refundable: userMoney(ctx, offer.refundable) }), { reply_markup: amountKeyboard });
  let amount: number | undefined;
  while (amount === undefined) {
    const input = await nextInput(conversation);
    if (input.kind === "button") {
      if (input.data === CANCEL) return cancelled(input.ctx);
      if (input.data === "rr:all") amount = offer.refundable;
      continue;
    }
    const parsed = parseMoney(input.text, input.ctx.deps.currency);
    if (parsed !== null && parsed > 0 && parsed <= offer.refundable) amount = parsed;
    else await input.ctx.reply(ctx.t("refund-bad-amount", { refundable: userMoney(ctx, offer.refundable) }));
  }

  // 3. Why.
  const reasonKeyboard = new InlineKeyboard();
  for (const reason of REFUND_REASONS) reasonKeyboard.text(ctx.t(`refund-reason-${reason}`), `rr:r:${reason}`).row();
  reasonKeyboard.text(ctx.t("refund-cancel-button"), CANCEL);
  await ctx.reply(ctx.t("refund-ask-reason"), { reply_markup: reasonKeyboard });
  let reason: RefundReason | undefined;
  while (!reason) {
    const input = await nextInput(conversation);
    if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
    const picked = input.kind === "button" ? input.data.replace(/^rr:r:/, "") : "";
    reason = REFUND_REASONS.find((r) => r === picked);
    if (!reason) await input.ctx.reply(ctx.t("refund-use-buttons"));
  }
  let reasonText: string | undefined;
  if (reason === "other") {
    await ctx.reply(ctx.t("refund-ask-reason-text"));
    while (reasonText === undefined) {
      const input = await nextInput(conversation);
      if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
      if (input.kind === "text" && input.text.trim() !== "") reasonText = cutText(input.text.trim(), REASON_TEXT_MAX);
    }
  }

  // W2: the rules refuse this reason; say so honestly, and let the user send it anyway.
  if (REFUSED_REASONS.has(reason)) {
    const keyboard = new InlineKeyboard().text(ctx.t("refund-send-anyway-button"), "rr:anyway").row().text(ctx.t("refund-cancel-button"), CANCEL);
    await ctx.reply(ctx.t("refund-w2-warning", { reason }), { reply_markup: keyboard });
    for (;;) {
      const input = await nextInput(conversation);
      if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
      if (input.kind === "button" && input.data === "rr:anyway") break;
    }
  }

  // 4. The service concerned, where the reason is about one (W1).
  let service: string | undefined;
  if (SERVICE_REASONS.has(reason)) {
    const services: string[] = await conversation.external((outer) => outer.deps.refundRequests.recentServices(userId));
    if (services.length > 0) {
      const keyboard = new InlineKeyboard();
      services.forEach((name, i) => keyboard.text(name, `rr:s:${i}`).row());
      keyboard.text(ctx.t("refund-no-service-button"), "rr:s:-");
      await ctx.reply(ctx.t("refund-ask-service"), { reply_markup: keyboard });
      for (;;) {
        const input = await nextInput(conversation);
        if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
        if (input.kind === "button" && input.data === "rr:s:-") break;
        const match = input.kind === "button" ? /^rr:s:(\d+)$/.exec(input.data) : null;
        service = match ? services[Number(match[1])] : undefined;
        if (service !== undefined) break;
      }
    }
  }

  // 5. The summary to confirm.
  const summary = ctx.t("refund-summary", {
    stars: offer.stars,
    date: zonedDateTime(offer.paidAt, ctx.account?.language ?? "en", timeZoneOf(ctx.account)),
    amount: userMoney(ctx, amount),
    reason: ctx.t(`refund-reason-${reason}`),
    note: reasonText ? escapeHtml(reasonText) : "—",
    service: service ? escapeHtml(service) : "—",
  });
  await ctx.reply(summary, { reply_markup: new InlineKeyboard().text(ctx.t("refund-confirm-button"), "rr:ok").row().text(ctx.t("refund-cancel-button"), CANCEL) });
  for (;;) {
    const input = await nextInput(conversation);
    if (input.kind === "button" && input.data === CANCEL) return cancelled(input.ctx);
    if (input.kind === "button" && input.data === "rr:ok") break;
  }
  const chosen = { paymentId: offer.paymentId, amount, reason, reasonText, service };
  const result = await conversation.external((outer) => {
    const filed = outer.deps.refundRequests.file({
      requestKey,
      userId,
      paymentId: chosen.paymentId,
      amount: chosen.amount,
      reason: chosen.reason,
      ...(chosen.reasonText !== undefined ? { reasonText: chosen.reasonText } : {}),
      ...(chosen.service !== undefined ? { service: chosen.service } : {}),
    });
    return filed.ok ? { ok: true as const, id: filed.request.id } : { ok: false as const, reason: filed.reason };
  });
  if (!result.ok) {
    await ctx.reply(ctx.t(`refund-not-filed-${result.reason}`));
    return;
  }
  await ctx.reply(ctx.t("refund-filed", { id: String(result.id), amount: userMoney(ctx, amount) }), {
    reply_markup: new InlineKeyboard().text(ctx.t("refund-withdraw-button"), withdrawData(result.id)),
  });
}

export const refundRequestConversation = createConversation(requestFlow, { id: CONVERSATION, maxMillisecondsToWait: 30 * 60_000 });

/** The refunds screen: open requests (each can be withdrawn) and a new request. */
async function showRefunds(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const requests = ctx.deps.refundRequests.ofUser(account.id).slice(0, 5);
  const keyboard = new InlineKeyboard().text(ctx.t("refund-new-button"), NEW_REQUEST).row();
  const lines = [ctx.t("refund-screen-title")];
  for (const r of requests) {
    lines.push(ctx.t("refund-screen-line", { id: String(r.id), amount: userMoney(ctx, r.amount), status: ctx.t(`refund-status-${r.status}`) }));
    if (r.status === "open") keyboard.text(ctx.t("refund-withdraw-numbered-button", { id: String(r.id) }), withdrawData(r.id)).row();
  }
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, lines.join("\n"), keyboard);
}

export const refundRequestFeature = new BotComposer<BotContext>();

refundRequestFeature.command("refundrequest", showRefunds);
refundRequestFeature.callbackQuery(REFUNDS_SCREEN, async (ctx) => {
  await acknowledge(ctx);
  await showRefunds(ctx);
});
refundRequestFeature.callbackQuery(NEW_REQUEST, async (ctx) => {
  await acknowledge(ctx);
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CONVERSATION);
});
refundRequestFeature.callbackQuery(WITHDRAW, async (ctx) => {
  const account = ctx.account;
  const id = Number(WITHDRAW.exec(ctx.callbackQuery.data)?.[1]);
  if (!account) return acknowledge(ctx);
  const result = ctx.deps.refundRequests.withdraw(account.id, id);
  if (result.ok) {
    await acknowledge(ctx);
    await ctx.reply(ctx.t("refund-withdrawn", { id: String(id), amount: userMoney(ctx, result.request.amount) }));
    return;
  }
  await acknowledge(ctx, ctx.t(result.reason === "in_progress" ? "refund-withdraw-in-progress" : "refund-withdraw-closed"), true);
});
