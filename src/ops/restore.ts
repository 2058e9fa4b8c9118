import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openStore } from "../db/open.ts";
import { Ledger } from "../domain/ledger.ts";

/**
 * `npm run restore -- FILE`: puts a backup back as the bot's database, only after checking it.
 * The copy is opened aside (and migrated to the current schema, as the bot would at start-up),
 * SQLite's integrity check and the ledger's invariants (`Ledger.checkInvariants`) are run on it,
 * and only a copy that passes replaces the database. The database it replaces is kept beside it,
 * renamed, never deleted.
 */

export type RestoreResult =
  | { ok: true; restored: string; previous: string | null }
  | { ok: false; problems: string[] };

/** Opens a copy of `file` aside and checks it; the copy (migrated) is left at the returned path when it passes. */
export function verifyBackup(file: string, now: number): { ok: true; checked: string; cleanup: () => void } | { ok: false; problems: string[] } {
  if (!existsSync(file)) return { ok: false, problems: [`${file}: no such file`] };
  const dir = mkdtempSync(join(tmpdir(), "restore-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const checked = join(dir, "checked.sqlite");
  copyFileSync(file, checked);
  try {
    const store = openStore(checked);
    try {
      const integrity = store.sqlite.pragma("integrity_check", { simple: true });
      if (integrity !== "ok") return fail(cleanup, [`integrity check: ${String(integrity)}`]);
      const problems = new Ledger(store.db, () => now).checkInvariants();
      if (problems.length > 0) return fail(cleanup, problems.map((p) => `ledger: ${p}`));
      // Fold the WAL into the file, so that one file is all there is to copy.
      store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      store.close();
    }
  } catch (error) {
    return fail(cleanup, [`cannot be opened as the bot's database: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return { ok: true, checked, cleanup };
}

function fail(cleanup: () => void, problems: string[]): { ok: false; problems: string[] } {
  cleanup();
  return { ok: false, problems };
}

/**
 * Replaces `databasePath` with the checked copy of `file`. Refuses while the database has a WAL
 * file beside it (the bot is running, or stopped without closing it: start and stop it once) unless
 * `force`.
 */
export function restoreBackup(file: string, databasePath: string, now: number, options: { force?: boolean } = {}): RestoreResult {
  if (!options.force && existsSync(`${databasePath}-wal`)) {
    return {
      ok: false,
      problems: [`${databasePath}-wal exists: stop the bot first (a cleanly stopped bot leaves no WAL file), or pass --force`],
    };
  }
  const verified = verifyBackup(file, now);
  if (!verified.ok) return verified;
  try {
    mkdirSync(dirname(databasePath), { recursive: true });
    let previous: string | null = null;
    if (existsSync(databasePath)) {
      previous = `${databasePath}.before-restore-${new Date(now).toISOString().replace(/[-:.]/g, "")}`;
      renameSync(databasePath, previous);
      for (const suffix of ["-wal", "-shm"]) {
        if (existsSync(databasePath + suffix)) renameSync(databasePath + suffix, previous + suffix);
      }
    }
    copyFileSync(verified.checked, databasePath);
    return { ok: true, restored: databasePath, previous };
  } finally {
    verified.cleanup();
  }
}
