import { openStore, type Store } from "../../src/db/open.ts";
import { Accounts } from "../../src/domain/accounts.ts";
import { Ledger } from "../../src/domain/ledger.ts";
import { Outbox, type OutboxMessage } from "../../src/domain/outbox.ts";
import { outbox as outboxTable } from "../../src/db/schema.ts";

export interface TestClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface TestWorld {
  store: Store;
  clock: TestClock;
  ledger: Ledger;
  accounts: Accounts;
  /** The outbox, with one admin chat (ADMIN_CHAT) for admin alerts. */
  outbox: Outbox;
  /** Every message queued in the outbox so far, oldest first. */
  queued(): QueuedMessage[];
  /** Registers a Telegram user and returns the account id. */
  newUser(telegramId?: number): number;
}

export interface QueuedMessage {
  chatId: number;
  userId: number | null;
  dedupeKey: string;
  status: string;
  message: OutboxMessage;
}

/** The admin chat of test worlds. */
export const ADMIN_CHAT = 42;

let nextTelegramId = 1000;

export function testWorld(path = ":memory:"): TestWorld {
  const store = openStore(path);
  const clock = testClock();
  const ledger = new Ledger(store.db, clock);
  const accounts = new Accounts(store.db, clock);
  const outbox = new Outbox(store.db, clock, { adminChatIds: [ADMIN_CHAT] });
  return {
    store,
    clock,
    ledger,
    accounts,
    outbox,
    queued: () =>
      store.db
        .select()
        .from(outboxTable)
        .orderBy(outboxTable.id)
        .all()
        .map((row) => ({ chatId: row.chatId, userId: row.userId, dedupeKey: row.dedupeKey, status: row.status, message: JSON.parse(row.payload) as OutboxMessage })),
    newUser: (telegramId = nextTelegramId++) =>
      accounts.registerOrTouch({ id: telegramId, first_name: `User ${telegramId}`, language_code: "en" }).id,
  };
}
