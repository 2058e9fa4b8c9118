/** What the protocol tells only once (start times, order ids, rentals) is kept in bounded maps. */

const MEMORY_LIMIT = 5_000;

/** Keeps a bounded memory: the oldest entries go first. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MEMORY_LIMIT) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}
