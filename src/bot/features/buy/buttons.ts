import { callbackData, chars, int, oneOf } from "../../callbackData.ts";

/*
 * The buttons of buying. Flow buttons carry the token of the screen they belong to (the flow's
 * random id and the screen's number), so a button from an older screen or an earlier flow, or a
 * forged one, is told apart from a current one. Indexes point into the list that screen showed.
 * Confirm and "Other countries" carry the order key of a quote (domain/purchases.ts).
 */
const screenToken = chars("[a-z0-9]", 13, 20);
/** s: pick a service, c: pick a country, p: go to a page. */
export const flowPick = callbackData("buy", { token: screenToken, action: oneOf("s", "c", "p"), index: int(4) });
/** back, all services, star the service, sort the countries, top up for this order, tell me when it is back. */
export const flowStep = callbackData("buy", { token: screenToken, action: oneOf("back", "all", "star", "sort", "topup", "watch") });
const orderKey = chars("[A-Za-z0-9_-]", 16, 16);
export const confirmButton = callbackData("buy:ok", { orderKey });
export const otherCountriesButton = callbackData("buy:alt", { orderKey });

/*
 * Buttons that start buying again from outside the flow (an ended card, a refund message, a
 * back-in-stock notice, a failure screen). They end any open flow and are handled in purchase.ts.
 */
const id = int(15);
/** Same service and country as an earlier number: straight to the confirmation. */
export const buyAgainButton = callbackData("buy:again", { id });
/** Same service as an earlier number, another country: the country step. */
export const sameServiceButton = callbackData("buy:same", { id });
/** Retry a purchase that failed in a way that may pass (the provider did not answer). */
export const retryButton = callbackData("buy:retry", { id });
/** Top up for the order of a quote whose price the balance no longer covers; the order comes back after paying. */
export const topupForQuoteButton = callbackData("buy:topq", { orderKey });
/** "Tell me when it is back" for the service and country of a quote. */
export const watchStockButton = callbackData("buy:watch", { orderKey });
/** The button of a back-in-stock message: the confirmation of that service and country. */
export const stockBackButton = callbackData("buy:back", { id });

/** Buttons under the buy prefix that leave the flow and are handled outside it. */
export const leavesFlow: readonly { filter: RegExp }[] = [
  confirmButton,
  otherCountriesButton,
  buyAgainButton,
  sameServiceButton,
  retryButton,
  topupForQuoteButton,
  watchStockButton,
  stockBackButton,
];
