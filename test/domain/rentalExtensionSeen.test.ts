import { describe, expect, it } from "vitest";
import { extensionSeen } from "../../src/domain/rentals.ts";

/*
 * A lost extension answer is settled from the end the provider shows afterwards: moved by the
 * period -> extended; where it was -> not extended; anything else -> unsure (asked again, no money
 * moves). Hosts write times in other zones and formats, so a shifted end is never guessed at.
 */

const HOUR = 3_600_000;
const END = Date.UTC(2026, 0, 16, 12, 0, 0);

describe("what the provider's end says about a lost extension", () => {
  it("the end moved by the period (give or take seconds of host rounding) means extended", () => {
    expect(extensionSeen(END, 24, END + 24 * HOUR)).toBe("extended");
    expect(extensionSeen(END, 24, END + 24 * HOUR + 59_000)).toBe("extended");
    expect(extensionSeen(END, 168, END + 168 * HOUR - 60_000)).toBe("extended");
  });

  it("the end where it was means not extended", () => {
    expect(extensionSeen(END, 24, END)).toBe("unchanged");
    expect(extensionSeen(END, 24, END - 1_000)).toBe("unchanged");
  });

  it("an end shifted by whole hours (a host writing Moscow time read as UTC, or the reverse) is unsure, either way", () => {
    expect(extensionSeen(END, 24, END + 3 * HOUR)).toBe("unsure");
    expect(extensionSeen(END, 24, END + 24 * HOUR - 3 * HOUR)).toBe("unsure");
    expect(extensionSeen(END, 24, END + 48 * HOUR)).toBe("unsure"); // two extensions on top of each other
  });

  it("a short period keeps the two answers apart: the tolerance is at most a quarter of it", () => {
    expect(extensionSeen(END, 1, END + 20 * 60_000)).toBe("unsure");
    expect(extensionSeen(END, 1, END + 60 * 60_000)).toBe("extended");
  });
});
