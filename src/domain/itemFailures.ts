import type { Logger } from "../logger.ts";
import type { Outbox } from "./outbox.ts";
import { cutText } from "./text.ts";

/**
 * A sweep (polling, expiry, recovery...) handles each item on its own: one row that throws (a
 * corrupt balance, an answer nobody foresaw) must not stop the sweep for everyone else. The error
 * is logged with its context every time and reported to the admins once per job and item.
 */
export class ItemFailures {
  constructor(
    private readonly outbox: Outbox,
    private readonly logger: Pick<Logger, "error">,
  ) {}

  /** Runs `work` for one item; an error is reported and swallowed, and `undefined` returned. */
  async guard<T>(job: string, item: string, work: () => Promise<T> | T): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.report(job, item, error);
      return undefined;
    }
  }

  report(job: string, item: string, error: unknown): void {
    this.logger.error({ err: error, job, item }, "a job failed on one item; the others go on");
    try {
      const message = error instanceof Error ? error.message : String(error);
      this.outbox.toAdmins({ kind: "notice", key: "job-item-failed", vars: { job, item, error: cutText(message, 300) } }, `job-item-failed:${job}:${item}`);
    } catch (reportError) {
      this.logger.error({ err: reportError, job, item }, "could not report a failed item to the admins");
    }
  }
}
