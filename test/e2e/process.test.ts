import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../fakes/telegram.ts";
import { startArgs } from "../helpers/startCommand.ts";
import { until } from "../helpers/until.ts";

/*
 * The bot as an operator runs it: the command line of `npm start` in its own process,
 * configured only through the environment.
 */

const dir = mkdtempSync(join(tmpdir(), "bot-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  exit: Promise<number | null>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function startProcess(env: Record<string, string>): Running {
  const child = spawn(process.execPath, startArgs(), {
    cwd: process.cwd(),
    // A clean environment: only what the test gives, so that a developer's .env or shell cannot leak in.
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
    output: () => output,
    kill: (signal) => child.kill(signal),
  };
}

describe("starting the bot", () => {
  it("the container runs the command line of `npm start` (its build made in the image), node flags included", () => {
    const cmd = readFileSync("Dockerfile", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("CMD "))
      .at(-1);
    expect(JSON.parse(cmd?.slice(4) ?? "[]")).toEqual(["node", ...startArgs()]);
  });


  it("without a token it stops at once with one clear message naming the variable and @BotFather, no stack trace", async () => {
    const run = startProcess({ DATABASE_PATH: join(dir, "none.sqlite") });
    expect(await run.exit).toBe(1);
    const output = run.output();
    expect(output).toContain("The bot cannot start because of its settings:");
    expect(output).toMatch(/BOT_TOKEN: missing: .*@BotFather/);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("with several bad settings it names each of them", async () => {
    const run = startProcess({ BOT_TOKEN: "123:short", PROVIDER: "acme", STATUS_POLL_SECONDS: "soon" });
    expect(await run.exit).toBe(1);
    const output = run.output();
    for (const name of ["BOT_TOKEN", "PROVIDER", "STATUS_POLL_SECONDS"]) expect(output).toContain(`  - ${name}:`);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("runs against a Bot API server, answers a user, and stops cleanly on SIGTERM", async () => {
    const tg = await startFakeTelegram();
    try {
      const run = startProcess({ BOT_TOKEN: tg.token, BOT_API_ROOT: tg.apiRoot, DATABASE_PATH: join(dir, "live.sqlite"), LOG_LEVEL: "info" });
      await until(() => run.output().includes("bot started"), { what: "the bot to start", timeoutMs: 15_000 });
      const user = tg.user({ first_name: "Olga", language_code: "ru" });
      await user.send("/start");
      expect(user.lastBotMessage()?.text).toContain("Здравствуйте, Olga!");
      run.kill("SIGTERM");
      expect(await run.exit).toBe(0);
      expect(run.output()).toContain('"msg":"stopped"');
    } finally {
      await tg.close();
    }
  }, 60_000);

  it("when Telegram cannot be reached it says so in the log while it asks again, and a SIGTERM meanwhile stops it at once", async () => {
    // Port 9 (discard) on the loopback: nothing listens, every request is refused.
    const run = startProcess({ BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi", BOT_API_ROOT: "http://127.0.0.1:9", DATABASE_PATH: join(dir, "offline.sqlite"), LOG_LEVEL: "info" });
    await until(() => run.output().includes("cannot be reached; asking again"), { what: "the start-up to report Telegram unreachable", timeoutMs: 20_000 });
    expect(run.output()).toContain("asking Telegram who the bot is (getMe)");
    run.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain("signal received while starting; exiting");
  }, 60_000);

  it("exits non-zero when polling dies (another instance took over the token: 409)", async () => {
    const tg = await startFakeTelegram();
    try {
      const run = startProcess({ BOT_TOKEN: tg.token, BOT_API_ROOT: tg.apiRoot, DATABASE_PATH: join(dir, "dies.sqlite"), LOG_LEVEL: "info" });
      await until(() => run.output().includes("bot started"), { what: "the bot to start", timeoutMs: 15_000 });
      tg.failNext("getUpdates", { error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" }, 5);
      // An update releases the long poll in progress, so that a getUpdates meets the conflict.
      const pavel = tg.user({ first_name: "Pavel" });
      tg.pushUpdate({ message: { message_id: 1, date: 0, chat: { id: pavel.id, type: "private" }, from: { id: pavel.id, is_bot: false, first_name: "Pavel" }, text: "hi" } });
      expect(await run.exit).toBe(1);
      expect(run.output()).toContain("polling stopped unexpectedly");
    } finally {
      await tg.close();
    }
  }, 60_000);
});
