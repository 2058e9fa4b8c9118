import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { buyerWithNumber, PUSH_SECRET, startOpsWorld, type OpsWorld } from "../helpers/ops.ts";

/*
 * SMS pushed by the provider (issue 14): the sms-activate host POSTs each SMS to the bot the moment
 * it arrives, and the bot delivers it at once, through the same path as polling. Polling runs once
 * an hour here, so whatever reaches the user came by push.
 */

function smsRows(w: OpsWorld): number {
  return w.h.app.store.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM activation_sms`)?.n ?? 0;
}

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

describe("SMS pushed by the provider", () => {
  it("A2, A4: buys a number in webhook mode and the SMS the provider pushes reaches the user at once; the first code charges the price", async () => {
    const w = await startOpsWorld();
    const { user, account, activation, providerId } = await buyerWithNumber(w, "Vera");
    const before = user.botMessages().length;

    w.provider.deliverSms(providerId, "Telegram code: 48213");
    await w.provider.pushesSettled();
    await w.tg.settle();

    expect(w.provider.pushes()[0]?.attempts).toEqual([200]);
    expect(user.botMessages().length).toBe(before + 1);
    expect(user.lastBotMessage()?.html).toContain("<code>48213</code>");
    expect(w.h.app.deps.activations.byId(activation.id)?.state).toBe("received");
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual({ posted: 500 - activation.price, held: 0, available: 500 - activation.price });
    expect(w.provider.requestCount("getActiveActivations")).toBe(0);
  });

  it("a repeated notice changes nothing: 200 so the provider stops, and the user has one message", async () => {
    const w = await startOpsWorld();
    const { user, account, providerId } = await buyerWithNumber(w, "Gleb");
    w.provider.deliverSms(providerId, "Telegram code: 77120");
    await w.provider.pushesSettled();
    await w.tg.settle();
    const messages = user.botMessages().length;
    const balance = w.h.app.deps.ledger.balanceOf(account.id);

    expect(await w.provider.repeatPush(0)).toBe(200);
    expect(await w.provider.repeatPush(0)).toBe(200);
    await w.tg.settle();

    expect(user.botMessages().length).toBe(messages);
    expect(smsRows(w)).toBe(1);
    expect(w.h.app.deps.ledger.balanceOf(account.id)).toEqual(balance);
  });

  it("a notice and a poll that both see one SMS deliver it once, whichever comes first", async () => {
    const w = await startOpsWorld();
    const { user, providerId } = await buyerWithNumber(w, "Oleg");
    w.provider.deliverSms(providerId, "Telegram code: 31337");
    await w.provider.pushesSettled();
    await w.tg.settle();
    const messages = user.botMessages().length;

    await w.h.app.scheduler.runNow("activation-poll");
    await w.tg.settle();

    expect(w.provider.requestCount("getActiveActivations")).toBe(1);
    expect(user.botMessages().length).toBe(messages);
    expect(smsRows(w)).toBe(1);
  });

  it("a wrong secret (401), an unknown activation (404) and a malformed body (400) change nothing", async () => {
    const w = await startOpsWorld();
    const { user, account, providerId } = await buyerWithNumber(w, "Inna");
    const messages = user.botMessages().length;
    const notice = { activationId: providerId, service: "tg", text: "Telegram code: 11111", code: "11111", country: "0", receivedAt: "2026-01-15 15:00:00" };

    expect(await post(`${w.base()}/provider/wrong-secret-0123456789abcdef`, notice)).toBe(401);
    expect(await post(`${w.base()}/provider/${PUSH_SECRET.slice(0, -1)}x`, notice)).toBe(401);
    expect(await post(w.pushUrl(), { ...notice, activationId: "999999999" })).toBe(404);
    expect(await post(w.pushUrl(), "{not json")).toBe(400);
    expect(await post(w.pushUrl(), { activationId: providerId })).toBe(400);
    expect(await post(w.pushUrl(), [notice])).toBe(400);
    await w.tg.settle();

    expect(smsRows(w)).toBe(0);
    expect(user.botMessages().length).toBe(messages);
    expect(w.h.app.deps.ledger.balanceOf(account.id).held).toBeGreaterThan(0);
    // The right secret still works afterwards.
    expect(await post(w.pushUrl(), notice)).toBe(200);
    await w.tg.settle();
    expect(smsRows(w)).toBe(1);
  });

  it("rental notices have their own path: an activation's notice there, or a rental's notice here, is not understood (400) and changes nothing", async () => {
    const w = await startOpsWorld();
    const { user, providerId } = await buyerWithNumber(w, "Lev");
    const messages = user.botMessages().length;
    const notice = { activationId: providerId, service: "tg", text: "Telegram code: 22222", code: "22222", country: "0", receivedAt: "2026-01-15 15:00:00" };
    expect(await post(`${w.pushUrl()}/rent`, notice)).toBe(400);
    expect(await post(w.pushUrl(), { rentId: providerId, sms: { phoneFrom: "Telegram", text: "Telegram code: 22222", date: "2026-01-15 15:00:00" } })).toBe(400);
    expect(await post(`${w.base()}/provider/wrong-secret-0123456789abcdef/rent`, {})).toBe(401);
    await w.tg.settle();
    expect(smsRows(w)).toBe(0);
    expect(user.botMessages().length).toBe(messages);
  });
});
