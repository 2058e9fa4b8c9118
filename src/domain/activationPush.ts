import { and, eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations } from "../db/schema.ts";
import type { ActivationPolling } from "./activationPolling.ts";
import type { ProviderActivation, ProviderSms } from "./numberProvider.ts";
import { PushPace, type PushPaceSettings } from "./pushPace.ts";

/**
 * SMS the provider pushes the moment they arrive (POLICY A1, A2, A4), instead of waiting for the
 * next poll. A notice is recorded through exactly the path polling uses (`ActivationPolling.apply`):
 * the same SMS ids, the same charge at the first code, the same outbox messages, so a notice and a
 * poll that both see one SMS deliver it once, whichever comes first. Polling stays on as the safety
 * net, at a slower pace while notices arrive (`pollDue`).
 */

/** One SMS of one activation, read from a provider's notice by that provider's adapter. */
export interface ActivationNotice {
  /** The provider's activation id. */
  providerActivationId: string;
  /** Its id must be the one polling would give the same SMS (the adapter derives both). */
  sms: ProviderSms;
}

/** Reads a notice body; null when it is not a notice (malformed). `receivedAt` is our clock. */
export type ActivationNoticeReader = (body: unknown, receivedAt: number) => ActivationNotice | null;

export type PushOutcome =
  /** New: stored and queued for the user. */
  | "delivered"
  /** Already known (a repeated notice, or polling was first), or the number has moved on: nothing changes. */
  | "repeat"
  /** No activation of ours has this id: nothing changes. */
  | "unknown";

export type { PushPaceSettings } from "./pushPace.ts";

export class ActivationPush {
  private readonly pace: PushPace;

  constructor(
    private readonly db: Db,
    private readonly polling: ActivationPolling,
    /** `NumberProvider.name`: activations are looked up by (provider, provider id). */
    private readonly providerName: string,
    clock: Clock,
    pace: PushPaceSettings,
  ) {
    this.pace = new PushPace(clock, pace);
  }

  receive(notice: ActivationNotice): PushOutcome {
    const local = this.db
      .select()
      .from(activations)
      .where(and(eq(activations.provider, this.providerName), eq(activations.providerId, notice.providerActivationId)))
      .get();
    if (!local) return "unknown";
    this.pace.noticed();
    const remote: ProviderActivation = {
      id: notice.providerActivationId,
      phone: local.phone ?? "",
      service: local.serviceCode,
      country: local.countryCode,
      costMicros: local.costMicros,
      state: "received",
      sms: [notice.sms],
      expiresAt: null,
    };
    const update = this.polling.apply(local, remote);
    return update && update.newSms.length > 0 ? "delivered" : "repeat";
  }

  /**
   * Whether a polling tick should run now. While notices arrive (one in the last ten slow
   * intervals, at least ten minutes) polling runs only every `slowPollMs`; if they stop coming,
   * it is back to its normal pace.
   */
  pollDue(now: number, lastPollAt: number | null): boolean {
    return this.pace.pollDue(now, lastPollAt);
  }
}
