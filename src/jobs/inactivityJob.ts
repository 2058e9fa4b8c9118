import type { AccountDeletion } from "../domain/accountDeletion.ts";
import type { Logger } from "../logger.ts";
import type { Job } from "./scheduler.ts";


export interface InactivityRun {
  warned: number;
  deleted: number;
  /** Due for deletion but a number is still in progress (open hold): tried again next run. */
  skipped: number;
}

/**
 * POLICY B3 as of `now`: warn 30 and 7 days before, then delete accounts unused for more than
 * 273 days with their balance forfeited. A warning is recorded and queued in the outbox
 * in one transaction, so it is sent once; a user who blocked the bot is still deleted.
 */
export function runInactivity(deletion: AccountDeletion, logger: Logger, now: number): InactivityRun {
  const result: InactivityRun = { warned: 0, deleted: 0, skipped: 0 };
  for (const warning of deletion.dueWarnings(now)) {
    deletion.warn(warning, now);
    result.warned++;
  }
  for (const account of deletion.dueDeletions(now)) {
    const deleted = deletion.delete(account.id, "inactivity", account.lastSeenAt);
    if (deleted.ok) {
      result.deleted++;
      logger.info({ account: account.id, forfeited: deleted.forfeited }, "inactive account deleted (B3)");
    } else if (deleted.reason === "open_holds") {
      result.skipped++;
    }
  }
  return result;
}

/** Daily at 03:30 (server time), and once at start-up: late is fine, every rule counts from last_seen. */
export function inactivityJob(deletion: AccountDeletion, logger: Logger): Job {
  return {
    name: "inactivity",
    schedule: "0 30 3 * * *",
    runAtStart: true,
    run: (now) => runInactivity(deletion, logger, now),
  };
}
