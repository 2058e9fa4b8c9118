import { describe, expect, it } from "vitest";
import { KeyValue } from "../../src/db/keyValue.ts";
import { OperatorAlerts } from "../../src/domain/operatorAlerts.ts";
import { ProviderBalanceWatch } from "../../src/domain/providerBalance.ts";
import { providerBalanceJob } from "../../src/jobs/providerJobs.ts";
import { createLogger } from "../../src/logger.ts";
import { HOST_TG, hostShopPerTest, type HostShop } from "../helpers/hostShop.ts";
import { ADMIN_CHAT } from "../helpers/store.ts";

/*
 * Failures on the operator's side (no money at the provider, a bad key, a code the host does not
 * know, a refused price it does not explain) reach the admins at once, wherever they show up (a
 * purchase, a poll, the balance check): once per cause per hour, not only at the next balance
 * check. Through the real protocol code against the fake host.
 */

const shops = hostShopPerTest();

const TG_ID = HOST_TG;
const HOUR = 3_600_000;

function alerts(s: HostShop, key: string) {
  return s.queued().filter((q) => q.chatId === ADMIN_CHAT && q.message.kind === "notice" && q.message.key === key);
}

async function tryToBuy(s: HostShop, userId: number, orderKey: string) {
  const reserved = s.activations.reserve({ userId, ...TG_ID, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  return s.activations.buy(reserved.activation.id);
}

describe("purchases that fail for the operator's reasons", () => {
  it("a bad key, no money at the provider, an unknown service: each cause alerts once per hour; the users are never charged", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(10_000);
    const causes = [{ error: "BAD_KEY" }, { error: "BAD_KEY" }, { error: "NO_BALANCE" }, { error: "BAD_SERVICE" }, { error: "NO_BALANCE" }];
    for (const [i, fault] of causes.entries()) {
      shop.host.injectFault("getNumberV2", fault);
      const outcome = await tryToBuy(shop, user, `o${i}`);
      expect(outcome).toMatchObject({ ok: false, reason: fault.error === "NO_BALANCE" ? "no_balance" : "bad_config" });
    }
    const sent = alerts(shop, "purchase-operator-failure").map((q) => q.message.kind === "notice" && q.message.vars?.details);
    expect(sent).toHaveLength(3);
    expect(sent.join("\n")).toContain("BAD_KEY");
    expect(sent.join("\n")).toContain("NO_BALANCE");
    expect(sent.join("\n")).toContain("BAD_SERVICE");
    expect(shop.ledger.balanceOf(user)).toEqual({ posted: 10_000, held: 0, available: 10_000 });

    // An hour later the same cause is told again.
    shop.clock.advance(HOUR);
    shop.host.injectFault("getNumberV2", { error: "BAD_KEY" });
    await tryToBuy(shop, user, "later");
    expect(alerts(shop, "purchase-operator-failure")).toHaveLength(4);
  });

  it("the provider's balance really running out (NO_BALANCE from the host) alerts at the first failed purchase", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(10_000);
    shop.host.setBalance("0");
    expect(await tryToBuy(shop, user, "o1")).toMatchObject({ ok: false, reason: "no_balance" });
    expect(alerts(shop, "purchase-operator-failure")).toHaveLength(1);
  });

  it("failures that are not the operator's (out of stock, a timeout) alert no one", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(10_000);
    shop.host.setStock("tg", "6", 0);
    expect(await tryToBuy(shop, user, "o1")).toMatchObject({ ok: false, reason: "out_of_stock" });
    expect(alerts(shop, "purchase-operator-failure")).toEqual([]);
  });
});

describe("jobs that meet the operator's failures", () => {
  it("a poll refused with BAD_KEY alerts the admins once per hour, however often it polls", async () => {
    const shop = await shops.open();
    const user = shop.userWithMoney(1_000);
    const bought = await tryToBuy(shop, user, "o1");
    expect(bought.ok).toBe(true);
    shop.host.injectFault("getActiveActivations", { error: "BAD_KEY" }, 5);
    for (let i = 0; i < 5; i++) await shop.activations.poll();
    expect(alerts(shop, "provider-operator-failure")).toHaveLength(1);
    expect(alerts(shop, "provider-operator-failure")[0]?.message).toMatchObject({ vars: { job: "activation-poll", reason: "bad_config" } });
  });

  it("the balance check refused with BAD_KEY alerts the admins at once", async () => {
    const shop = await shops.open();
    const s = shop;
    const watch = new ProviderBalanceWatch(new KeyValue(s.store.db, "provider", s.clock), s.outbox, (fn) => s.ledger.write(fn));
    const job = providerBalanceJob(s.provider, watch, 10_000_000, createLogger("silent"), new OperatorAlerts(s.outbox, s.clock));
    s.host.injectFault("getBalance", { error: "BAD_KEY" }, 2);
    await job.run(s.clock());
    await job.run(s.clock());
    expect(alerts(s, "provider-operator-failure").map((q) => q.message)).toMatchObject([{ vars: { job: "provider-balance", reason: "bad_config" } }]);
  });
});
