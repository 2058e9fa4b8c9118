import type { KeyValue } from "../db/keyValue.ts";

/**
 * The operator's balance at the provider, watched so that admins hear about it once per crossing
 * (ok -> low -> exhausted, and back), never on every tick. The last level is stored so that a
 * restart does not repeat an alert.
 */
export type BalanceLevel = "ok" | "low" | "exhausted";
export type BalanceAlert = "provider-balance-low" | "provider-balance-exhausted" | "provider-balance-recovered";

const SEVERITY: Record<BalanceLevel, number> = { ok: 0, low: 1, exhausted: 2 };

export function levelOf(balanceMicros: number, lowThresholdMicros: number): BalanceLevel {
  if (balanceMicros <= 0) return "exhausted";
  if (balanceMicros <= lowThresholdMicros) return "low";
  return "ok";
}

/** What to tell the admins when the level moves from `previous` to `current`, if anything. */
export function alertFor(previous: BalanceLevel, current: BalanceLevel): BalanceAlert | null {
  if (SEVERITY[current] > SEVERITY[previous]) return current === "exhausted" ? "provider-balance-exhausted" : "provider-balance-low";
  if (current === "ok" && previous !== "ok") return "provider-balance-recovered";
  return null;
}

export class ProviderBalanceWatch {
  constructor(private readonly state: KeyValue) {}

  get level(): BalanceLevel {
    const stored = this.state.get("balance-level");
    return stored === "low" || stored === "exhausted" ? stored : "ok";
  }

  /** Records the new level and returns the alert it calls for (null when nothing changed that matters). */
  observe(current: BalanceLevel): BalanceAlert | null {
    const alert = alertFor(this.level, current);
    if (current !== this.level) this.state.set("balance-level", current);
    return alert;
  }
}
