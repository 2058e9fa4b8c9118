import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, dayPrice, unavailableDays, unusedTimeRefund } from "../../src/domain/rentalRules.ts";

const START = Date.UTC(2026, 0, 15, 12);
const week = { paid: 700, refunded: 0, startedAt: START, endsAt: START + 7 * DAY_MS };

describe("the refund rules of rented numbers", () => {
  it("L1: nothing is refunded for 24 hours or less of unavailability, counted from the report", () => {
    expect(unavailableDays(START, START + DAY_MS, week.endsAt)).toBe(0);
    expect(unavailableDays(START, START + 12 * HOUR_MS, week.endsAt)).toBe(0);
  });

  it("L1: above 24 hours every day begun counts as a whole day", () => {
    expect(unavailableDays(START, START + DAY_MS + 1, week.endsAt)).toBe(2);
    expect(unavailableDays(START, START + 25 * HOUR_MS, week.endsAt)).toBe(2);
    expect(unavailableDays(START, START + 48 * HOUR_MS, week.endsAt)).toBe(2);
    expect(unavailableDays(START, START + 49 * HOUR_MS, week.endsAt)).toBe(3);
  });

  it("L1: never more days than were left in the rental at the report, and the end of the rental ends the count", () => {
    const reported = week.endsAt - 36 * HOUR_MS;
    expect(unavailableDays(reported, week.endsAt + 10 * DAY_MS, week.endsAt)).toBe(2);
    expect(dayPrice(week)).toBe(100);
  });

  it("L2: the unused time is refunded in proportion, rounded down, never more than is left", () => {
    expect(unusedTimeRefund(week, START + DAY_MS)).toBe(600);
    expect(unusedTimeRefund({ ...week, paid: 100, endsAt: START + DAY_MS }, START + 6 * HOUR_MS)).toBe(75);
    expect(unusedTimeRefund({ ...week, refunded: 650 }, START + DAY_MS)).toBe(50);
    expect(unusedTimeRefund(week, week.endsAt + 1)).toBe(0);
  });
});
