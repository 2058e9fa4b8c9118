import { eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, activationSms, changeCounters, type ActivationState } from "../db/schema.ts";
import type { Activation, ActivationRecords, ActivationSmsRow } from "./activationRecords.ts";
import type { Ledger } from "./ledger.ts";
import type { NumberProvider, ProviderActivation, ProviderSms } from "./numberProvider.ts";
import type { ItemFailures } from "./itemFailures.ts";
import { OperatorAlerts } from "./operatorAlerts.ts";
import type { Outbox } from "./outbox.ts";

/**
 * Reading SMS from the provider (POLICY A1, A2, A4). One request per tick covers every open
 * activation where the protocol allows it. What is new is stored, and each new SMS is queued for
 * its user in the same transaction: an SMS stored is an SMS that will be sent. The first code is
 * where the user is charged (`chargeOnFirstCode`).
 */

/** What changed for one activation. */
export interface ActivationUpdate {
  activation: Activation;
  newSms: ActivationSmsRow[];
  /** Set when this update ended the activation without a code (the hold was voided). */
  refunded?: number;
  stateChanged: boolean;
}

export class ActivationPolling {
  private readonly alerts: OperatorAlerts;

  constructor(
    private readonly db: Db,
    private readonly records: ActivationRecords,
    private readonly ledger: Ledger,
    private readonly provider: NumberProvider,
    private readonly outbox: Outbox,
    private readonly failures: ItemFailures,
    private readonly clock: Clock,
  ) {
    this.alerts = new OperatorAlerts(outbox, clock);
    this.openIds = db
      .select({ id: activations.id, providerId: activations.providerId })
      .from(activations)
      .where(inArray(activations.state, ["waiting", "received"]))
      .prepare();
    this.openCounter = db.select({ n: changeCounters.n }).from(changeCounters).where(eq(changeCounters.name, "open-activations")).prepare();
  }

  private readonly openIds;
  /** Moved by triggers with every activation and SMS change (drizzle/0016_change_counters.sql). */
  private readonly openCounter;
  /** The open activations and the SMS stored for them, as of the counter's value `n`. */
  private openCopy: { n: number; open: { id: number; providerId: string | null }[]; known: Map<number, Set<string>> } | null = null;
  /** The last list the provider gave, keyed by id: a provider that answers an unchanged list with the same array is not keyed again. */
  private lastListed: { list: readonly ProviderActivation[]; byId: Map<string, ProviderActivation> } | null = null;

  private keyed(list: readonly ProviderActivation[]): Map<string, ProviderActivation> {
    if (this.lastListed?.list !== list) this.lastListed = { list, byId: new Map(list.map((remote) => [remote.id, remote])) };
    return this.lastListed.byId;
  }

  /**
   * The ids of the open activations, and the SMS already stored for each (by the provider's SMS
   * ids, not a count: some hosts list only the newest code, so the count can stay the same while a
   * new SMS arrives). Read again only when the counter moved: an idle tick reads one row.
   */
  private openActivations(): { open: { id: number; providerId: string | null }[]; known: Map<number, Set<string>> } {
    // The counter is read first: a change landing after it moves it again, and the next tick reads anew.
    const n = this.openCounter.get()?.n;
    if (n !== undefined && this.openCopy?.n === n) return this.openCopy;
    const open = this.openIds.all();
    const known = new Map<number, Set<string>>();
    for (const row of this.db
      .select({ id: activationSms.activationId, smsId: activationSms.providerSmsId })
      .from(activationSms)
      .innerJoin(activations, eq(activations.id, activationSms.activationId))
      .where(inArray(activations.state, ["waiting", "received"]))
      .all()) {
      const ids = known.get(row.id) ?? new Set<string>();
      ids.add(row.smsId);
      known.set(row.id, ids);
    }
    this.openCopy = n === undefined ? null : { n, open, known };
    return { open, known };
  }

  /** One polling tick. Returns what changed (the messages are already queued). */
  async poll(): Promise<{ updates: ActivationUpdate[]; requests: number; failures: number }> {
    const { open, known } = this.openActivations();
    if (open.length === 0) return { updates: [], requests: 0, failures: 0 };
    let requests = 1;
    let failures = 0;
    const listed = await this.provider.listOpenActivations();
    const byId = listed.ok && listed.value ? this.keyed(listed.value) : new Map<string, ProviderActivation>();
    if (!listed.ok) {
      failures++;
      // A revoked key or a banned account stops every user's SMS: the admins hear of it at once.
      this.alerts.jobFailed("activation-poll", listed.failure);
    }
    // An activation with nothing new costs no write.
    const updates: ActivationUpdate[] = [];
    for (const { id, providerId } of open) {
      if (providerId === null) continue;
      let remote = byId.get(providerId);
      if (!remote) {
        if (!listed.ok) continue; // The provider is down: try again next tick.
        // Missing from a complete list means it ended there; without a list, ask one by one.
        requests++;
        const single = await this.provider.getActivation(providerId);
        if (!single.ok) {
          if (single.failure.kind === "not_found") {
            const row = this.records.byId(id);
            if (!row) continue;
            remote = { ...emptyRemote(row), state: "ended" };
          } else {
            failures++;
            this.alerts.jobFailed("activation-poll", single.failure);
            continue;
          }
        } else remote = single.value;
      }
      const stillOpen = remote.state === "waiting" || remote.state === "received";
      const seen = known.get(id);
      if (stillOpen && remote.sms.every((sms) => seen?.has(sms.id) === true)) continue;
      const local = this.records.byId(id);
      if (!local) continue;
      const current = remote;
      const update = await this.failures.guard("activation-poll", `activation ${local.id}`, () => this.apply(local, current));
      if (update) updates.push(update);
    }
    return { updates, requests, failures };
  }

  /**
   * Records what the provider says about one activation, with the messages it causes, in one
   * transaction; exactly once by the state guards and the unique SMS key.
   */
  apply(local: Activation, remote: ProviderActivation): ActivationUpdate | undefined {
    return this.ledger.write((): ActivationUpdate | undefined => {
      const current = this.records.byId(local.id);
      if (!current || !["waiting", "received", "cancelling"].includes(current.state)) return undefined;
      const newSms = this.recordSms(current, remote.sms);
      let activation = this.records.byId(current.id) ?? current;
      let stateChanged = activation.state !== current.state;
      let refunded: number | undefined;
      const ended = ["cancelled", "finished", "expired", "banned", "ended"].includes(remote.state);
      if (ended && activation.state !== "cancelling") {
        if (activation.state === "received") {
          activation = this.records.transition(activation, "received", "finished", { endReason: "provider" }) ?? activation;
        } else if (activation.state === "waiting") {
          // The provider ended it on its side with no code: the user is never left charged.
          const to: ActivationState = remote.state === "expired" ? "expired" : "cancelled";
          const endedRow = this.records.transition(activation, "waiting", to, { endReason: "provider" });
          if (endedRow) {
            this.ledger.void(endedRow.holdId);
            refunded = endedRow.price;
            activation = endedRow;
          }
        }
        stateChanged = true;
      }
      if (newSms.length === 0 && !stateChanged) return undefined;
      const update: ActivationUpdate = { activation, newSms, stateChanged, ...(refunded !== undefined ? { refunded } : {}) };
      queueUpdateMessages(this.outbox, update);
      return update;
    });
  }

  /** Stores SMS not seen before and charges the user at the first code. Runs inside a write. */
  private recordSms(activation: Activation, sms: ProviderSms[]): ActivationSmsRow[] {
    const inserted: ActivationSmsRow[] = [];
    for (const message of sms) {
      const row = this.db
        .insert(activationSms)
        .values({ activationId: activation.id, providerSmsId: message.id, text: message.text, code: message.code, receivedAt: message.receivedAt })
        .onConflictDoNothing()
        .returning()
        .get();
      if (row) inserted.push(row);
    }
    if (inserted.some((row) => row.code !== null || row.text.length > 0)) this.chargeOnFirstCode(activation);
    return inserted;
  }

  /**
   * Where the user is charged (POLICY A4, B4): the first SMS of an activation moves it to
   * `received` and captures the hold placed at Confirm. Later SMS cost nothing more.
   */
  private chargeOnFirstCode(activation: Activation): void {
    if (activation.state !== "waiting" && activation.state !== "cancelling") return;
    const received = this.records.transition(activation, activation.state, "received", { firstCodeAt: this.clock() });
    if (!received) return;
    const result = this.ledger.capture(received.holdId, `${received.serviceName} · ${received.countryName} · +${received.phone ?? ""}`);
    if (!result.ok) throw new Error(`charging activation ${received.id} failed: ${result.reason}`);
  }
}

/**
 * The messages one change of an activation causes: each new SMS as its own message, a refund
 * notice when it ended without a code, and a redraw of the number card. Call inside the change's
 * transaction.
 */
export function queueUpdateMessages(outbox: Outbox, update: ActivationUpdate): void {
  const { activation } = update;
  for (const sms of update.newSms) {
    outbox.toUser(activation.userId, { kind: "activation-sms", activationId: activation.id, smsId: sms.id }, `sms:${sms.id}`);
  }
  if (update.refunded !== undefined) {
    const key = activation.state === "expired" ? "card-expired-refunded" : "card-ended-refunded";
    outbox.toUser(activation.userId, { kind: "activation-notice", activationId: activation.id, key, vars: { amount: { money: update.refunded } } }, `ended:${activation.id}`);
  }
  queueCardRedraw(outbox, activation, update.newSms.at(-1)?.id ?? 0);
}

/** Redraws the card once per distinct content: its state and the newest SMS it shows. */
export function queueCardRedraw(outbox: Outbox, activation: Activation, lastSmsId: number): void {
  if (activation.cardChatId === null) return;
  const version = `${activation.state}:${lastSmsId}:${activation.endedAt ?? 0}`;
  outbox.toUser(activation.userId, { kind: "activation-card", activationId: activation.id }, `card:${activation.id}:${version}`);
}

function emptyRemote(local: Activation): ProviderActivation {
  return {
    id: local.providerId ?? "",
    phone: local.phone ?? "",
    service: local.serviceCode,
    country: local.countryCode,
    costMicros: local.costMicros,
    state: "ended",
    sms: [],
    expiresAt: null,
  };
}
