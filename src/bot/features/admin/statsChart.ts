import { Worker } from "node:worker_threads";
import type { Currency } from "../../../domain/money.ts";

/**
 * The /stats chart: revenue per day as bars, numbers sold per day as a line, drawn by Chart.js on a
 * Skia canvas (@napi-rs/canvas: a prebuilt binary from the npm registry, no browser, no cairo).
 * Drawing takes 40-60 ms of CPU, so the bot has it done in a worker thread (`renderStatsChart`)
 * and its event loop stays free; `drawStatsChart` (statsChartDraw.ts, loaded by that thread only,
 * so that the bot's own thread never maps Skia) is the drawing itself. Texts come translated.
 */

export interface StatsChartInput {
  /** One label per day, oldest first ("02.12"). */
  labels: string[];
  /** Revenue per day, in the shop currency's minor units. */
  revenue: number[];
  /** Numbers sold per day. */
  sold: number[];
  title: string;
  revenueLabel: string;
  soldLabel: string;
  /** Revenue ticks are written as money in this currency and language. */
  currency: Currency;
  language: string;
}

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;
/** The revenue bars (opaque, so that nothing behind them shows through). */
export const BAR_COLOUR = "#3684db";

// ---------------------------------------------------------------- the worker thread

export interface ChartJob {
  id: number;
  input: StatsChartInput;
}
export type ChartAnswer = { id: number; ok: true; png: Uint8Array } | { id: number; ok: false; error: string };

let worker: Worker | undefined;
let nextJob = 1;
const waiting = new Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>();

function failAll(error: Error): void {
  for (const job of waiting.values()) job.reject(error);
  waiting.clear();
  worker = undefined;
}

function chartWorker(): Worker {
  if (worker) return worker;
  // Built (dist/, as `npm start` runs it): the thread's compiled entry. From the sources (tests,
  // `npm run dev`): a plain-JavaScript entry that registers tsx, since a worker does not inherit
  // the main thread's loader.
  const built = import.meta.url.endsWith(".js");
  const started = new Worker(new URL(built ? "./statsChartThread.js" : "./statsChartWorker.mjs", import.meta.url));
  started.on("message", (answer: ChartAnswer) => {
    const job = waiting.get(answer.id);
    if (!job) return;
    waiting.delete(answer.id);
    if (answer.ok) job.resolve(Buffer.from(answer.png));
    else job.reject(new Error(answer.error));
    if (waiting.size === 0) started.unref();
  });
  started.on("error", (error) => failAll(error));
  started.on("exit", (code) => failAll(new Error(`the chart worker stopped (exit code ${code})`)));
  worker = started;
  return started;
}

/** The chart drawn in a worker thread: the caller's event loop is never blocked by the drawing. */
export function renderStatsChart(input: StatsChartInput): Promise<Buffer> {
  const id = nextJob++;
  const thread = chartWorker();
  return new Promise<Buffer>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    // Kept alive while a chart is being drawn, released when idle so it never holds the process open.
    thread.ref();
    thread.postMessage({ id, input } satisfies ChartJob);
  });
}

/** Stops the worker thread (tests, shutdown). */
export async function stopStatsChartWorker(): Promise<void> {
  const running = worker;
  worker = undefined;
  if (running) await running.terminate();
}
