import type { BackupResult } from "../db/backup.ts";
import type { Job } from "./scheduler.ts";

/** On BACKUP_SCHEDULE: an online copy of the database into BACKUP_DIR, keeping the newest BACKUP_KEEP. */
export function backupJob(schedule: string, backup: (now: number) => Promise<BackupResult>): Job {
  return {
    name: "backup",
    schedule,
    run: async (now) => {
      const result = await backup(now);
      return { file: result.file, bytes: result.bytes, removed: result.removed.length };
    },
  };
}
