import type { AccountDeletion } from "../domain/accountDeletion.ts";
import type { Logger } from "../logger.ts";
import type { TellUser } from "./activationJobs.ts";
import type { Job } from "./scheduler.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InactivityRun {
  warned: number;
  deleted: number;
  /** Due for deletion but a number is still in progress (open hold): tried again next run. */
  skipped: number;
}

/**
 * POLICY B3 as of `now`: warn 30 and 7 days before, then delete accounts unused for more than
 * 273 days with their balance forfeited. A warning is sent first and recorded after, whatever
 * Telegram answered: a crash in between repeats a warning (harmless) rather than skip it, and a
 * user who blocked the bot is still deleted.
 */
export async function runInactivity(deletion: AccountDeletion, tellUser: TellUser, logger: Logger, now: number): Promise<InactivityRun> {
  const result: InactivityRun = { warned: 0, deleted: 0, skipped: 0 };
  for (const warning of deletion.dueWarnings(now)) {
    const { account } = warning;
    try {
      await tellUser(account.id, (t, money) =>
        t("inactivity-warning", {
          date: new Date(warning.deleteAt).toISOString().slice(0, 10),
          days: Math.max(1, Math.round((warning.deleteAt - now) / DAY_MS)),
          balance: money(warning.available),
        }),
      );
    } catch (error) {
      logger.info({ err: error, account: account.id }, "could not deliver an inactivity warning");
    }
    deletion.recordWarning(account.id, warning.daysBefore, account.lastSeenAt, now);
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
export function inactivityJob(deletion: AccountDeletion, tellUser: TellUser, logger: Logger): Job {
  return {
    name: "inactivity",
    schedule: "0 30 3 * * *",
    runAtStart: true,
    run: (now) => runInactivity(deletion, tellUser, logger, now),
  };
}
