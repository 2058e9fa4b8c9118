import { openStore, type Store } from "../../src/db/open.ts";
import { Accounts } from "../../src/domain/accounts.ts";
import { Ledger } from "../../src/domain/ledger.ts";

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
  /** Registers a Telegram user and returns the account id. */
  newUser(telegramId?: number): number;
}

let nextTelegramId = 1000;

export function testWorld(path = ":memory:"): TestWorld {
  const store = openStore(path);
  const clock = testClock();
  const ledger = new Ledger(store.db, clock);
  const accounts = new Accounts(store.db, clock);
  return {
    store,
    clock,
    ledger,
    accounts,
    newUser: (telegramId = nextTelegramId++) =>
      accounts.registerOrTouch({ id: telegramId, first_name: `User ${telegramId}`, language_code: "en" }).id,
  };
}
