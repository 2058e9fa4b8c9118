import type { Clock } from "../clock.ts";
import type { ItemFailures } from "./itemFailures.ts";
import type { Ledger } from "./ledger.ts";
import type { NumberProvider, ProviderSms } from "./numberProvider.ts";
import type { Outbox } from "./outbox.ts";
import { LIVE_RENTAL_STATES, type Rental, type RentalRecords } from "./rentalRecords.ts";
import { HOUR_MS } from "./rentalRules.ts";
import type { Rentals } from "./rentals.ts";

/**
 * What happens to live rentals on their own: SMS read from the provider (each stored once and sent
 * as its own message), numbers the provider says were taken away (L2), the end of the period, and
 * the reminders before it. Every message is queued in the outbox in the transaction of its change.
 */

/** A provider that ends a rental this long before our end counts as having taken it away (L2). */
const EARLY_END_TOLERANCE_MS = 10 * 60_000;

export interface RentalUpkeepDeps {
  rentals: Rentals;
  records: RentalRecords;
  ledger: Ledger;
  provider: NumberProvider;
  outbox: Outbox;
  failures: ItemFailures;
  clock: Clock;
  reminderHours: readonly number[];
}

export class RentalUpkeep {
  constructor(private readonly deps: RentalUpkeepDeps) {}

  /**
   * Stores one SMS of a rented number and queues it for the user, once (the provider's SMS id is the
   * key). Returns false when it was known, or the rental is not live. The poll calls it; so can a
   * provider's push (webhook) of a rental SMS.
   */
  recordSms(rentalId: number, sms: ProviderSms): boolean {
    const { ledger, records, outbox, rentals } = this.deps;
    return ledger.write(() => {
      const rental = records.byId(rentalId);
      if (!rental || !LIVE_RENTAL_STATES.includes(rental.state)) return false;
      const row = records.addSms(rental.id, sms);
      if (!row) return false;
      outbox.toUser(rental.userId, { kind: "rental-sms", rentalId: rental.id, smsId: row.id }, `rent-sms:${row.id}`);
      rentals.queueCard(rental);
      return true;
    });
  }

  /** Reads every live rental at the provider: new SMS, and numbers taken away (L2). */
  async poll(): Promise<{ sms: number; revoked: number; failures: number }> {
    const { records, provider, failures, clock, rentals } = this.deps;
    let sms = 0;
    let revoked = 0;
    let failed = 0;
    for (const rental of records.inStates(LIVE_RENTAL_STATES)) {
      await failures.guard("rental-poll", `rental ${rental.id}`, async () => {
        const seen = await provider.getRental(rental.providerId ?? "");
        if (!seen.ok) {
          failed++;
          return;
        }
        for (const message of seen.value.sms) if (this.recordSms(rental.id, message)) sms++;
        const state = seen.value.state;
        if (rental.state !== "active" || state === "active") return;
        const endsAt = rental.endsAt ?? 0;
        // Ended there before our end, and not by us: the number was taken away (L2).
        if (state === "revoked" || clock() < endsAt - EARLY_END_TOLERANCE_MS) {
          if (rentals.revoke(rental, state === "revoked" ? "revoked" : `provider_${state}`)) revoked++;
        }
      });
    }
    return { sms, revoked, failures: failed };
  }

  /** Rentals whose period is over: expired, the user told, problem reports settled. */
  expireDue(): Rental[] {
    const { records, ledger, outbox, clock, rentals } = this.deps;
    const now = clock();
    const ended: Rental[] = [];
    for (const rental of records.inStates(["active"])) {
      if (rental.endsAt === null || rental.endsAt > now) continue;
      const row = ledger.write(() => {
        const expired = records.transition(rental, "active", "expired", { endReason: "expired", endedAt: rental.endsAt ?? now });
        if (!expired) return undefined;
        outbox.toUser(expired.userId, { kind: "rental-notice", rentalId: expired.id, key: "rent-expired" }, `rent-expired:${expired.id}`);
        rentals.queueCard(expired);
        rentals.onRentalEnded(expired);
        return expired;
      });
      if (row) ended.push(row);
    }
    return ended;
  }

  /**
   * Reminders before the end, with a one-tap Extend. "Fitting the period": a reminder of h hours is
   * sent only for rentals at least twice as long (a one-day rental gets the one-hour reminder, not
   * the one-day one), and only the nearest one due (after an extension, the new end is what counts).
   */
  queueDueReminders(): number {
    const { records, outbox, clock, reminderHours } = this.deps;
    const now = clock();
    const hours = [...reminderHours].sort((a, b) => a - b);
    let queued = 0;
    for (const rental of records.inStates(["active"])) {
      if (rental.endsAt === null || rental.startedAt === null || rental.endsAt <= now) continue;
      const left = rental.endsAt - now;
      const length = rental.endsAt - rental.startedAt;
      const due = hours.find((h) => left <= h * HOUR_MS && length >= 2 * h * HOUR_MS);
      if (due === undefined) continue;
      const sent = outbox.toUser(
        rental.userId,
        { kind: "rental-reminder", rentalId: rental.id, hours: due, endsAt: rental.endsAt },
        `rent-remind:${rental.id}:${rental.endsAt}:${due}`,
      );
      if (sent) queued++;
    }
    return queued;
  }
}
