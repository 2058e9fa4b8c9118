import type { Logger } from "../logger.ts";
import type { RentalProblems } from "../domain/rentalProblems.ts";
import type { Rentals } from "../domain/rentals.ts";
import type { RentalUpkeep } from "../domain/rentalUpkeep.ts";
import { everySeconds } from "./activationJobs.ts";
import type { Job } from "./scheduler.ts";

/*
 * The rental jobs read the provider and move rentals; every message they cause is queued in the
 * outbox inside the same transaction. None of them runs when the provider does not rent.
 */

/**
 * Every RENT_POLL_SECONDS: new SMS of rented numbers, and numbers taken away (L2). `due` slows it
 * down while the provider pushes rental SMS (RentalPush.pollDue): polling is then the safety net.
 */
export function rentalPollJob(upkeep: RentalUpkeep, seconds: number, due?: (now: number, lastPollAt: number | null) => boolean): Job {
  let lastPollAt: number | null = null;
  return {
    name: "rental-poll",
    schedule: everySeconds(seconds),
    run: async (now) => {
      if (due && !due(now, lastPollAt)) return { skipped: "provider pushes SMS" };
      lastPollAt = now;
      return upkeep.poll();
    },
  };
}

/** Every minute, at start-up: the end of the period (the user is told), and the reminders before it. */
export function rentalExpiryJob(upkeep: RentalUpkeep): Job {
  return {
    name: "rental-expiry",
    schedule: "30 * * * * *",
    runAtStart: true,
    run: () => ({ expired: upkeep.expireDue().length, reminded: upkeep.queueDueReminders() }),
  };
}

/**
 * The owner of every half-way rental state, at start-up and then every minute: rentals `reserving`
 * (found in the provider's list, or voided), `cancelling` and `ending` (asked again), extensions
 * `reserving` (settled from the provider's end date).
 */
export function rentalRecoveryJob(rentals: Rentals): Job {
  return {
    name: "rental-recovery",
    schedule: "45 * * * * *",
    runAtStart: true,
    run: async () => {
      const outcomes = await rentals.settleStaleReservations();
      const stuck = await rentals.settleStuck();
      const extensions = await rentals.settleStaleExtensions();
      return { reservations: outcomes.length, ...stuck, extensions };
    },
  };
}

/** Hourly, at start-up: confirmed problem reports refund each new day beyond 24 hours (L1). */
export function rentalProblemsJob(problems: RentalProblems): Job {
  return { name: "rental-problems", schedule: "0 5 * * * *", runAtStart: true, run: () => ({ refunded: problems.settleConfirmed() }) };
}

/** With the catalog (after it, since offers are filtered by it): the provider's rent offers, priced. */
export function rentOfferSyncJob(rentals: Rentals, minutes: number, logger: Logger): Job {
  return {
    name: "rent-offer-sync",
    schedule: `20 */${Math.max(1, Math.min(59, minutes))} * * * *`,
    runAtStart: true,
    run: async () => {
      const result = await rentals.syncOffers();
      if ("failed" in result) logger.warn({ failure: result.failed }, "rent offers could not be read; keeping the previous ones");
      return result;
    },
  };
}
