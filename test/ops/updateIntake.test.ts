import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { KeyValue } from "../../src/db/keyValue.ts";
import { openStore } from "../../src/db/open.ts";
import { createLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/ops/metrics.ts";
import { installUpdateIntake, REDELIVERY_WINDOW_MS } from "../../src/ops/updateIntake.ts";
import { testClock } from "../helpers/store.ts";

/*
 * Where updates enter the bot in webhook mode: the HTTP answer does not wait for the handling, a
 * redelivered update is handled once, and shutdown waits for what is in hand.
 */

function setUp() {
  const clock = testClock();
  const store = openStore(":memory:");
  const bot = new Bot("123456789:TEST-token-for-intake-tests");
  bot.botInfo = { id: 1, is_bot: true, first_name: "T", username: "t_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as typeof bot.botInfo;
  const handled: number[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  bot.use(async (ctx) => {
    await gate;
    handled.push(ctx.update.update_id);
  });
  const metrics = new Metrics({ figures: () => ({ ledgerByKind: {}, held: 0, openActivations: {}, outbox: {} }) });
  const intake = installUpdateIntake(bot, { metrics, logger: createLogger("silent"), clock, webhook: { seen: new KeyValue(store.db, "webhook-update", clock) } });
  const update = (id: number): Update => ({ update_id: id, message: { message_id: id, date: 0, chat: { id: 5, type: "private", first_name: "A" }, from: { id: 5, is_bot: false, first_name: "A" }, text: "hi" } }) as Update;
  return { bot, intake, handled, release, update, clock, metrics };
}

describe("webhook update intake", () => {
  it("answers before the handling ends (a slow update never holds Telegram), and shutdown waits for it", async () => {
    const { bot, intake, handled, release, update } = setUp();
    await bot.handleUpdate(update(1)); // what webhookCallback awaits before answering 200
    expect(handled).toEqual([]);
    expect(intake.inFlight()).toBe(1);

    let drained = false;
    const draining = intake.drain().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    release();
    await draining;
    expect(handled).toEqual([1]);
    expect(intake.inFlight()).toBe(0);
  });

  it("an update delivered again is ignored, also after the first was handled; ids are forgotten after two days", async () => {
    const { bot, intake, handled, release, update, clock, metrics } = setUp();
    release();
    await bot.handleUpdate(update(7));
    await bot.handleUpdate(update(7));
    await intake.drain();
    await bot.handleUpdate(update(7));
    await intake.drain();
    expect(handled).toEqual([7]);
    expect((await metrics.duplicateUpdates.get()).values[0]?.value).toBe(2);

    clock.advance(REDELIVERY_WINDOW_MS + 1);
    expect(intake.prune(clock())).toBe(1);
  });
});
