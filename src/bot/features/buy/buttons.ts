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
export const flowStep = callbackData("buy", { token: screenToken, action: oneOf("back", "all") });
const orderKey = chars("[A-Za-z0-9_-]", 16, 16);
export const confirmButton = callbackData("buy:ok", { orderKey });
export const otherCountriesButton = callbackData("buy:alt", { orderKey });
