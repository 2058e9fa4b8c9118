import type { Activations } from "../domain/activations.ts";
import type { Job } from "./scheduler.ts";

/*
 * The activation jobs only read the provider and move activations; every message they cause is
 * queued in the outbox inside the same transaction and sent by its own sender, so that a slow or
 * failing Telegram never delays reading the provider.
 */

/** node-cron expression for "every n seconds". */
export function everySeconds(seconds: number): string {
  if (seconds < 60) return `*/${seconds} * * * * *`;
  return `0 */${Math.max(1, Math.min(59, Math.round(seconds / 60)))} * * * *`;
}

/**
 * Every STATUS_POLL_SECONDS: one request for all open activations; new SMS are queued for their
 * users (A2). `due` slows it down while the provider pushes SMS (ActivationPush.pollDue): polling
 * is then the safety net.
 */
export function pollJob(activations: Activations, seconds: number, due?: (now: number, lastPollAt: number | null) => boolean): Job {
  let lastPollAt: number | null = null;
  return {
    name: "activation-poll",
    schedule: everySeconds(seconds),
    run: async (now) => {
      if (due && !due(now, lastPollAt)) return { skipped: "provider pushes SMS" };
      lastPollAt = now;
      const { updates, requests, failures } = await activations.poll();
      return { updates: updates.length, requests, failures };
    },
  };
}

/** Numbers past their lifetime: no code -> cancelled and refunded (A3); a code -> finished. */
export function expiryJob(activations: Activations): Job {
  return {
    name: "activation-expiry",
    schedule: "*/30 * * * * *",
    runAtStart: true,
    run: async () => ({ ended: (await activations.expireDue()).length }),
  };
}

/** After a few minutes without an SMS, remind the user that cancelling is free (A6). */
export function reminderJob(activations: Activations): Job {
  return {
    name: "activation-reminders",
    schedule: "*/30 * * * * *",
    run: () => ({ reminded: activations.queueDueReminders().length }),
  };
}

/**
 * The owner of the states a crash can leave half-way, at start-up and then every minute:
 * purchases interrupted between the hold and the provider's answer (matched with the provider's
 * open activations, or voided) and cancels interrupted before the provider's answer (asked again,
 * refunded only once the provider says the number has ended). The users are told through the outbox.
 */
export function recoveryJob(activations: Activations): Job {
  return {
    name: "purchase-recovery",
    schedule: "15 * * * * *",
    runAtStart: true,
    run: async () => {
      const outcomes = await activations.settleStaleReservations();
      const pending = outcomes.filter((o) => !o.ok && o.reason === "pending").length;
      const cancels = await activations.settleStuckCancels();
      const cancelsPending = cancels.filter((o) => !o.ok && o.reason === "temporary").length;
      return { settled: outcomes.length - pending, pending, cancelsSettled: cancels.length - cancelsPending, cancelsPending };
    },
  };
}
