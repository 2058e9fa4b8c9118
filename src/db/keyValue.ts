import { and, eq, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "./open.ts";
import { kvStore } from "./schema.ts";

/** A namespaced string key-value store over SQLite: conversation state, the simulator's state. */
export class KeyValue {
  /** Conversation state is read on every update: prepared once. */
  private readonly valueOf;

  constructor(
    private readonly db: Db,
    private readonly namespace: string,
    private readonly clock: Clock,
  ) {
    this.valueOf = db
      .select({ value: kvStore.value })
      .from(kvStore)
      .where(and(eq(kvStore.namespace, namespace), eq(kvStore.key, sql.placeholder("key"))))
      .prepare();
  }

  get(key: string): string | undefined {
    return this.valueOf.get({ key })?.value;
  }

  set(key: string, value: string): void {
    const updatedAt = this.clock();
    this.db
      .insert(kvStore)
      .values({ namespace: this.namespace, key, value, updatedAt })
      .onConflictDoUpdate({ target: [kvStore.namespace, kvStore.key], set: { value, updatedAt } })
      .run();
  }

  delete(key: string): void {
    this.db.delete(kvStore).where(and(eq(kvStore.namespace, this.namespace), eq(kvStore.key, key))).run();
  }

  /** Removes entries not written since `before`; returns how many. */
  deleteOlderThan(before: number): number {
    return this.db
      .delete(kvStore)
      .where(and(eq(kvStore.namespace, this.namespace), lt(kvStore.updatedAt, before)))
      .run().changes;
  }
}
