import type { KeyValue } from "../db/keyValue.ts";
import type { Clock } from "../clock.ts";
import { createFiveSimProvider } from "./fiveSim.ts";
import { createSimulatorProvider } from "./simulator/index.ts";
import { createSmsActivateProvider } from "./smsActivate/index.ts";
import type { NumberProvider } from "../domain/numberProvider.ts";

export type ProviderKind = "simulator" | "sms-activate" | "5sim";

/** What choosing and building a provider needs to know; main.ts maps the app's Config onto it. */
export interface ProviderSettings {
  provider: {
    kind: ProviderKind;
    /** Required by sms-activate; 5sim uses its public host when absent. */
    apiUrl: string | undefined;
    /** Required by sms-activate and 5sim. */
    apiKey: string | undefined;
    timeoutMs: number;
    /** Zone of the sms-activate protocol's time stamps, minutes east of UTC. */
    utcOffsetMinutes: number;
  };
  simulator: { seed: number; smsDelaySeconds: number };
  activationTtlMinutes: number;
  /** Rental periods offered, in hours (the sms-activate protocol reads offers per period). */
  rentHours?: readonly number[];
  /** Where the provider should post each rental's SMS (sms-activate's `getRentNumber` url); none when absent. */
  rentNoticeUrl?: string;
}

/** Picks the provider named by `settings.provider.kind`. The only place that knows the concrete implementations. */
export function createProvider(settings: ProviderSettings, simulatorState: KeyValue, clock: Clock): NumberProvider {
  const { kind, apiUrl, apiKey, timeoutMs, utcOffsetMinutes } = settings.provider;
  switch (kind) {
    case "simulator":
      return createSimulatorProvider({
        seed: settings.simulator.seed,
        now: clock,
        smsDelayMs: settings.simulator.smsDelaySeconds * 1000,
        activationTtlMs: settings.activationTtlMinutes * 60_000,
        store: { load: () => simulatorState.get("state") ?? null, save: (json) => simulatorState.set("state", json) },
      });
    case "sms-activate":
      // config validation guarantees both for this provider
      return createSmsActivateProvider({
        baseUrl: apiUrl ?? "",
        apiKey: apiKey ?? "",
        timeoutMs,
        now: clock,
        serverUtcOffsetMinutes: utcOffsetMinutes,
        ...(settings.rentHours ? { rentHours: settings.rentHours } : {}),
        ...(settings.rentNoticeUrl ? { rentNoticeUrl: settings.rentNoticeUrl } : {}),
      });
    case "5sim":
      return createFiveSimProvider({ ...(apiUrl ? { baseUrl: apiUrl } : {}), apiKey: apiKey ?? "", timeoutMs, now: clock });
  }
}
