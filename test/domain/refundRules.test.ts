import { describe, expect, it } from "vitest";
import { activationRefundObjection, refundWindowStart, withinRefundWindow } from "../../src/domain/refundRules.ts";

const at = (iso: string) => Date.parse(iso);

describe("the refund rules", () => {
  it("W4: the window is the last calendar month, to the minute; a shorter month ends on its last day", () => {
    expect(refundWindowStart(at("2026-04-15T10:30:00Z"))).toBe(at("2026-03-15T10:30:00Z"));
    expect(refundWindowStart(at("2026-03-31T08:00:00Z"))).toBe(at("2026-02-28T08:00:00Z"));
    expect(refundWindowStart(at("2026-01-10T00:00:00Z"))).toBe(at("2025-12-10T00:00:00Z"));
    expect(withinRefundWindow(at("2026-03-15T10:30:00Z"), at("2026-04-15T10:30:00Z"))).toBe(true);
    expect(withinRefundWindow(at("2026-03-15T10:29:59Z"), at("2026-04-15T10:30:00Z"))).toBe(false);
  });

  it("A4 before W4: a delivered code is the first objection; an old one without a code is too old; a recent one has none", () => {
    const now = at("2026-04-15T10:30:00Z");
    expect(activationRefundObjection({ createdAt: at("2026-01-01T00:00:00Z") }, true, now)).toBe("code_delivered");
    expect(activationRefundObjection({ createdAt: at("2026-01-01T00:00:00Z") }, false, now)).toBe("too_old");
    expect(activationRefundObjection({ createdAt: at("2026-04-01T00:00:00Z") }, false, now)).toBeUndefined();
  });
});
