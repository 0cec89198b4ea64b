import type { DataSource, EntityManager } from 'typeorm';

/**
 * Reference data that only migrations change (the WBS catalog, the organisations register):
 * read once per database and then served from memory, since a new migration means a restart
 * of every instance. Never for data the app itself writes: other instances would not see the
 * change.
 */
const caches = new WeakMap<DataSource, Map<string, Promise<unknown>>>();

export function staticData<T>(m: EntityManager, key: string, load: (m: EntityManager) => Promise<T>): Promise<T> {
  let cache = caches.get(m.connection);
  if (!cache) caches.set(m.connection, (cache = new Map()));
  let entry = cache.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = load(m);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key)); // try again next time
  }
  return entry;
}
