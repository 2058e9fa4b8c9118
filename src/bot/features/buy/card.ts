import { GrammyError, InlineKeyboard, type Api } from "grammy";
import { BotComposer } from "../../composer.ts";
import { callbackData, int, oneOf } from "../../callbackData.ts";
import type { Language } from "../../../domain/accounts.ts";
import { minutesLeft, timeZoneOf, zonedClock, zonedDateTime } from "../../format.ts";
import type { Activation, ActivationSmsRow, CodeActionOutcome, EndOutcome } from "../../../domain/activations.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import { formatMoney, type Currency } from "../../../domain/money.ts";
import type { Logger } from "../../../logger.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { clip, escapeHtml } from "../../html.ts";
import type { Translate } from "../../i18n.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, isNotModified } from "../../respond.ts";
import { buyAgainButton, sameServiceButton } from "./buttons.ts";

/**
 * The number card: one message per activation, edited in place as the activation moves (never on
 * a timer), with the buttons that fit its state. Also the handlers of those buttons. Rendering
 * takes a translator rather than a context, so that the outbox (src/bot/outbox/) draws the same card.
 */

/** What rendering needs: the user's language, a translator in it, the shop's currency. */
export interface CardView {
  t: Translate;
  language: Language;
  currency: Currency;
  /** The reader's time zone (Settings, or the default of their language). */
  timeZone: string;
  /** When the card is drawn: "17 minutes left" is counted from here. */
  now: number;
  /** The provider's early-cancel window, when known: Cancel says from when it works. */
  earlyCancelMs?: number | undefined;
}

export function viewOf(ctx: FlowContext): CardView {
  return {
    t: (key, variables) => ctx.t(key, variables),
    language: ctx.account?.language ?? "en",
    currency: ctx.deps.currency,
    timeZone: timeZoneOf(ctx.account),
    now: ctx.deps.clock(),
    earlyCancelMs: ctx.deps.provider.earlyCancelMs,
  };
}

/** When Cancel starts to work, if that is still ahead: what the provider said, or its known window from the purchase. */
export function cancelFrom(activation: Activation, view: Pick<CardView, "now" | "earlyCancelMs">): number | undefined {
  const from = activation.cancelAllowedAt ?? (view.earlyCancelMs ? activation.createdAt + view.earlyCancelMs : null);
  return from !== null && from > view.now ? from : undefined;
}

/**
 * The card's buttons; each carries the activation id, checked against the presser. Actions:
 * c cancel, b ban, r another SMS, f finish, v show the card again (from "My numbers", reminders).
 */
export const cardButton = callbackData("act", { action: oneOf("c", "b", "r", "f", "v", "u"), id: int() });
export const cardData = {
  cancel: (id: number) => cardButton.pack({ action: "c", id }),
  ban: (id: number) => cardButton.pack({ action: "b", id }),
  another: (id: number) => cardButton.pack({ action: "r", id }),
  finish: (id: number) => cardButton.pack({ action: "f", id }),
  open: (id: number) => cardButton.pack({ action: "v", id }),
  /** u: redraw the card where it is (time left, state). */
  refresh: (id: number) => cardButton.pack({ action: "u", id }),
};

/** SMS shown on the card, newest last; older ones are counted, and every one was also sent as its own message. */
const CARD_SMS_MAX = 5;
/** UTF-16 code units of one SMS text on the card. */
const SMS_TEXT_MAX = 300;


export function phoneOf(activation: Activation): string {
  return activation.phone ? `+${activation.phone}` : "—";
}

/** "Telegram" and "🇰🇿 Kazakhstan" in the user's language, escaped for HTML. */
export function labelsOf(activation: Activation, language: Language): { service: string; country: string } {
  const country = countryName({ name: activation.countryName, iso2: activation.countryIso2 }, language);
  return {
    service: escapeHtml(serviceName(activation.serviceName, language)),
    country: `${flagOf(activation.countryIso2)} ${escapeHtml(country)}`,
  };
}

export function stateLabel(activation: Activation, t: Translate): string {
  return t(`card-state-${activation.state}`);
}

/** One SMS: the code in <code> (one tap copies it), then the full text, escaped. */
export function smsLine(sms: ActivationSmsRow, t: Translate, max = SMS_TEXT_MAX): string {
  const text = escapeHtml(clip(sms.text, max));
  return sms.code ? t("card-sms-with-code", { code: escapeHtml(sms.code), text }) : t("card-sms-text", { text });
}

/** UTF-16 code units of an SMS text in its own message; Telegram's limit is 4096 and the frame needs a little. */
const SMS_MESSAGE_TEXT_MAX = 3500;

/** One SMS as its own message: which number it came to, then the code and the text. */
export function smsMessageText(activation: Activation, sms: ActivationSmsRow, view: CardView): string {
  const header = view.t("card-sms-new", { phone: escapeHtml(phoneOf(activation)), ...labelsOf(activation, view.language) });
  const text = escapeHtml(clip(sms.text, SMS_MESSAGE_TEXT_MAX));
  const body = sms.code ? view.t("card-sms-new-code", { code: escapeHtml(sms.code), text }) : view.t("card-sms-new-text", { text });
  return `${header}\n\n${body}`;
}

export function cardText(activation: Activation, sms: ActivationSmsRow[], view: CardView): string {
  const { t, language } = view;
  const labels = labelsOf(activation, language);
  const lines = [
    t("card-title", labels),
    t("card-number", { phone: escapeHtml(phoneOf(activation)) }),
    t("card-price", { price: formatMoney(activation.price, view.currency, language) }),
    t("card-state", { state: stateLabel(activation, t) }),
  ];
  const open = activation.state === "waiting" || activation.state === "received" || activation.state === "cancelling";
  if (open && activation.expiresAt !== null) {
    lines.push(t("card-expires", { time: zonedClock(activation.expiresAt, language, view.timeZone), minutes: minutesLeft(view.now, activation.expiresAt) }));
  }
  const parts = [lines.join("\n")];
  if (sms.length > 0) {
    const shown = sms.slice(-CARD_SMS_MAX);
    const smsLines = shown.map((row) => smsLine(row, t));
    const header = t("card-sms-title", { count: sms.length });
    const earlier = sms.length - shown.length;
    parts.push([header, ...(earlier > 0 ? [t("card-sms-earlier", { count: earlier })] : []), ...smsLines].join("\n"));
  } else if (activation.state === "waiting" || activation.state === "cancelling") {
    parts.push(t("card-sms-none", { service: labels.service }));
  }
  if (activation.state === "received") parts.push(t("card-hint-received"));
  return parts.join("\n\n");
}

const ENDED: ReadonlySet<Activation["state"]> = new Set(["finished", "cancelled", "banned", "expired", "failed"]);

/** Under an ended number and the messages that end one: buy the same again, or the same service elsewhere. */
export function buyAgainKeyboard(activation: Activation, t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("card-buy-again-button"), buyAgainButton.pack({ id: activation.id }))
    .text(t("card-same-service-button"), sameServiceButton.pack({ id: activation.id }));
}

/** The buttons of a message that ends a number: buy again, or the main menu; never a dead end. */
export function nextStepsKeyboard(activation: Activation, t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("card-buy-again-button"), buyAgainButton.pack({ id: activation.id })).text(t("menu-back"), MENU.home);
}

/**
 * Cancel / Ban before a code (Cancel saying from when, inside the provider's early-cancel window),
 * Another SMS / Finish after one, Refresh while open; Buy again / another country once it has ended.
 */
export function cardKeyboard(activation: Activation, view: CardView): InlineKeyboard | undefined {
  const { t } = view;
  if (activation.state === "waiting") {
    const from = cancelFrom(activation, view);
    const cancel = from === undefined ? t("card-cancel-button") : t("card-cancel-from-button", { time: zonedClock(from, view.language, view.timeZone) });
    return new InlineKeyboard()
      .text(cancel, cardData.cancel(activation.id))
      .text(t("card-ban-button"), cardData.ban(activation.id))
      .row()
      .text(t("card-refresh-button"), cardData.refresh(activation.id));
  }
  if (activation.state === "received") {
    return new InlineKeyboard()
      .text(t("card-another-button"), cardData.another(activation.id))
      .text(t("card-finish-button"), cardData.finish(activation.id))
      .row()
      .text(t("card-refresh-button"), cardData.refresh(activation.id));
  }
  if (ENDED.has(activation.state)) return buyAgainKeyboard(activation, t);
  return undefined;
}

export interface CardStore {
  byId(id: number): Activation | undefined;
  sms(activationId: number): ActivationSmsRow[];
}

/**
 * Redraws the card where `setCard` stored it. "Message is not modified" is success; any other
 * failure is logged and swallowed: the card is a convenience, the SMS went out as its own message.
 */
export async function refreshCard(api: Api, store: CardStore, activationId: number, view: CardView, logger: Logger): Promise<void> {
  const activation = store.byId(activationId);
  if (!activation || activation.cardChatId === null || activation.cardMessageId === null) return;
  try {
    await api.editMessageText(activation.cardChatId, activation.cardMessageId, cardText(activation, store.sms(activation.id), view), {
      parse_mode: "HTML",
      reply_markup: cardKeyboard(activation, view),
    });
  } catch (error) {
    if (isNotModified(error)) return;
    logger.warn({ err: error, activation: activation.id }, "could not update the number card");
  }
}

/** Sends the card as a new message and remembers it as the one to keep up to date. */
export async function sendCard(ctx: FlowContext, activation: Activation): Promise<void> {
  const view = viewOf(ctx);
  const sent = await ctx.reply(cardText(activation, ctx.deps.activations.sms(activation.id), view), {
    reply_markup: cardKeyboard(activation, view),
  });
  ctx.deps.activations.setCard(activation.id, sent.chat.id, sent.message_id);
}

/**
 * Turns the message a button was pressed on into the card (after Confirm), or sends a new one
 * when that message cannot be edited, and remembers where it is.
 */
export async function placeCard(ctx: FlowContext, activation: Activation): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (!message) return sendCard(ctx, activation);
  const view = viewOf(ctx);
  try {
    await ctx.editMessageText(cardText(activation, ctx.deps.activations.sms(activation.id), view), {
      reply_markup: cardKeyboard(activation, view),
    });
  } catch (error) {
    if (!isNotModified(error)) {
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      return sendCard(ctx, activation);
    }
  }
  ctx.deps.activations.setCard(activation.id, message.chat.id, message.message_id);
}

// ---------------------------------------------------------------- the buttons

/** The card and, when the button sat on another message (a reminder, an older copy), that message's buttons go. */
async function redraw(ctx: BotContext, activationId: number): Promise<void> {
  await refreshCard(ctx.api, ctx.deps.activations, activationId, viewOf(ctx), ctx.log);
  const pressed = ctx.callbackQuery?.message;
  const activation = ctx.deps.activations.byId(activationId);
  if (!pressed || !activation) return;
  if (pressed.message_id === activation.cardMessageId && pressed.chat.id === activation.cardChatId) return;
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
}

async function onEnd(ctx: BotContext, id: number, kind: "cancel" | "ban", userId: number): Promise<void> {
  const outcome: EndOutcome = await ctx.deps.activations.cancel(id, userId, kind);
  const language = ctx.account?.language ?? "en";
  if (outcome.ok) {
    await acknowledge(ctx);
    await redraw(ctx, id);
    const amount = formatMoney(outcome.refunded, ctx.deps.currency, language);
    await ctx.reply(ctx.t(kind === "ban" ? "card-banned-refunded" : "card-cancelled-refunded", { amount, phone: escapeHtml(phoneOf(outcome.activation)) }), {
      reply_markup: nextStepsKeyboard(outcome.activation, viewOf(ctx).t),
    });
    if (outcome.suspendedUntil !== undefined) {
      await ctx.reply(ctx.t("buy-suspended-now", { until: zonedDateTime(outcome.suspendedUntil, language, timeZoneOf(ctx.account)) }));
    }
    return;
  }
  switch (outcome.reason) {
    case "not_found":
      // Not this user's number (or no such number): nothing is shown about it and nothing changes.
      await acknowledge(ctx, ctx.t("card-not-found"), true);
      return;
    case "too_early":
      await acknowledge(ctx, ctx.t("card-too-early", { time: zonedClock(outcome.at, language, timeZoneOf(ctx.account)) }), true);
      // The card's Cancel now says from when it works.
      await redraw(ctx, id);
      return;
    case "has_code":
      await acknowledge(ctx, ctx.t("card-has-code"), true);
      break;
    case "ended":
      await acknowledge(ctx, ctx.t("card-ended"), true);
      break;
    case "busy":
      await acknowledge(ctx, ctx.t("card-busy"), true);
      return;
    case "not_yet_issued":
      await acknowledge(ctx, ctx.t("card-not-yet-issued"), true);
      return;
    case "temporary":
      await acknowledge(ctx, ctx.t("card-temporary"), true);
      break;
    case "unclear":
      await acknowledge(ctx, ctx.t("card-cancel-unclear"), true);
      break;
  }
  // The refusal may come from a state the card does not show yet (a code that just arrived).
  await redraw(ctx, id);
}

async function onCodeAction(ctx: BotContext, id: number, action: "another" | "finish", userId: number): Promise<void> {
  const { activations } = ctx.deps;
  const outcome: CodeActionOutcome = action === "another" ? await activations.requestAnotherSms(id, userId) : await activations.finish(id, userId);
  if (outcome.ok) {
    await acknowledge(ctx, ctx.t(action === "another" ? "card-another-requested" : "card-finished"));
    await redraw(ctx, id);
    return;
  }
  const key = {
    not_found: "card-not-found",
    no_code: "card-no-code-yet",
    ended: "card-ended",
    temporary: "card-temporary",
    unclear: "card-finish-unclear",
    refused: action === "another" ? "card-another-refused" : "card-finish-refused",
  }[outcome.reason];
  await acknowledge(ctx, ctx.t(key), true);
  if (outcome.reason !== "not_found") await redraw(ctx, id);
}

/** Refresh: the card redrawn where it is, time left counted again. */
async function onRefresh(ctx: BotContext, id: number, userId: number): Promise<void> {
  const activation = ctx.deps.activations.byId(id);
  if (!activation || activation.userId !== userId) {
    await acknowledge(ctx, ctx.t("card-not-found"), true);
    return;
  }
  await acknowledge(ctx, ctx.t("card-refreshed"));
  await redraw(ctx, id);
}

async function onOpen(ctx: BotContext, id: number, userId: number): Promise<void> {
  const activation = ctx.deps.activations.byId(id);
  if (!activation || activation.userId !== userId) {
    await acknowledge(ctx, ctx.t("card-not-found"), true);
    return;
  }
  await acknowledge(ctx);
  // The old card keeps its text but loses its buttons: one place to act on a number.
  if (activation.cardChatId !== null && activation.cardMessageId !== null) {
    await ctx.api.editMessageReplyMarkup(activation.cardChatId, activation.cardMessageId, { reply_markup: undefined }).catch(() => undefined);
  }
  await sendCard(ctx, activation);
}

export const cardFeature = new BotComposer<BotContext>();

cardFeature.callbackQuery(cardButton.filter, async (ctx) => {
  const pressed = cardButton.unpack(ctx.callbackQuery.data);
  const account = ctx.account;
  if (!account || !pressed || !Number.isSafeInteger(pressed.id)) {
    await acknowledge(ctx, ctx.t("button-expired"), true);
    return;
  }
  const { id } = pressed;
  switch (pressed.action) {
    case "c":
      return onEnd(ctx, id, "cancel", account.id);
    case "b":
      return onEnd(ctx, id, "ban", account.id);
    case "r":
      return onCodeAction(ctx, id, "another", account.id);
    case "f":
      return onCodeAction(ctx, id, "finish", account.id);
    case "u":
      return onRefresh(ctx, id, account.id);
    default:
      return onOpen(ctx, id, account.id);
  }
});

// Anything else under the card's prefix was not made by this bot (or by an older version of it).
cardFeature.callbackQuery(cardButton.anyOfPrefix, (ctx) => acknowledge(ctx, ctx.t("button-expired"), true));
