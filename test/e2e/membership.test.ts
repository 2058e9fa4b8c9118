import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/app.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("a user who blocks the bot", () => {
  it("is remembered as unreachable, and as reachable again once they come back", async () => {
    harness = await startHarness();
    const user = harness.tg.user({ first_name: "Zoe" });
    await user.send("/start");
    user.blockBot(); // Telegram sends my_chat_member "kicked"
    await harness.tg.settle();
    expect(harness.app.deps.accounts.findByTelegramId(user.id)?.botBlockedAt).toEqual(expect.any(Number));
    user.unblockBot();
    await harness.tg.settle();
    expect(harness.app.deps.accounts.findByTelegramId(user.id)?.botBlockedAt).toBeNull();
  });
});
