import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { run } from "@grammyjs/runner";
import { describeProblems, loadConfig, type Config } from "./config.ts";
import { openStore } from "./db/open.ts";
import { registerCommands } from "./bot/commands.ts";
import { ActivationMessenger } from "./bot/features/buy/messenger.ts";
import { translatorFor } from "./bot/i18n.ts";
import type { BotDeps } from "./bot/context.ts";
import { createBot, type BuiltBot } from "./bot/createBot.ts";
import { KeyValue } from "./db/keyValue.ts";
import { Accounts } from "./domain/accounts.ts";
import { Activations } from "./domain/activations.ts";
import { CatalogStore } from "./domain/catalog.ts";
import { ProviderBalanceWatch } from "./domain/providerBalance.ts";
import { systemClock, type Clock } from "./domain/clock.ts";
import { Ledger } from "./domain/ledger.ts";
import { currency, formatMoney } from "./domain/money.ts";
import { startScheduler, type Scheduler } from "./jobs/scheduler.ts";
import { abuseAlertJob, expiryJob, pollJob, recoveryJob, reminderJob, type TellUser } from "./jobs/activationJobs.ts";
import { catalogSyncJob, providerBalanceJob } from "./jobs/providerJobs.ts";
import { starsReconcileJob } from "./jobs/starsReconcile.ts";
import { sweepConversationsJob } from "./jobs/sweepConversations.ts";
import { broadcastSenderJob } from "./jobs/broadcastJob.ts";
import { inactivityJob } from "./jobs/inactivityJob.ts";
import { AccountDeletion } from "./domain/accountDeletion.ts";
import { Broadcasts } from "./domain/broadcasts.ts";
import { StarsPayments } from "./payments/stars.ts";
import { createProvider } from "./providers/index.ts";
import type { NumberProvider } from "./providers/types.ts";
import { createLogger, type Logger } from "./logger.ts";

/*
 * The composition root, read top to bottom: config -> store -> domain services -> bot -> jobs ->
 * polling. `startApp` is what `npm start` runs and what the end-to-end tests start; `shutdown`
 * undoes it in reverse, once.
 */

const ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query", "my_chat_member"] as const;

export interface App {
  built: BuiltBot;
  deps: BotDeps;
  scheduler: Scheduler;
  /** Stops jobs, then polling, then closes the database. Safe to call more than once. */
  shutdown(): Promise<void>;
  /** Settles when polling ends: `"stopped"` after shutdown, `"died"` if it ended by itself. */
  finished: Promise<"stopped" | "died">;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Tests may hand in a provider they control; otherwise PROVIDER decides. */
  provider?: NumberProvider;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const store = openStore(config.databasePath);
  const shopCurrency = currency(config.shopCurrency);
  const accounts = new Accounts(store.db, clock);
  const ledger = new Ledger(store.db, clock);
  const catalog = new CatalogStore(store.db, clock, config.pricing, config.denyLists);
  const provider = options.provider ?? createProvider(config, new KeyValue(store.db, "simulator", clock), clock);
  const deps: BotDeps = {
    config,
    store,
    accounts,
    ledger,
    currency: shopCurrency,
    stars: new StarsPayments(store.db, ledger, accounts, clock, config.topup, shopCurrency.minorDigits),
    activations: new Activations(store.db, ledger, catalog, provider, clock, {
      ttlMs: config.activationTtlMinutes * 60_000,
      reminderAfterMs: config.reminderMinutes * 60_000,
      abuse: {
        limit: config.abuse.cancelLimit,
        windowMs: config.abuse.windowMinutes * 60_000,
        suspendMs: config.abuse.suspendMinutes * 60_000,
      },
    }),
    catalog,
    provider,
    clock,
    logger,
  };

  const built = createBot(deps);
  const { bot } = built;
  try {
    await bot.init();
    // Long polling: a webhook left over from another deployment would make getUpdates fail.
    await bot.api.deleteWebhook();
    await registerCommands(bot.api, built.i18n, config.adminIds, logger).catch((error: unknown) =>
      logger.warn({ err: error }, "could not register the command menu; continuing"),
    );
  } catch (error) {
    store.close();
    throw error;
  }

  const balanceWatch = new ProviderBalanceWatch(new KeyValue(store.db, "provider", clock));
  const notifyAdmins = (key: string, vars?: Record<string, string | number>) => built.notifier.notify(key, vars);
  const messenger = new ActivationMessenger(bot.api, deps, (language, key, vars) => built.i18n.t(language, key, vars));
  const tellUser: TellUser = async (userId, render) => {
    const account = accounts.byId(userId);
    if (!account || account.status === "deleted") return;
    const t = translatorFor(built.i18n, account.language);
    await bot.api.sendMessage(account.telegramId, render(t, (minor) => formatMoney(minor, shopCurrency, account.language)));
  };
  const scheduler = startScheduler(
    [
      pollJob(deps.activations, messenger, config.statusPollSeconds, logger),
      expiryJob(deps.activations, messenger, logger),
      reminderJob(deps.activations, messenger, logger),
      recoveryJob(deps.activations, tellUser, logger),
      abuseAlertJob(store.db, new KeyValue(store.db, "abuse", clock), notifyAdmins),
      catalogSyncJob(provider, deps.catalog, config.catalogSyncMinutes, logger),
      providerBalanceJob(provider, balanceWatch, config.provider.lowBalanceMicros, notifyAdmins, logger),
      starsReconcileJob(deps.stars, bot.api, new KeyValue(store.db, "stars", clock), notifyAdmins, tellUser, logger),
      sweepConversationsJob(built.conversationState),
      broadcastSenderJob({
        store,
        broadcasts: new Broadcasts(store.db, clock),
        accounts,
        api: bot.api,
        translatorFor: (adminId) => translatorFor(built.i18n, accounts.findByTelegramId(adminId)?.language ?? "en"),
        logger,
        now: clock,
      }),
      inactivityJob(new AccountDeletion(store.db, ledger, clock), tellUser, logger),
    ],
    clock,
    logger,
  );

  const runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
  let shuttingDown = false;
  const finished = (runner.task() ?? Promise.resolve()).then(
    () => (shuttingDown ? ("stopped" as const) : ("died" as const)),
    (error: unknown) => {
      // 401 (token revoked) and 409 (another instance is polling) end the runner for good.
      logger.fatal({ err: error }, "polling failed");
      return "died" as const;
    },
  );
  logger.info({ bot: bot.botInfo.username, provider: config.provider.kind, database: config.databasePath }, "bot started (long polling)");

  const shutdown = async (): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info("shutting down");
    await scheduler.stop();
    if (runner.isRunning()) await runner.stop();
    store.close();
    logger.info("stopped");
  };

  return { built, deps, scheduler, shutdown, finished };
}

/** `npm start`: read .env, validate settings, start, and stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    console.error(describeProblems(loaded.problems));
    process.exit(1);
  }
  const config = loaded.config;
  const logger = createLogger(config.logLevel);

  let app: App;
  try {
    app = await startApp(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, "could not start");
    console.error(`The bot could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

  const stop = (signal: string) => {
    logger.info({ signal }, "signal received");
    app.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));

  const outcome = await app.finished;
  if (outcome === "died") {
    logger.fatal("polling stopped unexpectedly; exiting so that a supervisor can restart the bot");
    await app.shutdown();
    process.exit(1);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  void main();
}
