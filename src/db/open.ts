import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.ts";

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  /** The raw connection, for transactions and PRAGMAs. */
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Opens (creating the folder and file if needed) and migrates the database. `:memory:` works too.
 * WAL lets readers run beside the one writer; the busy timeout makes concurrent writers wait
 * instead of failing at once; synchronous = FULL makes every commit durable.
 */
export function openStore(path: string): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  // FULL: every commit is synced to disk before it returns, so a credit or charge the bot confirmed
  // survives a power cut. WAL with NORMAL survives a process crash but may drop the last commits
  // on power loss — not acceptable for a ledger (README, "Durability").
  sqlite.pragma("synchronous = FULL");
  const db = drizzle(sqlite, { schema });
  applyMigrations(sqlite, db);
  return {
    sqlite,
    db,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * drizzle-kit's table rebuilds switch foreign keys off with a PRAGMA that does nothing inside the
 * migration transaction, so they are switched off around the whole run and checked afterwards.
 */
function applyMigrations(sqlite: Database.Database, db: Db): void {
  sqlite.pragma("foreign_keys = OFF");
  try {
    const before = appliedMigrations(sqlite);
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // The check reads every row of every table with a foreign key: only after a migration ran,
    // not at every start (a million ledger entries would cost seconds).
    if (appliedMigrations(sqlite) === before) return;
    const violations = sqlite.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) {
      throw new Error(`database has ${violations.length} foreign key violation(s) after migrating`);
    }
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
}

function appliedMigrations(sqlite: Database.Database): number {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return 0;
  return (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
}
