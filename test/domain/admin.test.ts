import { afterEach, describe, expect, it } from "vitest";
import { AdminOps } from "../../src/domain/admin.ts";
import { AuditLog } from "../../src/domain/audit.ts";
import { testShop, TEST_PRICING } from "../helpers/shop.ts";

type Shop = Awaited<ReturnType<typeof testShop>>;
let shop: Shop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const ADMIN = 900_001;
const TG_KZ = { serviceCode: "tg", countryCode: "kz" };

function adminOps(s: Shop) {
  const audit = new AuditLog(s.store.db, s.clock);
  const ops = new AdminOps({ db: s.store.db, ledger: s.ledger, accounts: s.accounts, activations: s.activations, audit, clock: s.clock, pricing: TEST_PRICING, provider: s.provider });
  return { ops, audit };
}

async function bought(s: Shop, userId: number, orderKey = `o-${Math.random()}`) {
  const reserved = s.activations.reserve({ userId, ...TG_KZ, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  return outcome.activation;
}

async function withCode(s: Shop, userId: number) {
  const activation = await bought(s, userId);
  s.provider.deliverSms(activation.providerId ?? "", "Telegram code: 11111", "11111");
  await s.activations.poll();
  return s.activations.byId(activation.id) ?? activation;
}

function account(s: Shop, userId: number) {
  const found = s.accounts.byId(userId);
  if (!found) throw new Error("no account");
  return found;
}

describe("admin refunds", () => {
  it("a number still waiting for its code is ended here and its reservation released, without the provider", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.failNext("cancel", { kind: "temporary", message: "down" });
    const { ops, audit } = adminOps(shop);
    const result = await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "customer complaint" });
    expect(result).toMatchObject({ ok: true, kind: "released", amount: activation.price, activation: { state: "cancelled", endReason: "admin" } });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(audit.latest(5)).toMatchObject([{ adminTelegramId: ADMIN, action: "refund", targetUserId: user, targetRef: `activation:${activation.id}`, amount: activation.price, reason: "customer complaint" }]);
    // A second refund of the same activation changes nothing.
    expect(await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "again" })).toMatchObject({ ok: false, reason: "already_refunded" });
    expect(audit.latest(5)).toHaveLength(1);
    // The poller no longer touches it, even if an SMS arrives late.
    shop.provider.deliverSms(activation.providerId ?? "", "late 22222", "22222");
    await shop.activations.poll();
    expect(shop.activations.byId(activation.id)?.state).toBe("cancelled");
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000);
  });

  it("a delivered number is refunded with one refund entry, once", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    expect(activation.state).toBe("received");
    const { ops, audit } = adminOps(shop);
    const first = await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "code did not work" });
    expect(first).toMatchObject({ ok: true, kind: "refunded", amount: activation.price, entry: { kind: "refund", amount: activation.price, actorTelegramId: ADMIN, memo: "code did not work" } });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    expect(await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "again" })).toMatchObject({ ok: false, reason: "already_refunded" });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    expect(audit.latest(10).filter((e) => e.action === "refund")).toHaveLength(1);
  });

  it("an activation that ended without a code has nothing to refund; an unknown id is not found", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    await shop.activations.cancel(activation.id, user, "cancel");
    const { ops, audit } = adminOps(shop);
    expect(await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "x" })).toMatchObject({ ok: false, reason: "not_charged" });
    expect(await ops.refund({ adminTelegramId: ADMIN, activationId: 999_999, reason: "x" })).toEqual({ ok: false, reason: "not_found" });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    expect(audit.latest(10)).toEqual([]);
  });
});

describe("admin credits and debits", () => {
  it("credits and debits through the ledger, each once per key, with an audit entry", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(100);
    const { ops, audit } = adminOps(shop);
    const target = account(shop, user);
    const credit = ops.adjust({ adminTelegramId: ADMIN, account: target, amount: 250, reason: "goodwill", idempotencyKey: "admin:1" });
    expect(credit).toMatchObject({ ok: true, duplicate: false, balance: { available: 350 }, entry: { kind: "adjustment", amount: 250, actorTelegramId: ADMIN } });
    expect(ops.adjust({ adminTelegramId: ADMIN, account: target, amount: 250, reason: "goodwill", idempotencyKey: "admin:1" })).toMatchObject({ ok: true, duplicate: true });
    expect(shop.ledger.balanceOf(user).available).toBe(350);
    const debit = ops.adjust({ adminTelegramId: ADMIN, account: target, amount: -50, reason: "correction", idempotencyKey: "admin:2" });
    expect(debit).toMatchObject({ ok: true, balance: { available: 300 } });
    expect(audit.latest(10).map((e) => [e.action, e.amount, e.reason])).toEqual([
      ["debit", 50, "correction"],
      ["credit", 250, "goodwill"],
    ]);
  });

  it("a debit never takes the available balance below zero and says how much is missing", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    await bought(shop, user); // part of the balance is held
    const held = shop.ledger.balanceOf(user).held;
    const { ops, audit } = adminOps(shop);
    const result = ops.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: -1_000, reason: "too much", idempotencyKey: "admin:3" });
    expect(result).toEqual({ ok: false, reason: "insufficient_funds", available: 1_000 - held, missing: held });
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000);
    expect(audit.latest(10)).toEqual([]);
  });
});

describe("blocking", () => {
  it("blocks with a frozen balance (B2), refuses a second block, unblocks once", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(500);
    const { ops, audit } = adminOps(shop);
    expect(ops.block({ adminTelegramId: ADMIN, account: account(shop, user), reason: "police request 12/3" })).toMatchObject({
      ok: true,
      account: { status: "blocked", balanceFrozen: true, blockReason: "police request 12/3" },
    });
    expect(ops.block({ adminTelegramId: ADMIN, account: account(shop, user), reason: "again" })).toEqual({ ok: false, reason: "already_blocked" });
    expect(shop.ledger.balanceOf(user).posted).toBe(500);
    // Frozen means kept whole: no debit while blocked; a credit (money owed to the user) is allowed.
    expect(ops.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: -100, reason: "fee", idempotencyKey: "admin:f1" })).toEqual({ ok: false, reason: "frozen" });
    expect(ops.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: 100, reason: "owed", idempotencyKey: "admin:f2" })).toMatchObject({ ok: true });
    expect(shop.ledger.balanceOf(user).posted).toBe(600);
    expect(ops.unblock({ adminTelegramId: ADMIN, account: account(shop, user) })).toMatchObject({ ok: true, account: { status: "active", balanceFrozen: false } });
    expect(ops.unblock({ adminTelegramId: ADMIN, account: account(shop, user) })).toEqual({ ok: false, reason: "not_blocked" });
    expect(audit.latest(10).map((e) => e.action)).toEqual(["unblock", "credit", "block"]);
  });
});

describe("look-ups", () => {
  it("finds a user by account id, Telegram id and @username, and refuses an ambiguous number", async () => {
    shop = await testShop();
    const alice = shop.accounts.registerOrTouch({ id: 777_001, first_name: "Alice", username: "Alice_X" });
    const { ops } = adminOps(shop);
    expect(ops.findUser("@alice_x")).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(ops.findUser("777001")).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(ops.findUser(`#${alice.id}`)).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(ops.findUser("@nobody")).toEqual({ ok: false, reason: "not_found" });
    // A Telegram id that is also another account's id.
    const other = shop.accounts.registerOrTouch({ id: alice.id, first_name: "Other" });
    expect(other.id).not.toBe(alice.id);
    expect(ops.findUser(String(alice.id))).toEqual({ ok: false, reason: "ambiguous" });
  });

  it("a user's profile shows balances, totals and the last activations", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    const profile = adminOps(shop).ops.userProfile(account(shop, user));
    expect(profile.balance).toEqual({ posted: 1_000 - activation.price, held: 0, available: 1_000 - activation.price });
    expect(profile.totals).toMatchObject({ topup: 1_000, purchase: -activation.price });
    expect(profile.lastActivations.map((a) => a.id)).toEqual([activation.id]);
    expect(profile.activationCount).toBe(1);
  });

  it("an order shows its SMS and every money entry, including an admin refund", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    const { ops } = adminOps(shop);
    await ops.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "bad code" });
    const details = ops.orderDetails(activation.id);
    expect(details?.sms.map((s) => s.code)).toEqual(["11111"]);
    expect(details?.entries.map((e) => [e.kind, e.amount])).toEqual([
      ["purchase", -activation.price],
      ["refund", activation.price],
    ]);
    expect(details?.hold?.status).toBe("captured");
    expect(ops.orderDetails(424_242)).toBeUndefined();
  });

  it("statistics count top-ups, sales, refunds, margin and outcomes per period", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const sold = await withCode(shop, user);
    const cancelled = await bought(shop, user);
    await shop.activations.cancel(cancelled.id, user, "cancel");
    const { ops } = adminOps(shop);
    await ops.refund({ adminTelegramId: ADMIN, activationId: sold.id, reason: "r" });
    const { today, month } = ops.stats();
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
    const later = ops.stats();
    expect(later.today.sales.count).toBe(0);
    expect(later.week.sales.count).toBe(1);
  });
});
