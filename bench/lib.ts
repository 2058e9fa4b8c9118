/*
 * Shared by the benchmark figures: a result row (the project's value and its baseline's, one per
 * run), the table printed at the end, and the bits every figure needs (a temp folder, a bot whose
 * Bot API answers from memory). Benchmarks print; they never assert.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bot, Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { loadConfig, type Config } from "../src/config.ts";

export interface FigureResult {
  figure: string;
  unit: string;
  /** One value per run. */
  project: number[];
  /** The baseline's value in the same runs; empty when there is none. */
  baseline: number[];
  baselineName?: string;
  /** The target, in words (e.g. "<= 10x", ">= 27"). */
  target?: string;
  note?: string;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 0.1) return n.toFixed(2);
  return n.toPrecision(2);
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return "—";
  if (values.length === 1) return fmt(values[0] ?? NaN);
  return `${fmt(Math.min(...values))} / ${fmt(median(values))} / ${fmt(Math.max(...values))}`;
}

/** The table: figure, project, baseline, ratio (project / baseline, of the medians), min/median/max of each. */
export function printTable(results: readonly FigureResult[]): void {
  const rows = [["figure", "unit", "project (min / median / max)", "baseline (min / median / max)", "ratio", "target"]];
  for (const r of results) {
    const ratio = r.baseline.length > 0 ? median(r.project) / median(r.baseline) : NaN;
    rows.push([
      r.figure,
      r.unit,
      spread(r.project),
      r.baseline.length > 0 ? `${spread(r.baseline)}${r.baselineName ? ` (${r.baselineName})` : ""}` : "—",
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "—",
      r.target ?? "",
    ]);
  }
  console.log("");
  console.log(`| ${rows[0]?.join(" | ")} |`);
  console.log(`|${rows[0]?.map(() => "---").join("|")}|`);
  for (const row of rows.slice(1)) console.log(`| ${row.join(" | ")} |`);
  for (const r of results) if (r.note) console.log(`- ${r.figure}: ${r.note}`);
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "bench-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function benchConfig(env: Record<string, string>): Config {
  const loaded = loadConfig({ BOT_TOKEN: "123456789:AAHbenchbenchbenchbenchbenchbenchben", LOG_LEVEL: "silent", ...env });
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  return loaded.config;
}

export const BENCH_BOT_INFO = {
  id: 1,
  is_bot: true,
  first_name: "Bench",
  username: "bench_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

/** The Bot API answers from memory: what is measured is the bot's own work. */
export function cutNetwork<C extends Context>(bot: Bot<C>): void {
  bot.botInfo = BENCH_BOT_INFO;
  bot.api.config.use(async (_prev, method) => {
    const result = method === "editMessageText" || method === "sendMessage" ? { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "" } : true;
    return { ok: true, result } as never;
  });
}

/** CPU time (user + system) of this process in ms. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * The longest stretch the event loop was blocked while `work` ran: a 1 ms timer notes how late it
 * fires; the longest lateness is the longest block.
 */
export async function longestBlock(work: () => Promise<unknown> | unknown): Promise<{ blockedMs: number; totalMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await sleep(5);
  last = performance.now();
  const t0 = performance.now();
  const syncStart = performance.now();
  const pending = work();
  // A synchronous block is measured from the call itself.
  worst = Math.max(worst, performance.now() - syncStart);
  await pending;
  const totalMs = performance.now() - t0;
  await sleep(5);
  clearInterval(timer);
  return { blockedMs: worst, totalMs };
}
