import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title } from "chart.js";
import { formatMoney, type Currency } from "../../../domain/money.ts";

/**
 * The /stats chart: revenue per day as bars, numbers sold per day as a line, drawn by Chart.js on a
 * Skia canvas (@napi-rs/canvas: a prebuilt binary from the npm registry, no browser, no cairo).
 * Drawing takes 40-60 ms of CPU, so the bot has it done in a worker thread (`renderStatsChart`)
 * and its event loop stays free; `drawStatsChart` is the drawing itself. Texts come translated.
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
/** A family name of our own, so that no system font is ever picked in its place. */
const FONT_FAMILY = "StatsChartRoboto";
/** The revenue bars (opaque, so that nothing behind them shows through). */
export const BAR_COLOUR = "#3684db";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title);

let fontsLoaded = false;

/**
 * Text must render where no font is installed (the slim container image has none): Roboto's
 * Latin and Cyrillic subsets, shipped by @fontsource/roboto, under one family name.
 */
function loadFonts(): void {
  if (fontsLoaded) return;
  const require = createRequire(import.meta.url);
  for (const subset of ["latin", "latin-ext", "cyrillic"]) {
    for (const weight of [400, 700]) {
      GlobalFonts.registerFromPath(require.resolve(`@fontsource/roboto/files/roboto-${subset}-${weight}-normal.woff2`), FONT_FAMILY);
    }
  }
  fontsLoaded = true;
}

/** The chart as a PNG of CHART_WIDTH x CHART_HEIGHT pixels, drawn on the calling thread. */
export async function drawStatsChart(input: StatsChartInput): Promise<Buffer> {
  loadFonts();
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  const context = canvas.getContext("2d");
  const font = (size: number) => ({ family: FONT_FAMILY, size });
  // Chart.js types its canvas as the DOM's; the Skia context offers the same 2D API.
  const chart = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], {
    type: "bar",
    data: {
      labels: input.labels,
      datasets: [
        { type: "bar", label: input.revenueLabel, data: input.revenue, yAxisID: "revenue", backgroundColor: BAR_COLOUR, order: 2 },
        { type: "line", label: input.soldLabel, data: input.sold, yAxisID: "sold", borderColor: "#e8702a", backgroundColor: "#e8702a", borderWidth: 3, pointRadius: 3, order: 1 },
      ],
    },
    // Chart.js clears the canvas before drawing: a white background goes under each drawing, or the
    // PNG would be transparent (and Telegram shows a transparent photo on black).
    plugins: [
      {
        id: "whiteBackground",
        beforeDraw: (drawn) => {
          const under = drawn.ctx;
          under.save();
          under.globalCompositeOperation = "destination-over";
          under.fillStyle = "#ffffff";
          under.fillRect(0, 0, drawn.width, drawn.height);
          under.restore();
        },
      },
    ],
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      font: font(16),
      plugins: {
        title: { display: true, text: input.title, font: { ...font(22), weight: "bold" } },
        legend: { labels: { font: font(16) } },
      },
      scales: {
        x: { grid: { display: false }, ticks: { font: font(13), maxRotation: 60, autoSkip: false } },
        revenue: {
          type: "linear",
          position: "left",
          beginAtZero: true,
          // Ticks fall on whole minor units, so each one is an exact amount of money.
          ticks: { font: font(14), precision: 0, callback: (value) => formatMoney(Math.round(Number(value)), input.currency, input.language) },
        },
        sold: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { font: font(14), precision: 0 } },
      },
    },
  });
  try {
    return await canvas.encode("png");
  } finally {
    chart.destroy();
  }
}

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
  // A plain-JavaScript entry that registers tsx, so the worker runs this TypeScript wherever the bot runs.
  const started = new Worker(new URL("./statsChartWorker.mjs", import.meta.url));
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
