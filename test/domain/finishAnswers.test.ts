import { describe, expect, it } from "vitest";
import type { FakeFault } from "../fakes/smsActivateServer.ts";
import { HOST_TG, hostShopPerTest, type HostShop } from "../helpers/hostShop.ts";

/*
 * Finish (the code was used) is marked finished here only once the provider's answer says the
 * activation is done there: finished, or refused because it already ended. An answer nobody can
 * read leaves it open here and the user may press again; the expiry sweep asks again next run.
 * Through the real protocol code against the fake host.
 */

const shops = hostShopPerTest();

const TG_ID = HOST_TG;
const MINUTE = 60_000;

async function withCode(s: HostShop) {
  const user = s.userWithMoney(1_000);
  const reserved = s.activations.reserve({ userId: user, ...TG_ID, orderKey: "o1" });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  s.host.deliverSms(outcome.activation.providerId ?? "", "Telegram code: 55555", "55555");
  await s.activations.poll();
  const activation = s.activations.byId(outcome.activation.id);
  if (activation?.state !== "received") throw new Error("no code");
  return { user, activation };
}

const UNREADABLE: Array<[string, FakeFault]> = [
  ["an HTML page with status 200", { text: "<html><body>502 Bad Gateway</body></html>" }],
  ["an unknown error word", { text: "ACCESS_SOMETHING_NEW" }],
  ["JSON garbage", { text: '{"status":' }],
];

describe("Finish answered with something nobody can read", () => {
  for (const [what, fault] of UNREADABLE) {
    it(`${what}: not finished here, the user is told it is unclear, and a second press finishes it`, async () => {
      const shop = await shops.open();
      const { user, activation } = await withCode(shop);
      shop.host.injectFault("setStatus", fault);
      expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: false, reason: "unclear" });
      expect(shop.activations.byId(activation.id)?.state).toBe("received");
      expect(shop.host.activations()[0]?.status).toBe("received");
      expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: true, activation: { state: "finished" } });
      expect(shop.host.activations()[0]?.status).toBe("finished");
      // Paid once, at the code; Finish moves no money either way.
      expect(shop.ledger.balanceOf(user)).toEqual({ posted: 1_000 - activation.price, held: 0, available: 1_000 - activation.price });
    });
  }

  it("no answer (HTTP 500): temporary, not finished here", async () => {
    const shop = await shops.open();
    const { user, activation } = await withCode(shop);
    shop.host.injectFault("setStatus", "http500");
    expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: false, reason: "temporary" });
    expect(shop.activations.byId(activation.id)?.state).toBe("received");
  });

  it("refused because the host already ended it (BAD_STATUS): finished here too", async () => {
    const shop = await shops.open();
    const { user, activation } = await withCode(shop);
    shop.host.injectFault("setStatus", { error: "BAD_STATUS" });
    expect(await shop.activations.finish(activation.id, user)).toMatchObject({ ok: true, activation: { state: "finished" } });
  });

  it("the expiry sweep's Finish answered unreadably leaves it received and asks again next run", async () => {
    const shop = await shops.open();
    const { activation } = await withCode(shop);
    shop.clock.advance(20 * MINUTE + 1_000);
    shop.host.injectFault("setStatus", { text: "<html>oops</html>" });
    expect(await shop.activations.expireDue()).toEqual([]);
    expect(shop.activations.byId(activation.id)?.state).toBe("received");
    await shop.activations.expireDue();
    expect(shop.activations.byId(activation.id)).toMatchObject({ state: "finished", endReason: "expired" });
  });
});
