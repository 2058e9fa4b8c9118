// `npm run build` (run by `npm start` and `npm run bench`): the bot's sources as plain JavaScript in
// dist/, so that the running bot needs no TypeScript loader. tsc only strips the types here
// (tsconfig.build.json); `npm test` checks them. The locales are read at run time from beside the code.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// A file deleted from src/ must not live on in dist/.
rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { stdio: "inherit" });
cpSync("src/bot/locales", "dist/bot/locales", { recursive: true });
