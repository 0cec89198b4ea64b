import { readFileSync } from 'node:fs';
import { QueryRunner, TableColumnOptions } from 'typeorm';
import { appPath } from '../src/infra/app-root.js';

/**
 * Helpers that keep every migration valid on SQLite and PostgreSQL. Tables are built with
 * TypeORM's driver-neutral Table API; these fill in the few types that differ.
 */
export const isPostgres = (runner: QueryRunner): boolean => runner.connection.options.type === 'postgres';

export const timestampType = (runner: QueryRunner): string => (isPostgres(runner) ? 'timestamptz' : 'datetime');

export function uuidColumn(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'varchar', length: '36', ...options };
}

export function timestampColumn(runner: QueryRunner, name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: timestampType(runner), ...options };
}

/** The FTS5 prefix lengths of the first search indexes (before 1795823380080-SearchPrefixIndexes). */
export const FIRST_PREFIX_LENGTHS: readonly number[] = [3, 5, 7];

/** Seed data shipped in `migrations/data/` (never read from outside the repository). */
export function readSeed<T>(file: string): T {
  return JSON.parse(readFileSync(appPath('migrations', 'data', file), 'utf8')) as T;
}

/** Inserts rows in chunks small enough for SQLite's bound-parameter limit. */
export async function insertRows(runner: QueryRunner, table: string, rows: Record<string, unknown>[], chunk = 50): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const placeholder = (n: number) => (isPostgres(runner) ? `$${n}` : '?');
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const values: unknown[] = [];
    const tuples = slice.map((row) => `(${columns.map((column) => placeholder(values.push(row[column]))).join(', ')})`);
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}
