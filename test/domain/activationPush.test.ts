import { describe, expect, it } from "vitest";
import { ActivationPush } from "../../src/domain/activationPush.ts";
import type { ActivationPolling } from "../../src/domain/activationPolling.ts";
import { openStore } from "../../src/db/open.ts";
import { testClock } from "../helpers/store.ts";

/*
 * Polling is the safety net once the provider pushes SMS: it slows down while notices arrive and
 * comes back to its pace when they stop. (Recording a notice is covered end to end in
 * test/e2e/providerPush.test.ts, through the real polling path.)
 */

describe("polling pace while the provider pushes SMS", () => {
  const setUp = () => {
    const clock = testClock();
    const store = openStore(":memory:");
    // No activation matches: receive() only notes that a notice came when it is one of ours.
    const push = new ActivationPush(store.db, {} as ActivationPolling, "sms-activate", clock, { pollMs: 5_000, slowPollMs: 60_000 });
    return { clock, push, store };
  };

  it("polls at its normal pace until a notice for one of our activations arrives", () => {
    const { clock, push } = setUp();
    const t = clock();
    expect(push.pollDue(t, null)).toBe(true);
    expect(push.pollDue(t + 5_000, t)).toBe(true);
    // A notice for an id we do not know does not slow anything down.
    expect(push.receive({ providerActivationId: "nope", sms: { id: "x", text: "1234", code: "1234", receivedAt: t } })).toBe("unknown");
    expect(push.pollDue(t + 5_000, t)).toBe(true);
  });

  it("while notices arrive, polls once a slow interval; ten minutes after the last one, back to normal", () => {
    const { clock, push, store } = setUp();
    store.sqlite.exec(`
      INSERT INTO users (id, telegram_id, first_name, created_at, last_seen_at) VALUES (1, 11, 'A', 0, 0);
      INSERT INTO balances (user_id) VALUES (1);`);
    const polling = { apply: () => undefined } as unknown as ActivationPolling;
    const paced = new ActivationPush(store.db, polling, "sms-activate", clock, { pollMs: 5_000, slowPollMs: 60_000 });
    store.sqlite.exec(`
      INSERT INTO ledger_entries (user_id, kind, amount, balance_after, ref_type, ref_id, idempotency_key, created_at) VALUES (1, 'topup', 100, 100, 'test', '1', 't1', 0);
      INSERT INTO holds (id, user_id, amount, ref_type, ref_id, idempotency_key, created_at) VALUES (1, 1, 10, 'activation', '1', 'h1', 0);
      INSERT INTO activations (user_id, order_key, service_code, service_name, country_code, country_name, price, cost_micros, hold_id, provider, provider_id, phone, state, created_at)
        VALUES (1, 'o1', 'tg', 'Telegram', '0', 'Russia', 10, 1, 1, 'sms-activate', 'p1', '79990000000', 'waiting', 0);`);
    const t = clock();
    expect(paced.receive({ providerActivationId: "p1", sms: { id: "s", text: "1234", code: "1234", receivedAt: t } })).toBe("repeat");
    expect(paced.pollDue(t + 5_000, t)).toBe(false);
    expect(paced.pollDue(t + 30_000, t)).toBe(false);
    expect(paced.pollDue(t + 60_000, t)).toBe(true);
    clock.advance(11 * 60_000);
    expect(paced.pollDue(clock() + 5_000, clock())).toBe(true);
    expect(push.pollDue(t + 5_000, t)).toBe(true);
  });
});
