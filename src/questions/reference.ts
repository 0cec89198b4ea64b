import { EntityManager } from 'typeorm';
import { placeholder, queryRows } from '../infra/database/sql.js';

/**
 * Next human reference of a year, `WBS-2026-00042`: at least five digits, more when a year
 * needs them. The upsert bumps the year's counter and, on PostgreSQL, keeps its row locked
 * until the caller's transaction ends (SQLite runs write transactions one at a time), and
 * RETURNING hands back this transaction's own number, so concurrent submissions never share one.
 * That lock serialises submissions: call this as late in the transaction as possible.
 */
export async function allocateReference(m: EntityManager, year: number): Promise<string> {
  const [row] = await queryRows<{ last_number: number | string }>(
    m,
    `INSERT INTO reference_counters (year, last_number) VALUES (${placeholder(m, 1)}, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = reference_counters.last_number + 1
     RETURNING last_number`,
    [year],
  );
  return formatReference(year, Number(row.last_number));
}

/**
 * PostgreSQL: `allocateReference` and writing it on the inserted question, in one statement, since
 * every round trip between taking the counter's row lock and the commit delays all other
 * submissions. (SQLite runs one write transaction at a time: intake allocates before inserting.)
 */
export async function assignReference(m: EntityManager, year: number, questionId: string): Promise<string> {
  const [row] = await queryRows<{ reference: string; last_number: number | string }>(
    m,
    `WITH c AS (
       INSERT INTO reference_counters (year, last_number) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = reference_counters.last_number + 1
       RETURNING year, last_number)
     UPDATE questions SET reference = 'WBS-' || c.year::text || '-' || lpad(c.last_number::text, greatest(5, length(c.last_number::text)), '0')
     FROM c WHERE questions.id = $2
     RETURNING questions.reference, c.last_number`,
    [year, questionId],
  );
  if (!row) throw new Error(`question ${questionId} not found for its reference`);
  // formatReference is the definition; the SQL above must agree with it.
  if (row.reference !== formatReference(year, Number(row.last_number))) throw new Error(`reference ${row.reference} is not formatted as formatReference does`);
  return row.reference;
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
