import { BotComposer } from "../../composer.ts";
import { InlineKeyboard } from "grammy";
import { countryName, flagOf } from "../../../domain/catalogNames.ts";
import { ANY_RENT_SERVICE } from "../../../domain/numberProvider.ts";
import type { RentOutcome } from "../../../domain/rentals.ts";
import { callbackData, chars, int } from "../../callbackData.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { userMoney } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import {
  periodText,
  placeRentalCard,
  refreshRentalCard,
  rentServiceName,
  rentalButton,
  rentalData,
  rentalLabels,
  rentalPhone,
  rentalSmsLine,
  rentalTime,
  timeLeft,
  viewOf,
} from "./card.ts";

/**
 * Renting a number for days, as plain screens (no conversation: every step is in its button):
 * service -> country -> period (prices shown) -> confirmation (price, period, end date, balance,
 * the rules L3-L5, the documents notice L4) -> Confirm. Then the rental card and its buttons.
 * Every button is checked again on the server: a stale or forged one gets a clear answer.
 */
export const rentFeature = new BotComposer<BotContext>();

const code = chars("[A-Za-z0-9_.-]", 1, 16);
const servicePage = callbackData("rns", { page: int(4) });
const countryPick = callbackData("rnc", { service: code });
const periodPick = callbackData("rnh", { service: code, country: code });
const quotePick = callbackData("rnq", { service: code, country: code, hours: int(5) });
const rentConfirm = callbackData("rnok", { orderKey: chars("[A-Za-z0-9_-]", 16, 16) });
const inboxPage = callbackData("rni", { id: int(), page: int(4) });
const extendPick = callbackData("rne", { id: int(), hours: int(5) });
const extendConfirm = callbackData("rnx", { orderKey: chars("[A-Za-z0-9_-]", 16, 16) });

const SERVICES_PER_PAGE = 8;
const COUNTRIES_MAX = 30;
const INBOX_PAGE = 5;

function lang(ctx: FlowContext) {
  return ctx.account?.language ?? "en";
}

async function notOffered(ctx: FlowContext): Promise<void> {
  const text = ctx.t("rent-not-offered");
  if (ctx.callbackQuery) await acknowledge(ctx, text, true);
  else await ctx.reply(text);
}

/** The list of services that can be rented, a page at a time. */
async function showServices(ctx: FlowContext, requested = 0): Promise<void> {
  if (!(await requireTerms(ctx))) return;
  const { rentals } = ctx.deps;
  if (!rentals.offered) return notOffered(ctx);
  await acknowledge(ctx);
  const services = rentals.services();
  if (services.length === 0) {
    await showScreen(ctx, ctx.t("rent-no-offers"), new InlineKeyboard().text(ctx.t("menu-back"), MENU.home));
    return;
  }
  const view = viewOf(ctx);
  const pages = Math.ceil(services.length / SERVICES_PER_PAGE);
  const page = Math.min(Math.max(0, requested), pages - 1);
  const keyboard = new InlineKeyboard();
  for (const service of services.slice(page * SERVICES_PER_PAGE, (page + 1) * SERVICES_PER_PAGE)) {
    keyboard.text(ctx.t("rent-choice-button", { name: rentServiceName(service, view), price: userMoney(ctx, service.fromPrice) }), countryPick.pack({ service: service.code })).row();
  }
  if (page > 0) keyboard.text(ctx.t("buy-prev-button"), servicePage.pack({ page: page - 1 }));
  if (page < pages - 1) keyboard.text(ctx.t("buy-next-button"), servicePage.pack({ page: page + 1 }));
  if (pages > 1) keyboard.row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, ctx.t("rent-choose-service"), keyboard);
}

async function showCountries(ctx: FlowContext, serviceCode: string): Promise<void> {
  const { rentals } = ctx.deps;
  const service = rentals.rentService(serviceCode);
  const countries = rentals.countries(serviceCode).slice(0, COUNTRIES_MAX);
  if (!rentals.offered || !service || countries.length === 0) {
    await acknowledge(ctx, ctx.t("rent-stale-button"), true);
    return;
  }
  await acknowledge(ctx);
  const keyboard = new InlineKeyboard();
  for (const country of countries) {
    const name = `${flagOf(country.iso2)} ${countryName(country, lang(ctx))}${country.needsDocuments ? " 🪪" : ""}`;
    keyboard.text(ctx.t("rent-choice-button", { name, price: userMoney(ctx, country.fromPrice) }), periodPick.pack({ service: serviceCode, country: country.code })).row();
  }
  keyboard.text(ctx.t("menu-back"), servicePage.pack({ page: 0 }));
  const documents = countries.some((c) => c.needsDocuments) ? `\n\n${ctx.t("rent-documents-legend")}` : "";
  await showScreen(ctx, ctx.t("rent-choose-country", { service: escapeHtml(rentServiceName(service, viewOf(ctx))) }) + documents, keyboard);
}

async function showPeriods(ctx: FlowContext, serviceCode: string, countryCode: string): Promise<void> {
  const { rentals, catalog } = ctx.deps;
  const service = rentals.rentService(serviceCode);
  const country = catalog.country(countryCode);
  const periods = rentals.periods(serviceCode, countryCode);
  if (!rentals.offered || !service || !country || periods.length === 0) {
    await acknowledge(ctx, ctx.t("rent-stale-button"), true);
    return;
  }
  await acknowledge(ctx);
  const view = viewOf(ctx);
  const keyboard = new InlineKeyboard();
  for (const offer of periods) {
    keyboard.text(ctx.t("rent-choice-button", { name: periodText(offer.hours, view), price: userMoney(ctx, offer.price) }), quotePick.pack({ service: serviceCode, country: countryCode, hours: offer.hours })).row();
  }
  keyboard.text(ctx.t("menu-back"), countryPick.pack({ service: serviceCode }));
  const lines = [
    ctx.t("rent-choose-period", {
      service: escapeHtml(rentServiceName(service, view)),
      country: `${flagOf(country.iso2)} ${escapeHtml(countryName(country, lang(ctx)))}`,
    }),
  ];
  // L4: said before ordering.
  if (rentals.needsDocuments(country.iso2)) lines.push(ctx.t("rent-documents-notice"));
  await showScreen(ctx, lines.join("\n\n"), keyboard);
}

async function showQuote(ctx: FlowContext, serviceCode: string, countryCode: string, hours: number): Promise<void> {
  const account = ctx.account;
  if (!account || !(await requireTerms(ctx))) return;
  const { rentals, catalog } = ctx.deps;
  const result = rentals.quote(account.id, serviceCode, countryCode, hours);
  if (!result.ok) {
    if (result.reason === "not_offered") {
      await acknowledge(ctx, ctx.t("rent-stale-button"), true);
      return;
    }
    await acknowledge(ctx);
    const keyboard = new InlineKeyboard().text(ctx.t("buy-topup-button"), MENU.topup).row().text(ctx.t("menu-back"), periodPick.pack({ service: serviceCode, country: countryCode }));
    await showScreen(ctx, ctx.t("buy-no-money", { price: userMoney(ctx, result.price), balance: userMoney(ctx, result.available), missing: userMoney(ctx, result.missing) }), keyboard);
    return;
  }
  await acknowledge(ctx);
  const { quote } = result;
  const service = rentals.rentService(serviceCode) ?? { code: serviceCode, name: serviceCode };
  const country = catalog.country(countryCode);
  const view = viewOf(ctx);
  const parts = [
    ctx.t("rent-confirm", {
      service: escapeHtml(rentServiceName(service, view)),
      country: `${flagOf(country?.iso2 ?? null)} ${escapeHtml(countryName({ name: country?.name ?? countryCode, iso2: country?.iso2 ?? null }, lang(ctx)))}`,
      period: periodText(quote.hours, view),
      price: userMoney(ctx, quote.price),
      until: rentalTime(result.endsAt, view),
      left: timeLeft(result.endsAt, view),
      balance: userMoney(ctx, result.available),
    }),
  ];
  // P1, P2: a number for any service says what it may not be used for.
  if (serviceCode === ANY_RENT_SERVICE) parts.push(ctx.t("rent-any-terms"));
  if (result.needsDocuments) parts.push(ctx.t("rent-documents-notice"));
  parts.push(ctx.t("rent-rules", { minutes: Math.round(ctx.deps.provider.rentTerms.cancelWindowMs / 60_000) }));
  const keyboard = new InlineKeyboard()
    .text(ctx.t("rent-confirm-button", { price: userMoney(ctx, quote.price) }), rentConfirm.pack({ orderKey: quote.orderKey }))
    .row()
    .text(ctx.t("menu-back"), periodPick.pack({ service: serviceCode, country: countryCode }));
  await showScreen(ctx, parts.join("\n\n"), keyboard);
}

async function explainRent(ctx: BotContext, outcome: RentOutcome): Promise<void> {
  if (outcome.ok) return placeRentalCard(ctx, outcome.rental);
  const back = new InlineKeyboard().text(ctx.t("menu-rent"), MENU.rent);
  switch (outcome.reason) {
    case "pending":
      ctx.log.warn({ rental: outcome.rental.id }, "rent left pending; the recovery job will settle it");
      return showScreen(ctx, ctx.t("rent-pending"), back);
    case "already_settled": {
      const now = ctx.deps.rentals.records.byId(outcome.rental.id) ?? outcome.rental;
      if (now.phone !== null && now.state !== "failed") return placeRentalCard(ctx, now);
      return showScreen(ctx, ctx.t("buy-failed-earlier"), back);
    }
    case "out_of_stock":
      return showScreen(ctx, ctx.t("rent-out-of-stock"), back);
    case "no_balance":
    case "bad_config":
      ctx.log.error({ rental: outcome.rental.id, reason: outcome.reason }, "rent failed at the provider; needs the operator");
      return showScreen(ctx, ctx.t("buy-unavailable"), back);
    default:
      return showScreen(ctx, ctx.t("rent-failed"), back);
  }
}

async function confirmRent(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  if (!account || !(await requireTerms(ctx))) return;
  const { rentals } = ctx.deps;
  const confirmed = rentals.confirm(orderKey, account.id);
  const back = new InlineKeyboard().text(ctx.t("menu-rent"), MENU.rent);
  if (!confirmed.ok) {
    switch (confirmed.reason) {
      case "unknown_quote":
        return acknowledge(ctx, ctx.t("rent-stale-button"), true);
      case "insufficient_funds":
        await acknowledge(ctx);
        return showScreen(ctx, ctx.t("buy-no-money", { price: userMoney(ctx, confirmed.price), balance: userMoney(ctx, confirmed.available), missing: userMoney(ctx, confirmed.missing) }), new InlineKeyboard().text(ctx.t("buy-topup-button"), MENU.topup));
      case "quote_expired":
      case "price_changed":
        await acknowledge(ctx);
        return showScreen(ctx, ctx.t("rent-quote-expired"), back);
      case "account_not_active":
        await acknowledge(ctx);
        return showScreen(ctx, ctx.t("buy-account-inactive"), back);
      default:
        await acknowledge(ctx);
        return showScreen(ctx, ctx.t("rent-out-of-stock"), back);
    }
  }
  if (confirmed.duplicate) {
    const rental = confirmed.rental;
    if (rental.state === "reserving") return acknowledge(ctx, ctx.t("rent-pending"), true);
    if (rental.state === "failed") return acknowledge(ctx, ctx.t("buy-failed-earlier"), true);
    await acknowledge(ctx, ctx.t("buy-already-placed"));
    return refreshRentalCard(ctx.api, rentals, rental.id, viewOf(ctx), ctx.log);
  }
  await acknowledge(ctx, ctx.t("rent-in-progress"));
  await showScreen(ctx, ctx.t("rent-in-progress"));
  ctx.log.info({ rental: confirmed.rental.id }, "rental reserved");
  await explainRent(ctx, await rentals.rent(confirmed.rental.id));
}

// ---------------------------------------------------------------- the card's buttons

async function onCardButton(ctx: BotContext): Promise<void> {
  const pressed = rentalButton.unpack(ctx.callbackQuery?.data);
  const account = ctx.account;
  if (!pressed || !account) return acknowledge(ctx, ctx.t("button-expired"), true);
  const { rentals, rentalProblems } = ctx.deps;
  const rental = rentals.records.ofUserById(pressed.id, account.id);
  // Not this user's rental (or none): nothing about it is shown and nothing changes.
  if (!rental) return acknowledge(ctx, ctx.t("rent-not-found"), true);
  const view = viewOf(ctx);
  const live = rental.state === "active";
  switch (pressed.action) {
    case "v":
      await acknowledge(ctx);
      if (rental.cardChatId !== null && rental.cardMessageId !== null) {
        await ctx.api.editMessageReplyMarkup(rental.cardChatId, rental.cardMessageId, { reply_markup: undefined }).catch(() => undefined);
      }
      return placeRentalCard(ctx, rental, true);
    case "c":
      await acknowledge(ctx);
      return placeRentalCard(ctx, rental);
    case "i": {
      await acknowledge(ctx);
      // A message of its own: the card stays where it is.
      return showInbox(ctx, rental.id, 0, true);
    }
    case "x": {
      const outcome = await rentals.cancel(rental.id, account.id);
      if (outcome.ok) {
        await acknowledge(ctx);
        await placeRentalCard(ctx, outcome.rental);
        await ctx.reply(ctx.t("rent-cancelled", { amount: userMoney(ctx, outcome.refunded), phone: escapeHtml(rentalPhone(outcome.rental)) }));
        return;
      }
      const key = { not_found: "rent-not-found", not_active: "rent-not-active", window_closed: "rent-cancel-window-closed", has_sms: "rent-cancel-has-sms", refused: "rent-cancel-refused-now", temporary: "card-temporary" }[outcome.reason];
      await acknowledge(ctx, ctx.t(key), true);
      return refreshRentalCard(ctx.api, rentals, rental.id, view, ctx.log);
    }
    case "f":
      if (!live) return acknowledge(ctx, ctx.t("rent-not-active"), true);
      await acknowledge(ctx);
      // L3: told first that the unused time is not refunded.
      return showScreen(
        ctx,
        ctx.t("rent-end-ask", { phone: escapeHtml(rentalPhone(rental)), until: rentalTime(rental.endsAt ?? 0, view) }),
        new InlineKeyboard().text(ctx.t("rent-end-yes"), rentalData.endYes(rental.id)).row().text(ctx.t("rent-keep-button"), rentalData.back(rental.id)),
      );
    case "F": {
      const outcome = await rentals.endEarly(rental.id, account.id);
      if (outcome.ok) {
        await acknowledge(ctx);
        await placeRentalCard(ctx, outcome.rental);
        await ctx.reply(ctx.t("rent-ended", { phone: escapeHtml(rentalPhone(outcome.rental)) }));
        return;
      }
      return acknowledge(ctx, ctx.t(outcome.reason === "temporary" ? "rent-end-pending" : "rent-not-active"), true);
    }
    case "p":
      if (!live) return acknowledge(ctx, ctx.t("rent-not-active"), true);
      await acknowledge(ctx);
      return showScreen(
        ctx,
        ctx.t("rent-report-ask", { phone: escapeHtml(rentalPhone(rental)) }),
        new InlineKeyboard().text(ctx.t("rent-report-yes"), rentalData.reportYes(rental.id)).row().text(ctx.t("menu-back"), rentalData.back(rental.id)),
      );
    case "P": {
      const outcome = rentalProblems.report(rental.id, account.id);
      if (!outcome.ok) return acknowledge(ctx, ctx.t(outcome.reason === "not_found" ? "rent-not-found" : "rent-not-active"), true);
      await acknowledge(ctx, ctx.t(outcome.duplicate ? "rent-report-duplicate" : "rent-reported"), !outcome.duplicate);
      return placeRentalCard(ctx, rentals.records.byId(rental.id) ?? rental);
    }
    case "e":
      if (!live) return acknowledge(ctx, ctx.t("rent-extend-not-active"), true);
      await acknowledge(ctx);
      return showExtendPeriods(ctx, rental.id);
  }
}

async function showInbox(ctx: FlowContext, rentalId: number, page: number, fresh = false): Promise<void> {
  const { rentals } = ctx.deps;
  const rental = rentals.records.byId(rentalId);
  if (!rental) return;
  const view = viewOf(ctx);
  const inbox = rentals.records.smsPage(rentalId, page, INBOX_PAGE);
  const header = ctx.t("rent-inbox-title", { phone: escapeHtml(rentalPhone(rental)), ...rentalLabels(rental, view), count: inbox.total });
  const lines = inbox.items.map((sms) => rentalSmsLine(sms, view, 600));
  const parts = [header];
  if (inbox.pages > 1) parts.push(ctx.t("orders-page", { page: inbox.page + 1, pages: inbox.pages }));
  parts.push(lines.length > 0 ? lines.join("\n\n") : ctx.t("rent-inbox-empty"));
  const keyboard = new InlineKeyboard();
  if (inbox.page > 0) keyboard.text(ctx.t("buy-prev-button"), inboxPage.pack({ id: rentalId, page: inbox.page - 1 }));
  if (inbox.page < inbox.pages - 1) keyboard.text(ctx.t("buy-next-button"), inboxPage.pack({ id: rentalId, page: inbox.page + 1 }));
  if (inbox.pages > 1) keyboard.row();
  await showScreen(ctx, parts.join("\n\n"), keyboard.row().text(ctx.t("rent-card-button"), rentalData.open(rentalId)), { fresh });
}

async function showExtendPeriods(ctx: FlowContext, rentalId: number): Promise<void> {
  const { rentals } = ctx.deps;
  const rental = rentals.records.byId(rentalId);
  if (!rental) return;
  const view = viewOf(ctx);
  const periods = rentals.periods(rental.serviceCode, rental.countryCode);
  const keyboard = new InlineKeyboard();
  for (const offer of periods) {
    keyboard.text(ctx.t("rent-choice-button", { name: periodText(offer.hours, view), price: userMoney(ctx, offer.price) }), extendPick.pack({ id: rentalId, hours: offer.hours })).row();
  }
  keyboard.text(ctx.t("menu-back"), rentalData.back(rentalId));
  const text = periods.length > 0 ? ctx.t("rent-extend-choose", { phone: escapeHtml(rentalPhone(rental)), until: rentalTime(rental.endsAt ?? 0, view) }) : ctx.t("rent-extend-none");
  await showScreen(ctx, text, keyboard, { fresh: ctx.callbackQuery?.message?.message_id !== rental.cardMessageId });
}

async function onExtendPick(ctx: BotContext, rentalId: number, hours: number): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const result = await ctx.deps.rentals.quoteExtension(rentalId, account.id, hours);
  if (!result.ok) {
    if (result.reason === "insufficient_funds") {
      await acknowledge(ctx);
      await showScreen(ctx, ctx.t("buy-no-money", { price: userMoney(ctx, result.price), balance: userMoney(ctx, result.available), missing: userMoney(ctx, result.missing) }), new InlineKeyboard().text(ctx.t("buy-topup-button"), MENU.topup));
      return;
    }
    const key = { not_found: "rent-not-found", not_active: "rent-extend-not-active", not_offered: "rent-stale-button", refused: "rent-extend-refused" }[result.reason];
    return acknowledge(ctx, ctx.t(key), true);
  }
  await acknowledge(ctx);
  const view = viewOf(ctx);
  const rental = ctx.deps.rentals.records.byId(rentalId);
  await showScreen(
    ctx,
    ctx.t("rent-extend-confirm", {
      phone: escapeHtml(rental ? rentalPhone(rental) : ""),
      period: periodText(hours, view),
      price: userMoney(ctx, result.quote.price),
      until: rentalTime(result.endsAt, view),
      left: timeLeft(result.endsAt, view),
      balance: userMoney(ctx, result.available),
    }),
    new InlineKeyboard()
      .text(ctx.t("rent-extend-confirm-button", { price: userMoney(ctx, result.quote.price) }), extendConfirm.pack({ orderKey: result.quote.orderKey }))
      .row()
      .text(ctx.t("menu-back"), rentalData.back(rentalId)),
  );
}

async function onExtendConfirm(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const { rentals } = ctx.deps;
  const confirmed = rentals.confirmExtension(orderKey, account.id);
  if (!confirmed.ok) {
    if (confirmed.reason === "insufficient_funds") {
      await acknowledge(ctx);
      await showScreen(ctx, ctx.t("buy-no-money", { price: userMoney(ctx, confirmed.price), balance: userMoney(ctx, confirmed.available), missing: userMoney(ctx, confirmed.missing) }), new InlineKeyboard().text(ctx.t("buy-topup-button"), MENU.topup));
      return;
    }
    const key = { unknown_quote: "rent-stale-button", quote_expired: "rent-quote-expired", not_active: "rent-extend-not-active", account_not_active: "buy-account-inactive" }[confirmed.reason];
    return acknowledge(ctx, ctx.t(key), true);
  }
  if (confirmed.duplicate) return acknowledge(ctx, ctx.t(confirmed.extension.state === "reserving" ? "rent-extend-pending" : "buy-already-placed"), true);
  await acknowledge(ctx, ctx.t("rent-in-progress"));
  const outcome = await rentals.extend(confirmed.extension.id);
  const view = viewOf(ctx);
  if (outcome.ok) {
    // Where the extension was chosen on the card itself, the card is redrawn there: the news is its own message.
    const onCard = ctx.callbackQuery?.message?.message_id === outcome.rental.cardMessageId;
    await showScreen(ctx, ctx.t("rent-extended", { phone: escapeHtml(rentalPhone(outcome.rental)), until: rentalTime(outcome.rental.endsAt ?? 0, view), price: userMoney(ctx, outcome.extension.price) }), undefined, { fresh: onCard });
    await refreshRentalCard(ctx.api, rentals, outcome.rental.id, view, ctx.log);
    return;
  }
  if (outcome.reason === "pending") return showScreen(ctx, ctx.t("rent-extend-pending"));
  if (outcome.reason === "refused") return showScreen(ctx, ctx.t("rent-extend-refused"));
  await refreshRentalCard(ctx.api, rentals, outcome.rental.id, view, ctx.log);
}

/** "My rentals" (/rentals): the user's rentals, live first, each opening its card. */
async function showMyRentals(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const { rentals } = ctx.deps;
  const list = rentals.records.ofUser(account.id, 10);
  const view = viewOf(ctx);
  if (list.length === 0) {
    await showScreen(ctx, ctx.t("rent-mine-empty"), rentals.offered ? new InlineKeyboard().text(ctx.t("menu-rent"), MENU.rent) : undefined);
    return;
  }
  const keyboard = new InlineKeyboard();
  const lines = list.map((rental) => {
    if (rental.state === "active") keyboard.text(ctx.t("orders-open-button", { phone: rentalPhone(rental) }), rentalData.open(rental.id)).row();
    return ctx.t("rent-mine-entry", { ...rentalLabels(rental, view), phone: escapeHtml(rentalPhone(rental)), state: ctx.t(`rent-state-${rental.state}`), until: rentalTime(rental.endsAt ?? rental.createdAt, view) });
  });
  await showScreen(ctx, [ctx.t("rent-mine-title"), ...lines].join("\n\n"), keyboard);
}

rentFeature.command("rent", (ctx) => showServices(ctx));
rentFeature.callbackQuery(MENU.rent, (ctx) => showServices(ctx));
rentFeature.command("rentals", (ctx) => showMyRentals(ctx));
rentFeature.callbackQuery(servicePage.filter, (ctx) => showServices(ctx, servicePage.unpack(ctx.callbackQuery.data)?.page ?? 0));
rentFeature.callbackQuery(countryPick.filter, (ctx) => showCountries(ctx, countryPick.unpack(ctx.callbackQuery.data)?.service ?? ""));
rentFeature.callbackQuery(periodPick.filter, (ctx) => {
  const pick = periodPick.unpack(ctx.callbackQuery.data);
  return showPeriods(ctx, pick?.service ?? "", pick?.country ?? "");
});
rentFeature.callbackQuery(quotePick.filter, (ctx) => {
  const pick = quotePick.unpack(ctx.callbackQuery.data);
  return showQuote(ctx, pick?.service ?? "", pick?.country ?? "", pick?.hours ?? 0);
});
rentFeature.callbackQuery(rentConfirm.filter, (ctx) => confirmRent(ctx, rentConfirm.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
rentFeature.callbackQuery(rentalButton.filter, (ctx) => onCardButton(ctx));
rentFeature.callbackQuery(inboxPage.filter, async (ctx) => {
  const pick = inboxPage.unpack(ctx.callbackQuery.data);
  const rental = pick && ctx.account ? ctx.deps.rentals.records.ofUserById(pick.id, ctx.account.id) : undefined;
  if (!pick || !rental) return acknowledge(ctx, ctx.t("rent-not-found"), true);
  await acknowledge(ctx);
  return showInbox(ctx, rental.id, pick.page);
});
rentFeature.callbackQuery(extendPick.filter, (ctx) => {
  const pick = extendPick.unpack(ctx.callbackQuery.data);
  return onExtendPick(ctx, pick?.id ?? 0, pick?.hours ?? 0);
});
rentFeature.callbackQuery(extendConfirm.filter, (ctx) => onExtendConfirm(ctx, extendConfirm.unpack(ctx.callbackQuery.data)?.orderKey ?? ""));
// Anything else under the rental prefixes was not made by this bot (or by an older version of it).
rentFeature.callbackQuery(/^rn[a-z]*(:|$)/, (ctx) => acknowledge(ctx, ctx.t("rent-stale-button"), true));
