import { randomBytes } from "node:crypto";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { KeyValue } from "../../../db/keyValue.ts";
import type { Language } from "../../../domain/accounts.ts";
import type { Activation, BuyOutcome, ReserveResult } from "../../../domain/activations.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import type { BotContext, BotDeps, FlowContext } from "../../context.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import { placeCard, refreshCard, viewOf } from "./card.ts";
import { dateTime, userMoney } from "../../format.ts";

/**
 * Buying a one-time number: service -> country -> confirmation, as a conversation, then the
 * purchase itself in a plain handler.
 *
 * Money safety: the conversation never buys. Showing the confirmation stores the user's choice
 * under a fresh random order key, and the Confirm button carries only that key. Pressing it ends
 * the flow; `confirmPurchase` then reserves (idempotent on the key) and buys once. A second press,
 * a replayed update or a restart finds the same activation and buys nothing more.
 */

const CONVERSATION_ID = "buy";
const PAGE_SIZE = 8;
/** A confirmation older than this asks the user to choose again (the price may have changed). */
const ORDER_TTL_MS = 30 * 60_000;
/** Stored choices are removed a day after they were shown (swept whenever a new one is stored). */
const ORDER_KEEP_MS = 24 * 3_600_000;
const SEARCH_MAX = 50;

/*
 * Callback data. Flow buttons carry the token of the screen they belong to (the flow's random id
 * and the screen's number), so a button from an older screen or an earlier flow, or a forged one,
 * is told apart from a current one. Indexes point into the list that screen showed.
 */
const FLOW_DATA = /^buy:([a-z0-9]{13,20}):(s|c|p|back|all)(?::(\d{1,4}))?$/;
const ORDER_KEY = "[A-Za-z0-9_-]{16}";
const CONFIRM_DATA = new RegExp(`^buy:ok:(${ORDER_KEY})$`);
const OTHER_COUNTRIES_DATA = new RegExp(`^buy:alt:(${ORDER_KEY})$`);
const confirmData = (orderKey: string) => `buy:ok:${orderKey}`;
const otherCountriesData = (orderKey: string) => `buy:alt:${orderKey}`;

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

// ---------------------------------------------------------------- the stored choice

const pendingOrderSchema = z.object({
  userId: z.number().int(),
  serviceCode: z.string(),
  countryCode: z.string(),
  price: z.number().int(),
  createdAt: z.number(),
});
type PendingOrder = z.infer<typeof pendingOrderSchema>;

function pendingOrders(deps: BotDeps): KeyValue {
  return new KeyValue(deps.store.db, "buy-order", deps.clock);
}

function storePendingOrder(deps: BotDeps, order: PendingOrder): string {
  const store = pendingOrders(deps);
  store.deleteOlderThan(deps.clock() - ORDER_KEEP_MS);
  const orderKey = randomToken(12);
  store.set(orderKey, JSON.stringify(order));
  return orderKey;
}

function readPendingOrder(deps: BotDeps, orderKey: string): PendingOrder | undefined {
  const raw = pendingOrders(deps).get(orderKey);
  if (raw === undefined) return undefined;
  try {
    const parsed = pendingOrderSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- what the screens show (plain JSON, made outside the replay)

interface ServiceItem {
  code: string;
  name: string;
}

interface ServicesData {
  items: ServiceItem[];
  page: number;
  pages: number;
  total: number;
}

function loadServices(deps: BotDeps, search: string | null, page: number): ServicesData {
  const found = deps.catalog.services({ ...(search !== null ? { search } : {}), page, pageSize: PAGE_SIZE });
  return { items: found.items.map((s) => ({ code: s.code, name: s.name })), page: found.page, pages: found.pages, total: found.total };
}

interface OfferItem {
  code: string;
  name: string;
  iso2: string | null;
  price: number;
  stock: number;
}

interface OffersData {
  service: ServiceItem | null;
  items: OfferItem[];
  page: number;
  pages: number;
  total: number;
}

function loadOffers(deps: BotDeps, serviceCode: string, page: number): OffersData {
  const service = deps.catalog.service(serviceCode);
  const found = deps.catalog.offersFor(serviceCode, { page, pageSize: PAGE_SIZE });
  return {
    service: service ? { code: service.code, name: service.name } : null,
    items: found.items.map((o) => ({ code: o.countryCode, name: o.country.name, iso2: o.country.iso2, price: o.price, stock: o.stock })),
    page: found.page,
    pages: found.pages,
    total: found.total,
  };
}

type Prepared =
  | {
      ok: true;
      /** null when the balance is short: no Confirm button, so no stored choice. */
      orderKey: string | null;
      service: ServiceItem;
      country: { code: string; name: string; iso2: string | null };
      price: number;
      available: number;
      missing: number;
    }
  | { ok: false };

function prepareOrder(deps: BotDeps, userId: number, serviceCode: string, countryCode: string): Prepared {
  const service = deps.catalog.service(serviceCode);
  const country = deps.catalog.country(countryCode);
  const offer = deps.catalog.offer(serviceCode, countryCode);
  if (!service || !country || !offer || offer.stock <= 0) return { ok: false };
  const available = deps.ledger.balanceOf(userId).available;
  const missing = Math.max(0, offer.price - available);
  const orderKey =
    missing > 0 ? null : storePendingOrder(deps, { userId, serviceCode, countryCode, price: offer.price, createdAt: deps.clock() });
  return {
    ok: true,
    orderKey,
    service: { code: service.code, name: service.name },
    country: { code: country.code, name: country.name, iso2: country.iso2 },
    price: offer.price,
    available,
    missing,
  };
}

// ---------------------------------------------------------------- the conversation

interface ServicesStep {
  step: "services";
  page: number;
  search: string | null;
}
interface CountriesStep {
  step: "countries";
  service: string;
  page: number;
  back: ServicesStep;
}
interface ConfirmStep {
  step: "confirm";
  service: string;
  country: string;
  back: CountriesStep;
}
type Step = ServicesStep | CountriesStep | ConfirmStep;

type Input =
  | { kind: "pick"; index: number; ctx: FlowContext }
  | { kind: "page"; page: number; ctx: FlowContext }
  | { kind: "back"; ctx: FlowContext }
  | { kind: "all"; ctx: FlowContext }
  | { kind: "search"; text: string; ctx: FlowContext };

type FlowConversation = Conversation<BotContext, FlowContext>;

function languageOf(ctx: FlowContext): Language {
  return ctx.account?.language ?? "en";
}

function countryLabel(ctx: FlowContext, country: { name: string; iso2: string | null }): string {
  return `${flagOf(country.iso2)} ${countryName(country, languageOf(ctx))}`;
}

/** Adds ◀ ▶ under a list when it has more than one page. */
function pager(keyboard: InlineKeyboard, ctx: FlowContext, token: string, page: number, pages: number): void {
  if (pages <= 1) return;
  if (page > 0) keyboard.text(ctx.t("buy-prev-button"), `buy:${token}:p:${page - 1}`);
  if (page < pages - 1) keyboard.text(ctx.t("buy-next-button"), `buy:${token}:p:${page + 1}`);
  keyboard.row();
}

/**
 * Waits for what the user does on the current screen. Buttons of this screen come back as an
 * input; anything else is answered here or passed on: card buttons go to their handlers without
 * ending the flow; Confirm, other menus and commands end it and are handled as usual.
 */
async function nextInput(conversation: FlowConversation, token: string, picks: number, pages: number): Promise<Input> {
  for (;;) {
    const ctx = await conversation.wait();
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      if (data.startsWith("act:")) return conversation.skip({ next: true });
      if (!data.startsWith("buy:") || CONFIRM_DATA.test(data) || OTHER_COUNTRIES_DATA.test(data)) return conversation.halt({ next: true });
      const match = FLOW_DATA.exec(data);
      if (!match || match[1] !== token) {
        await acknowledge(ctx, ctx.t("buy-stale-button"), true);
        continue;
      }
      const action = match[2];
      const arg = match[3] === undefined ? undefined : Number(match[3]);
      if ((action === "s" || action === "c") && arg !== undefined && arg < picks) {
        await acknowledge(ctx);
        return { kind: "pick", index: arg, ctx };
      }
      if (action === "p" && arg !== undefined && arg < pages) {
        await acknowledge(ctx);
        return { kind: "page", page: arg, ctx };
      }
      if ((action === "back" || action === "all") && arg === undefined) {
        await acknowledge(ctx);
        return { kind: action, ctx };
      }
      // The right screen, but data it never offered: forged. Nothing changes.
      await acknowledge(ctx, ctx.t("button-expired"), true);
      continue;
    }
    const text = ctx.message?.text;
    if (text !== undefined) {
      // A command leaves the flow and is handled as usual (/menu, /help, /buy again...).
      if (text.startsWith("/")) return conversation.halt({ next: true });
      const search = text.replace(/\s+/g, " ").trim().slice(0, SEARCH_MAX);
      if (search.length > 0) return { kind: "search", text: search, ctx };
    }
    if (ctx.message) {
      await ctx.reply(ctx.t("buy-type-hint"));
      continue;
    }
    // Not a message or a button (e.g. the user blocked the bot): not this flow's business.
    return conversation.skip({ next: true });
  }
}

async function buyFlow(conversation: FlowConversation, ctx: FlowContext, start?: unknown): Promise<void> {
  const userId = ctx.account?.id;
  if (userId === undefined) return;
  const flowId = await conversation.external(() => randomBytes(6).toString("hex"));
  let screen = 0;
  let view: FlowContext = ctx;
  /** A line shown above the next screen: why the user landed there. */
  let note: string | null = null;
  const home: ServicesStep = { step: "services", page: 0, search: null };
  let step: Step =
    typeof start === "object" && start !== null && "service" in start && typeof start.service === "string"
      ? { step: "countries", service: start.service, page: 0, back: home }
      : home;

  for (;;) {
    screen++;
    const token = `${flowId}${screen.toString(36)}`;
    // Widened on purpose: narrowing by assignment cannot follow the loop.
    const current = step as Step;

    if (current.step === "services") {
      let data: ServicesData = await conversation.external((outer) => loadServices(outer.deps, current.search, current.page));
      let search: string | null = current.search;
      if (search !== null && data.total === 0) {
        note = view.t("buy-search-none", { search: escapeHtml(search) });
        search = null;
        data = await conversation.external((outer) => loadServices(outer.deps, null, 0));
      }
      if (data.total === 0) {
        await showScreen(view, view.t("buy-nothing-on-sale"), new InlineKeyboard().text(view.t("menu-back"), MENU.home));
        return;
      }
      const keyboard = new InlineKeyboard();
      data.items.forEach((service, i) => {
        keyboard.text(serviceName(service.name, languageOf(view)), `buy:${token}:s:${i}`);
        if (i % 2 === 1 || i === data.items.length - 1) keyboard.row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      if (search !== null) keyboard.text(view.t("buy-all-services-button"), `buy:${token}:all`).row();
      keyboard.text(view.t("menu-back"), MENU.home);
      const lines = [view.t("buy-services-title")];
      if (note !== null) lines.push(note);
      if (search !== null) lines.push(view.t("buy-search-results", { search: escapeHtml(search), count: data.total }));
      if (data.pages > 1) lines.push(view.t("buy-page", { page: data.page + 1, pages: data.pages }));
      note = null;
      await showScreen(view, lines.join("\n\n"), keyboard);

      const input = await nextInput(conversation, token, data.items.length, data.pages);
      view = input.ctx;
      const here: ServicesStep = { step: "services", page: data.page, search };
      if (input.kind === "pick") {
        const picked: ServiceItem | undefined = data.items[input.index];
        if (picked) step = { step: "countries", service: picked.code, page: 0, back: here };
      } else if (input.kind === "page") step = { ...here, page: input.page };
      else if (input.kind === "search") step = { step: "services", page: 0, search: input.text };
      else step = home; // "all services"; Back here is the main menu button, handled outside
      continue;
    }

    if (current.step === "countries") {
      const data: OffersData = await conversation.external((outer) => loadOffers(outer.deps, current.service, current.page));
      if (!data.service || data.total === 0) {
        note = view.t("buy-service-sold-out", { service: escapeHtml(serviceName(data.service?.name ?? current.service, languageOf(view))) });
        step = current.back;
        continue;
      }
      const service: ServiceItem = data.service;
      const keyboard = new InlineKeyboard();
      data.items.forEach((offer, i) => {
        const label = view.t("buy-country-button", { country: countryLabel(view, offer), price: userMoney(view, offer.price), stock: offer.stock });
        keyboard.text(label, `buy:${token}:c:${i}`).row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      keyboard.text(view.t("buy-back-button"), `buy:${token}:back`);
      const lines = [view.t("buy-countries-title", { service: escapeHtml(serviceName(service.name, languageOf(view))) })];
      if (note !== null) lines.push(note);
      if (data.pages > 1) lines.push(view.t("buy-page", { page: data.page + 1, pages: data.pages }));
      note = null;
      await showScreen(view, lines.join("\n\n"), keyboard);

      const input = await nextInput(conversation, token, data.items.length, data.pages);
      view = input.ctx;
      const here: CountriesStep = { ...current, page: data.page };
      if (input.kind === "pick") {
        const picked: OfferItem | undefined = data.items[input.index];
        if (picked) step = { step: "confirm", service: service.code, country: picked.code, back: here };
      } else if (input.kind === "page") step = { ...here, page: input.page };
      else if (input.kind === "search") step = { step: "services", page: 0, search: input.text };
      else step = current.back;
      continue;
    }

    const order: Prepared = await conversation.external((outer) => prepareOrder(outer.deps, userId, current.service, current.country));
    if (!order.ok) {
      note = view.t("buy-country-sold-out");
      step = current.back;
      continue;
    }
    const lines = [
      view.t("buy-confirm-title"),
      view.t("buy-confirm-details", {
        service: escapeHtml(serviceName(order.service.name, languageOf(view))),
        country: escapeHtml(countryLabel(view, order.country)),
        price: userMoney(view, order.price),
        balance: userMoney(view, order.available),
      }),
    ];
    const keyboard = new InlineKeyboard();
    if (order.orderKey === null) {
      lines.push(view.t("buy-short-of-money", { missing: userMoney(view, order.missing) }));
      keyboard.text(view.t("buy-topup-button"), MENU.topup).row();
    } else {
      lines.push(view.t("buy-confirm-terms", { ttl: view.deps.config.activationTtlMinutes }));
      keyboard.text(view.t("buy-confirm-button", { price: userMoney(view, order.price) }), confirmData(order.orderKey)).row();
    }
    keyboard.text(view.t("buy-back-button"), `buy:${token}:back`);
    await showScreen(view, lines.join("\n\n"), keyboard);

    // Confirm and Top up end the flow inside nextInput; only Back and a typed search come back.
    const input = await nextInput(conversation, token, 0, 1);
    view = input.ctx;
    step = input.kind === "search" ? { step: "services", page: 0, search: input.text } : current.back;
  }
}

/** The flow; createBot installs it with the other flows, ahead of every command. */
export const buyConversation = createConversation(buyFlow, { id: CONVERSATION_ID, maxMillisecondsToWait: 30 * 60_000 });

// ---------------------------------------------------------------- entry points

async function startBuying(ctx: BotContext, start?: { service: string }): Promise<void> {
  if (!(await requireTerms(ctx))) return;
  const account = ctx.account;
  if (!account) return;
  const suspended = ctx.deps.activations.suspension(account.id);
  if (suspended) {
    // A message, not an alert: the explanation is longer than an alert may be (200 characters).
    await acknowledge(ctx);
    const text = ctx.t("buy-suspended", { until: dateTime(suspended.until, account.language) });
    await showScreen(ctx, text, new InlineKeyboard().text(ctx.t("menu-back"), MENU.home));
    return;
  }
  await acknowledge(ctx);
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CONVERSATION_ID, ...(start ? [start] : []));
}

// ---------------------------------------------------------------- the purchase (outside the conversation)

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
  const { activations, catalog } = ctx.deps;

  const existing = activations.byOrderKey(orderKey);
  if (existing) {
    if (existing.userId !== account.id) {
      await acknowledge(ctx, ctx.t("button-expired"), true);
      return;
    }
    await showExisting(ctx, existing);
    return;
  }
  const pending = readPendingOrder(ctx.deps, orderKey);
  if (!pending || pending.userId !== account.id) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  const restart = new InlineKeyboard().text(ctx.t("menu-buy"), MENU.buy);
  if (ctx.deps.clock() - pending.createdAt > ORDER_TTL_MS) {
    await acknowledge(ctx);
    await showScreen(ctx, ctx.t("buy-order-expired"), restart);
    return;
  }
  // The user agreed to the price shown; a higher one needs a new agreement.
  const offer = catalog.offer(pending.serviceCode, pending.countryCode);
  if (offer && offer.price > pending.price) {
    await acknowledge(ctx);
    await showScreen(ctx, ctx.t("buy-price-changed", { price: userMoney(ctx, offer.price) }), restart);
    return;
  }

  await acknowledge(ctx, ctx.t("buy-getting-number"));
  const reserved = activations.reserve({
    userId: account.id,
    serviceCode: pending.serviceCode,
    countryCode: pending.countryCode,
    orderKey,
    maxPrice: pending.price,
  });
  if (!reserved.ok) return explainReserveFailure(ctx, reserved, orderKey);
  if (reserved.duplicate) return showExisting(ctx, reserved.activation);
  ctx.log.info({ activation: reserved.activation.id, service: pending.serviceCode, country: pending.countryCode }, "purchase reserved");
  // The buttons go at once, so that nothing on this message can be pressed while the provider answers.
  await showScreen(ctx, ctx.t("buy-in-progress"));
  const outcome = await activations.buy(reserved.activation.id);
  await explainBuyOutcome(ctx, outcome, orderKey);
}

/** "Other countries" after an out-of-stock or failed purchase: the flow again, at the countries of that service. */
async function otherCountries(ctx: BotContext, orderKey: string): Promise<void> {
  const account = ctx.account;
  const pending = readPendingOrder(ctx.deps, orderKey);
  if (!account || !pending || pending.userId !== account.id) {
    await acknowledge(ctx, ctx.t("buy-stale-button"), true);
    return;
  }
  await startBuying(ctx, { service: pending.serviceCode });
}

export const buyFeature = new Composer<BotContext>();

buyFeature.command("buy", (ctx) => startBuying(ctx));
buyFeature.callbackQuery(MENU.buy, (ctx) => startBuying(ctx));
buyFeature.callbackQuery(CONFIRM_DATA, (ctx) => confirmPurchase(ctx, ctx.match[1] ?? ""));
buyFeature.callbackQuery(OTHER_COUNTRIES_DATA, (ctx) => otherCountries(ctx, ctx.match[1] ?? ""));
// A flow button when no flow is waiting for it (it ended, timed out, or the data is forged).
buyFeature.callbackQuery(/^buy:/, (ctx) => acknowledge(ctx, ctx.t("buy-stale-button"), true));
