import { EntityManager } from 'typeorm';

/**
 * Next human reference of a year, `WBS-2026-00042`: at least five digits, more when a year
 * needs them. The upsert bumps the year's counter and, on PostgreSQL, keeps its row locked
 * until the caller's transaction ends (SQLite runs write transactions one at a time), so the
 * read that follows sees this transaction's own number and concurrent submissions never share one.
 */
export async function allocateReference(m: EntityManager, year: number): Promise<string> {
  const p = m.connection.options.type === 'postgres' ? '$1' : '?';
  await m.query(
    `INSERT INTO reference_counters (year, last_number) VALUES (${p}, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = reference_counters.last_number + 1`,
    [year],
  );
  const rows = (await m.query(`SELECT last_number FROM reference_counters WHERE year = ${p}`, [year])) as { last_number: number }[];
  return formatReference(year, Number(rows[0].last_number));
}

export function formatReference(year: number, number: number): string {
  return `WBS-${year}-${String(number).padStart(5, '0')}`;
}
