/** Epoch milliseconds. Injected everywhere time matters so that tests can fix or move it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** "2026-01-15 14:00": a sortable UTC minute, for admins and logs. */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
