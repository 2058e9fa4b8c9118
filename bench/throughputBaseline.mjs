// The baseline of the "running bot" throughput figure (bench/throughput.ts): a bare grammY bot in
// its own process, polling with grammY's runner, handling each chat in order, doing one SQLite read
// per update and the same two Bot API calls as the project's Balance button. Plain JavaScript, run
// with `npm start`'s node flags, so that nothing but grammY, the runner and better-sqlite3 is loaded.
import Database from "better-sqlite3";
import { run, sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";

const sqlite = new Database(process.env["BENCH_DB"] ?? "");
const read = sqlite.prepare("SELECT id, language FROM users WHERE telegram_id = ? AND status <> 'deleted'");
const bot = new Bot(process.env["BENCH_TOKEN"] ?? "", { client: { apiRoot: process.env["BENCH_API_ROOT"] } });
bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
bot.on("callback_query:data", async (ctx) => {
  const row = read.get(ctx.from.id);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(`Balance of ${row?.id ?? 0}`);
});
// As any bot would: an update that fails is logged, and the others go on.
bot.catch((error) => console.error("baseline:", error.message));
const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] }, silent: true } });
process.on("SIGTERM", () => {
  void runner.stop().then(() => {
    sqlite.close();
    process.exit(0);
  });
});
