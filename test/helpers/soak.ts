/*
 * The size of the fault and crash suites. `npm test` runs them small; `npm run soak` (SOAK=1) runs
 * them five times larger, and SOAK_SCALE=n picks any factor. SOAK_SEED fixes the seed of a soak run
 * (each run prints its seed, so that a failure can be replayed); the small runs always use their
 * fixed seed.
 */

const scaleText = process.env["SOAK_SCALE"] ?? (process.env["SOAK"] ? "5" : "1");

/** How many times larger than the `npm test` size. */
export const SOAK_SCALE = Math.max(1, Number.parseInt(scaleText, 10) || 1);

export const SOAKING = SOAK_SCALE > 1;

/** The seed for a suite: fixed in `npm test`, SOAK_SEED or the time in a soak. */
export function soakSeed(fixed: number): number {
  const given = process.env["SOAK_SEED"];
  if (given !== undefined && given !== "") return Number.parseInt(given, 10) >>> 0;
  return SOAKING ? Date.now() >>> 0 : fixed;
}

/** Test timeout for a suite that takes about `smallMs` at scale 1. */
export function soakTimeout(smallMs: number): number {
  return smallMs * SOAK_SCALE * 2;
}
