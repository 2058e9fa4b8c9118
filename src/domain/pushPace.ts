import type { Clock } from "../clock.ts";

/**
 * The pace of a polling job that is the safety net of a provider's pushes (activations and rentals
 * each have their own): while notices arrive it polls only every `slowPollMs`; when they stop for
 * ten slow intervals (at least ten minutes) it is back to `pollMs`.
 */

export interface PushPaceSettings {
  /** The normal polling interval. */
  pollMs: number;
  /** The interval while notices arrive. */
  slowPollMs: number;
}

export class PushPace {
  private lastNoticeAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly pace: PushPaceSettings,
  ) {}

  /** A notice for one of ours came now. */
  noticed(): void {
    this.lastNoticeAt = this.clock();
  }

  /** Whether a polling tick should run now, given when the last one ran. */
  pollDue(now: number, lastPollAt: number | null): boolean {
    if (lastPollAt === null || this.lastNoticeAt === null) return true;
    const window = Math.max(10 * 60_000, 10 * this.pace.slowPollMs);
    if (now - this.lastNoticeAt > window) return true;
    // A little slack: cron ticks do not land on the exact millisecond.
    return now - lastPollAt >= this.pace.slowPollMs - Math.min(1_000, this.pace.pollMs / 2);
  }
}
