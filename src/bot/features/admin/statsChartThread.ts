import { parentPort } from "node:worker_threads";
import type { ChartAnswer, ChartJob } from "./statsChart.ts";
import { drawStatsChart } from "./statsChartDraw.ts";

/** The worker thread that draws /stats charts, one job at a time, for `renderStatsChart`. */

const port = parentPort;
if (port) {
  port.on("message", (job: ChartJob) => {
    drawStatsChart(job.input).then(
      (png) => port.postMessage({ id: job.id, ok: true, png } satisfies ChartAnswer),
      (error: unknown) => port.postMessage({ id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ChartAnswer),
    );
  });
}
