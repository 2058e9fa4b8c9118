import { desc } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { auditLog } from "../db/schema.ts";
import type { Clock } from "../clock.ts";

/** The admins' audit trail: who did what to whom, how much, why, when. Rows are only ever added. */

export type AuditEntry = typeof auditLog.$inferSelect;

export interface AuditRecord {
  adminTelegramId: number;
  /** What was done: "refund", "credit", "debit", "block", "unblock". */
  action: string;
  targetUserId?: number;
  /** What it was done to when that is not (only) a user, e.g. "activation:42". */
  targetRef?: string;
  /** Minor units of the shop currency. */
  amount?: number;
  reason?: string;
  details?: string;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry; call it inside the transaction that made the change, so both happen or neither. */
  write(record: AuditRecord): AuditEntry {
    return this.db
      .insert(auditLog)
      .values({
        adminTelegramId: record.adminTelegramId,
        action: record.action,
        targetUserId: record.targetUserId ?? null,
        targetRef: record.targetRef ?? null,
        amount: record.amount ?? null,
        reason: record.reason ?? null,
        details: record.details ?? null,
        createdAt: this.clock(),
      })
      .returning()
      .get();
  }

  /** The newest `limit` entries, newest first. */
  latest(limit: number): AuditEntry[] {
    return this.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
  }
}
