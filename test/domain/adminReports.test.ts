import { afterEach, describe, expect, it } from "vitest";
import { AdminReports } from "../../src/domain/adminReports.ts";
import { account, adminShop, bought, withCode, type AdminShop } from "../helpers/admin.ts";
import { TEST_PRICING } from "../helpers/shop.ts";

let shop: AdminShop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const ADMIN = 900_001;

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
    expect(today.margin).toBe(sold.price - today.cost);
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
