import { and, eq, inArray, isNull, lte } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, type ActivationState } from "../db/schema.ts";
import type { AbuseGuard } from "./abuse.ts";
import { queueCardRedraw, queueUpdateMessages, type ActivationPolling, type ActivationUpdate } from "./activationPolling.ts";
import type { Activation, ActivationRecords, ActivationSettings } from "./activationRecords.ts";
import type { Ledger } from "./ledger.ts";
import type { NumberProvider, ProviderResult } from "./numberProvider.ts";
import type { ItemFailures } from "./itemFailures.ts";
import type { Outbox } from "./outbox.ts";

/**
 * How an activation ends: Cancel or Ban by the user before a code (A3, A5), Finish or Another SMS
 * after one (A2), expiry when its lifetime is over (A3), and the reminder that cancelling is free
 * (A6). Money goes back only once the provider agreed the number is ended; a refusal is never refunded.
 */

export type EndOutcome =
  | { ok: true; activation: Activation; refunded: number; suspendedUntil?: number }
  /**
   * `unclear`: the provider's answer could not be read, so it may have ended the number or not. It
   * stays `cancelling` with its hold; the owner of `cancelling` asks again and tells the user.
   */
  | { ok: false; reason: "not_found" | "has_code" | "ended" | "busy" | "temporary" | "not_yet_issued" | "unclear"; activation?: Activation }
  | { ok: false; reason: "too_early"; at: number; activation: Activation };

export type CodeActionOutcome =
  | { ok: true; activation: Activation }
  /** `unclear`: the provider's answer to Finish could not be read; nothing changed here. */
  | { ok: false; reason: "not_found" | "no_code" | "ended" | "temporary" | "refused" | "unclear"; activation?: Activation };

export interface EndingDeps {
  db: Db;
  records: ActivationRecords;
  polling: ActivationPolling;
  ledger: Ledger;
  provider: NumberProvider;
  outbox: Outbox;
  abuse: AbuseGuard;
  failures: ItemFailures;
  clock: Clock;
  settings: ActivationSettings;
}

/** What the user asked for when an activation went `cancelling` (kept in end_reason until it ends). */
const CANCEL_INTENT = { cancel: "cancel-requested", ban: "ban-requested" } as const;

export class ActivationEnding {
  /** Cancels this process is asking the provider about right now; any other `cancelling` row was left by a crash. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly deps: EndingDeps) {}

  /** Cancel or Ban before a code (A3, A5): the provider first, the refund only once it agreed. */
  async cancel(activationId: number, userId: number, kind: "cancel" | "ban"): Promise<EndOutcome> {
    const { ledger, records, clock } = this.deps;
    const claim = ledger.write((): EndOutcome | { claimed: Activation } => {
      const activation = records.byId(activationId);
      if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
      if (activation.state === "received" || activation.state === "finished") return { ok: false, reason: "has_code", activation };
      if (activation.state === "reserving") return { ok: false, reason: "not_yet_issued", activation };
      if (activation.state === "cancelling") return { ok: false, reason: "busy", activation };
      if (activation.state !== "waiting") return { ok: false, reason: "ended", activation };
      if (activation.cancelAllowedAt !== null && activation.cancelAllowedAt > clock()) {
        return { ok: false, reason: "too_early", at: activation.cancelAllowedAt, activation };
      }
      const claimed = records.transition(activation, "waiting", "cancelling", { endReason: CANCEL_INTENT[kind] });
      return claimed ? { claimed } : { ok: false, reason: "busy", activation };
    });
    if (!("claimed" in claim)) return claim;
    this.inFlight.add(activationId);
    try {
      return await this.askProviderToEnd(claim.claimed, kind, false);
    } finally {
      this.inFlight.delete(activationId);
    }
  }

  /**
   * The owner of `cancelling`: a cancel whose process died between the claim and the provider's
   * answer (kill -9) is settled at start-up and then every minute, by asking the provider again.
   * Refunded only once the provider says the number is ended; the user is told through the outbox.
   */
  async settleStuckCancels(): Promise<EndOutcome[]> {
    const { db, failures } = this.deps;
    const stuck = db.select().from(activations).where(eq(activations.state, "cancelling")).all();
    const outcomes: EndOutcome[] = [];
    for (const activation of stuck) {
      if (this.inFlight.has(activation.id)) continue;
      const kind = activation.endReason === CANCEL_INTENT.ban ? "ban" : "cancel";
      const outcome = await failures.guard("cancel-recovery", `activation ${activation.id}`, () => this.askProviderToEnd(activation, kind, true));
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  /**
   * Asks the provider to cancel or ban a `cancelling` activation and settles it by the answer:
   * ended there -> refunded; too early -> back to waiting with the time; refused -> the truth is
   * read from the provider (a code may have come); anything unclear -> back to waiting, or, when
   * settling a crash, left `cancelling` to be asked again.
   */
  private async askProviderToEnd(activation: Activation, kind: "cancel" | "ban", afterCrash: boolean): Promise<EndOutcome> {
    const { records, provider, polling, clock } = this.deps;
    const providerId = activation.providerId ?? "";
    const result = kind === "ban" ? await provider.ban(providerId) : await provider.cancel(providerId);
    if (result.ok || result.failure.kind === "not_found") {
      return this.endWithRefund(activation, "cancelling", kind === "ban" ? "banned" : "cancelled", afterCrash ? "user-after-restart" : "user");
    }
    if (result.failure.kind === "early_cancel") {
      const at = result.failure.retryAt ?? clock() + 120_000;
      const back = records.transition(activation, "cancelling", "waiting", { cancelAllowedAt: at, endReason: null }) ?? activation;
      return { ok: false, reason: "too_early", at, activation: back };
    }
    if (result.failure.kind === "invalid_state") {
      // Refused: a code may have come. What the provider says about the number decides.
      const remote = await provider.getActivation(providerId);
      if (remote.ok) {
        polling.apply(activation, remote.value);
        const now = records.byId(activation.id) ?? activation;
        if (now.state === "cancelling") {
          const endedThere = ["cancelled", "finished", "expired", "banned", "ended"].includes(remote.value.state);
          if (endedThere) return this.endWithRefund(activation, "cancelling", kind === "ban" ? "banned" : "cancelled", afterCrash ? "user-after-restart" : "user");
          // Still open there with no code: the cancel simply did not happen.
          const back = records.transition(now, "cancelling", "waiting", { endReason: null }) ?? now;
          return { ok: false, reason: "temporary", activation: back };
        }
        return { ok: false, reason: now.state === "received" || now.state === "finished" ? "has_code" : "ended", activation: now };
      }
    }
    if (afterCrash) return { ok: false, reason: "temporary", activation };
    // An answer nobody can read may mean the number ended there, or not: neither refunded nor
    // offered again; it stays `cancelling`, and the owner of that state asks again.
    if (result.failure.kind === "unrecognised") return { ok: false, reason: "unclear", activation };
    // Not answered, or refused for the operator's reasons: back to waiting; the user may try again.
    const back = records.transition(activation, "cancelling", "waiting", { endReason: null }) ?? activation;
    return { ok: false, reason: "temporary", activation: back };
  }

  /** "Another SMS" after a code (A2). */
  async requestAnotherSms(activationId: number, userId: number): Promise<CodeActionOutcome> {
    const activation = this.deps.records.byId(activationId);
    if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
    if (activation.state !== "received") return { ok: false, reason: activation.state === "waiting" ? "no_code" : "ended", activation };
    const result = await this.deps.provider.requestAnotherSms(activation.providerId ?? "");
    if (result.ok) return { ok: true, activation };
    return { ok: false, reason: result.failure.kind === "temporary" ? "temporary" : "refused", activation };
  }

  /** "Finish": the code was used. The activation is already paid; the provider is told it is done. */
  async finish(activationId: number, userId: number): Promise<CodeActionOutcome> {
    const { records, provider } = this.deps;
    const activation = records.byId(activationId);
    if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
    if (activation.state !== "received") return { ok: false, reason: activation.state === "waiting" ? "no_code" : "ended", activation };
    const result = await provider.finish(activation.providerId ?? "");
    if (!finishedThere(result)) return { ok: false, reason: !result.ok && result.failure.kind === "temporary" ? "temporary" : "unclear", activation };
    const finished = records.transition(activation, "received", "finished", { endReason: "user" });
    return { ok: true, activation: finished ?? records.byId(activationId) ?? activation };
  }

  /**
   * The expiry sweep (A3): a number past its lifetime with no code is cancelled at the provider
   * and refunded; one with a code is finished. A provider that is down is tried again next tick.
   * The users are told through the outbox, in the transaction that ends each number.
   */
  async expireDue(): Promise<ActivationUpdate[]> {
    const { db, clock } = this.deps;
    const due = db
      .select()
      .from(activations)
      .where(and(inArray(activations.state, ["waiting", "received"]), lte(activations.expiresAt, clock())))
      .all();
    const updates: ActivationUpdate[] = [];
    for (const activation of due) {
      const update = await this.deps.failures.guard("activation-expiry", `activation ${activation.id}`, () => this.expireOne(activation));
      if (update) updates.push(update);
    }
    return updates;
  }

  private async expireOne(activation: Activation): Promise<ActivationUpdate | undefined> {
    const { records, provider, polling, ledger, outbox } = this.deps;
    const providerId = activation.providerId ?? "";
    if (activation.state === "received") {
      const result = await provider.finish(providerId);
      // Not known to be finished there (down, unreadable, the operator's side): asked again next run.
      if (!finishedThere(result)) return undefined;
      const finished = ledger.write(() => {
        const row = records.transition(activation, "received", "finished", { endReason: "expired" });
        if (row) queueCardRedraw(outbox, row, 0);
        return row;
      });
      return finished ? { activation: finished, newSms: [], stateChanged: true } : undefined;
    }
    const result = await provider.cancel(providerId);
    // Only an answer that says the activation has ended is a reason to refund; anything unclear
    // (down, an answer nobody understands, a refusal for the operator's reasons) is asked again.
    const ended = result.ok || result.failure.kind === "not_found";
    if (!ended) {
      if (result.failure.kind !== "invalid_state") return undefined;
      // Refused: perhaps a code arrived at the last moment. Look before refunding.
      const remote = await provider.getActivation(providerId);
      if (!remote.ok) return remote.failure.kind === "not_found" ? this.expireWithRefund(activation) : undefined;
      const update = polling.apply(activation, remote.value);
      const after = records.byId(activation.id);
      if (after && after.state !== "waiting") return update;
      // Still waiting there with no code: the cancel was refused for a reason we cannot see. Ask again later.
      return undefined;
    }
    return this.expireWithRefund(activation);
  }

  private expireWithRefund(activation: Activation): ActivationUpdate | undefined {
    const ended = this.endWithRefund(activation, "waiting", "expired", "expired");
    return ended.ok ? { activation: ended.activation, newSms: [], stateChanged: true, refunded: ended.refunded } : undefined;
  }

  /**
   * A6: activations that have waited `reminderAfterMs` without an SMS get one reminder each,
   * queued in the same transaction that marks them reminded. Returns them.
   */
  queueDueReminders(): Activation[] {
    const { db, ledger, outbox, clock, settings } = this.deps;
    const now = clock();
    return ledger.write(() => {
      const due = db
        .update(activations)
        .set({ remindedAt: now })
        .where(and(eq(activations.state, "waiting"), isNull(activations.remindedAt), lte(activations.createdAt, now - settings.reminderAfterMs)))
        .returning()
        .all();
      for (const activation of due) {
        outbox.toUser(activation.userId, { kind: "activation-reminder", activationId: activation.id }, `reminder:${activation.id}`);
      }
      return due;
    });
  }

  /**
   * Ends an activation without a code and voids its hold. Ended by the user, the cancellation
   * counts for the abuse rule (the handler tells the user); ended by expiry, the user is told
   * through the outbox.
   */
  private endWithRefund(activation: Activation, from: ActivationState, to: ActivationState, reason: "user" | "user-after-restart" | "expired"): EndOutcome {
    const { ledger, records, abuse, outbox } = this.deps;
    return ledger.write((): EndOutcome => {
      // A cancel settled after a restart counts for the abuse rule like any other ("user").
      const ended = records.transition(activation, from, to, { endReason: reason === "expired" ? "expired" : "user" });
      if (!ended) return { ok: false, reason: "ended", activation: records.byId(activation.id) ?? activation };
      ledger.void(ended.holdId);
      if (reason === "expired") {
        queueUpdateMessages(outbox, { activation: ended, newSms: [], stateChanged: true, refunded: ended.price });
        return { ok: true, activation: ended, refunded: ended.price };
      }
      if (reason === "user-after-restart") {
        // The handler that would have answered the press died with the process: the user is told here.
        const key = to === "banned" ? "card-banned-refunded" : "card-cancelled-refunded";
        outbox.toUser(ended.userId, { kind: "activation-notice", activationId: ended.id, key, vars: { amount: { money: ended.price } } }, `ended:${ended.id}`);
        queueCardRedraw(outbox, ended, 0);
      }
      const suspendedUntil = abuse.afterUserCancel(ended.userId);
      return { ok: true, activation: ended, refunded: ended.price, ...(suspendedUntil !== undefined ? { suspendedUntil } : {}) };
    });
  }
}

/**
 * Whether the provider's answer to Finish says the activation is done there: finished, or refused
 * because it has already ended or the provider no longer knows it. Anything else (no answer, an
 * answer nobody can read) leaves it open here, to be asked again.
 */
function finishedThere(result: ProviderResult<void>): boolean {
  return result.ok || result.failure.kind === "invalid_state" || result.failure.kind === "not_found";
}
