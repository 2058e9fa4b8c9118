import { and, eq, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { activations, users, type ActivationState } from "../db/schema.ts";
import type { Account, Accounts } from "./accounts.ts";
import type { Activation, Activations } from "./activations.ts";
import type { AuditLog } from "./audit.ts";
import type { Balance, Ledger, LedgerEntry } from "./ledger.ts";
import type { NumberProvider } from "./numberProvider.ts";
import type { Outbox } from "./outbox.ts";
import { activationRefundObjection, type ActivationRefundObjection } from "./refundRules.ts";

/**
 * What the shop's admins can change. Every change runs in one ledger transaction together with its
 * audit entry and the message that tells the user, so an action is done, recorded and announced, or
 * none of these; every money move goes through the Ledger with an idempotency key, so a replayed
 * admin update applies once. `told` says whether a message to the user was queued (not whether it
 * arrived: the outbox sender delivers it later, in the user's language).
 */

export type UserLookup = { ok: true; account: Account } | { ok: false; reason: "not_found" | "ambiguous" };

export type AdminRefundResult =
  /** Before a code: the activation was ended here and its hold released (nothing was ever charged). */
  | { ok: true; kind: "released"; activation: Activation; account: Account; amount: number; told: boolean }
  /** After a code: the price went back to the balance as a refund entry. */
  | { ok: true; kind: "refunded"; activation: Activation; account: Account; amount: number; entry: LedgerEntry; told: boolean }
  | { ok: false; reason: "not_found" | "busy" }
  | { ok: false; reason: "already_refunded" | "not_charged" | "account_deleted"; activation: Activation }
  /** POLICY A4 or W4 refuses it; the admin may override explicitly (`force`). */
  | { ok: false; reason: ActivationRefundObjection; activation: Activation };

export type AdjustResult =
  /** A duplicate (the same key again) changes nothing and tells nobody. */
  | { ok: true; entry: LedgerEntry; duplicate: boolean; balance: Balance; told: boolean }
  | { ok: false; reason: "insufficient_funds"; available: number; missing: number }
  /** POLICY B2: a frozen balance is kept whole until the block is lifted; it can be credited, not debited. */
  | { ok: false; reason: "account_deleted" | "idempotency_conflict" | "frozen" }
  /** More than one admin operation may move, or a balance it would take past the limit. */
  | { ok: false; reason: "over_limit"; max: number };

export type BlockResult = { ok: true; account: Account; told: boolean } | { ok: false; reason: "account_deleted" | "already_blocked" | "not_blocked" };

export interface AdminActionsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Accounts;
  activations: Pick<Activations, "byId" | "suspension" | "abuse">;
  audit: AuditLog;
  outbox: Pick<Outbox, "toUser">;
  clock: Clock;
  /** Told (best effort, never waited on for the refund) when an admin ends a number before its code. */
  provider: Pick<NumberProvider, "cancel">;
  settings: AdminSettings;
}

export interface AdminSettings {
  /** ADMIN_MAX_AMOUNT in minor units: no single credit or debit, and no balance an admin credit leads to, beyond it. */
  maxAmount: number;
}

/** States of an activation whose hold is still open: no code yet. */
const NOT_CHARGED_OPEN: ActivationState[] = ["reserving", "waiting", "cancelling"];

export class AdminActions {
  constructor(private readonly deps: AdminActionsDeps) {}

  /**
   * `@name` is a username; `#12` an account id; a bare number a Telegram id or an account id — if
   * it names two different accounts, the admin must say which (money must never go to the wrong one).
   */
  findUser(ref: string): UserLookup {
    const text = ref.trim();
    const { db } = this.deps;
    if (text.startsWith("@")) {
      const name = text.slice(1).toLowerCase();
      const found = db
        .select()
        .from(users)
        .where(and(sql`lower(${users.username}) = ${name}`, ne(users.status, "deleted")))
        .all();
      if (found.length > 1) return { ok: false, reason: "ambiguous" };
      return found[0] ? { ok: true, account: found[0] } : { ok: false, reason: "not_found" };
    }
    const explicitId = text.startsWith("#");
    const n = Number(explicitId ? text.slice(1) : text);
    if (!/^#?\d{1,15}$/.test(text) || !Number.isSafeInteger(n)) return { ok: false, reason: "not_found" };
    const byId = this.deps.accounts.byId(n);
    if (explicitId) return byId ? { ok: true, account: byId } : { ok: false, reason: "not_found" };
    const byTelegram = this.deps.accounts.findByTelegramId(n);
    if (byId && byTelegram && byId.id !== byTelegram.id) return { ok: false, reason: "ambiguous" };
    const account = byTelegram ?? byId;
    return account ? { ok: true, account } : { ok: false, reason: "not_found" };
  }

  /**
   * Gives an activation's price back whatever its state. Before a code the hold is still open: the
   * activation is ended here with a guarded UPDATE (the activations module only ends activations
   * after asking the provider, and an admin refund must not wait on the provider) and the hold is
   * voided. After a code the purchase was captured: a `refund` entry, once per activation.
   * The rules come first: a delivered code (A4) or an activation older than a month (W4) is refunded
   * only with `override` (recorded in the audit log); a deleted account never.
   */
  async refund(request: { adminTelegramId: number; activationId: number; reason: string; override?: boolean }): Promise<AdminRefundResult> {
    const { ledger, audit, db } = this.deps;
    const result = ledger.write((): AdminRefundResult => {
      const activation = this.deps.activations.byId(request.activationId);
      if (!activation) return { ok: false, reason: "not_found" };
      const account = this.deps.accounts.byId(activation.userId);
      const hold = ledger.holdById(activation.holdId);
      if (!account || !hold) throw new Error(`activation ${activation.id} has no account or hold`);
      const targetRef = `activation:${activation.id}`;

      if (hold.status === "voided") {
        return { ok: false, reason: activation.endReason === "admin" ? "already_refunded" : "not_charged", activation };
      }
      // Never into a deleted account, whatever the admin says: its balance was forfeited (B2, B3).
      if (account.status === "deleted") return { ok: false, reason: "account_deleted", activation };
      const objection = activationRefundObjection(activation, hold.status === "captured", this.deps.clock());
      if (objection && !request.override) return { ok: false, reason: objection, activation };
      const overridden = objection ? ` (rule ${objection === "code_delivered" ? "A4" : "W4"} overridden: ${objection})` : "";
      if (hold.status === "open") {
        if (!NOT_CHARGED_OPEN.includes(activation.state)) return { ok: false, reason: "busy" };
        // A number never issued cannot be "cancelled" (the store requires a phone for that): it failed.
        const to: ActivationState = activation.state === "reserving" ? "failed" : "cancelled";
        const ended = db
          .update(activations)
          .set({ state: to, endReason: "admin", endedAt: this.deps.clock() })
          .where(and(eq(activations.id, activation.id), eq(activations.state, activation.state)))
          .returning()
          .get();
        if (!ended) return { ok: false, reason: "busy" };
        const voided = ledger.void(hold.id);
        if (!voided.ok) throw new Error(`voiding hold ${hold.id} failed: ${voided.reason}`);
        audit.write({
          adminTelegramId: request.adminTelegramId,
          action: "refund",
          targetUserId: account.id,
          targetRef,
          amount: hold.amount,
          reason: request.reason,
          details: `${activation.state} -> ${to}, hold ${hold.id} released${overridden}`,
        });
        const told = this.tellRefunded(ended, hold.amount, request.reason);
        return { ok: true, kind: "released", activation: ended, account, amount: hold.amount, told };
      }

      const credited = ledger.credit({
        userId: account.id,
        amount: hold.amount,
        kind: "refund",
        ref: { type: "activation", id: activation.orderKey },
        idempotencyKey: `admin-refund:${activation.id}`,
        memo: request.reason,
        actorTelegramId: request.adminTelegramId,
      });
      if (!credited.ok) throw new Error(`refunding activation ${activation.id} failed: ${credited.reason}`);
      if (credited.duplicate) return { ok: false, reason: "already_refunded", activation };
      audit.write({
        adminTelegramId: request.adminTelegramId,
        action: "refund",
        targetUserId: account.id,
        targetRef,
        amount: hold.amount,
        reason: request.reason,
        details: `after a code (${activation.state}), ledger entry ${credited.entry.id}${overridden}`,
      });
      const told = this.tellRefunded(activation, hold.amount, request.reason);
      return { ok: true, kind: "refunded", activation, account, amount: hold.amount, entry: credited.entry, told };
    });

    // Give the number back so the provider does not bill it; the refund stands whatever it answers.
    if (result.ok && result.kind === "released" && result.activation.providerId) {
      try {
        await this.deps.provider.cancel(result.activation.providerId);
      } catch {
        // Best effort only: the expiry at the provider ends it anyway.
      }
    }
    return result;
  }

  /** An admin's credit (amount > 0) or debit (amount < 0); a debit never takes `available` below zero. */
  adjust(request: { adminTelegramId: number; account: Account; amount: number; reason: string; idempotencyKey: string }): AdjustResult {
    const { ledger, audit } = this.deps;
    return ledger.write((): AdjustResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      if (request.amount < 0 && account.balanceFrozen) return { ok: false, reason: "frozen" };
      const max = this.deps.settings.maxAmount;
      if (!Number.isSafeInteger(request.amount) || Math.abs(request.amount) > max) return { ok: false, reason: "over_limit", max };
      if (request.amount > 0 && ledger.balanceOf(account.id).posted + request.amount > max) return { ok: false, reason: "over_limit", max };
      const posted = ledger.adjust({
        userId: account.id,
        amount: request.amount,
        ref: { type: "admin", id: request.idempotencyKey },
        idempotencyKey: request.idempotencyKey,
        memo: request.reason,
        actorTelegramId: request.adminTelegramId,
      });
      if (!posted.ok) {
        if (posted.reason === "insufficient_funds") return { ok: false, reason: "insufficient_funds", available: posted.available, missing: posted.missing };
        if (posted.reason === "unknown_user") return { ok: false, reason: "account_deleted" };
        if (posted.reason === "balance_limit") return { ok: false, reason: "over_limit", max };
        return { ok: false, reason: "idempotency_conflict" };
      }
      const balance = ledger.balanceOf(account.id);
      if (posted.duplicate) return { ok: true, entry: posted.entry, duplicate: true, balance, told: false };
      audit.write({
        adminTelegramId: request.adminTelegramId,
        action: request.amount > 0 ? "credit" : "debit",
        targetUserId: account.id,
        amount: Math.abs(request.amount),
        reason: request.reason,
        details: `ledger entry ${posted.entry.id}`,
      });
      const told = this.deps.outbox.toUser(
        account.id,
        {
          kind: "notice",
          key: request.amount > 0 ? "admin-notice-credited" : "admin-notice-debited",
          vars: { amount: { money: Math.abs(request.amount) }, reason: request.reason, balance: { money: balance.available } },
        },
        `admin-adjust:${request.idempotencyKey}`,
      );
      return { ok: true, entry: posted.entry, duplicate: false, balance, told };
    });
  }

  /** POLICY B2: blocked at the request of law enforcement, so the balance is frozen, not erased. */
  block(request: { adminTelegramId: number; account: Account; reason: string }): BlockResult {
    return this.deps.ledger.write((): BlockResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      if (account.status === "blocked") return { ok: false, reason: "already_blocked" };
      const blocked = this.deps.accounts.block(account.id, request.reason, true);
      if (!blocked) return { ok: false, reason: "account_deleted" };
      const entry = this.deps.audit.write({ adminTelegramId: request.adminTelegramId, action: "block", targetUserId: account.id, reason: request.reason, details: "balance frozen" });
      const told = this.deps.outbox.toUser(account.id, { kind: "notice", key: "account-blocked", vars: { reason: request.reason } }, `admin-block:${account.id}:${entry.id}`);
      return { ok: true, account: blocked, told };
    });
  }

  unblock(request: { adminTelegramId: number; account: Account }): BlockResult {
    return this.deps.ledger.write((): BlockResult => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false, reason: "account_deleted" };
      const unblocked = this.deps.accounts.unblock(account.id);
      if (!unblocked) return { ok: false, reason: "not_blocked" };
      const entry = this.deps.audit.write({ adminTelegramId: request.adminTelegramId, action: "unblock", targetUserId: account.id, details: `was: ${account.blockReason ?? ""}` });
      const told = this.deps.outbox.toUser(account.id, { kind: "notice", key: "admin-notice-unblocked" }, `admin-unblock:${account.id}:${entry.id}`);
      return { ok: true, account: unblocked, told };
    });
  }

  /** Lifts a buying suspension (POLICY A6) before it ends; audited, and the user is told. */
  unsuspend(request: { adminTelegramId: number; account: Account }): { ok: true; told: boolean } | { ok: false; reason: "not_suspended" | "account_deleted" } {
    return this.deps.ledger.write(() => {
      const account = this.deps.accounts.byId(request.account.id);
      if (!account || account.status === "deleted") return { ok: false as const, reason: "account_deleted" as const };
      const was = this.deps.activations.suspension(account.id);
      if (!was || !this.deps.activations.abuse.lift(account.id)) return { ok: false as const, reason: "not_suspended" as const };
      const entry = this.deps.audit.write({ adminTelegramId: request.adminTelegramId, action: "unsuspend", targetUserId: account.id, details: `was: ${was.reason}` });
      const told = this.deps.outbox.toUser(account.id, { kind: "notice", key: "admin-notice-unsuspended" }, `admin-unsuspend:${account.id}:${entry.id}`);
      return { ok: true as const, told };
    });
  }

  /** The number, service and country are filled in when the message is sent, in the user's language. */
  private tellRefunded(activation: Activation, amount: number, reason: string): boolean {
    const balance = this.deps.ledger.balanceOf(activation.userId);
    return this.deps.outbox.toUser(
      activation.userId,
      { kind: "activation-notice", activationId: activation.id, key: "admin-notice-refunded", vars: { amount: { money: amount }, reason, balance: { money: balance.available } } },
      `admin-refund:${activation.id}`,
    );
  }
}
