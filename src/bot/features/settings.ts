import { Composer, InlineKeyboard } from "grammy";
import { LANGUAGES, type Language } from "../../domain/accounts.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";

/** Language and the news opt-out (POLICY B6). */
export const settingsFeature = new Composer<BotContext>();

const LANGUAGE_PICK = /^set:lang:(\w+)$/;

async function showSettings(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const language = ctx.t(`language-name-${account.language}`);
  const news = ctx.t(account.newsOptOut ? "settings-news-off" : "settings-news-on");
  const keyboard = new InlineKeyboard()
    .text(ctx.t("settings-language-button", { language }), "set:lang")
    .row()
    .text(ctx.t(account.newsOptOut ? "settings-news-turn-on" : "settings-news-turn-off"), account.newsOptOut ? "set:news:on" : "set:news:off")
    .row()
    .text(ctx.t("account-delete-button"), "acc:del").row()
    .text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, ctx.t("settings-title", { language, news }), keyboard);
}

settingsFeature.command("settings", showSettings);
settingsFeature.callbackQuery(MENU.settings, async (ctx) => {
  await acknowledge(ctx);
  await showSettings(ctx);
});

settingsFeature.callbackQuery("set:lang", async (ctx) => {
  await acknowledge(ctx);
  const keyboard = new InlineKeyboard();
  for (const language of LANGUAGES) keyboard.text(ctx.t(`language-name-${language}`), `set:lang:${language}`);
  keyboard.row().text(ctx.t("menu-back"), MENU.settings);
  await showScreen(ctx, ctx.t("settings-language-choose"), keyboard);
});

settingsFeature.callbackQuery(LANGUAGE_PICK, async (ctx) => {
  const choice = ctx.match[1] as Language;
  const account = ctx.account;
  if (!account || !LANGUAGES.includes(choice)) {
    await acknowledge(ctx, ctx.t("button-expired"));
    return;
  }
  ctx.deps.accounts.setLanguage(account.id, choice);
  ctx.account = { ...account, language: choice, languageChosen: true };
  await ctx.i18n.renegotiateLocale();
  await acknowledge(ctx, ctx.t("settings-language-set"));
  await showSettings(ctx);
});

settingsFeature.callbackQuery(/^set:news:(on|off)$/, async (ctx) => {
  const account = ctx.account;
  if (!account) return;
  const optOut = ctx.match[1] === "off";
  ctx.deps.accounts.setNewsOptOut(account.id, optOut);
  ctx.account = { ...account, newsOptOut: optOut };
  await acknowledge(ctx, ctx.t("settings-news-updated"));
  await showSettings(ctx);
});
