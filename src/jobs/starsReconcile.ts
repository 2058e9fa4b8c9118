import { createHash } from "node:crypto";
import type { KeyValue } from "../db/keyValue.ts";
import type { Outbox } from "../domain/outbox.ts";
import type { Logger } from "../logger.ts";
import type { StarsApi, StarsPayments } from "../payments/stars.ts";
import type { Job } from "./scheduler.ts";

/**
 * Reads Telegram's list of Star transactions and credits any payment whose update the bot never
 * received (through the same idempotent path as the update, which also tells the user). What does
 * not add up goes to the admins. The position in the list is kept, so each run reads only what is new.
 */
export function starsReconcileJob(stars: StarsPayments, api: StarsApi, state: KeyValue, outbox: Outbox, logger: Logger): Job {
  return {
    name: "stars-reconcile",
    schedule: "45 */15 * * * *",
    runAtStart: true,
    run: async () => {
      const from = Number(state.get("offset") ?? "0");
      const result = await stars.reconcile(api, Number.isSafeInteger(from) && from >= 0 ? from : 0);
      state.set("offset", String(result.nextOffset));
      for (const record of result.credited) {
        if (record.status === "credited") logger.warn({ charge: record.payment.chargeId }, "credited a Stars payment found by reconciliation");
      }
      for (const problem of result.problems) {
        const key = createHash("sha256").update(problem).digest("base64url").slice(0, 22);
        outbox.toAdmins({ kind: "notice", key: "stars-reconcile-problem", vars: { problem } }, `stars-reconcile-problem:${key}`);
      }
      return { credited: result.credited.length, problems: result.problems.length, offset: result.nextOffset };
    },
  };
}
