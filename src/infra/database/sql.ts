import type { EntityManager, EntityTarget, ObjectLiteral, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { DatabaseKind } from '../../config/app-config.js';

/*
 * The one SQL dialect helper: which database a manager talks to (`databaseKindOf`), `SqlParams`
 * as the only placeholder scheme, instants in and out (`SqlParams.time`, `parseSqlTime`), and thin helpers
 * for the hot write paths (question intake, routing, mail delivery), where
 * TypeORM's query building was the largest JavaScript cost and its entity reloads after an
 * insert doubled the statements (docs/benchmarks.md, "Intake"). Values still go through the
 * driver's own conversions (dates, booleans, JSON), so rows are stored exactly as TypeORM
 * stores them.
 */

export type { DatabaseKind };

/**
 * Anything that runs SQL: an EntityManager (inside a transaction or not), a QueryRunner, or the
 * SQLite read pool (`Database.reader`), which is no TypeORM object and so says its `kind` itself.
 */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
  readonly kind?: DatabaseKind;
}

/** The database a manager, runner or reader talks to. */
export function databaseKindOf(queryable: Queryable | EntityManager | QueryRunner): DatabaseKind {
  if ('kind' in queryable && (queryable.kind === 'sqlite' || queryable.kind === 'postgres')) return queryable.kind;
  const connection = (queryable as { connection?: { options: { type: string } } }).connection;
  return connection?.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Numbered placeholders for raw SQL on either database (`?1` on SQLite, `$1` on PostgreSQL), so
 * fragments compose in any order; instants in the stored format.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(readonly kind: DatabaseKind) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.kind === 'postgres' ? `$${this.values.length}` : `?${this.values.length}`;
  }

  /** `?1, ?2, …`: a placeholder per value, for `IN (…)`. */
  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }

  /** `CASE column WHEN k1 THEN v1 … END`: a value per key, for updating many rows in one statement. */
  caseOf(column: string, pairs: readonly (readonly [unknown, unknown])[]): string {
    return `CASE ${column} ${pairs.map(([key, value]) => `WHEN ${this.add(key)} THEN ${this.add(value)}`).join(' ')} END`;
  }

  /** An instant, comparable with timestamp columns. */
  time(instant: Date): string {
    return this.kind === 'postgres' ? `${this.add(instant)}::timestamptz` : this.add(sqliteTime(instant));
  }

  /** A boolean as the column stores it (SQLite has no boolean type), for readers that bypass `queryRows`. */
  bool(value: boolean): string {
    return this.add(this.kind === 'postgres' ? value : value ? 1 : 0);
  }

  /**
   * `= ANY($n::int[])` / `IN (SELECT value FROM json_each(?n))`: membership in a list of integers
   * as ONE bound parameter however long the list (no statement per list length, no parameter limit).
   */
  inIntegers(values: readonly number[]): string {
    return this.kind === 'postgres' ? `= ANY(${this.add([...values])}::int[])` : `IN (SELECT value FROM json_each(${this.add(JSON.stringify(values))}))`;
  }
}

/**
 * Runs one statement and returns its rows, also for INSERT/UPDATE … RETURNING (SQLite ≥ 3.35 and
 * PostgreSQL). TypeORM's SQLite runner fetches rows only for statements that do not start with
 * INSERT/UPDATE/DELETE, hence the leading comment. Date and boolean parameters are converted as
 * TypeORM's query builder converts them.
 */
export async function queryRows<T = Record<string, unknown>>(m: EntityManager, sql: string, parameters: readonly unknown[] = []): Promise<T[]> {
  const sqlite = databaseKindOf(m) !== 'postgres';
  const values = sqlite ? parameters.map(sqliteParameter) : [...parameters];
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = await runner.query(`/* rows */ ${sql}`, values, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** An instant read back from raw SQL: a Date (PostgreSQL) or SQLite's UTC datetime text. */
export function parseSqlTime(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** An instant as SQLite stores it (TypeORM's datetime text, UTC): 'YYYY-MM-DD HH:MM:SS.SSS'. */
function sqliteTime(instant: Date): string {
  return instant.toISOString().replace('T', ' ').slice(0, 23);
}

function sqliteParameter(value: unknown): unknown {
  if (value instanceof Date) return sqliteTime(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

interface Columns {
  table: string;
  byProperty: Map<string, ColumnMetadata>;
}

const columnCache = new WeakMap<object, Columns>();

function columnsOf(m: EntityManager, target: EntityTarget<ObjectLiteral>): Columns {
  const metadata = m.connection.getMetadata(target);
  let columns = columnCache.get(metadata);
  if (!columns) {
    columns = { table: metadata.tablePath, byProperty: new Map(metadata.columns.map((c) => [c.propertyName, c])) };
    columnCache.set(metadata, columns);
  }
  return columns;
}

/** The column name of an entity property, quoted for SQL. */
export function column<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, property: keyof T & string): string {
  const c = columnsOf(m, target).byProperty.get(property);
  if (!c) throw new Error(`No column for property ${property}`);
  return m.connection.driver.escape(c.databaseName);
}

/**
 * One multi-row INSERT of complete rows (every row has the same properties; none undefined),
 * without TypeORM re-reading defaults afterwards. `onConflict`: the unique columns (properties)
 * whose clash skips the row silently; `returning`: properties to return for the rows inserted.
 */
export async function insertRows<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: readonly Partial<T>[],
  options: { onConflictDoNothing?: (keyof T & string)[]; returning?: (keyof T & string)[] } = {},
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const { table, byProperty } = columnsOf(m, target);
  const driver = m.connection.driver;
  const properties = Object.keys(rows[0]);
  const columns = properties.map((p) => {
    const c = byProperty.get(p);
    if (!c) throw new Error(`${table}: no column for property ${p}`);
    return c;
  });
  // Values are converted here by the driver (as TypeORM stores them), so `add`, not `time`.
  const p = new SqlParams(databaseKindOf(m));
  const parameters = p.values;
  const tuples = rows.map((row) => {
    const marks = columns.map((c) => {
      const value = (row as Record<string, unknown>)[c.propertyName];
      if (value === undefined) throw new Error(`${table}: ${c.propertyName} is undefined`);
      return p.add(driver.preparePersistentValue(value, c));
    });
    return `(${marks.join(', ')})`;
  });
  const name = (p: string) => column(m, target, p as keyof T & string);
  let sql = `INSERT INTO ${driver.escape(table)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES ${tuples.join(', ')}`;
  if (options.onConflictDoNothing) sql += ` ON CONFLICT (${options.onConflictDoNothing.map(name).join(', ')}) DO NOTHING`;
  if (!options.returning) {
    await m.query(sql, parameters);
    return [];
  }
  // Parameters are converted already: bypass queryRows' conversion.
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = await runner.query(`/* rows */ ${sql} RETURNING ${options.returning.map(name).join(', ')}`, parameters, true);
    return (result.records ?? []) as Record<string, unknown>[];
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** An entity from a raw row (snake-case column names), with the driver's conversions. */
export function hydrate<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, raw: Record<string, unknown>): T {
  const entity = m.create(target) as Record<string, unknown>;
  for (const c of columnsOf(m, target).byProperty.values()) {
    if (c.databaseName in raw) entity[c.propertyName] = m.connection.driver.prepareHydratedValue(raw[c.databaseName], c);
  }
  return entity as T;
}

/**
 * The row of `target` whose `property` equals `value`, with the row of `joined` it refers to
 * through `foreignKey` (null when missing), in one query instead of two.
 */
export async function findWithJoined<T extends ObjectLiteral, J extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  property: keyof T & string,
  value: unknown,
  foreignKey: keyof T & string,
  joined: EntityTarget<J>,
): Promise<{ row: T; joined: J | null } | null> {
  const own = columnsOf(m, target);
  const other = columnsOf(m, joined);
  const escape = (name: string) => m.connection.driver.escape(name);
  const select = [
    ...[...own.byProperty.values()].map((c) => `a.${escape(c.databaseName)} AS ${escape(`a_${c.databaseName}`)}`),
    ...[...other.byProperty.values()].map((c) => `b.${escape(c.databaseName)} AS ${escape(`b_${c.databaseName}`)}`),
  ];
  const joinedKey = m.connection.getMetadata(joined).primaryColumns[0].databaseName;
  const p = new SqlParams(databaseKindOf(m));
  const [raw] = await queryRows(
    m,
    `SELECT ${select.join(', ')} FROM ${escape(own.table)} a LEFT JOIN ${escape(other.table)} b ON b.${escape(joinedKey)} = a.${column(m, target, foreignKey)}
     WHERE a.${column(m, target, property)} = ${p.add(value)}`,
    p.values,
  );
  if (!raw) return null;
  const part = (prefix: string) => Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const b = part('b_');
  return { row: hydrate(m, target, part('a_')), joined: b[joinedKey] === null || b[joinedKey] === undefined ? null : hydrate(m, joined, b) };
}
