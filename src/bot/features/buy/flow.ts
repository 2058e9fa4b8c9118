import { randomBytes } from "node:crypto";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import type { Language } from "../../../domain/accounts.ts";
import { countryName, flagOf, serviceName } from "../../../domain/catalogNames.ts";
import { cutText } from "../../../domain/text.ts";
import type { BotContext, BotDeps, FlowContext } from "../../context.ts";
import { dateTime, userMoney } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { MENU } from "../../keyboards.ts";
import { acknowledge, showScreen } from "../../respond.ts";
import { requireTerms } from "../start.ts";
import { confirmButton, flowPick, flowStep, otherCountriesButton } from "./buttons.ts";
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
  const quoted = deps.purchases.quote(userId, serviceCode, countryCode);
  if (!service || !country || (!quoted.ok && quoted.reason === "not_offered")) return { ok: false };
  const shown = {
    service: { code: service.code, name: service.name },
    country: { code: country.code, name: country.name, iso2: country.iso2 },
  };
  if (quoted.ok) return { ok: true, orderKey: quoted.quote.orderKey, ...shown, price: quoted.quote.price, available: quoted.available, missing: 0 };
  return { ok: true, orderKey: null, ...shown, price: quoted.price, available: quoted.available, missing: quoted.missing };
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
      if (!flowPick.anyOfPrefix.test(data) || confirmButton.filter.test(data) || otherCountriesButton.filter.test(data)) {
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
        await acknowledge(ctx);
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
        keyboard.text(serviceName(service.name, languageOf(view)), flowPick.pack({ token, action: "s", index: i }));
        if (i % 2 === 1 || i === data.items.length - 1) keyboard.row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      if (search !== null) keyboard.text(view.t("buy-all-services-button"), flowStep.pack({ token, action: "all" })).row();
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
        keyboard.text(label, flowPick.pack({ token, action: "c", index: i })).row();
      });
      pager(keyboard, view, token, data.page, data.pages);
      keyboard.text(view.t("buy-back-button"), flowStep.pack({ token, action: "back" }));
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
      lines.push(view.t("buy-confirm-terms", { ttl: view.deps.settings.activationTtlMinutes }));
      keyboard.text(view.t("buy-confirm-button", { price: userMoney(view, order.price) }), confirmButton.pack({ orderKey: order.orderKey })).row();
    }
    keyboard.text(view.t("buy-back-button"), flowStep.pack({ token, action: "back" }));
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

export async function startBuying(ctx: BotContext, start?: { service: string }): Promise<void> {
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
