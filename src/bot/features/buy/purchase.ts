import { InlineKeyboard } from "grammy";
import { BotComposer } from "../../composer.ts";
import type { Activation, BuyOutcome, QuoteResult, ReserveResult } from "../../../domain/activations.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { timeZoneOf, userMoney, zonedDateTime } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import { showTopup } from "../topup.ts";
import {
  buyAgainButton,
  confirmButton,
  flowPick,
  otherCountriesButton,
  retryButton,
  sameServiceButton,
  stockBackButton,
  topupForQuoteButton,
  watchStockButton,
} from "./buttons.ts";
import { prepareOrder } from "./orderScreen.ts";
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

/**
 * Every failure screen of a purchase, drawn in one place: what happened in the user's terms, then
 * what makes sense next. Retry buys the same order again (when the failure may pass), "Other
 * countries" goes back to the countries of the service, "Tell me when it is back" watches a sold-out
 * country. A new kind of failure is one more case here and in its text.
 */
export interface FailureOffer {
  /** The quote the failed order came from: needed for "Other countries" and "Tell me when it is back". */
  orderKey: string | null;
  /** The failed activation, for Retry. */
  retryId?: number;
  watch?: boolean;
}

function failureScreen(ctx: FlowContext, key: string, offer: FailureOffer, variables: Record<string, string | number> = {}) {
  const keyboard = new InlineKeyboard();
  if (offer.retryId !== undefined) keyboard.text(ctx.t("buy-retry-button"), retryButton.pack({ id: offer.retryId })).row();
  if (offer.orderKey !== null && offer.watch) keyboard.text(ctx.t("buy-watch-button"), watchStockButton.pack({ orderKey: offer.orderKey })).row();
  if (offer.orderKey !== null) keyboard.text(ctx.t("buy-other-countries-button"), otherCountriesData(offer.orderKey)).row();
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
  if (!requote.ok && requote.reason === "not_offered") return failureScreen(ctx, "buy-failed", { orderKey });
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
      const keyboard = new InlineKeyboard()
        .text(ctx.t("buy-topup-button"), topupForQuoteButton.pack({ orderKey }))
        .row()
        .text(ctx.t("menu-back"), MENU.home);
      const text = ctx.t("buy-no-money", {
        price: userMoney(ctx, result.price),
        balance: userMoney(ctx, result.available),
        missing: userMoney(ctx, result.missing),
      });
      return showScreen(ctx, text, keyboard);
    }
    case "suspended":
      return failureScreen(ctx, "buy-suspended", { orderKey: null }, { until: zonedDateTime(result.until, language, timeZoneOf(ctx.account)) });
    case "out_of_stock":
      return failureScreen(ctx, "buy-out-of-stock", { orderKey, watch: true });
    case "not_offered":
      return failureScreen(ctx, "buy-not-offered", { orderKey, watch: true });
    case "account_not_active":
      return failureScreen(ctx, "buy-account-inactive", { orderKey: null });
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
      return failureScreen(ctx, "buy-pending", { orderKey: null });
    case "already_settled": {
      const now = ctx.deps.activations.byId(outcome.activation.id) ?? outcome.activation;
      if (now.phone !== null && now.state !== "failed") return placeCard(ctx, now);
      return failureScreen(ctx, "buy-failed-earlier", { orderKey: null });
    }
    case "out_of_stock":
      return failureScreen(ctx, "buy-out-of-stock", { orderKey, watch: true });
    case "price_changed":
      ctx.log.info(failure, "the provider's price rose; the user is asked to confirm the new price");
      return showNewPrice(ctx, outcome.requote, orderKey);
    case "no_balance":
    case "bad_config":
      // The operator's side (provider balance, key, codes): the user can do nothing but wait.
      ctx.log.error(failure, "purchase failed at the provider; needs the operator");
      return failureScreen(ctx, "buy-unavailable", { orderKey: null });
    case "temporary":
      // No answer in time, or the provider is down: trying again may well work.
      ctx.log.warn(failure, "purchase failed: the provider did not answer");
      return failureScreen(ctx, "buy-provider-timeout", { orderKey, retryId: outcome.activation.id });
    case "unrecognised":
      ctx.log.warn(failure, "purchase failed: the provider's answer could not be read");
      return failureScreen(ctx, "buy-provider-unreadable", { orderKey, retryId: outcome.activation.id });
    default:
      ctx.log.warn(failure, "purchase refused by the provider");
      return failureScreen(ctx, "buy-failed", { orderKey, retryId: outcome.activation.id });
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
/** An earlier number of this user, for the buttons that buy its service again. */
function ownActivation(ctx: BotContext, id: number | undefined) {
  const account = ctx.account;
  const activation = id === undefined || !account ? undefined : ctx.deps.activations.byId(id);
  return activation && account && activation.userId === account.id ? activation : undefined;
}

/** "Buy again" (straight to the confirmation) and "Same service, another country", from a card or a message. */
async function buyLike(ctx: BotContext, id: number | undefined, sameCountry: boolean): Promise<void> {
  const activation = ownActivation(ctx, id);
  if (!activation) {
    await acknowledge(ctx, ctx.t("card-not-found"), true);
    return;
  }
  await startBuying(ctx, { service: activation.serviceCode, ...(sameCountry ? { country: activation.countryCode } : {}), fresh: true });
}

/** Retry after a failure that may pass: the same service and country again, bought at once if the price has not gone up. */
async function retry(ctx: BotContext, id: number | undefined): Promise<void> {
  const failed = ownActivation(ctx, id);
  const account = ctx.account;
  if (!failed || !account || failed.state !== "failed") {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  if (!(await requireTerms(ctx))) return;
  const order = prepareOrder(ctx.deps, account.id, failed.serviceCode, failed.countryCode);
  if (order.ok && order.orderKey !== null && order.price <= failed.price) return confirmPurchase(ctx, order.orderKey);
  // Sold out, dearer, or the balance is short now: the confirmation says which, and offers what fits.
  await startBuying(ctx, { service: failed.serviceCode, country: failed.countryCode });
}

/** Top up for an order whose price the balance stopped covering; the order comes back after paying. */
async function topupForQuote(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  const quote = account ? ctx.deps.purchases.quoteOf(orderKey, account.id) : undefined;
  if (!account || !quote) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  await acknowledge(ctx);
  ctx.deps.regulars.awaitTopup(account.id, quote.serviceCode, quote.countryCode);
  const missing = Math.max(0, quote.price - ctx.deps.ledger.balanceOf(account.id).available);
  await showTopup(ctx, { missing });
}

/** "Tell me when it is back" on a failure screen. */
async function watchStock(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  const quote = account ? ctx.deps.purchases.quoteOf(orderKey, account.id) : undefined;
  if (!account || !quote) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  ctx.deps.regulars.watchStock(account.id, quote.serviceCode, quote.countryCode);
  await acknowledge(ctx, ctx.t("buy-watch-set"), true);
}

/** The button of a back-in-stock message. */
async function stockBack(ctx: BotContext, id: number | undefined): Promise<void> {
  const account = ctx.account;
  const watch = id === undefined || !account ? undefined : ctx.deps.regulars.watch(id, account.id);
  if (!watch) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  await startBuying(ctx, { service: watch.serviceCode, country: watch.countryCode, fresh: true });
}

/** `/buy whatsapp`: the services answering to the name (or its countries, when one does). */
function buyCommand(ctx: BotContext & { match: string }): Promise<void> {
  const search = ctx.match.replace(/\s+/g, " ").trim().slice(0, 50);
  return startBuying(ctx, search.length > 0 ? { search } : undefined);
}

export const buyFeature = new BotComposer<BotContext>();

buyFeature.command("buy", (ctx) => buyCommand(ctx));
buyFeature.callbackQuery(buyAgainButton.filter, (ctx) => buyLike(ctx, buyAgainButton.unpack(ctx.callbackQuery.data)?.id, true));
buyFeature.callbackQuery(sameServiceButton.filter, (ctx) => buyLike(ctx, sameServiceButton.unpack(ctx.callbackQuery.data)?.id, false));
buyFeature.callbackQuery(retryButton.filter, (ctx) => retry(ctx, retryButton.unpack(ctx.callbackQuery.data)?.id));
buyFeature.callbackQuery(topupForQuoteButton.filter, (ctx) => topupForQuote(ctx, topupForQuoteButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
buyFeature.callbackQuery(watchStockButton.filter, (ctx) => watchStock(ctx, watchStockButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
buyFeature.callbackQuery(stockBackButton.filter, (ctx) => stockBack(ctx, stockBackButton.unpack(ctx.callbackQuery.data)?.id));
buyFeature.callbackQuery(MENU.buy, (ctx) => startBuying(ctx));
buyFeature.callbackQuery(confirmButton.filter, (ctx) => confirmPurchase(ctx, confirmButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
buyFeature.callbackQuery(otherCountriesButton.filter, (ctx) => otherCountries(ctx, otherCountriesButton.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
// A flow button when no flow is waiting for it (it ended, timed out, or the data is forged).
buyFeature.callbackQuery(flowPick.anyOfPrefix, (ctx) => acknowledge(ctx, ctx.t("buy-stale-button"), true));

/**
 * Text typed outside any flow that names a service on sale ("whatsapp") starts buying it; the
 * catch-all for messages the bot does not understand comes after this. createBot installs it last.
 */
export const buyByTypedName = new BotComposer<BotContext>();
buyByTypedName.on("message:text", async (ctx, next) => {
  const text = ctx.message.text.replace(/\s+/g, " ").trim();
  if (text.startsWith("/") || text.length < 2 || text.length > 50 || ctx.account?.termsAcceptedAt == null) return next();
  if (ctx.deps.catalog.services({ search: text, pageSize: 1 }).total === 0) return next();
  await startBuying(ctx, { search: text });
});
