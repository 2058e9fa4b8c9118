import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_ID, startHarness, type Harness } from "../helpers/app.ts";
import { adminUser, outboxStatuses, customer } from "../helpers/world.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("when Telegram answers with errors", () => {
  it("a flood limit (429 with retry_after) is waited out and the message still arrives", async () => {
    harness = await startHarness();
    const { user } = await customer(harness, "Quinn");
    harness.tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    await user.send("/help");
    await user.waitForMessage("How it works", 5_000);
    const sends = harness.tg.calls("sendMessage").slice(-2);
    expect(sends.map((c) => c.ok)).toEqual([false, true]);
  });

  it("a failure while handling an update is logged and the user is told, in their language, that something went wrong", async () => {
    harness = await startHarness();
    const user = harness.tg.user({ first_name: "Rita", language_code: "ru" });
    await user.send("/start");
    harness.tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    await user.send("/help");
    expect(user.lastBotMessage()?.text).toBe("😕 У нас что-то пошло не так. Попробуйте ещё раз через минуту; ваш баланс в сохранности.");
    // The bot keeps working afterwards.
    await user.send("/help");
    expect(user.lastBotMessage()?.text).toContain("Как это работает");
  });

  it("an admin who blocked the bot (403) does not stop it from serving users", async () => {
    harness = await startHarness();
    const admin = adminUser(harness);
    admin.blockBot();
    const user = harness.tg.user({ first_name: "Sam" });
    await user.send("/paysupport my payment is missing");
    // The request went out through the outbox; the admin's 403 ends it as blocked, not retried.
    expect(harness.tg.calls("sendMessage").filter((c) => !c.ok && c.params["chat_id"] === ADMIN_ID)).toHaveLength(1);
    expect(outboxStatuses({ h: harness }, "support-in:")).toEqual({ blocked: 1 });
    const other = harness.tg.user({ first_name: "Tess" });
    await other.send("/start");
    expect(other.lastBotMessage()?.text).toContain("Hello, Tess!");
  });

  it("every message the bot sends is valid Telegram HTML, even with markup-like characters in a user's name", async () => {
    harness = await startHarness();
    const user = harness.tg.user({ first_name: "<b>Uma & co</b>" });
    await user.send("/start");
    expect(user.lastBotMessage()?.text).toContain("Hello, <b>Uma & co</b>!");
    expect(harness.tg.calls("sendMessage").every((c) => c.ok)).toBe(true);
  });
});
