import { and, desc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { activations, activationSms, buyingSuspensions, type ActivationState } from "../db/schema.ts";
import type { NumberProvider, ProviderActivation, ProviderFailure, ProviderFailureKind, ProviderSms } from "../providers/types.ts";
import type { CatalogStore } from "./catalog.ts";
import type { Clock } from "./clock.ts";
import type { Ledger } from "./ledger.ts";

/**
 * One-time activations (POLICY A1-A8) as a state machine over the ledger. Money: a hold when the
 * user confirms, captured when the first code arrives (A4), voided when no code ever came (A3, A5).
 * A provider call never sits inside a transaction; every transition is a guarded UPDATE, so a
 * second click, a replayed update, a poller and a user racing, or a restart, apply it once.
 */

export type Activation = typeof activations.$inferSelect;
export type ActivationSmsRow = typeof activationSms.$inferSelect;

export interface ActivationSettings {
  ttlMs: number;
  /** After this long without an SMS the user is reminded that cancelling is free (A6). */
  reminderAfterMs: number;
  /** A6: this many cancellations without a code within `windowMs` suspend buying for `suspendMs`. */
  abuse: { limit: number; windowMs: number; suspendMs: number };
}

const OPEN_STATES: ActivationState[] = ["reserving", "waiting", "cancelling", "received"];
/** A buy whose answer has not come back after this long is settled by the recovery sweep. */
export const RESERVING_GRACE_MS = 60_000;

export type ReserveResult =
  | { ok: true; activation: Activation; duplicate: boolean }
  | { ok: false; reason: "insufficient_funds"; price: number; available: number; missing: number }
  | { ok: false; reason: "suspended"; until: number }
  /** The price went up since the user saw it (a catalog refresh): they must agree again. */
  | { ok: false; reason: "price_changed"; price: number }
  | { ok: false; reason: "not_offered" | "out_of_stock" | "account_not_active" };

export type BuyOutcome =
  | { ok: true; activation: Activation }
  /** The provider's answer is unknown; the recovery sweep settles it. The hold stays. */
  | { ok: false; reason: "pending"; activation: Activation }
  | { ok: false; reason: ProviderFailureKind | "already_settled"; activation: Activation; failure?: ProviderFailure };

export type EndOutcome =
  | { ok: true; activation: Activation; refunded: number; suspendedUntil?: number }
  | { ok: false; reason: "not_found" | "has_code" | "ended" | "busy" | "temporary" | "not_yet_issued"; activation?: Activation }
  | { ok: false; reason: "too_early"; at: number; activation: Activation };

export type CodeActionOutcome =
  | { ok: true; activation: Activation }
  | { ok: false; reason: "not_found" | "no_code" | "ended" | "temporary" | "refused"; activation?: Activation };

/** What changed for one activation during a poll, for the bot to tell the user. */
export interface ActivationUpdate {
  activation: Activation;
  newSms: ActivationSmsRow[];
  /** Set when this update ended the activation without a code (the hold was voided). */
  refunded?: number;
  stateChanged: boolean;
}

export class Activations {
  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly catalog: CatalogStore,
    private readonly provider: NumberProvider,
    private readonly clock: Clock,
    readonly settings: ActivationSettings,
  ) {}

  byId(id: number): Activation | undefined {
    return this.db.select().from(activations).where(eq(activations.id, id)).get();
  }

  byOrderKey(orderKey: string): Activation | undefined {
    return this.db.select().from(activations).where(eq(activations.orderKey, orderKey)).get();
  }

  sms(activationId: number): ActivationSmsRow[] {
    return this.db.select().from(activationSms).where(eq(activationSms.activationId, activationId)).orderBy(activationSms.id).all();
  }

  /** The user's activations, newest first. */
  ofUser(userId: number, limit = 10, offset = 0): Activation[] {
    return this.db
      .select()
      .from(activations)
      .where(eq(activations.userId, userId))
      .orderBy(desc(activations.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countOfUser(userId: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(activations).where(eq(activations.userId, userId)).get()?.n ?? 0;
  }

  open(): Activation[] {
    return this.db.select().from(activations).where(inArray(activations.state, OPEN_STATES)).all();
  }

  /** An active buying suspension (A6), if any. */
  suspension(userId: number): { until: number; reason: string } | undefined {
    const row = this.db
      .select()
      .from(buyingSuspensions)
      .where(and(eq(buyingSuspensions.userId, userId), gt(buyingSuspensions.endsAt, this.clock())))
      .orderBy(desc(buyingSuspensions.endsAt))
      .get();
    return row ? { until: row.endsAt, reason: row.reason } : undefined;
  }

  // ---------------------------------------------------------------- purchase

  /**
   * Step 1 of a purchase: checks the offer and the user, reserves the price, records the
   * activation as `reserving`. Idempotent on `orderKey` (the confirm button): pressing it twice
   * finds the same activation and reserves nothing more.
   */
  reserve(request: { userId: number; serviceCode: string; countryCode: string; orderKey: string; maxPrice?: number }): ReserveResult {
    return this.ledger.write((): ReserveResult => {
      const existing = this.byOrderKey(request.orderKey);
      if (existing) {
        if (existing.userId !== request.userId) return { ok: false, reason: "not_offered" };
        return { ok: true, activation: existing, duplicate: true };
      }
      const suspended = this.suspension(request.userId);
      if (suspended) return { ok: false, reason: "suspended", until: suspended.until };
      const service = this.catalog.service(request.serviceCode);
      const country = this.catalog.country(request.countryCode);
      const offer = this.catalog.offer(request.serviceCode, request.countryCode);
      // The catalog only holds what may be sold, but the rules are checked again at the till (P2, P3).
      if (!service || !country || !offer || !this.catalog.isServiceAllowed(service) || !this.catalog.isCountryAllowed(country)) {
        return { ok: false, reason: "not_offered" };
      }
      if (offer.stock <= 0) return { ok: false, reason: "out_of_stock" };
      if (request.maxPrice !== undefined && offer.price > request.maxPrice) return { ok: false, reason: "price_changed", price: offer.price };
      const hold = this.ledger.hold({
        userId: request.userId,
        amount: offer.price,
        ref: { type: "activation", id: request.orderKey },
        idempotencyKey: `activation:${request.orderKey}`,
      });
      if (!hold.ok) {
        if (hold.reason === "insufficient_funds") {
          return { ok: false, reason: "insufficient_funds", price: offer.price, available: hold.available, missing: hold.missing };
        }
        return { ok: false, reason: "account_not_active" };
      }
      const activation = this.db
        .insert(activations)
        .values({
          userId: request.userId,
          orderKey: request.orderKey,
          serviceCode: service.code,
          serviceName: service.name,
          countryCode: country.code,
          countryName: country.name,
          countryIso2: country.iso2,
          price: offer.price,
          costMicros: offer.costMicros,
          holdId: hold.hold.id,
          provider: this.provider.name,
          createdAt: this.clock(),
        })
        .returning()
        .get();
      return { ok: true, activation, duplicate: false };
    });
  }

  /**
   * Step 2: asks the provider for a number (outside any transaction) and settles the activation.
   * A lost answer is resolved by looking at the provider's open activations, never by buying again.
   */
  async buy(activationId: number): Promise<BuyOutcome> {
    const activation = this.byId(activationId);
    if (!activation) throw new Error(`no activation ${activationId}`);
    if (activation.state !== "reserving") return { ok: false, reason: "already_settled", activation };
    const result = await this.provider.buy({
      service: activation.serviceCode,
      country: activation.countryCode,
      orderId: activation.orderKey,
      // Never pay the provider more than the cost the price was computed from.
      maxCostMicros: activation.costMicros,
    });
    if (result.ok) return this.issue(activation, result.value);
    if (result.failure.kind === "temporary" || result.failure.kind === "unrecognised") return this.recover(activation);
    return this.fail(activation, result.failure);
  }

  /** The recovery sweep: settles purchases left `reserving` by a crash or a lost answer. */
  async settleStaleReservations(): Promise<BuyOutcome[]> {
    const stale = this.db
      .select()
      .from(activations)
      .where(and(eq(activations.state, "reserving"), lte(activations.createdAt, this.clock() - RESERVING_GRACE_MS)))
      .all();
    const outcomes: BuyOutcome[] = [];
    for (const activation of stale) outcomes.push(await this.recover(activation));
    return outcomes;
  }

  private async recover(activation: Activation): Promise<BuyOutcome> {
    const known = this.db
      .select({ id: activations.providerId })
      .from(activations)
      .where(and(eq(activations.provider, this.provider.name), sql`${activations.providerId} IS NOT NULL`, gt(activations.createdAt, activation.createdAt - 86_400_000)))
      .all()
      .map((row) => row.id ?? "");
    const found = await this.provider.recoverBuy({
      service: activation.serviceCode,
      country: activation.countryCode,
      orderId: activation.orderKey,
      maxCostMicros: activation.costMicros,
      since: activation.createdAt,
      knownIds: known,
    });
    if (!found.ok) {
      // Still unknown: keep the hold and try again later; never guess.
      return { ok: false, reason: "pending", activation: this.byId(activation.id) ?? activation };
    }
    if (found.value === null) return this.fail(activation, { kind: "temporary", message: "the provider has no such activation" });
    return this.issue(activation, found.value);
  }

  private async issue(activation: Activation, bought: ProviderActivation): Promise<BuyOutcome> {
    const now = this.clock();
    const expiresAt = Math.min(now + this.settings.ttlMs, bought.expiresAt ?? Number.MAX_SAFE_INTEGER);
    const issued = this.db
      .update(activations)
      .set({ state: "waiting", providerId: bought.id, phone: bought.phone, expiresAt })
      .where(and(eq(activations.id, activation.id), eq(activations.state, "reserving")))
      .returning()
      .get();
    if (issued) return { ok: true, activation: issued };
    // Settled meanwhile (the sweep gave up on it): the number is not the user's; give it back.
    await this.provider.cancel(bought.id);
    return { ok: false, reason: "already_settled", activation: this.byId(activation.id) ?? activation };
  }

  private fail(activation: Activation, failure: ProviderFailure): BuyOutcome {
    const failed = this.ledger.write(() => {
      const row = this.db
        .update(activations)
        .set({ state: "failed", endReason: failure.kind, endedAt: this.clock() })
        .where(and(eq(activations.id, activation.id), eq(activations.state, "reserving")))
        .returning()
        .get();
      if (row) this.ledger.void(row.holdId);
      return row;
    });
    if (failure.kind === "out_of_stock") this.catalog.markOutOfStock(activation.serviceCode, activation.countryCode);
    if (!failed) return { ok: false, reason: "already_settled", activation: this.byId(activation.id) ?? activation };
    return { ok: false, reason: failure.kind, activation: failed, failure };
  }

  // ---------------------------------------------------------------- SMS

  /**
   * One polling tick: one request for every open activation where the protocol allows it, a
   * single look-up for an activation missing from that list. Returns what changed.
   */
  async poll(): Promise<{ updates: ActivationUpdate[]; requests: number; failures: number }> {
    const open = this.db
      .select()
      .from(activations)
      .where(inArray(activations.state, ["waiting", "received"]))
      .all();
    if (open.length === 0) return { updates: [], requests: 0, failures: 0 };
    let requests = 1;
    let failures = 0;
    const listed = await this.provider.listOpenActivations();
    const byId = new Map<string, ProviderActivation>();
    if (listed.ok && listed.value) for (const remote of listed.value) byId.set(remote.id, remote);
    if (!listed.ok) failures++;
    // SMS already stored per activation, in one query: an activation with nothing new costs no write.
    const known = new Map(
      this.db
        .select({ id: activationSms.activationId, n: sql<number>`count(*)` })
        .from(activationSms)
        .innerJoin(activations, eq(activations.id, activationSms.activationId))
        .where(inArray(activations.state, ["waiting", "received"]))
        .groupBy(activationSms.activationId)
        .all()
        .map((row) => [row.id, row.n]),
    );
    const updates: ActivationUpdate[] = [];
    for (const local of open) {
      if (local.providerId === null) continue;
      let remote = byId.get(local.providerId);
      if (!remote) {
        if (!listed.ok) continue; // The provider is down: try again next tick.
        // Missing from a complete list means it ended there; without a list, ask one by one.
        requests++;
        const single = await this.provider.getActivation(local.providerId);
        if (!single.ok) {
          if (single.failure.kind === "not_found") remote = { ...emptyRemote(local), state: "ended" };
          else {
            failures++;
            continue;
          }
        } else remote = single.value;
      }
      if (!remote) continue;
      const stillOpen = remote.state === "waiting" || remote.state === "received";
      if (stillOpen && remote.sms.length <= (known.get(local.id) ?? 0)) continue;
      const update = this.apply(local, remote);
      if (update) updates.push(update);
    }
    return { updates, requests, failures };
  }

  /** Records what the provider says about one activation; exactly-once by the guards and unique keys. */
  apply(local: Activation, remote: ProviderActivation): ActivationUpdate | undefined {
    return this.ledger.write((): ActivationUpdate | undefined => {
      const current = this.byId(local.id);
      if (!current || !["waiting", "received", "cancelling"].includes(current.state)) return undefined;
      const newSms = this.recordSms(current, remote.sms);
      let activation = this.byId(current.id) ?? current;
      let stateChanged = activation.state !== current.state;
      let refunded: number | undefined;
      const ended = ["cancelled", "finished", "expired", "banned", "ended"].includes(remote.state);
      if (ended && activation.state !== "cancelling") {
        if (activation.state === "received") {
          activation = this.transition(activation, "received", "finished", { endReason: "provider" }) ?? activation;
        } else if (activation.state === "waiting") {
          // The provider ended it on its side with no code: the user is never left charged.
          const to: ActivationState = remote.state === "expired" ? "expired" : "cancelled";
          const endedRow = this.transition(activation, "waiting", to, { endReason: "provider" });
          if (endedRow) {
            this.ledger.void(endedRow.holdId);
            refunded = endedRow.price;
            activation = endedRow;
          }
        }
        stateChanged = true;
      }
      if (newSms.length === 0 && !stateChanged) return undefined;
      return { activation, newSms, stateChanged, ...(refunded !== undefined ? { refunded } : {}) };
    });
  }

  /** Stores SMS not seen before; the first code captures the hold (A4). Must run inside a write. */
  private recordSms(activation: Activation, sms: ProviderSms[]): ActivationSmsRow[] {
    const inserted: ActivationSmsRow[] = [];
    for (const message of sms) {
      const row = this.db
        .insert(activationSms)
        .values({
          activationId: activation.id,
          providerSmsId: message.id,
          text: message.text,
          code: message.code,
          receivedAt: message.receivedAt,
        })
        .onConflictDoNothing()
        .returning()
        .get();
      if (row) inserted.push(row);
    }
    const hasCode = inserted.some((row) => row.code !== null || row.text.length > 0);
    if (hasCode && (activation.state === "waiting" || activation.state === "cancelling")) {
      const captured = this.transition(activation, activation.state, "received", { firstCodeAt: this.clock() });
      if (captured) {
        const result = this.ledger.capture(captured.holdId, `${captured.serviceName} · ${captured.countryName} · +${captured.phone ?? ""}`);
        if (!result.ok) throw new Error(`capturing activation ${captured.id} failed: ${result.reason}`);
      }
    }
    return inserted;
  }

  markDelivered(smsIds: number[]): void {
    if (smsIds.length === 0) return;
    this.db.update(activationSms).set({ deliveredAt: this.clock() }).where(inArray(activationSms.id, smsIds)).run();
  }

  undelivered(activationId: number): ActivationSmsRow[] {
    return this.db
      .select()
      .from(activationSms)
      .where(and(eq(activationSms.activationId, activationId), isNull(activationSms.deliveredAt)))
      .orderBy(activationSms.id)
      .all();
  }

  // ---------------------------------------------------------------- ending

  /** Cancel or Ban before a code (A3, A5): the provider first, the refund only once it agreed. */
  async cancel(activationId: number, userId: number, kind: "cancel" | "ban"): Promise<EndOutcome> {
    const claim = this.ledger.write((): EndOutcome | { claimed: Activation } => {
      const activation = this.byId(activationId);
      if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
      if (activation.state === "received" || activation.state === "finished") return { ok: false, reason: "has_code", activation };
      if (activation.state === "reserving") return { ok: false, reason: "not_yet_issued", activation };
      if (activation.state === "cancelling") return { ok: false, reason: "busy", activation };
      if (activation.state !== "waiting") return { ok: false, reason: "ended", activation };
      if (activation.cancelAllowedAt !== null && activation.cancelAllowedAt > this.clock()) {
        return { ok: false, reason: "too_early", at: activation.cancelAllowedAt, activation };
      }
      const claimed = this.transition(activation, "waiting", "cancelling", {});
      return claimed ? { claimed } : { ok: false, reason: "busy", activation };
    });
    if (!("claimed" in claim)) return claim;
    const activation = claim.claimed;
    const providerId = activation.providerId ?? "";
    const result = kind === "ban" ? await this.provider.ban(providerId) : await this.provider.cancel(providerId);
    if (result.ok || result.failure.kind === "not_found") {
      return this.endWithRefund(activation, "cancelling", kind === "ban" ? "banned" : "cancelled", "user", true);
    }
    if (result.failure.kind === "early_cancel") {
      const at = result.failure.retryAt ?? this.clock() + 120_000;
      const back = this.transition(activation, "cancelling", "waiting", { cancelAllowedAt: at }) ?? activation;
      return { ok: false, reason: "too_early", at, activation: back };
    }
    // Refused or unknown: back to waiting, and learn the truth from the provider (a code may have come).
    const back = this.transition(activation, "cancelling", "waiting", {}) ?? activation;
    if (result.failure.kind === "invalid_state") {
      const remote = await this.provider.getActivation(providerId);
      if (remote.ok) {
        this.apply(back, remote.value);
        const now = this.byId(activation.id) ?? back;
        return { ok: false, reason: now.state === "received" || now.state === "finished" ? "has_code" : "ended", activation: now };
      }
    }
    return { ok: false, reason: "temporary", activation: back };
  }

  private endWithRefund(
    activation: Activation,
    from: ActivationState,
    to: ActivationState,
    reason: string,
    byUser: boolean,
  ): EndOutcome {
    return this.ledger.write((): EndOutcome => {
      const ended = this.transition(activation, from, to, { endReason: reason });
      if (!ended) return { ok: false, reason: "ended", activation: this.byId(activation.id) ?? activation };
      this.ledger.void(ended.holdId);
      const suspendedUntil = byUser ? this.checkAbuse(ended.userId) : undefined;
      return { ok: true, activation: ended, refunded: ended.price, ...(suspendedUntil !== undefined ? { suspendedUntil } : {}) };
    });
  }

  /** A6: too many cancellations without a code in the window suspend buying for a while. */
  private checkAbuse(userId: number): number | undefined {
    const { limit, windowMs, suspendMs } = this.settings.abuse;
    const now = this.clock();
    const recent =
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(activations)
        .where(
          and(
            eq(activations.userId, userId),
            inArray(activations.state, ["cancelled", "banned"]),
            eq(activations.endReason, "user"),
            gt(activations.endedAt, now - windowMs),
          ),
        )
        .get()?.n ?? 0;
    if (recent < limit || this.suspension(userId)) return undefined;
    const until = now + suspendMs;
    this.db
      .insert(buyingSuspensions)
      .values({ userId, reason: `${recent} cancellations without a code`, startsAt: now, endsAt: until })
      .run();
    return until;
  }

  /** "Another SMS" after a code (A2). */
  async requestAnotherSms(activationId: number, userId: number): Promise<CodeActionOutcome> {
    const activation = this.byId(activationId);
    if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
    if (activation.state !== "received") return { ok: false, reason: activation.state === "waiting" ? "no_code" : "ended", activation };
    const result = await this.provider.requestAnotherSms(activation.providerId ?? "");
    if (result.ok) return { ok: true, activation };
    return { ok: false, reason: result.failure.kind === "temporary" ? "temporary" : "refused", activation };
  }

  /** "Finish": the code was used. The activation is already paid; the provider is told it is done. */
  async finish(activationId: number, userId: number): Promise<CodeActionOutcome> {
    const activation = this.byId(activationId);
    if (!activation || activation.userId !== userId) return { ok: false, reason: "not_found" };
    if (activation.state !== "received") return { ok: false, reason: activation.state === "waiting" ? "no_code" : "ended", activation };
    const result = await this.provider.finish(activation.providerId ?? "");
    if (!result.ok && result.failure.kind === "temporary") return { ok: false, reason: "temporary", activation };
    // Refused or unknown at the provider means it has ended there too: done either way.
    const finished = this.transition(activation, "received", "finished", { endReason: "user" });
    return { ok: true, activation: finished ?? this.byId(activationId) ?? activation };
  }

  /**
   * The expiry sweep (A3): a number past its lifetime with no code is cancelled at the provider
   * and refunded; one with a code is finished. A provider that is down is tried again next tick.
   */
  async expireDue(): Promise<ActivationUpdate[]> {
    const now = this.clock();
    const due = this.db
      .select()
      .from(activations)
      .where(and(inArray(activations.state, ["waiting", "received"]), lte(activations.expiresAt, now)))
      .all();
    const updates: ActivationUpdate[] = [];
    for (const activation of due) {
      const providerId = activation.providerId ?? "";
      if (activation.state === "received") {
        const result = await this.provider.finish(providerId);
        if (!result.ok && result.failure.kind === "temporary") continue;
        const finished = this.transition(activation, "received", "finished", { endReason: "expired" });
        if (finished) updates.push({ activation: finished, newSms: [], stateChanged: true });
        continue;
      }
      const result = await this.provider.cancel(providerId);
      if (!result.ok && (result.failure.kind === "temporary" || result.failure.kind === "early_cancel")) continue;
      if (!result.ok && result.failure.kind === "invalid_state") {
        // Refused: perhaps a code arrived at the last moment. Look before refunding.
        const remote = await this.provider.getActivation(providerId);
        if (!remote.ok) continue;
        const update = this.apply(activation, remote.value);
        const after = this.byId(activation.id);
        if (after && after.state !== "waiting") {
          if (update) updates.push(update);
          continue;
        }
      }
      const ended = this.endWithRefund(activation, "waiting", "expired", "expired", false);
      if (ended.ok) updates.push({ activation: ended.activation, newSms: [], stateChanged: true, refunded: ended.refunded });
    }
    return updates;
  }

  /** A6: activations that have waited `reminderAfterMs` without an SMS and were not reminded yet. Marks them. */
  takeDueReminders(): Activation[] {
    const now = this.clock();
    return this.db
      .update(activations)
      .set({ remindedAt: now })
      .where(
        and(
          eq(activations.state, "waiting"),
          isNull(activations.remindedAt),
          lte(activations.createdAt, now - this.settings.reminderAfterMs),
        ),
      )
      .returning()
      .all();
  }

  setCard(activationId: number, chatId: number, messageId: number): void {
    this.db.update(activations).set({ cardChatId: chatId, cardMessageId: messageId }).where(eq(activations.id, activationId)).run();
  }

  private transition(
    activation: Activation,
    from: ActivationState,
    to: ActivationState,
    extra: Partial<Pick<Activation, "endReason" | "firstCodeAt" | "cancelAllowedAt">>,
  ): Activation | undefined {
    const terminal = ["finished", "cancelled", "banned", "expired", "failed"].includes(to);
    return this.db
      .update(activations)
      .set({ state: to, ...extra, ...(terminal ? { endedAt: this.clock() } : {}) })
      .where(and(eq(activations.id, activation.id), eq(activations.state, from)))
      .returning()
      .get();
  }
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
