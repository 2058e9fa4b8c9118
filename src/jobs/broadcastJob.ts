import { GrammyError, InlineKeyboard, type Api } from "grammy";
import type { Store } from "../db/open.ts";
import type { Accounts } from "../domain/accounts.ts";
import type { Broadcast, BroadcastCounts, Broadcasts, Recipient } from "../domain/broadcasts.ts";
import type { Logger } from "../logger.ts";
import { escapeHtml } from "../bot/html.ts";
import type { Translate } from "../bot/i18n.ts";
import type { Job } from "./scheduler.ts";
import { everySeconds } from "./activationJobs.ts";

/**
 * Sends running broadcasts in the background: from the `broadcast-sender` job every few seconds
 * and once right after /broadcast, never inside an update handler's await chain. One sender per
 * database at a time (an in-process lock); each delivery is claimed before it is sent (see
 * domain/broadcasts.ts), so a restart writes off the message in flight instead of sending it twice.
 */

/** Telegram allows about 30 messages a second to different chats; stay well below it. */
export const BROADCAST_PER_SECOND = 25;
/**
 * One run sends for at most this long, then edits the admin's progress message and returns; the
 * job continues at its next tick. Short runs keep shutdown quick (the scheduler waits for a run).
 */
export const RUN_SLICE_MS = 3000;
/** Tries per recipient for errors other than flood limits (429) and blocks (403). */
export const MAX_ATTEMPTS = 3;

export interface BroadcastSenderDeps {
  store: Store;
  broadcasts: Broadcasts;
  accounts: Accounts;
  api: Api;
  /** Texts for the admin who started the broadcast, in their language. */
  translatorFor: (adminTelegramId: number) => Translate;
  logger: Logger;
  /** Epoch ms for bot_blocked_at. */
  now: () => number;
  /** Pause between two sends (default 1000 / BROADCAST_PER_SECOND ms); tests pass 0. */
  paceMs?: number;
  /** Pause before retrying a recipient after an ordinary error, times the attempt number. */
  retryDelayMs?: number;
  /** Longest run before returning to the scheduler (default RUN_SLICE_MS). */
  sliceMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SenderRun {
  broadcasts: number;
  delivered: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const inProgress = new WeakMap<object, Promise<SenderRun>>();

export function cancelKeyboard(t: Translate, broadcastId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcast-cancel-button"), `bc:cancel:${broadcastId}`);
}

export function progressText(t: Translate, counts: BroadcastCounts): string {
  return t("broadcast-progress", { sent: counts.sent, total: counts.total, blocked: counts.blocked, failed: counts.failed });
}

export function reportText(t: Translate, status: "done" | "cancelled", counts: BroadcastCounts): string {
  return t(status === "done" ? "broadcast-report-done" : "broadcast-report-cancelled", {
    sent: counts.sent,
    total: counts.total,
    blocked: counts.blocked,
    failed: counts.failed,
    skipped: counts.skipped,
    unsent: counts.pending,
  });
}

/** Continues every running broadcast; a second call while one runs joins it. */
export function runBroadcasts(deps: BroadcastSenderDeps): Promise<SenderRun> {
  const current = inProgress.get(deps.store.sqlite);
  if (current) return current;
  const run = (async (): Promise<SenderRun> => {
    const result: SenderRun = { broadcasts: 0, delivered: 0 };
    // Yield first, so that the lock below is set before this run can end and clear it.
    await Promise.resolve();
    try {
      for (const broadcast of deps.broadcasts.running()) {
        result.broadcasts++;
        result.delivered += await sendOne(deps, broadcast);
      }
    } catch (error) {
      // The database closed under us (shutdown) or a write failed: what is claimed stays claimed.
      deps.logger.warn({ err: error }, "broadcast sender stopped");
    } finally {
      inProgress.delete(deps.store.sqlite);
    }
    return result;
  })();
  inProgress.set(deps.store.sqlite, run);
  return run;
}

async function sendOne(deps: BroadcastSenderDeps, broadcast: Broadcast): Promise<number> {
  const sleep = deps.sleep ?? defaultSleep;
  const pace = deps.paceMs ?? 1000 / BROADCAST_PER_SECOND;
  const t = deps.translatorFor(broadcast.adminTelegramId);
  const written = deps.broadcasts.writeOffInFlight(broadcast.id);
  if (written > 0) deps.logger.warn({ broadcast: broadcast.id, written }, "broadcast deliveries in flight at a restart were written off");
  let delivered = 0;
  const started = Date.now();
  for (;;) {
    if (!deps.store.sqlite.open || deps.broadcasts.byId(broadcast.id)?.status !== "running") return delivered;
    if (Date.now() - started >= (deps.sliceMs ?? RUN_SLICE_MS)) {
      await editProgress(deps, broadcast, progressText(t, deps.broadcasts.counts(broadcast.id)), true);
      return delivered;
    }
    const recipient = deps.broadcasts.claimNext(broadcast.id);
    if (!recipient) {
      const finished = deps.broadcasts.finish(broadcast.id);
      if (finished) await editProgress(deps, finished, reportText(t, "done", deps.broadcasts.counts(broadcast.id)), false);
      return delivered;
    }
    if (await deliver(deps, broadcast, recipient, sleep)) delivered++;
    if (pace > 0) await sleep(pace);
  }
}

function send(deps: BroadcastSenderDeps, broadcast: Broadcast, chatId: number): Promise<unknown> {
  if (broadcast.fromChatId !== null && broadcast.fromMessageId !== null) {
    return deps.api.copyMessage(chatId, broadcast.fromChatId, broadcast.fromMessageId);
  }
  return deps.api.sendMessage(chatId, escapeHtml(broadcast.text ?? ""));
}

/** One recipient, to a final state. Returns true when Telegram confirmed the message. */
async function deliver(deps: BroadcastSenderDeps, broadcast: Broadcast, recipient: Recipient, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  let attempts = 1;
  for (;;) {
    try {
      await send(deps, broadcast, recipient.telegramId);
      deps.broadcasts.settle(broadcast.id, recipient.userId, "sent");
      return true;
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 429) {
        // A flood limit the API's auto-retry gave up on: wait as told and try the same recipient
        // again; it never counts as an attempt and never fails the recipient.
        await sleep((error.parameters.retry_after ?? 1) * 1000);
        if (deps.broadcasts.byId(broadcast.id)?.status !== "running") return false;
        continue;
      }
      if (error instanceof GrammyError && error.error_code === 403) {
        // The user blocked the bot (or deleted their Telegram account): never retried.
        deps.broadcasts.settle(broadcast.id, recipient.userId, "blocked");
        deps.accounts.setBotBlocked(recipient.telegramId, deps.now());
        return false;
      }
      if (attempts >= MAX_ATTEMPTS) {
        deps.logger.warn({ err: error, broadcast: broadcast.id, user: recipient.userId }, "broadcast delivery failed");
        deps.broadcasts.settle(broadcast.id, recipient.userId, "failed");
        return false;
      }
      attempts++;
      deps.broadcasts.recordAttempt(broadcast.id, recipient.userId, attempts);
      await sleep((deps.retryDelayMs ?? 1000) * attempts);
    }
  }
}

async function editProgress(deps: BroadcastSenderDeps, broadcast: Broadcast, text: string, withCancel: boolean): Promise<void> {
  try {
    if (broadcast.progressChatId === null || broadcast.progressMessageId === null) {
      // Finished before the progress message was recorded: the report still reaches the admin.
      if (!withCancel) await deps.api.sendMessage(broadcast.adminTelegramId, text);
      return;
    }
    const t = deps.translatorFor(broadcast.adminTelegramId);
    await deps.api.editMessageText(broadcast.progressChatId, broadcast.progressMessageId, text, {
      reply_markup: withCancel ? cancelKeyboard(t, broadcast.id) : { inline_keyboard: [] },
    });
  } catch (error) {
    deps.logger.debug({ err: error, broadcast: broadcast.id }, "could not edit the broadcast progress message");
  }
}

/** Every few seconds: continue running broadcasts (also the ones a restart interrupted). */
export function broadcastSenderJob(deps: BroadcastSenderDeps): Job {
  return {
    name: "broadcast-sender",
    schedule: everySeconds(RUN_SLICE_MS / 1000),
    runAtStart: true,
    run: () => runBroadcasts(deps),
  };
}
