import { EntityManager } from 'typeorm';

/**
 * Next human reference of a year, `WBS-2026-00042`: at least five digits, more when a year
 * needs them. The upsert bumps the year's counter and, on PostgreSQL, keeps its row locked
 * until the caller's transaction ends (SQLite runs write transactions one at a time), so the
 * read that follows sees this transaction's own number and concurrent submissions never share one.
 * That lock serialises submissions: call this as late in the transaction as possible.
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

/**
 * What a new question's `reference` holds inside its submit transaction until the real one is
 * allocated at the end of it: unique (from the question id), 23 characters, never a `WBS-` reference.
 */
export function provisionalReference(questionId: string): string {
  return `~${Buffer.from(questionId.replaceAll('-', ''), 'hex').toString('base64url')}`;
}

export function formatReference(year: number, number: number): string {
  return `WBS-${year}-${String(number).padStart(5, '0')}`;
}
