import { InlineKeyboard } from "grammy";
import type { FlowContext } from "./context.ts";

/** Callback data of the main menu and shared buttons. Each feature parses only its own prefix. */
export const MENU = {
  home: "m:home",
  buy: "m:buy",
  rent: "m:rent",
  topup: "m:topup",
  balance: "m:bal",
  history: "m:hist",
  settings: "m:set",
  help: "m:help",
  orders: "m:orders",
} as const;

export const TERMS_ACCEPT = "terms:accept";

/** "📱 My numbers", with how many are active when any are. */
export function myNumbersLabel(ctx: FlowContext): string {
  const active = ctx.account ? ctx.deps.activations.countOpenOfUser(ctx.account.id) : 0;
  return active > 0 ? ctx.t("menu-orders-active", { count: active }) : ctx.t("menu-orders");
}

export function mainMenuKeyboard(ctx: FlowContext): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy);
  // Renting is hidden where the provider cannot rent numbers for days (5sim).
  if (ctx.deps.rentals.offered) keyboard.text(ctx.t("menu-rent"), MENU.rent);
  return keyboard
    .row()
    .text(myNumbersLabel(ctx), MENU.orders)
    .row()
    .text(ctx.t("menu-topup"), MENU.topup)
    .text(ctx.t("menu-balance"), MENU.balance)
    .row()
    .text(ctx.t("menu-history"), MENU.history)
    .text(ctx.t("menu-settings"), MENU.settings)
    .row()
    .text(ctx.t("menu-help"), MENU.help);
}

export function backToMenuKeyboard(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("menu-back"), MENU.home);
}

export function termsKeyboard(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("terms-accept-button"), TERMS_ACCEPT);
}
