import { describe, expect, it } from "vitest";
import { callbackData, chars, int, oneOf } from "../../src/bot/callbackData.ts";

describe("callback data: one typed way to build and read a button", () => {
  const card = callbackData("act", { action: oneOf("c", "b"), id: int() });

  it("packs and unpacks the same values", () => {
    const data = card.pack({ action: "b", id: 42 });
    expect(data).toBe("act:b:42");
    expect(card.filter.test(data)).toBe(true);
    expect(card.unpack(data)).toEqual({ action: "b", id: 42 });
  });

  it("a forged or foreign button reads as nothing, but is recognised as this feature's", () => {
    for (const forged of ["act:x:42", "act:c:", "act:c:1:2", "act:c:12345678901234567", "actc:1", undefined]) {
      expect(card.unpack(forged)).toBeUndefined();
    }
    expect(card.anyOfPrefix.test("act:x:42")).toBe(true);
    expect(card.anyOfPrefix.test("act")).toBe(true);
    expect(card.anyOfPrefix.test("actor:1")).toBe(false);
  });

  it("a prefix with a colon and a text field work as declared", () => {
    const confirm = callbackData("buy:ok", { key: chars("[A-Za-z0-9_-]", 16, 16) });
    expect(confirm.unpack(confirm.pack({ key: "abcdefghijklmnop" }))).toEqual({ key: "abcdefghijklmnop" });
    expect(confirm.unpack("buy:ok:short")).toBeUndefined();
  });

  it("refuses to build data Telegram would refuse (over 64 bytes) or that its own filter would not read", () => {
    const long = callbackData("x", { key: chars("[a-z]", 1, 100) });
    expect(() => long.pack({ key: "a".repeat(70) })).toThrow(RangeError);
    expect(() => card.pack({ action: "c", id: -1 })).toThrow(RangeError);
  });
});
