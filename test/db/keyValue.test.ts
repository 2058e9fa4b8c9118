import { describe, expect, it } from "vitest";
import { KeyValue } from "../../src/db/keyValue.ts";
import { openStore } from "../../src/db/open.ts";

describe("KeyValue with its keys in memory (conversation state, read on every update; issue 15)", () => {
  it("reads, writes, deletes and sweeps like the plain store, and a restart sees what was stored", () => {
    const store = openStore(":memory:");
    let now = 1_000;
    const clock = () => now;
    const kv = new KeyValue(store.db, "conversation", clock, { keysInMemory: true });
    expect(kv.get("7")).toBeUndefined();
    kv.set("7", "a");
    kv.set("8", "b");
    expect(kv.get("7")).toBe("a");
    kv.set("7", "c");
    expect(kv.get("7")).toBe("c");
    kv.delete("7");
    expect(kv.get("7")).toBeUndefined();

    // Another namespace is not this one's keys.
    new KeyValue(store.db, "other", clock).set("9", "x");
    expect(kv.get("9")).toBeUndefined();

    // A restart (a new instance) reads the stored keys.
    const again = new KeyValue(store.db, "conversation", clock, { keysInMemory: true });
    expect(again.get("8")).toBe("b");

    now = 5_000;
    again.set("10", "d");
    expect(again.deleteOlderThan(2_000)).toBe(1);
    expect(again.get("8")).toBeUndefined();
    expect(again.get("10")).toBe("d");
    // The first instance's memory says "8" exists; the row is gone: it reads nothing, and forgets it.
    expect(kv.get("8")).toBeUndefined();
    store.close();
  });
});
