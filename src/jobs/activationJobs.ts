import { gt } from "drizzle-orm";
import type { KeyValue } from "../db/keyValue.ts";
import type { Db } from "../db/open.ts";
import { buyingSuspensions } from "../db/schema.ts";
import type { Activation, ActivationUpdate, Activations, BuyOutcome } from "../domain/activations.ts";
import { utcMinute } from "../domain/clock.ts";
import type { Logger } from "../logger.ts";
import type { NotifyAdmins } from "./providerJobs.ts";
import type { Job } from "./scheduler.ts";

/** How the jobs reach users: implemented by the bot (src/bot/features/buy/messenger.ts). */
export interface ActivationMessages {
  deliver(update: ActivationUpdate): Promise<void>;
  remind(activation: Activation): Promise<void>;
}

/** Sends a user a message rendered in their language (`t`) with money in their format. */
export type TellUser = (
  userId: number,
  render: (t: (key: string, variables?: Record<string, string | number>) => string, money: (minor: number) => string) => string,
) => Promise<unknown>;

/** node-cron expression for "every n seconds". */
export function everySeconds(seconds: number): string {
  if (seconds < 60) return `*/${seconds} * * * * *`;
  return `0 */${Math.max(1, Math.min(59, Math.round(seconds / 60)))} * * * *`;
}

/** Users told at once; one activation's messages stay in order (each update is one activation). */
const DELIVERY_CONCURRENCY = 16;

async function deliverAll(updates: ActivationUpdate[], messages: ActivationMessages, logger: Logger): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < updates.length) {
      const update = updates[next++];
      if (!update) break;
      try {
        await messages.deliver(update);
      } catch (error) {
        logger.error({ err: error, activation: update.activation.id }, "could not tell the user about an activation");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, updates.length) }, worker));
}

/** Every STATUS_POLL_SECONDS: one request for all open activations, new SMS to their users (A2). */
export function pollJob(activations: Activations, messages: ActivationMessages, seconds: number, logger: Logger): Job {
  return {
    name: "activation-poll",
    schedule: everySeconds(seconds),
    run: async () => {
      const { updates, requests, failures } = await activations.poll();
      await deliverAll(updates, messages, logger);
      return { updates: updates.length, requests, failures };
    },
  };
}

/** Numbers past their lifetime: no code -> cancelled and refunded (A3); a code -> finished. */
export function expiryJob(activations: Activations, messages: ActivationMessages, logger: Logger): Job {
  return {
    name: "activation-expiry",
    schedule: "*/30 * * * * *",
    runAtStart: true,
    run: async () => {
      const updates = await activations.expireDue();
      await deliverAll(updates, messages, logger);
      return { ended: updates.length };
    },
  };
}

/** After a few minutes without an SMS, remind the user that cancelling is free (A6). */
export function reminderJob(activations: Activations, messages: ActivationMessages, logger: Logger): Job {
  return {
    name: "activation-reminders",
    schedule: "*/30 * * * * *",
    run: async () => {
      const due = activations.takeDueReminders();
      for (const activation of due) {
        try {
          await messages.remind(activation);
        } catch (error) {
          logger.warn({ err: error, activation: activation.id }, "could not send a reminder");
        }
      }
      return { reminded: due.length };
    },
  };
}

/**
 * Purchases interrupted between the hold and the provider's answer (crash, kill -9, lost answer)
 * are settled at start-up and then every minute: matched with the provider's open activations, or voided.
 */
export function recoveryJob(activations: Activations, tellUser: TellUser, logger: Logger): Job {
  const tell = async (outcome: BuyOutcome) => {
    const a = outcome.activation;
    if (outcome.ok) {
      await tellUser(a.userId, (t) => t("recovery-issued", { service: a.serviceName, country: a.countryName, phone: `+${a.phone ?? ""}` }));
    } else if (outcome.reason !== "pending" && outcome.reason !== "already_settled") {
      await tellUser(a.userId, (t, money) => t("recovery-failed", { service: a.serviceName, country: a.countryName, amount: money(a.price) }));
    }
  };
  return {
    name: "purchase-recovery",
    schedule: "15 * * * * *",
    runAtStart: true,
    run: async () => {
      const outcomes = await activations.settleStaleReservations();
      for (const outcome of outcomes) {
        try {
          await tell(outcome);
        } catch (error) {
          logger.warn({ err: error, activation: outcome.activation.id }, "could not tell the user about a recovered purchase");
        }
      }
      return { settled: outcomes.filter((o) => o.ok || o.reason !== "pending").length, pending: outcomes.filter((o) => !o.ok && o.reason === "pending").length };
    },
  };
}

/** A6: admins hear about every buying suspension once (a cursor over the suspensions table). */
export function abuseAlertJob(db: Db, cursor: KeyValue, notify: NotifyAdmins): Job {
  return {
    name: "abuse-alerts",
    schedule: "*/20 * * * * *",
    run: async () => {
      const after = Number(cursor.get("last-id") ?? "0");
      const fresh = db.select().from(buyingSuspensions).where(gt(buyingSuspensions.id, after)).orderBy(buyingSuspensions.id).all();
      for (const suspension of fresh) {
        await notify("abuse-suspended-admin", {
          account: suspension.userId,
          reason: suspension.reason,
          until: `${utcMinute(suspension.endsAt)} UTC`,
        });
        cursor.set("last-id", String(suspension.id));
      }
      return { alerted: fresh.length };
    },
  };
}
