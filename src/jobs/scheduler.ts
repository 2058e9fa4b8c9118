import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";

/**
 * A job is a plain function of "now" that sweeps everything due as of now, so that it is easy to
 * test with a fixed clock and harmless to run late or twice. This file only registers jobs with
 * node-cron; it holds no business logic.
 */
export interface Job {
  name: string;
  /** node-cron expression; six fields allow seconds. */
  schedule: string;
  /** Also run once right after start-up (node-cron never catches up after downtime). */
  runAtStart?: boolean;
  run(now: number): Promise<unknown> | unknown;
}

/** How a job has been doing, for /healthz. Times are epoch ms; null: not yet. */
export interface JobStatus {
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  running: boolean;
}

export interface Scheduler {
  /** Every job by name, with its last success and failure. */
  status(): Record<string, JobStatus>;
  /** Runs one job now, by name, as the schedule would (used by tests and admin commands). */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(jobs: readonly Job[], clock: Clock, logger: Logger): Scheduler {
  const running = new Map<string, Promise<void>>();
  const outcomes = new Map<string, Omit<JobStatus, "running">>(
    jobs.map((job) => [job.name, { lastSuccessAt: null, lastFailureAt: null, lastError: null }]),
  );

  const execute = (job: Job): Promise<void> => {
    // One run of a job at a time: a slow tick is not overlapped by the next one.
    const current = running.get(job.name);
    if (current) return current;
    const started = clock();
    const promise = (async () => {
      try {
        const result = await job.run(clock());
        logger.debug({ job: job.name, ms: clock() - started, result }, "job done");
        const previous = outcomes.get(job.name);
        outcomes.set(job.name, { lastFailureAt: previous?.lastFailureAt ?? null, lastError: previous?.lastError ?? null, lastSuccessAt: clock() });
      } catch (error) {
        logger.error({ err: error, job: job.name }, "job failed");
        const previous = outcomes.get(job.name);
        outcomes.set(job.name, {
          lastSuccessAt: previous?.lastSuccessAt ?? null,
          lastFailureAt: clock(),
          lastError: error instanceof Error ? error.message : String(error),
        });
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, promise);
    return promise;
  };

  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.schedule, () => execute(job), { name: job.name, noOverlap: true }),
  );
  for (const job of jobs) if (job.runAtStart) void execute(job);

  let stopped = false;
  return {
    status: () =>
      Object.fromEntries(
        jobs.map((job) => {
          const outcome = outcomes.get(job.name) ?? { lastSuccessAt: null, lastFailureAt: null, lastError: null };
          return [job.name, { ...outcome, running: running.has(job.name) }];
        }),
      ),
    runNow: async (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      await execute(job);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const task of tasks) await task.destroy();
      await Promise.allSettled([...running.values()]);
    },
  };
}
