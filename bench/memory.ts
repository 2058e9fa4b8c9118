/*
 * Memory: RSS of the running bot with 100,000 accounts and 10,000 open numbers (polled every
 * second from a local sms-activate list), sampled every second for BENCH_MEMORY_SECONDS (the
 * target is steady over 10 minutes: 600). Baseline: a bare grammY bot polling the same fake
 * Telegram plus a bare poller over the same database and list. Each side runs in its own process;
 * the fake Telegram and the fake provider list run in the parent, so that neither side's RSS
 * carries them (both sides reach them over HTTP on 127.0.0.1, as the bot reaches the real ones).
 * BENCH_MEMORY_DETAIL=1 prints each side's heap figures at the end; =snapshot also writes a heap snapshot.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../src/db/open.ts";
import { startFakeTelegram } from "../test/fakes/telegram.ts";
import { startNodeFlags } from "../test/helpers/startCommand.ts";
import { tempDir, type FigureResult } from "./lib.ts";
import { listServer, seedOpenNumbers } from "./polling.ts";

const USERS = 100_000;
const OPEN = 10_000;
const SECONDS = Number(process.env["BENCH_MEMORY_SECONDS"] ?? 60);

function seed(path: string, now: number): void {
  const store = openStore(path);
  // Far from expiry: the numbers stay open for the whole run.
  seedOpenNumbers(store.sqlite, { users: USERS, open: OPEN, now, lifetimeMs: 24 * 3_600_000 });
  store.close();
}

interface Fakes {
  listUrl: string;
  token: string;
  apiRoot: string;
}

async function runChild(side: "project" | "baseline", path: string, now: number): Promise<number[]> {
  const list = await listServer(OPEN, now);
  const tg = await startFakeTelegram();
  try {
    return await spawnChild(side, path, { listUrl: list.url, token: tg.token, apiRoot: tg.apiRoot });
  } finally {
    await list.close();
    await tg.close();
  }
}

function spawnChild(side: "project" | "baseline", path: string, fakes: Fakes): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // Both sides run with the node flags of `npm start` (V8's young generation size among them).
    // The child is plain JavaScript (no TypeScript loader on either side); the project's side runs the build.
    const proc = spawn(process.execPath, [...startNodeFlags(), fileURLToPath(new URL("./memoryChild.mjs", import.meta.url))], {
      env: { ...process.env, BENCH_MEMORY_CHILD: side, BENCH_MEMORY_DB: path, BENCH_MEMORY_FAKES: JSON.stringify(fakes) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      try {
        resolve((JSON.parse(last) as { samples: number[] }).samples);
      } catch {
        reject(new Error(`memory ${side} exited ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

export async function benchMemory(runs: number): Promise<FigureResult[]> {
  const peak: FigureResult = { figure: `RSS peak, ${USERS.toLocaleString("en-US")} users + ${OPEN.toLocaleString("en-US")} open numbers, ${SECONDS} s`, unit: "MiB", project: [], baseline: [], baselineName: "bare bot + bare poller", target: "<= 150" };
  const end: FigureResult = { figure: "RSS at the end of the run", unit: "MiB", project: [], baseline: [], baselineName: "bare bot + bare poller", target: "steady" };
  const drift: FigureResult = { figure: "RSS growth, second half of the run", unit: "MiB", project: [], baseline: [], target: "~0" };
  // The database is seeded here, once, so that neither side's RSS carries the seeding.
  const dir = tempDir();
  const path = join(dir.path, "memory.sqlite");
  const now = Date.now();
  seed(path, now);
  for (let run = 0; run < Math.min(runs, Number(process.env["BENCH_MEMORY_RUNS"] ?? 1)); run++) {
    for (const side of ["project", "baseline"] as const) {
      const samples = await runChild(side, path, now);
      const half = samples.slice(Math.floor(samples.length / 2));
      peak[side].push(Math.max(...samples));
      end[side].push(samples.at(-1) ?? NaN);
      drift[side].push((half.at(-1) ?? 0) - (half[0] ?? 0));
    }
  }
  dir.remove();
  return [peak, end, drift];
}
