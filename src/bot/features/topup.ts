import { createConversation, type Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type Composer } from "grammy";
import { BotComposer } from "../composer.ts";
import { callbackData, int } from "../callbackData.ts";
import type { Topup } from "../../payments/stars.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { userMoney } from "../format.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";
import { requireTerms } from "./start.ts";
import { showOrderAwaitingTopup } from "./buy/resume.ts";

/**
 * Topping up with Telegram Stars: preset amounts or a typed one, an invoice whose payload is an
 * unguessable token, and the payment handlers. The payment handlers are a separate composer that
 * createBot installs before the conversations, so that no flow can swallow a payment.
 */

const preset = callbackData("top:s", { stars: int(9) });
const CUSTOM = "top:custom";
const CONVERSATION = "topup-amount";

/** The amounts to choose from; `forOrder` when the user came from an order they were short of money for. */
export async function showTopup(ctx: FlowContext, forOrder?: { missing: number }): Promise<void> {
  if (!(await requireTerms(ctx))) return;
  const { stars } = ctx.deps;
  const keyboard = new InlineKeyboard();
  stars.settings.presets.forEach((amount, i) => {
    keyboard.text(ctx.t("topup-button", { stars: amount, amount: userMoney(ctx, stars.quote(amount)) }), preset.pack({ stars: amount }));
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t("topup-custom-button"), CUSTOM).row().text(ctx.t("menu-back"), MENU.home);
  const title = ctx.t("topup-title");
  await showScreen(ctx, forOrder ? `${title}\n\n${ctx.t("topup-for-order", { missing: userMoney(ctx, forOrder.missing) })}` : title, keyboard);
}

/** Sends the Stars invoice for an open top-up. */
async function sendInvoice(ctx: FlowContext, topup: Topup): Promise<void> {
  const amount = userMoney(ctx, topup.creditMinor);
  await ctx.replyWithInvoice(
    ctx.t("topup-invoice-title"),
    ctx.t("topup-invoice-description", { amount, stars: topup.stars }),
    topup.payload,
    "XTR",
    [{ label: ctx.t("topup-invoice-label", { amount }), amount: topup.stars }],
  );
}

async function askAmount(conversation: Conversation<BotContext, FlowContext>, ctx: FlowContext): Promise<void> {
  const { minStars, maxStars } = ctx.deps.stars.settings;
  await ctx.reply(ctx.t("topup-ask-amount", { min: minStars, max: maxStars }));
  for (;;) {
    const answer = await conversation.waitFor("message:text", {
      otherwise: (other) => other.reply(other.t("topup-ask-amount", { min: minStars, max: maxStars })),
    });
    const text = answer.message.text;
    // A command leaves the flow and is handled as usual (/menu, /help...).
    if (text.startsWith("/")) await conversation.halt({ next: true });
    const check = ctx.deps.stars.checkAmount(text);
    if (!check.ok) {
      const key = { not_whole: "topup-not-whole", too_small: "topup-too-small", too_large: "topup-too-large" }[check.reason];
      await answer.reply(answer.t(key, { min: minStars, max: maxStars }));
      continue;
    }
    const userId = answer.account?.id;
    if (userId === undefined) return;
    const topup = await conversation.external(() => answer.deps.stars.createTopup(userId, check.stars));
    await sendInvoice(answer, topup);
    return;
  }
}

/** The typed-amount flow; createBot installs it with the other flows, ahead of every command. */
export const topupConversation = createConversation(askAmount, { id: CONVERSATION, maxMillisecondsToWait: 30 * 60_000 });

export const topupFeature = new BotComposer<BotContext>();

topupFeature.command("topup", (ctx) => showTopup(ctx));
topupFeature.callbackQuery(MENU.topup, async (ctx) => {
  await acknowledge(ctx);
  await showTopup(ctx);
});

topupFeature.callbackQuery(preset.filter, async (ctx) => {
  await acknowledge(ctx);
  if (!(await requireTerms(ctx))) return;
  const check = ctx.deps.stars.checkAmount(String(preset.unpack(ctx.callbackQuery.data)?.stars ?? ""));
  const account = ctx.account;
  if (!check.ok || !account) {
    await ctx.reply(ctx.t("button-expired"));
    return;
  }
  await sendInvoice(ctx, ctx.deps.stars.createTopup(account.id, check.stars));
});

topupFeature.callbackQuery(CUSTOM, async (ctx) => {
  await acknowledge(ctx);
  if (!(await requireTerms(ctx))) return;
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CONVERSATION);
});

const REFUSALS = {
  unknown: "precheckout-unknown",
  already_paid: "precheckout-paid",
  expired: "precheckout-expired",
  amount_mismatch: "precheckout-amount",
  not_allowed: "precheckout-blocked",
} as const;

/** pre_checkout_query and successful_payment: installed before every conversation. */
export function paymentsFeature(): Composer<BotContext> {
  const feature = new BotComposer<BotContext>();

  // Telegram waits at most 10 seconds for this answer: one indexed read, nothing else.
  feature.on("pre_checkout_query", async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const verdict = ctx.deps.stars.checkPreCheckout({
      payload: query.invoice_payload,
      currency: query.currency,
      totalAmount: query.total_amount,
      telegramId: query.from.id,
    });
    if (verdict.ok) {
      await ctx.answerPreCheckoutQuery(true);
      return;
    }
    ctx.log.info({ reason: verdict.reason, payload: query.invoice_payload }, "pre-checkout refused");
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t(REFUSALS[verdict.reason]) });
  });

  feature.on("message:successful_payment", async (ctx) => {
    const paid = ctx.message.successful_payment;
    const from = ctx.from;
    if (paid.currency !== "XTR") {
      ctx.log.error({ currency: paid.currency }, "payment in an unexpected currency");
      ctx.deps.outbox.toAdmins(
        { kind: "notice", key: "stars-unexpected-currency", vars: { telegramId: String(from.id), currency: paid.currency, charge: paid.telegram_payment_charge_id } },
        `stars-unexpected-currency:${paid.telegram_payment_charge_id}`,
      );
      return;
    }
    const record = ctx.deps.stars.recordPayment({
      chargeId: paid.telegram_payment_charge_id,
      payload: paid.invoice_payload,
      stars: paid.total_amount,
      telegramId: from.id,
      source: "update",
    });
    if (record.status === "no_account") {
      ctx.log.error({ charge: paid.telegram_payment_charge_id }, "paid but no account to credit");
      ctx.deps.outbox.toAdmins(
        { kind: "notice", key: "stars-no-account", vars: { telegramId: String(from.id), stars: paid.total_amount, charge: paid.telegram_payment_charge_id } },
        `stars-no-account:${paid.telegram_payment_charge_id}`,
      );
      await ctx.reply(ctx.t("topup-paid-no-account"));
      return;
    }
    if (record.status === "duplicate") {
      ctx.log.info({ charge: paid.telegram_payment_charge_id }, "payment already credited; update delivered again");
      return;
    }
    ctx.log.info({ charge: paid.telegram_payment_charge_id, stars: paid.total_amount, credit: record.creditMinor, frozen: record.frozen }, "top-up credited");
    // A blocked payer was told through the outbox, in the same transaction as the credit.
    if (record.frozen) return;
    const balance = ctx.deps.ledger.balanceOf(record.userId).available;
    const text = ctx.t("topup-paid", { stars: paid.total_amount, amount: userMoney(ctx, record.creditMinor), balance: userMoney(ctx, balance) });
    // Back to the order the top-up was for; otherwise the next useful buttons, never a dead end.
    if (ctx.account?.id === record.userId && ctx.account.termsAcceptedAt != null && ctx.deps.regulars.hasAwaitingTopup(record.userId)) {
      await ctx.reply(text);
      await showOrderAwaitingTopup(ctx);
      return;
    }
    await ctx.reply(text, { reply_markup: new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy).text(ctx.t("menu-back"), MENU.home) });
  });

  return feature;
}
