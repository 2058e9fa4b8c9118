import { GrammyError, InlineKeyboard, type Api } from "grammy";
import type { Account, Language } from "../../../domain/accounts.ts";
import type { Activation, ActivationSmsRow, ActivationUpdate } from "../../../domain/activations.ts";
import { formatMoney } from "../../../domain/money.ts";
import type { BotDeps } from "../../context.ts";
import { escapeHtml } from "../../html.ts";
import type { TranslateIn } from "../../notifier.ts";
import { cardData, clip, labelsOf, phoneOf, refreshCard, type CardView } from "./card.ts";

/** Code points of an SMS text in its own message; Telegram's limit is 4096 and the frame needs a little. */
const SMS_MESSAGE_TEXT_MAX = 3500;

type Sent = "sent" | "unreachable" | "failed";

/**
 * How the jobs (polling, expiry, reminders) reach the owner of an activation: each SMS as a new
 * message (so that the phone notifies), the refund when a number ends without a code, and the
 * card kept up to date. A user who blocked the bot never stops the job: the SMS counts as delivered.
 */
export class ActivationMessenger {
  constructor(
    private readonly api: Api,
    private readonly deps: BotDeps,
    private readonly translate: TranslateIn,
  ) {}

  /** One delivery at a time per activation, so that two jobs (poll, expiry) never send an SMS twice. */
  private readonly queues = new Map<number, Promise<void>>();

  deliver(update: ActivationUpdate): Promise<void> {
    const id = update.activation.id;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.deliverNow(update));
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  private async deliverNow(update: ActivationUpdate): Promise<void> {
    const { activations } = this.deps;
    const activationId = update.activation.id;
    const account = this.deps.accounts.byId(update.activation.userId);
    // Everything not yet delivered, not only this poll's: an SMS whose message failed earlier goes out now.
    const undelivered = activations.undelivered(activationId);
    if (!account || account.status === "deleted") {
      activations.markDelivered(undelivered.map((sms) => sms.id));
      return;
    }
    const view = this.viewFor(account.language);
    const activation = activations.byId(activationId) ?? update.activation;

    const delivered: number[] = [];
    for (const sms of undelivered) {
      const result = await this.send(account, this.smsText(activation, sms, view));
      if (result === "failed") continue;
      delivered.push(sms.id);
      if (result === "unreachable") {
        // Blocked: the rest would fail the same way; they stay readable on the card and in /orders.
        delivered.push(...undelivered.map((row) => row.id).filter((id) => !delivered.includes(id)));
        break;
      }
    }
    activations.markDelivered(delivered);

    if (update.refunded !== undefined) {
      const amount = formatMoney(update.refunded, this.deps.currency, account.language);
      const key = activation.state === "expired" ? "card-expired-refunded" : "card-ended-refunded";
      await this.send(account, view.t(key, { amount, phone: escapeHtml(phoneOf(activation)), ...labelsOf(activation, account.language) }));
    }
    await refreshCard(this.api, activations, activationId, view, this.deps.logger);
  }

  /** A6: no SMS yet; cancelling is free. Sent once per activation (the job marks it). */
  async remind(activation: Activation): Promise<void> {
    const account = this.deps.accounts.byId(activation.userId);
    if (!account || account.status === "deleted") return;
    const current = this.deps.activations.byId(activation.id) ?? activation;
    if (current.state !== "waiting") return;
    const view = this.viewFor(account.language);
    const text = view.t("card-reminder", { phone: escapeHtml(phoneOf(current)), ...labelsOf(current, account.language) });
    const keyboard = new InlineKeyboard().text(view.t("card-cancel-button"), cardData.cancel(current.id));
    await this.send(account, text, keyboard);
  }

  private viewFor(language: Language): CardView {
    return { t: (key, variables) => this.translate(language, key, variables), language, currency: this.deps.currency };
  }

  private smsText(activation: Activation, sms: ActivationSmsRow, view: CardView): string {
    const labels = labelsOf(activation, view.language);
    const header = view.t("card-sms-new", { phone: escapeHtml(phoneOf(activation)), ...labels });
    const text = escapeHtml(clip(sms.text, SMS_MESSAGE_TEXT_MAX));
    const body = sms.code ? view.t("card-sms-new-code", { code: escapeHtml(sms.code), text }) : view.t("card-sms-new-text", { text });
    return `${header}\n\n${body}`;
  }

  private async send(account: Account, text: string, keyboard?: InlineKeyboard): Promise<Sent> {
    try {
      await this.api.sendMessage(account.telegramId, text, { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) });
      return "sent";
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 403) {
        this.deps.logger.info({ account: account.id }, "the user has blocked the bot; activation message not delivered");
        return "unreachable";
      }
      this.deps.logger.warn({ err: error, account: account.id }, "could not send an activation message");
      return "failed";
    }
  }
}
