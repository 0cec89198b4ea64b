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

/** Keuze id → theme id, for every keuze of the catalog. */
export function keuzeThemes(m: EntityManager): Promise<ReadonlyMap<number, number>> {
  return staticData(m, 'keuze-themes', async (mm) => {
    const rows = (await mm.query('SELECT id, theme_id FROM keuzes')) as { id: number; theme_id: number }[];
    return new Map(rows.map((r) => [Number(r.id), Number(r.theme_id)]));
  });
}

export interface OrganisationFacts {
  code: string;
  name: string;
  type: string;
  provinceCode: string | null;
}

/** An organisation of the register by code (upper case), or null. */
export async function organisationFacts(m: EntityManager, code: string): Promise<OrganisationFacts | null> {
  const all = await staticData(m, 'organisations', async (mm) => {
    const rows = (await mm.query('SELECT code, name, type, province_code FROM organisations')) as { code: string; name: string; type: string; province_code: string | null }[];
    return new Map(rows.map((r) => [r.code, { code: r.code, name: r.name, type: r.type, provinceCode: r.province_code }]));
  });
  return all.get(code) ?? null;
}
