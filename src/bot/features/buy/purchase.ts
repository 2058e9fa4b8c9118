import { Composer, InlineKeyboard } from "grammy";
import type { Activation, BuyOutcome, QuoteResult, ReserveResult } from "../../../domain/activations.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { dateTime, userMoney } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import { confirmButton, flowPick, otherCountriesButton } from "./buttons.ts";
import { placeCard, refreshCard, viewOf } from "./card.ts";
import { startBuying } from "./flow.ts";

/**
 * The purchase screens, outside the conversation: the press of Confirm confirms the quote in the
 * domain (ownership, age, price and duplicates are checked there, once; idempotent on the order
 * key), then the number is bought once and the card shown; each way a purchase can fail gets its
 * screen. A second press, a replayed update or a restart finds the same activation and buys
 * nothing more.
 */

const otherCountriesData = (orderKey: string) => otherCountriesButton.pack({ orderKey });

function failureScreen(ctx: FlowContext, key: string, orderKey: string | null, variables: Record<string, string | number> = {}) {
  const keyboard = new InlineKeyboard();
  if (orderKey !== null) keyboard.text(ctx.t("buy-other-countries-button"), otherCountriesData(orderKey)).row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  return showScreen(ctx, ctx.t(key, variables), keyboard);
}

/** What a press of Confirm shows for an order that already exists (a second press, a replay). */
async function showExisting(ctx: BotContext, activation: Activation): Promise<void> {
  if (activation.state === "reserving") {
    await acknowledge(ctx, ctx.t("buy-pending"), true);
    return;
  }
  if (activation.state === "failed") {
    await acknowledge(ctx, ctx.t("buy-failed-earlier"), true);
    return;
  }
  await acknowledge(ctx, ctx.t("buy-already-placed"));
  await refreshCard(ctx.api, ctx.deps.activations, activation.id, viewOf(ctx), ctx.log);
}

/**
 * The provider's price rose (or the catalog's did) since the user confirmed: nothing was charged;
 * the offer at its new price, with Confirm, or Top up when the balance is short.
 */
async function showNewPrice(ctx: BotContext, requote: QuoteResult, orderKey: string): Promise<void> {
  if (!requote.ok && requote.reason === "not_offered") return failureScreen(ctx, "buy-failed", orderKey);
  const { serviceCode, countryCode } = requote.ok ? requote.quote : (ctx.deps.purchases.quoteOf(orderKey, ctx.account?.id ?? 0) ?? { serviceCode: "", countryCode: "" });
  const language = ctx.account?.language ?? "en";
  const service = ctx.deps.catalog.service(serviceCode);
  const country = ctx.deps.catalog.country(countryCode);
  const price = requote.ok ? requote.quote.price : requote.price;
  const lines = [
    ctx.t("buy-price-rose", {
      service: escapeHtml(serviceName(service?.name ?? serviceCode, language)),
      country: escapeHtml(country ? `${flagOf(country.iso2)} ${countryName(country, language)}` : countryCode),
      price: userMoney(ctx, price),
      balance: userMoney(ctx, requote.available),
    }),
  ];
  const keyboard = new InlineKeyboard();
  if (requote.ok) {
    keyboard.text(ctx.t("buy-confirm-button", { price: userMoney(ctx, price) }), confirmButton.pack({ orderKey: requote.quote.orderKey })).row();
  } else {
    lines.push(ctx.t("buy-short-of-money", { missing: userMoney(ctx, requote.missing) }));
    keyboard.text(ctx.t("buy-topup-button"), MENU.topup).row();
  }
  keyboard.text(ctx.t("buy-other-countries-button"), otherCountriesData(orderKey)).row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  return showScreen(ctx, lines.join("\n\n"), keyboard);
}

async function explainReserveFailure(ctx: BotContext, result: Exclude<ReserveResult, { ok: true }>, orderKey: string): Promise<void> {
  const language = ctx.account?.language ?? "en";
  switch (result.reason) {
    case "insufficient_funds": {
      const keyboard = new InlineKeyboard().text(ctx.t("buy-topup-button"), MENU.topup).row().text(ctx.t("menu-back"), MENU.home);
      const text = ctx.t("buy-no-money", {
        price: userMoney(ctx, result.price),
        balance: userMoney(ctx, result.available),
        missing: userMoney(ctx, result.missing),
      });
      return showScreen(ctx, text, keyboard);
    }
    case "suspended":
      return failureScreen(ctx, "buy-suspended", null, { until: dateTime(result.until, language) });
    case "out_of_stock":
      return failureScreen(ctx, "buy-out-of-stock", orderKey);
    case "not_offered":
      return failureScreen(ctx, "buy-not-offered", orderKey);
    case "account_not_active":
      return failureScreen(ctx, "buy-account-inactive", null);
    case "price_changed":
      if (result.requote) return showNewPrice(ctx, result.requote, orderKey);
      return showScreen(
        ctx,
        ctx.t("buy-price-changed", { price: userMoney(ctx, result.price) }),
        new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy),
      );
  }
}

async function explainBuyOutcome(ctx: BotContext, outcome: BuyOutcome, orderKey: string): Promise<void> {
  if (outcome.ok) return placeCard(ctx, outcome.activation);
  const failure = { reason: outcome.reason, activation: outcome.activation.id, failure: "failure" in outcome ? outcome.failure : undefined };
  switch (outcome.reason) {
    case "pending":
      ctx.log.warn(failure, "purchase left pending; the recovery job will settle it");
      return failureScreen(ctx, "buy-pending", null);
    case "already_settled": {
      const now = ctx.deps.activations.byId(outcome.activation.id) ?? outcome.activation;
      if (now.phone !== null && now.state !== "failed") return placeCard(ctx, now);
      return failureScreen(ctx, "buy-failed-earlier", null);
    }
    case "out_of_stock":
      return failureScreen(ctx, "buy-out-of-stock", orderKey);
    case "price_changed":
      ctx.log.info(failure, "the provider's price rose; the user is asked to confirm the new price");
      return showNewPrice(ctx, outcome.requote, orderKey);
    case "no_balance":
    case "bad_config":
      // The operator's side (provider balance, key, codes): the user can do nothing but wait.
      ctx.log.error(failure, "purchase failed at the provider; needs the operator");
      return failureScreen(ctx, "buy-unavailable", null);
    case "temporary":
    case "unrecognised":
      ctx.log.warn(failure, "purchase failed: the provider did not answer");
      return failureScreen(ctx, "buy-provider-timeout", orderKey);
    default:
      ctx.log.warn(failure, "purchase refused by the provider");
      return failureScreen(ctx, "buy-failed", orderKey);
  }
}

async function confirmPurchase(ctx: BotContext, orderKey: string): Promise<void> {
  if (!(await requireTerms(ctx))) return;
  const account = ctx.account;
  if (!account) return;
  const { purchases } = ctx.deps;
  const restart = new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy);
  // Ownership, age, price and duplicates are checked once, in the domain.
  const confirmed = purchases.confirm(orderKey, account.id);
  if (!confirmed.ok) {
    switch (confirmed.reason) {
      case "unknown_quote":
        await acknowledge(ctx, ctx.t("buy-stale-button"), true);
        return;
      case "quote_expired":
        await acknowledge(ctx);
        await showScreen(ctx, ctx.t("buy-order-expired"), restart);
        return;
      default:
        await acknowledge(ctx);
        return explainReserveFailure(ctx, confirmed, orderKey);
    }
  }
  if (confirmed.duplicate) return showExisting(ctx, confirmed.activation);
  await acknowledge(ctx, ctx.t("buy-getting-number"));
  ctx.log.info({ activation: confirmed.activation.id, service: confirmed.activation.serviceCode, country: confirmed.activation.countryCode }, "purchase reserved");
  // The buttons go at once, so that nothing on this message can be pressed while the provider answers.
  await showScreen(ctx, ctx.t("buy-in-progress"));
  const outcome = await purchases.buy(confirmed.activation.id);
  await explainBuyOutcome(ctx, outcome, orderKey);
}

/** "Other countries" after an out-of-stock or failed purchase: the flow again, at the countries of that service. */
async function otherCountries(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  const quote = account ? ctx.deps.purchases.quoteOf(orderKey, account.id) : undefined;
  if (!quote) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  await startBuying(ctx, { service: quote.serviceCode });
}
export const buyFeature = new Composer<BotContext>();

buyFeature.command("buy", (ctx) => startBuying(ctx));
buyFeature.callbackQuery(MENU.buy, (ctx) => startBuying(ctx));
buyFeature.callbackQuery(confirmButton.filter, (ctx) => confirmPurchase(ctx, confirmButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
buyFeature.callbackQuery(otherCountriesButton.filter, (ctx) => otherCountries(ctx, otherCountriesButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
// A flow button when no flow is waiting for it (it ended, timed out, or the data is forged).
buyFeature.callbackQuery(flowPick.anyOfPrefix, (ctx) => acknowledge(ctx, ctx.t("buy-stale-button"), true));
