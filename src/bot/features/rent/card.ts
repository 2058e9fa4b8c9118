import { GrammyError, InlineKeyboard, type Api } from "grammy";
import { ANY_RENT_SERVICE } from "../../../domain/numberProvider.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import { formatMoney } from "../../../domain/money.ts";
import type { Rental, RentalSmsRow } from "../../../domain/rentalRecords.ts";
import type { Rentals } from "../../../domain/rentals.ts";
import { DAY_MS, HOUR_MS } from "../../../domain/rentalRules.ts";
import type { Logger } from "../../../logger.ts";
import { callbackData, int, oneOf } from "../../callbackData.ts";
import type { FlowContext } from "../../context.ts";
import { minutesLeft, zonedClock, zonedDateTime } from "../../format.ts";
import { clip, escapeHtml } from "../../html.ts";
import { isNotModified } from "../../respond.ts";
import { viewOf, type CardView } from "../buy/card.ts";

/** The reader's view (language, money, time zone) is the same as an activation card's. */
export { viewOf };

/**
 * The rental card: one message per rental, redrawn in place as it changes (an SMS, an extension,
 * its end), with the buttons that fit its state. Rendering takes a view (translator, language,
 * currency), so that the outbox draws the same card and the same SMS messages.
 */

/**
 * The card's buttons, each carrying the rental id (checked against the presser): v show the card,
 * x cancel, e extend (choose a period), i inbox, p report a problem (ask), P report (confirmed),
 * f end early (ask), F end early (confirmed), c back to the card.
 */
export const rentalButton = callbackData("rnt", { action: oneOf("v", "x", "e", "i", "p", "P", "f", "F", "c"), id: int() });
export const rentalData = {
  open: (id: number) => rentalButton.pack({ action: "v", id }),
  cancel: (id: number) => rentalButton.pack({ action: "x", id }),
  extend: (id: number) => rentalButton.pack({ action: "e", id }),
  inbox: (id: number) => rentalButton.pack({ action: "i", id }),
  report: (id: number) => rentalButton.pack({ action: "p", id }),
  reportYes: (id: number) => rentalButton.pack({ action: "P", id }),
  end: (id: number) => rentalButton.pack({ action: "f", id }),
  endYes: (id: number) => rentalButton.pack({ action: "F", id }),
  back: (id: number) => rentalButton.pack({ action: "c", id }),
};

const SMS_TEXT_MAX = 3500;
const CARD_SMS_MAX = 3;
const CARD_SMS_TEXT_MAX = 200;

export function rentalPhone(rental: Rental): string {
  return rental.phone ? `+${rental.phone}` : "—";
}

/** A rentable service's name in the reader's language ("any service" named by the locale files); not escaped. */
export function rentServiceName(service: { code: string; name: string }, view: Pick<CardView, "t" | "language">): string {
  return service.code === ANY_RENT_SERVICE ? view.t("rent-any-service") : serviceName(service.name, view.language);
}

export function rentalLabels(rental: Rental, view: Pick<CardView, "t" | "language">): { service: string; country: string } {
  const country = countryName({ name: rental.countryName, iso2: rental.countryIso2 }, view.language);
  return { service: escapeHtml(rentServiceName({ code: rental.serviceCode, name: rental.serviceName }, view)), country: `${flagOf(rental.countryIso2)} ${escapeHtml(country)}` };
}

/** A moment of a rental in the reader's zone, with the zone named (as the activation card shows times). */
export function rentalTime(ms: number, view: Pick<CardView, "language" | "timeZone">): string {
  return zonedDateTime(ms, view.language, view.timeZone);
}

/**
 * "3 days left", "5 hours left", "12 minutes left": whole days from two days on, whole hours from
 * one hour on (both rounded down, so never more than is left), then minutes rounded up.
 */
export function timeLeft(until: number, view: Pick<CardView, "t" | "now">): string {
  const left = Math.max(0, until - view.now);
  if (left >= 2 * DAY_MS) return view.t("rent-left-days", { days: Math.floor(left / DAY_MS) });
  if (left >= HOUR_MS) return view.t("rent-left-hours", { hours: Math.floor(left / HOUR_MS) });
  return view.t("rent-left-minutes", { minutes: minutesLeft(view.now, until) });
}

/** "3 days" or "4 hours", in the reader's language. */
export function periodText(hours: number, view: Pick<CardView, "t">): string {
  return hours % 24 === 0 ? view.t("rent-period-days", { days: hours / 24 }) : view.t("rent-period-hours", { hours });
}

export function rentalSmsLine(sms: RentalSmsRow, view: CardView, max = CARD_SMS_TEXT_MAX): string {
  const text = escapeHtml(clip(sms.text, max));
  const when = rentalTime(sms.receivedAt, view);
  return sms.code ? view.t("rent-sms-line-code", { when, code: escapeHtml(sms.code), text }) : view.t("rent-sms-line", { when, text });
}

/** One SMS of a rented number as its own message. */
export function rentalSmsMessage(rental: Rental, sms: RentalSmsRow, view: CardView): string {
  const header = view.t("rent-sms-new", { phone: escapeHtml(rentalPhone(rental)), ...rentalLabels(rental, view), from: escapeHtml(sms.sender ?? "—") });
  const text = escapeHtml(clip(sms.text, SMS_TEXT_MAX));
  const body = sms.code ? view.t("card-sms-new-code", { code: escapeHtml(sms.code), text }) : view.t("card-sms-new-text", { text });
  return `${header}\n\n${body}`;
}

export interface RentalCardStore {
  records: Rentals["records"];
  canCancel(rental: Rental): boolean;
}

export function rentalCardText(rental: Rental, store: RentalCardStore, view: CardView): string {
  const { t } = view;
  const labels = rentalLabels(rental, view);
  const lines = [
    t("rent-card-title", labels),
    t("rent-card-number", { phone: escapeHtml(rentalPhone(rental)) }),
    t("rent-card-state", { state: t(`rent-state-${rental.state}`) }),
  ];
  const live = rental.state === "active" || rental.state === "cancelling" || rental.state === "ending";
  if (rental.endsAt !== null) {
    lines.push(live ? t("rent-card-until", { until: rentalTime(rental.endsAt, view), left: timeLeft(rental.endsAt, view) }) : t("rent-card-ended-at", { until: rentalTime(rental.endedAt ?? rental.endsAt, view) }));
  }
  const sms = store.records.sms(rental.id);
  const parts = [lines.join("\n")];
  if (sms.length === 0) {
    if (live) parts.push(t("rent-card-sms-none"));
  } else {
    const shown = sms.slice(-CARD_SMS_MAX).map((row) => rentalSmsLine(row, view));
    parts.push([t("rent-card-sms-title", { count: sms.length }), ...shown].join("\n"));
  }
  if (store.canCancel(rental) && rental.cancelUntil !== null) parts.push(t("rent-card-cancel-hint", { time: zonedClock(rental.cancelUntil, view.language, view.timeZone) }));
  const problem = store.records.openProblem(rental.id);
  if (problem) parts.push(t(`rent-card-problem-${problem.state}`, { when: rentalTime(problem.reportedAt, view) }));
  return parts.join("\n\n");
}

export function rentalCardKeyboard(rental: Rental, store: RentalCardStore, t: CardView["t"]): InlineKeyboard | undefined {
  if (rental.state !== "active") return undefined;
  const keyboard = new InlineKeyboard().text(t("rent-extend-button"), rentalData.extend(rental.id)).text(t("rent-inbox-button"), rentalData.inbox(rental.id)).row();
  if (!store.records.openProblem(rental.id)) keyboard.text(t("rent-report-button"), rentalData.report(rental.id));
  keyboard.text(t("rent-end-button"), rentalData.end(rental.id));
  if (store.canCancel(rental)) keyboard.row().text(t("rent-cancel-button"), rentalData.cancel(rental.id));
  return keyboard;
}


/** Redraws the card where it is; a failure is logged and swallowed (the SMS went out as its own message). */
export async function refreshRentalCard(api: Api, store: RentalCardStore, rentalId: number, view: CardView, logger: Logger): Promise<void> {
  const rental = store.records.byId(rentalId);
  if (!rental || rental.cardChatId === null || rental.cardMessageId === null) return;
  try {
    await api.editMessageText(rental.cardChatId, rental.cardMessageId, rentalCardText(rental, store, view), {
      parse_mode: "HTML",
      reply_markup: rentalCardKeyboard(rental, store, view.t) ?? { inline_keyboard: [] },
    });
  } catch (error) {
    if (isNotModified(error)) return;
    logger.warn({ err: error, rental: rental.id }, "could not update the rental card");
  }
}

/** Shows the card in place of the pressed message (or as a new one) and remembers where it is. */
export async function placeRentalCard(ctx: FlowContext, rental: Rental, fresh = false): Promise<void> {
  const store = ctx.deps.rentals;
  const view = viewOf(ctx);
  const text = rentalCardText(rental, store, view);
  const keyboard = rentalCardKeyboard(rental, store, view.t);
  const message = ctx.callbackQuery?.message;
  if (message && !fresh) {
    try {
      await ctx.editMessageText(text, { reply_markup: keyboard ?? { inline_keyboard: [] } });
      store.records.setCard(rental.id, message.chat.id, message.message_id);
      return;
    } catch (error) {
      if (isNotModified(error)) {
        store.records.setCard(rental.id, message.chat.id, message.message_id);
        return;
      }
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
    }
  }
  const sent = await ctx.reply(text, { reply_markup: keyboard });
  store.records.setCard(rental.id, sent.chat.id, sent.message_id);
}

/** The money of a rental, in the reader's terms. */
export function rentalMoney(amount: number, view: CardView): string {
  return formatMoney(amount, view.currency, view.language);
}

/** "My numbers" shows live rentals beside activations: their lines and a button to open each card. */
export function liveRentalsSection(ctx: FlowContext): { text: string; buttons: { label: string; data: string }[] } | undefined {
  const account = ctx.account;
  if (!account) return undefined;
  const live = ctx.deps.rentals.records.liveOfUser(account.id);
  if (live.length === 0) return undefined;
  const view = viewOf(ctx);
  const lines = live.map((rental) =>
    ctx.t("rent-mine-entry", { ...rentalLabels(rental, view), phone: escapeHtml(rentalPhone(rental)), state: ctx.t(`rent-state-${rental.state}`), until: rentalTime(rental.endsAt ?? rental.createdAt, view) }),
  );
  return {
    text: [ctx.t("rent-mine-title"), ...lines].join("\n\n"),
    buttons: live.map((rental) => ({ label: ctx.t("orders-open-button", { phone: rentalPhone(rental) }), data: rentalData.open(rental.id) })),
  };
}
