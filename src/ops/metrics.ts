import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { NumberProvider } from "../domain/numberProvider.ts";
import type { OperationsFigures } from "../domain/operationsFigures.ts";

/**
 * GET /metrics in Prometheus' text format, through prom-client (one registry per running bot, so
 * that tests can start several). Counters and histograms are fed as things happen; the figures
 * kept in the database (ledger totals, open activations, outbox depth) are read when scraped.
 */

export interface MetricsSources {
  figures: () => OperationsFigures;
  /**
   * Extension point for rented numbers: open rentals per state. Rentals are built elsewhere; main.ts
   * passes their count here once they exist. Until then the gauge is absent.
   */
  openRentals?: () => Record<string, number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly updates: Counter<"type">;
  readonly updateSeconds: Histogram<"type">;
  readonly duplicateUpdates: Counter;
  readonly smsDelivered: Counter<"kind">;
  readonly smsLatencySeconds: Histogram;
  readonly providerCalls: Counter<"method">;
  readonly providerFailures: Counter<"method" | "kind">;
  readonly providerNotices: Counter<"outcome">;
  readonly backups: Counter<"outcome">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.updates = new Counter({ name: "bot_updates_total", help: "Telegram updates handled, by type", labelNames: ["type"], registers });
    this.updateSeconds = new Histogram({
      name: "bot_update_handling_seconds",
      help: "Time to handle one Telegram update, by type",
      labelNames: ["type"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.duplicateUpdates = new Counter({ name: "bot_updates_redelivered_total", help: "Webhook updates Telegram delivered again, ignored", registers });
    this.smsDelivered = new Counter({
      name: "bot_sms_delivered_total",
      help: "SMS sent to users, by kind of number (activation, rental)",
      labelNames: ["kind"],
      registers,
    });
    this.smsLatencySeconds = new Histogram({
      name: "bot_sms_delivery_seconds",
      help: "From the bot learning of an SMS (provider notice or poll) to the user's message being sent",
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.providerCalls = new Counter({ name: "bot_provider_calls_total", help: "Calls to the number provider, by method", labelNames: ["method"], registers });
    this.providerFailures = new Counter({
      name: "bot_provider_failures_total",
      help: "Failed calls to the number provider, by method and failure kind",
      labelNames: ["method", "kind"],
      registers,
    });
    this.providerNotices = new Counter({
      name: "bot_provider_notices_total",
      help: "SMS notices pushed by the provider, by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.backups = new Counter({ name: "bot_backups_total", help: "Database backups, by outcome", labelNames: ["outcome"], registers });

    // Read from the database when scraped.
    let scraped: OperationsFigures | undefined;
    const figures = () => (scraped ??= sources.figures());
    new Gauge({
      name: "bot_ledger_total_minor",
      help: "Sum of ledger entries by kind, in the shop currency's minor units",
      labelNames: ["kind"],
      registers,
      collect() {
        scraped = undefined;
        for (const [kind, total] of Object.entries(figures().ledgerByKind)) this.set({ kind }, total);
      },
    });
    new Gauge({
      name: "bot_ledger_held_minor",
      help: "Money reserved by open holds, in minor units",
      registers,
      collect() {
        this.set(figures().held);
      },
    });
    new Gauge({
      name: "bot_open_activations",
      help: "Open one-time activations, by state",
      labelNames: ["state"],
      registers,
      collect() {
        for (const [state, n] of Object.entries(figures().openActivations)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "bot_outbox_depth",
      help: "Messages waiting in the outbox, by status",
      labelNames: ["status"],
      registers,
      collect() {
        for (const [status, n] of Object.entries(figures().outbox)) this.set({ status }, n);
      },
    });
    const openRentals = sources.openRentals;
    if (openRentals) {
      new Gauge({
        name: "bot_open_rentals",
        help: "Open rentals, by state",
        labelNames: ["state"],
        registers,
        collect() {
          for (const [state, n] of Object.entries(openRentals())) this.set({ state }, n);
        },
      });
    }
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

type ProviderMethod = (...args: unknown[]) => unknown;

function isResult(value: unknown): value is { ok: boolean; failure?: { kind: string } } {
  return typeof value === "object" && value !== null && "ok" in value && typeof (value as { ok: unknown }).ok === "boolean";
}

/**
 * The provider as the bot uses it, counting every call and every failure by kind. Wraps whatever
 * methods the provider has (rentals included), so adding one to the port needs no change here.
 */
export function meteredProvider(provider: NumberProvider, metrics: Metrics): NumberProvider {
  const count = (method: string, result: unknown): unknown => {
    metrics.providerCalls.inc({ method });
    if (isResult(result) && !result.ok) metrics.providerFailures.inc({ method, kind: result.failure?.kind ?? "unknown" });
    return result;
  };
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      const method = value as ProviderMethod;
      return (...args: unknown[]) => {
        const result = method.apply(target, args);
        if (!(result instanceof Promise)) return count(property, result);
        return result.then(
          (settled: unknown) => count(property, settled),
          (error: unknown) => {
            metrics.providerCalls.inc({ method: property });
            metrics.providerFailures.inc({ method: property, kind: "thrown" });
            throw error;
          },
        );
      };
    },
  });
}
