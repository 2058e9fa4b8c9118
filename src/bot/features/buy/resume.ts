import { InlineKeyboard } from "grammy";
import type { FlowContext } from "../../context.ts";
import { MENU } from "../../keyboards.ts";
import { otherCountriesButton } from "./buttons.ts";
import { orderScreen, prepareOrder } from "./orderScreen.ts";

/**
 * After a top-up started from "not enough money": the same confirmation again, with the new
 * balance, so that one press of Confirm finishes the order. The order was stored when Top up was
 * pressed (domain/regulars.ts), so it survives the payment's round trip and a restart.
 * Returns false when no order was waiting.
 */
export async function showOrderAwaitingTopup(ctx: FlowContext): Promise<boolean> {
  const account = ctx.account;
  if (!account) return false;
  const waiting = ctx.deps.regulars.takeAwaitingTopup(account.id);
  if (!waiting) return false;
  const order = prepareOrder(ctx.deps, account.id, waiting.serviceCode, waiting.countryCode);
  if (!order.ok) {
    await ctx.reply(ctx.t("buy-resume-gone"), { reply_markup: new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy).text(ctx.t("menu-back"), MENU.home) });
    return true;
  }
  // Still short (a smaller top-up than needed): the order keeps waiting for the next one.
  if (order.orderKey === null) ctx.deps.regulars.awaitTopup(account.id, waiting.serviceCode, waiting.countryCode);
  const { text, keyboard } = orderScreen(ctx, order, MENU.topup);
  if (order.orderKey !== null) keyboard.text(ctx.t("buy-other-countries-button"), otherCountriesButton.pack({ orderKey: order.orderKey })).row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await ctx.reply(`${ctx.t("buy-resume-title")}\n\n${text}`, { reply_markup: keyboard });
  return true;
}
