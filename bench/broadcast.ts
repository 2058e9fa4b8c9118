/*
 * Broadcast: the outbox sender against a chat API that allows 30 messages a second (more within
 * one second gets a 429 with retry_after, as Telegram answers), with 1,000 and 100,000 recipients
 * queued. Baseline: a bare loop paced at 30 a second against the same limit. Then the whole
 * 100,000 with the limit lifted: the sender's own cost per recipient at that size, and every
 * recipient counted (none may get 0 or 2 messages).
 */
import type Database from "better-sqlite3";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { OutboxSender, type DeliveryResult } from "../src/bot/outbox/sender.ts";
import { openStore } from "../src/db/open.ts";
import { AuditLog } from "../src/domain/audit.ts";
import { Broadcasts } from "../src/domain/broadcasts.ts";
import { Outbox, type OutboxRow } from "../src/domain/outbox.ts";
import { createLogger } from "../src/logger.ts";
import { systemClock } from "../src/clock.ts";
import { cpuMs, sleep, tempDir, type FigureResult } from "./lib.ts";

const LIMIT_PER_SECOND = 30;
const WINDOW_SECONDS = Number(process.env["BENCH_BROADCAST_SECONDS"] ?? 10);
const SIZES = (process.env["BENCH_BROADCAST_SIZES"] ?? "1000,100000").split(",").map(Number);

/** Telegram's limit as the bench sees it: at most 30 sends in any one second. */
class ChatLimit {
  private readonly sent: number[] = [];
  accepted = 0;
  refused = 0;
  tryTake(): boolean {
    const now = performance.now();
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - 1000) this.sent.shift();
    if (this.sent.length >= LIMIT_PER_SECOND) {
      this.refused++;
      return false;
    }
    this.sent.push(now);
    this.accepted++;
    return true;
  }
}

function seedUsers(sqlite: Database.Database, count: number): void {
  const user = sqlite.prepare("INSERT INTO users (telegram_id, first_name, language, created_at, last_seen_at) VALUES (?, 'U', 'en', 0, 0)");
  const balance = sqlite.prepare("INSERT INTO balances (user_id) VALUES (?)");
  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) balance.run(Number(user.run(5_000_000 + i).lastInsertRowid));
  })();
}

interface Setup {
  outbox: Outbox;
  broadcasts: Broadcasts;
  close: () => void;
}

function setup(recipients: number): Setup {
  const dir = tempDir();
  const store = openStore(join(dir.path, "broadcast.sqlite"));
  seedUsers(store.sqlite, recipients);
  const outbox = new Outbox(store.db, systemClock, { adminChatIds: [] });
  const broadcasts = new Broadcasts(store.db, outbox, new AuditLog(store.db, systemClock), systemClock);
  return {
    outbox,
    broadcasts,
    close: () => {
      store.close();
      dir.remove();
    },
  };
}

async function projectRate(recipients: number): Promise<number> {
  const s = setup(recipients);
  const limit = new ChatLimit();
  const deliver = async (): Promise<DeliveryResult> => {
    await sleep(2); // a request's round trip
    return limit.tryTake() ? { status: "sent" } : { status: "retry", error: "429", retryAfterMs: 1000 };
  };
  const sender = new OutboxSender(s.outbox, deliver, systemClock, createLogger("silent"));
  s.broadcasts.start(1, { kind: "text", text: "news" });
  sender.start();
  await sleep(1000); // the first second is the start, not the rate
  const before = limit.accepted;
  await sleep(WINDOW_SECONDS * 1000);
  const rate = (limit.accepted - before) / WINDOW_SECONDS;
  await sender.stop();
  s.close();
  return rate;
}

async function bareRate(): Promise<number> {
  const limit = new ChatLimit();
  let next = performance.now();
  const until = performance.now() + (WINDOW_SECONDS + 1) * 1000;
  let started = 0;
  let countFrom = 0;
  while (performance.now() < until) {
    next += 1000 / LIMIT_PER_SECOND;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    void sleep(2).then(() => limit.tryTake());
    if (started === 0) started = performance.now();
    if (countFrom === 0 && performance.now() - started >= 1000) countFrom = limit.accepted;
  }
  await sleep(10);
  return (limit.accepted - countFrom) / WINDOW_SECONDS;
}

/** Every recipient of `recipients`, no limit: the sender's CPU per message and the count per chat. */
async function wholeBroadcast(recipients: number): Promise<{ cpuPerMessageMs: number; zero: number; twice: number; perSecond: number }> {
  const s = setup(recipients);
  const got = new Map<number, number>();
  const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
    got.set(row.chatId, (got.get(row.chatId) ?? 0) + 1);
    return { status: "sent" };
  };
  const sender = new OutboxSender(s.outbox, deliver, systemClock, createLogger("silent"), { perSecond: 1_000_000, concurrency: 32 });
  const { broadcast } = s.broadcasts.start(1, { kind: "text", text: "news" });
  const c0 = cpuMs();
  const t0 = performance.now();
  sender.start();
  while (s.broadcasts.counts(broadcast.id).pending > 0) await sleep(250);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs() - c0;
  await sender.stop();
  let zero = 0;
  let twice = 0;
  for (let i = 1; i <= recipients; i++) {
    const n = got.get(5_000_000 + i) ?? 0;
    if (n === 0) zero++;
    if (n > 1) twice++;
  }
  s.close();
  return { cpuPerMessageMs: cpu / recipients, zero, twice, perSecond: recipients / seconds };
}

export async function benchBroadcast(runs: number): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  const rateRuns = Math.max(1, Math.min(runs, Number(process.env["BENCH_BROADCAST_RUNS"] ?? 2)));
  for (const size of SIZES) {
    const figure: FigureResult = {
      figure: `broadcast rate under a 30 msg/s limit, ${size.toLocaleString("en-US")} recipients queued`,
      unit: "msg/s",
      project: [],
      baseline: [],
      baselineName: "bare loop paced at 30/s",
      target: ">= 27",
    };
    for (let run = 0; run < rateRuns; run++) {
      figure.project.push(await projectRate(size));
      figure.baseline.push(await bareRate());
    }
    results.push(figure);
  }
  const largest = Math.max(...SIZES);
  const cost: FigureResult = { figure: `sender CPU per recipient, no limit, ${largest.toLocaleString("en-US")} recipients`, unit: "ms", project: [], baseline: [], target: "constant" };
  const small: FigureResult = { figure: "sender CPU per recipient, no limit, 1,000 recipients", unit: "ms", project: [], baseline: [], target: "constant" };
  const whole = await wholeBroadcast(largest);
  const few = await wholeBroadcast(1_000);
  small.project.push(few.cpuPerMessageMs);
  cost.project.push(whole.cpuPerMessageMs);
  cost.note = `${whole.perSecond.toFixed(0)} msg/s without a limit; recipients with 0 messages: ${whole.zero}, with 2 or more: ${whole.twice}`;
  results.push(small, cost);
  return results;
}
