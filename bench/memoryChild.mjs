// One side of the memory figure (bench/memory.ts), in its own process started with `npm start`'s
// node flags. Plain JavaScript, so that no TypeScript loader sits in either side's RSS: the project
// side runs the build (dist/, as `npm start` does), the baseline side loads grammY and
// better-sqlite3 only. Prints the RSS samples (MiB, one a second) as JSON on its last line.
import { writeHeapSnapshot } from "node:v8";

const MIB = 1024 * 1024;
const side = process.env["BENCH_MEMORY_CHILD"];
const path = process.env["BENCH_MEMORY_DB"] ?? "";
const seconds = Number(process.env["BENCH_MEMORY_SECONDS"] ?? 60);
const fakes = JSON.parse(process.env["BENCH_MEMORY_FAKES"] ?? "{}");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startProject() {
  const { startApp } = await import("../dist/main.js");
  const { loadConfig } = await import("../dist/config.js");
  const { createLogger } = await import("../dist/logger.js");
  const loaded = loadConfig({
    BOT_TOKEN: fakes.token,
    BOT_API_ROOT: fakes.apiRoot,
    DATABASE_PATH: path,
    LOG_LEVEL: "silent",
    PROVIDER: "sms-activate",
    PROVIDER_API_URL: fakes.listUrl,
    PROVIDER_API_KEY: "bench-key-0123456789",
    STATUS_POLL_SECONDS: "1",
  });
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  const app = await startApp(loaded.config, { logger: createLogger("silent") });
  return () => app.shutdown();
}

// A bare grammY bot (one SQLite read and a reply per message) plus a bare poller that reads the
// open numbers with one prepared query and fetches the same list every second.
async function startBaseline() {
  const { default: Database } = await import("better-sqlite3");
  const { Bot } = await import("grammy");
  const sqlite = new Database(path);
  const openIds = sqlite.prepare("SELECT id, provider_id FROM activations WHERE state IN ('waiting', 'received')");
  const read = sqlite.prepare("SELECT id FROM users WHERE telegram_id = ?");
  const bot = new Bot(fakes.token, { client: { apiRoot: fakes.apiRoot } });
  bot.on("message", async (ctx) => {
    read.get(ctx.from.id);
    await ctx.reply("ok");
  });
  void bot.start({ drop_pending_updates: true });
  const timer = setInterval(() => {
    void (async () => {
      const open = new Map();
      for (const row of openIds.all()) open.set(row.provider_id, row.id);
      await (await fetch(`${fakes.listUrl}/stubs/handler_api.php?action=getActiveActivations`)).json();
    })();
  }, 1000);
  return async () => {
    clearInterval(timer);
    await bot.stop();
    sqlite.close();
  };
}

const stop = side === "project" ? await startProject() : await startBaseline();
const samples = [];
for (let s = 0; s < seconds; s++) {
  await sleep(1000);
  samples.push(process.memoryUsage().rss / MIB);
}
if (process.env["BENCH_MEMORY_DETAIL"]) {
  const m = process.memoryUsage();
  console.error(side, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / MIB)])));
  if (process.env["BENCH_MEMORY_DETAIL"] === "snapshot") console.error(writeHeapSnapshot(`/tmp/memory-${side}.heapsnapshot`));
}
await stop();
console.log(JSON.stringify({ samples }));
process.exit(0);
