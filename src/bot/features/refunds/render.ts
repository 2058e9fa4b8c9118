import { InlineKeyboard } from "grammy";
import type { Account, Language } from "../../../domain/accounts.ts";
import { formatMoney, type Currency } from "../../../domain/money.ts";
import type { RequestFacts } from "../../../domain/refundRequests.ts";
import { zonedDateTime } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import type { Translate } from "../../i18n.ts";

/**
 * How a refund request reads, for its user and for the admins: one set of values for every text
 * about a request (the outbox's notices and the admins' screens), in the reader's language.
 */

export const adminData = {
  view: (id: number) => `rq:v:${id}`,
  approve: (id: number) => `rq:a:${id}`,
  whole: (id: number) => `rq:w:${id}`,
  outside: (id: number) => `rq:e:${id}`,
  refuseMenu: (id: number) => `rq:r:${id}`,
  refuse: (id: number, code: string) => `rq:x:${id}:${code}`,
};

/** The reason as the reader reads it: a W2 code in their language, or the admin's words, escaped. */
export function decisionText(t: Translate, note: string | null): string {
  if (note === null) return "—";
  return note.startsWith("W2:") ? t(`refund-refusal-${note.slice(3)}`) : escapeHtml(note);
}

/** The request's facts as text for a reader of `language` in `timeZone` (times carry the zone's name). */
export function requestVars(t: Translate, language: Language, currency: Currency, facts: RequestFacts, account: Account | undefined, now: number, timeZone = "UTC"): Record<string, string | number> {
  const { request, payment, deadline, since } = facts;
  const money = (minor: number) => formatMoney(minor, currency, language);
  const hours = Math.round(Math.abs(deadline - now) / 3_600_000);
  const name = account ? (account.username ? `@${account.username}` : [account.firstName, account.lastName].filter(Boolean).join(" ")) : "—";
  return {
    id: String(request.id),
    amount: money(request.amount),
    credited: money(payment.creditMinor),
    stars: payment.stars,
    charge: escapeHtml(payment.chargeId),
    paid: zonedDateTime(payment.paidAt, language, timeZone),
    reason: t(`refund-reason-${request.reason}`),
    note: request.reasonText ? escapeHtml(request.reasonText) : "—",
    service: request.service ? escapeHtml(request.service) : "—",
    user: `#${request.userId} (${escapeHtml(name)}, tg <code>${account?.telegramId ?? "?"}</code>)`,
    deadline: zonedDateTime(deadline, language, timeZone),
    left: now < deadline ? t("refund-left", { hours }) : t("refund-overdue-by", { hours }),
    purchases: since.purchases,
    spent: money(since.spent),
    refunded: money(since.refunded),
    decision: decisionText(t, request.decisionNote),
    status: t(`refund-status-${request.status}`),
  };
}

/** The admins' buttons under a request that is still open. */
export function decisionKeyboard(t: Translate, requestId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("refund-admin-approve-button"), adminData.approve(requestId)).text(t("refund-admin-refuse-button"), adminData.refuseMenu(requestId));
}
