import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/app.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("the built-in simulator, as `npm start` wires it", () => {
  it("keeps its numbers across a restart of the bot (its state lives in the bot's database)", async () => {
    harness = await startHarness();
    await harness.app.scheduler.runNow("catalog-sync");
    const { accounts, ledger, activations } = harness.app.deps;
    const account = accounts.registerOrTouch({ id: 4242, first_name: "Sim" });
    ledger.credit({ userId: account.id, amount: 1_000, kind: "topup", ref: { type: "test", id: "1" }, idempotencyKey: "sim-seed" });
    const reserved = activations.reserve({ userId: account.id, serviceCode: "tg", countryCode: "kz", orderKey: "sim-restart" });
    if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
    const bought = await activations.buy(reserved.activation.id);
    if (!bought.ok) throw new Error(`buy failed: ${bought.reason}`);

    await harness.restart();
    const after = await harness.app.deps.provider.getActivation(bought.activation.providerId ?? "");
    expect(after).toMatchObject({ ok: true, value: { id: bought.activation.providerId, phone: bought.activation.phone } });
    // Ids are not reused after the restart.
    const second = harness.app.deps.activations.reserve({ userId: account.id, serviceCode: "tg", countryCode: "kz", orderKey: "sim-restart-2" });
    if (!second.ok) throw new Error("second reserve failed");
    const next = await harness.app.deps.activations.buy(second.activation.id);
    expect(next.ok && next.activation.providerId).not.toBe(bought.activation.providerId);
    expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  });
});
