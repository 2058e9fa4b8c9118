import { InlineKeyboard } from "grammy";
import type { Language } from "../../../domain/accounts.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import type { BotDeps, FlowContext } from "../../context.ts";
import { userMoney } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { confirmButton } from "./buttons.ts";

/**
 * The confirmation of an order (step 3), drawn the same way inside the flow and outside it (after
 * a top-up, from "Buy again"). Preparing it makes a quote in the domain; only the quote's order
 * key goes on the Confirm button.
 */

export type Prepared =
  | {
      ok: true;
      /** null when the balance is short: no Confirm button, so no stored choice. */
      orderKey: string | null;
      service: { code: string; name: string };
      country: { code: string; name: string; iso2: string | null };
      price: number;
      available: number;
      missing: number;
    }
  | { ok: false };

/** Plain JSON (it crosses the conversation's replay log). */
export function prepareOrder(deps: BotDeps, userId: number, serviceCode: string, countryCode: string): Prepared {
  const service = deps.catalog.service(serviceCode);
  const country = deps.catalog.country(countryCode);
  const quoted = deps.purchases.quote(userId, serviceCode, countryCode);
  if (!service || !country || (!quoted.ok && quoted.reason === "not_offered")) return { ok: false };
  const shown = {
    service: { code: service.code, name: service.name },
    country: { code: country.code, name: country.name, iso2: country.iso2 },
  };
  if (quoted.ok) return { ok: true, orderKey: quoted.quote.orderKey, ...shown, price: quoted.quote.price, available: quoted.available, missing: 0 };
  return { ok: true, orderKey: null, ...shown, price: quoted.price, available: quoted.available, missing: quoted.missing };
}

function languageOf(ctx: FlowContext): Language {
  return ctx.account?.language ?? "en";
}

export function countryLabel(ctx: FlowContext, country: { name: string; iso2: string | null }): string {
  return `${flagOf(country.iso2)} ${countryName(country, languageOf(ctx))}`;
}

/**
 * The confirmation's text and buttons: Confirm when the balance covers the price, else how much
 * is missing and Top up (`topupData`: the flow's own button, or a plain one once the order is
 * remembered). The caller adds its way back.
 */
export function orderScreen(ctx: FlowContext, order: Extract<Prepared, { ok: true }>, topupData: string): { text: string; keyboard: InlineKeyboard } {
  const lines = [
    ctx.t("buy-confirm-title"),
    ctx.t("buy-confirm-details", {
      service: escapeHtml(serviceName(order.service.name, languageOf(ctx))),
      country: escapeHtml(countryLabel(ctx, order.country)),
      price: userMoney(ctx, order.price),
      balance: userMoney(ctx, order.available),
    }),
  ];
  const keyboard = new InlineKeyboard();
  if (order.orderKey === null) {
    lines.push(ctx.t("buy-short-of-money", { missing: userMoney(ctx, order.missing) }));
    keyboard.text(ctx.t("buy-topup-button"), topupData).row();
  } else {
    lines.push(ctx.t("buy-confirm-terms", { ttl: ctx.deps.settings.activationTtlMinutes }));
    keyboard.text(ctx.t("buy-confirm-button", { price: userMoney(ctx, order.price) }), confirmButton.pack({ orderKey: order.orderKey })).row();
  }
  return { text: lines.join("\n\n"), keyboard };
}
