import type { KeyValue } from "../db/keyValue.ts";
import type { Outbox } from "./outbox.ts";

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
  constructor(
    private readonly state: KeyValue,
    private readonly outbox: Outbox,
    /** One write transaction (the ledger's): the new level and its alert are stored together. */
    private readonly write: <T>(fn: () => T) => T,
  ) {}

  get level(): BalanceLevel {
    const stored = this.state.get("balance-level");
    return stored === "low" || stored === "exhausted" ? stored : "ok";
  }

  /**
   * Records the new level and queues the alert it calls for to the admins, in one transaction;
   * returns the alert (null when nothing changed that matters).
   */
  observe(current: BalanceLevel, vars: { provider: string; balance: string; threshold: string }): BalanceAlert | null {
    return this.write(() => {
      const previous = this.level;
      const alert = alertFor(previous, current);
      if (current !== previous) this.state.set("balance-level", current);
      if (alert) this.outbox.toAdmins({ kind: "notice", key: alert, vars }, `${alert}:${this.bumpSequence()}`);
      return alert;
    });
  }

  /** A counter per alert, so that each crossing is its own message. */
  private bumpSequence(): number {
    const next = Number(this.state.get("alert-sequence") ?? "0") + 1;
    this.state.set("alert-sequence", String(next));
    return next;
  }
}
