import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { amsterdamDay } from '../common/clock.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, parseSqlTime } from '../infra/database/sql.js';
import { CELLS_TABLE, CELL_MEASURES, DIRTY_TABLE, measureColumn, type CellMeasure } from './cells-schema.js';
import { amsterdamMidnight, shiftDay } from './periods.js';

/** Days recomputed per transaction (bounds how long a refresh holds SQLite's write lock). */
const DAYS_PER_TRANSACTION = 8;
/** Serialises refreshes across processes on PostgreSQL (HTTP and worker). */
const ADVISORY_LOCK = 7_244_101;
const CLOCK_PREFIX: Record<string, 'fr' | 'an' | 'ra'> = { first_response: 'fr', answer: 'an', reopen_answer: 'ra' };
const OPEN = new Set(['submitted', 'triage', 'assigned', 'in_progress', 'awaiting_requester']);
const STATUS_MEASURE: Record<string, CellMeasure> = { answered: 'answered', closed: 'closed', referred: 'referred', withdrawn: 'withdrawn' };

type Row = Record<string, unknown>;
type Measures = Record<CellMeasure, number>;

interface QuestionFacts {
  day: string;
  organisationType: string;
  provinceKey: string;
  groups: [dimension: string, key: string][];
  measures: Measures;
}

/**
 * Keeps `statistics_cells` equal to what the live tables say. Writes never touch the cells: the
 * triggers of cells-schema.ts mark the submission day of every changed question, and `refresh`
 * recomputes marked days from the live tables, a few days per transaction. Statistics requests
 * call `refresh` before they read, the reconciler calls it in the background, so reads seldom
 * find work and never see a figure older than the request.
 */
@Injectable()
export class StatisticsCells {
  private readonly logger = new Logger(StatisticsCells.name);
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database) {}

  /** Recomputes every day marked until now. Runs one after another within the process. */
  refresh(): Promise<number> {
    const run = this.tail.then(() => this.drain());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Recomputes the days marked when it starts (a few per transaction), and only those: under a
   * steady stream of writes today is marked again at once, and chasing it would never end. A
   * later mark of a day done here is left for the next refresh.
   */
  private async drain(): Promise<number> {
    const started = Date.now();
    const marked = ((await this.db.reader.query(`SELECT DISTINCT day FROM ${DIRTY_TABLE} ORDER BY day`)) as Row[]).map((r) => String(r.day));
    for (let i = 0; i < marked.length; i += DAYS_PER_TRANSACTION) {
      const days = marked.slice(i, i + DAYS_PER_TRANSACTION);
      await this.db.transaction(async (m) => {
        if (this.db.kind === 'postgres') await m.query(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK})`);
        // Every mark of these days committed before this statement goes; the recompute below reads
        // (at least) what those marks stand for. Marks not yet committed stay for the next round.
        const p = new SqlParams(this.db.kind);
        await m.query(`DELETE FROM ${DIRTY_TABLE} WHERE day IN (${days.map((d) => p.add(d)).join(', ')})`, p.values);
        await this.recompute(m, days);
      });
    }
    if (marked.length > 50) this.logger.log(`Statistiekcellen van ${marked.length} dagen bijgewerkt in ${Date.now() - started} ms`);
    return marked.length;
  }

  /** Replaces the cells of `days` with aggregates of the questions submitted on them. */
  private async recompute(m: EntityManager, days: string[]): Promise<void> {
    const p = new SqlParams(this.db.kind);
    const inDays = days.map((d) => p.add(d)).join(', ');
    await m.query(`DELETE FROM ${CELLS_TABLE} WHERE day IN (${inDays})`, p.values);

    const range = () => {
      const q = new SqlParams(this.db.kind);
      const parts = dayRanges(days).map(([from, to]) => `(q.submitted_at >= ${q.time(amsterdamMidnight(from))} AND q.submitted_at < ${q.time(amsterdamMidnight(shiftDay(to, 1)))})`);
      return { where: `(${parts.join(' OR ')})`, values: q.values };
    };
    const read = async (sql: (where: string) => string): Promise<Row[]> => {
      const r = range();
      return (await m.query(sql(r.where), r.values)) as Row[];
    };
    // One after another: inside a transaction they share one connection.
    const questions = await read(
      (where) => `SELECT q.id AS id, q.submitted_at AS submitted_at, q.status AS status, q.reopen_count AS reopen_count,
                   CASE WHEN q.answered_at IS NULL THEN 0 ELSE 1 END AS ever_answered, q.assignee_id AS assignee_id,
                   o.type AS organisation_type, COALESCE(o.province_code, CASE WHEN o.type = 'province' THEN o.code END) AS province_key
              FROM questions q LEFT JOIN organisations o ON o.code = q.organisation_code WHERE ${where}`,
    );
    const keuzes = await read((where) => `SELECT k.question_id AS id, k.keuze_id AS keuze_id, k.theme_id AS theme_id FROM question_keuzes k JOIN questions q ON q.id = k.question_id WHERE ${where}`);
    const ratings = await read((where) => `SELECT r.question_id AS id, r.score AS score FROM question_ratings r JOIN questions q ON q.id = r.question_id WHERE ${where}`);
    const reuse = await read((where) => `SELECT a.question_id AS id, count(*) AS n FROM article_reuse a JOIN questions q ON q.id = a.question_id WHERE ${where} GROUP BY a.question_id`);
    const clocks = await read(
      (where) => `SELECT s.question_id AS id, s.kind AS kind, CASE WHEN s.measured_days IS NULL THEN 0 ELSE 1 END AS measured,
                   CASE WHEN s.met IS NULL THEN NULL WHEN s.met THEN 1 ELSE 0 END AS met
              FROM question_sla s JOIN questions q ON q.id = s.question_id WHERE ${where}`,
    );

    const facts = new Map<string, QuestionFacts>();
    for (const q of questions) {
      const measures = Object.fromEntries(CELL_MEASURES.map((k) => [k, 0])) as Measures;
      const status = String(q.status);
      const reopens = Number(q.reopen_count ?? 0);
      measures.received = 1;
      if (OPEN.has(status)) measures.open = 1;
      if (STATUS_MEASURE[status]) measures[STATUS_MEASURE[status]] = 1;
      measures.ever_answered = Number(q.ever_answered);
      measures.reopened = reopens > 0 ? 1 : 0;
      measures.reopens = reopens;
      facts.set(String(q.id), {
        day: amsterdamDay(parseSqlTime(q.submitted_at)),
        organisationType: q.organisation_type === null || q.organisation_type === undefined ? '' : String(q.organisation_type),
        provinceKey: q.province_key === null || q.province_key === undefined ? '' : String(q.province_key),
        groups: [
          ['all', ''],
          ['expert', q.assignee_id === null || q.assignee_id === undefined ? '' : String(q.assignee_id)],
        ],
        measures,
      });
    }
    const themesSeen = new Set<string>();
    for (const k of keuzes) {
      const f = facts.get(String(k.id));
      if (!f) continue;
      f.groups.push(['keuze', String(k.keuze_id)]);
      // A question about two keuzes of one theme counts once for that theme.
      const theme = `${String(k.id)}|${String(k.theme_id)}`;
      if (!themesSeen.has(theme)) {
        themesSeen.add(theme);
        f.groups.push(['theme', String(k.theme_id)]);
      }
    }
    for (const r of ratings) {
      const f = facts.get(String(r.id));
      if (!f) continue;
      f.measures.ratings += 1;
      f.measures.rating_sum += Number(r.score);
    }
    for (const r of reuse) {
      const f = facts.get(String(r.id));
      if (f) f.measures.reuse += Number(r.n);
    }
    for (const c of clocks) {
      const f = facts.get(String(c.id));
      const prefix = CLOCK_PREFIX[String(c.kind)];
      if (!f || !prefix) continue;
      f.measures[`${prefix}_n`] += Number(c.measured);
      if (c.met !== null && c.met !== undefined) {
        f.measures[`${prefix}_verdicts`] += 1;
        f.measures[`${prefix}_met`] += Number(c.met);
      }
    }

    const cells = new Map<string, { key: string[]; measures: Measures }>();
    for (const f of facts.values()) {
      for (const [dimension, group] of f.groups) {
        const key = [dimension, group, f.day, f.organisationType, f.provinceKey];
        const id = key.join('|');
        let cell = cells.get(id);
        if (!cell) cells.set(id, (cell = { key, measures: Object.fromEntries(CELL_MEASURES.map((k) => [k, 0])) as Measures }));
        for (const measure of CELL_MEASURES) cell.measures[measure] += f.measures[measure];
      }
    }
    const columns = ['dimension', 'group_key', 'day', 'organisation_type', 'province_key', ...CELL_MEASURES.map(measureColumn)];
    const list = [...cells.values()];
    const perStatement = Math.floor(30_000 / columns.length);
    for (let i = 0; i < list.length; i += perStatement) {
      const q = new SqlParams(this.db.kind);
      const tuples = list.slice(i, i + perStatement).map((cell) => `(${[...cell.key, ...CELL_MEASURES.map((k) => cell.measures[k])].map((v) => q.add(v)).join(', ')})`);
      await m.query(`INSERT INTO ${CELLS_TABLE} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, q.values);
    }
  }
}

/** Consecutive days merged into inclusive [from, to] ranges (days sorted). */
export function dayRanges(days: string[]): [string, string][] {
  const ranges: [string, string][] = [];
  for (const day of days) {
    const last = ranges[ranges.length - 1];
    if (last && shiftDay(last[1], 1) === day) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges;
}
