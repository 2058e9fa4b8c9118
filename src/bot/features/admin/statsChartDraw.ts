import { createRequire } from "node:module";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title } from "chart.js";
import { formatMoney } from "../../../domain/money.ts";
import { BAR_COLOUR, CHART_HEIGHT, CHART_WIDTH, type StatsChartInput } from "./statsChart.ts";

/** The /stats chart's drawing, on the calling thread: the chart worker's (statsChartThread.ts) and the tests'. */

/** A family name of our own, so that no system font is ever picked in its place. */
const FONT_FAMILY = "StatsChartRoboto";

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
