import { InlineKeyboard } from "grammy";
import { BotComposer } from "../composer.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { userMoney } from "../format.ts";
import { MENU, myNumbersLabel } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";
import { REFUNDS_SCREEN } from "./refunds/request.ts";
import { SUPPORT_SCREEN } from "./support.ts";

/** Help, the rules, and the balance: screens that only read. */
export const infoFeature = new BotComposer<BotContext>();

async function showHelp(ctx: FlowContext): Promise<void> {
  const active = ctx.account ? ctx.deps.activations.countOpenOfUser(ctx.account.id) : 0;
  const keyboard = new InlineKeyboard()
    .text(myNumbersLabel(ctx), MENU.orders)
    .row()
    .text(ctx.t("help-support-button"), SUPPORT_SCREEN)
    .text(ctx.t("help-refund-button"), REFUNDS_SCREEN)
    .row()
    .text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, ctx.t("help-text", { active }), keyboard);
}

async function showBalance(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const { available, held } = ctx.deps.ledger.balanceOf(account.id);
  const money = (amount: number) => userMoney(ctx, amount);
  const lines = [ctx.t("balance-text", { available: money(available) })];
  if (held > 0) lines.push(ctx.t("balance-held", { held: money(held) }));
  if (account.balanceFrozen) lines.push(ctx.t("balance-frozen"));
  const keyboard = new InlineKeyboard();
  if (!account.balanceFrozen) keyboard.text(ctx.t("menu-topup"), MENU.topup).text(ctx.t("menu-buy"), MENU.buy).row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, lines.join("\n"), keyboard);
}

infoFeature.command("help", showHelp);
infoFeature.callbackQuery(MENU.help, async (ctx) => {
  await acknowledge(ctx);
  await showHelp(ctx);
});

infoFeature.command("rules", (ctx) => ctx.reply(ctx.t("rules-text", { ttl: ctx.deps.settings.activationTtlMinutes })));

infoFeature.command("balance", showBalance);
infoFeature.callbackQuery(MENU.balance, async (ctx) => {
  await acknowledge(ctx);
  await showBalance(ctx);
});
