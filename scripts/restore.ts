/*
 * `npm run restore -- FILE [--force]`: checks a backup (SQLite integrity, ledger invariants) and
 * puts it in place of DATABASE_PATH (from the environment or .env), keeping the old file beside it.
 * Stop the bot first.
 */
import { existsSync } from "node:fs";
import { restoreBackup } from "../src/ops/restore.ts";

if (existsSync(".env")) process.loadEnvFile(".env");
const args = process.argv.slice(2);
const force = args.includes("--force");
const file = args.find((arg) => !arg.startsWith("--"));
if (!file) {
  console.error("usage: npm run restore -- FILE [--force]");
  process.exit(2);
}
const databasePath = process.env["DATABASE_PATH"]?.trim() || "./data/bot.sqlite";
const result = restoreBackup(file, databasePath, Date.now(), { force });
if (!result.ok) {
  console.error(`Not restored: ${file} did not pass the checks:`);
  for (const problem of result.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`Restored ${file} to ${result.restored}; its integrity and the ledger's invariants hold.`);
if (result.previous) console.log(`The database it replaced is kept as ${result.previous}.`);
