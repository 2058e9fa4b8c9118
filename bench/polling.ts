/*
 * CPU per idle polling tick (nothing new at the provider) at 1,000 / 10,000 / 50,000 open numbers:
 * the project's tick (ActivationPolling through the sms-activate adapter) against a bare poller
 * that fetches the same list, parses it, reads the open ids from SQLite with one prepared query
 * and compares. Both talk to the same local server, which answers from a prepared body so that
 * neither pays for building the list.
 */
import type Database from "better-sqlite3";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openStore } from "../src/db/open.ts";
import { createLogger } from "../src/logger.ts";
import { buildServices } from "../src/main.ts";
import { systemClock } from "../src/clock.ts";
import { benchConfig, cpuMs, median, tempDir, type FigureResult } from "./lib.ts";
import { readOperationsFigures } from "../src/domain/operationsFigures.ts";
import { Metrics } from "../src/ops/metrics.ts";

const SIZES = (process.env["BENCH_POLL_SIZES"] ?? "1000,10000,50000").split(",").map(Number);
const TICKS = 8;

function hostTime(ms: number): string {
  // Moscow time, as sms-activate writes it.
  return new Date(ms + 3 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Users with balances, and open activations (with their holds and top-ups) for the first `open` of
 * them, written straight to the store (set-up only). Provider ids are 1..open, as listServer lists them.
 */
export function seedOpenNumbers(sqlite: Database.Database, options: { users: number; open: number; now: number; lifetimeMs: number }): void {
  const { users, open, now, lifetimeMs } = options;
  const user = sqlite.prepare("INSERT INTO users (telegram_id, first_name, language, created_at, last_seen_at) VALUES (?, ?, 'en', ?, ?)");
  const balance = sqlite.prepare("INSERT INTO balances (user_id) VALUES (?)");
  const entry = sqlite.prepare(
    "INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, idempotency_key, created_at) VALUES (?, 'topup', 1000, 1000, 'bench', ?, ?, ?)",
  );
  const hold = sqlite.prepare("INSERT INTO holds (user_id, amount, ref_type, ref_id, idempotency_key, created_at) VALUES (?, 100, 'activation', ?, ?, ?)");
  const activation = sqlite.prepare(`INSERT INTO activations (user_id, order_key, service_code, service_name, country_code, country_name, price, cost_micros, hold_id,
      provider, provider_id, phone, state, created_at, expires_at) VALUES (?, ?, 'tg', 'Telegram', '0', 'Russia', 100, 25000000, ?, 'sms-activate', ?, ?, 'waiting', ?, ?)`);
  sqlite.transaction(() => {
    for (let i = 1; i <= users; i++) {
      const userId = Number(user.run(1_000_000 + i, `User ${i}`, now, now).lastInsertRowid);
      balance.run(userId);
      if (i > open) continue;
      entry.run(userId, String(i), `bench:${i}`, now);
      const holdId = Number(hold.run(userId, String(i), `hold:${i}`, now).lastInsertRowid);
      activation.run(userId, `order-${i}`, holdId, String(i), `7900${String(i).padStart(7, "0")}`, now, now + lifetimeMs);
    }
  })();
}

export async function listServer(open: number, now: number): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify({
    status: "success",
    activeActivations: Array.from({ length: open }, (_, k) => ({
      activationId: k + 1,
      serviceCode: "tg",
      phoneNumber: `7900${String(k + 1).padStart(7, "0")}`,
      activationCost: 25,
      activationStatus: "1",
      smsCode: null,
      smsText: null,
      activationTime: hostTime(now),
      discount: "0.00",
      repeated: "0",
      countryCode: "0",
      countryName: "Russia",
      canGetAnotherSms: "1",
    })),
  });
  const server = createServer((req, res) => {
    const action = new URL(req.url ?? "/", "http://x").searchParams.get("action");
    if (action === "getActiveActivations") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
      return;
    }
    res.end("BAD_ACTION");
  });
  // Longer than a tick: a kept-alive connection is never closed under a client about to reuse it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function benchPolling(runs: number): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  for (const size of SIZES) {
    const dir = tempDir();
    const now = Date.now();
    const server = await listServer(size, now);
    const config = benchConfig({
      DATABASE_PATH: join(dir.path, "polling.sqlite"),
      PROVIDER: "sms-activate",
      PROVIDER_API_URL: server.url,
      PROVIDER_API_KEY: "bench-key-0123456789",
    });
    const store = openStore(config.databasePath);
    seedOpenNumbers(store.sqlite, { users: size, open: size, now, lifetimeMs: 20 * 60_000 });
    const deps = buildServices(config, store, systemClock, createLogger("silent"), new Metrics({ figures: () => readOperationsFigures(store.db) }));

    const openIds = store.sqlite.prepare("SELECT id, provider_id FROM activations WHERE state IN ('waiting', 'received') AND provider_id IS NOT NULL");
    const endpoint = `${server.url}/stubs/handler_api.php?api_key=bench-key-0123456789&action=getActiveActivations`;
    const bareTick = async (): Promise<number> => {
      const open = new Map<string, number>();
      for (const row of openIds.all() as { id: number; provider_id: string }[]) open.set(row.provider_id, row.id);
      const list = (await (await fetch(endpoint)).json()) as { activeActivations: { activationId: number; smsCode: unknown }[] };
      let news = 0;
      for (const entry of list.activeActivations) if (!open.has(String(entry.activationId)) || entry.smsCode !== null) news++;
      return news;
    };
    const projectTick = async (): Promise<number> => (await deps.activations.poll()).updates.length;

    const figure: FigureResult = {
      figure: `CPU per idle polling tick, ${size.toLocaleString("en-US")} open numbers`,
      unit: "ms",
      project: [],
      baseline: [],
      baselineName: "bare poller",
      target: "<= 2x",
    };
    const writesBefore = (store.sqlite.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
    for (let run = 0; run < runs; run++) {
      for (const [side, tick] of run % 2 === 0 ? ([["project", projectTick], ["baseline", bareTick]] as const) : ([["baseline", bareTick], ["project", projectTick]] as const)) {
        await tick(); // warm
        const costs: number[] = [];
        for (let t = 0; t < TICKS; t++) {
          const c0 = cpuMs();
          const news = await tick();
          costs.push(cpuMs() - c0);
          if (news !== 0) throw new Error(`${side}: an idle tick found ${news} changes`);
        }
        figure[side].push(median(costs));
      }
    }
    const writes = (store.sqlite.prepare("SELECT total_changes() AS n").get() as { n: number }).n - writesBefore;
    figure.note = `${writes} row(s) written by ${runs * (TICKS + 1)} idle project ticks`;
    results.push(figure);
    store.close();
    await server.close();
    dir.remove();
  }
  return results;
}
