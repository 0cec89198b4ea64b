import type { EntityManager } from 'typeorm';
import type { Queryable } from '../infra/database/sql.js';
import { staticData } from '../infra/database/static-data.js';

/*
 * Published query objects of the catalog module (design D2): other modules read `themes` and
 * `keuzes` through these fragments and read functions. The catalog changes only by migration,
 * so the lookups are read once per database (staticData).
 */

/** Keuze id → theme id, for every keuze of the catalog. */
export function keuzeThemes(m: EntityManager): Promise<ReadonlyMap<number, number>> {
  return staticData(m, 'keuze-themes', async (mm) => {
    const rows = (await mm.query('SELECT id, theme_id FROM keuzes')) as { id: number; theme_id: number }[];
    return new Map(rows.map((r) => [Number(r.id), Number(r.theme_id)]));
  });
}

/** Derived table, one row per theme: id, title. */
export function themeRows(): string {
  return '(SELECT id, title FROM themes)';
}

/** Every keuze (id, title), by id. */
export async function keuzeTitles(m: Queryable): Promise<{ id: number; title: string }[]> {
  const rows = (await m.query('SELECT id, title FROM keuzes ORDER BY id')) as { id: number; title: string }[];
  return rows.map((r) => ({ id: Number(r.id), title: String(r.title) }));
}

/** Every theme (id, title), by id. */
export async function themeTitles(m: Queryable): Promise<{ id: number; title: string }[]> {
  const rows = (await m.query('SELECT id, title FROM themes ORDER BY id')) as { id: number; title: string }[];
  return rows.map((r) => ({ id: Number(r.id), title: String(r.title) }));
}
