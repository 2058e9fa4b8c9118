import { afterEach, describe, expect, it } from "vitest";
import { activations as activationsTable, activationSms } from "../../src/db/schema.ts";
import type { NumberProvider, ProviderActivation, ProviderResult } from "../../src/domain/numberProvider.ts";
import { RESERVING_GRACE_MS } from "../../src/domain/purchases.ts";
import { testShop } from "../helpers/shop.ts";
import { ADMIN_CHAT } from "../helpers/store.ts";

/*
 * Every half-way state has an owner, and no answer we do not understand moves money: the defects
 * found in review of the activation code, each as the story that showed it.
 */

type Shop = Awaited<ReturnType<typeof testShop>>;
let shop: Shop | undefined;
afterEach(() => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  shop?.store.close();
  shop = undefined;
});

const TG_KZ = { serviceCode: "tg", countryCode: "kz" };

async function bought(s: Shop, userId: number, orderKey = `o-${Math.random()}`) {
  const reserved = s.activations.reserve({ userId, ...TG_KZ, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  return outcome.activation;
}

/** What a process killed after pressing Cancel, before the provider's answer, leaves behind. */
function leftCancelling(s: Shop, activationId: number, intent: "cancel-requested" | "ban-requested" = "cancel-requested") {
  const row = s.activations.byId(activationId);
  if (!row) throw new Error("no activation");
  return s.activations.records.transition(row, "waiting", "cancelling", { endReason: intent });
}

/** A provider whose answers to `buy` wait until the test lets them through (an answer still on its way). */
function delayedBuys(inner: NumberProvider): { provider: NumberProvider; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const provider: NumberProvider = Object.create(inner) as NumberProvider;
  provider.buy = async (request) => {
    const answer = await inner.buy(request);
    await gate;
    return answer;
  };
  return { provider, release: () => release() };
}

describe("a cancel interrupted by a crash is settled by asking the provider (the owner of `cancelling`)", () => {
  it("the provider ended it: refunded once, counted as the user's cancel, and the user is told", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    leftCancelling(shop, activation.id);
    // A second press while it is stuck answers "busy", as before; nothing moves.
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "busy" });

    const outcomes = await shop.activations.settleStuckCancels();
    expect(outcomes).toMatchObject([{ ok: true, refunded: activation.price }]);
    expect(shop.activations.byId(activation.id)).toMatchObject({ state: "cancelled", endReason: "user" });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    const notices = shop.queued().filter((q) => q.message.kind === "activation-notice");
    expect(notices.map((q) => q.message)).toEqual([
      { kind: "activation-notice", activationId: activation.id, key: "card-cancelled-refunded", vars: { amount: { money: activation.price } } },
    ]);
    // Nothing is left for a second sweep.
    expect(await shop.activations.settleStuckCancels()).toEqual([]);
  });

  it("a ban interrupted the same way is settled as a ban", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    leftCancelling(shop, activation.id, "ban-requested");
    await shop.activations.settleStuckCancels();
    expect(shop.activations.byId(activation.id)?.state).toBe("banned");
  });

  it("a code that came meanwhile wins: the cancel is refused, the user is charged and keeps the number (A4)", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.deliverSms(activation.providerId ?? "", "Telegram code: 12345", "12345");
    leftCancelling(shop, activation.id);
    await shop.activations.settleStuckCancels();
    expect(shop.activations.byId(activation.id)?.state).toBe("received");
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000 - activation.price, held: 0, available: 1_000 - activation.price });
  });

  it("a provider that does not answer leaves it `cancelling` with the hold, to be asked again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    leftCancelling(shop, activation.id);
    shop.provider.failNext("cancel", { kind: "temporary", message: "timeout" });
    expect(await shop.activations.settleStuckCancels()).toMatchObject([{ ok: false, reason: "temporary" }]);
    expect(shop.activations.byId(activation.id)?.state).toBe("cancelling");
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    await shop.activations.settleStuckCancels();
    expect(shop.activations.byId(activation.id)?.state).toBe("cancelled");
  });
});

describe("no answer we do not understand moves money", () => {
  it("the expiry sweep refunds only when the provider says the activation ended; an unclear answer is asked again", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.clock.advance(20 * 60_000 + 1);
    shop.provider.failNext("cancel", { kind: "unrecognised", message: "an HTML page with status 200", raw: "<html>" });
    expect(await shop.activations.expireDue()).toEqual([]);
    expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    for (const kind of ["bad_config", "no_balance"] as const) {
      shop.provider.failNext("cancel", { kind, message: "the operator's side" });
      expect(await shop.activations.expireDue()).toEqual([]);
    }
    const updates = await shop.activations.expireDue();
    expect(updates).toMatchObject([{ refunded: activation.price, activation: { state: "expired" } }]);
  });

  it("a user's cancel that gets an unclear answer is not refunded; it stays `cancelling` and its owner settles it", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    shop.provider.failNext("cancel", { kind: "unrecognised", message: "garbage" });
    // The provider may or may not have ended the number: neither refunded nor offered to the user again.
    expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "unclear" });
    expect(shop.activations.byId(activation.id)?.state).toBe("cancelling");
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    expect(await shop.activations.settleStuckCancels()).toMatchObject([{ ok: true, refunded: activation.price }]);
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
  });
});

describe("recovering lost buy answers never hands anyone another user's number", () => {
  it("a buy answer that arrives after the sweep matched the same number does not cancel it", async () => {
    const delayed = { release: () => undefined as void };
    shop = await testShop();
    const gated = delayedBuys(shop.provider);
    delayed.release = gated.release;
    // The same shop, buying through the gated provider.
    const { Activations } = await import("../../src/domain/activations.ts");
    const { createLogger } = await import("../../src/logger.ts");
    const activations = new Activations({
      db: shop.store.db,
      logger: createLogger("silent"),
      ledger: shop.ledger,
      catalog: shop.catalog,
      provider: gated.provider,
      outbox: shop.outbox,
      clock: shop.clock,
      settings: shop.activations.settings,
    });
    const user = shop.userWithMoney(1_000);
    const reserved = activations.reserve({ userId: user, ...TG_KZ, orderKey: "late-answer" });
    if (!reserved.ok) throw new Error("reserve failed");
    const buying = activations.buy(reserved.activation.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    shop.clock.advance(RESERVING_GRACE_MS + 1);
    const swept = await activations.settleStaleReservations();
    expect(swept).toMatchObject([{ ok: true }]);
    const issued = activations.byId(reserved.activation.id);
    delayed.release();
    expect(await buying).toMatchObject({ ok: true, activation: { id: reserved.activation.id, providerId: issued?.providerId } });
    // The number is still open at the provider and still the user's.
    const remote = await shop.provider.getActivation(issued?.providerId ?? "");
    expect(remote).toMatchObject({ ok: true, value: { state: "waiting" } });
    expect(activations.byId(reserved.activation.id)?.state).toBe("waiting");
  });

  it("while another purchase of the same service and country is in flight, a lost answer waits instead of guessing", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const other = shop.userWithMoney(1_000);
    const inFlight = shop.activations.reserve({ userId: other, ...TG_KZ, orderKey: "in-flight" });
    const lost = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: "lost" });
    if (!inFlight.ok || !lost.ok) throw new Error("reserve failed");
    shop.provider.failNext("buy", { kind: "temporary", message: "stale socket" }, 1, { lostAnswer: true });
    expect(await shop.activations.buy(lost.activation.id)).toMatchObject({ ok: false, reason: "pending" });
    expect(shop.activations.byId(lost.activation.id)?.providerId).toBeNull();
    // The other purchase gets its own number.
    expect(await shop.activations.buy(inFlight.activation.id)).toMatchObject({ ok: true });
  });

  it("two lost purchases of the same pair: the first is voided and its candidate ended at the provider; the last one, no longer ambiguous, gets a number; nothing crashes", async () => {
    shop = await testShop();
    const first = shop.userWithMoney(1_000);
    const second = shop.userWithMoney(1_000);
    const a = shop.activations.reserve({ userId: first, ...TG_KZ, orderKey: "lost-a" });
    const b = shop.activations.reserve({ userId: second, ...TG_KZ, orderKey: "lost-b" });
    if (!a.ok || !b.ok) throw new Error("reserve failed");
    // Both numbers were sold upstream; both answers were lost, and the in-flight handlers died.
    await shop.provider.buy({ service: "tg", country: "kz", orderId: "lost-a", maxCostMicros: a.activation.costMicros });
    await shop.provider.buy({ service: "tg", country: "kz", orderId: "lost-b", maxCostMicros: b.activation.costMicros });
    shop.clock.advance(RESERVING_GRACE_MS + 1);
    const outcomes = await shop.activations.settleStaleReservations();
    expect(outcomes.map((o) => [o.activation.id, o.ok, o.activation.state])).toEqual([
      [a.activation.id, false, "failed"],
      [b.activation.id, true, "waiting"],
    ]);
    expect(shop.ledger.balanceOf(first)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
    expect(shop.ledger.balanceOf(second).held).toBe(b.activation.price);
    // Nothing is left open at the provider that the bot would forget.
    const open = await shop.provider.listOpenActivations();
    const waiting = open.ok ? (open.value ?? []).filter((o) => o.state === "waiting").map((o) => o.id) : ["?"];
    expect(waiting).toEqual([shop.activations.byId(b.activation.id)?.providerId]);
  });
});

describe("SMS and lifetimes, whatever the host", () => {
  it("a host that lists only the newest code: every new SMS is stored and queued once", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user);
    const inner = shop.provider;
    // The host's list holds the newest SMS only, so the count stays at one.
    const newestOnly = (value: ProviderActivation): ProviderActivation => ({ ...value, sms: value.sms.slice(-1) });
    inner.listOpenActivations = (async (original: NumberProvider["listOpenActivations"]) => {
      const result = await original();
      return result.ok && result.value ? { ok: true, value: result.value.map(newestOnly) } : result;
    }).bind(null, inner.listOpenActivations.bind(inner)) as () => Promise<ProviderResult<ProviderActivation[] | null>>;
    inner.deliverSms(activation.providerId ?? "", "code 11111", "11111");
    await shop.activations.poll();
    await shop.activations.requestAnotherSms(activation.id, user);
    inner.deliverSms(activation.providerId ?? "", "code 22222", "22222");
    await shop.activations.poll();
    await shop.activations.poll();
    expect(shop.activations.sms(activation.id).map((s) => s.code)).toEqual(["11111", "22222"]);
    expect(shop.queued().filter((q) => q.message.kind === "activation-sms")).toHaveLength(2);
  });

  it("a provider's expiry time in another time zone never ends a number before the bot's own lifetime", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(1_000);
    const original = shop.provider.buy.bind(shop.provider);
    // A host whose naive times were read in the wrong zone: the number "expires" three hours ago.
    shop.provider.buy = async (request) => {
      const answer = await original(request);
      return answer.ok ? { ok: true, value: { ...answer.value, expiresAt: (shop?.clock() ?? 0) - 3 * 3_600_000 } } : answer;
    };
    const activation = await bought(shop, user);
    expect(activation.expiresAt).toBe(shop.clock() + 20 * 60_000);
    expect(await shop.activations.expireDue()).toEqual([]);
    expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
  });
});

describe("one bad row does not stop a job; the admins hear of it once", () => {
  it("a poll that cannot store one activation's SMS still delivers the others", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(10_000);
    const broken = await bought(shop, user, "broken");
    const fine = await bought(shop, user, "fine");
    // The broken row: its card points nowhere and its SMS table refuses it (a trigger stands in for a corrupt row).
    shop.store.sqlite.exec(`CREATE TRIGGER refuse_broken BEFORE INSERT ON activation_sms WHEN NEW.activation_id = ${broken.id}
      BEGIN SELECT RAISE(ABORT, 'corrupt row'); END`);
    shop.provider.deliverSms(broken.providerId ?? "", "code 1", "1");
    shop.provider.deliverSms(fine.providerId ?? "", "code 2", "2");
    const first = await shop.activations.poll();
    expect(first.updates.map((u) => u.activation.id)).toEqual([fine.id]);
    expect(shop.activations.byId(fine.id)?.state).toBe("received");
    expect(shop.activations.byId(broken.id)?.state).toBe("waiting");
    await shop.activations.poll();
    const alerts = shop.queued().filter((q) => q.message.kind === "notice" && q.message.key === "job-item-failed");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ chatId: ADMIN_CHAT, message: { vars: { job: "activation-poll", item: `activation ${broken.id}` } } });
    expect(shop.store.db.select().from(activationSms).all().map((s) => s.activationId)).toEqual([fine.id]);
    expect(shop.store.db.select().from(activationsTable).all()).toHaveLength(2);
  });
});

describe("failures on the operator's side reach the admins at once", () => {
  it("no balance at the provider: the purchase is voided and the admins are told once an hour", async () => {
    shop = await testShop();
    const user = shop.userWithMoney(10_000);
    for (const key of ["first", "second"]) {
      shop.provider.failNext("buy", { kind: "no_balance", message: "NO_BALANCE" });
      const reserved = shop.activations.reserve({ userId: user, ...TG_KZ, orderKey: key });
      if (!reserved.ok) throw new Error("reserve failed");
      expect(await shop.activations.buy(reserved.activation.id)).toMatchObject({ ok: false, reason: "no_balance" });
    }
    const alerts = shop.queued().filter((q) => q.message.kind === "notice" && q.message.key === "purchase-operator-failure");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toMatchObject({ vars: { reason: "no_balance" } });
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 10_000, held: 0, available: 10_000 });
  });
});
