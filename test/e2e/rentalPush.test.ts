import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { PUSH_SECRET, startOpsWorld, type OpsWorld, type OpsWorldOptions } from "../helpers/ops.ts";
import { customer } from "../helpers/world.ts";

/*
 * SMS of rented numbers pushed by the provider (issue 14): the bot passes its notice URL with
 * getRentNumber, the sms-activate host POSTs each SMS of that rental there the moment it arrives,
 * and the bot records it through the rental poll's own path (RentalUpkeep.recordSms), so the user
 * gets it at once, once, and it stays in the rental's inbox. Polling stays on as the safety net.
 */

const PUBLIC_URL = "https://bot.example.test";

async function post(url: string, body: unknown, contentType = "application/json"): Promise<number> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

function inboxRows(w: OpsWorld): number {
  return w.h.app.store.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM rental_sms`)?.n ?? 0;
}

/** A customer who rents Telegram in Russia for a day through the bot (the fake host's 80-rouble day). */
async function renter(w: OpsWorld, name: string) {
  await w.h.app.scheduler.runNow("rent-offer-sync");
  const { user, account } = await customer(w.h, name, { balance: 5000 });
  await user.send("/rent");
  await user.press(/^Telegram · /);
  await user.press(/Russia/);
  await user.press(/^1 day · /);
  await user.press(/^✅ Rent · /);
  await w.tg.settle();
  const rental = w.h.app.deps.rentals.records.ofUser(account.id)[0];
  if (!rental || rental.state !== "active" || rental.providerId === null) throw new Error("no number rented");
  return { user, account, rental, providerId: rental.providerId };
}

/** Messages of their own that carry `text` (the rental card, redrawn with each SMS, is not one). */
function messagesWith(user: Awaited<ReturnType<typeof renter>>["user"], text: string): number {
  return user.botMessages().filter((m) => !m.edited && m.text.includes(text)).length;
}

async function world(options: OpsWorldOptions = {}): Promise<OpsWorld> {
  return startOpsWorld(options);
}

describe("SMS of rented numbers pushed by the provider", () => {
  it("rents a number in webhook mode: the bot gives the host its notice URL, the SMS the host pushes reaches the user at once and lands in the inbox; a later poll finds nothing new", async () => {
    const w = await world();
    const { user, rental, providerId } = await renter(w, "Rita");
    const rentCall = w.provider.requests().find((r) => r.action === "getRentNumber");
    expect(rentCall?.params.url).toBe(`${PUBLIC_URL}/provider/${PUSH_SECRET}/rent`);
    const polledBefore = w.provider.requestCount("getRentStatus");

    w.provider.deliverRentSms(providerId, "Your Telegram code 46021", "Telegram");
    await w.provider.pushesSettled();
    await w.tg.settle();

    const pushed = w.provider.pushes().at(-1);
    expect(pushed?.body).toMatchObject({ rentId: providerId, sms: { phoneFrom: "Telegram", text: "Your Telegram code 46021" } });
    expect(pushed?.attempts).toEqual([200]);
    expect(messagesWith(user, "46021")).toBe(1);
    expect(w.h.app.deps.rentals.records.sms(rental.id).map((s) => s.text)).toEqual(["Your Telegram code 46021"]);
    // Delivered by the push alone: the host was not asked.
    expect(w.provider.requestCount("getRentStatus")).toBe(polledBefore);

    // The safety net reads the same SMS (same id) and has nothing to send.
    await w.h.app.scheduler.runNow("rental-poll");
    await w.tg.settle();
    expect(w.provider.requestCount("getRentStatus")).toBe(polledBefore + 1);
    expect(messagesWith(user, "46021")).toBe(1);
    expect(inboxRows(w)).toBe(1);

    const metrics = await (await fetch(`${w.base()}/metrics`)).text();
    expect(metrics).toContain('bot_sms_delivered_total{kind="rental"} 1');
    expect(metrics).toContain('bot_provider_notices_total{outcome="delivered"} 1');
  });

  it("a repeated notice gets 200 (so the host stops) and the user still has one message", async () => {
    const w = await world();
    const { user, providerId } = await renter(w, "Semyon");
    w.provider.deliverRentSms(providerId, "Your Telegram code 55110");
    await w.provider.pushesSettled();
    await w.tg.settle();
    const index = w.provider.pushes().length - 1;

    expect(await w.provider.repeatPush(index)).toBe(200);
    expect(await w.provider.repeatPush(index)).toBe(200);
    await w.tg.settle();

    expect(messagesWith(user, "55110")).toBe(1);
    expect(inboxRows(w)).toBe(1);
  });

  it("an unknown rental (404), a malformed body (400) and a wrong secret (401, as for activations) change nothing", async () => {
    const w = await world();
    const { user, providerId } = await renter(w, "Taisia");
    const messages = user.botMessages().length;
    const notice = { rentId: providerId, sms: { phoneFrom: "Telegram", text: "Your Telegram code 90001", date: "2026-01-15 15:00:00" } };
    const rentUrl = `${w.base()}/provider/${PUSH_SECRET}/rent`;

    expect(await post(`${w.base()}/provider/wrong-secret-0123456789abcdef/rent`, notice)).toBe(401);
    expect(await post(`${w.base()}/provider/wrong-secret-0123456789abcdef`, notice)).toBe(401);
    expect(await post(rentUrl, { ...notice, rentId: "777" })).toBe(404);
    expect(await post(rentUrl, "{not json")).toBe(400);
    expect(await post(rentUrl, { rentId: providerId })).toBe(400);
    expect(await post(rentUrl, { rentId: providerId, sms: { text: "   " } })).toBe(400);
    expect(await post(rentUrl, { sms: notice.sms })).toBe(400);
    expect(await post(rentUrl, [notice])).toBe(400);
    await w.tg.settle();

    expect(inboxRows(w)).toBe(0);
    expect(user.botMessages().length).toBe(messages);
    // The right secret still works afterwards.
    expect(await post(rentUrl, notice)).toBe(200);
    await w.tg.settle();
    expect(inboxRows(w)).toBe(1);
    expect(messagesWith(user, "90001")).toBe(1);
  });

  it("notices in other shapes (a form body, a number id, a UTC time, Unix seconds) are read, and stay the SMS the poll reads", async () => {
    // Long polling and no public address: rentals carry no URL, the test posts as various hosts would.
    const w = await world({ webhook: false });
    const { user, rental, providerId } = await renter(w, "Ulyana");
    expect(w.provider.requests().find((r) => r.action === "getRentNumber")?.params.url).toBeUndefined();
    const rentUrl = `${w.base()}/provider/${PUSH_SECRET}/rent`;

    w.provider.deliverRentSms(providerId, "Your Telegram code 31001", "Telegram");
    const first = w.provider.rentals()[0]?.sms[0];
    const utc = new Date(first?.at ?? 0).toISOString();
    const form = new URLSearchParams({ rentId: providerId, "sms[phoneFrom]": "Telegram", "sms[text]": "Your Telegram code 31001", "sms[date]": utc });
    expect(await post(rentUrl, form.toString(), "application/x-www-form-urlencoded")).toBe(200);

    w.provider.advance(5_000);
    w.provider.deliverRentSms(providerId, "Your Telegram code 31002", "Telegram");
    const second = w.provider.rentals()[0]?.sms[1];
    expect(await post(rentUrl, { rentId: Number(providerId), phoneFrom: "Telegram", text: "Your Telegram code 31002", date: Math.floor((second?.at ?? 0) / 1000) })).toBe(200);
    await w.tg.settle();
    expect(messagesWith(user, "31001")).toBe(1);
    expect(messagesWith(user, "31002")).toBe(1);

    await w.h.app.scheduler.runNow("rental-poll");
    await w.tg.settle();
    expect(messagesWith(user, "31001")).toBe(1);
    expect(messagesWith(user, "31002")).toBe(1);
    expect(w.h.app.deps.rentals.records.sms(rental.id)).toHaveLength(2);
  });

  it("a notice after the poll already showed the SMS, dated a few seconds apart, is the same SMS: 200, no second message", async () => {
    const w = await world({ webhook: false });
    const { user, providerId } = await renter(w, "Vlad");
    w.provider.deliverRentSms(providerId, "Your Telegram code 62040", "Telegram");
    await w.h.app.scheduler.runNow("rental-poll");
    await w.tg.settle();
    expect(messagesWith(user, "62040")).toBe(1);

    const at = (w.provider.rentals()[0]?.sms[0]?.at ?? 0) + 3_000;
    const notice = { rentId: providerId, sms: { phoneFrom: "Telegram", text: "Your Telegram code 62040", date: new Date(at).toISOString() } };
    expect(await post(`${w.base()}/provider/${PUSH_SECRET}/rent`, notice)).toBe(200);
    await w.tg.settle();
    expect(messagesWith(user, "62040")).toBe(1);
    expect(inboxRows(w)).toBe(1);
  });

  it("polling of rentals slows down while notices arrive, and the unknown-rental notice does not slow it", async () => {
    const w = await world();
    const { providerId } = await renter(w, "Yana");
    await w.h.app.scheduler.runNow("rental-poll");
    const polled = w.provider.requestCount("getRentStatus");
    // Not ours: nothing changes, not even the pace.
    expect(await post(`${w.base()}/provider/${PUSH_SECRET}/rent`, { rentId: "777", sms: { text: "x 1234" } })).toBe(404);
    await w.h.app.scheduler.runNow("rental-poll");
    expect(w.provider.requestCount("getRentStatus")).toBe(polled + 1);

    w.provider.deliverRentSms(providerId, "Your Telegram code 70770");
    await w.provider.pushesSettled();
    await w.h.app.scheduler.runNow("rental-poll");
    // A notice came a moment ago: this tick is skipped (PUSH_POLL_SECONDS, 60 s, have not passed).
    expect(w.provider.requestCount("getRentStatus")).toBe(polled + 1);
  });
});
