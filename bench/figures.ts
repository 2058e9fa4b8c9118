/*
 * The size figures of `npm run bench` (issue "fast at any size"): each measured against its
 * baseline in the same process and the same runs. BENCH_FIGURES picks some (comma-separated:
 * updates, running, polling, broadcast, admin, startup, memory); BENCH_RUNS sets the number of runs.
 */
import { printTable, type FigureResult } from "./lib.ts";
import { benchAdmin } from "./admin.ts";
import { benchBroadcast } from "./broadcast.ts";
import { benchMemory } from "./memory.ts";
import { benchPolling } from "./polling.ts";
import { benchThroughput } from "./throughput.ts";
import { benchUpdates } from "./updates.ts";

type FigureName = "updates" | "running" | "polling" | "broadcast" | "admin" | "memory";

const ALL: Record<FigureName, (runs: number) => Promise<FigureResult[]>> = {
  updates: benchUpdates,
  running: benchThroughput,
  polling: benchPolling,
  broadcast: benchBroadcast,
  admin: benchAdmin,
  memory: benchMemory,
};

export async function runSizeFigures(selection = process.env["BENCH_FIGURES"] ?? "all", runs = Number(process.env["BENCH_RUNS"] ?? 5)): Promise<void> {
  const names = selection === "all" ? (Object.keys(ALL) as FigureName[]) : (selection.split(",").map((s) => s.trim()) as FigureName[]);
  const results: FigureResult[] = [];
  for (const name of names) {
    const figure = ALL[name];
    if (!figure) {
      console.error(`unknown figure: ${name} (known: ${Object.keys(ALL).join(", ")})`);
      continue;
    }
    console.log(`figure ${name}: ${runs} run(s)...`);
    try {
      results.push(...(await figure(runs)));
    } catch (error) {
      // One figure failing (a loaded machine, a reset connection) does not lose the others.
      console.error(`figure ${name} failed:`, error);
    }
  }
  printTable(results);
}
