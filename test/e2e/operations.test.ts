import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listBackups } from "../../src/db/backup.ts";
import { openStore } from "../../src/db/open.ts";
import { Ledger } from "../../src/domain/ledger.ts";
import { restoreBackup } from "../../src/ops/restore.ts";
import { customer } from "../helpers/world.ts";
import { buyerWithNumber, startOpsWorld } from "../helpers/ops.ts";

/* What an operator's monitor and backups see (issue 14): /healthz, /metrics, online backups, restore. */

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

/** The value of one sample line of a Prometheus text, e.g. `bot_sms_delivered_total`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("a process people can watch", () => {
  it("GET /healthz: the database is writable, polling is alive, and when each job last succeeded", async () => {
    const w = await startOpsWorld({ webhook: false });
    await w.h.app.scheduler.runNow("activation-expiry");
    const { status, text } = await get(`${w.base()}/healthz`);
    expect(status).toBe(200);
    const report = JSON.parse(text) as { ok: boolean; database: { writable: boolean }; updates: { mode: string; alive: boolean }; jobs: Record<string, { lastSuccessAt: string | null }> };
    expect(report.ok).toBe(true);
    expect(report.database.writable).toBe(true);
    expect(report.updates).toMatchObject({ mode: "polling", alive: true });
    expect(report.jobs["catalog-sync"]?.lastSuccessAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(report.jobs["activation-expiry"]?.lastSuccessAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(report.jobs["inactivity"]).toBeDefined();

    // A database that cannot be written makes the check fail (503), so that a monitor notices.
    w.h.app.store.sqlite.pragma("query_only = ON");
    const failing = await get(`${w.base()}/healthz`);
    w.h.app.store.sqlite.pragma("query_only = OFF");
    expect(failing.status).toBe(503);
    expect(JSON.parse(failing.text)).toMatchObject({ ok: false, database: { writable: false } });
  });

  it("GET /metrics in Prometheus format: updates, SMS delivered and their latency, provider calls and failures, ledger, open activations, outbox", async () => {
    const w = await startOpsWorld();
    const { providerId } = await buyerWithNumber(w, "Nina");
    w.provider.injectFault("getBalance", { error: "BAD_KEY" });
    await w.h.app.scheduler.runNow("provider-balance");
    const open = await get(`${w.base()}/metrics`);
    expect(open.status).toBe(200);
    expect(open.type).toContain("text/plain");
    expect(sample(open.text, 'bot_open_activations{state="waiting"}')).toBe(1);
    expect(sample(open.text, 'bot_ledger_held_minor')).toBeGreaterThan(0);

    w.provider.deliverSms(providerId, "Telegram code: 90210");
    await w.provider.pushesSettled();
    await w.tg.settle();
    const { text } = await get(`${w.base()}/metrics`);

    expect(sample(text, 'bot_updates_total{type="message"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'bot_updates_total{type="callback_query"}')).toBeGreaterThanOrEqual(3);
    expect(sample(text, "bot_update_handling_seconds_count{type=\"message\"}")).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'bot_sms_delivered_total{kind="activation"}')).toBe(1);
    expect(sample(text, "bot_sms_delivery_seconds_count")).toBe(1);
    expect(sample(text, 'bot_provider_notices_total{outcome="delivered"}')).toBe(1);
    expect(sample(text, 'bot_provider_calls_total{method="buy"}')).toBe(1);
    expect(sample(text, 'bot_provider_failures_total{method="getBalance",kind="bad_config"}')).toBe(1);
    expect(sample(text, 'bot_ledger_total_minor{kind="topup"}')).toBe(500);
    expect(sample(text, 'bot_ledger_total_minor{kind="purchase"}')).toBeLessThan(0);
    expect(sample(text, 'bot_open_activations{state="received"}')).toBe(1);
    expect(sample(text, 'bot_open_activations{state="waiting"}')).toBe(0);
    expect(sample(text, 'bot_outbox_depth{status="pending"}')).toBe(0);
    expect(text).toContain("process_cpu_seconds_total");
  });

  it("a backup taken while buying goes on restores to a database whose ledger invariants hold", async () => {
    const backups = mkdtempSync(join(tmpdir(), "backups-"));
    const w = await startOpsWorld({ env: { BACKUP_DIR: backups, BACKUP_KEEP: "2" } });
    const { activations } = w.h.app.deps;
    const buyers = await Promise.all(["Ada", "Boris", "Clara", "Dima"].map(async (name) => (await customer(w.h, name, { balance: 500 })).account));

    // Purchases and SMS go on while three backups are taken.
    const work = (async () => {
      for (let round = 0; round < 3; round++) {
        for (const [i, account] of buyers.entries()) {
          const reserved = activations.reserve({ userId: account.id, serviceCode: "tg", countryCode: "0", orderKey: `bk-${round}-${i}` });
          if (!reserved.ok) throw new Error(`reserve: ${reserved.reason}`);
          const bought = await activations.buy(reserved.activation.id);
          if (bought.ok && i % 2 === 0) w.provider.deliverSms(bought.activation.providerId ?? "", `code ${1000 + round * 10 + i}`);
        }
      }
    })();
    for (let i = 0; i < 3; i++) await w.h.app.scheduler.runNow("backup");
    await work;
    await w.provider.pushesSettled();

    const copies = listBackups(backups);
    expect(copies).toHaveLength(2);
    const newest = copies.at(-1) ?? "";
    const target = join(mkdtempSync(join(tmpdir(), "restored-")), "bot.sqlite");
    const restored = restoreBackup(newest, target, Date.now());
    expect(restored).toMatchObject({ ok: true, restored: target, previous: null });

    const store = openStore(target);
    try {
      expect(new Ledger(store.db, Date.now).checkInvariants()).toEqual([]);
      const users = store.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM users`)?.n ?? 0;
      expect(users).toBeGreaterThanOrEqual(4);
    } finally {
      store.close();
    }
  });
});
