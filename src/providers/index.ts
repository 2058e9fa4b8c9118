import type { Config } from "../config.ts";
import type { KeyValue } from "../db/keyValue.ts";
import type { Clock } from "../domain/clock.ts";
import { createFiveSimProvider } from "./fiveSim.ts";
import { createSimulatorProvider } from "./simulator.ts";
import { createSmsActivateProvider } from "./smsActivate.ts";
import type { NumberProvider } from "./types.ts";

/** Picks the provider named by PROVIDER. The only place that knows the concrete implementations. */
export function createProvider(config: Config, simulatorState: KeyValue, clock: Clock): NumberProvider {
  const { kind, apiUrl, apiKey, timeoutMs } = config.provider;
  switch (kind) {
    case "simulator":
      return createSimulatorProvider({
        seed: config.simulator.seed,
        now: clock,
        smsDelayMs: config.simulator.smsDelaySeconds * 1000,
        activationTtlMs: config.activationTtlMinutes * 60_000,
        store: { load: () => simulatorState.get("state") ?? null, save: (json) => simulatorState.set("state", json) },
      });
    case "sms-activate":
      // config validation guarantees both for this provider
      return createSmsActivateProvider({ baseUrl: apiUrl ?? "", apiKey: apiKey ?? "", timeoutMs, now: clock });
    case "5sim":
      return createFiveSimProvider({ ...(apiUrl ? { baseUrl: apiUrl } : {}), apiKey: apiKey ?? "", timeoutMs, now: clock });
  }
}
