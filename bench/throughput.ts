/*
 * Updates per second of the running bot: the project as `npm start` runs it (the build, its node
 * flags, grammY's runner polling) against a bare grammY bot polling with the runner too, each in its
 * own process, both fed the same Balance-button presses from 1,000 users by a minimal Bot API server
 * in this process. The figure the issue asks for ("the updates/s of the running bot"); the
 * network-cut burst of bench/updates.ts stays beside it as the harsher, CPU-only view.
 *
 * The server is minimal on purpose (a queue for getUpdates, canned answers, two counters): the fake
 * Telegram of the tests keeps every chat's messages and would itself be the bottleneck. Each side's
 * CPU use is printed with the figure, to show that the side, not this server, set the pace.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Update } from "grammy/types";
import { openStore } from "../src/db/open.ts";
import { createLogger } from "../src/logger.ts";
import { buildServices } from "../src/main.ts";
import { systemClock } from "../src/clock.ts";
import { readOperationsFigures } from "../src/domain/operationsFigures.ts";
import { Metrics } from "../src/ops/metrics.ts";
import { START_ENTRY, startNodeFlags } from "../test/helpers/startCommand.ts";
import { BENCH_BOT_INFO, benchConfig, sleep, tempDir, type FigureResult } from "./lib.ts";

const USERS = 1_000;
const WARM_UP = 2_000;
const MEASURED = Number(process.env["BENCH_RUNNING_UPDATES"] ?? 20_000);
const TOKEN = "123456789:AAHbenchbenchbenchbenchbenchbenchben";
const FIRST_USER = 10_000;

function press(updateId: number, userId: number): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: String(updateId),
      from: { id: userId, is_bot: false, first_name: `User ${userId}`, language_code: "en" },
      chat_instance: "1",
      data: "m:bal",
      message: { message_id: 5, date: 0, chat: { id: userId, type: "private", first_name: `User ${userId}` }, text: "menu" },
    },
  } as Update;
}

interface MiniBotApi {
  apiRoot: string;
  /** Queues presses, one per user in turn. */
  push(count: number): void;
  /** Callback queries answered so far. */
  answered(): number;
  /** Resolves at the first getUpdates (the side is up and polling). */
  polling(): Promise<void>;
  close(): Promise<void>;
}

async function startMiniBotApi(): Promise<MiniBotApi> {
  const queue: Update[] = [];
  let head = 0;
  let nextId = 1;
  let answered = 0;
  let firstPoll: () => void = () => undefined;
  const polled = new Promise<void>((resolve) => (firstPoll = resolve));
  const waiting = new Set<() => void>();
  const message = JSON.stringify({ ok: true, result: { message_id: 5, date: 0, chat: { id: 1, type: "private" }, text: "" } });
  const yes = JSON.stringify({ ok: true, result: true });
  const answers: Record<string, string> = {
    getMe: JSON.stringify({ ok: true, result: BENCH_BOT_INFO }),
    getStarTransactions: JSON.stringify({ ok: true, result: { transactions: [] } }),
    editMessageText: message,
    sendMessage: message,
  };

  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const getUpdates = async (params: Record<string, unknown>, res: ServerResponse): Promise<void> => {
    firstPoll();
    const offset = Number(params["offset"] ?? 0);
    while (head < queue.length && (queue[head]?.update_id ?? 0) < offset) head++;
    if (head > 10_000) {
      queue.splice(0, head);
      head = 0;
    }
    if (head === queue.length) {
      // Long polling: hold the request until something is queued (half a second at most, so that a side stops quickly).
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiting.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 500);
        waiting.add(wake);
      });
    }
    const limit = Math.min(100, Number(params["limit"] ?? 100));
    res.end(JSON.stringify({ ok: true, result: queue.slice(head, head + limit) }));
  };

  const server = createServer((req, res) => {
    const method = req.url?.split("/").at(-1) ?? "";
    void body(req).then(
      (params) => {
        res.setHeader("content-type", "application/json");
        if (method === "getUpdates") return getUpdates(params, res);
        if (method === "answerCallbackQuery") answered++;
        res.end(answers[method] ?? yes);
      },
      () => {
        res.statusCode = 400;
        res.end();
      },
    );
  });
  // Node closes a connection idle for 5 s by default, racing a request the client is just sending
  // on it ("socket hang up"): Telegram keeps connections far longer.
  server.keepAliveTimeout = 120_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    push(count) {
      for (let i = 0; i < count; i++) {
        const id = nextId++;
        queue.push(press(id, FIRST_USER + (id % USERS)));
      }
      for (const wake of [...waiting]) wake();
    },
    answered: () => answered,
    polling: () => polled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** CPU time (ms) a process has used so far, from /proc (Linux). */
async function cpuOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15 of the line (11 and 12 after the command's closing parenthesis).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measureSide(side: "project" | "baseline", databasePath: string): Promise<{ perSecond: number; cpuShare: number; serverShare: number }> {
  const api = await startMiniBotApi();
  const args =
    side === "project" ? [...startNodeFlags(), START_ENTRY] : [...startNodeFlags(), fileURLToPath(new URL("./throughputBaseline.mjs", import.meta.url))];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: {
      PATH: process.env["PATH"] ?? "",
      BOT_TOKEN: TOKEN,
      BOT_API_ROOT: api.apiRoot,
      DATABASE_PATH: databasePath,
      LOG_LEVEL: "silent",
      BENCH_DB: databasePath,
      BENCH_TOKEN: TOKEN,
      BENCH_API_ROOT: api.apiRoot,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await Promise.race([api.polling(), once(child, "exit").then(() => Promise.reject(new Error(`${side} exited before polling`)))]);
    // Every press is answered once; a side that stops answering for 20 s has failed (its output says why).
    const done = async (target: number) => {
      let last = api.answered();
      let since = performance.now();
      while (api.answered() < target) {
        await sleep(5);
        if (api.answered() !== last) [last, since] = [api.answered(), performance.now()];
        else if (performance.now() - since > 20_000) throw new Error(`${side}: ${last} of ${target} presses answered, then nothing for 20 s`);
      }
    };
    api.push(WARM_UP);
    await done(WARM_UP);
    const cpu0 = await cpuOf(child.pid ?? 0);
    const server0 = process.cpuUsage();
    const t0 = performance.now();
    api.push(MEASURED);
    await done(WARM_UP + MEASURED);
    const wall = performance.now() - t0;
    const cpu = (await cpuOf(child.pid ?? 0)) - cpu0;
    const server = process.cpuUsage(server0);
    return { perSecond: MEASURED / (wall / 1000), cpuShare: cpu / wall, serverShare: (server.user + server.system) / 1000 / wall };
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
    await api.close();
  }
}

export async function benchThroughput(runs: number): Promise<FigureResult[]> {
  const dir = tempDir();
  const config = benchConfig({ DATABASE_PATH: join(dir.path, "running.sqlite") });
  const store = openStore(config.databasePath);
  const deps = buildServices(config, store, systemClock, createLogger("silent"), new Metrics({ figures: () => readOperationsFigures(store.db) }));
  for (let u = 0; u < USERS; u++) {
    const account = deps.accounts.registerOrTouch({ id: FIRST_USER + u, first_name: `User ${FIRST_USER + u}`, language_code: "en" });
    deps.accounts.acceptTerms(account.id);
  }
  store.close();

  const rates: FigureResult = {
    figure: `updates/s, running bot (own process, long polling), ${USERS.toLocaleString("en-US")} users`,
    unit: "updates/s",
    project: [],
    baseline: [],
    baselineName: "bare grammY runner + 1 SQLite read",
    target: ">= 0.5x",
  };
  const shares: Record<"project" | "baseline", number[]> = { project: [], baseline: [] };
  const server: Record<"project" | "baseline", number[]> = { project: [], baseline: [] };
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? (["project", "baseline"] as const) : (["baseline", "project"] as const);
    for (const side of order) {
      const m = await measureSide(side, config.databasePath);
      rates[side].push(m.perSecond);
      shares[side].push(m.cpuShare);
      server[side].push(m.serverShare);
    }
  }
  const pct = (values: number[]) => values.map((v) => `${Math.round(v * 100)}%`).join(", ");
  rates.note =
    `CPU use while measured (a core is 100%): project ${pct(shares.project)} (this server ${pct(server.project)}), ` +
    `baseline ${pct(shares.baseline)} (this server ${pct(server.baseline)})`;
  dir.remove();
  return [rates];
}
