import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerEntries } from "../../src/db/schema.ts";
import { AccountDeletion, INACTIVITY_LIMIT_DAYS } from "../../src/domain/accountDeletion.ts";
import { runInactivity } from "../../src/jobs/inactivityJob.ts";
import { createLogger } from "../../src/logger.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

const DAY = 24 * 60 * 60 * 1000;
const ref = { type: "test", id: "1" };

function topUp(userId: number, amount: number): void {
  world.ledger.credit({ userId, amount, kind: "topup", ref, idempotencyKey: `pay:${userId}:${amount}` });
}

describe("account deletion (B2, B3, B5)", () => {
  it("forfeits the available balance as a ledger entry, drops names and keeps the history", () => {
    world = testWorld();
    const user = world.newUser(555);
    topUp(user, 1234);
    const deletion = new AccountDeletion(world.store.db, world.ledger, world.outbox, world.clock);
    const result = deletion.delete(user, "request");
    expect(result).toMatchObject({ ok: true, forfeited: 1234 });
    const account = world.accounts.byId(user);
    expect(account).toMatchObject({ status: "deleted", deletedAt: world.clock(), username: null, firstName: null, lastName: null, telegramId: 555 });
    const entries = world.store.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, user)).all();
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ["topup", 1234],
      ["forfeit", -1234],
    ]);
    expect(entries[1]?.idempotencyKey).toBe(`forfeit:${user}`);
    expect(world.ledger.balanceOf(user).available).toBe(0);
    // Deleting again changes nothing.
    expect(deletion.delete(user, "request")).toEqual({ ok: false, reason: "not_active" });
    expect(world.ledger.checkInvariants()).toEqual([]);
  });

  it("an open hold blocks the deletion and nothing moves", () => {
    world = testWorld();
    const user = world.newUser();
    topUp(user, 500);
    world.ledger.hold({ userId: user, amount: 200, ref, idempotencyKey: "hold:1" });
    const deletion = new AccountDeletion(world.store.db, world.ledger, world.outbox, world.clock);
    expect(deletion.delete(user, "request")).toEqual({ ok: false, reason: "open_holds" });
    expect(world.accounts.byId(user)?.status).toBe("active");
    expect(world.ledger.balanceOf(user)).toEqual({ posted: 500, held: 200, available: 500 - 200 });
  });

  it("the same Telegram user writing again gets a new, empty account", () => {
    world = testWorld();
    const user = world.newUser(777);
    topUp(user, 300);
    new AccountDeletion(world.store.db, world.ledger, world.outbox, world.clock).delete(user, "request");
    const again = world.accounts.registerOrTouch({ id: 777, first_name: "Back" });
    expect(again.id).not.toBe(user);
    expect(again.status).toBe("active");
    expect(world.ledger.balanceOf(again.id).available).toBe(0);
    expect(world.ledger.checkInvariants()).toEqual([]);
  });
});

describe("inactivity (B3): warnings at 30 and 7 days, then deletion after 273 days", () => {
  function setup() {
    world = testWorld();
    const user = world.newUser();
    topUp(user, 900);
    const lastSeen = world.clock();
    const deletion = new AccountDeletion(world.store.db, world.ledger, world.outbox, world.clock);
    const run = (at: number) => runInactivity(deletion, createLogger("silent"), at);
    // The warnings queued for the user, as the outbox will send them.
    const told = {
      get length() {
        return warnings().length;
      },
      at: (i: number) => warnings()[i],
    };
    const warnings = () => world.queued().map((q) => q.message).filter((m) => m.kind === "notice" && m.key === "inactivity-warning");
    return { user, lastSeen, told, run };
  }

  it("warns once at 30 days, once at 7 days, then deletes with the balance forfeited", () => {
    const { user, lastSeen, told, run } = setup();
    const deadline = lastSeen + INACTIVITY_LIMIT_DAYS * DAY;
    expect(run(deadline - 31 * DAY)).toEqual({ warned: 0, deleted: 0, skipped: 0 });
    expect(run(deadline - 30 * DAY)).toMatchObject({ warned: 1 });
    expect(told.at(0)).toMatchObject({ vars: { days: 30, balance: { money: 900 } } });
    expect(run(deadline - 20 * DAY)).toMatchObject({ warned: 0 });
    expect(run(deadline - 7 * DAY)).toMatchObject({ warned: 1 });
    expect(told.at(1)).toMatchObject({ vars: { days: 7 } });
    expect(run(deadline - 1)).toEqual({ warned: 0, deleted: 0, skipped: 0 });
    expect(run(deadline)).toEqual({ warned: 0, deleted: 1, skipped: 0 });
    expect(world.accounts.byId(user)?.status).toBe("deleted");
    expect(world.ledger.balanceOf(user).posted).toBe(0);
    expect(told).toHaveLength(2);
    expect(world.ledger.checkInvariants()).toEqual([]);
  });

  it("a user who comes back is not deleted, and is warned again when idle again", () => {
    const { user, lastSeen, told, run } = setup();
    const deadline = lastSeen + INACTIVITY_LIMIT_DAYS * DAY;
    run(deadline - 7 * DAY);
    expect(told).toHaveLength(1);
    world.clock.set(deadline - 2 * DAY);
    world.accounts.registerOrTouch({ id: world.accounts.byId(user)?.telegramId ?? 0, first_name: "Back" });
    expect(run(deadline + DAY)).toEqual({ warned: 0, deleted: 0, skipped: 0 });
    const secondDeadline = deadline - 2 * DAY + INACTIVITY_LIMIT_DAYS * DAY;
    expect(run(secondDeadline - 30 * DAY)).toMatchObject({ warned: 1 });
    expect(told).toHaveLength(2);
    expect(world.accounts.byId(user)?.status).toBe("active");
  });

  it("nobody is deleted without the 7-day warning: after downtime the warning comes first", () => {
    const { user, lastSeen, told, run } = setup();
    const late = lastSeen + (INACTIVITY_LIMIT_DAYS + 10) * DAY;
    expect(run(late)).toEqual({ warned: 1, deleted: 0, skipped: 0 });
    expect(told.at(0)).toMatchObject({ vars: { days: 7 } });
    expect(run(late + 7 * DAY)).toMatchObject({ deleted: 1 });
    expect(world.accounts.byId(user)?.status).toBe("deleted");
  });

  it("a warning to a user who blocked the bot still counts, and an account with an open hold is skipped", () => {
    world = testWorld();
    const blockedBot = world.newUser();
    const busy = world.newUser();
    topUp(busy, 100);
    world.ledger.hold({ userId: busy, amount: 50, ref, idempotencyKey: "hold:busy" });
    const lastSeen = world.clock();
    world.accounts.setBotBlocked(world.accounts.byId(blockedBot)?.telegramId ?? 0, world.clock());
    const deletion = new AccountDeletion(world.store.db, world.ledger, world.outbox, world.clock);
    const run = (at: number) => runInactivity(deletion, createLogger("silent"), at);
    const deadline = lastSeen + INACTIVITY_LIMIT_DAYS * DAY;
    expect(run(deadline - 7 * DAY)).toMatchObject({ warned: 2 });
    expect(run(deadline)).toEqual({ warned: 0, deleted: 1, skipped: 1 });
    expect(world.accounts.byId(blockedBot)?.status).toBe("deleted");
    expect(world.accounts.byId(busy)?.status).toBe("active");
    expect(world.ledger.checkInvariants()).toEqual([]);
  });
});
