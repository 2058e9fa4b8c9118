import type { Clock } from "../../clock.ts";
import type { Outbox, OutboxRow } from "../../domain/outbox.ts";
import type { Logger } from "../../logger.ts";

/**
 * Drains the outbox: takes what is due (in order per chat, one message per chat at a time), sends
 * it paced under Telegram's limits, and records the outcome. Temporary failures wait with a
 * growing delay (or as long as a flood limit says) and never hold up other chats; only a
 * permanent failure (the user blocked the bot, a chat that does not exist) ends a message unsent.
 * A slow or failing Telegram never blocks the jobs that read the provider: they only write rows.
 */

export type DeliveryResult =
  | { status: "sent" }
  /** The user blocked the bot (or deleted their Telegram account). */
  | { status: "blocked" }
  /** Nothing to send any more (the account is gone, the number moved on). */
  | { status: "dropped"; reason: string }
  /** Will never work (bad request, chat not found). */
  | { status: "failed"; error: string }
  /**
   * Try again later; `retryAfterMs` when Telegram said how long (429). `unsure` when the message
   * may have gone out all the same (the connection dropped after the request was sent).
   */
  | { status: "retry"; error: string; retryAfterMs?: number; unsure?: boolean };

/** Sends one message; never throws for a Telegram answer (it classifies it). */
export type Deliver = (row: OutboxRow) => Promise<DeliveryResult>;

export interface SenderOptions {
  /** Messages a second, all chats together (Telegram allows about 30). */
  perSecond: number;
  /** Messages in flight at once (each to a different chat). */
  concurrency: number;
  /** How often to look for due retries when nothing wakes the sender. */
  idleMs: number;
  /** First retry delay; doubles with each attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Attempts after which an error that is not Telegram's (a bug, a closed database) gives up. */
  maxAttempts: number;
  /** Attempts of an at-most-once (broadcast) message before it is written off; flood limits do not count. */
  atMostOnceAttempts: number;
}

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  // Just under Telegram's ~30 a second: the pacing is deadline-based, so this is the rate kept.
  perSecond: 28,
  concurrency: 8,
  idleMs: 1_000,
  backoffMs: 2_000,
  maxBackoffMs: 5 * 60_000,
  maxAttempts: 12,
  atMostOnceAttempts: 3,
};

export class OutboxSender {
  private readonly options: SenderOptions;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Taken from the queue and waiting for their pacing slot: not in flight yet, but not idle either. */
  private claimed = 0;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** The earliest moment the next message may go (pacing). */
  private nextSlot = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly deliver: Deliver,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<SenderOptions> = {},
  ) {
    this.options = { ...DEFAULT_SENDER_OPTIONS, ...options };
  }

  /** Puts back what a dead process left in flight, then drains until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = this.outbox.recoverInFlight();
    if (recovered.resent + recovered.writtenOff > 0) this.logger.warn(recovered, "outbox messages in flight at the last stop");
    this.unsubscribe = this.outbox.onEnqueued(() => this.wake());
    this.loop = this.run();
  }

  /** Stops taking messages and waits for those in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Nothing in flight and nothing due now (messages waiting for a retry later do not count). */
  isIdle(): boolean {
    if (!this.running) return true;
    if (this.inFlight.size > 0 || this.claimed > 0 || this.woken) return false;
    const due = this.outbox.nextDueAt();
    return due === undefined || due > this.clock();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Sends everything due now and waits for it (tests, and the benchmark). Messages that end up
   * waiting for a retry are left for later.
   */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = this.outbox.claimDue(this.options.concurrency);
      if (rows.length === 0) {
        if (this.inFlight.size === 0) return sent;
        await Promise.race(this.inFlight);
        continue;
      }
      sent += rows.length;
      await Promise.all(rows.map((row) => this.send(row)));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      const free = this.options.concurrency - this.inFlight.size;
      let rows: OutboxRow[] = [];
      try {
        rows = this.outbox.claimDue(free);
      } catch (error) {
        if (!this.running) break;
        this.logger.error({ err: error }, "outbox: could not read due messages");
      }
      this.claimed = rows.length;
      for (const row of rows) {
        await this.pace();
        this.claimed--;
        if (!this.running) {
          // Taken but not sent: back to the queue at once, nothing is lost or doubled.
          this.outbox.retryAt(row.id, this.clock(), "sender stopped");
          continue;
        }
        const task = this.send(row).finally(() => {
          this.inFlight.delete(task);
          this.wake();
        });
        this.inFlight.add(task);
      }
      if (!this.running) break;
      if (rows.length > 0 && this.inFlight.size < this.options.concurrency) continue;
      await this.sleep();
    }
  }

  /** Waits for a wake-up, a finished send, or the idle period (which finds due retries). */
  private sleep(): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.idleMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async pace(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.options.perSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  private async send(row: OutboxRow): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await this.deliver(row);
    } catch (error) {
      // Not a Telegram answer (those are classified): a bug or a closed database. Retried a few times.
      const message = error instanceof Error ? error.message : String(error);
      result =
        row.attempts >= this.options.maxAttempts
          ? { status: "failed", error: message }
          : { status: "retry", error: message };
      this.logger.error({ err: error, outbox: row.id, kind: row.message.kind }, "outbox: delivery threw");
    }
    try {
      this.record(row, result);
    } catch (error) {
      // The database closed under us (shutdown): the row stays `sending` and is resent at start-up.
      this.logger.warn({ err: error, outbox: row.id }, "outbox: could not record a delivery");
    }
  }

  private record(row: OutboxRow, result: DeliveryResult): void {
    switch (result.status) {
      case "sent":
      case "blocked":
        this.outbox.settle(row.id, result.status);
        return;
      case "dropped":
        this.outbox.settle(row.id, "dropped", result.reason);
        return;
      case "failed":
        this.logger.warn({ outbox: row.id, chat: row.chatId, kind: row.message.kind, error: result.error }, "outbox: message could not be delivered");
        this.outbox.settle(row.id, "failed", result.error);
        return;
      case "retry": {
        if (row.atMostOnce && result.retryAfterMs === undefined && (result.unsure === true || row.attempts >= this.options.atMostOnceAttempts)) {
          // A broadcast is never risked twice: a send that may have gone through, or one that keeps
          // failing, is written off.
          this.outbox.settle(row.id, "failed", result.error);
          return;
        }
        const backoff = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** Math.max(0, row.attempts - 1));
        const wait = result.retryAfterMs ?? backoff;
        this.logger.info({ outbox: row.id, chat: row.chatId, attempts: row.attempts, waitMs: wait, error: result.error }, "outbox: will retry");
        this.outbox.retryAt(row.id, this.clock() + wait, result.error);
        return;
      }
    }
  }
}
