import { randomBytes } from "node:crypto";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import type { Language } from "../../../domain/accounts.ts";
import { countryName, serviceName } from "../../../domain/catalogNames.ts";
import { cutText } from "../../../domain/text.ts";
import type { BotContext, BotDeps, FlowContext } from "../../context.ts";
import { timeZoneOf, userMoney, zonedDateTime } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import { showTopup } from "../topup.ts";
import { flowPick, flowStep, leavesFlow } from "./buttons.ts";
import { countryLabel, orderScreen, prepareOrder, type Prepared } from "./orderScreen.ts";
import { cardButton } from "./card.ts";

/**
 * Choosing a one-time number: service -> country -> confirmation, as a conversation. The
 * conversation never buys: showing the confirmation makes a quote in the domain
 * (domain/purchases.ts) under a fresh random order key, and the Confirm button carries only that
 * key. Pressing it ends the flow and is handled by purchase.ts.
 */

const CONVERSATION_ID = "buy";
const PAGE_SIZE = 8;
const SEARCH_MAX = 50;

// ---------------------------------------------------------------- what the screens show (plain JSON, made outside the replay)

interface ServiceItem {
  code: string;
  name: string;
  /** Shown first because the user starred it or bought it lately. */
  quick?: "favourite" | "recent";
}

interface ServicesData {
  items: ServiceItem[];
  page: number;
  pages: number;
  total: number;
}

/** How many of the user's own services (starred, then recent) come first on the first page. */
const QUICK_MAX = 4;

function loadServices(deps: BotDeps, userId: number, search: string | null, page: number): ServicesData {
  const found = deps.catalog.services({ ...(search !== null ? { search } : {}), page, pageSize: PAGE_SIZE });
  const items: ServiceItem[] = [];
  if (search === null && found.page === 0) {
    for (const quick of deps.regulars.quickServices(userId, QUICK_MAX)) {
      const service = deps.catalog.service(quick.code);
      if (!service || service.totalStock <= 0) continue;
      items.push({ code: service.code, name: service.name, quick: quick.favourite ? "favourite" : "recent" });
    }
  }
  items.push(...found.items.map((s) => ({ code: s.code, name: s.name })));
  return { items, page: found.page, pages: found.pages, total: found.total };
}

type CountrySort = "price" | "stock";

interface OfferItem {
  code: string;
  name: string;
  iso2: string | null;
  price: number;
  stock: number;
  /** Set when another offer on the list would read the same: what tells this one apart. */
  aside: string | null;
}

interface OffersData {
  service: ServiceItem | null;
  favourite: boolean;
  items: OfferItem[];
  page: number;
  pages: number;
  /** Offers on the list (after the typed filter). */
  total: number;
  /** Offers of the service in stock, before the filter. */
  all: number;
}

function matches(search: string, names: string[]): boolean {
  const needle = search.toLocaleLowerCase();
  return names.some((name) => name.toLocaleLowerCase().includes(needle));
}

/**
 * The countries of a service: filtered by a typed part of a name (the provider's, English or
 * Russian), sorted by price or by stock, one page of them. Two offers that would read the same
 * (a virtual number, a second operator) say what tells them apart.
 */
function loadOffers(deps: BotDeps, userId: number, serviceCode: string, search: string | null, sort: CountrySort, page: number): OffersData {
  const service = deps.catalog.service(serviceCode);
  const every = deps.catalog.offersFor(serviceCode, { page: 0, pageSize: 10_000 }).items;
  const shown = (o: (typeof every)[number]) => [o.country.name, countryName(o.country, "en"), countryName(o.country, "ru"), o.countryCode];
  const filtered = search === null ? every : every.filter((o) => matches(search, shown(o)));
  const sorted = [...filtered].sort((a, b) => (sort === "stock" ? b.stock - a.stock || a.price - b.price : a.price - b.price || b.stock - a.stock));
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const names = new Map<string, number>();
  for (const o of every) {
    const key = countryName(o.country, "en");
    names.set(key, (names.get(key) ?? 0) + 1);
  }
  const items = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((o) => {
    const twin = (names.get(countryName(o.country, "en")) ?? 0) > 1;
    // The provider's own name says "virtual" or names the operator; failing that, its code.
    const aside = twin ? (o.country.name !== countryName(o.country, "en") ? o.country.name : o.countryCode) : null;
    return { code: o.countryCode, name: o.country.name, iso2: o.country.iso2, price: o.price, stock: o.stock, aside };
  });
  return {
    service: service ? { code: service.code, name: service.name } : null,
    favourite: service ? deps.regulars.isFavourite(userId, service.code) : false,
    items,
    page: current,
    pages,
    total: sorted.length,
    all: every.length,
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
  search: string | null;
  sort: CountrySort;
  /** A country that ran out while the user chose it: offered "tell me when it is back". */
  soldOut: string | null;
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
  | { kind: "back" | "all" | "star" | "sort" | "topup" | "watch"; ctx: FlowContext }
  | { kind: "search"; text: string; ctx: FlowContext };

type FlowConversation = Conversation<BotContext, FlowContext>;

function languageOf(ctx: FlowContext): Language {
  return ctx.account?.language ?? "en";
}

/** Adds ◀ ▶ under a list when it has more than one page. */
function pager(keyboard: InlineKeyboard, ctx: FlowContext, token: string, page: number, pages: number): void {
  if (pages <= 1) return;
  if (page > 0) keyboard.text(ctx.t("buy-prev-button"), flowPick.pack({ token, action: "p", index: page - 1 }));
  if (page < pages - 1) keyboard.text(ctx.t("buy-next-button"), flowPick.pack({ token, action: "p", index: page + 1 }));
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
      if (cardButton.anyOfPrefix.test(data)) return conversation.skip({ next: true });
      if (!flowPick.anyOfPrefix.test(data) || leavesFlow.some((button) => button.filter.test(data))) {
        return conversation.halt({ next: true });
      }
      const pick = flowPick.unpack(data);
      const step = flowStep.unpack(data);
      if ((pick ?? step)?.token !== token) {
        await acknowledge(ctx, ctx.t("buy-stale-button"), true);
        continue;
      }
      if (pick && pick.action !== "p" && pick.index < picks) {
        await acknowledge(ctx);
        return { kind: "pick", index: pick.index, ctx };
      }
      if (pick?.action === "p" && pick.index < pages) {
        await acknowledge(ctx);
        return { kind: "page", page: pick.index, ctx };
      }
      if (step) {
        // Star and watch answer with their own short message.
        if (step.action !== "star" && step.action !== "watch") await acknowledge(ctx);
        return { kind: step.action, ctx };
      }
      // The right screen, but data it never offered: forged. Nothing changes.
      await acknowledge(ctx, ctx.t("button-expired"), true);
      continue;
    }
    const text = ctx.message?.text;
    if (text !== undefined) {
      // A command leaves the flow and is handled as usual (/menu, /help, /buy again...).
      if (text.startsWith("/")) return conversation.halt({ next: true });
      const search = cutText(text.replace(/\s+/g, " ").trim(), SEARCH_MAX, "");
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

/** Where a flow starts: the list of services (maybe searched), a service's countries, or an order's confirmation. */
export interface BuyStart {
  service?: string;
  country?: string;
  search?: string;
  /** Show the first screen as a new message (the button pressed sits on a card that must stay). */
  fresh?: boolean;
}

function parseStart(start: unknown): BuyStart {
  if (typeof start !== "object" || start === null) return {};
  const out: BuyStart = {};
  for (const key of ["service", "country", "search"] as const) {
    const value = (start as Record<string, unknown>)[key];
    if (typeof value === "string") out[key] = value;
  }
  if ((start as Record<string, unknown>).fresh === true) out.fresh = true;
  return out;
}

function countriesOf(service: string, back: ServicesStep): CountriesStep {
  return { step: "countries", service, page: 0, search: null, sort: "price", soldOut: null, back };
}

async function buyFlow(conversation: FlowConversation, ctx: FlowContext, startArg?: unknown): Promise<void> {
  const userId = ctx.account?.id;
  if (userId === undefined) return;
  const start = parseStart(startArg);
  const flowId = await conversation.external(() => randomBytes(6).toString("hex"));
  let screen = 0;
  let view: FlowContext = ctx;
  /** The first screen goes into a new message when asked; later ones replace the one pressed. */
  let fresh = start.fresh === true;
  const show = async (text: string, keyboard: InlineKeyboard) => {
    await showScreen(view, text, keyboard, { fresh });
    fresh = false;
  };
  /** A line shown above the next screen: why the user landed there. */
  let note: string | null = null;
  const home: ServicesStep = { step: "services", page: 0, search: null };
  let step: Step = { step: "services", page: 0, search: start.search ?? null };
  if (start.service !== undefined) {
    const countries = countriesOf(start.service, home);
    step = start.country !== undefined ? { step: "confirm", service: start.service, country: start.country, back: countries } : countries;
  } else if (start.search !== undefined) {
    // One service answers to the typed name: straight to its countries.
    const search = start.search;
    const found = await conversation.external((outer) => outer.deps.catalog.services({ search, pageSize: 2 }).items.map((s) => s.code));
    if (found.length === 1 && found[0] !== undefined) step = countriesOf(found[0], home);
  }

  for (;;) {
    screen++;
    const token = `${flowId}${screen.toString(36)}`;
    // Widened on purpose: narrowing by assignment cannot follow the loop.
    const current = step as Step;

    if (current.step === "services") {
      let data: ServicesData = await conversation.external((outer) => loadServices(outer.deps, userId, current.search, current.page));
      let search: string | null = current.search;
      if (search !== null && data.total === 0) {
        note = view.t("buy-search-none", { search: escapeHtml(search) });
        search = null;
        data = await conversation.external((outer) => loadServices(outer.deps, userId, null, 0));
      }
      if (data.total === 0) {
        await show(view.t("buy-nothing-on-sale"), new InlineKeyboard().text(view.t("menu-back"), MENU.home));
        return;
      }
      const keyboard = new InlineKeyboard();
      const quick = data.items.filter((item) => item.quick !== undefined).length;
      data.items.forEach((service, i) => {
        const name = serviceName(service.name, languageOf(view));
        const label = service.quick === "favourite" ? `⭐ ${name}` : service.quick === "recent" ? `🕘 ${name}` : name;
        keyboard.text(label, flowPick.pack({ token, action: "s", index: i }));
        // The user's own services get a row of their own above the popular ones.
        const inGroup = i < quick ? i : i - quick;
        const groupEnd = i === quick - 1 || i === data.items.length - 1;
        if (inGroup % 2 === 1 || groupEnd) keyboard.row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      if (search !== null) keyboard.text(view.t("buy-all-services-button"), flowStep.pack({ token, action: "all" })).row();
      keyboard.text(view.t("menu-back"), MENU.home);
      const lines = [view.t("buy-services-title")];
      if (note !== null) lines.push(note);
      if (quick > 0) lines.push(view.t("buy-quick-hint"));
      if (search !== null) lines.push(view.t("buy-search-results", { search: escapeHtml(search), count: data.total }));
      if (data.pages > 1) lines.push(view.t("buy-page", { page: data.page + 1, pages: data.pages }));
      note = null;
      await show(lines.join("\n\n"), keyboard);

      const input = await nextInput(conversation, token, data.items.length, data.pages);
      view = input.ctx;
      const here: ServicesStep = { step: "services", page: data.page, search };
      if (input.kind === "pick") {
        const picked: ServiceItem | undefined = data.items[input.index];
        if (picked) step = countriesOf(picked.code, here);
      } else if (input.kind === "page") step = { ...here, page: input.page };
      else if (input.kind === "search") step = { step: "services", page: 0, search: input.text };
      else step = home; // "all services"; Back here is the main menu button, handled outside
      continue;
    }

    if (current.step === "countries") {
      const data: OffersData = await conversation.external((outer) =>
        loadOffers(outer.deps, userId, current.service, current.search, current.sort, current.page),
      );
      if (!data.service || data.all === 0) {
        note = view.t("buy-service-sold-out", { service: escapeHtml(serviceName(data.service?.name ?? current.service, languageOf(view))) });
        step = current.back;
        continue;
      }
      if (data.total === 0 && current.search !== null) {
        // No country answers to the text: perhaps it names another service.
        const search = current.search;
        const services = await conversation.external((outer) => outer.deps.catalog.services({ search, pageSize: 1 }).total);
        if (services > 0) {
          step = { step: "services", page: 0, search };
          continue;
        }
        note = view.t("buy-country-search-none", { search: escapeHtml(search) });
        step = { ...current, search: null, page: 0 };
        continue;
      }
      const service: ServiceItem = data.service;
      const keyboard = new InlineKeyboard();
      data.items.forEach((offer, i) => {
        const country = offer.aside === null ? countryLabel(view, offer) : `${countryLabel(view, offer)} (${offer.aside})`;
        const label = view.t("buy-country-button", { country, price: userMoney(view, offer.price), stock: offer.stock });
        keyboard.text(label, flowPick.pack({ token, action: "c", index: i })).row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      if (current.soldOut !== null) keyboard.text(view.t("buy-watch-button"), flowStep.pack({ token, action: "watch" })).row();
      keyboard
        .text(view.t(current.sort === "price" ? "buy-sort-stock-button" : "buy-sort-price-button"), flowStep.pack({ token, action: "sort" }))
        .text(view.t(data.favourite ? "buy-unstar-button" : "buy-star-button"), flowStep.pack({ token, action: "star" }))
        .row();
      keyboard.text(view.t("buy-back-button"), flowStep.pack({ token, action: "back" }));
      const serviceShown = escapeHtml(serviceName(service.name, languageOf(view)));
      const lines = [view.t(current.sort === "price" ? "buy-countries-title" : "buy-countries-title-stock", { service: serviceShown })];
      if (note !== null) lines.push(note);
      if (current.search !== null) lines.push(view.t("buy-country-search-results", { search: escapeHtml(current.search), count: data.total }));
      if (data.pages > 1) lines.push(view.t("buy-page", { page: data.page + 1, pages: data.pages }));
      note = null;
      await show(lines.join("\n\n"), keyboard);

      const input = await nextInput(conversation, token, data.items.length, data.pages);
      view = input.ctx;
      const here: CountriesStep = { ...current, page: data.page, soldOut: null };
      if (input.kind === "pick") {
        const picked: OfferItem | undefined = data.items[input.index];
        if (picked) step = { step: "confirm", service: service.code, country: picked.code, back: here };
      } else if (input.kind === "page") step = { ...here, page: input.page };
      else if (input.kind === "search") step = { ...here, page: 0, search: input.text };
      else if (input.kind === "sort") step = { ...here, page: 0, sort: current.sort === "price" ? "stock" : "price" };
      else if (input.kind === "star") {
        const starred = await conversation.external((outer) => outer.deps.regulars.toggleFavourite(userId, service.code));
        await acknowledge(input.ctx, input.ctx.t(starred ? "buy-starred" : "buy-unstarred", { service: serviceName(service.name, languageOf(view)) }));
        step = { ...here };
      } else if (input.kind === "watch" && current.soldOut !== null) {
        const country = current.soldOut;
        await conversation.external((outer) => outer.deps.regulars.watchStock(userId, service.code, country));
        await acknowledge(input.ctx, input.ctx.t("buy-watch-set"), true);
        step = { ...here };
      } else if (input.kind === "back" && current.search !== null) step = { ...here, page: 0, search: null };
      else step = current.back;
      continue;
    }

    const order: Prepared = await conversation.external((outer) => prepareOrder(outer.deps, userId, current.service, current.country));
    if (!order.ok) {
      note = view.t("buy-country-sold-out");
      step = { ...current.back, soldOut: current.country };
      continue;
    }
    const { text, keyboard } = orderScreen(view, order, flowStep.pack({ token, action: "topup" }));
    keyboard.text(view.t("buy-back-button"), flowStep.pack({ token, action: "back" }));
    await show(text, keyboard);

    // Confirm ends the flow inside nextInput; Top up ends it here, once the order is remembered.
    const input = await nextInput(conversation, token, 0, 1);
    view = input.ctx;
    if (input.kind === "topup") {
      await conversation.external((outer) => outer.deps.regulars.awaitTopup(userId, order.service.code, order.country.code));
      await showTopup(view, { missing: order.missing });
      return;
    }
    step = input.kind === "search" ? { step: "services", page: 0, search: input.text } : current.back;
  }
}

/** The flow; createBot installs it with the other flows, ahead of every command. */
export const buyConversation = createConversation(buyFlow, { id: CONVERSATION_ID, maxMillisecondsToWait: 30 * 60_000 });

// ---------------------------------------------------------------- entry points

export async function startBuying(ctx: BotContext, start?: BuyStart): Promise<void> {
  if (!(await requireTerms(ctx))) return;
  const account = ctx.account;
  if (!account) return;
  const suspended = ctx.deps.activations.suspension(account.id);
  if (suspended) {
    // A message, not an alert: the explanation is longer than an alert may be (200 characters).
    await acknowledge(ctx);
    const text = ctx.t("buy-suspended", { until: zonedDateTime(suspended.until, account.language, timeZoneOf(account)) });
    await showScreen(ctx, text, new InlineKeyboard().text(ctx.t("menu-back"), MENU.home), { fresh: start?.fresh === true });
    return;
  }
  await acknowledge(ctx);
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CONVERSATION_ID, ...(start ? [start] : []));
}
