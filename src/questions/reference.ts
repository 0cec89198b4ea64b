import { EntityManager } from 'typeorm';
import { SqlParams, databaseKindOf, queryRows } from '../infra/database/sql.js';

/**
 * The year's next `count` human references, `WBS-2026-00042`: at least five digits, more when a
 * year needs them. The upsert bumps the year's counter by `count` and, on PostgreSQL, keeps its
 * row locked until the caller's transaction ends (SQLite runs write transactions one at a time),
 * and RETURNING hands back this transaction's own last number, so concurrent submissions never
 * share one. That lock serialises submissions: call this as late in the transaction as possible.
 */
export async function allocateReferences(m: EntityManager, year: number, count: number): Promise<string[]> {
  const sql = new SqlParams(databaseKindOf(m));
  const [row] = await queryRows<{ last_number: number | string }>(
    m,
    `INSERT INTO reference_counters (year, last_number) VALUES (${sql.add(year)}, ${sql.add(count)})
     ON CONFLICT (year) DO UPDATE SET last_number = reference_counters.last_number + excluded.last_number
     RETURNING last_number`,
    sql.values,
  );
  const last = Number(row.last_number);
  return Array.from({ length: count }, (_, i) => formatReference(year, last - count + 1 + i));
}

/**
 * PostgreSQL: `allocateReferences` and writing them on the inserted questions (in the order of
 * `questionIds`), in one statement, since every round trip between taking the counter's row lock
 * and the commit delays all other submissions. (SQLite runs one write transaction at a time:
 * intake allocates before inserting.)
 */
export async function assignReferences(m: EntityManager, year: number, questionIds: string[]): Promise<string[]> {
  const sql = new SqlParams(databaseKindOf(m));
  const [y, count, ids] = [sql.add(year), sql.add(questionIds.length), sql.add(questionIds)];
  const rows = await queryRows<{ id: string; reference: string; n: number | string }>(
    m,
    `WITH c AS (
       INSERT INTO reference_counters (year, last_number) VALUES (${y}, ${count}::int)
       ON CONFLICT (year) DO UPDATE SET last_number = reference_counters.last_number + excluded.last_number
       RETURNING year, last_number),
     v AS (SELECT t.id, c.year, c.last_number - ${count}::int + t.ord::int AS n FROM c, unnest(${ids}::varchar[]) WITH ORDINALITY AS t(id, ord))
     UPDATE questions SET reference = 'WBS-' || v.year::text || '-' || lpad(v.n::text, greatest(5, length(v.n::text)), '0')
     FROM v WHERE questions.id = v.id
     RETURNING questions.id, questions.reference, v.n`,
    sql.values,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return questionIds.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Error(`question ${id} not found for its reference`);
    // formatReference is the definition; the SQL above must agree with it.
    if (row.reference !== formatReference(year, Number(row.n))) throw new Error(`reference ${row.reference} is not formatted as formatReference does`);
    return row.reference;
  });
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
