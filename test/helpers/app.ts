import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, onTestFinished } from "vitest";
import { loadConfig, type Config } from "../../src/config.ts";
import type { Clock } from "../../src/clock.ts";
import { startApp, type App } from "../../src/main.ts";
import type { NumberProvider } from "../../src/domain/numberProvider.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.ts";

export const ADMIN_ID = 900_001;

export interface Harness {
  tg: FakeTelegram;
  app: App;
  config: Config;
  dbPath: string;
  /** Stops the bot (as SIGTERM would) and starts it again on the same database and fake Telegram. */
  restart(): Promise<App>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  provider?: NumberProvider;
  /** Reuse a Telegram fake (e.g. across a restart made by the test itself). */
  tg?: FakeTelegram;
}

export function testConfig(tg: FakeTelegram, dbPath: string, env: Record<string, string> = {}): Config {
  const loaded = loadConfig({
    BOT_TOKEN: tg.token,
    BOT_API_ROOT: tg.apiRoot,
    DATABASE_PATH: dbPath,
    LOG_LEVEL: "silent",
    ADMIN_IDS: String(ADMIN_ID),
    SIMULATOR_SMS_DELAY_SECONDS: "15",
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  return loaded.config;
}

/** The real bot, started through startApp (what `npm start` runs), against a fake Telegram on 127.0.0.1. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tg = options.tg ?? (await startFakeTelegram());
  const dir = mkdtempSync(join(tmpdir(), "bot-e2e-"));
  const dbPath = join(dir, "bot.sqlite");
  const config = testConfig(tg, dbPath, options.env);
  const start = () =>
    startApp(config, { ...(options.clock ? { clock: options.clock } : {}), ...(options.provider ? { provider: options.provider } : {}) });
  const harness: Harness = {
    tg,
    app: await start(),
    config,
    dbPath,
    restart: async () => {
      await harness.app.shutdown();
      harness.app = await start();
      return harness.app;
    },
    close: async () => {
      await harness.app.shutdown();
      if (!options.tg) await tg.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // "Settled" includes the messages the bot queued to send on its own (the outbox).
  tg.addBusyCheck(() => !harness.app.sender.isIdle());
  // ... and the updates it is still handling: a handler may answer a button before it redraws the message.
  tg.addBusyCheck(() => harness.app.built.handling() > 0);
  return harness;
}

/** When the current test ends (passed or not): checks that the ledger still balances, then closes the harness. */
export function closeWhenTestEnds(h: Harness): void {
  onTestFinished(async () => {
    try {
      expect(h.app.deps.ledger.checkInvariants()).toEqual([]);
    } finally {
      await h.close();
    }
  });
}
