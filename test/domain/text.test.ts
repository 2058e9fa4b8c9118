import { describe, expect, it } from "vitest";
import { cutText, wellFormed } from "../../src/domain/text.ts";

describe("cutting texts to fit a limit", () => {
  it("cuts between whole graphemes, counting UTF-16 code units as Telegram does, and marks the cut", () => {
    expect(cutText("hello", 5)).toBe("hello");
    expect(cutText("hello world", 6)).toBe("hello…");
    // 👍🏽 is one grapheme of four code units; a family emoji is one grapheme of eight.
    expect(cutText("👍🏽👍🏽👍🏽", 10)).toBe("👍🏽👍🏽…");
    expect(cutText("👍🏽👍🏽👍🏽", 8)).toBe("👍🏽…");
    expect(cutText("a👨‍👩‍👧b", 8)).toBe("a…");
    expect(cutText("🇰🇿🇰🇿", 6)).toBe("🇰🇿…");
    for (let max = 1; max < 40; max++) {
      const cut = cutText("é🇰🇿👍🏽x👨‍👩‍👧y".repeat(3), max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).toBe(wellFormed(cut));
    }
  });

  it("a lone surrogate from outside becomes U+FFFD, never reaching Telegram", () => {
    const half = "👍".slice(0, 1);
    expect(wellFormed(`a${half}b`)).toBe("a\uFFFDb");
    expect(cutText(`x${half}`, 10)).toBe("x\uFFFD");
  });
});
