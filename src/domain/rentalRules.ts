/**
 * The refund rules of rented numbers (POLICY L1-L5), as pure functions of amounts and times, so
 * that each can be read and tested on its own. Amounts are integers in minor units; times epoch ms.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface PaidPeriod {
  /** Everything paid for the rental: the first period and every extension. */
  paid: number;
  /** Refunds already made for it. */
  refunded: number;
  startedAt: number;
  endsAt: number;
}

/** What is left to refund at most: a rental never gives back more than was paid for it. */
export function refundable(period: PaidPeriod): number {
  return Math.max(0, period.paid - period.refunded);
}

/**
 * L2 / W5: the carrier or the provider took the number away at `at`. The unused time is refunded:
 * paid x (end - at) / (end - start), rounded down to the minor unit, never more than is left.
 */
export function unusedTimeRefund(period: PaidPeriod, at: number): number {
  const total = period.endsAt - period.startedAt;
  if (total <= 0 || at >= period.endsAt) return 0;
  const unused = Math.min(total, period.endsAt - Math.max(at, period.startedAt));
  return Math.min(refundable(period), Math.floor((period.paid * unused) / total));
}

/**
 * L1: the price of one day of the rental: paid x 24 h / whole period, rounded down.
 */
export function dayPrice(period: PaidPeriod): number {
  const total = period.endsAt - period.startedAt;
  if (total <= 0) return 0;
  return Math.floor((period.paid * DAY_MS) / total);
}

/**
 * L1: how many days of a reported problem are refunded. The rule, as README "Rentals" states it:
 * - unavailability is counted from the moment the user reported it (`reportedAt`) until the
 *   number works again or the rental ends (`until`, whichever comes first);
 * - nothing is refunded unless that is more than 24 hours;
 * - above 24 hours, every day begun counts as a whole day (25 hours are 2 days), because the user
 *   could not rely on the number on either day;
 * - never more days than were left in the rental at the report.
 */
export function unavailableDays(reportedAt: number, until: number, rentalEndsAt: number): number {
  const end = Math.min(until, rentalEndsAt);
  const unavailable = end - reportedAt;
  if (unavailable <= DAY_MS) return 0;
  const days = Math.ceil(unavailable / DAY_MS);
  const left = Math.ceil(Math.max(0, rentalEndsAt - reportedAt) / DAY_MS);
  return Math.min(days, left);
}

/** L3 (ended early by choice), L4 (documents refused), L5 (Caller ID): the reasons that never refund. */
export const NO_REFUND_REASONS = ["ended_early", "documents_refused", "caller_id"] as const;
