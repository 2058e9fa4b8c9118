import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { run } from "@grammyjs/runner";
import { systemClock, type Clock } from "./clock.ts";
import { describeProblems, loadConfig, type Config } from "./config.ts";
import { KeyValue } from "./db/keyValue.ts";
import { openStore, type Store } from "./db/open.ts";
import { registerCommands } from "./bot/commands.ts";
import type { BotDeps, BotSettings } from "./bot/context.ts";
import { createBot, type BuiltBot } from "./bot/createBot.ts";
import { createDelivery } from "./bot/outbox/delivery.ts";
import { OutboxSender } from "./bot/outbox/sender.ts";
import { AccountDeletion } from "./domain/accountDeletion.ts";
import { Accounts } from "./domain/accounts.ts";
import { Activations } from "./domain/activations.ts";
import { AdminActions } from "./domain/adminActions.ts";
import { AdminReports } from "./domain/adminReports.ts";
import { AuditLog } from "./domain/audit.ts";
import { Broadcasts } from "./domain/broadcasts.ts";
import { CatalogStore } from "./domain/catalog.ts";
import { History } from "./domain/history.ts";
import { Ledger } from "./domain/ledger.ts";
import { currency } from "./domain/money.ts";
import type { NumberProvider } from "./domain/numberProvider.ts";
import { Outbox } from "./domain/outbox.ts";
import { ProviderBalanceWatch } from "./domain/providerBalance.ts";
import { expiryJob, pollJob, recoveryJob, reminderJob } from "./jobs/activationJobs.ts";
import { broadcastProgressJob } from "./jobs/broadcastJob.ts";
import { inactivityJob } from "./jobs/inactivityJob.ts";
import { catalogSyncJob, providerBalanceJob } from "./jobs/providerJobs.ts";
import { startScheduler, type Scheduler } from "./jobs/scheduler.ts";
import { starsReconcileJob } from "./jobs/starsReconcile.ts";
import { sweepConversationsJob } from "./jobs/sweepConversations.ts";
import { createLogger, type Logger } from "./logger.ts";
import { StarsPayments } from "./payments/stars.ts";
import { createProvider, type ProviderSettings } from "./providers/index.ts";

/*
 * The composition root, read top to bottom: config -> store -> domain services -> bot -> jobs ->
 * polling. `startApp` is what `npm start` runs and what the end-to-end tests start; `shutdown`
 * undoes it in reverse, once.
 */

const ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query", "my_chat_member"] as const;

export interface App {
  built: BuiltBot;
  deps: BotDeps;
  /** The database; only main.ts and tests hold it (the bot gets services). */
  store: Store;
  scheduler: Scheduler;
  /** Sends what the outbox holds; tests call `drain()` to send what is due now. */
  sender: OutboxSender;
  /** Stops jobs, then the outbox sender, then polling, then closes the database. Safe to call more than once. */
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

function botSettings(config: Config): BotSettings {
  return {
    botToken: config.botToken,
    botApiRoot: config.botApiRoot,
    adminIds: config.adminIds,
    activationTtlMinutes: config.activationTtlMinutes,
    pricing: config.pricing,
  };
}

/** Every service, built once, over one database. Nothing else constructs a service. */
export function buildServices(config: Config, store: Store, clock: Clock, logger: Logger, provider?: NumberProvider): BotDeps {
  const { db } = store;
  const shopCurrency = currency(config.shopCurrency);
  const outbox = new Outbox(db, clock, { adminChatIds: config.adminIds });
  const accounts = new Accounts(db, clock);
  const ledger = new Ledger(db, clock);
  const catalog = new CatalogStore(db, clock, config.pricing, config.denyLists);
  const providerSettings: ProviderSettings = { provider: config.provider, simulator: config.simulator, activationTtlMinutes: config.activationTtlMinutes };
  const numberProvider = provider ?? createProvider(providerSettings, new KeyValue(db, "simulator", clock), clock);
  const activations = new Activations({
    db,
    logger,
    ledger,
    catalog,
    provider: numberProvider,
    outbox,
    clock,
    settings: {
      ttlMs: config.activationTtlMinutes * 60_000,
      reminderAfterMs: config.reminderMinutes * 60_000,
      abuse: {
        limit: config.abuse.cancelLimit,
        windowMs: config.abuse.windowMinutes * 60_000,
        suspendMs: config.abuse.suspendMinutes * 60_000,
      },
    },
  });
  const audit = new AuditLog(db, clock);
  return {
    settings: botSettings(config),
    accounts,
    ledger,
    history: new History(db),
    currency: shopCurrency,
    catalog,
    provider: numberProvider,
    stars: new StarsPayments(db, ledger, accounts, outbox, clock, config.topup, shopCurrency.minorDigits),
    activations,
    purchases: activations.purchases,
    outbox,
    broadcasts: new Broadcasts(db, outbox, audit, clock),
    audit,
    adminActions: new AdminActions({ db, ledger, accounts, activations, audit, outbox, provider: numberProvider, clock }),
    adminReports: new AdminReports({ db, ledger, accounts, activations, audit, pricing: config.pricing, clock }),
    accountDeletion: new AccountDeletion(db, ledger, outbox, clock),
    conversationState: new KeyValue(db, "conversation", clock),
    clock,
    logger,
  };
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const store = openStore(config.databasePath);
  const deps = buildServices(config, store, clock, logger, options.provider);
  const { outbox, activations, provider } = deps;

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

  // Everything the bot says on its own goes through the outbox and this one sender.
  const sender = new OutboxSender(
    outbox,
    createDelivery({
      token: config.botToken,
      apiRoot: config.botApiRoot,
      accounts: deps.accounts,
      activations,
      broadcasts: deps.broadcasts,
      currency: deps.currency,
      translate: (language, key, variables) => built.i18n.t(language, key, variables),
      clock,
    }),
    clock,
    logger,
  );
  sender.start();

  const balanceWatch = new ProviderBalanceWatch(new KeyValue(store.db, "provider", clock), outbox, (fn) => deps.ledger.write(fn));
  const scheduler = startScheduler(
    [
      pollJob(activations, config.statusPollSeconds),
      expiryJob(activations),
      reminderJob(activations),
      recoveryJob(activations),
      catalogSyncJob(provider, deps.catalog, config.catalogSyncMinutes, logger),
      providerBalanceJob(provider, balanceWatch, config.provider.lowBalanceMicros, logger),
      starsReconcileJob(deps.stars, bot.api, new KeyValue(store.db, "stars", clock), outbox, logger),
      sweepConversationsJob(deps.conversationState),
      broadcastProgressJob(deps.broadcasts),
      inactivityJob(deps.accountDeletion, logger),
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
    // The sender stops before polling does (which can take a long-poll's time): what is not sent
    // stays in the outbox for the next start.
    await sender.stop();
    if (runner.isRunning()) await runner.stop();
    store.close();
    logger.info("stopped");
  };

  return { built, deps, store, scheduler, sender, shutdown, finished };
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
