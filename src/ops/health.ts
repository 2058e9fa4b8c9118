import type { HealthReport } from "./server.ts";

/**
 * GET /healthz: is the database writable, is the bot receiving updates (polling running, or the
 * webhook server up), and when did each job last succeed and fail. 503 unless the first two hold;
 * a failing job is reported, not fatal (the next run may succeed, and a restart would not help).
 */

export interface HealthSources {
  /** Writes something small; throws when the database cannot be written. */
  probeWrite(): void;
  mode: "webhook" | "polling";
  receiving(): boolean;
  lastUpdateAt(): number | null;
  inFlight(): number;
  jobs(): Record<string, { lastSuccessAt: number | null; lastFailureAt: number | null; lastError: string | null; running: boolean }>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function healthCheck(sources: HealthSources): () => HealthReport {
  return () => {
    let writable = true;
    let databaseError: string | undefined;
    try {
      sources.probeWrite();
    } catch (error) {
      writable = false;
      databaseError = error instanceof Error ? error.message : String(error);
    }
    const alive = sources.receiving();
    return {
      ok: writable && alive,
      database: { writable, ...(databaseError ? { error: databaseError } : {}) },
      updates: { mode: sources.mode, alive, lastUpdateAt: iso(sources.lastUpdateAt()), inFlight: sources.inFlight() },
      jobs: Object.fromEntries(
        Object.entries(sources.jobs()).map(([name, status]) => [
          name,
          { lastSuccessAt: iso(status.lastSuccessAt), lastFailureAt: iso(status.lastFailureAt), lastError: status.lastError, running: status.running },
        ]),
      ),
    };
  };
}
