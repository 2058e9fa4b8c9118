import type { Broadcasts } from "../domain/broadcasts.ts";
import { everySeconds } from "./activationJobs.ts";
import type { Job } from "./scheduler.ts";

/**
 * The outbox sends broadcasts; this job keeps the admin's progress message current and finishes a
 * broadcast (with its final report) once nothing of it is left to send.
 */
export function broadcastProgressJob(broadcasts: Broadcasts): Job {
  return {
    name: "broadcast-progress",
    schedule: everySeconds(3),
    runAtStart: true,
    run: () => ({ finished: broadcasts.reportProgress() }),
  };
}
