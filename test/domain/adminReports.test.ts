import { afterEach, describe, expect, it } from "vitest";
import { AdminReports } from "../../src/domain/adminReports.ts";
import { account, adminShop, bought, withCode, type AdminShop } from "../helpers/admin.ts";
import { TEST_PRICING } from "../helpers/shop.ts";
import { costInShopMinor } from "../../src/domain/pricing.ts";
import { StarsPayments } from "../../src/payments/stars.ts";

let shop: AdminShop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const ADMIN = 900_001;
const DAY = 86_400_000;
const STARS_SETTINGS = { rate: "0.013", presets: [100], minStars: 1, maxStars: 10_000, invoiceTtlMs: DAY };

describe("admin reports", () => {
  it("a user's profile shows balances, totals and the last activations", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    const profile = shop.reports.userProfile(account(shop, user));
    expect(profile.balance).toEqual({ posted: 1_000 - activation.price, held: 0, available: 1_000 - activation.price });
    expect(profile.totals).toMatchObject({ topup: 1_000, purchase: -activation.price });
    expect(profile.lastActivations.map((a) => a.id)).toEqual([activation.id]);
    expect(profile.activationCount).toBe(1);
  });

  it("an order shows its SMS and every money entry, including an admin refund", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "bad code", override: true });
    const details = shop.reports.orderDetails(activation.id);
    expect(details?.sms.map((s) => s.code)).toEqual(["11111"]);
    expect(details?.entries.map((e) => [e.kind, e.amount])).toEqual([
      ["purchase", -activation.price],
      ["refund", activation.price],
    ]);
    expect(details?.hold?.status).toBe("captured");
    expect(shop.reports.orderDetails(424_242)).toBeUndefined();
  });

  it("statistics count top-ups, sales, refunds, margin and outcomes per period", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const sold = await withCode(shop, user);
    const cancelled = await bought(shop, user);
    await shop.activations.cancel(cancelled.id, user, "cancel");
    await shop.actions.refund({ adminTelegramId: ADMIN, activationId: sold.id, reason: "r", override: true });
    const { today, month } = await shop.reports.stats();
    expect(today.topups).toEqual({ count: 1, amount: 1_000 });
    expect(today.sales).toEqual({ count: 1, amount: sold.price });
    expect(today.refunds).toEqual({ count: 1, amount: sold.price });
    expect(today.cost).toBeGreaterThan(0);
    // Margin after refunds: the refunded sale is taken off again; the provider's cost stays.
    expect(today.margin).toBe(sold.price - today.cost - sold.price);
    expect(today.outcomes).toEqual({ received: 1, cancelled: 1 });
    expect([today.issued, today.withCode]).toEqual([2, 1]);
    expect(today.activeUsers).toBe(1);
    expect(month.sales).toEqual(today.sales);
    // A day later, "today" is empty but the week still counts it.
    shop.clock.advance(86_400_000);
    const later = await shop.reports.stats();
    expect(later.today.sales.count).toBe(0);
    expect(later.week.sales.count).toBe(1);
  });

  it("/stats on a seeded ledger: Stars in and given back, sales, refunds not netted already, margin after refunds, the 30 days", async () => {
    shop = await adminShop();
    const stars = new StarsPayments(shop.store.db, shop.ledger, shop.accounts, shop.outbox, shop.clock, STARS_SETTINGS, 2);
    const pay = (userId: number, amount: number, chargeId: string) => {
      const topup = stars.createTopup(userId, amount);
      const paid = stars.recordPayment({ chargeId, payload: topup.payload, stars: amount, telegramId: account(shop!, userId).telegramId, source: "update" });
      if (paid.status !== "credited") throw new Error(`not credited: ${paid.status}`);
      return paid.creditMinor;
    };
    // Three days ago: Anna pays 500 Stars and buys a number that gets its code.
    const anna = shop.newUser();
    pay(anna, 500, "charge-anna");
    const early = await withCode(shop, anna);
    shop.clock.advance(3 * DAY);
    // Today: Boris pays 250 Stars and gets them back; Anna buys two more numbers, cancels one
    // before its code (never a sale, so nothing to take off), and an admin refunds a delivered one.
    const boris = shop.newUser();
    const borisCredit = pay(boris, 250, "charge-boris");
    const refunded = await stars.refund("charge-boris", { refundStarPayment: async () => true, getStarTransactions: async () => ({ transactions: [] }) });
    expect(refunded.ok).toBe(true);
    const sold = await withCode(shop, anna);
    const cancelled = await bought(shop, anna);
    await shop.activations.cancel(cancelled.id, anna, "cancel");
    await shop.actions.refund({ adminTelegramId: ADMIN, activationId: sold.id, reason: "bad code", override: true });

    const costOf = (a: { costMicros: number }) => costInShopMinor(a.costMicros, TEST_PRICING);
    const { today, week, month, days, timeZone } = await shop.reports.stats();
    expect(timeZone).toBe("UTC");
    expect(today.stars).toEqual({ payments: 1, stars: 250, refunds: 1, refundedStars: 250 });
    expect(week.stars).toEqual({ payments: 2, stars: 750, refunds: 1, refundedStars: 250 });
    expect(today.paymentRefunds).toEqual({ count: 1, amount: borisCredit });
    expect(today.sales).toEqual({ count: 1, amount: sold.price });
    expect(today.numbers).toEqual(today.sales);
    expect(today.refunds).toEqual({ count: 1, amount: sold.price });
    expect(today.cost).toBe(costOf(sold));
    expect(today.margin).toBe(sold.price - costOf(sold) - sold.price);
    expect(week.sales).toEqual({ count: 2, amount: early.price + sold.price });
    expect(week.margin).toBe(early.price + sold.price - costOf(early) - costOf(sold) - sold.price);
    expect(month).toEqual({ ...week, since: month.since, activeUsers: month.activeUsers, newUsers: month.newUsers });
    // The chart: 30 days, oldest first, today last; three days ago holds the first sale.
    expect(days).toHaveLength(30);
    expect(days[29]).toEqual({ start: today.since, revenue: sold.price, sold: 1 });
    expect(days[26]).toMatchObject({ revenue: early.price, sold: 1 });
    expect(days.reduce((sum, d) => sum + d.revenue, 0)).toBe(month.sales.amount);
    expect(days[1]!.start - days[0]!.start).toBe(DAY);
  });

  it("/stats cuts days at midnight in the admin's time zone", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    // 22:30 UTC on 15 January is already 16 January in Moscow (UTC+3).
    shop.clock.set(Date.UTC(2026, 0, 15, 22, 30));
    const sold = await withCode(shop, user);
    const utc = await shop.reports.stats("UTC");
    const moscow = await shop.reports.stats("Europe/Moscow");
    expect(utc.today.since).toBe(Date.UTC(2026, 0, 15));
    expect(moscow.today.since).toBe(Date.UTC(2026, 0, 15, 21));
    expect(moscow.timeZone).toBe("Europe/Moscow");
    expect(moscow.today.sales).toEqual({ count: 1, amount: sold.price });
    // An hour later, a new Moscow day has not begun, and in UTC it has: today holds nothing.
    shop.clock.set(Date.UTC(2026, 0, 16, 0, 30));
    expect((await shop.reports.stats("UTC")).today.sales.count).toBe(0);
    expect((await shop.reports.stats("Europe/Moscow")).today.sales.count).toBe(1);
  });

  it("statistics read in slices of one row add up to the same figures (fast at any size)", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    await withCode(shop, user);
    const cancelled = await bought(shop, user);
    await shop.activations.cancel(cancelled.id, user, "cancel");
    await withCode(shop, user);
    const { ledger, accounts, activations, clock } = shop;
    const sliced = new AdminReports({ db: shop.store.db, ledger, accounts, activations, audit: shop.audit, clock, pricing: TEST_PRICING, sliceRows: 1 });
    expect(await sliced.stats()).toEqual(await shop.reports.stats());
    expect(await sliced.stats("Asia/Kolkata")).toEqual(await shop.reports.stats("Asia/Kolkata"));
  });

  it("the ledger check passes on a consistent ledger; the audit trail lists the newest actions first", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(100);
    shop.actions.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: 10, reason: "one", idempotencyKey: "admin:a" });
    shop.actions.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: 20, reason: "two", idempotencyKey: "admin:b" });
    expect(await shop.reports.checkLedger()).toEqual([]);
    expect(shop.reports.recentAudit(1).map((e) => e.reason)).toEqual(["two"]);
    expect(shop.reports.recentAudit(10).map((e) => e.reason)).toEqual(["two", "one"]);
  });
});
