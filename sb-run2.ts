import { openStore } from "./src/db/open.ts";
import { buildServices } from "./src/main.ts";
import { systemClock } from "./src/clock.ts";
import { createLogger } from "./src/logger.ts";
import { Metrics } from "./src/ops/metrics.ts";
import { readOperationsFigures } from "./src/domain/operationsFigures.ts";
import { benchConfig } from "./bench/lib.ts";
const store = openStore("/tmp/sb/ledger.sqlite");
const deps = buildServices(benchConfig({ DATABASE_PATH: "/tmp/sb/ledger.sqlite" }), store, systemClock, createLogger("silent"), new Metrics({ figures: () => readOperationsFigures(store.db) }));
// The longest CPU time between two turns of the event loop, while stats() runs.
for (let i = 0; i < 3; i++) {
  let worst = 0; let mark = process.cpuUsage(); let running = true; let turns = 0;
  const tick = () => { const d = process.cpuUsage(mark); worst = Math.max(worst, (d.user + d.system) / 1000); mark = process.cpuUsage(); turns++; if (running) setImmediate(tick); };
  setImmediate(tick);
  const t0 = performance.now();
  await deps.adminReports.stats(process.env.TZN ?? "UTC");
  running = false;
  console.log(`worst CPU between turns ${worst.toFixed(1)} ms, turns ${turns}, total ${(performance.now() - t0).toFixed(0)} ms`);
}
store.close();
