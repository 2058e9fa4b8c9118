import { createI18n } from "../../src/bot/i18n.ts";
import { createDelivery } from "../../src/bot/outbox/delivery.ts";
import { OutboxSender, type Deliver, type SenderOptions } from "../../src/bot/outbox/sender.ts";
import type { Clock } from "../../src/clock.ts";
import { openStore } from "../../src/db/open.ts";
import { Accounts } from "../../src/domain/accounts.ts";
import { Activations } from "../../src/domain/activations.ts";
import { AuditLog } from "../../src/domain/audit.ts";
import { Broadcasts } from "../../src/domain/broadcasts.ts";
import { CatalogStore } from "../../src/domain/catalog.ts";
import { Ledger } from "../../src/domain/ledger.ts";
import { currency } from "../../src/domain/money.ts";
import { Outbox } from "../../src/domain/outbox.ts";
import { NO_EXTRA_DENIES } from "../../src/domain/prohibited.ts";
import { createLogger } from "../../src/logger.ts";
import { createSimulatorProvider } from "../../src/providers/simulator/index.ts";
import type { FakeTelegram, FakeUser } from "../fakes/telegram.ts";
import { TEST_PRICING } from "./shop.ts";
import { ADMIN_CHAT } from "./store.ts";

/**
 * The sending half of the outbox over the fake Telegram, built as main.ts builds it: the delivery
 * (real HTTP, the locale files, no auto-retry) and an OutboxSender with timings small enough for tests.
 */

const i18n = createI18n();
export const TEST_CURRENCY = currency("USD");
export const silent = createLogger("silent");

/** Fast timings: no pacing to speak of, retries after 20 ms (doubling), idle checks every 5 ms. */
export const FAST: Partial<SenderOptions> = { perSecond: 1000, concurrency: 8, idleMs: 5, backoffMs: 20, maxBackoffMs: 1_000 };

export interface DeliveryParts {
  accounts: Accounts;
  activations: Activations;
  broadcasts: Broadcasts;
  clock: Clock;
}

export function telegramDelivery(tg: FakeTelegram, parts: DeliveryParts): Deliver {
  return createDelivery({
    token: tg.token,
    apiRoot: tg.apiRoot,
    ...parts,
    currency: TEST_CURRENCY,
    translate: (language, key, vars) => i18n.t(language, key, vars),
  });
}

export function senderFor(outbox: Outbox, deliver: Deliver, clock: Clock, options: Partial<SenderOptions> = {}): OutboxSender {
  return new OutboxSender(outbox, deliver, clock, silent, { ...FAST, ...options });
}

/**
 * Every service the delivery reads, over one database (a file survives a "restart": open it again)
 * and a chosen clock (the real one by default). Activations are real but the catalog is left empty.
 */
export function outboxWorld<C extends Clock = Clock>(path = ":memory:", clock: C = Date.now as C) {
  const store = openStore(path);
  const ledger = new Ledger(store.db, clock);
  const accounts = new Accounts(store.db, clock);
  const outbox = new Outbox(store.db, clock, { adminChatIds: [ADMIN_CHAT] });
  const audit = new AuditLog(store.db, clock);
  const broadcasts = new Broadcasts(store.db, outbox, audit, clock);
  let saved: string | null = null;
  const provider = createSimulatorProvider({ seed: 3, now: clock, store: { load: () => saved, save: (json) => (saved = json) } });
  const activations = new Activations({
    logger: createLogger("silent"),
    db: store.db,
    ledger,
    catalog: new CatalogStore(store.db, clock, TEST_PRICING, NO_EXTRA_DENIES),
    provider,
    outbox,
    clock,
    settings: { ttlMs: 20 * 60_000, reminderAfterMs: 5 * 60_000, abuse: { limit: 3, windowMs: 3_600_000, suspendMs: 7_200_000 } },
  });
  return { store, clock, ledger, accounts, outbox, audit, broadcasts, activations };
}

export interface Member {
  /** The account id. */
  id: number;
  chatId: number;
  fake: FakeUser;
}

/** A Telegram user the fake knows, with an account in the shop. */
export function member(tg: FakeTelegram, accounts: Accounts, language: "en" | "ru" = "en"): Member {
  const fake = tg.user({ language_code: language });
  const account = accounts.registerOrTouch({ id: fake.id, first_name: fake.profile.first_name, language_code: language });
  return { id: account.id, chatId: fake.chatId, fake };
}

/** Texts the bot sent to a chat, oldest first (what the user sees now). */
export function textsIn(user: FakeUser): string[] {
  return user.botMessages().map((m) => m.text);
}

/** sendMessage calls to one chat, in the order they reached the fake. */
export function sendsTo(tg: FakeTelegram, chatId: number, method = "sendMessage") {
  return tg.calls(method).filter((call) => call.params.chat_id === chatId);
}
