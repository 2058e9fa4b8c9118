import { and, eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { rentalProblems } from "../db/schema.ts";
import type { AuditLog } from "./audit.ts";
import type { Ledger } from "./ledger.ts";
import type { Outbox } from "./outbox.ts";
import { rentalRef, type Rental, type RentalProblem, type RentalRecords } from "./rentalRecords.ts";
import { dayPrice, refundable, unavailableDays } from "./rentalRules.ts";
import { rentalMemo } from "./rentals.ts";

/**
 * POLICY L1: "the number does not work". The user reports it (the moment is recorded: days are
 * counted from it) and the admins are told. An admin confirms the report (the number was broken
 * since the report) or dismisses it; later marks it working again, or the rental ends. While a
 * confirmed report lasts more than 24 hours, the days it was unavailable are refunded to the
 * balance (rentalRules.unavailableDays), each day once, keyed in the ledger. Numbers the provider
 * itself says were taken away are L2 (rentals.ts, `revoke`), refunded at once.
 * Also the admins' own refund of days, with a reason, audited.
 */

export type ReportOutcome =
  | { ok: true; problem: RentalProblem; duplicate: boolean }
  | { ok: false; reason: "not_found" | "not_active" };

export type DecisionOutcome =
  | { ok: true; problem: RentalProblem; refunded: number }
  | { ok: false; reason: "not_found" | "already_decided" | "not_confirmed" };

export type ManualRefundOutcome =
  | { ok: true; amount: number; rental: Rental }
  | { ok: false; reason: "not_found" | "nothing_left" | "bad_days" };

export interface RentalProblemsDeps {
  db: Db;
  records: RentalRecords;
  ledger: Ledger;
  outbox: Outbox;
  audit: AuditLog;
  clock: Clock;
}

export class RentalProblems {
  constructor(private readonly deps: RentalProblemsDeps) {}

  /** The user says the number does not work: recorded once per episode, admins told. */
  report(rentalId: number, userId: number): ReportOutcome {
    const { ledger, records, db, outbox, clock } = this.deps;
    return ledger.write((): ReportOutcome => {
      const rental = records.ofUserById(rentalId, userId);
      if (!rental) return { ok: false, reason: "not_found" };
      if (rental.state !== "active") return { ok: false, reason: "not_active" };
      const open = records.openProblem(rental.id);
      if (open) return { ok: true, problem: open, duplicate: true };
      const problem = db.insert(rentalProblems).values({ rentalId: rental.id, reportedAt: clock() }).returning().get();
      outbox.toAdmins(
        { kind: "notice", key: "rent-problem-admin", vars: { problem: problem.id, rental: rental.id, phone: `+${rental.phone ?? ""}`, user: rental.userId } },
        `rent-problem:${problem.id}`,
      );
      return { ok: true, problem, duplicate: false };
    });
  }

  /** An admin confirms: broken since the report. Days already over 24 hours are refunded now. */
  confirm(problemId: number, adminTelegramId: number): DecisionOutcome {
    return this.decide(problemId, adminTelegramId, "open", "confirmed");
  }

  /** An admin finds the number working (or the report unfounded): nothing refunded. */
  dismiss(problemId: number, adminTelegramId: number): DecisionOutcome {
    return this.decide(problemId, adminTelegramId, "open", "dismissed");
  }

  /** An admin marks a confirmed problem fixed: the days up to now are settled, the report closed. */
  markWorking(problemId: number, adminTelegramId: number): DecisionOutcome {
    return this.decide(problemId, adminTelegramId, "confirmed", "resolved");
  }

  private decide(problemId: number, admin: number, from: RentalProblem["state"], to: RentalProblem["state"]): DecisionOutcome {
    const { ledger, records, db, outbox, audit, clock } = this.deps;
    return ledger.write((): DecisionOutcome => {
      const problem = records.problemById(problemId);
      if (!problem) return { ok: false, reason: "not_found" };
      if (problem.state !== from) return { ok: false, reason: from === "confirmed" ? "not_confirmed" : "already_decided" };
      const now = clock();
      const decided = db
        .update(rentalProblems)
        .set(to === "resolved" ? { state: to, resolvedAt: now } : { state: to, decidedBy: admin, decidedAt: now })
        .where(and(eq(rentalProblems.id, problemId), eq(rentalProblems.state, from)))
        .returning()
        .get();
      if (!decided) return { ok: false, reason: "already_decided" };
      const rental = records.byId(decided.rentalId);
      if (!rental) throw new Error(`problem ${problemId} has no rental`);
      audit.write({ adminTelegramId: admin, action: `rental-problem-${to}`, targetUserId: rental.userId, targetRef: `rental:${rental.id}`, details: `problem ${problemId}` });
      const refunded = to === "dismissed" ? 0 : this.settleDays(decided, rental);
      outbox.toUser(rental.userId, { kind: "rental-notice", rentalId: rental.id, key: `rent-problem-${to}`, vars: { amount: { money: refunded } } }, `rent-problem-${to}:${problemId}`);
      return { ok: true, problem: records.problemById(problemId) ?? decided, refunded };
    });
  }

  /**
   * Refunds the days of a confirmed (or resolved) problem not refunded yet, each keyed by its number
   * so that no day is ever refunded twice. Inside a write. Returns the amount refunded now.
   */
  private settleDays(problem: RentalProblem, rental: Rental): number {
    const { ledger, records, db, clock } = this.deps;
    const period = records.period(rental);
    const until = problem.resolvedAt ?? Math.min(clock(), rental.endedAt ?? Number.POSITIVE_INFINITY);
    const days = unavailableDays(problem.reportedAt, until, period.endsAt);
    const perDay = dayPrice(period);
    let refunded = 0;
    for (let day = problem.refundedDays + 1; day <= days; day++) {
      const amount = Math.min(perDay, refundable({ ...period, refunded: period.refunded + refunded }));
      if (amount > 0) {
        ledger.credit({
          userId: rental.userId,
          amount,
          kind: "refund",
          ref: rentalRef(rental),
          idempotencyKey: `rental-problem:${problem.id}:day:${day}`,
          memo: `${rentalMemo(rental)} · L1 day ${day}`,
        });
        refunded += amount;
      }
    }
    if (days > problem.refundedDays) db.update(rentalProblems).set({ refundedDays: days }).where(eq(rentalProblems.id, problem.id)).run();
    return refunded;
  }

  /** Hourly: confirmed problems refund each new day beyond the first 24 hours; the user is told. */
  settleConfirmed(): number {
    const { ledger, records, outbox } = this.deps;
    let total = 0;
    for (const problem of records.problemsIn(["confirmed"])) {
      ledger.write(() => {
        const rental = records.byId(problem.rentalId);
        if (!rental) return;
        const refunded = this.settleDays(problem, rental);
        if (refunded > 0) {
          const days = records.problemById(problem.id)?.refundedDays ?? 0;
          outbox.toUser(rental.userId, { kind: "rental-notice", rentalId: rental.id, key: "rent-problem-days-refunded", vars: { amount: { money: refunded }, days } }, `rent-problem-days:${problem.id}:${days}`);
        }
        total += refunded;
      });
    }
    return total;
  }

  /** When a rental ends: an open report is left for the admins; a confirmed one is settled to the end and closed. */
  onRentalEnded(rental: Rental): void {
    const { records, db, clock } = this.deps;
    const problem = records.openProblem(rental.id);
    if (!problem || problem.state !== "confirmed") return;
    const resolvedAt = Math.min(clock(), rental.endedAt ?? clock());
    const resolved = db
      .update(rentalProblems)
      .set({ state: "resolved", resolvedAt })
      .where(and(eq(rentalProblems.id, problem.id), eq(rentalProblems.state, "confirmed")))
      .returning()
      .get();
    if (!resolved) return;
    const refunded = this.settleDays(resolved, rental);
    if (refunded > 0) {
      this.deps.outbox.toUser(rental.userId, { kind: "rental-notice", rentalId: rental.id, key: "rent-problem-resolved", vars: { amount: { money: refunded } } }, `rent-problem-resolved:${problem.id}`);
    }
  }

  /** Reports waiting for an admin or still confirmed, oldest first. */
  openReports(): { problem: RentalProblem; rental: Rental }[] {
    const { records } = this.deps;
    return records.problemsIn(["open", "confirmed"]).flatMap((problem) => {
      const rental = records.byId(problem.rentalId);
      return rental ? [{ problem, rental }] : [];
    });
  }

  /** An admin refunds `days` days of a rental by hand, with a reason (audited); never more than is left. */
  refundDays(rentalId: number, days: number, reason: string, adminTelegramId: number): ManualRefundOutcome {
    const { ledger, records, audit, outbox } = this.deps;
    if (!Number.isSafeInteger(days) || days <= 0) return { ok: false, reason: "bad_days" };
    return ledger.write((): ManualRefundOutcome => {
      const rental = records.byId(rentalId);
      if (!rental || rental.startedAt === null) return { ok: false, reason: "not_found" };
      const period = records.period(rental);
      const amount = Math.min(refundable(period), dayPrice(period) * days);
      if (amount <= 0) return { ok: false, reason: "nothing_left" };
      const entry = audit.write({ adminTelegramId, action: "rental-refund-days", targetUserId: rental.userId, targetRef: `rental:${rental.id}`, amount, reason, details: `${days} day(s)` });
      ledger.credit({
        userId: rental.userId,
        amount,
        kind: "refund",
        ref: rentalRef(rental),
        idempotencyKey: `rental-admin-refund:${entry.id}`,
        memo: `${rentalMemo(rental)} · ${reason}`,
        actorTelegramId: adminTelegramId,
      });
      outbox.toUser(rental.userId, { kind: "rental-notice", rentalId: rental.id, key: "rent-admin-refund", vars: { amount: { money: amount }, days, reason } }, `rent-admin-refund:${entry.id}`);
      return { ok: true, amount, rental };
    });
  }
}
