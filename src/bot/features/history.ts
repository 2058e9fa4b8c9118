import { InlineKeyboard, InputFile } from "grammy";
import { BotComposer } from "../composer.ts";
import { callbackData, int } from "../callbackData.ts";
import { CSV_COLUMNS, historyCsv, type CsvColumn } from "../../domain/history.ts";
import type { LedgerEntry } from "../../domain/ledger.ts";
import { formatMoney } from "../../domain/money.ts";
import { cutText } from "../../domain/text.ts";
import type { BotContext, FlowContext } from "../context.ts";
import type { Language } from "../../domain/accounts.ts";
import { dateTime } from "../format.ts";
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

/** What the entry was for: the kind's label, then the memo if there is one. `memo` is already safe for its target. */
function describe(ctx: FlowContext, entry: LedgerEntry, memo: string | null): string {
  const kind = ctx.t(`history-kind-${entry.kind}`);
  return memo ? ctx.t("history-what-memo", { kind, memo }) : kind;
}

function entryText(ctx: FlowContext, entry: LedgerEntry, language: Language): string {
  const money = (minor: number) => formatMoney(minor, ctx.deps.currency, language);
  const amount =
    entry.amount > 0
      ? ctx.t("history-amount-in", { amount: money(entry.amount) })
      : ctx.t("history-amount-out", { amount: money(-entry.amount) });
  const memo = entry.memo ? escapeHtml(shortMemo(entry.memo)) : null;
  return ctx.t("history-entry", {
    date: dateTime(entry.createdAt, language),
    amount,
    what: describe(ctx, entry, memo),
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
  const parts = [ctx.t("history-title")];
  if (pages > 1) parts.push(ctx.t("history-page", { page, pages }));
  parts.push(...items.map((entry) => entryText(ctx, entry, account.language)));

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
  const header = {} as Record<CsvColumn, string>;
  for (const column of CSV_COLUMNS) header[column] = ctx.t(`history-csv-${column}`);
  const csv = historyCsv(entries, {
    currency: ctx.deps.currency,
    header,
    kindLabel: (kind) => ctx.t(`history-kind-${kind}`),
    // A spreadsheet set to Russian reads ";" and decimal commas; one set to English, "," and points.
    format: account.language === "ru" ? { separator: ";", decimalMark: "," } : { separator: ",", decimalMark: "." },
    // Not HTML: the memo goes into the file as written, and the CSV escaping protects it.
    describe: (entry) => describe(ctx, entry, entry.memo),
  });
  const day = new Date(ctx.deps.clock()).toISOString().slice(0, 10);
  await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), `history-${day}.csv`), {
    caption: ctx.t("history-csv-caption", { count: entries.length, currency: ctx.deps.currency.code }),
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
