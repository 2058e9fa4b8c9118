import { createCanvas, loadImage } from "@napi-rs/canvas";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BAR_COLOUR, CHART_HEIGHT, CHART_WIDTH, renderStatsChart, stopStatsChartWorker, type StatsChartInput } from "../../src/bot/features/admin/statsChart.ts";
import { drawStatsChart } from "../../src/bot/features/admin/statsChartDraw.ts";
import { currency } from "../../src/domain/money.ts";

/*
 * Issue 13, /stats: the last 30 days as a picture. The chart must be a real PNG of the promised
 * size, with one bar per day, drawn in a worker thread so the bot's event loop stays free.
 */

afterAll(() => stopStatsChartWorker());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function input(): StatsChartInput {
  const labels = Array.from({ length: 30 }, (_, i) => `${String(i + 1).padStart(2, "0")}.12`);
  return {
    labels,
    // Every day sold something, so each of the 30 days has a bar.
    revenue: labels.map((_, i) => 500 + ((i * 137) % 900)),
    sold: labels.map((_, i) => i % 7),
    title: "Последние 30 дней · GMT+3",
    revenueLabel: "Выручка",
    soldLabel: "Продано номеров",
    currency: currency("USD"),
    language: "ru",
  };
}

/** How many separate bars the picture has: runs of columns with a tall stretch of the bars' blue. */
async function barsIn(png: Buffer): Promise<number> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(BAR_COLOUR.slice(i, i + 2), 16));
  const isBar = (x: number, y: number) => {
    const at = (y * image.width + x) * 4;
    return data[at] === r && data[at + 1] === g && data[at + 2] === b && data[at + 3] === 255;
  };
  // A column belongs to a bar when at least 40 of its pixels are the bars' blue: the legend's
  // swatch is shorter, and the line of numbers sold crosses a bar in a few pixels only.
  const barColumn = (x: number) => {
    let n = 0;
    for (let y = 0; y < image.height; y++) if (isBar(x, y)) n++;
    return n >= 40;
  };
  let bars = 0;
  let previous = false;
  for (let x = 0; x < image.width; x++) {
    const now = barColumn(x);
    if (now && !previous) bars++;
    previous = now;
  }
  return bars;
}

describe("the /stats chart", () => {
  it("is a PNG of the expected size with one bar for each of the 30 days", async () => {
    const png = await drawStatsChart(input());
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.toString("latin1", 12, 16)).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(await barsIn(png)).toBe(30);
  });

  it("drawn in a worker thread, it is the same picture", async () => {
    const data = input();
    const [inWorker, here] = await Promise.all([renderStatsChart(data), drawStatsChart(data)]);
    expect([inWorker.readUInt32BE(16), inWorker.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(await barsIn(inWorker)).toBe(30);
    expect(inWorker.equals(here)).toBe(true);
  });

  it("a day without sales has no bar: fewer bars, same size", async () => {
    const data = input();
    data.revenue = data.revenue.map((v, i) => (i % 2 === 0 ? 0 : v));
    const png = await drawStatsChart(data);
    expect(await barsIn(png)).toBe(15);
  });

  it("drawn by the built bot (dist/, as `npm start` runs it), the worker finds its compiled entry and draws the same picture", async () => {
    const data = input();
    const chart = pathToFileURL(join(process.cwd(), "dist/bot/features/admin/statsChart.js")).href;
    const probe = [
      `const { renderStatsChart, stopStatsChartWorker } = await import(${JSON.stringify(chart)});`,
      `const png = await renderStatsChart(${JSON.stringify(data)});`,
      "await stopStatsChartWorker();",
      'process.stdout.write(png.toString("base64"));',
    ].join("\n");
    // A plain node running a file (a worker inherits `-e`'s flags): no TypeScript loader, as in production.
    const dir = mkdtempSync(join(tmpdir(), "chart-"));
    const file = join(dir, "probe.mjs");
    writeFileSync(file, probe);
    const out = execFileSync(process.execPath, [file], { encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
    const built = Buffer.from(out, "base64");
    expect(await barsIn(built)).toBe(30);
    expect(built.equals(await drawStatsChart(data))).toBe(true);
  });

  it("is not loaded by the bot's own thread: Skia and the fonts are mapped in the chart worker only (issue 15, memory)", () => {
    // The whole bot, imported as `npm start` imports it (the build), without starting it.
    const probe = [
      'await import("./dist/main.js");',
      'const { readFileSync } = await import("node:fs");',
      'process.stdout.write(readFileSync("/proc/self/maps", "utf8").includes("skia") ? "skia" : "none");',
    ].join(" ");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: process.cwd(), encoding: "utf8" });
    expect(out).toBe("none");
  });
});
