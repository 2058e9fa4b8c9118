import type { Bot, Context } from "grammy";
import type { Update } from "grammy/types";
import type { Clock } from "../clock.ts";
import type { KeyValue } from "../db/keyValue.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "./metrics.ts";

/**
 * Where every update enters the bot, in either mode: both the runner (long polling) and grammY's
 * `webhookCallback` call `bot.handleUpdate`, so this wraps it once, ahead of all middleware. It
 * counts and times updates, and in webhook mode:
 *
 * - answers fast and keeps working: handling starts at once and the HTTP answer does not wait for
 *   it, so a slow update (a provider call) never holds Telegram past its patience. Updates of one
 *   chat still run in order: they start in arrival order and the bot's `sequentialize` queues them.
 * - ignores a redelivery: Telegram sends an update again when it did not get our 200 (a lost
 *   answer, a restart). Update ids seen are kept in the database for two days (Telegram keeps an
 *   update for at most one), so a redelivery after a restart is recognised too.
 *
 * Graceful shutdown waits for what is in hand (`drain`).
 */

export interface UpdateIntake {
  /** Updates being handled now. */
  inFlight(): number;
  /** When the last update came in (epoch ms), or null. */
  lastUpdateAt(): number | null;
  /** Waits for every update in hand. */
  drain(): Promise<void>;
  /** Forgets update ids older than the redelivery window; returns how many. */
  prune(now: number): number;
}

export const REDELIVERY_WINDOW_MS = 48 * 3_600_000;

export interface IntakeOptions {
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Webhook mode: the store of update ids seen; handling runs in the background. */
  webhook?: { seen: KeyValue };
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

export function installUpdateIntake<C extends Context>(bot: Bot<C>, options: IntakeOptions): UpdateIntake {
  const { metrics, logger, clock, webhook } = options;
  const handle = bot.handleUpdate.bind(bot);
  const inFlight = new Set<Promise<void>>();
  let last: number | null = null;

  const timed = async (update: Update, reply?: Parameters<typeof handle>[1]): Promise<void> => {
    const type = updateType(update);
    const stop = metrics.updateSeconds.startTimer({ type });
    try {
      await handle(update, reply);
    } finally {
      stop();
      metrics.updates.inc({ type });
    }
  };

  bot.handleUpdate = async (update, reply) => {
    last = clock();
    if (!webhook) return timed(update, reply);
    if (typeof update !== "object" || update === null || !Number.isInteger(update.update_id)) {
      logger.warn("webhook: a request without an update id was ignored");
      return;
    }
    const key = String(update.update_id);
    // Synchronous read and write: two deliveries of one update cannot both pass.
    if (webhook.seen.get(key) !== undefined) {
      metrics.duplicateUpdates.inc();
      logger.info({ update_id: update.update_id }, "webhook: update delivered again, ignored");
      return;
    }
    webhook.seen.set(key, "1");
    const task = timed(update).catch((error: unknown) => logger.error({ err: error, update_id: update.update_id }, "webhook: update failed"));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  return {
    inFlight: () => inFlight.size,
    lastUpdateAt: () => last,
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    prune: (now) => webhook?.seen.deleteOlderThan(now - REDELIVERY_WINDOW_MS) ?? 0,
  };
}
