import { InlineKeyboard } from "grammy";
import { BotComposer } from "../composer.ts";
import { LANGUAGES } from "../../domain/accounts.ts";
import { callbackData, int, oneOf } from "../callbackData.ts";
import { TIME_ZONES, timeZoneOf, zoneLabel } from "../format.ts";
import { ACCOUNT_DELETE } from "./account.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";

/** Language and the news opt-out (POLICY B6). */
export const settingsFeature = new BotComposer<BotContext>();

const CHOOSE_LANGUAGE = "set:lang";
const languagePick = callbackData("set:lang", { language: oneOf(...LANGUAGES) });
const newsSwitch = callbackData("set:news", { to: oneOf("on", "off") });
const CHOOSE_TIME_ZONE = "set:tz";
const timeZonePick = callbackData("set:tz", { index: int(2) });

/** "Moscow (GMT+3)": the zone's name in the reader's language and its offset now. */
function zoneName(ctx: FlowContext, zone: string): string {
  const index = TIME_ZONES.indexOf(zone);
  const language = ctx.account?.language ?? "en";
  const name = index >= 0 ? ctx.t(`tz-${index}`) : zone;
  const offset = zoneLabel(ctx.deps.clock(), language, zone);
  return offset === "UTC" && zone === "UTC" ? name : `${name} (${offset})`;
}

async function showSettings(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const language = ctx.t(`language-name-${account.language}`);
  const news = ctx.t(account.newsOptOut ? "settings-news-off" : "settings-news-on");
  const zone = zoneName(ctx, timeZoneOf(account));
  const keyboard = new InlineKeyboard()
    .text(ctx.t("settings-language-button", { language }), CHOOSE_LANGUAGE)
    .row()
    .text(ctx.t("settings-time-zone-button", { zone }), CHOOSE_TIME_ZONE)
    .row()
    .text(ctx.t(account.newsOptOut ? "settings-news-turn-on" : "settings-news-turn-off"), newsSwitch.pack({ to: account.newsOptOut ? "on" : "off" }))
    .row()
    .text(ctx.t("account-delete-button"), ACCOUNT_DELETE).row()
    .text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, `${ctx.t("settings-title", { language, news })}\n${ctx.t("settings-time-zone", { zone })}`, keyboard);
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

settingsFeature.callbackQuery(CHOOSE_TIME_ZONE, async (ctx) => {
  await acknowledge(ctx);
  const keyboard = new InlineKeyboard();
  TIME_ZONES.forEach((zone, index) => {
    keyboard.text(zoneName(ctx, zone), timeZonePick.pack({ index }));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t("menu-back"), MENU.settings);
  await showScreen(ctx, ctx.t("settings-time-zone-choose"), keyboard);
});

settingsFeature.callbackQuery(timeZonePick.filter, async (ctx) => {
  const zone = TIME_ZONES[timeZonePick.unpack(ctx.callbackQuery.data)?.index ?? -1];
  const account = ctx.account;
  if (!account || zone === undefined) {
    await acknowledge(ctx, ctx.t("button-expired"));
    return;
  }
  ctx.deps.accounts.setTimeZone(account.id, zone);
  ctx.account = { ...account, timeZone: zone };
  await acknowledge(ctx, ctx.t("settings-news-updated"));
  await showSettings(ctx);
});
