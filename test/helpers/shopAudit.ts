import { activations, topups, users } from "../../src/db/schema.ts";
import type { Db } from "../../src/db/open.ts";
import type { Ledger } from "../../src/domain/ledger.ts";
import type { FakeActivation } from "../fakes/smsActivateServer.ts";
import type { ChatMessage, FakeTelegram, FakeUser } from "../fakes/telegram.ts";

/*
 * What must hold of the shop after any run, however the world failed around it (issue 10, "Tests
 * the project keeps"). Each check compares the bot's database with the outside world — the fake
 * provider's own records, the fake Telegram's payments and chats, the SMS the test delivered — and
 * returns a list of problems, one readable line each, so that a test can `expect(...).toEqual([])`
 * and a failure says what went wrong for whom. Used by the fault suite and the crash suite.
 */

/** An SMS the test made the provider receive. */
export interface DeliveredSms {
  providerId: string;
  code: string;
}

const OPEN_STATES = new Set(["reserving", "waiting", "cancelling", "received"]);
const CHARGED_STATES = new Set(["received", "finished"]);
const REFUNDED_STATES = new Set(["failed", "cancelled", "banned", "expired"]);
const PROVIDER_OPEN = new Set(["waiting", "received", "retry_wait"]);

type ActivationRow = typeof activations.$inferSelect;

function allActivations(db: Db): ActivationRow[] {
  return db.select().from(activations).all();
}

/** No activation is still open past its lifetime plus one sweep of the expiry job. */
export function openPastLifetime(db: Db, now: number, ttlMs: number, sweepMs: number): string[] {
  return allActivations(db)
    .filter((a) => OPEN_STATES.has(a.state) && (a.expiresAt ?? a.createdAt + ttlMs) + sweepMs < now)
    .map((a) => `activation ${a.id} is still ${a.state} ${Math.round((now - (a.expiresAt ?? a.createdAt + ttlMs)) / 1000)} s after its lifetime ended`);
}

/**
 * The provider holds nothing the bot forgot: every activation open at the provider belongs to an
 * open activation of the bot, and no two of the bot's activations share a provider number.
 */
export function forgottenAtProvider(db: Db, provider: FakeActivation[]): string[] {
  const rows = allActivations(db);
  const byProviderId = new Map<string, ActivationRow[]>();
  for (const row of rows) if (row.providerId !== null) byProviderId.set(row.providerId, [...(byProviderId.get(row.providerId) ?? []), row]);
  const problems: string[] = [];
  for (const remote of provider) {
    const mine = byProviderId.get(remote.id) ?? [];
    if (mine.length > 1) problems.push(`provider activation ${remote.id} is attached to ${mine.length} purchases: ${mine.map((a) => a.id).join(", ")}`);
    if (!PROVIDER_OPEN.has(remote.status)) continue;
    const open = mine.filter((a) => OPEN_STATES.has(a.state));
    if (open.length === 0) {
      problems.push(
        mine.length === 0
          ? `provider activation ${remote.id} (${remote.status}) is open and no purchase knows it`
          : `provider activation ${remote.id} (${remote.status}) is open but the bot ended purchase ${mine[0]?.id} as ${mine[0]?.state}`,
      );
    }
  }
  return problems;
}

/**
 * The bot's end of each purchase agrees with the provider's: a number that received an SMS is
 * charged (A4), one that received none is refunded (A3), and nothing is left reserved.
 */
export function outcomesMatchProvider(db: Db, provider: FakeActivation[], delivered: DeliveredSms[]): string[] {
  const remote = new Map(provider.map((a) => [a.id, a]));
  const gotSms = new Set(delivered.map((d) => d.providerId));
  const problems: string[] = [];
  for (const a of allActivations(db)) {
    const hadSms = a.providerId !== null && gotSms.has(a.providerId);
    if (OPEN_STATES.has(a.state)) continue; // openPastLifetime speaks of those
    if (hadSms && !CHARGED_STATES.has(a.state)) problems.push(`activation ${a.id} got an SMS at the provider but ended ${a.state} (not charged)`);
    if (!hadSms && CHARGED_STATES.has(a.state)) problems.push(`activation ${a.id} is ${a.state} (charged) but the provider never received an SMS for it`);
    if (a.providerId !== null && !remote.has(a.providerId)) problems.push(`activation ${a.id} names provider activation ${a.providerId}, which the provider never had`);
    if (a.providerId !== null && REFUNDED_STATES.has(a.state) && PROVIDER_OPEN.has(remote.get(a.providerId)?.status ?? "")) {
      problems.push(`activation ${a.id} was refunded (${a.state}) while the provider still holds ${a.providerId} open`);
    }
  }
  return problems;
}

export interface Payer {
  telegramId: number;
  /** Shop minor units the user paid in, by Telegram's own record of their payments. */
  paidIn: number;
}

/** What each user paid in, from the fake Telegram's Star transactions and what each invoice promised. */
export function paidIn(db: Db, tg: FakeTelegram): Map<number, number> {
  const promised = new Map(db.select({ payload: topups.payload, credit: topups.creditMinor }).from(topups).all().map((t) => [t.payload, t.credit]));
  const out = new Map<number, number>();
  for (const tx of tg.starTransactions()) {
    const source = tx.source as { user?: { id?: number }; invoice_payload?: string } | undefined;
    const userId = source?.user?.id;
    const credit = promised.get(source?.invoice_payload ?? "");
    if (userId === undefined || credit === undefined) continue;
    out.set(userId, (out.get(userId) ?? 0) + credit);
  }
  return out;
}

/**
 * Each user's balance is what they paid in minus the prices of their numbers that received a code,
 * and nothing is still held.
 */
export function balancesAddUp(db: Db, ledger: Ledger, tg: FakeTelegram, telegramIds: number[], delivered: DeliveredSms[]): string[] {
  const paid = paidIn(db, tg);
  const gotSms = new Set(delivered.map((d) => d.providerId));
  const accounts = db.select({ id: users.id, telegramId: users.telegramId }).from(users).all();
  const rows = allActivations(db);
  const problems: string[] = [];
  for (const telegramId of telegramIds) {
    const account = accounts.find((u) => u.telegramId === telegramId);
    if (!account) continue;
    const spent = rows.filter((a) => a.userId === account.id && a.providerId !== null && gotSms.has(a.providerId)).reduce((sum, a) => sum + a.price, 0);
    const expected = (paid.get(telegramId) ?? 0) - spent;
    const balance = ledger.balanceOf(account.id);
    if (balance.posted !== expected || balance.held !== 0) {
      problems.push(`user ${telegramId} (account ${account.id}): balance ${balance.posted} held ${balance.held}, expected ${expected} held 0 (paid in ${paid.get(telegramId) ?? 0}, codes cost ${spent})`);
    }
  }
  return problems;
}

export interface CodeDelivery {
  problems: string[];
  /** Codes that reached their chat more than once (allowed only where `mayRepeat` says so). */
  duplicates: string[];
}

/**
 * Every code reached its chat as a message of its own (the number card, which repeats the codes,
 * aside): exactly once, or at most twice for a code in `mayRepeat` (its send was cut by a kill).
 */
export function codesReachedTheirChats(db: Db, people: FakeUser[], delivered: DeliveredSms[], mayRepeat: ReadonlySet<string> = new Set()): CodeDelivery {
  const rows = allActivations(db);
  const accounts = db.select({ id: users.id, telegramId: users.telegramId }).from(users).all();
  const chats = new Map(people.map((u) => [u.id, u]));
  const problems: string[] = [];
  const duplicates: string[] = [];
  for (const sms of delivered) {
    const activation = rows.find((a) => a.providerId === sms.providerId);
    if (!activation) {
      problems.push(`code ${sms.code}: provider activation ${sms.providerId} belongs to no purchase`);
      continue;
    }
    const telegramId = accounts.find((u) => u.id === activation.userId)?.telegramId;
    const chat = telegramId === undefined ? undefined : chats.get(telegramId);
    if (!chat) {
      problems.push(`code ${sms.code}: no chat for account ${activation.userId}`);
      continue;
    }
    // The code as a whole number, not a run of digits inside a phone number.
    const pattern = new RegExp(`(?<!\\d)${sms.code}(?!\\d)`);
    const carrying = chat.botMessages().filter((m: ChatMessage) => m.id !== activation.cardMessageId && pattern.test(m.text));
    const seen = carrying.length;
    if (seen > 1) duplicates.push(sms.code);
    const allowed = mayRepeat.has(sms.code) ? 2 : 1;
    if (seen === 0) problems.push(`code ${sms.code} (activation ${activation.id}) never reached chat ${chat.id}`);
    else if (seen > allowed) {
      const shown = carrying.map((m) => `#${m.id} ${JSON.stringify(m.text.split("\n")[0])}`).join(", ");
      problems.push(`code ${sms.code} (activation ${activation.id}, card #${activation.cardMessageId}) reached chat ${chat.id} ${seen} times: ${shown}`);
    }
  }
  return { problems, duplicates };
}

/** Every check at once, for the end of a run; `ledger.checkInvariants()` included. */
export function auditShop(input: {
  db: Db;
  ledger: Ledger;
  tg: FakeTelegram;
  users: FakeUser[];
  provider: FakeActivation[];
  delivered: DeliveredSms[];
  now: number;
  ttlMs: number;
  sweepMs: number;
  mayRepeat?: ReadonlySet<string>;
}): { problems: Record<string, string[]>; duplicates: string[] } {
  const codes = codesReachedTheirChats(input.db, input.users, input.delivered, input.mayRepeat);
  return {
    problems: {
      ledger: input.ledger.checkInvariants(),
      openPastLifetime: openPastLifetime(input.db, input.now, input.ttlMs, input.sweepMs),
      forgottenAtProvider: forgottenAtProvider(input.db, input.provider),
      outcomes: outcomesMatchProvider(input.db, input.provider, input.delivered),
      balances: balancesAddUp(input.db, input.ledger, input.tg, input.users.map((u) => u.id), input.delivered),
      codes: codes.problems,
    },
    duplicates: codes.duplicates,
  };
}

/** The shape `auditShop(...).problems` has when all is well. */
export const NO_PROBLEMS = { ledger: [], openPastLifetime: [], forgottenAtProvider: [], outcomes: [], balances: [], codes: [] };
