import { like, sql } from "drizzle-orm";
import { outbox } from "../../src/db/schema.ts";
import type { NumberProvider } from "../../src/domain/numberProvider.ts";
import { createSimulatorProvider, type SimulatorControls } from "../../src/providers/simulator/index.ts";
import type { FakeUser } from "../fakes/telegram.ts";
import { ADMIN_ID, closeWhenTestEnds, startHarness, type Harness } from "./app.ts";
import { testClock, type TestClock } from "./store.ts";

/*
 * The shop the end-to-end stories happen in, and the people in it. (store.ts' testWorld is the
 * domain without the bot; this is the whole bot over HTTP.)
 */

/** Where the world's clock starts: 2026-01-15 12:00 UTC. */
export const START = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface World {
  h: Harness;
  sim: NumberProvider & SimulatorControls;
  clock: TestClock;
}

export interface WorldOptions {
  /** The simulator's seed; the prices and stock the stories expect come from 42. */
  seed?: number;
  /** How long after buying the simulator lets a number be cancelled. */
  earlyCancelMs?: number;
  /** Settings on top of the test configuration. */
  env?: Record<string, string>;
}

/**
 * The real bot against the fake Telegram, with the simulator as provider on a test clock and the
 * catalog synced. Numbers never get an SMS by themselves (noSmsRate 1): a story delivers the SMS
 * it needs. When the test ends the ledger's invariants are checked and the bot is closed.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const clock = testClock(START);
  let saved: string | null = null;
  const sim = createSimulatorProvider({
    seed: options.seed ?? 42,
    now: clock,
    store: { load: () => saved, save: (json) => (saved = json) },
    noSmsRate: 1,
    earlyCancelMs: options.earlyCancelMs ?? 0,
    // Rented numbers are taken away only when a story does it (revokeRental).
    revokeRate: 0,
  });
  const h = await startHarness({ clock, provider: sim, env: options.env });
  closeWhenTestEnds(h);
  await h.app.scheduler.runNow("catalog-sync");
  return { h, sim, clock };
}

export interface CustomerOptions {
  /** Credited as a top-up straight into the ledger, in cents. */
  balance?: number;
  /** "en" (the default) or "ru". */
  language_code?: string;
  username?: string;
}

/** A user who sent /start, accepted the rules in their language, and has `balance` on the account. */
export async function customer(h: Harness, first_name: string, options: CustomerOptions = {}) {
  const { balance = 0, language_code = "en", username } = options;
  const user = h.tg.user({ first_name, language_code, ...(username ? { username } : {}) });
  await user.send("/start");
  await user.press(language_code === "ru" ? "✅ Принимаю правила" : "✅ I accept the rules");
  const account = h.app.deps.accounts.findByTelegramId(user.id);
  if (!account) throw new Error("no account");
  if (balance > 0) {
    h.app.deps.ledger.credit({ userId: account.id, amount: balance, kind: "topup", ref: { type: "test", id: first_name }, idempotencyKey: `test-topup:${first_name}` });
  }
  return { user, account };
}

/** The shop's admin (ADMIN_ID) in the fake Telegram; the same user however often it is asked for. */
export function adminUser(h: Harness): FakeUser {
  return h.tg.user({ id: ADMIN_ID, first_name: "Admin", language_code: "en" });
}

/** How many outbox messages whose dedupe key starts with `dedupePrefix` are in each status. */
export function outboxStatuses(w: { h: Harness }, dedupePrefix: string): Record<string, number> {
  const rows = w.h.app.store.db
    .select({ status: outbox.status, n: sql<number>`count(*)` })
    .from(outbox)
    .where(like(outbox.dedupeKey, `${dedupePrefix}%`))
    .groupBy(outbox.status)
    .all();
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
