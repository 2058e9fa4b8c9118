import { execFileSync } from "node:child_process";

/**
 * Vitest's global set-up: `npm run build` once before any test file runs, so that the tests that
 * start the bot as `npm start` does (a process running dist/) run today's code, not a stale build.
 */
export default function build(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
