import { spawn } from "node:child_process";

/**
 * The bot as an operator runs it (`src/main.ts` in its own process, configured by the environment
 * only), for tests that kill it: `kill("SIGKILL")` is a crash, nothing runs after it. The clock of
 * the process can be started ahead of the real one (test/helpers/shiftedClock.ts).
 */
export interface BotProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exit: Promise<number | null>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves once the bot logged that it started; rejects if it exits first or `timeoutMs` passes. */
  started(timeoutMs?: number): Promise<void>;
}

const OUTPUT_KEPT = 200_000;

export function startBotProcess(env: Record<string, string>, clockOffsetMs = 0): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./test/helpers/shiftedClock.ts", "src/main.ts"], {
    cwd: process.cwd(),
    // A clean environment: only what the test gives, so that a developer's .env or shell cannot leak in.
    env: { PATH: process.env["PATH"] ?? "", ...env, TEST_CLOCK_OFFSET_MS: String(clockOffsetMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT / 2);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  return {
    pid: child.pid,
    exit,
    output: () => output,
    kill: (signal) => {
      if (!exited) child.kill(signal);
    },
    started: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes("bot started")) {
        if (exited) throw new Error(`the bot exited before it started:\n${output.slice(-3_000)}`);
        if (Date.now() > deadline) throw new Error(`the bot did not start within ${timeoutMs} ms:\n${output.slice(-3_000)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
