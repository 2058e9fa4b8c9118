import { afterEach, describe, expect, it } from "vitest";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

/** Counts the writes the connection makes (changes since it was opened). */
function writes(): number {
  return (world.store.sqlite.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
}

describe("touching an account on every update (fast at any size)", () => {
  it("writes nothing while nothing changed and last-seen is under a minute old", () => {
    world = testWorld();
    const first = world.accounts.registerOrTouch({ id: 42, first_name: "Ann", language_code: "en" });
    const before = writes();
    for (let i = 0; i < 20; i++) {
      world.clock.advance(1_000);
      world.accounts.registerOrTouch({ id: 42, first_name: "Ann", language_code: "en" });
    }
    expect(writes()).toBe(before);
    expect(world.accounts.byId(first.id)?.lastSeenAt).toBe(first.lastSeenAt);
  });

  it("writes last-seen at most once a minute, and at once when a name or the language changes", () => {
    world = testWorld();
    const first = world.accounts.registerOrTouch({ id: 42, first_name: "Ann", language_code: "en" });
    world.clock.advance(60_000);
    const touched = world.accounts.registerOrTouch({ id: 42, first_name: "Ann", language_code: "en" });
    expect(touched.lastSeenAt).toBe(first.lastSeenAt + 60_000);
    world.clock.advance(1_000);
    const renamed = world.accounts.registerOrTouch({ id: 42, first_name: "Anna", language_code: "ru" });
    expect(renamed).toMatchObject({ firstName: "Anna", language: "ru", lastSeenAt: first.lastSeenAt + 61_000 });
  });

  it("a user who had blocked the bot and writes again is marked reachable at once", () => {
    world = testWorld();
    const first = world.accounts.registerOrTouch({ id: 42, first_name: "Ann" });
    world.accounts.setBotBlocked(42, world.clock());
    world.clock.advance(1_000);
    expect(world.accounts.registerOrTouch({ id: 42, first_name: "Ann" }).botBlockedAt).toBeNull();
    expect(world.accounts.byId(first.id)?.botBlockedAt).toBeNull();
  });

  it("finds the live account by Telegram id through the partial index, never a deleted one", () => {
    world = testWorld();
    const plan = world.store.sqlite
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM users WHERE telegram_id = ? AND status <> 'deleted'")
      .all(1) as { detail: string }[];
    expect(plan.map((row) => row.detail).join(" ")).toContain("users_live_telegram_id");
    const first = world.accounts.registerOrTouch({ id: 42, first_name: "Ann" });
    world.store.sqlite.prepare("UPDATE users SET status = 'deleted' WHERE id = ?").run(first.id);
    expect(world.accounts.findByTelegramId(42)).toBeUndefined();
    expect(world.accounts.registerOrTouch({ id: 42, first_name: "Ann" }).id).not.toBe(first.id);
  });
});
