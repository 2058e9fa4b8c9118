import type { Clock } from "../clock.ts";
import type { PushOutcome } from "./activationPush.ts";
import type { ProviderSms } from "./numberProvider.ts";
import { PushPace, type PushPaceSettings } from "./pushPace.ts";
import type { RentalRecords } from "./rentalRecords.ts";
import type { RentalUpkeep } from "./rentalUpkeep.ts";

/**
 * SMS of rented numbers that the provider pushes the moment they arrive (the rental's own notice
 * URL, given when renting). Each SMS is recorded by `RentalUpkeep.recordSms`, the function the
 * `rental-poll` job uses: the same SMS id, the same inbox row, one outbox message keyed by that
 * row, so a notice and a poll that see one SMS deliver it once, whichever comes first. Polling
 * stays on as the safety net, slower while notices arrive (`pollDue`).
 */

/** The SMS of one rental read from one notice body by the provider's adapter. */
export interface RentalNotice {
  /** The provider's rental id. */
  providerRentalId: string;
  /** Each id must be the one polling would give the same SMS (the adapter derives both). */
  sms: ProviderSms[];
}

/** Reads a notice body; null when it is not a rental notice (malformed). `receivedAt` is our clock. */
export type RentalNoticeReader = (body: unknown, receivedAt: number) => RentalNotice | null;

/**
 * Two readings of one SMS whose time stamps were written differently (a host that dates its
 * notices in another format or zone than its status answers) get different ids. A notice whose
 * sender and text equal an SMS already in the inbox, received within this much of it, is taken to
 * be that SMS. The price: the same text from the same sender twice within a minute, the second
 * seen first by a notice, is shown once (polling, which lists both, still adds it).
 */
const SAME_SMS_WINDOW_MS = 60_000;

export class RentalPush {
  private readonly pace: PushPace;

  constructor(
    private readonly records: RentalRecords,
    private readonly upkeep: Pick<RentalUpkeep, "recordSms">,
    /** `NumberProvider.name`: rentals are looked up by (provider, provider id). */
    private readonly providerName: string,
    clock: Clock,
    pace: PushPaceSettings,
  ) {
    this.pace = new PushPace(clock, pace);
  }

  receive(notice: RentalNotice): PushOutcome {
    const rental = this.records.byProviderId(this.providerName, notice.providerRentalId);
    // Not ours, or rented a moment ago and its answer not recorded yet: the provider retries.
    if (!rental) return "unknown";
    this.pace.noticed();
    let delivered = false;
    for (const sms of notice.sms) {
      const stored = this.records.sms(rental.id);
      const known = stored.some(
        (row) => row.providerSmsId === sms.id || (row.text === sms.text && (row.sender ?? "") === (sms.sender ?? "") && Math.abs(row.receivedAt - sms.receivedAt) <= SAME_SMS_WINDOW_MS),
      );
      // recordSms is false for a known SMS or a rental that is no longer live: nothing more to do.
      if (!known && this.upkeep.recordSms(rental.id, sms)) delivered = true;
    }
    return delivered ? "delivered" : "repeat";
  }

  /** Whether a `rental-poll` tick should run now (see PushPace). */
  pollDue(now: number, lastPollAt: number | null): boolean {
    return this.pace.pollDue(now, lastPollAt);
  }
}
