import { sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";

/**
 * What an operator's monitor reads from the database (GET /metrics): money by ledger kind, money
 * held, activations by open state, and the outbox's depth. Plain aggregate queries, read when
 * scraped.
 */
export interface OperationsFigures {
  /** Sum of ledger entries per kind, in the shop currency's minor units (signed as posted). */
  ledgerByKind: Record<string, number>;
  /** Money reserved by open holds, minor units. */
  held: number;
  /** Open activations per state (reserving, waiting, cancelling, received). */
  openActivations: Record<string, number>;
  /** Outbox messages per open status (pending, sending). */
  outbox: Record<string, number>;
}

export function readOperationsFigures(db: Db): OperationsFigures {
  const ledgerByKind: Record<string, number> = {};
  for (const row of db.all<{ kind: string; total: number }>(sql`SELECT kind, SUM(amount) AS total FROM ledger_entries GROUP BY kind`)) {
    ledgerByKind[row.kind] = row.total;
  }
  const held = db.get<{ held: number | null }>(sql`SELECT SUM(amount) AS held FROM holds WHERE status = 'open'`)?.held ?? 0;
  const openActivations: Record<string, number> = { reserving: 0, waiting: 0, cancelling: 0, received: 0 };
  for (const row of db.all<{ state: string; n: number }>(
    sql`SELECT state, COUNT(*) AS n FROM activations WHERE state IN ('reserving', 'waiting', 'cancelling', 'received') GROUP BY state`,
  )) {
    openActivations[row.state] = row.n;
  }
  const outbox: Record<string, number> = { pending: 0, sending: 0 };
  for (const row of db.all<{ status: string; n: number }>(sql`SELECT status, COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending') GROUP BY status`)) {
    outbox[row.status] = row.n;
  }
  return { ledgerByKind, held, openActivations, outbox };
}
