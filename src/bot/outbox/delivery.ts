import { Api, GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { Clock } from "../../clock.ts";
import type { Accounts, Language } from "../../domain/accounts.ts";
import type { Activations } from "../../domain/activations.ts";
import type { Broadcasts } from "../../domain/broadcasts.ts";
import type { Rentals } from "../../domain/rentals.ts";
import { rentalCardKeyboard, rentalCardText, rentalData, rentalLabels, rentalPhone, rentalSmsMessage, rentalTime, timeLeft } from "../features/rent/card.ts";
import { formatMoney, type Currency } from "../../domain/money.ts";
import type { NoticeVars, OutboxRow } from "../../domain/outbox.ts";
import type { RefundRequests } from "../../domain/refundRequests.ts";
import type { Support } from "../../domain/support.ts";
import { decisionKeyboard, requestVars } from "../features/refunds/render.ts";
import { broadcastScreen } from "../features/broadcast.ts";
import { cardKeyboard, cardText, cardData, labelsOf, nextStepsKeyboard, phoneOf, smsMessageText, type CardView } from "../features/buy/card.ts";
import { stockBackButton } from "../features/buy/buttons.ts";
import { countryName, flagOf, serviceName } from "../../domain/catalogNames.ts";
import { clockTime, dateTime, timeZoneOf, zonedDateTime } from "../format.ts";
import { escapeHtml } from "../html.ts";
import type { Translate, TranslateIn } from "../i18n.ts";
import { htmlByDefault, isNotModified } from "../respond.ts";
import type { Deliver, DeliveryResult } from "./sender.ts";

/**
 * How one outbox message becomes a Telegram call: rendered in the recipient's language at the
 * moment it is sent, then sent through an Api of its own *without* automatic retries (the sender
 * owns retries, so that a flood limit or an outage never holds other chats), and the answer
 * classified as sent, blocked, permanent or temporary.
 */

export interface DeliveryDeps {
  token: string;
  apiRoot: string;
  accounts: Accounts;
  activations: Activations;
  /** Absent where the bot does not rent (and in tests of other messages): rental messages are dropped. */
  rentals?: Rentals;
  broadcasts: Broadcasts;
  /** Optional only for tests of the sender that never queue these kinds. */
  refundRequests?: RefundRequests;
  support?: Support;
  currency: Currency;
  translate: TranslateIn;
  clock: Clock;
  /** The provider's early-cancel window, when known (the card's Cancel says from when it works). */
  earlyCancelMs?: number | undefined;
}

type Rendered =
  | { type: "send"; text: string; keyboard?: InlineKeyboard }
  | { type: "edit"; messageId: number; text: string; keyboard?: InlineKeyboard }
  | { type: "copy"; fromChatId: number; messageId: number }
  | { type: "skip"; reason: string };

/**
 * Values of a notice, formatted for the reader: money and times in their language, text escaped.
 * Dates are UTC unless the reader's `timeZone` is given (then with the zone named).
 */
export function formatVars(vars: NoticeVars | undefined, language: Language, currency: Currency, timeZone?: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(vars ?? {})) {
    if (typeof value === "number") out[name] = value;
    else if (typeof value === "string") out[name] = escapeHtml(value);
    else if ("money" in value) out[name] = formatMoney(value.money, currency, language);
    else if ("date" in value) out[name] = timeZone === undefined ? dateTime(value.date, language) : zonedDateTime(value.date, language, timeZone);
    else out[name] = clockTime(value.time, language);
  }
  return out;
}

export function createDelivery(deps: DeliveryDeps): Deliver {
  const api = new Api(deps.token, { apiRoot: deps.apiRoot });
  api.config.use(htmlByDefault);

  const languageOf = (row: OutboxRow): Language | undefined => {
    if (row.userId !== null) {
      const account = deps.accounts.byId(row.userId);
      return account && account.status !== "deleted" ? account.language : undefined;
    }
    return deps.accounts.findByTelegramId(row.chatId)?.language ?? "en";
  };

  const render = (row: OutboxRow, language: Language): Rendered => {
    const t: Translate = (key, variables) => deps.translate(language, key, variables);
    const account = row.userId !== null ? deps.accounts.byId(row.userId) : deps.accounts.findByTelegramId(row.chatId);
    const view: CardView = {
      t,
      language,
      currency: deps.currency,
      timeZone: timeZoneOf(account ? { timeZone: account.timeZone, language } : undefined),
      now: deps.clock(),
      earlyCancelMs: deps.earlyCancelMs,
    };
    const message = row.message;
    switch (message.kind) {
      case "notice":
        return { type: "send", text: t(message.key, formatVars(message.vars, language, deps.currency)) };
      case "activation-notice": {
        const activation = deps.activations.byId(message.activationId);
        if (!activation) return { type: "skip", reason: "no such activation" };
        const vars = { phone: escapeHtml(phoneOf(activation)), ...labelsOf(activation, language), ...formatVars(message.vars, language, deps.currency) };
        // A message about a number that has ended offers the next step, never a dead end.
        const ended = !["reserving", "waiting", "cancelling", "received"].includes(activation.state);
        return { type: "send", text: t(message.key, vars), ...(ended ? { keyboard: nextStepsKeyboard(activation, t) } : {}) };
      }
      case "stock-back": {
        const names = {
          service: escapeHtml(serviceName(message.serviceName, language)),
          country: `${flagOf(message.countryIso2)} ${escapeHtml(countryName({ name: message.countryName, iso2: message.countryIso2 }, language))}`,
        };
        return { type: "send", text: t("stock-back", names), keyboard: new InlineKeyboard().text(t("stock-back-button"), stockBackButton.pack({ id: message.watchId })) };
      }
      case "activation-sms": {
        const activation = deps.activations.byId(message.activationId);
        const sms = deps.activations.sms(message.activationId).find((row) => row.id === message.smsId);
        if (!activation || !sms) return { type: "skip", reason: "no such SMS" };
        return { type: "send", text: smsMessageText(activation, sms, view) };
      }
      case "activation-card": {
        const activation = deps.activations.byId(message.activationId);
        if (!activation || activation.cardChatId !== row.chatId || activation.cardMessageId === null) return { type: "skip", reason: "no card" };
        const keyboard = cardKeyboard(activation, view);
        return {
          type: "edit",
          messageId: activation.cardMessageId,
          text: cardText(activation, deps.activations.sms(activation.id), view),
          ...(keyboard ? { keyboard } : {}),
        };
      }
      case "activation-reminder": {
        const activation = deps.activations.byId(message.activationId);
        if (!activation || activation.state !== "waiting") return { type: "skip", reason: "no longer waiting" };
        return {
          type: "send",
          text: t("card-reminder", { phone: escapeHtml(phoneOf(activation)), ...labelsOf(activation, language) }),
          keyboard: new InlineKeyboard().text(t("card-cancel-button"), cardData.cancel(activation.id)),
        };
      }
      case "rental-notice": {
        const rentals = deps.rentals;
        const rental = rentals?.records.byId(message.rentalId);
        if (!rentals || !rental) return { type: "skip", reason: "no such rental" };
        // Rental times in the reader's zone, with the zone named.
        const vars = { phone: escapeHtml(rentalPhone(rental)), ...rentalLabels(rental, view), ...formatVars(message.vars, language, deps.currency, view.timeZone) };
        return { type: "send", text: t(message.key, vars) };
      }
      case "rental-sms": {
        const rentals = deps.rentals;
        const rental = rentals?.records.byId(message.rentalId);
        const sms = rentals?.records.sms(message.rentalId).find((row) => row.id === message.smsId);
        if (!rental || !sms) return { type: "skip", reason: "no such SMS" };
        return { type: "send", text: rentalSmsMessage(rental, sms, view) };
      }
      case "rental-card": {
        const rentals = deps.rentals;
        const rental = rentals?.records.byId(message.rentalId);
        if (!rentals || !rental || rental.cardChatId !== row.chatId || rental.cardMessageId === null) return { type: "skip", reason: "no card" };
        const keyboard = rentalCardKeyboard(rental, rentals, t);
        return { type: "edit", messageId: rental.cardMessageId, text: rentalCardText(rental, rentals, view), ...(keyboard ? { keyboard } : {}) };
      }
      case "rental-reminder": {
        const rentals = deps.rentals;
        const rental = rentals?.records.byId(message.rentalId);
        // Extended since (a new end) or ended: this reminder no longer holds.
        if (!rental || rental.state !== "active" || rental.endsAt !== message.endsAt) return { type: "skip", reason: "rental moved on" };
        return {
          type: "send",
          text: t("rent-reminder", { phone: escapeHtml(rentalPhone(rental)), ...rentalLabels(rental, view), left: timeLeft(rental.endsAt, view), until: rentalTime(rental.endsAt, view) }),
          keyboard: new InlineKeyboard().text(t("rent-extend-button"), rentalData.extend(rental.id)),
        };
      }
      case "broadcast": {
        const broadcast = deps.broadcasts.byId(message.broadcastId);
        if (!broadcast || broadcast.status === "cancelled") return { type: "skip", reason: "broadcast cancelled" };
        // POLICY B6 at send time too: opted out, blocked the bot, or blocked since the start.
        const account = row.userId !== null ? deps.accounts.byId(row.userId) : undefined;
        if (account && (account.status !== "active" || account.newsOptOut || account.botBlockedAt !== null)) return { type: "skip", reason: "no longer a subscriber" };
        if (broadcast.fromChatId !== null && broadcast.fromMessageId !== null) {
          return { type: "copy", fromChatId: broadcast.fromChatId, messageId: broadcast.fromMessageId };
        }
        // Stored as it is sent: the admin's HTML when Telegram accepted it at the preview, else escaped.
        return { type: "send", text: broadcast.text ?? "" };
      }
      case "refund-request": {
        const request = deps.refundRequests?.byId(message.requestId);
        if (!request || !deps.refundRequests) return { type: "skip", reason: "no such refund request" };
        const facts = deps.refundRequests.facts(request);
        const vars = { ...requestVars(t, language, deps.currency, facts, deps.accounts.byId(request.userId), deps.clock(), view.timeZone), ...formatVars(message.vars, language, deps.currency) };
        // The admins' copies of a request still open carry the decision buttons.
        const forAdmins = row.userId === null && request.status === "open";
        return { type: "send", text: t(message.key, vars), ...(forAdmins ? { keyboard: decisionKeyboard(t, request.id) } : {}) };
      }
      case "support": {
        const entry = deps.support?.byId(message.messageId);
        if (!entry) return { type: "skip", reason: "no such support message" };
        const text = escapeHtml(entry.text);
        if (entry.direction === "out") return { type: "send", text: t("support-user-answer", { text }) };
        const account = deps.accounts.byId(entry.userId);
        const name = account ? (account.username ? `@${account.username}` : [account.firstName, account.lastName].filter(Boolean).join(" ")) : "—";
        return { type: "send", text: t("paysupport-admin-notice", { accountId: String(entry.userId), user: escapeHtml(name), telegramId: String(account?.telegramId ?? "?"), text }) };
      }
      case "broadcast-progress": {
        const broadcast = deps.broadcasts.byId(message.broadcastId);
        if (!broadcast) return { type: "skip", reason: "no such broadcast" };
        const screen = broadcastScreen(t, broadcast, deps.broadcasts.counts(broadcast.id));
        if (broadcast.progressChatId !== row.chatId || broadcast.progressMessageId === null) {
          // The progress message was never recorded: the final report still reaches the admin.
          return broadcast.status === "running" ? { type: "skip", reason: "no progress message" } : { type: "send", text: screen.text };
        }
        return { type: "edit", messageId: broadcast.progressMessageId, text: screen.text, ...(screen.keyboard ? { keyboard: screen.keyboard } : {}) };
      }
    }
  };

  return async (row): Promise<DeliveryResult> => {
    const language = languageOf(row);
    if (language === undefined) return { status: "dropped", reason: "account deleted" };
    const rendered = render(row, language);
    try {
      switch (rendered.type) {
        case "skip":
          return { status: "dropped", reason: rendered.reason };
        case "send":
          await api.sendMessage(row.chatId, rendered.text, rendered.keyboard ? { reply_markup: rendered.keyboard } : {});
          break;
        case "copy":
          await api.copyMessage(row.chatId, rendered.fromChatId, rendered.messageId);
          break;
        case "edit":
          await api.editMessageText(row.chatId, rendered.messageId, rendered.text, { reply_markup: rendered.keyboard ?? { inline_keyboard: [] } });
          break;
      }
      return { status: "sent" };
    } catch (error) {
      const result = classify(error, rendered.type === "edit");
      if (result.status === "blocked" && row.userId !== null) deps.accounts.setBotBlocked(row.chatId, deps.clock());
      return result;
    }
  };
}

/** What a failed Telegram call means for the message. */
export function classify(error: unknown, edit: boolean): DeliveryResult {
  if (error instanceof GrammyError) {
    if (edit && isNotModified(error)) return { status: "sent" };
    if (error.error_code === 429) {
      return { status: "retry", error: error.description, retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 };
    }
    if (error.error_code === 403) return { status: "blocked" };
    if (error.error_code >= 500) return { status: "retry", error: `${error.error_code} ${error.description}` };
    // 400 and the like: the request itself is wrong (a chat that does not exist, a message that is gone).
    return { status: "failed", error: `${error.error_code} ${error.description}` };
  }
  if (error instanceof HttpError) return { status: "retry", error: error.message, unsure: true };
  throw error;
}
