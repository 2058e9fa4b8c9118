import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { allEntries, CSV_DEFAULT_HEADER, historyCsv, historyPage, type HistoryCsvOptions } from "../../src/domain/history.ts";
import type { LedgerEntry } from "../../src/domain/ledger.ts";
import { currency } from "../../src/domain/money.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld | undefined;
afterEach(() => {
  world?.store.close();
  world = undefined;
});

const USD = currency("USD");
const ref = { type: "test", id: "1" };

/** A user with `n` top-ups of 1.00, 2.00, ... one minute apart; returns the account id. */
function userWithTopups(w: TestWorld, n: number): number {
  const user = w.newUser();
  for (let i = 1; i <= n; i++) {
    w.clock.advance(60_000);
    const result = w.ledger.credit({ userId: user, amount: i * 100, kind: "topup", ref, idempotencyKey: `u${user}:t${i}` });
    if (!result.ok) throw new Error(result.reason);
  }
  return user;
}

/** An entry as the ledger would hold it, for the pure CSV tests. */
function entry(fields: Partial<LedgerEntry> & Pick<LedgerEntry, "id" | "kind" | "amount" | "balanceAfter">): LedgerEntry {
  return {
    userId: 1,
    refType: "test",
    refId: "1",
    holdId: null,
    idempotencyKey: `e${fields.id}`,
    memo: null,
    actorTelegramId: null,
    createdAt: Date.UTC(2026, 0, 15, 12, 0, 0),
    ...fields,
  };
}

const plain: HistoryCsvOptions = { currency: USD, describe: (e) => (e.memo ? `${e.kind} — ${e.memo}` : e.kind) };

/** A strict RFC 4180 reader (CRLF records, quoted fields), so the tests check what a spreadsheet would read. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
        if (text[i] === '"') throw new Error(`bare quote in an unquoted field at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ",") {
      i++;
    } else if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (row.length > 0) throw new Error("last record has no CRLF");
  return rows;
}

/** The CSV without its BOM, as rows of cells. */
function rowsOf(csv: string): string[][] {
  expect(csv.startsWith("\uFEFF")).toBe(true);
  return parseCsv(csv.slice(1));
}

describe("history pages (POLICY B5)", () => {
  it("pages through 25 entries ten at a time, newest first, with nothing missing or repeated", () => {
    world = testWorld();
    const user = userWithTopups(world, 25);
    const first = historyPage(world.store.db, user, { page: 1, pageSize: 10 });
    expect(first).toMatchObject({ page: 1, pages: 3, total: 25 });
    expect(first.items.map((e) => e.amount)).toEqual([2500, 2400, 2300, 2200, 2100, 2000, 1900, 1800, 1700, 1600]);
    const third = historyPage(world.store.db, user, { page: 3, pageSize: 10 });
    expect(third.items.map((e) => e.amount)).toEqual([500, 400, 300, 200, 100]);

    const seen = [1, 2, 3].flatMap((page) => historyPage(world!.store.db, user, { page, pageSize: 10 }).items.map((e) => e.id));
    expect(new Set(seen).size).toBe(25);
    const ids = [...seen].sort((a, b) => b - a);
    expect(seen).toEqual(ids);
  });

  it("each entry carries the balance right after it", () => {
    world = testWorld();
    const user = userWithTopups(world, 3);
    world.ledger.adjust({ userId: user, amount: -150, ref, idempotencyKey: "adj", memo: "correction" });
    const { items } = historyPage(world.store.db, user, { page: 1, pageSize: 10 });
    expect(items.map((e) => [e.kind, e.amount, e.balanceAfter, e.memo])).toEqual([
      ["adjustment", -150, 450, "correction"],
      ["topup", 300, 600, null],
      ["topup", 200, 300, null],
      ["topup", 100, 100, null],
    ]);
  });

  it("a page past the end shows the last page, and page 0, a negative or NaN page shows the first", () => {
    world = testWorld();
    const user = userWithTopups(world, 12);
    const last = historyPage(world.store.db, user, { page: 99, pageSize: 10 });
    expect(last).toMatchObject({ page: 2, pages: 2, total: 12 });
    expect(last.items).toHaveLength(2);
    expect(historyPage(world.store.db, user, { page: Infinity, pageSize: 10 }).page).toBe(2);
    for (const page of [0, -5, Number.NaN, 0.5]) {
      expect(historyPage(world.store.db, user, { page, pageSize: 10 }).items[0]?.amount).toBe(1200);
    }
  });

  it("an empty history is one empty page, not an error", () => {
    world = testWorld();
    const user = world.newUser();
    expect(historyPage(world.store.db, user, { page: 3, pageSize: 10 })).toEqual({ items: [], page: 1, pages: 1, total: 0 });
    expect(allEntries(world.store.db, user)).toEqual([]);
  });

  it("shows only the user's own entries", () => {
    world = testWorld();
    const alice = userWithTopups(world, 3);
    const bob = userWithTopups(world, 2);
    expect(historyPage(world.store.db, bob, { page: 1, pageSize: 10 }).items.every((e) => e.userId === bob)).toBe(true);
    expect(historyPage(world.store.db, bob, { page: 1, pageSize: 10 }).total).toBe(2);
    expect(allEntries(world.store.db, alice).map((e) => e.userId)).toEqual([alice, alice, alice]);
  });

  it("refuses a page size that is not a positive integer", () => {
    world = testWorld();
    const user = world.newUser();
    expect(() => historyPage(world!.store.db, user, { page: 1, pageSize: 0 })).toThrow(RangeError);
    expect(() => historyPage(world!.store.db, user, { page: 1, pageSize: 2.5 })).toThrow(RangeError);
  });

  it("all entries come oldest first, the order in which the balance runs", () => {
    world = testWorld();
    const user = userWithTopups(world, 4);
    const entries = allEntries(world.store.db, user);
    expect(entries.map((e) => e.balanceAfter)).toEqual([100, 300, 600, 1000]);
  });
});

describe("history as CSV", () => {
  it("starts with a BOM and a header, ends every record with CRLF, one row per entry", () => {
    const csv = historyCsv(
      [entry({ id: 7, kind: "topup", amount: 1000, balanceAfter: 1000 }), entry({ id: 9, kind: "purchase", amount: -150, balanceAfter: 850 })],
      plain,
    );
    expect(csv.startsWith("\uFEFFdate_utc,kind,description,amount,balance_after,currency,entry_id\r\n")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(rowsOf(csv)).toEqual([
      ["date_utc", "kind", "description", "amount", "balance_after", "currency", "entry_id"],
      ["2026-01-15T12:00:00Z", "topup", "topup", "10.00", "10.00", "USD", "7"],
      ["2026-01-15T12:00:00Z", "purchase", "purchase", "-1.50", "8.50", "USD", "9"],
    ]);
  });

  it("writes amounts as plain decimals of the shop currency: -0.05, 1234.56, and whole yen", () => {
    const rows = rowsOf(
      historyCsv(
        [
          entry({ id: 1, kind: "topup", amount: 123456, balanceAfter: 123456 }),
          entry({ id: 2, kind: "adjustment", amount: -5, balanceAfter: 123451 }),
          entry({ id: 3, kind: "purchase", amount: -123451, balanceAfter: 0 }),
        ],
        plain,
      ),
    );
    expect(rows.slice(1).map((r) => [r[3], r[4]])).toEqual([
      ["1234.56", "1234.56"],
      ["-0.05", "1234.51"],
      ["-1234.51", "0.00"],
    ]);
    const yen = rowsOf(historyCsv([entry({ id: 1, kind: "topup", amount: 500, balanceAfter: 500 })], { ...plain, currency: currency("JPY") }));
    expect(yen[1]?.slice(3, 6)).toEqual(["500", "500", "JPY"]);
  });

  it("quotes commas, quotes and line breaks in a memo (RFC 4180), and the memo reads back unchanged", () => {
    const memo = 'Gift, "thanks"\r\nsecond line\nthird';
    const csv = historyCsv([entry({ id: 1, kind: "adjustment", amount: 100, balanceAfter: 100, memo })], plain);
    expect(csv).toContain('"adjustment — Gift, ""thanks""\r\nsecond line\nthird"');
    const rows = rowsOf(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[2]).toBe(`adjustment — ${memo}`);
  });

  it("neutralises formulas: a text cell starting with = + - @ tab or CR gets an apostrophe; amounts stay numbers", () => {
    const formulas = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"];
    const entries = formulas.map((memo, i) => entry({ id: i + 1, kind: "adjustment", amount: -(i + 1), balanceAfter: 100 - i, memo }));
    const rows = rowsOf(historyCsv(entries, { currency: USD, describe: (e) => e.memo ?? "" }));
    expect(rows.slice(1).map((r) => r[2])).toEqual(formulas.map((f) => `'${f}`));
    // Negative amounts start with "-" but are our own numbers: no apostrophe.
    expect(rows.slice(1).map((r) => r[3])).toEqual(["-0.01", "-0.02", "-0.03", "-0.04", "-0.05", "-0.06"]);
    // A header title can be neutralised too: it is text like any other.
    const header = { ...CSV_DEFAULT_HEADER, description: "=evil()" };
    expect(rowsOf(historyCsv([], { ...plain, header }))[0]?.[2]).toBe("'=evil()");
  });

  it("keeps Russian text as UTF-8 with a BOM, so Excel shows Cyrillic", () => {
    const header = {
      date: "Дата (UTC)",
      kind: "Тип",
      description: "Описание",
      amount: "Сумма",
      balanceAfter: "Баланс после операции",
      currency: "Валюта",
      entryId: "№ записи",
    };
    const csv = historyCsv([entry({ id: 1, kind: "topup", amount: 250, balanceAfter: 250, memo: "подарок" })], {
      currency: currency("RUB"),
      header,
      describe: (e) => `Пополнение — ${e.memo}`,
    });
    const bytes = Buffer.from(csv, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = rowsOf(bytes.toString("utf8"));
    expect(rows[0]).toEqual(Object.values(header));
    expect(rows[1]).toEqual(["2026-01-15T12:00:00Z", "topup", "Пополнение — подарок", "2.50", "2.50", "RUB", "1"]);
  });

  it("an empty history is a header and nothing else", () => {
    expect(rowsOf(historyCsv([], plain))).toEqual([["date_utc", "kind", "description", "amount", "balance_after", "currency", "entry_id"]]);
  });

  // Any text, often led by a formula character or full of separators.
  const memoArbitrary = fc
    .tuple(fc.constantFrom("", "=", "+", "-", "@", "\t", "\r", "\n", '"', ","), fc.string({ unit: "binary", maxLength: 40 }))
    .map(([lead, rest]) => lead + rest);

  it("any memo whatsoever reads back as one cell of one row, never as a formula", () => {
    fc.assert(
      fc.property(fc.array(memoArbitrary, { minLength: 1, maxLength: 5 }), (memos) => {
        const entries = memos.map((memo, i) => entry({ id: i + 1, kind: "adjustment", amount: 1, balanceAfter: i + 1, memo }));
        const rows = rowsOf(historyCsv(entries, { currency: USD, describe: (e) => e.memo ?? "" }));
        expect(rows).toHaveLength(memos.length + 1);
        rows.slice(1).forEach((row, i) => {
          const memo = memos[i] ?? "";
          expect(row).toHaveLength(7);
          expect(row[2]).toBe(/^[=+\-@\t\r\n]/.test(memo) ? `'${memo}` : memo);
          expect(row[2]).not.toMatch(/^[=+\-@\t\r\n]/);
        });
      }),
    );
  });
});
