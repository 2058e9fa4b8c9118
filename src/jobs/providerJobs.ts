import type { Regulars } from "../domain/regulars.ts";
import type { CatalogStore } from "../domain/catalog.ts";
import { formatScaled } from "../domain/decimal.ts";
import type { OperatorAlerts } from "../domain/operatorAlerts.ts";
import { levelOf, type ProviderBalanceWatch } from "../domain/providerBalance.ts";
import type { Logger } from "../logger.ts";
import type { NumberProvider } from "../domain/numberProvider.ts";
import type { Job } from "./scheduler.ts";

/** Copies the provider's catalog into SQLite (at start-up and then on a schedule). */
/** The back-in-stock watches the sync tells once a pair is back (domain/regulars.ts). */
export type StockWatchers = Pick<Regulars, "notifyBackInStock">;

export function catalogSyncJob(
  provider: Pick<NumberProvider, "name" | "getCatalog">,
  catalog: CatalogStore,
  minutes: number,
  logger: Logger,
  watchers?: StockWatchers,
): Job {
  return {
    name: "catalog-sync",
    schedule: `0 */${Math.min(Math.max(1, minutes), 59)} * * * *`,
    runAtStart: true,
    run: async () => {
      const result = await provider.getCatalog();
      if (!result.ok) {
        // The last good catalog stays in place; users keep buying from it.
        logger.warn({ failure: result.failure, provider: provider.name }, "catalog refresh failed; keeping the last one");
        return { failed: result.failure.kind };
      }
      const summary = catalog.replace(result.value);
      logger.info({ ...summary, provider: provider.name }, "catalog refreshed");
      // "Tell me when it is back": one message per watch, once the fresh catalog has the pair in stock.
      const told = watchers?.notifyBackInStock((serviceCode, countryCode) => {
        const offer = catalog.offer(serviceCode, countryCode);
        const service = catalog.service(serviceCode);
        const country = catalog.country(countryCode);
        if (!offer || offer.stock <= 0 || !service || !country) return undefined;
        return { serviceName: service.name, countryName: country.name, countryIso2: country.iso2 };
      });
      return { ...summary, ...(told ? { backInStock: told } : {}) };
    },
  };
}

/** Checks the provider balance; the admins hear once when it crosses the threshold or runs out (through the outbox). */
export function providerBalanceJob(
  provider: Pick<NumberProvider, "name" | "getBalance">,
  watch: ProviderBalanceWatch,
  lowThresholdMicros: number,
  logger: Logger,
  /** Tells the admins at once when the balance cannot be read for the operator's reasons (a bad key). */
  alerts?: Pick<OperatorAlerts, "jobFailed">,
): Job {
  return {
    name: "provider-balance",
    schedule: "30 */5 * * * *",
    runAtStart: true,
    run: async () => {
      const result = await provider.getBalance();
      if (!result.ok) {
        logger.warn({ failure: result.failure, provider: provider.name }, "could not read the provider balance");
        alerts?.jobFailed("provider-balance", result.failure);
        return { failed: result.failure.kind };
      }
      const level = levelOf(result.value.micros, lowThresholdMicros);
      const alert = watch.observe(level, {
        provider: provider.name,
        balance: formatScaled(result.value.micros, 6, 2),
        threshold: formatScaled(lowThresholdMicros, 6, 2),
      });
      return { level, alert };
    },
  };
}
