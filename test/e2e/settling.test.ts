import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { activations } from "../../src/db/schema.ts";
import type { ChatMessage, FakeUser } from "../fakes/telegram.ts";
import { buyTelegramInKazakhstan } from "../helpers/steps.ts";
import { until } from "../helpers/until.ts";
import { customer, startWorld, type World } from "../helpers/world.ts";

/*
 * Issue 10's stories as the user lives them: a cancel cut short by a crash is settled after the
 * restart, and a Telegram outage neither stops the bot from reading the provider nor loses a code.
 */

const DOWN = { error_code: 502, description: "Bad Gateway" };
const SENDING_METHODS = ["sendMessage", "editMessageText", "editMessageReplyMarkup"];

/** The messages (not the number card, which shows every code too) that carry `code`. */
function messagesWith(user: FakeUser, code: string, cardId: number | null): ChatMessage[] {
  return user.botMessages().filter((m) => m.id !== cardId && m.text.includes(code));
}

/** What a process killed between claiming a cancel and hearing the provider leaves behind. */
function leftCancelling(w: World, activationId: number, intent: "cancel-requested" | "ban-requested"): void {
  w.h.app.store.db.update(activations).set({ state: "cancelling", endReason: intent }).where(eq(activations.id, activationId)).run();
}

describe("a cancel cut short by a crash (the owner of `cancelling`)", () => {
  it("the provider had cancelled before the process died: after the restart the money is back and the user is told, once", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Cleo", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    leftCancelling(w, bought.id, "cancel-requested");
    expect((await w.sim.cancel(bought.providerId ?? "")).ok).toBe(true);

    await w.h.restart();
    await w.h.app.scheduler.runNow("purchase-recovery");
    await w.h.tg.settle();

    expect(w.h.app.deps.activations.byId(bought.id)?.state).toBe("cancelled");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    const notices = user.botMessages().filter((m) => m.text.includes("is cancelled") && m.text.includes("$0.60 is back"));
    expect(notices).toHaveLength(1);
    // The card is redrawn as ended: no Cancel left to press into a "busy" answer, only the next purchase.
    const card = user.botMessages().find((m) => m.id === bought.cardMessageId);
    expect(card?.text).toContain("cancelled, money returned");
    expect(card?.buttons).toEqual([["🔁 Buy again", "🌍 Another country"]]);
  });

  it("the cancel never reached the provider: the restarted bot asks again, the number ends there and the money comes back", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Dario", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    leftCancelling(w, bought.id, "ban-requested");

    await w.h.restart();
    await w.h.app.scheduler.runNow("purchase-recovery");
    await w.h.tg.settle();

    expect(w.h.app.deps.activations.byId(bought.id)?.state).toBe("banned");
    expect(w.sim.snapshot().activations.find((a) => a.id === bought.providerId)?.state).toBe("banned");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500, held: 0, available: 500 });
    // The account can be deleted again: nothing is left half-way.
    expect(w.h.app.deps.activations.ofUser(account.id).filter((a) => a.state === "cancelling")).toEqual([]);
  });

  it("a code came before the process died: the cancel is refused after the restart, the user keeps the number and pays for it (A4)", async () => {
    const w = await startWorld();
    const { user, account } = await customer(w.h, "Edda", { balance: 500 });
    const bought = await buyTelegramInKazakhstan(w.h, user, account.id);
    w.sim.deliverSms(bought.providerId ?? "", "Telegram code: 73310");
    leftCancelling(w, bought.id, "cancel-requested");

    await w.h.restart();
    await w.h.app.scheduler.runNow("purchase-recovery");
    await w.h.tg.settle();

    expect(w.h.app.deps.activations.byId(bought.id)?.state).toBe("received");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 440, held: 0, available: 440 });
    expect(messagesWith(user, "73310", bought.cardMessageId)).toHaveLength(1);
  });
});

describe("a Telegram outage", () => {
  it("does not stop the bot from reading the provider: codes are stored and charged meanwhile, and reach each user once when Telegram is back", async () => {
    const w = await startWorld();
    const anna = await customer(w.h, "Anna", { balance: 500 });
    const boris = await customer(w.h, "Boris", { balance: 500 });
    const a = await buyTelegramInKazakhstan(w.h, anna.user, anna.account.id);
    const b = await buyTelegramInKazakhstan(w.h, boris.user, boris.account.id);
    const cardA = w.h.app.deps.activations.byId(a.id)?.cardMessageId ?? null;
    const cardB = w.h.app.deps.activations.byId(b.id)?.cardMessageId ?? null;

    for (const method of SENDING_METHODS) w.h.tg.failNext(method, DOWN, 100_000);
    const failedSends = () => w.h.tg.calls().filter((c) => SENDING_METHODS.includes(c.method) && !c.ok).length;

    w.sim.deliverSms(a.providerId ?? "", "Telegram code: 51234");
    await w.h.app.scheduler.runNow("activation-poll");
    // Read and charged at once, though the message cannot go out.
    expect(w.h.app.deps.activations.byId(a.id)?.state).toBe("received");
    expect(w.h.app.deps.ledger.balanceOf(anna.account.id)).toEqual({ posted: 440, held: 0, available: 440 });

    // The outage goes on for a minute: the sender keeps failing, and every poll still runs.
    for (let step = 0; step < 6; step++) {
      const before = failedSends();
      w.clock.advance(10_000);
      w.h.app.sender.wake();
      await until(() => failedSends() > before, { what: "another failed attempt to send" });
      await w.h.app.scheduler.runNow("activation-poll");
      if (step === 2) {
        w.sim.deliverSms(b.providerId ?? "", "Telegram code: 60717");
        await w.h.app.scheduler.runNow("activation-poll");
        expect(w.h.app.deps.ledger.balanceOf(boris.account.id)).toEqual({ posted: 440, held: 0, available: 440 });
      }
    }
    expect(messagesWith(anna.user, "51234", cardA)).toEqual([]);
    expect(messagesWith(boris.user, "60717", cardB)).toEqual([]);

    // Telegram is back: each code arrives, once, without waiting for the number to expire.
    w.h.tg.clearFaults();
    w.clock.advance(5 * 60_000);
    w.h.app.sender.wake();
    await until(() => w.h.app.sender.isIdle(), { what: "the outbox to drain" });
    await w.h.tg.settle();
    expect(messagesWith(anna.user, "51234", cardA)).toHaveLength(1);
    expect(messagesWith(boris.user, "60717", cardB)).toHaveLength(1);
    // The cards caught up too.
    expect(anna.user.botMessages().find((m) => m.id === cardA)?.text).toContain("51234");
    expect(boris.user.botMessages().find((m) => m.id === cardB)?.text).toContain("60717");
    // More polls after the outage send nothing again.
    await w.h.app.scheduler.runNow("activation-poll");
    await w.h.tg.settle();
    expect(messagesWith(anna.user, "51234", cardA)).toHaveLength(1);
    expect(messagesWith(boris.user, "60717", cardB)).toHaveLength(1);
  });
});
