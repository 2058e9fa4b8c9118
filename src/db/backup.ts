import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";

/**
 * Online backups of the SQLite file with SQLite's backup API (better-sqlite3 `backup`): a
 * consistent copy taken page by page while the bot keeps writing. A copy is written under a
 * temporary name and renamed when complete, so a crash never leaves a half copy that rotation
 * would count; the newest `keep` copies stay.
 */

const BACKUP_NAME = /^bot-\d{8}T\d{9}Z\.sqlite$/;

export interface BackupResult {
  file: string;
  bytes: number;
  /** Older copies removed by rotation. */
  removed: string[];
}

/** "bot-20260115T120000123Z.sqlite": sorts by time, one per millisecond. */
export function backupName(now: number): string {
  const iso = new Date(now).toISOString(); // 2026-01-15T12:00:00.123Z
  return `bot-${iso.replace(/[-:.]/g, "")}.sqlite`;
}

export async function takeBackup(sqlite: Database.Database, dir: string, keep: number, now: number): Promise<BackupResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, backupName(now));
  const partial = `${file}.partial`;
  try {
    await sqlite.backup(partial);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, bytes: statSync(file).size, removed: rotate(dir, keep) };
}

/** Deletes all but the newest `keep` backups in `dir` (only files named by `backupName`). */
export function rotate(dir: string, keep: number): string[] {
  const copies = listBackups(dir);
  const removed = copies.slice(0, Math.max(0, copies.length - keep));
  for (const file of removed) rmSync(file, { force: true });
  return removed;
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => BACKUP_NAME.test(name)).sort().map((name) => join(dir, name));
}
