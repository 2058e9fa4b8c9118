import { and, eq, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "./open.ts";
import { kvStore } from "./schema.ts";

export interface KeyValueOptions {
  /**
   * Keep the namespace's keys (not the values) in memory, so that reading a key that is not
   * stored costs no query. Only for a namespace this instance alone writes (conversation state:
   * read on every update, stored only while a chat is inside a flow).
   */
  keysInMemory?: boolean;
}

/** A namespaced string key-value store over SQLite: conversation state, the simulator's state. */
export class KeyValue {
  /** Conversation state is read on every update: prepared once. */
  private readonly valueOf;
  /** The stored keys, when kept in memory; undefined otherwise. */
  private readonly keys: Set<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly namespace: string,
    private readonly clock: Clock,
    options: KeyValueOptions = {},
  ) {
    this.valueOf = db
      .select({ value: kvStore.value })
      .from(kvStore)
      .where(and(eq(kvStore.namespace, namespace), eq(kvStore.key, sql.placeholder("key"))))
      .prepare();
    this.keys = options.keysInMemory ? this.storedKeys() : undefined;
  }

  get(key: string): string | undefined {
    if (this.keys && !this.keys.has(key)) return undefined;
    const value = this.valueOf.get({ key })?.value;
    if (value === undefined) this.keys?.delete(key);
    return value;
  }

  set(key: string, value: string): void {
    const updatedAt = this.clock();
    this.db
      .insert(kvStore)
      .values({ namespace: this.namespace, key, value, updatedAt })
      .onConflictDoUpdate({ target: [kvStore.namespace, kvStore.key], set: { value, updatedAt } })
      .run();
    this.keys?.add(key);
  }

  delete(key: string): void {
    this.db.delete(kvStore).where(and(eq(kvStore.namespace, this.namespace), eq(kvStore.key, key))).run();
    this.keys?.delete(key);
  }

  /** Removes entries not written since `before`; returns how many. */
  deleteOlderThan(before: number): number {
    const stale = this.db.delete(kvStore).where(and(eq(kvStore.namespace, this.namespace), lt(kvStore.updatedAt, before)));
    const keys = this.keys;
    if (!keys) return stale.run().changes;
    const removed = stale.returning({ key: kvStore.key }).all();
    for (const { key } of removed) keys.delete(key);
    return removed.length;
  }

  private storedKeys(): Set<string> {
    const rows = this.db.select({ key: kvStore.key }).from(kvStore).where(eq(kvStore.namespace, this.namespace)).all();
    return new Set(rows.map((row) => row.key));
  }
}
