import { readFileSync } from "node:fs";

/**
 * The arguments `npm start` gives node (package.json's `start` script: `node <flags> dist/main.js`,
 * the build that `prestart` makes), so that the tests and the memory benchmark run the bot exactly
 * as an operator does, V8 flags included.
 */
export function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
  const [command, ...args] = (pkg.scripts["start"] ?? "").trim().split(/\s+/);
  if (command !== "node" || args.at(-1) !== START_ENTRY) throw new Error(`package.json's start script is not "node ... ${START_ENTRY}": ${pkg.scripts["start"]}`);
  // Without the build first, `npm start` would run whatever dist/ holds.
  if (pkg.scripts["prestart"] !== "npm run build") throw new Error(`package.json's prestart script is not "npm run build": ${pkg.scripts["prestart"]}`);
  return args;
}

/** The built entry `npm start` runs (made by `npm run build`; the tests build it first: test/helpers/build.ts). */
export const START_ENTRY = "dist/main.js";

/** The node flags of `npm start`, without the entry file. */
export function startNodeFlags(): string[] {
  return startArgs().slice(0, -1);
}
