import { InlineKeyboard } from "grammy";
import { BotComposer } from "../composer.ts";
import { callbackData, int } from "../callbackData.ts";
import { formatMoney } from "../../domain/money.ts";
import type { BotContext } from "../context.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";

/**
 * Deleting the account at the user's request (POLICY B2, B5): the balance is forfeited, the
 * history stays, names go. Reached from Settings; the confirmation names the amount at stake.
 */
export const accountFeature = new BotComposer<BotContext>();

export const ACCOUNT_DELETE = "acc:del";
const deleteConfirm = callbackData("acc:del:yes", { account: int() });

accountFeature.callbackQuery(ACCOUNT_DELETE, async (ctx) => {
  const account = ctx.account;
  if (!account) return;
  await acknowledge(ctx);
  const balance = formatMoney(ctx.deps.ledger.balanceOf(account.id).available, ctx.deps.currency, account.language);
  // The account id in the button: a confirmation from an older account can never delete a newer one.
  const keyboard = new InlineKeyboard()
    .text(ctx.t("account-delete-confirm-button"), deleteConfirm.pack({ account: account.id }))
    .row()
    .text(ctx.t("account-delete-keep-button"), MENU.settings);
  await showScreen(ctx, ctx.t("account-delete-confirm", { balance }), keyboard);
});

accountFeature.callbackQuery(deleteConfirm.filter, async (ctx) => {
  const account = ctx.account;
  if (!account || deleteConfirm.unpack(ctx.callbackQuery.data)?.account !== account.id) {
    await acknowledge(ctx, ctx.t("account-delete-gone"), true);
    return;
  }
  const result = ctx.deps.accountDeletion.delete(account.id, "request");
  if (!result.ok) {
    const key = result.reason === "open_holds" ? "account-delete-open-holds" : "account-delete-gone";
    await acknowledge(ctx, ctx.t(key), true);
    return;
  }
  ctx.log.info({ account: account.id, forfeited: result.forfeited }, "account deleted at the user's request");
  await acknowledge(ctx);
  const forfeited = formatMoney(result.forfeited, ctx.deps.currency, account.language);
  await showScreen(ctx, ctx.t("account-delete-done", { forfeited }));
});
