import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { run } from "@grammyjs/runner";
import { Api, webhookCallback } from "grammy";
import { systemClock, type Clock } from "./clock.ts";
import { describeProblems, loadConfig, type Config } from "./config.ts";
import { KeyValue } from "./db/keyValue.ts";
import { takeBackup } from "./db/backup.ts";
import { openStore, type Store } from "./db/open.ts";
import { registerCommands, registerDescriptions } from "./bot/commands.ts";
import type { BotDeps, BotSettings } from "./bot/context.ts";
import { createBot, type BuiltBot } from "./bot/createBot.ts";
import { createDelivery } from "./bot/outbox/delivery.ts";
import { OutboxSender, type Deliver } from "./bot/outbox/sender.ts";
import { Regulars } from "./domain/regulars.ts";
import { AccountDeletion } from "./domain/accountDeletion.ts";
import { Accounts } from "./domain/accounts.ts";
import { ActivationPush } from "./domain/activationPush.ts";
import { Activations } from "./domain/activations.ts";
import { AdminActions } from "./domain/adminActions.ts";
import { AdminReports } from "./domain/adminReports.ts";
import { AuditLog } from "./domain/audit.ts";
import { Broadcasts } from "./domain/broadcasts.ts";
import { CatalogStore } from "./domain/catalog.ts";
import { History } from "./domain/history.ts";
import { Ledger } from "./domain/ledger.ts";
import { readOperationsFigures } from "./domain/operationsFigures.ts";
import { currency } from "./domain/money.ts";
import type { NumberProvider } from "./domain/numberProvider.ts";
import { Outbox } from "./domain/outbox.ts";
import { OperatorAlerts } from "./domain/operatorAlerts.ts";
import { ProviderBalanceWatch } from "./domain/providerBalance.ts";
import { ItemFailures } from "./domain/itemFailures.ts";
import { RentalProblems } from "./domain/rentalProblems.ts";
import { RentalPush } from "./domain/rentalPush.ts";
import { RentalRecords } from "./domain/rentalRecords.ts";
import { Rentals } from "./domain/rentals.ts";
import { RentalUpkeep } from "./domain/rentalUpkeep.ts";
import { RefundRequests } from "./domain/refundRequests.ts";
import { Support } from "./domain/support.ts";
import { expiryJob, pollJob, recoveryJob, reminderJob } from "./jobs/activationJobs.ts";
import { broadcastProgressJob } from "./jobs/broadcastJob.ts";
import { inactivityJob } from "./jobs/inactivityJob.ts";
import { rentalExpiryJob, rentalPollJob, rentalProblemsJob, rentalRecoveryJob, rentOfferSyncJob } from "./jobs/rentalJobs.ts";
import { refundRequestsJob } from "./jobs/refundJobs.ts";
import { catalogSyncJob, providerBalanceJob } from "./jobs/providerJobs.ts";
import { backupJob } from "./jobs/backupJob.ts";
import { startScheduler, type Job, type Scheduler } from "./jobs/scheduler.ts";
import { starsReconcileJob } from "./jobs/starsReconcile.ts";
import { sweepConversationsJob } from "./jobs/sweepConversations.ts";
import { createLogger, type Logger } from "./logger.ts";
import { Metrics, meteredProvider } from "./ops/metrics.ts";
import { healthCheck } from "./ops/health.ts";
import { startHttpServer, type HttpServer, type ProviderPushRoute } from "./ops/server.ts";
import { installUpdateIntake, type UpdateIntake } from "./ops/updateIntake.ts";
import { StarsPayments, starsRefunder } from "./payments/stars.ts";
import { createProvider, type ProviderSettings } from "./providers/index.ts";
import { readSmsActivateNotice } from "./providers/smsActivate/push.ts";
import { createRentNoticeReader } from "./providers/smsActivate/rentPush.ts";

/*
 * The composition root, read top to bottom: config -> store -> domain services -> bot -> jobs ->
 * HTTP server -> webhook or polling. `startApp` is what `npm start` runs and what the end-to-end
 * tests start; `shutdown` undoes it in reverse, once.
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
  /** The HTTP server (webhook, provider notices, /healthz, /metrics), when one runs. */
  http: HttpServer | undefined;
  metrics: Metrics;
  /** Where updates enter the bot (webhook: what is still being handled). */
  intake: UpdateIntake;
  /** SMS pushed by the provider. */
  push: ActivationPush;
  /** SMS of rented numbers pushed by the provider. */
  rentalPush: RentalPush;
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
    adminMaxAmountMinor: config.adminMaxAmountMinor,
  };
}

/** Every service, built once, over one database. Nothing else constructs a service. */
export function buildServices(config: Config, store: Store, clock: Clock, logger: Logger, metrics: Metrics, provider?: NumberProvider): BotDeps {
  const { db } = store;
  const shopCurrency = currency(config.shopCurrency);
  const outbox = new Outbox(db, clock, { adminChatIds: config.adminIds });
  const accounts = new Accounts(db, clock);
  const ledger = new Ledger(db, clock);
  const catalog = new CatalogStore(db, clock, config.pricing, config.denyLists);
  const providerSettings: ProviderSettings = {
    provider: config.provider,
    simulator: config.simulator,
    activationTtlMinutes: config.activationTtlMinutes,
    rentHours: config.rent.periodsHours,
    ...(config.providerPush?.rentNoticeUrl ? { rentNoticeUrl: config.providerPush.rentNoticeUrl } : {}),
  };
  // Every provider call and failure is counted for /metrics.
  const numberProvider = meteredProvider(provider ?? createProvider(providerSettings, new KeyValue(db, "simulator", clock), clock), metrics);
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
  const rentalRecords = new RentalRecords(db, clock);
  const rentalFailures = new ItemFailures(outbox, logger);
  const rentals = new Rentals({
    db,
    records: rentalRecords,
    ledger,
    catalog,
    provider: numberProvider,
    outbox,
    failures: rentalFailures,
    clock,
    settings: { periodsHours: config.rent.periodsHours, pricing: config.rent.pricing, reminderHours: config.rent.reminderHours, idCountries: config.rent.idCountries },
  });
  const rentalProblems = new RentalProblems({ db, records: rentalRecords, ledger, outbox, audit, clock });
  rentals.onRentalEnded = (rental) => rentalProblems.onRentalEnded(rental);
  const rentalUpkeep = new RentalUpkeep({
    rentals,
    records: rentalRecords,
    ledger,
    provider: numberProvider,
    outbox,
    failures: rentalFailures,
    clock,
    reminderHours: config.rent.reminderHours,
  });
  // Refunds to the payment method talk to Telegram through an Api of their own (no bot needed yet).
  const refunder = starsRefunder(new Api(config.botToken, { apiRoot: config.botApiRoot }));
  const refundRequests = new RefundRequests({
    db,
    ledger,
    accounts,
    audit,
    outbox,
    clock,
    refunder,
    settings: {
      calendar: { timeZone: config.refunds.timeZone, workingDays: config.refunds.workingDays },
      decisionWorkingDays: 2,
      remindBeforeMs: config.refunds.remindBeforeHours * 3_600_000,
    },
  });
  return {
    rentals,
    rentalProblems,
    rentalUpkeep,
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
    adminActions: new AdminActions({ db, ledger, accounts, activations, audit, outbox, provider: numberProvider, clock, settings: { maxAmount: config.adminMaxAmountMinor } }),
    adminReports: new AdminReports({ db, ledger, accounts, activations, audit, pricing: config.pricing, clock }),
    accountDeletion: new AccountDeletion(db, ledger, outbox, clock),
    conversationState: new KeyValue(db, "conversation", clock, { keysInMemory: true }),
    refundRequests,
    support: new Support(db, outbox, clock),
    broadcastDrafts: new KeyValue(db, "broadcast-draft", clock),
    regulars: new Regulars(db, outbox, clock),
    clock,
    logger,
  };
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const store = openStore(config.databasePath);
  const metrics = new Metrics({ figures: () => readOperationsFigures(store.db) });
  const deps = buildServices(config, store, clock, logger, metrics, options.provider);
  const { outbox, activations, provider } = deps;
  const push = new ActivationPush(store.db, activations.polling, provider.name, clock, {
    pollMs: config.statusPollSeconds * 1000,
    slowPollMs: (config.providerPush?.slowPollSeconds ?? config.statusPollSeconds) * 1000,
  });
  const rentalPush = new RentalPush(deps.rentals.records, deps.rentalUpkeep, provider.name, clock, {
    pollMs: config.rent.pollSeconds * 1000,
    slowPollMs: (config.providerPush?.slowRentPollSeconds ?? config.rent.pollSeconds) * 1000,
  });

  const built = createBot(deps);
  const { bot } = built;
  const webhook = config.webhook;
  const intake = installUpdateIntake(bot, {
    metrics,
    logger,
    clock,
    ...(webhook ? { webhook: { seen: new KeyValue(store.db, "webhook-update", clock) } } : {}),
  });
  try {
    await bot.init();
    // Long polling: a webhook left over from another deployment would make getUpdates fail.
    if (!webhook) await bot.api.deleteWebhook();
    await registerCommands(bot.api, built.i18n, config.adminIds, logger).catch((error: unknown) =>
      logger.warn({ err: error }, "could not register the command menu; continuing"),
    );
    await registerDescriptions(bot.api, built.i18n).catch((error: unknown) =>
      logger.warn({ err: error }, "could not set the bot's description; continuing"),
    );
  } catch (error) {
    store.close();
    throw error;
  }

  // Everything the bot says on its own goes through the outbox and this one sender.
  const sender = new OutboxSender(
    outbox,
    meteredDelivery(metrics, activations, clock, createDelivery({
      token: config.botToken,
      apiRoot: config.botApiRoot,
      accounts: deps.accounts,
      activations,
      rentals: deps.rentals,
      broadcasts: deps.broadcasts,
      refundRequests: deps.refundRequests,
      support: deps.support,
      currency: deps.currency,
      translate: (language, key, variables) => built.i18n.t(language, key, variables),
      clock,
      earlyCancelMs: provider.earlyCancelMs,
    })),
    clock,
    logger,
  );
  sender.start();

  const balanceWatch = new ProviderBalanceWatch(new KeyValue(store.db, "provider", clock), outbox, (fn) => deps.ledger.write(fn));
  const scheduler = startScheduler(
    [
      pollJob(activations, config.statusPollSeconds, config.providerPush ? (now, last) => push.pollDue(now, last) : undefined),
      expiryJob(activations),
      reminderJob(activations),
      recoveryJob(activations),
      catalogSyncJob(provider, deps.catalog, config.catalogSyncMinutes, logger, deps.regulars),
      providerBalanceJob(provider, balanceWatch, config.provider.lowBalanceMicros, logger, new OperatorAlerts(outbox, clock)),
      starsReconcileJob(deps.stars, bot.api, new KeyValue(store.db, "stars", clock), outbox, logger),
      sweepConversationsJob(deps.conversationState),
      broadcastProgressJob(deps.broadcasts),
      inactivityJob(deps.accountDeletion, logger),
      ...(provider.rentTerms.offered
        ? [
            rentOfferSyncJob(deps.rentals, config.catalogSyncMinutes, logger),
            rentalPollJob(deps.rentalUpkeep, config.rent.pollSeconds, config.providerPush ? (now, last) => rentalPush.pollDue(now, last) : undefined),
            rentalExpiryJob(deps.rentalUpkeep),
            rentalRecoveryJob(deps.rentals),
            rentalProblemsJob(deps.rentalProblems),
          ]
        : []),
      ...operationsJobs(config, store, intake, metrics),
      refundRequestsJob(deps.refundRequests),
    ],
    clock,
    logger,
  );
  if (config.providerPush) {
    logger.info(
      // Whether rentals ask the provider to post their SMS (the URL itself holds the secret).
      { slowPollSeconds: config.providerPush.slowPollSeconds, rentalNotices: provider.rentTerms.offered && config.providerPush.rentNoticeUrl !== null },
      "provider notices accepted; polling slows down while they arrive",
    );
  }

  let shuttingDown = false;
  const healthProbe = new KeyValue(store.db, "health", clock);
  const health = healthCheck({
    probeWrite: () => healthProbe.set("probe", String(clock())),
    mode: webhook ? "webhook" : "polling",
    receiving: () => !shuttingDown && (webhook ? http !== undefined : runner?.isRunning() === true),
    lastUpdateAt: intake.lastUpdateAt,
    inFlight: intake.inFlight,
    jobs: scheduler.status,
  });

  let http: HttpServer | undefined;
  let runner: ReturnType<typeof run> | undefined;
  try {
    // Listen first, then tell Telegram where to post (it starts at once).
    if (config.http) {
      http = await startHttpServer(
        config.http,
        {
          ...(webhook
            ? { telegram: { path: webhook.path, handle: webhookCallback(bot, "http", { secretToken: webhook.secret, onTimeout: "return", timeoutMilliseconds: 5_000 }) } }
            : {}),
          ...(config.providerPush ? { providerPush: providerPushRoute(config.providerPush, config.provider.utcOffsetMinutes, push, provider.rentTerms.offered ? rentalPush : null) } : {}),
          health,
          metrics,
        },
        clock,
        logger,
      );
    }
    if (webhook) {
      await bot.api.setWebhook(`${webhook.url}${webhook.path}`, { secret_token: webhook.secret, allowed_updates: ALLOWED_UPDATES, drop_pending_updates: false });
    }
  } catch (error) {
    await scheduler.stop();
    await sender.stop();
    await http?.close();
    store.close();
    throw error;
  }

  let finished: Promise<"stopped" | "died">;
  let stopped: () => void = () => undefined;
  if (webhook) {
    finished = new Promise((resolve) => (stopped = () => resolve("stopped")));
  } else {
    const polling = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
    runner = polling;
    finished = (polling.task() ?? Promise.resolve()).then(
      () => (shuttingDown ? ("stopped" as const) : ("died" as const)),
      (error: unknown) => {
        // 401 (token revoked) and 409 (another instance is polling) end the runner for good.
        logger.fatal({ err: error }, "polling failed");
        return "died" as const;
      },
    );
  }
  logger.info(
    { bot: bot.botInfo.username, provider: config.provider.kind, database: config.databasePath, ...(http ? { listen: `${http.host}:${http.port}` } : {}) },
    webhook ? "bot started (webhook)" : "bot started (long polling)",
  );

  const shutdown = async (): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info("shutting down");
    // Webhook: stop accepting and finish the updates in hand. The webhook stays set, so that
    // Telegram keeps the updates that come meanwhile until the bot is back.
    await http?.close();
    await intake.drain();
    await scheduler.stop();
    // The sender stops before polling does (which can take a long-poll's time): what is not sent
    // stays in the outbox for the next start.
    await sender.stop();
    if (runner?.isRunning()) await runner.stop();
    stopped();
    store.close();
    logger.info("stopped");
  };

  return { built, deps, store, scheduler, sender, shutdown, finished, http, metrics, intake, push, rentalPush };
}

/** Where the provider's notices go: activations to ActivationPush, rentals (when the provider rents) to RentalPush. */
function providerPushRoute(
  settings: NonNullable<Config["providerPush"]>,
  utcOffsetMinutes: number,
  push: ActivationPush,
  rentalPush: RentalPush | null,
): ProviderPushRoute {
  const readRentNotice = createRentNoticeReader(utcOffsetMinutes);
  return {
    path: settings.path,
    secret: settings.secret,
    read: readSmsActivateNotice,
    push,
    ...(rentalPush
      ? {
          rentals: {
            receive: (body, receivedAt) => {
              const notice = readRentNotice(body, receivedAt);
              return notice ? rentalPush.receive(notice) : null;
            },
          },
        }
      : {}),
  };
}

/** Jobs of running it for real: online backups, forgetting old webhook update ids. */
function operationsJobs(config: Config, store: Store, intake: UpdateIntake, metrics: Metrics): Job[] {
  const jobs: Job[] = [];
  const backup = config.backup;
  if (backup) {
    jobs.push(
      backupJob(backup.schedule, async (now) => {
        try {
          const result = await takeBackup(store.sqlite, backup.dir, backup.keep, now);
          metrics.backups.inc({ outcome: "ok" });
          return result;
        } catch (error) {
          metrics.backups.inc({ outcome: "failed" });
          throw error;
        }
      }),
    );
  }
  if (config.webhook) jobs.push({ name: "webhook-updates-prune", schedule: "0 7 * * * *", run: (now) => ({ forgotten: intake.prune(now) }) });
  return jobs;
}

/**
 * The outbox's delivery, counting SMS sent (of activations and of rented numbers) and how long
 * after the bot learned of them. A rental SMS keeps the host's own time stamp, not the moment the
 * bot learned of it, so only activation SMS go into the latency.
 */
function meteredDelivery(metrics: Metrics, activations: Activations, clock: Clock, deliver: Deliver): Deliver {
  return async (row) => {
    const result = await deliver(row);
    const message = row.message;
    if (result.status === "sent" && message.kind === "activation-sms") {
      const sms = activations.sms(message.activationId).find((item) => item.id === message.smsId);
      metrics.smsDelivered.inc({ kind: "activation" });
      if (sms) metrics.smsLatencySeconds.observe(Math.max(0, clock() - sms.receivedAt) / 1000);
    }
    if (result.status === "sent" && message.kind === "rental-sms") metrics.smsDelivered.inc({ kind: "rental" });
    return result;
  };
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
