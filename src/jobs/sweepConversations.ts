import type { KeyValue } from "../db/keyValue.ts";
import type { Job } from "./scheduler.ts";

/** A flow left untouched this long is abandoned: its state is removed (conversations only check timeouts lazily). */
export const CONVERSATION_MAX_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

export function sweepConversationsJob(conversations: KeyValue): Job {
  return {
    name: "sweep-conversations",
    schedule: "17 * * * *",
    run: (now) => ({ removed: conversations.deleteOlderThan(now - CONVERSATION_MAX_IDLE_MS) }),
  };
}
