import { Composer, InlineKeyboard } from "grammy";
import { LANGUAGES } from "../../domain/accounts.ts";
import { callbackData, oneOf } from "../callbackData.ts";
import { ACCOUNT_DELETE } from "./account.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";

/** Language and the news opt-out (POLICY B6). */
export const settingsFeature = new Composer<BotContext>();

const CHOOSE_LANGUAGE = "set:lang";
const languagePick = callbackData("set:lang", { language: oneOf(...LANGUAGES) });
const newsSwitch = callbackData("set:news", { to: oneOf("on", "off") });

async function showSettings(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const language = ctx.t(`language-name-${account.language}`);
  const news = ctx.t(account.newsOptOut ? "settings-news-off" : "settings-news-on");
  const keyboard = new InlineKeyboard()
    .text(ctx.t("settings-language-button", { language }), CHOOSE_LANGUAGE)
    .row()
    .text(ctx.t(account.newsOptOut ? "settings-news-turn-on" : "settings-news-turn-off"), newsSwitch.pack({ to: account.newsOptOut ? "on" : "off" }))
    .row()
    .text(ctx.t("account-delete-button"), ACCOUNT_DELETE).row()
    .text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, ctx.t("settings-title", { language, news }), keyboard);
}

settingsFeature.command("settings", showSettings);
settingsFeature.callbackQuery(MENU.settings, async (ctx) => {
  await acknowledge(ctx);
  await showSettings(ctx);
});

settingsFeature.callbackQuery(CHOOSE_LANGUAGE, async (ctx) => {
  await acknowledge(ctx);
  const keyboard = new InlineKeyboard();
  for (const language of LANGUAGES) keyboard.text(ctx.t(`language-name-${language}`), languagePick.pack({ language }));
  keyboard.row().text(ctx.t("menu-back"), MENU.settings);
  await showScreen(ctx, ctx.t("settings-language-choose"), keyboard);
});

settingsFeature.callbackQuery(languagePick.filter, async (ctx) => {
  const choice = languagePick.unpack(ctx.callbackQuery.data)?.language;
  const account = ctx.account;
  if (!account || choice === undefined) {
    await acknowledge(ctx, ctx.t("button-expired"));
    return;
  }
  ctx.deps.accounts.setLanguage(account.id, choice);
  ctx.account = { ...account, language: choice, languageChosen: true };
  await ctx.i18n.renegotiateLocale();
  await acknowledge(ctx, ctx.t("settings-language-set"));
  await showSettings(ctx);
});

settingsFeature.callbackQuery(newsSwitch.filter, async (ctx) => {
  const account = ctx.account;
  if (!account) return;
  const optOut = newsSwitch.unpack(ctx.callbackQuery.data)?.to === "off";
  ctx.deps.accounts.setNewsOptOut(account.id, optOut);
  ctx.account = { ...account, newsOptOut: optOut };
  await acknowledge(ctx, ctx.t("settings-news-updated"));
  await showSettings(ctx);
});
