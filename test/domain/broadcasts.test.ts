import { GrammyError, type Api } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { Broadcasts } from "../../src/domain/broadcasts.ts";
import { runBroadcasts, type BroadcastSenderDeps } from "../../src/jobs/broadcastJob.ts";
import { createLogger } from "../../src/logger.ts";
import { testWorld, type TestWorld } from "../helpers/store.ts";

let world: TestWorld;
afterEach(() => world?.store.close());

type Send = (chatId: number) => void;

/** The admin who starts the test broadcasts; not a subscriber. */
const ADMIN = 1;

/**
 * A stand-in for the Bot API: `onSend` decides what each send to a subscriber does (throw to fail
 * it); messages to the admin (the final report when there is no progress message) go to `reports`.
 */
function fakeApi(onSend: Send): { api: Api; sent: number[]; edits: string[]; reports: string[] } {
  const sent: number[] = [];
  const edits: string[] = [];
  const reports: string[] = [];
  const api = {
    sendMessage: (chatId: number, text: string) => {
      if (chatId === ADMIN) {
        reports.push(text);
        return Promise.resolve({ message_id: 0 });
      }
      onSend(chatId);
      sent.push(chatId);
      return Promise.resolve({ message_id: sent.length });
    },
    copyMessage: (chatId: number) => {
      onSend(chatId);
      sent.push(chatId);
      return Promise.resolve({ message_id: sent.length });
    },
    editMessageText: (_chat: number, _message: number, text: string) => {
      edits.push(text);
      return Promise.resolve(true);
    },
  };
  return { api: api as unknown as Api, sent, edits, reports };
}

function apiError(code: number, description: string, retryAfter?: number): GrammyError {
  return new GrammyError(
    `Call to 'sendMessage' failed! (${code}: ${description})`,
    { ok: false, error_code: code, description, ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}) },
    "sendMessage",
    {},
  );
}

function senderDeps(api: Api, broadcasts: Broadcasts, sleeps: number[] = []): BroadcastSenderDeps {
  return {
    store: world.store,
    broadcasts,
    accounts: world.accounts,
    api,
    translatorFor: () => (key, vars) => `${key} ${JSON.stringify(vars ?? {})}`,
    logger: createLogger("silent"),
    now: world.clock,
    paceMs: 0,
    retryDelayMs: 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

function telegramIdOf(userId: number): number {
  const account = world.accounts.byId(userId);
  if (!account) throw new Error(`no account ${userId}`);
  return account.telegramId;
}

describe("broadcasts: recipients and delivery states", () => {
  it("recipients are active accounts that did not opt out of news and did not block the bot (B6)", () => {
    world = testWorld();
    const keen = world.newUser();
    const optedOut = world.newUser();
    const blockedBot = world.newUser();
    const blockedAccount = world.newUser();
    world.accounts.setNewsOptOut(optedOut, true);
    world.accounts.setBotBlocked(telegramIdOf(blockedBot), world.clock());
    world.accounts.block(blockedAccount, "law enforcement", true);
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast, recipients } = broadcasts.start(ADMIN, { kind: "text", text: "hello" });
    expect(recipients).toBe(1);
    const counts = broadcasts.counts(broadcast.id);
    expect(counts).toMatchObject({ total: 1, pending: 1, sent: 0 });
    // Opted out and blocked the bot are skipped; a blocked account is not a subscriber at all.
    expect(counts.skipped).toBe(2);
    expect(broadcasts.claimNext(broadcast.id)?.userId).toBe(keen);
    expect(broadcasts.claimNext(broadcast.id)).toBeUndefined();
  });

  it("a 429 waits retry_after and retries the same recipient without failing them; a 403 marks blocked", async () => {
    world = testWorld();
    const first = world.newUser();
    const second = world.newUser();
    const third = world.newUser();
    const floods = new Set([telegramIdOf(first)]);
    const { api, sent, reports } = fakeApi((chatId) => {
      if (floods.delete(chatId)) throw apiError(429, "Too Many Requests: retry after 7", 7);
      if (chatId === telegramIdOf(second)) throw apiError(403, "Forbidden: bot was blocked by the user");
    });
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast } = broadcasts.start(ADMIN, { kind: "text", text: "news <b>" });
    const sleeps: number[] = [];
    await runBroadcasts(senderDeps(api, broadcasts, sleeps));
    expect(sleeps).toContain(7000);
    expect(sent).toEqual([telegramIdOf(first), telegramIdOf(third)]);
    expect(broadcasts.counts(broadcast.id)).toMatchObject({ total: 3, sent: 2, blocked: 1, failed: 0, pending: 0 });
    expect(world.accounts.byId(second)?.botBlockedAt).toBe(world.clock());
    expect(broadcasts.byId(broadcast.id)?.status).toBe("done");
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain("broadcast-report-done");
    expect(reports[0]).toContain('"sent":2');
  });

  it("other errors are tried 3 times, then the recipient is failed and the rest still get it", async () => {
    world = testWorld();
    const flaky = world.newUser();
    const fine = world.newUser();
    let tries = 0;
    const { api, sent } = fakeApi((chatId) => {
      if (chatId === telegramIdOf(flaky)) {
        tries++;
        throw apiError(500, "Internal Server Error");
      }
    });
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast } = broadcasts.start(ADMIN, { kind: "text", text: "hi" });
    await runBroadcasts(senderDeps(api, broadcasts));
    expect(tries).toBe(3);
    expect(sent).toEqual([telegramIdOf(fine)]);
    expect(broadcasts.counts(broadcast.id)).toMatchObject({ sent: 1, failed: 1 });
  });

  it("a delivery in flight when the process died is written off, never sent twice; the rest resume", async () => {
    world = testWorld();
    const inFlight = world.newUser();
    const rest = [world.newUser(), world.newUser()];
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast } = broadcasts.start(ADMIN, { kind: "text", text: "hi" });
    // The crashed sender had claimed the first recipient and had not heard back from Telegram.
    expect(broadcasts.claimNext(broadcast.id)?.userId).toBe(inFlight);
    const { api, sent } = fakeApi(() => undefined);
    await runBroadcasts(senderDeps(api, broadcasts));
    expect(sent).toEqual(rest.map(telegramIdOf));
    expect(broadcasts.counts(broadcast.id)).toMatchObject({ sent: 2, failed: 1, pending: 0 });
    // Running again sends nothing more.
    await runBroadcasts(senderDeps(api, broadcasts));
    expect(sent).toHaveLength(2);
  });

  it("a cancelled broadcast sends nothing more", async () => {
    world = testWorld();
    world.newUser();
    world.newUser();
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast } = broadcasts.start(ADMIN, { kind: "text", text: "hi" });
    const { api, sent } = fakeApi(() => {
      broadcasts.cancel(broadcast.id);
    });
    await runBroadcasts(senderDeps(api, broadcasts));
    expect(sent).toHaveLength(1);
    expect(broadcasts.byId(broadcast.id)?.status).toBe("cancelled");
    expect(broadcasts.counts(broadcast.id)).toMatchObject({ sent: 1, pending: 1 });
  });

  it("a recipient who opts out after the start is skipped at send time", async () => {
    world = testWorld();
    const changedMind = world.newUser();
    world.newUser();
    const broadcasts = new Broadcasts(world.store.db, world.clock);
    const { broadcast } = broadcasts.start(ADMIN, { kind: "copy", fromChatId: 1, fromMessageId: 5 });
    world.accounts.setNewsOptOut(changedMind, true);
    const { api, sent } = fakeApi(() => undefined);
    await runBroadcasts(senderDeps(api, broadcasts));
    expect(sent).toHaveLength(1);
    expect(broadcasts.counts(broadcast.id)).toMatchObject({ total: 2, sent: 1, skipped: 1 });
  });
});
