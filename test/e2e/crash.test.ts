import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/open.ts";
import { openStore } from "../../src/db/open.ts";
import * as schema from "../../src/db/schema.ts";
import { Ledger } from "../../src/domain/ledger.ts";
import { seededRandom, startFaultProxy, telegramMethod, type ProxiedRequest, type ProxyDecision } from "../fakes/faultProxy.ts";
import { startFakeSmsActivate } from "../fakes/smsActivateServer.ts";
import { startFakeTelegram, type FakeUser } from "../fakes/telegram.ts";
import { ADMIN_ID } from "../helpers/app.ts";
import { startBotProcess, type BotProcess } from "../helpers/botProcess.ts";
import { auditShop, forgottenAtProvider, NO_PROBLEMS, type DeliveredSms } from "../helpers/shopAudit.ts";
import { buy, endNumber, hasOpenCard, join as joinShop, setPatience, shopper, topUp } from "../helpers/shoppers.ts";
import { SOAK_SCALE, soakSeed, soakTimeout } from "../helpers/soak.ts";

/*
 * The crash suite (issue 10): the bot runs as its own process (`src/main.ts`, what `npm start`
 * runs) against the fake Telegram and the fake sms-activate host in this process, and is killed
 * with SIGKILL at random moments of purchases, cancels, payments and deliveries: when the provider
 * is asked for a number (before it acts, or after it acted and before the bot hears), when it
 * answers a cancel, while a code or a payment notice is being sent, or at a random time. Each time
 * it is restarted on the same database file. Afterwards the shop is audited as in the fault suite,
 * and every code reached its chat exactly once, except a code whose very send the kill cut (its
 * outbox row was still `sending` when the process died; Telegram gives no way to know whether it
 * went out): at most one duplicate each, and they are counted.
 *
 * The process's clock is started ahead of the real one (test/helpers/shiftedClock.ts) to move it,
 * with the fake provider's, past lifetimes. `npm run soak` runs more users and cycles.
 */

const SEED = soakSeed(20_261_203);
const USERS = 8 * SOAK_SCALE;
const CYCLES = 3 * SOAK_SCALE;
const TTL_MS = 20 * 60_000;
const SWEEP_MS = 30_000;
const OPEN = ["reserving", "waiting", "cancelling", "received"] as const;

type Trigger = "buy-before-provider" | "buy-after-provider" | "cancel-before-provider" | "cancel-after-provider" | "code-send-before" | "code-send-after" | "payment-notice" | "timer";
/** The moments a kill hits, the ones issue 10 names first: every run of `npm test` meets those three. */
const TRIGGERS: Trigger[] = ["code-send-after", "buy-after-provider", "cancel-before-provider", "buy-before-provider", "cancel-after-provider", "code-send-before", "payment-notice", "timer"];

const dir = mkdtempSync(join(tmpdir(), "bot-crash-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A short read of the database the bot process is using (WAL lets it read beside the writer). */
function readDb<T>(path: string, read: (db: Db) => T): T {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 5000");
    return read(drizzle(sqlite, { schema }));
  } finally {
    sqlite.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`the crash suite (seed ${SEED}, ${USERS} users, ${CYCLES} kills)`, () => {
  it("issue 10: killed with SIGKILL in the middle of purchases, cancels and deliveries, the bot loses nothing, leaves nothing open, and sends each code once", async () => {
    const random = seededRandom(SEED);
    let starts = 0;
    let offset = 0;
    const now = () => Date.now() + offset;
    const dbPath = join(dir, "bot.sqlite");

    const fake = await startFakeSmsActivate({
      now,
      balance: 1_000_000,
      prices: [
        { service: "tg", country: "0", cost: "25", count: 100_000 },
        { service: "tg", country: "6", cost: "12.5", count: 100_000 },
      ],
    });
    cleanups.push(() => fake.close());
    const providerNet = await startFaultProxy({ target: fake.url });
    cleanups.push(() => providerNet.close());
    const tg = await startFakeTelegram({ now });
    cleanups.push(() => tg.close());
    const telegramNet = await startFaultProxy({ target: tg.apiRoot });
    cleanups.push(() => telegramNet.close());

    const env = {
      BOT_TOKEN: tg.token,
      BOT_API_ROOT: telegramNet.url,
      DATABASE_PATH: dbPath,
      LOG_LEVEL: "info",
      ADMIN_IDS: String(ADMIN_ID),
      PROVIDER: "sms-activate",
      PROVIDER_API_URL: providerNet.url,
      PROVIDER_API_KEY: fake.apiKey,
      PROVIDER_TIMEOUT_SECONDS: "2",
      STATUS_POLL_SECONDS: "1",
    };
    let bot: BotProcess | undefined;
    cleanups.push(async () => {
      bot?.kill("SIGKILL");
      await bot?.exit;
    });
    const start = async () => {
      bot = startBotProcess(env, offset);
      await bot.started();
      starts++;
      return bot;
    };
    const stop = async (signal: NodeJS.Signals) => {
      const running = bot;
      if (!running) return;
      running.kill(signal);
      await running.exit;
    };

    const users: FakeUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(shopper(tg, i));
    const delivered: DeliveredSms[] = [];
    const pendingCodes = new Set<string>();
    /** Codes whose send a kill cut (Telegram had it, or may have had it): a second copy is allowed. */
    const cutDuringSend = new Set<string>();
    const kills: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    let nextCode = 910_001;

    const codeIn = (request: ProxiedRequest): string | undefined => {
      if (telegramMethod(request) !== "sendMessage") return undefined;
      const text = request.params["text"] ?? "";
      return [...pendingCodes].find((code) => text.includes(code));
    };

    /** Arms one kill; resolves when it happened. */
    const arm = (trigger: Trigger): Promise<void> =>
      new Promise((resolve) => {
        let done = false;
        const kill = (late = false): void => {
          if (done) return;
          done = true;
          const name = late ? `${trigger} (not met: timer)` : trigger;
          kills[name] = (kills[name] ?? 0) + 1;
          bot?.kill("SIGKILL");
          providerNet.setDecide(undefined);
          providerNet.setAfterUpstream(undefined);
          telegramNet.setDecide(undefined);
          telegramNet.setAfterUpstream(undefined);
          resolve();
        };
        const isBuy = (r: ProxiedRequest) => r.params["action"] === "getNumber" || r.params["action"] === "getNumberV2";
        switch (trigger) {
          case "buy-before-provider":
            providerNet.setDecide((r): ProxyDecision => {
              if (!isBuy(r) || done) return { kind: "pass" };
              kill();
              return { kind: "drop" };
            });
            break;
          case "buy-after-provider":
            providerNet.setAfterUpstream((r) => isBuy(r) && kill());
            break;
          case "cancel-before-provider":
            providerNet.setDecide((r): ProxyDecision => {
              if (r.params["action"] !== "setStatus" || done) return { kind: "pass" };
              kill();
              return { kind: "drop" };
            });
            break;
          case "cancel-after-provider":
            providerNet.setAfterUpstream((r) => r.params["action"] === "setStatus" && kill());
            break;
          case "code-send-before":
            telegramNet.setDecide((r): ProxyDecision => {
              if (done || codeIn(r) === undefined) return { kind: "pass" };
              kill();
              return { kind: "drop" };
            });
            break;
          case "code-send-after":
            telegramNet.setAfterUpstream((r) => {
              const code = codeIn(r);
              if (code === undefined || done) return;
              cutDuringSend.add(code);
              kill();
            });
            break;
          case "payment-notice":
            telegramNet.setAfterUpstream((r) => telegramMethod(r) === "sendMessage" && (r.params["text"] ?? "").includes("Payment received") && kill());
            break;
          case "timer":
            break;
        }
        // Whatever the trigger, the process dies within a few seconds.
        const wait = 300 + Math.floor(random() * 2_500);
        setTimeout(() => kill(trigger !== "timer"), trigger === "timer" ? wait : 10_000);
      });

    /** Codes of the SMS messages the dead process was sending (the outbox's `sending` rows). */
    const inFlightCodes = (): string[] =>
      readDb(dbPath, (db) => {
        const rows = db.select({ payload: schema.outbox.payload }).from(schema.outbox).where(inArray(schema.outbox.status, ["sending"])).all();
        const smsIds = rows
          .map((row) => JSON.parse(row.payload) as { kind?: string; smsId?: number })
          .filter((message) => message.kind === "activation-sms" && typeof message.smsId === "number")
          .map((message) => message.smsId ?? 0);
        if (smsIds.length === 0) return [];
        return db.select({ code: schema.activationSms.code }).from(schema.activationSms).where(inArray(schema.activationSms.id, smsIds)).all().map((row) => row.code ?? "");
      });

    /** SMS for some numbers the users hold now (what the bot issued and the provider still has open). */
    const heldNumbers = () => readDb(dbPath, (db) => db.select().from(schema.activations).where(inArray(schema.activations.state, ["waiting", "received"])).all());
    const deliverSome = (chance: number): void => {
      const open = new Map(fake.activations().map((a) => [a.id, a.status]));
      const held = heldNumbers().filter((a) => ["waiting", "received"].includes(open.get(a.providerId ?? "") ?? ""));
      const before = delivered.length;
      for (const [i, activation] of held.entries()) {
        // At least one SMS whenever a number is held, however slow the machine.
        if (random() >= chance && !(i === held.length - 1 && delivered.length === before)) continue;
        const code = String(nextCode++);
        fake.deliverSms(activation.providerId ?? "", `Your verification code is ${code}. Do not share it.`, code);
        delivered.push({ providerId: activation.providerId ?? "", code });
        pendingCodes.add(code);
      }
    };

    // Everyone joins and pays before the first kill.
    setPatience(10_000);
    await start();
    expect((await Promise.all(users.map((u) => joinShop(u)))).filter((o) => o !== "done")).toEqual([]);
    for (const outcome of await Promise.all(users.map((u) => topUp(u)))) outcomes[`top-up ${outcome}`] = (outcomes[`top-up ${outcome}`] ?? 0) + 1;
    setPatience(5_000);

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const trigger = TRIGGERS[cycle % TRIGGERS.length] ?? "timer";
      const killed = arm(trigger);
      const plans = users.map((user) => {
        const r = random();
        const which = random();
        const after = Math.floor(random() * 1_500);
        const act = () => {
          if (r < 0.1) return topUp(user);
          if (hasOpenCard(user) && r < 0.4) return endNumber(user, r < 0.3 ? "cancel" : "ban", (n) => Math.floor(which * n));
          return buy(user, /^Telegram$/, (n) => Math.floor(which * n));
        };
        // Spread over a moment, so that a kill finds some orders done, some in flight, some not begun.
        return () => sleep(after).then(act);
      });
      const acting = Promise.all(plans.map((plan) => plan())).then((done) => {
        for (const outcome of done) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      });
      const held = Date.now() + 8_000;
      while (heldNumbers().length === 0 && Date.now() < held) await sleep(200);
      deliverSome(0.5);
      await killed;
      await bot?.exit;
      // Whatever the moment, a code whose send was in flight when the process died may go out twice.
      for (const code of inFlightCodes()) cutDuringSend.add(code);
      await acting;
      // Time passes while the bot is down: cancels become allowed, reservations grow stale.
      offset += 40_000 + Math.floor(random() * 60_000);
      await start();
      // A moment of normal life after the restart: late answers, recovered purchases, resent messages.
      await sleep(1_500);
      deliverSome(0.3);
      await sleep(1_000);
    }

    // No more kills. The owners of every half-way state settle it at start-up: each restart runs
    // the recovery, and the provider lets a number be cancelled two minutes after it was bought.
    const halfWay = () =>
      readDb(dbPath, (db) => db.select().from(schema.activations).where(inArray(schema.activations.state, ["reserving", "cancelling"])).all().length);
    for (let i = 0; i < 3 && (i === 0 || halfWay() > 0); i++) {
      await stop("SIGTERM");
      offset += 150_000;
      await start();
      const until = Date.now() + 6_000;
      while (halfWay() > 0 && Date.now() < until) await sleep(200);
    }
    expect(readDb(dbPath, (db) => forgottenAtProvider(db, fake.activations()))).toEqual([]);

    // Past every lifetime and one sweep: the expiry job ends what is left at start-up; the outbox empties.
    await stop("SIGTERM");
    offset += TTL_MS + SWEEP_MS + 60_000;
    await start();
    const settled = () =>
      readDb(dbPath, (db) => {
        const open = db.select({ id: schema.activations.id }).from(schema.activations).where(inArray(schema.activations.state, [...OPEN])).all().length;
        const unsent = db.select({ id: schema.outbox.id }).from(schema.outbox).where(inArray(schema.outbox.status, ["pending", "sending"])).all().length;
        return open === 0 && unsent === 0;
      });
    const deadline = Date.now() + 30_000;
    while (!settled() && Date.now() < deadline) await sleep(200);
    await sleep(500);
    await stop("SIGTERM");
    expect(bot?.output()).toContain('"msg":"stopped"');

    const store = openStore(dbPath);
    cleanups.push(async () => store.close());
    const audit = auditShop({
      db: store.db,
      ledger: new Ledger(store.db, now),
      tg,
      users,
      provider: fake.activations(),
      delivered,
      now: now(),
      ttlMs: TTL_MS,
      sweepMs: SWEEP_MS,
      mayRepeat: cutDuringSend,
    });
    const states: Record<string, number> = {};
    for (const a of store.db.select({ state: schema.activations.state, why: schema.activations.endReason }).from(schema.activations).all()) {
      const key = a.state === "failed" ? `failed:${a.why ?? "?"}` : a.state;
      states[key] = (states[key] ?? 0) + 1;
    }
    console.log(
      `crash suite seed ${SEED}: users ${USERS}, starts ${starts}, actions ${JSON.stringify(outcomes)}, kills ${JSON.stringify(kills)}, activations ${JSON.stringify(states)}, codes ${delivered.length}, ` +
        `duplicates ${audit.duplicates.length} (sends cut by a kill: ${cutDuringSend.size})`,
    );
    expect(audit.problems).toEqual(NO_PROBLEMS);
    // A duplicate only where the kill cut that very send, at most one per kill.
    expect(audit.duplicates.filter((code) => !cutDuringSend.has(code))).toEqual([]);
    expect(audit.duplicates.length).toBeLessThanOrEqual(Object.values(kills).reduce((a, b) => a + b, 0));
    expect(Object.values(kills).reduce((a, b) => a + b, 0)).toBe(CYCLES);
    expect(delivered.length).toBeGreaterThan(0);
  }, soakTimeout(120_000));
});
