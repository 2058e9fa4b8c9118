import { InlineKeyboard, InputFile } from "grammy";
import { BotComposer } from "../composer.ts";
import { callbackData, int } from "../callbackData.ts";
import { CSV_COLUMNS, historyCsv, type CsvColumn } from "../../domain/history.ts";
import type { LedgerEntry } from "../../domain/ledger.ts";
import { formatMoney } from "../../domain/money.ts";
import { cutText } from "../../domain/text.ts";
import { countryName, serviceName } from "../../domain/catalogNames.ts";
import type { BotContext, FlowContext } from "../context.ts";
import type { Language } from "../../domain/accounts.ts";
import { dateTime, readerOf, userZone } from "../format.ts";
import { escapeHtml } from "../html.ts";
import { MENU } from "../keyboards.ts";
import { acknowledge, showScreen } from "../respond.ts";
import { REFUNDS_SCREEN } from "./refunds/request.ts";

/**
 * The user's transaction history (POLICY B5): pages in the chat, the whole of it as CSV. It only
 * reads, offers nothing that deletes, and needs no accepted rules (it is the user's own record).
 */
export const historyFeature = new BotComposer<BotContext>();

/** Ten entries with memos capped below keep a page well under Telegram's 4096 characters. */
const PAGE_SIZE = 10;
/** UTF-16 code units of a memo shown in the chat (the CSV has it whole). */
const MEMO_MAX = 120;

export const HISTORY_CSV = "hist:csv";
const historyPage = callbackData("hist:p", { page: int(9) });
export const historyPageData = (page: number) => historyPage.pack({ page });

/** A memo on one line and of bounded length; cut between whole graphemes so no emoji is split. */
function shortMemo(memo: string): string {
  return cutText(memo.replace(/\s+/g, " ").trim(), MEMO_MAX);
}

/**
 * The memos the shop itself writes are stored in English (entries never change); they are put in
 * the reader's language here, when shown. An admin's reason is shown as the admin wrote it.
 */
const SYSTEM_MEMOS: ReadonlyArray<{ pattern: RegExp; key: string; vars: (match: RegExpExecArray) => Record<string, string | number> }> = [
  { pattern: /^account deleted at the user's request \(B2\)$/, key: "history-memo-deleted-request", vars: () => ({}) },
  { pattern: /^account deleted after inactivity \(B3\)$/, key: "history-memo-deleted-inactive", vars: () => ({}) },
  { pattern: /^refund request #(\d+): outside the bot$/, key: "history-memo-refund-outside", vars: (m) => ({ id: m[1] ?? "" }) },
  { pattern: /^refund request #(\d+): (\d+) ⭐$/, key: "history-memo-refund-stars", vars: (m) => ({ id: m[1] ?? "", stars: Number(m[2]) }) },
];
/** Endings the rentals add to their memo ("📅 +7700… · Telegram · Kazakhstan · L2"). */
const RENTAL_MEMO_ENDINGS: ReadonlyArray<{ pattern: RegExp; key: string; vars: (match: RegExpExecArray) => Record<string, string | number> }> = [
  { pattern: /^(.*) · L1 day (\d+)$/, key: "history-memo-rental-day", vars: (m) => ({ day: Number(m[2]) }) },
  { pattern: /^(.*) · L2$/, key: "history-memo-rental-revoked", vars: () => ({}) },
  { pattern: /^(.*) · \+(\d+) h$/, key: "history-memo-rental-extended", vars: (m) => ({ hours: Number(m[2]) }) },
];

/** A stored memo in the reader's language, where the shop wrote it. */
export function readableMemo(ctx: Pick<FlowContext, "t">, memo: string): string {
  for (const known of SYSTEM_MEMOS) {
    const match = known.pattern.exec(memo);
    if (match) return ctx.t(known.key, known.vars(match));
  }
  for (const ending of RENTAL_MEMO_ENDINGS) {
    const match = ending.pattern.exec(memo);
    if (match) return `${match[1] ?? ""} · ${ctx.t(ending.key, ending.vars(match))}`;
  }
  return memo;
}

/**
 * A number's or a rental's memo starts with the service and country as the provider names them
 * ("Telegram · Kazakhstan · +7…", "📅 +7… · Telegram · Kazakhstan"): written again in the
 * reader's language from the order the entry belongs to.
 */
function withLocalNames(ctx: FlowContext, entry: LedgerEntry, memo: string, language: Language): string {
  const order = entry.refType === "activation" ? ctx.deps.activations.byOrderKey(entry.refId) : entry.refType === "rental" ? ctx.deps.rentals.records.byOrderKey(entry.refId) : undefined;
  if (!order) return memo;
  const local = `${serviceName(order.serviceName, language)} · ${countryName({ name: order.countryName, iso2: order.countryIso2 }, language)}`;
  const stored = `${order.serviceName} · ${order.countryName}`;
  if (memo.startsWith(stored)) return local + memo.slice(stored.length);
  const rental = `📅 +${order.phone ?? ""} · `;
  if (memo.startsWith(rental + stored)) return rental + local + memo.slice(rental.length + stored.length);
  return memo;
}

/** What the entry was for: the kind's label, then the memo if there is one. `safe` makes the memo safe for its target. */
function describe(ctx: FlowContext, entry: LedgerEntry, safe: (memo: string) => string): string {
  const kind = ctx.t(`history-kind-${entry.kind}`);
  if (!entry.memo) return kind;
  const memo = readableMemo(ctx, withLocalNames(ctx, entry, entry.memo, ctx.account?.language ?? "en"));
  return ctx.t("history-what-memo", { kind, memo: safe(memo) });
}

/** "2026-01-15 15:00:00": a spreadsheet reads it as a date and time; the header names the zone. */
function csvDate(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
}

function entryText(ctx: FlowContext, entry: LedgerEntry, language: Language, timeZone: string): string {
  const money = (minor: number) => formatMoney(minor, ctx.deps.currency, language);
  const amount =
    entry.amount > 0
      ? ctx.t("history-amount-in", { amount: money(entry.amount) })
      : ctx.t("history-amount-out", { amount: money(-entry.amount) });
  return ctx.t("history-entry", {
    date: dateTime(entry.createdAt, language, timeZone),
    amount,
    what: describe(ctx, entry, (memo) => escapeHtml(shortMemo(memo))),
    balance: money(entry.balanceAfter),
  });
}

async function showHistory(ctx: FlowContext, requested: number): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const { items, page, pages, total } = ctx.deps.history.page(account.id, { page: requested, pageSize: PAGE_SIZE });
  const keyboard = new InlineKeyboard();
  if (total === 0) {
    keyboard.text(ctx.t("menu-back"), MENU.home);
    await showScreen(ctx, ctx.t("history-empty"), keyboard);
    return;
  }
  const { timeZone } = readerOf(ctx);
  const parts = [ctx.t("history-title", { zone: userZone(ctx) })];
  if (pages > 1) parts.push(ctx.t("history-page", { page, pages }));
  parts.push(...items.map((entry) => entryText(ctx, entry, account.language, timeZone)));

  if (page > 1) keyboard.text(ctx.t("history-prev-button"), historyPageData(page - 1));
  if (page < pages) keyboard.text(ctx.t("history-next-button"), historyPageData(page + 1));
  if (pages > 1) keyboard.row();
  keyboard.text(ctx.t("history-csv-button"), HISTORY_CSV).row();
  // W6: a top-up of the last month can be asked back from here.
  if (ctx.deps.refundRequests.refundablePayments(account.id).length > 0) keyboard.text(ctx.t("help-refund-button"), REFUNDS_SCREEN).row();
  keyboard.text(ctx.t("menu-back"), MENU.home);
  await showScreen(ctx, parts.join("\n\n"), keyboard);
}

async function sendCsv(ctx: FlowContext): Promise<void> {
  const account = ctx.account;
  if (!account) return;
  const entries = ctx.deps.history.all(account.id);
  if (entries.length === 0) {
    await acknowledge(ctx, ctx.t("history-csv-empty"), true);
    return;
  }
  await acknowledge(ctx);
  const { timeZone } = readerOf(ctx);
  const zone = userZone(ctx);
  const header = {} as Record<CsvColumn, string>;
  for (const column of CSV_COLUMNS) header[column] = ctx.t(`history-csv-${column}`, { zone: userZone(ctx, "heading") });
  const csv = historyCsv(entries, {
    currency: ctx.deps.currency,
    header,
    date: (ms) => csvDate(ms, timeZone),
    kindLabel: (kind) => ctx.t(`history-kind-${kind}`),
    // A spreadsheet set to Russian reads ";" and decimal commas; one set to English, "," and points.
    format: account.language === "ru" ? { separator: ";", decimalMark: "," } : { separator: ",", decimalMark: "." },
    // Not HTML: the memo goes into the file as written, and the CSV escaping protects it.
    describe: (entry) => describe(ctx, entry, (memo) => memo),
  });
  const day = new Date(ctx.deps.clock()).toISOString().slice(0, 10);
  await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), `history-${day}.csv`), {
    caption: ctx.t("history-csv-caption", { count: entries.length, currency: ctx.deps.currency.code, zone }),
  });
}

historyFeature.command("history", (ctx) => showHistory(ctx, 1));

historyFeature.callbackQuery(MENU.history, async (ctx) => {
  await acknowledge(ctx);
  await showHistory(ctx, 1);
});

// A page number beyond the last (a stale or forged button) shows the last page; 0 shows the first.
historyFeature.callbackQuery(historyPage.filter, async (ctx) => {
  await acknowledge(ctx);
  await showHistory(ctx, historyPage.unpack(ctx.callbackQuery.data)?.page ?? 1);
});

historyFeature.callbackQuery(HISTORY_CSV, sendCsv);

// Anything else under our prefix was not made by this bot: a polite answer, nothing else.
historyFeature.callbackQuery(/^hist(:|$)/, (ctx) => acknowledge(ctx, ctx.t("button-expired"), true));
