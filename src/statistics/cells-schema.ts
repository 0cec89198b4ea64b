import type { QueryRunner } from 'typeorm';
import { databaseKindOf } from '../infra/database/sql.js';

/**
 * Schema of the statistics cells: per day of submission (Europe/Amsterdam), organisation type,
 * province and group (all questions, one keuze, one theme, one expert), the additive measures of
 * the questions submitted that day. Triggers on every table a measure is read from mark the day
 * of the changed question dirty; `StatisticsCells.refresh` recomputes dirty days, before a
 * statistics request reads them when the cells are older than STATISTICS_MAX_STALENESS_MS.
 *
 * The cells are statistics' own read model (a rebuildable copy shaped for its queries, see
 * StatisticsCells), so statistics owns these tables. The triggers are the one place that names the
 * source tables: schema run only by the StatisticsCells migration (like migrations/**), since a
 * trigger has to sit on the table it watches.
 */
export const CELLS_TABLE = 'statistics_cells';
export const DIRTY_TABLE = 'statistics_dirty';

/** Question tables the measures come from, and the columns whose update changes a measure. */
const SOURCES: { table: string; key: string; updates: string[] }[] = [
  { table: 'questions', key: 'id', updates: ['status', 'reopen_count', 'answered_at', 'assignee_id', 'organisation_code', 'submitted_at'] },
  { table: 'question_keuzes', key: 'question_id', updates: ['question_id', 'keuze_id', 'theme_id'] },
  { table: 'question_sla', key: 'question_id', updates: ['measured_days', 'met'] },
  { table: 'question_ratings', key: 'question_id', updates: ['score'] },
  { table: 'article_reuse', key: 'question_id', updates: ['question_id'] },
];

/**
 * The Europe/Amsterdam calendar day ('YYYY-MM-DD') of a UTC instant stored as SQLite text
 * ('YYYY-MM-DD HH:MM:SS.SSS'), in SQL: UTC+2 from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC (EU summer time), UTC+1 otherwise. The last Sunday of a 31-day
 * month is the first Sunday on or after the 25th.
 */
export function sqliteAmsterdamDay(instant: string): string {
  const year = `substr(${instant}, 1, 4)`;
  return `(CASE WHEN ${instant} >= date(${year} || '-03-25', 'weekday 0') || ' 01:00:00' AND ${instant} < date(${year} || '-10-25', 'weekday 0') || ' 01:00:00'
    THEN date(${instant}, '+2 hours') ELSE date(${instant}, '+1 hours') END)`;
}

/** The same on PostgreSQL. */
export const postgresAmsterdamDay = (instant: string) => `to_char(${instant} AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD')`;

/** The clock kinds and the prefix of their measures in the cells. */
export const CLOCK_KINDS = [
  ['first_response', 'fr'],
  ['answer', 'an'],
  ['reopen_answer', 'ra'],
] as const;

const MEASURE_COLUMNS = [
  'received',
  'open',
  'answered',
  'closed',
  'referred',
  'withdrawn',
  'ever_answered',
  'reopened',
  'reopens',
  'ratings',
  'rating_sum',
  'reuse',
  ...CLOCK_KINDS.flatMap(([, prefix]) => [`${prefix}_n`, `${prefix}_met`, `${prefix}_verdicts`]),
] as const;
export type CellMeasure = (typeof MEASURE_COLUMNS)[number];
export const CELL_MEASURES: readonly CellMeasure[] = MEASURE_COLUMNS;

/** Column names: measures get an `m_` prefix (`open` and `reuse` are SQL words on some databases). */
export const measureColumn = (measure: CellMeasure) => `m_${measure}`;

export async function createCellsSchema(runner: QueryRunner): Promise<void> {
  const postgres = databaseKindOf(runner) === 'postgres';
  // SQLite: clustered by the key, so the cells of one dimension are read in one sequential pass.
  await runner.query(`CREATE TABLE ${CELLS_TABLE} (
    dimension varchar(10) NOT NULL,
    group_key varchar(36) NOT NULL,
    day varchar(10) NOT NULL,
    organisation_type varchar(30) NOT NULL,
    province_key varchar(10) NOT NULL,
    ${CELL_MEASURES.map((m) => `${measureColumn(m)} integer NOT NULL DEFAULT 0`).join(',\n    ')},
    PRIMARY KEY (dimension, group_key, day, organisation_type, province_key))${postgres ? '' : ' WITHOUT ROWID'}`);
  await runner.query(`CREATE INDEX idx_${CELLS_TABLE}_day ON ${CELLS_TABLE} (day)`);

  if (postgres) {
    // Rows only (no conflicts): two transactions marking the same day never wait for each other.
    await runner.query(`CREATE TABLE ${DIRTY_TABLE} (seq bigserial PRIMARY KEY, day varchar(10) NOT NULL)`);
    await runner.query(`CREATE INDEX idx_${DIRTY_TABLE}_day ON ${DIRTY_TABLE} (day)`);
    const day = postgresAmsterdamDay('q.submitted_at');
    // One mark per day and transaction: the day last marked is remembered in a transaction-local
    // setting (undone with the insert when a savepoint rolls back), so a submission's question,
    // keuzes and clocks add one row, not three.
    await runner.query(`CREATE FUNCTION statistics_mark(marked_day text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF marked_day IS NOT NULL AND marked_day IS DISTINCT FROM current_setting('vraagbaak.statistics_marked', true) THEN
          INSERT INTO ${DIRTY_TABLE} (day) VALUES (marked_day);
          PERFORM set_config('vraagbaak.statistics_marked', marked_day, true);
        END IF;
      END $$`);
    // Bulk inserts (demo data, imports) mark each day once per statement; row changes mark their own day.
    await runner.query(`CREATE FUNCTION statistics_mark_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        marked_day text;
      BEGIN
        IF TG_TABLE_NAME = 'questions' THEN
          FOR marked_day IN SELECT DISTINCT ${day} FROM new_rows q LOOP PERFORM statistics_mark(marked_day); END LOOP;
        ELSE
          FOR marked_day IN SELECT DISTINCT ${day} FROM new_rows n JOIN questions q ON q.id = n.question_id LOOP PERFORM statistics_mark(marked_day); END LOOP;
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`CREATE FUNCTION statistics_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'questions' THEN
          IF TG_OP <> 'INSERT' THEN PERFORM statistics_mark(${postgresAmsterdamDay('OLD.submitted_at')}); END IF;
          IF TG_OP = 'UPDATE' AND NEW.submitted_at IS DISTINCT FROM OLD.submitted_at THEN PERFORM statistics_mark(${postgresAmsterdamDay('NEW.submitted_at')}); END IF;
        ELSE
          PERFORM statistics_mark((SELECT ${day} FROM questions q WHERE q.id = OLD.question_id));
          IF TG_OP = 'UPDATE' THEN
            IF NEW.question_id IS DISTINCT FROM OLD.question_id THEN PERFORM statistics_mark((SELECT ${day} FROM questions q WHERE q.id = NEW.question_id)); END IF;
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`CREATE FUNCTION statistics_mark_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Rare (organisations change by migration): every day of their questions, without the one-per-transaction shortcut.
        INSERT INTO ${DIRTY_TABLE} (day) SELECT DISTINCT ${day} FROM questions q WHERE q.organisation_code IN (OLD.code, NEW.code);
        RETURN NULL;
      END $$`);
    for (const { table, updates } of SOURCES) {
      await runner.query(`CREATE TRIGGER statistics_${table}_inserted AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statistics_mark_inserted()`);
      await runner.query(`CREATE TRIGGER statistics_${table}_changed AFTER UPDATE OF ${updates.join(', ')} OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION statistics_mark_changed()`);
    }
    await runner.query(`CREATE TRIGGER statistics_organisations_changed AFTER UPDATE OF type, province_code ON organisations FOR EACH ROW EXECUTE FUNCTION statistics_mark_organisation()`);
    await runner.query(`INSERT INTO ${DIRTY_TABLE} (day) SELECT DISTINCT ${day} FROM questions q`);
    return;
  }

  // SQLite writes one transaction at a time, so one row per day (INSERT OR IGNORE) cannot lose a mark.
  await runner.query(`CREATE TABLE ${DIRTY_TABLE} (day varchar(10) PRIMARY KEY NOT NULL)`);
  const mark = (instant: string) => `INSERT OR IGNORE INTO ${DIRTY_TABLE} (day) VALUES (${sqliteAmsterdamDay(instant)});`;
  const markQuestion = (row: 'NEW' | 'OLD') => `INSERT OR IGNORE INTO ${DIRTY_TABLE} (day) SELECT ${sqliteAmsterdamDay('q.submitted_at')} FROM questions q WHERE q.id = ${row}.question_id;`;
  for (const { table, key, updates } of SOURCES) {
    const own = key === 'id';
    const body = (rows: ('NEW' | 'OLD')[]) => rows.map((row) => (own ? mark(`${row}.submitted_at`) : markQuestion(row))).join(' ');
    await runner.query(`CREATE TRIGGER statistics_${table}_inserted AFTER INSERT ON ${table} BEGIN ${body(['NEW'])} END`);
    await runner.query(`CREATE TRIGGER statistics_${table}_updated AFTER UPDATE OF ${updates.join(', ')} ON ${table} BEGIN ${body(['OLD', 'NEW'])} END`);
    await runner.query(`CREATE TRIGGER statistics_${table}_deleted AFTER DELETE ON ${table} BEGIN ${body(['OLD'])} END`);
  }
  await runner.query(
    `CREATE TRIGGER statistics_organisations_updated AFTER UPDATE OF type, province_code ON organisations
     BEGIN INSERT OR IGNORE INTO ${DIRTY_TABLE} (day) SELECT ${sqliteAmsterdamDay('q.submitted_at')} FROM questions q WHERE q.organisation_code IN (OLD.code, NEW.code); END`,
  );
  await runner.query(`INSERT OR IGNORE INTO ${DIRTY_TABLE} (day) SELECT DISTINCT ${sqliteAmsterdamDay('submitted_at')} FROM questions`);
}

export async function dropCellsSchema(runner: QueryRunner): Promise<void> {
  const postgres = databaseKindOf(runner) === 'postgres';
  for (const { table } of SOURCES) {
    for (const event of postgres ? ['inserted', 'changed'] : ['inserted', 'updated', 'deleted']) {
      await runner.query(`DROP TRIGGER IF EXISTS statistics_${table}_${event}${postgres ? ` ON ${table}` : ''}`);
    }
  }
  await runner.query(`DROP TRIGGER IF EXISTS statistics_organisations_${postgres ? 'changed ON organisations' : 'updated'}`);
  if (postgres) {
    for (const fn of ['statistics_mark_inserted()', 'statistics_mark_changed()', 'statistics_mark_organisation()', 'statistics_mark(text)']) await runner.query(`DROP FUNCTION IF EXISTS ${fn}`);
  }
  await runner.query(`DROP TABLE ${DIRTY_TABLE}`);
  await runner.query(`DROP TABLE ${CELLS_TABLE}`);
}
