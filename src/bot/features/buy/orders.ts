import { InlineKeyboard } from "grammy";
import { BotComposer } from "../../composer.ts";
import { callbackData, int } from "../../callbackData.ts";
import type { Activation } from "../../../domain/activations.ts";
import { formatMoney } from "../../../domain/money.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { escapeHtml } from "../../html.ts";
import type { Translate } from "../../i18n.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { dateTime, timeZoneOf, userZone } from "../../format.ts";
import { cardData, labelsOf, phoneOf, stateLabel } from "./card.ts";
import { liveRentalsSection } from "../rent/card.ts";

/**
 * "My numbers": the user's activations, newest first, a page at a time, with the codes received.
 * Open numbers get a button that brings their card back to the bottom of the chat.
 */
export const ordersFeature = new BotComposer<BotContext>();

/** Five entries with at most a few codes each keep a page far below Telegram's 4096 characters. */
const PAGE_SIZE = 5;
const CODES_MAX = 5;
const ordersPage = callbackData("ord:p", { page: int(6) });
/** `ordersPageData(0)` is the callback data of a "📱 My numbers" button. */
export const ordersPageData = (page: number) => ordersPage.pack({ page });

function isOpen(activation: Activation): boolean {
  return activation.state === "waiting" || activation.state === "received" || activation.state === "cancelling";
}

function entryText(ctx: FlowContext, activation: Activation): string {
  const language = ctx.account?.language ?? "en";
  const t: Translate = (key, variables) => ctx.t(key, variables);
  const sms = ctx.deps.activations.sms(activation.id);
  const codes = sms
    .map((row) => row.code)
    .filter((code): code is string => code !== null)
    .slice(-CODES_MAX)
    .map((code) => `<code>${escapeHtml(code)}</code>`);
  const lines = [
    t("orders-entry", {
      ...labelsOf(activation, language),
      date: dateTime(activation.createdAt, language, timeZoneOf(ctx.account)),
      phone: escapeHtml(phoneOf(activation)),
      state: stateLabel(activation, t),
      price: formatMoney(activation.price, ctx.deps.currency, language),
    }),
  ];
  if (codes.length > 0) lines.push(t("orders-codes", { codes: codes.join(", ") }));
  else if (sms.length > 0) lines.push(t("orders-sms-count", { count: sms.length }));
  return lines.join("\n");
}

async function showOrders(ctx: FlowContext, requested: number): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const { activations } = ctx.deps;
  const total = activations.countListedOfUser(account.id);
  // Rented numbers that are live are shown beside the activations, on every page.
  const rented = liveRentalsSection(ctx);
  if (total === 0 && rented) {
    const keyboard = new InlineKeyboard();
    for (const button of rented.buttons) keyboard.text(button.label, button.data).row();
    await showScreen(ctx, rented.text, keyboard.text(ctx.t("menu-back"), MENU.home));
    return;
  }
  if (total === 0) {
    const keyboard = new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy).row().text(ctx.t("menu-back"), MENU.home);
    await showScreen(ctx, ctx.t("orders-empty"), keyboard);
    return;
  }
  const pages = Math.ceil(total / PAGE_SIZE);
  // A page beyond the last (a stale or forged button) shows the last one.
  const page = Math.min(Math.max(0, requested), pages - 1);
  const items = activations.listedOfUser(account.id, PAGE_SIZE, page * PAGE_SIZE);
  const parts = [ctx.t("orders-title", { zone: userZone(ctx) })];
  if (pages > 1) parts.push(ctx.t("orders-page", { page: page + 1, pages }));
  parts.push(...items.map((activation) => entryText(ctx, activation)));
  if (rented) parts.push(rented.text);

  const keyboard = new InlineKeyboard();
  for (const activation of items.filter(isOpen)) {
    keyboard.text(ctx.t("orders-open-button", { phone: phoneOf(activation) }), cardData.open(activation.id)).row();
  }
  for (const button of rented?.buttons ?? []) keyboard.text(button.label, button.data).row();
  if (page > 0) keyboard.text(ctx.t("buy-prev-button"), ordersPageData(page - 1));
  if (page < pages - 1) keyboard.text(ctx.t("buy-next-button"), ordersPageData(page + 1));
  if (pages > 1) keyboard.row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, parts.join("\n\n"), keyboard);
}

ordersFeature.command("orders", (ctx) => showOrders(ctx, 0));
ordersFeature.callbackQuery(MENU.orders, async (ctx) => {
  await acknowledge(ctx);
  await showOrders(ctx, 0);
});

ordersFeature.callbackQuery(ordersPage.filter, async (ctx) => {
  await acknowledge(ctx);
  await showOrders(ctx, ordersPage.unpack(ctx.callbackQuery.data)?.page ?? 0);
});

// Anything else under our prefix was not made by this bot: a polite answer, nothing else.
ordersFeature.callbackQuery(/^ord(:|$)/, (ctx) => acknowledge(ctx, ctx.t("button-expired"), true));
