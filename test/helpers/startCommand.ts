import { readFileSync } from "node:fs";

/**
 * The arguments `npm start` gives node (package.json's `start` script: `node <flags> src/main.ts`),
 * so that the tests and the memory benchmark run the bot exactly as an operator does, V8 flags included.
 */
export function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
  const [command, ...args] = (pkg.scripts["start"] ?? "").trim().split(/\s+/);
  if (command !== "node" || args.at(-1) !== "src/main.ts") throw new Error(`package.json's start script is not "node ... src/main.ts": ${pkg.scripts["start"]}`);
  return args;
}

/** The node flags of `npm start`, without the entry file. */
export function startNodeFlags(): string[] {
  return startArgs().slice(0, -1);
}
