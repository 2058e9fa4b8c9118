import { afterEach, describe, expect, it } from "vitest";
import { AccountDeletion } from "../../src/domain/accountDeletion.ts";
import { AdminActions } from "../../src/domain/adminActions.ts";
import { LEDGER_AMOUNT_LIMIT } from "../../src/domain/ledger.ts";
import { account, ADMIN_MAX_AMOUNT, adminShop, bought, withCode, type AdminShop } from "../helpers/admin.ts";

let shop: AdminShop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const ADMIN = 900_001;

describe("admin refunds", () => {
  it("a number still waiting for its code is ended here and its reservation released, without the provider; the user is told once", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.failNext("cancel", { kind: "temporary", message: "down" });
    const result = await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "customer complaint" });
    expect(result).toMatchObject({ ok: true, kind: "released", amount: activation.price, told: true, activation: { state: "cancelled", endReason: "admin" } });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(shop.audit.latest(5)).toMatchObject([{ adminTelegramId: ADMIN, action: "refund", targetUserId: user, targetRef: `activation:${activation.id}`, amount: activation.price, reason: "customer complaint" }]);
    expect(shop.notices()).toEqual([
      {
        chatId: account(shop, user).telegramId,
        userId: user,
        dedupeKey: `admin-refund:${activation.id}`,
        status: "pending",
        message: {
          kind: "activation-notice",
          activationId: activation.id,
          key: "admin-notice-refunded",
          vars: { amount: { money: activation.price }, reason: "customer complaint", balance: { money: 1_000 } },
        },
      },
    ]);
    // A second refund of the same activation changes nothing and tells nobody again.
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "again" })).toMatchObject({ ok: false, reason: "already_refunded" });
    expect(shop.audit.latest(5)).toHaveLength(1);
    expect(shop.notices()).toHaveLength(1);
    // The poller no longer touches it, even if an SMS arrives late.
    shop.provider.deliverSms(activation.providerId ?? "", "late 22222", "22222");
    await shop.activations.poll();
    expect(shop.activations.byId(activation.id)?.state).toBe("cancelled");
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000);
  });

  it("a delivered number is refunded with one refund entry, once, and the user is told once", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    expect(activation.state).toBe("received");
    // A4: a delivered code means the service was delivered; only an explicit override refunds it.
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "code <b>did not</b> work" })).toMatchObject({
      ok: false,
      reason: "code_delivered",
    });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000 - activation.price);
    const first = await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "code <b>did not</b> work", override: true });
    expect(first).toMatchObject({ ok: true, kind: "refunded", amount: activation.price, told: true, entry: { kind: "refund", amount: activation.price, actorTelegramId: ADMIN } });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    // The reason goes into the message as the admin typed it: it is escaped when the message is rendered.
    expect(shop.notices()).toMatchObject([
      { dedupeKey: `admin-refund:${activation.id}`, message: { key: "admin-notice-refunded", vars: { reason: "code <b>did not</b> work", balance: { money: 1_000 } } } },
    ]);
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "again", override: true })).toMatchObject({ ok: false, reason: "already_refunded" });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    expect(shop.audit.latest(10).filter((e) => e.action === "refund")).toHaveLength(1);
    expect(shop.audit.latest(1)[0]?.details).toContain("rule A4 overridden");
    expect(shop.notices()).toHaveLength(1);
  });

  it("an activation that ended without a code has nothing to refund; an unknown id is not found; nobody is told", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    await shop.activations.cancel(activation.id, user, "cancel");
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "x" })).toMatchObject({ ok: false, reason: "not_charged" });
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: 999_999, reason: "x" })).toEqual({ ok: false, reason: "not_found" });
    expect(shop.ledger.balanceOf(user).available).toBe(1_000);
    expect(shop.audit.latest(10)).toEqual([]);
    expect(shop.notices()).toEqual([]);
  });

  it("never refunds into an account deleted since, even with the override", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await withCode(shop, user);
    expect(new AccountDeletion(shop.store.db, shop.ledger, shop.outbox, shop.clock).delete(user, "request")).toMatchObject({ ok: true });
    const result = await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "bad code", override: true });
    expect(result).toMatchObject({ ok: false, reason: "account_deleted" });
    expect(shop.ledger.balanceOf(user).posted).toBe(0);
    expect(shop.audit.latest(10)).toEqual([]);
    expect(shop.notices()).toEqual([]);
  });

  it("W4: an activation older than a month is refunded only with the override, which the audit log records", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    // Still open (say, a stuck order found late): no code, but more than a month old.
    shop.clock.advance(31 * 86_400_000 + 60_000);
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "late" })).toMatchObject({ ok: false, reason: "too_old" });
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    expect(await shop.actions.refund({ adminTelegramId: ADMIN, activationId: activation.id, reason: "late", override: true })).toMatchObject({ ok: true, kind: "released" });
    expect(shop.audit.latest(1)[0]?.details).toContain("rule W4 overridden");
  });
});

describe("admin credits and debits", () => {
  it("credits and debits through the ledger, each once per key, with an audit entry and one message each", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(100);
    const target = account(shop, user);
    const credit = shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: 250, reason: "goodwill", idempotencyKey: "admin:1" });
    expect(credit).toMatchObject({ ok: true, duplicate: false, told: true, balance: { available: 350 }, entry: { kind: "adjustment", amount: 250, actorTelegramId: ADMIN } });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: 250, reason: "goodwill", idempotencyKey: "admin:1" })).toMatchObject({ ok: true, duplicate: true, told: false });
    expect(shop.ledger.balanceOf(user).available).toBe(350);
    const debit = shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: -50, reason: "correction", idempotencyKey: "admin:2" });
    expect(debit).toMatchObject({ ok: true, told: true, balance: { available: 300 } });
    expect(shop.audit.latest(10).map((e) => [e.action, e.amount, e.reason])).toEqual([
      ["debit", 50, "correction"],
      ["credit", 250, "goodwill"],
    ]);
    expect(shop.notices().map((n) => [n.chatId, n.dedupeKey, n.message])).toEqual([
      [target.telegramId, "admin-adjust:admin:1", { kind: "notice", key: "admin-notice-credited", vars: { amount: { money: 250 }, reason: "goodwill", balance: { money: 350 } } }],
      [target.telegramId, "admin-adjust:admin:2", { kind: "notice", key: "admin-notice-debited", vars: { amount: { money: 50 }, reason: "correction", balance: { money: 300 } } }],
    ]);
  });

  it("a debit never takes the available balance below zero and says how much is missing; nobody is told", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(1_000);
    await bought(shop, user); // part of the balance is held
    const held = shop.ledger.balanceOf(user).held;
    const result = shop.actions.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: -1_000, reason: "too much", idempotencyKey: "admin:3" });
    expect(result).toEqual({ ok: false, reason: "insufficient_funds", available: 1_000 - held, missing: held });
    expect(shop.ledger.balanceOf(user).posted).toBe(1_000);
    expect(shop.audit.latest(10)).toEqual([]);
    expect(shop.notices()).toEqual([]);
  });

  it("ADMIN_MAX_AMOUNT bounds a single credit or debit and the balance a credit leads to; nothing is moved or told", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(90_000);
    const target = account(shop, user);
    const over = shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: ADMIN_MAX_AMOUNT + 1, reason: "typo", idempotencyKey: "admin:m1" });
    expect(over).toEqual({ ok: false, reason: "over_limit", max: ADMIN_MAX_AMOUNT });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: -(ADMIN_MAX_AMOUNT + 1), reason: "typo", idempotencyKey: "admin:m2" })).toMatchObject({ reason: "over_limit" });
    // Within the single limit, but the balance would end above it.
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: 10_001, reason: "bonus", idempotencyKey: "admin:m3" })).toMatchObject({ reason: "over_limit" });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: Number.MAX_SAFE_INTEGER, reason: "x", idempotencyKey: "admin:m4" })).toMatchObject({ reason: "over_limit" });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: target, amount: 10_000, reason: "bonus", idempotencyKey: "admin:m5" })).toMatchObject({ ok: true, balance: { posted: ADMIN_MAX_AMOUNT } });
    expect(shop.audit.latest(10)).toHaveLength(1);
    expect(shop.notices()).toHaveLength(1);
  });

  it("the ledger refuses any amount, and any balance, beyond its own limit far below exact integer arithmetic's", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(100);
    const ref = { type: "test", id: "1" };
    expect(() => shop?.ledger.credit({ userId: user, amount: LEDGER_AMOUNT_LIMIT + 1, kind: "topup", ref, idempotencyKey: "big" })).toThrow(RangeError);
    expect(() => shop?.ledger.hold({ userId: user, amount: Number.MAX_SAFE_INTEGER, ref, idempotencyKey: "big" })).toThrow(RangeError);
    expect(shop.ledger.credit({ userId: user, amount: LEDGER_AMOUNT_LIMIT, kind: "topup", ref, idempotencyKey: "big" })).toEqual({ ok: false, reason: "balance_limit" });
    expect(shop.ledger.balanceOf(user).posted).toBe(100);
  });

  it("a deleted account is neither credited nor told", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(0);
    const before = account(shop, user);
    expect(new AccountDeletion(shop.store.db, shop.ledger, shop.outbox, shop.clock).delete(user, "request")).toMatchObject({ ok: true });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: before, amount: 100, reason: "late", idempotencyKey: "admin:4" })).toEqual({ ok: false, reason: "account_deleted" });
    expect(shop.ledger.balanceOf(user).posted).toBe(0);
    expect(shop.audit.latest(10)).toEqual([]);
    expect(shop.notices()).toEqual([]);
  });
});

describe("blocking", () => {
  it("blocks with a frozen balance (B2), refuses a second block, unblocks once; the user hears of each change once", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(500);
    const { telegramId } = account(shop, user);
    const blocked = shop.actions.block({ adminTelegramId: ADMIN, account: account(shop, user), reason: "police request 12/3 <urgent>" });
    expect(blocked).toMatchObject({ ok: true, told: true, account: { status: "blocked", balanceFrozen: true, blockReason: "police request 12/3 <urgent>" } });
    expect(shop.actions.block({ adminTelegramId: ADMIN, account: account(shop, user), reason: "again" })).toEqual({ ok: false, reason: "already_blocked" });
    expect(shop.ledger.balanceOf(user).posted).toBe(500);
    // Frozen means kept whole: no debit while blocked; a credit (money owed to the user) is allowed.
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: -100, reason: "fee", idempotencyKey: "admin:f1" })).toEqual({ ok: false, reason: "frozen" });
    expect(shop.actions.adjust({ adminTelegramId: ADMIN, account: account(shop, user), amount: 100, reason: "owed", idempotencyKey: "admin:f2" })).toMatchObject({ ok: true, told: true });
    expect(shop.ledger.balanceOf(user).posted).toBe(600);
    expect(shop.actions.unblock({ adminTelegramId: ADMIN, account: account(shop, user) })).toMatchObject({ ok: true, told: true, account: { status: "active", balanceFrozen: false } });
    expect(shop.actions.unblock({ adminTelegramId: ADMIN, account: account(shop, user) })).toEqual({ ok: false, reason: "not_blocked" });
    const audit = shop.audit.latest(10);
    expect(audit.map((e) => e.action)).toEqual(["unblock", "credit", "block"]);
    const [unblockEntry, , blockEntry] = audit;
    expect(shop.notices().map((n) => [n.chatId, n.dedupeKey, n.message])).toEqual([
      [telegramId, `admin-block:${user}:${blockEntry?.id}`, { kind: "notice", key: "account-blocked", vars: { reason: "police request 12/3 <urgent>" } }],
      [telegramId, "admin-adjust:admin:f2", { kind: "notice", key: "admin-notice-credited", vars: { amount: { money: 100 }, reason: "owed", balance: { money: 600 } } }],
      [telegramId, `admin-unblock:${user}:${unblockEntry?.id}`, { kind: "notice", key: "admin-notice-unblocked" }],
    ]);
  });

  it("a user blocked, unblocked and blocked again is told each time", async () => {
    shop = await adminShop();
    const user = shop.userWithMoney(0);
    for (const reason of ["first", "second"]) {
      expect(shop.actions.block({ adminTelegramId: ADMIN, account: account(shop, user), reason })).toMatchObject({ ok: true, told: true });
      expect(shop.actions.unblock({ adminTelegramId: ADMIN, account: account(shop, user) })).toMatchObject({ ok: true, told: true });
    }
    expect(shop.notices().map((n) => n.message)).toMatchObject([
      { key: "account-blocked", vars: { reason: "first" } },
      { key: "admin-notice-unblocked" },
      { key: "account-blocked", vars: { reason: "second" } },
      { key: "admin-notice-unblocked" },
    ]);
  });
});

describe("one transaction", () => {
  it("when the message to the user cannot be queued, the action and its audit entry are undone too", async () => {
    shop = await adminShop();
    const s = shop;
    const user = s.userWithMoney(100);
    const broken = new AdminActions({
      db: s.store.db,
      ledger: s.ledger,
      accounts: s.accounts,
      activations: s.activations,
      audit: s.audit,
      outbox: {
        toUser: () => {
          throw new Error("disk full");
        },
      },
      clock: s.clock,
      provider: s.provider,
      settings: { maxAmount: 100_000 },
    });
    expect(() => broken.adjust({ adminTelegramId: ADMIN, account: account(s, user), amount: 50, reason: "goodwill", idempotencyKey: "admin:t1" })).toThrow("disk full");
    expect(() => broken.block({ adminTelegramId: ADMIN, account: account(s, user), reason: "police" })).toThrow("disk full");
    expect(s.ledger.balanceOf(user).posted).toBe(100);
    expect(account(s, user).status).toBe("active");
    expect(s.audit.latest(10)).toEqual([]);
  });
});

describe("finding a user", () => {
  it("finds a user by account id, Telegram id and @username, and refuses an ambiguous number", async () => {
    shop = await adminShop();
    const alice = shop.accounts.registerOrTouch({ id: 777_001, first_name: "Alice", username: "Alice_X" });
    expect(shop.actions.findUser("@alice_x")).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(shop.actions.findUser("777001")).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(shop.actions.findUser(`#${alice.id}`)).toMatchObject({ ok: true, account: { id: alice.id } });
    expect(shop.actions.findUser("@nobody")).toEqual({ ok: false, reason: "not_found" });
    // A Telegram id that is also another account's id.
    const other = shop.accounts.registerOrTouch({ id: alice.id, first_name: "Other" });
    expect(other.id).not.toBe(alice.id);
    expect(shop.actions.findUser(String(alice.id))).toEqual({ ok: false, reason: "ambiguous" });
  });
});
