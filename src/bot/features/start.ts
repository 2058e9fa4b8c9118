import { BotComposer } from "../composer.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { userMoney } from "../format.ts";
import { escapeHtml } from "../html.ts";
import { mainMenuKeyboard, MENU, TERMS_ACCEPT, termsKeyboard } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";

/** /start, accepting the rules, and the main menu. */
export const startFeature = new BotComposer<BotContext>();

function displayName(ctx: FlowContext): string {
  return escapeHtml(ctx.from?.first_name ?? "");
}

export function hasAcceptedTerms(ctx: FlowContext): boolean {
  return ctx.account?.termsAcceptedAt != null;
}

async function showTerms(ctx: FlowContext): Promise<void> {
  const ttl = ctx.deps.settings.activationTtlMinutes;
  await ctx.reply(`${ctx.t("start-welcome", { name: displayName(ctx) })}\n\n${ctx.t("terms-summary", { ttl })}\n\n${ctx.t("terms-ask")}`, {
    reply_markup: termsKeyboard(ctx),
  });
}

export async function showMenu(ctx: FlowContext, options: { fresh?: boolean } = {}): Promise<void> {
  if (!hasAcceptedTerms(ctx)) {
    await showTerms(ctx);
    return;
  }
  const account = ctx.account;
  const available = account ? ctx.deps.ledger.balanceOf(account.id).available : 0;
  const balance = userMoney(ctx, available);
  await showScreen(ctx, ctx.t("menu-title", { balance }), mainMenuKeyboard(ctx), options);
}

/** Features that spend or add money call this first; it explains and returns false until the rules are accepted. */
export async function requireTerms(ctx: FlowContext): Promise<boolean> {
  if (hasAcceptedTerms(ctx)) return true;
  await acknowledge(ctx);
  await ctx.reply(ctx.t("terms-required"));
  return false;
}

startFeature.command("start", async (ctx) => {
  if (!hasAcceptedTerms(ctx)) {
    await showTerms(ctx);
    return;
  }
  await ctx.reply(ctx.t("start-welcome-back", { name: displayName(ctx) }));
  await showMenu(ctx);
});

startFeature.command("menu", (ctx) => showMenu(ctx));

startFeature.callbackQuery(MENU.home, async (ctx) => {
  await acknowledge(ctx);
  await showMenu(ctx);
});

startFeature.callbackQuery(TERMS_ACCEPT, async (ctx) => {
  await acknowledge(ctx);
  const account = ctx.account;
  if (!account) return;
  if (account.termsAcceptedAt == null) {
    ctx.account = ctx.deps.accounts.acceptTerms(account.id) ?? account;
    ctx.log.info({ account: account.id }, "terms accepted");
  }
  // The rules stay readable above; only the button goes away.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  await ctx.reply(ctx.t("terms-accepted"));
  await showMenu(ctx, { fresh: true });
});
