import { afterEach, describe, expect, it } from "vitest";
import { createSmsActivateProvider } from "../../src/providers/smsActivate/index.ts";
import { createRentNoticeReader } from "../../src/providers/smsActivate/rentPush.ts";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";

/*
 * The rental SMS notice of the sms-activate protocol (`getRentNumber`'s `url`), read in every shape
 * hosts send it, each SMS with the id `getRentStatus` gives the same SMS, so that a notice and a
 * poll store it once (issue 14).
 */

const MOSCOW = 180;
const read = createRentNoticeReader(MOSCOW);
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
// 2025-06-17 16:01:10 Moscow time = 13:01:10 UTC.
const SENT = Date.UTC(2025, 5, 17, 13, 1, 10);
const documented = { rentId: "26251422", sms: { phoneFrom: "SPORTMASTER", text: "Код для регистрации 2792", date: "2025-06-17 16:01:10" } };

function one(body: unknown) {
  const notice = read(body, NOW);
  expect(notice?.sms).toHaveLength(1);
  return { id: notice?.providerRentalId, sms: notice?.sms[0] };
}

describe("reading the host's rental SMS notice", () => {
  it("reads the documented notice: the rental, the sender, the text, its code, the host's time in its zone", () => {
    expect(one(documented)).toEqual({
      id: "26251422",
      sms: { id: expect.stringMatching(/^sr-/), text: "Код для регистрации 2792", code: "2792", receivedAt: SENT, sender: "SPORTMASTER" },
    });
  });

  it("gives the same SMS the same id whatever shape or time format the host used", () => {
    const expected = one(documented).sms?.id;
    const variants: unknown[] = [
      // a number id, the SMS fields at the top level
      { rentId: 26251422, phoneFrom: "SPORTMASTER", text: "Код для регистрации 2792", date: "2025-06-17 16:01:10" },
      // other names for the fields
      { rent_id: "26251422", sms: { from: "SPORTMASTER", message: "Код для регистрации 2792", receivedAt: "2025-06-17 16:01:10" } },
      { id: "26251422", sms: [{ sender: "SPORTMASTER", msg: "Код для регистрации 2792", dateTime: "2025-06-17 16:01:10" }] },
      // the time in UTC with its zone, with an offset, dotted, Unix seconds and milliseconds
      { ...documented, sms: { ...documented.sms, date: "2025-06-17T13:01:10Z" } },
      { ...documented, sms: { ...documented.sms, date: "2025-06-17T15:01:10+02:00" } },
      { ...documented, sms: { ...documented.sms, date: "17.06.2025 16:01:10" } },
      { ...documented, sms: { ...documented.sms, date: SENT / 1000 } },
      { ...documented, sms: { ...documented.sms, date: String(SENT) } },
      // a form body as the server reads it (PHP-style brackets), and `sms` as a JSON string
      { rentId: "26251422", "sms[phoneFrom]": "SPORTMASTER", "sms[text]": "Код для регистрации 2792", "sms[date]": "2025-06-17 16:01:10" },
      { rentId: "26251422", sms: JSON.stringify(documented.sms) },
      // the whole body as a JSON string
      JSON.stringify(documented),
    ];
    for (const variant of variants) {
      const { id, sms } = one(variant);
      expect({ variant, id, sms: sms?.id, at: sms?.receivedAt }).toEqual({ variant, id: "26251422", sms: expected, at: SENT });
    }
  });

  it("reads several SMS in one notice, a list or a PHP keyed object", () => {
    const list = read({ rentId: "5", sms: [{ text: "first 1111", date: "2026-01-15 15:00:00" }, { text: "second 2222", date: "2026-01-15 15:00:05" }] }, NOW);
    expect(list?.sms.map((s) => s.code)).toEqual(["1111", "2222"]);
    const keyed = read({ rentId: "5", sms: { "0": { text: "first 1111" }, "1": { text: "second 2222" } } }, NOW);
    expect(keyed?.sms.map((s) => s.text)).toEqual(["first 1111", "second 2222"]);
  });

  it("keeps our clock when the host's time cannot be read, and a code alone as the text", () => {
    expect(one({ rentId: "5", sms: { text: "code 4455", date: "yesterday" } }).sms?.receivedAt).toBe(NOW);
    expect(one({ rentId: "5", sms: { code: "8080" } }).sms).toMatchObject({ text: "8080", code: "8080", receivedAt: NOW });
  });

  it("is not a notice without a rental id or without any text", () => {
    for (const body of [null, "text", 42, [documented], {}, { sms: documented.sms }, { rentId: "", sms: documented.sms }, { rentId: "5" }, { rentId: "5", sms: { text: "  " } }, { rentId: "5", sms: [] }]) {
      expect(read(body, NOW)).toBeNull();
    }
    // An activation's notice is not a rental's.
    expect(read({ activationId: "5", text: "code 1234", code: "1234" }, NOW)).toBeNull();
  });
});

describe("renting with a notice URL", () => {
  let fake: FakeSmsActivate | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it("passes the URL with getRentNumber and never lets it (it holds the bot's secret) into a failure", async () => {
    fake = await startFakeSmsActivate({ now: NOW });
    const url = "https://bot.example.com/provider/notice-secret-0123456789/rent";
    const provider = createSmsActivateProvider({ baseUrl: fake.url, apiKey: fake.apiKey, now: () => NOW, rentNoticeUrl: url });
    const rented = await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r1" });
    expect(rented.ok).toBe(true);
    expect(fake.requests().find((r) => r.action === "getRentNumber")?.params.url).toBe(url);
    expect(fake.rentals()[0]?.noticeUrl).toBe(url);

    fake.injectFault("getRentNumber", { text: `<html>oops ${encodeURIComponent(url)} ${url}</html>` });
    const failed = await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r2" });
    expect(failed.ok).toBe(false);
    expect(JSON.stringify(failed)).not.toContain("notice-secret");
  });

  it("passes no URL when the bot receives no notices", async () => {
    fake = await startFakeSmsActivate({ now: NOW });
    const provider = createSmsActivateProvider({ baseUrl: fake.url, apiKey: fake.apiKey, now: () => NOW });
    await provider.rent({ service: "tg", country: "0", hours: 24, orderId: "r1" });
    expect(fake.requests().find((r) => r.action === "getRentNumber")?.params).not.toHaveProperty("url");
  });
});
