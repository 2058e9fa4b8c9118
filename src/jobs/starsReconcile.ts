import type { KeyValue } from "../db/keyValue.ts";
import type { Logger } from "../logger.ts";
import type { StarsApi, StarsPayments } from "../payments/stars.ts";
import type { TellUser } from "./activationJobs.ts";
import type { NotifyAdmins } from "./providerJobs.ts";
import type { Job } from "./scheduler.ts";

/**
 * Reads Telegram's list of Star transactions and credits any payment whose update the bot never
 * received (through the same idempotent path as the update). What does not add up goes to the admins.
 * The position in the list is kept, so each run reads only what is new.
 */
export function starsReconcileJob(
  stars: StarsPayments,
  api: StarsApi,
  state: KeyValue,
  notify: NotifyAdmins,
  tellUser: TellUser,
  logger: Logger,
): Job {
  return {
    name: "stars-reconcile",
    schedule: "45 */15 * * * *",
    runAtStart: true,
    run: async () => {
      const from = Number(state.get("offset") ?? "0");
      const result = await stars.reconcile(api, Number.isSafeInteger(from) && from >= 0 ? from : 0);
      state.set("offset", String(result.nextOffset));
      for (const record of result.credited) {
        if (record.status !== "credited") continue;
        logger.warn({ charge: record.payment.chargeId }, "credited a Stars payment found by reconciliation");
        // The user never saw a confirmation for this payment: tell them now.
        await tellUser(record.userId, (t, money) => t("topup-found-later", { stars: record.payment.stars, amount: money(record.creditMinor) })).catch(
          (error: unknown) => logger.warn({ err: error, charge: record.payment.chargeId }, "could not tell the user about a reconciled payment"),
        );
      }
      for (const problem of result.problems) await notify("stars-reconcile-problem", { problem });
      return { credited: result.credited.length, problems: result.problems.length, offset: result.nextOffset };
    },
  };
}
