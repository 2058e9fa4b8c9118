import { asc, count, desc, eq } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { ledgerEntries } from "../db/schema.ts";
import { formatScaled } from "./decimal.ts";
import type { LedgerEntry } from "./ledger.ts";
import type { Currency } from "./money.ts";
import { wellFormed } from "./text.ts";

/**
 * Reading a user's ledger (POLICY B5): pages for the chat, every entry for the CSV export.
 * Only reads: the ledger is append-only and nothing here offers to change it.
 */

export interface HistoryPage {
  /** Newest first. */
  items: LedgerEntry[];
  /** 1-based, always within 1..pages. */
  page: number;
  /** At least 1, also for an empty history. */
  pages: number;
  total: number;
}

/**
 * One page of the user's entries, newest first. A page outside 1..pages (or not a number) is
 * moved to the nearest one that exists, so a stale or forged page number never fails.
 */
export function historyPage(db: Db, userId: number, options: { page: number; pageSize: number }): HistoryPage {
  const { pageSize } = options;
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  // One read transaction: the count and the page come from the same snapshot.
  return db.transaction(() => {
    const total = db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.userId, userId)).get()?.n ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const wanted = Number.isNaN(options.page) ? 1 : Math.trunc(options.page);
    const page = Math.min(Math.max(wanted, 1), pages);
    const items = db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.userId, userId))
      // The id is the ledger's own order (balance_after follows it); created_at can tie.
      .orderBy(desc(ledgerEntries.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .all();
    return { items, page, pages, total };
  });
}

/** Every entry of the user, oldest first (the order in which balance_after runs). */
export function allEntries(db: Db, userId: number): LedgerEntry[] {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, userId)).orderBy(asc(ledgerEntries.id)).all();
}

export const CSV_COLUMNS = ["date", "kind", "description", "amount", "balanceAfter", "currency", "entryId"] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Column titles when the caller gives none: stable names a script can rely on. */
export const CSV_DEFAULT_HEADER: Readonly<Record<CsvColumn, string>> = {
  date: "date_utc",
  kind: "kind",
  description: "description",
  amount: "amount",
  balanceAfter: "balance_after",
  currency: "currency",
  entryId: "entry_id",
};

export interface HistoryCsvOptions {
  currency: Currency;
  /** What the entry was for, in the reader's language (the bot passes its translated label and memo). */
  describe: (entry: LedgerEntry) => string;
  /** Column titles in the reader's language; defaults to CSV_DEFAULT_HEADER. */
  header?: Readonly<Record<CsvColumn, string>>;
  /** The entry's time as the reader reads it (their zone, named in the header); defaults to ISO 8601 in UTC. */
  date?: (ms: number) => string;
  /** The entry's kind in the reader's language; defaults to the stored kind. */
  kindLabel?: (kind: LedgerEntry["kind"]) => string;
  /**
   * How the reader's spreadsheet reads CSV: "," with "." decimals (English), or ";" with ","
   * decimals (Russian and most of Europe). Defaults to the first.
   */
  format?: { separator: "," | ";"; decimalMark: "." | "," };
}

const BOM = "\uFEFF";
const EOL = "\r\n";
/** A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEEDS_QUOTES = /[",;\r\n]/;

/** RFC 4180 quoting for any cell. */
function quote(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** A text cell: a leading apostrophe keeps spreadsheets from treating it as a formula, then quoting. */
function textCell(text: string): string {
  const value = wellFormed(text);
  return quote(FORMULA_START.test(value) ? `'${value}` : value);
}

/** A number cell: our own plain decimal, which must stay a number ("-1.50" is not a formula). */
function numberCell(minor: number, cur: Currency, decimalMark: "." | ","): string {
  const plain = formatScaled(minor, cur.minorDigits, cur.minorDigits);
  return decimalMark === "." ? plain : plain.replace(".", ",");
}

/** ISO 8601 in UTC, to the second. */
function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The whole history as CSV: a UTF-8 BOM (so Excel reads Cyrillic right), a header row, one row per
 * entry in the order given, CRLF line endings. Amounts are plain decimals in the shop currency so
 * that spreadsheets read them as numbers; every text cell is escaped and neutralised.
 */
export function historyCsv(entries: readonly LedgerEntry[], options: HistoryCsvOptions): string {
  const header = options.header ?? CSV_DEFAULT_HEADER;
  const { separator, decimalMark } = options.format ?? { separator: ",", decimalMark: "." };
  const lines = [CSV_COLUMNS.map((column) => textCell(header[column])).join(separator)];
  for (const entry of entries) {
    const cells: Record<CsvColumn, string> = {
      date: textCell(options.date ? options.date(entry.createdAt) : isoUtc(entry.createdAt)),
      kind: textCell(options.kindLabel ? options.kindLabel(entry.kind) : entry.kind),
      description: textCell(options.describe(entry)),
      amount: numberCell(entry.amount, options.currency, decimalMark),
      balanceAfter: numberCell(entry.balanceAfter, options.currency, decimalMark),
      currency: textCell(options.currency.code),
      entryId: textCell(String(entry.id)),
    };
    lines.push(CSV_COLUMNS.map((column) => cells[column]).join(separator));
  }
  return BOM + lines.join(EOL) + EOL;
}

/** A user's ledger for the chat (POLICY B5), built once over the database. */
export class History {
  constructor(private readonly db: Db) {}

  page(userId: number, options: { page: number; pageSize: number }): HistoryPage {
    return historyPage(this.db, userId, options);
  }

  all(userId: number): LedgerEntry[] {
    return allEntries(this.db, userId);
  }
}
