import { afterEach, describe, expect, it } from "vitest";
import type { Ledger } from "../../src/domain/ledger.ts";
import { startHarness, type Harness } from "../helpers/app.ts";
import { testClock, type TestClock } from "../helpers/store.ts";
import { customer, startWorld } from "../helpers/world.ts";

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) {
    expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
    expect(harness.tg.unansweredCallbackQueries()).toEqual([]);
    expect(harness.tg.internalErrors()).toEqual([]);
  }
  await harness?.close();
  harness = undefined;
});

const START = Date.UTC(2026, 2, 5, 9, 30, 0);

function must<T extends { ok: boolean }>(result: T): T {
  if (!result.ok) throw new Error(`ledger refused: ${JSON.stringify(result)}`);
  return result;
}

/**
 * Twelve entries of every kind, a minute apart; the balance runs
 * 10.00, 8.50, 10.00, 9.95, 8.95, 8.00, then +1.00 six times up to 14.00.
 */
function twelveEntries(ledger: Ledger, clock: TestClock, userId: number): void {
  const ref = { type: "test", id: String(userId) };
  const key = (n: number) => `hist-test:${userId}:${n}`;
  const step = () => clock.advance(60_000);
  step();
  must(ledger.credit({ userId, amount: 1000, kind: "topup", ref, idempotencyKey: key(1) }));
  step();
  const hold = must(ledger.hold({ userId, amount: 150, ref, idempotencyKey: key(2) }));
  if (!hold.ok) return;
  must(ledger.capture(hold.hold.id, "Telegram, USA"));
  step();
  must(ledger.credit({ userId, amount: 150, kind: "refund", ref, idempotencyKey: key(3), memo: "No code arrived" }));
  step();
  must(ledger.adjust({ userId, amount: -5, ref, idempotencyKey: key(4), memo: "<b>rounding</b> & fix" }));
  step();
  must(ledger.debit({ userId, amount: 100, kind: "payment_refund", ref, idempotencyKey: key(5) }));
  step();
  must(ledger.debit({ userId, amount: 95, kind: "forfeit", ref, idempotencyKey: key(6) }));
  for (let n = 7; n <= 12; n++) {
    step();
    must(ledger.credit({ userId, amount: 100, kind: "topup", ref, idempotencyKey: key(n) }));
  }
}

/** The CSV's records without the BOM (the memos in these tests hold no line breaks). */
function csvLines(content: Buffer): string[] {
  const text = content.toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  expect(text.endsWith("\r\n")).toBe(true);
  return text.slice(1, -2).split("\r\n");
}

describe("transaction history (POLICY B5)", () => {
  it("opens from the menu newest first with balances, pages forward and back in place, and downloads every entry as CSV", async () => {
    const clock = testClock(START);
    harness = await startHarness({ clock });
    const { user, account } = await customer(harness, "Nina");
    twelveEntries(harness.app.deps.ledger, clock, account.id);

    await user.send("/menu");
    await user.press("📜 History");
    const screen = user.lastBotMessage();
    const first = screen?.text ?? "";
    expect(first).toContain("Transaction history");
    expect(first).toContain("Page 1 of 2");
    expect(first).toContain("3/5/26");
    expect(first).toContain("Top-up · balance $14.00");
    expect(first).toContain("+$1.00");
    // Newest first: the latest balance comes before older ones.
    expect(first.indexOf("balance $14.00")).toBeLessThan(first.indexOf("balance $13.00"));
    expect(first.indexOf("balance $13.00")).toBeLessThan(first.indexOf("balance $8.00"));
    expect(first).toContain("−$0.95");
    expect(first).toContain("Balance forfeited · balance $8.00");
    expect(first).toContain("−$1.00");
    expect(first).toContain("Refund to your payment method · balance $8.95");
    // The memo is shown as written, HTML and all, never interpreted.
    expect(first).toContain("−$0.05");
    expect(first).toContain("Adjustment by the shop — <b>rounding</b> & fix · balance $9.95");
    expect(first).toContain("Refund — No code arrived · balance $10.00");
    expect(first).not.toContain("Purchase");
    expect(user.buttons()).toEqual([["▶"], ["⬇️ CSV"], ["⬅️ Main menu"]]);

    await user.press("▶");
    const second = user.lastBotMessage();
    expect(second?.id).toBe(screen?.id);
    expect(second?.edited).toBe(true);
    expect(second?.text).toContain("Page 2 of 2");
    expect(second?.text).toContain("−$1.50");
    expect(second?.text).toContain("Purchase — Telegram, USA · balance $8.50");
    expect(second?.text).toContain("+$10.00");
    expect(second?.text).toContain("Top-up · balance $10.00");
    expect(second?.text).not.toContain("balance $14.00");
    expect(user.buttons()).toEqual([["◀"], ["⬇️ CSV"], ["⬅️ Main menu"]]);

    await user.press("◀");
    expect(user.lastBotMessage()?.id).toBe(screen?.id);
    expect(user.lastBotMessage()?.text).toContain("Page 1 of 2");
    expect(user.lastBotMessage()?.text).toContain("balance $14.00");

    await user.press("⬇️ CSV");
    const file = user.lastBotMessage();
    expect(file?.document?.fileName).toBe("history-2026-03-05.csv");
    expect(file?.document?.mimeType).toBe("text/csv");
    expect(file?.text).toContain("Your full transaction history: 12 entries");
    const lines = csvLines(file?.document?.content ?? Buffer.alloc(0));
    expect(lines[0]).toBe("Date (UTC),Type,Description,Amount,Balance after,Currency,Entry no.");
    expect(lines).toHaveLength(13);
    const ids = harness.app.store.sqlite
      .prepare("SELECT id FROM ledger_entries WHERE user_id = ? ORDER BY id")
      .pluck()
      .all(account.id)
      .map(String);
    expect(lines.slice(1).map((line) => line.split(",").at(-1))).toEqual(ids);
    expect(lines[1]).toBe(`2026-03-05 09:31:00,Top-up,Top-up,10.00,10.00,USD,${ids[0]}`);
    expect(lines[2]).toBe(`2026-03-05 09:32:00,Purchase,"Purchase — Telegram, USA",-1.50,8.50,USD,${ids[1]}`);
    expect(lines[4]).toBe(`2026-03-05 09:34:00,Adjustment by the shop,Adjustment by the shop — <b>rounding</b> & fix,-0.05,9.95,USD,${ids[3]}`);
    expect(lines[12]).toBe(`2026-03-05 09:42:00,Top-up,Top-up,1.00,14.00,USD,${ids[11]}`);

    // The history message, above the file, turns back into the menu.
    await user.press("⬅️ Main menu");
    const menu = user.messages().find((m) => m.id === screen?.id);
    expect(menu?.text).toContain("Main menu");
    expect(menu?.text).toContain("Balance: $14.00");
  });

  it("nothing on the history screens offers to delete anything", async () => {
    const clock = testClock(START);
    harness = await startHarness({ clock });
    const { user, account } = await customer(harness, "Nora");
    twelveEntries(harness.app.deps.ledger, clock, account.id);
    await user.send("/history");
    const labels = [user.buttons().flat()];
    await user.press("▶");
    labels.push(user.buttons().flat());
    expect(labels.flat()).toEqual(["▶", "⬇️ CSV", "⬅️ Main menu", "◀", "⬇️ CSV", "⬅️ Main menu"]);
    expect(labels.flat().join(" ")).not.toMatch(/delete|remove|clear|erase/i);
  });

  it("an empty history says so kindly, also before the rules are accepted, and offers no download", async () => {
    harness = await startHarness();
    const olga = harness.tg.user({ first_name: "Olga", language_code: "en" });
    await olga.send("/history");
    const screen = olga.lastBotMessage();
    expect(screen?.text).toContain("Transaction history");
    expect(screen?.text).toContain("Nothing here yet.");
    expect(olga.buttons()).toEqual([["⬅️ Main menu"]]);

    // A forged download button on an empty history: a polite answer, no file.
    await olga.pressData("hist:csv", screen?.id);
    expect(olga.callbackAnswers().at(-1)).toMatchObject({ text: "Your history is empty, so there is nothing to download yet.", show_alert: true });
    expect(olga.messages().some((m) => m.document)).toBe(false);
  });

  it("a forged page button shows the nearest page that exists, or gets a polite answer; never an error", async () => {
    const clock = testClock(START);
    harness = await startHarness({ clock });
    const { user, account } = await customer(harness, "Pete");
    twelveEntries(harness.app.deps.ledger, clock, account.id);
    await user.send("/history");
    const screen = user.lastBotMessage();

    await user.pressData("hist:p:999", screen?.id);
    expect(user.lastBotMessage()?.id).toBe(screen?.id);
    expect(user.lastBotMessage()?.text).toContain("Page 2 of 2");

    await user.pressData("hist:p:0", screen?.id);
    expect(user.lastBotMessage()?.text).toContain("Page 1 of 2");

    const before = user.lastBotMessage()?.text;
    const count = user.botMessages().length;
    for (const forged of ["hist:p:abc", "hist:p:-1", "hist:p:1e3", "hist:p:12345678901", "hist:zzz"]) {
      await user.pressData(forged, screen?.id);
      expect(user.callbackAnswers().at(-1)).toMatchObject({ text: "This button is no longer active. Open /menu to continue.", show_alert: true });
    }
    expect(user.lastBotMessage()?.text).toBe(before);
    expect(user.botMessages()).toHaveLength(count);
    expect(user.text()).not.toContain("Something went wrong");
  });

  it("a Russian user sees Russian labels and money, an escaped memo, and a Russian CSV", async () => {
    const clock = testClock(START);
    harness = await startHarness({ clock });
    const { user, account } = await customer(harness, "Борис", { language_code: "ru" });
    const ref = { type: "test", id: "ru" };
    clock.advance(60_000);
    must(harness.app.deps.ledger.credit({ userId: account.id, amount: 25_000, kind: "topup", ref, idempotencyKey: "ru:1", memo: "Подарок <от друга>" }));
    clock.advance(60_000);
    must(harness.app.deps.ledger.adjust({ userId: account.id, amount: -1050, ref, idempotencyKey: "ru:2" }));

    await user.send("/menu");
    await user.press("📜 История");
    const text = user.lastBotMessage()?.text ?? "";
    expect(text).toContain("История операций");
    // Issue 13: times in the reader's zone (Moscow by default for Russian), the zone named once.
    expect(text).toContain("Сначала новые, время: Москва (GMT+3).");
    expect(text).toContain("05.03.2026, 12:31");
    expect(text).toMatch(/\+250,00\s\$/);
    expect(text).toContain("Пополнение — Подарок <от друга>");
    expect(text).toMatch(/−10,50\s\$/);
    expect(text).toMatch(/Корректировка баланса магазином · баланс 239,50\s\$/);
    expect(text).not.toContain("Страница");
    expect(user.buttons()).toEqual([["⬇️ CSV"], ["⬅️ Главное меню"]]);

    await user.press("⬇️ CSV");
    const file = user.lastBotMessage();
    expect(file?.text).toContain("Вся ваша история операций: 2 записи");
    const content = file?.document?.content ?? Buffer.alloc(0);
    expect([...content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csvLines(content);
    // A spreadsheet set to Russian reads ";" between cells and decimal commas; the type is in Russian too.
    expect(file?.text).toContain("время: Москва (GMT+3)");
    expect(lines[0]).toBe("Дата (Москва GMT+3);Тип;Описание;Сумма;Баланс после операции;Валюта;№ записи");
    expect(lines[1]).toMatch(/^2026-03-05 12:31:00;Пополнение;Пополнение — Подарок <от друга>;250,00;250,00;USD;\d+$/);
    expect(lines[2]).toMatch(/^2026-03-05 12:32:00;Корректировка баланса магазином;Корректировка баланса магазином;-10,50;239,50;USD;\d+$/);
  });

  it("a page of ten entries with very long memos still fits in one Telegram message", async () => {
    const clock = testClock(START);
    harness = await startHarness({ clock });
    const { user, account } = await customer(harness, "Quinn");
    const memo = "🎁&<".repeat(400);
    for (let n = 1; n <= 11; n++) {
      clock.advance(60_000);
      must(harness.app.deps.ledger.credit({ userId: account.id, amount: 100, kind: "refund", ref: { type: "test", id: "q" }, idempotencyKey: `q:${n}`, memo }));
    }
    await user.send("/history");
    const text = user.lastBotMessage()?.text ?? "";
    expect(text).toContain("Page 1 of 2");
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.match(/Refund — /g)).toHaveLength(10);
    expect(text).toContain("…");

    // The CSV keeps the memo whole.
    await user.press("⬇️ CSV");
    const lines = csvLines(user.lastBotMessage()?.document?.content ?? Buffer.alloc(0));
    expect(lines).toHaveLength(12);
    expect(lines[1]).toContain(`Refund — ${memo}`);
  });
});

describe("history in the reader's language (issue 13)", () => {
  it("a Russian user's purchase reads with the country's Russian name, though the entry stores the provider's", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Фёдор", { language_code: "ru", balance: 500 });
    const reserved = w.h.app.deps.activations.reserve({ userId: account.id, serviceCode: "tg", countryCode: "kz", orderKey: "history-ru-1" });
    if (!reserved.ok) throw new Error(reserved.reason);
    const bought = await w.h.app.deps.activations.buy(reserved.activation.id);
    if (!bought.ok) throw new Error(bought.reason);
    w.sim.deliverSms(bought.activation.providerId ?? "", "Telegram code: 12345");
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    const stored = w.h.app.store.sqlite.prepare("SELECT memo FROM ledger_entries WHERE kind = 'purchase' AND user_id = ?").pluck().get(account.id);
    expect(stored).toContain("Kazakhstan");
    await user.send("/history");
    const text = user.lastBotMessage()?.text ?? "";
    expect(text).toContain(`Покупка — Telegram · Казахстан · +${bought.activation.phone}`);
    expect(text).not.toContain("Kazakhstan");
  });
});
