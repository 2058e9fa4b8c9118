import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

const RECIPIENTS = 2_000;

function seedUsers(w: TestWorld, count: number): void {
  const user = w.store.sqlite.prepare("INSERT INTO users (telegram_id, first_name, language, created_at, last_seen_at) VALUES (?, 'U', 'en', 0, 0)");
  const balance = w.store.sqlite.prepare("INSERT INTO balances (user_id) VALUES (?)");
  w.store.sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) balance.run(Number(user.run(700_000 + i).lastInsertRowid));
  })();
}

describe("the outbox walks its queue like a cursor (fast at any size)", () => {
  it("B6: every recipient of a large broadcast is claimed exactly once, personal messages first, while some wait for a retry", () => {
    world = testWorld();
    seedUsers(world, RECIPIENTS);
    const queued = world.outbox.enqueueToUsers(sql`1 = 1`, { kind: "broadcast", broadcastId: 1 }, { dedupePrefix: "broadcast:1:", ref: "broadcast:1", bulk: true });
    expect(queued).toBe(RECIPIENTS);
    const claimed = new Map<number, number>();
    let personalFirst = false;
    let retried = 0;
    for (let round = 0; ; round++) {
      if (round === 10) {
        // A personal message queued late still goes before the rest of the broadcast.
        world.outbox.enqueue({ chatId: 700_001, dedupeKey: "personal" }, { kind: "notice", key: "x" });
      }
      const rows = world.outbox.claimDue(8);
      if (rows.length === 0) {
        if (retried > 0 && world.outbox.nextDueAt() !== undefined) {
          world.clock.advance(1_000);
          continue;
        }
        break;
      }
      if (round === 10) personalFirst = rows[0]?.message.kind === "notice";
      for (const row of rows) {
        if (row.message.kind !== "broadcast") {
          world.outbox.settle(row.id, "sent");
          continue;
        }
        if (row.attempts === 1 && row.chatId % 97 === 0) {
          // Telegram said 429 for this one: it waits, the others pass it.
          world.outbox.retryAt(row.id, world.clock() + 1_000, "429");
          retried++;
          continue;
        }
        claimed.set(row.chatId, (claimed.get(row.chatId) ?? 0) + 1);
        world.outbox.settle(row.id, "sent");
      }
    }
    expect(personalFirst).toBe(true);
    expect(retried).toBeGreaterThan(0);
    expect(claimed.size).toBe(RECIPIENTS);
    expect([...claimed.values()].every((n) => n === 1)).toBe(true);
    expect(world.outbox.countsByRef("broadcast:1")).toMatchObject({ pending: 0, sending: 0, sent: RECIPIENTS });
  });

  it("the claim and the per-chat checks use the outbox's partial indexes (no scan of what was sent)", () => {
    world = testWorld();
    const plan = (query: string) =>
      (world.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as { detail: string }[]).map((row) => row.detail).join("\n");
    expect(plan("SELECT id FROM outbox o WHERE o.status = 'pending' AND +o.next_attempt_at <= 1 ORDER BY o.priority, o.id LIMIT 8")).toContain("outbox_pending_order");
    expect(plan("SELECT 1 FROM outbox s WHERE s.chat_id = 1 AND s.status = 'sending'")).toContain("outbox_sending_by_chat");
    expect(plan("SELECT 1 FROM outbox e WHERE e.chat_id = 1 AND e.status = 'pending' AND e.priority = 0 AND e.id < 5")).toContain("outbox_pending_by_chat");
    expect(plan("SELECT 1 FROM outbox WHERE ref = 'broadcast:1' AND user_id = 3")).toContain("outbox_by_user_ref");
    // A new card redraw replaces the one waiting in the same chat: found through the chat's pending rows.
    expect(plan("UPDATE outbox SET status = 'dropped' WHERE chat_id = 1 AND status = 'pending' AND priority = 1 AND payload = 'x' AND id < 5")).toContain("outbox_pending_by_chat");
    // A broadcast's progress reads the counts kept per ref, not the messages.
    expect(plan("SELECT status, n FROM outbox_ref_counts WHERE ref = 'broadcast:1'")).toContain("sqlite_autoindex_outbox_ref_counts");
  });
});
