import { afterEach, describe, expect, it } from "vitest";
import type { NumberProvider, ProviderResult } from "../../src/domain/numberProvider.ts";
import { createFiveSimProvider } from "../../src/providers/fiveSim.ts";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { startFakeFiveSim, type FakeFiveSim } from "../fakes/fiveSimServer.ts";
import type { FakeFault } from "../fakes/smsActivateServer.ts";
import { HOST_TG, boughtOnHost, hostShop, type HostShop } from "../helpers/hostShop.ts";

/*
 * Answers we do not understand never move money and never crash: an HTML page with status 200, an
 * unknown error word, JSON garbage, getNumberV2 without a phone, a 5sim answer about another
 * order. A buy is left for the recovery sweep (no refund that invites a second buy while the
 * first may have sold a number), a cancel stays `cancelling` for its owner to ask again, a status
 * poll is ignored and asked again. Through the real protocol code against the fake hosts.
 */

let shop: HostShop | undefined;
let fiveSim: FakeFiveSim | undefined;
afterEach(async () => {
  if (shop) expect(shop.ledger.checkInvariants()).toEqual([]);
  await shop?.close();
  await fiveSim?.close();
  shop = undefined;
  fiveSim = undefined;
});

const TG_ID = HOST_TG;
const MINUTE = 60_000;

const UNREADABLE: Array<[string, FakeFault]> = [
  ["an HTML page with status 200", { text: "<html><body><h1>502 Bad Gateway</h1></body></html>" }],
  ["an unknown error word", { text: "SOMETHING_WE_NEVER_SAW" }],
  ["JSON garbage", { text: '{"activationId": 5' }],
];

function value<T>(result: ProviderResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

const bought = boughtOnHost;

describe("sms-activate: a buy answered with something unreadable is left to the recovery sweep", () => {
  for (const [what, fault] of [...UNREADABLE, ["getNumberV2 without a phone", { text: '{"activationId":"777","activationCost":"12.50"}' }] as [string, FakeFault]]) {
    it(`${what}: the hold stays, nothing is bought again, and the sweep voids it once the host has no such number`, async () => {
      shop = await hostShop();
      const user = shop.userWithMoney(1_000);
      shop.host.injectFault("getNumberV2", fault);
      const reserved = shop.activations.reserve({ userId: user, ...TG_ID, orderKey: "unreadable" });
      if (!reserved.ok) throw new Error("reserve failed");
      expect(await shop.activations.buy(reserved.activation.id)).toMatchObject({ ok: false, reason: "pending" });
      expect(shop.activations.byId(reserved.activation.id)?.state).toBe("reserving");
      expect(shop.ledger.balanceOf(user).held).toBe(reserved.activation.price);
      expect(shop.host.requestCount("getNumberV2") + shop.host.requestCount("getNumber")).toBe(1);

      shop.clock.advance(2 * MINUTE);
      await shop.activations.settleStaleReservations();
      expect(shop.activations.byId(reserved.activation.id)?.state).toBe("failed");
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
      expect(shop.host.requestCount("getNumberV2") + shop.host.requestCount("getNumber")).toBe(1);
    });
  }

  it("an unreadable answer although the host did sell the number: the sweep gives that number to the user, bought once", async () => {
    shop = await hostShop();
    const user = shop.userWithMoney(1_000);
    const reserved = shop.activations.reserve({ userId: user, ...TG_ID, orderKey: "sold-but-unreadable" });
    if (!reserved.ok) throw new Error("reserve failed");
    // The host sells the number (its answer is lost on the way), then answers the bot's buy with a page nobody can read.
    const elsewhere = createSmsActivateProvider({ baseUrl: shop.host.url, apiKey: shop.host.apiKey, now: shop.clock });
    const sold = value(await elsewhere.buy({ service: "tg", country: "6", orderId: "sold-elsewhere" }));
    shop.host.injectFault("getNumberV2", { text: "<html>Service Temporarily Unavailable</html>" });
    expect(await shop.activations.buy(reserved.activation.id)).toMatchObject({ ok: false, reason: "pending" });
    shop.clock.advance(2 * MINUTE);
    await shop.activations.settleStaleReservations();
    expect(shop.activations.byId(reserved.activation.id)).toMatchObject({ state: "waiting", providerId: sold.id });
    expect(shop.host.activations()).toHaveLength(1);
    expect(shop.queued().some((q) => q.message.kind === "activation-notice" && q.message.key === "recovery-issued")).toBe(true);
  });
});

describe("sms-activate: a cancel answered with something unreadable stays `cancelling` for its owner", () => {
  for (const [what, fault] of UNREADABLE) {
    it(`${what}: no refund and no second press; the owner asks again, refunds once the host says it ended, and tells the user`, async () => {
      shop = await hostShop();
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      shop.clock.advance(3 * MINUTE); // past the host's early-cancel window
      shop.host.injectFault("setStatus", fault);
      expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "unclear" });
      expect(shop.activations.byId(activation.id)?.state).toBe("cancelling");
      expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
      expect(await shop.activations.cancel(activation.id, user, "cancel")).toMatchObject({ ok: false, reason: "busy" });

      shop.host.injectFault("setStatus", fault);
      expect(await shop.activations.settleStuckCancels()).toMatchObject([{ ok: false, reason: "temporary" }]);
      expect(shop.activations.byId(activation.id)?.state).toBe("cancelling");
      expect(shop.ledger.balanceOf(user).held).toBe(activation.price);

      expect(await shop.activations.settleStuckCancels()).toMatchObject([{ ok: true, refunded: activation.price }]);
      expect(shop.activations.byId(activation.id)?.state).toBe("cancelled");
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000, held: 0, available: 1_000 });
      expect(shop.queued().filter((q) => q.message.kind === "activation-notice" && q.message.key === "card-cancelled-refunded")).toHaveLength(1);
    });
  }

  it("the expiry sweep's cancel answered unreadably refunds nothing and asks again", async () => {
    shop = await hostShop();
    const user = shop.userWithMoney(1_000);
    const activation = await bought(shop, user, "o1");
    shop.clock.advance(20 * MINUTE + 1);
    shop.host.injectFault("setStatus", { text: "<html>oops</html>" });
    expect(await shop.activations.expireDue()).toEqual([]);
    expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
    expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
    await shop.activations.expireDue();
    expect(shop.activations.byId(activation.id)?.state).toMatch(/^(expired|cancelled)$/);
    expect(shop.ledger.balanceOf(user).held).toBe(0);
  });
});

describe("sms-activate: status polls answered with something unreadable are ignored and asked again", () => {
  for (const [what, fault] of UNREADABLE) {
    it(`${what} from the open list: nothing changes, and the next poll delivers the code`, async () => {
      shop = await hostShop();
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      shop.host.deliverSms(activation.providerId ?? "", "Telegram code: 31337", "31337");
      shop.host.injectFault("getActiveActivations", fault);
      const first = await shop.activations.poll();
      expect(first.updates).toEqual([]);
      expect(first.failures).toBe(1);
      expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
      expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
      const second = await shop.activations.poll();
      expect(second.updates.map((u) => u.newSms.map((s) => s.code))).toEqual([["31337"]]);
      expect(shop.activations.byId(activation.id)?.state).toBe("received");
    });

    it(`${what} from getStatus at a host without the open list: ignored, asked again`, async () => {
      shop = await hostShop({ host: { supportsActiveList: false } });
      const user = shop.userWithMoney(1_000);
      const activation = await bought(shop, user, "o1");
      shop.host.injectFault("getStatus", fault);
      const first = await shop.activations.poll();
      expect(first.failures).toBe(1);
      expect(shop.activations.byId(activation.id)?.state).toBe("waiting");
      expect(shop.ledger.balanceOf(user).held).toBe(activation.price);
      shop.host.deliverSms(activation.providerId ?? "", "Telegram code: 31337", "31337");
      await shop.activations.poll();
      expect(shop.activations.byId(activation.id)?.state).toBe("received");
    });
  }
});

describe("5sim: an answer about another order is not an answer", () => {
  async function fiveSimProvider(): Promise<NumberProvider> {
    fiveSim = await startFakeFiveSim({ apiKey: "k-5sim", now: () => Date.UTC(2026, 0, 15, 12) });
    const host = fiveSim;
    return createFiveSimProvider({ baseUrl: host.url, apiKey: "k-5sim", now: () => host.now() });
  }

  it("a check, a cancel, a finish or a ban answered with another order's id is unrecognised, never a success", async () => {
    const provider = await fiveSimProvider();
    const mine = value(await provider.buy({ service: "telegram", country: "russia", orderId: "a" }));
    const other = value(await provider.buy({ service: "telegram", country: "russia", orderId: "b" }));
    const otherOrder = fiveSim?.orders().find((o) => String(o.id) === other.id);
    if (!fiveSim || !otherOrder) throw new Error("no order");
    const answerAbout = (status: string) => ({
      text: JSON.stringify({ id: Number(other.id), phone: `+${other.phone}`, operator: "any", product: "telegram", price: 20, status, expires: null, sms: null, created_at: "2026-01-15T12:00:00Z", country: "russia" }),
    });
    fiveSim.injectFault(`/user/check/${mine.id}`, answerAbout("RECEIVED"));
    const checked = await provider.getActivation(mine.id);
    expect(checked.ok ? "ok" : checked.failure.kind).toBe("unrecognised");
    for (const [action, status] of [["cancel", "CANCELED"], ["finish", "FINISHED"], ["ban", "BANNED"]] as const) {
      fiveSim.injectFault(`/user/${action}/${mine.id}`, answerAbout(status));
      const result = await provider[action](mine.id);
      expect(result.ok ? "ok" : result.failure.kind, action).toBe("unrecognised");
    }
    // The order itself is untouched and still reads as it is.
    expect(value(await provider.getActivation(mine.id)).state).toBe("waiting");
  });
});
