import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { KeyValue } from "../db/keyValue.ts";

/**
 * Conversation state kept in SQLite, so a restart does not lose a user's place in a flow.
 * Everything the conversations plugin stores is JSON already (replay logs of plain values).
 */
export function conversationStorage(kv: KeyValue) {
  return {
    read(key: string): VersionedState<ConversationData> | undefined {
      const raw = kv.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as VersionedState<ConversationData>);
    },
    write(key: string, state: VersionedState<ConversationData>): void {
      kv.set(key, JSON.stringify(state));
    },
    delete(key: string): void {
      kv.delete(key);
    },
  };
}
