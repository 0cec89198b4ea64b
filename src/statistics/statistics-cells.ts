import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, queryRows } from '../infra/database/sql.js';
import { CELLS_TABLE, CELL_MEASURES, CLOCK_KINDS, DIRTY_TABLE, measureColumn, postgresAmsterdamDay, sqliteAmsterdamDay } from './cells-schema.js';
import { amsterdamMidnight, shiftDay } from '../common/clock.js';
import { OPEN_STATUSES } from './statistics.dto.js';
import { articleReuseRows } from '../knowledge/index.js';
import { organisationRows, provinceKeyOf } from '../organisations/index.js';
import { questionKeuzeRows, questionRatingRows, questionRows, questionThemeRows } from '../questions/index.js';
import { slaClockRows } from '../sla/index.js';

/** Days recomputed per transaction (bounds how long a refresh holds SQLite's write lock). */
const DAYS_PER_TRANSACTION = 8;
/** Serialises refreshes across processes on PostgreSQL (HTTP and worker). */
const ADVISORY_LOCK = 7_244_101;

type Row = Record<string, unknown>;

const statusIn = (list: readonly string[]) => `CASE WHEN q.status IN (${list.map((s) => `'${s}'`).join(', ')}) THEN 1 ELSE 0 END`;

/**
 * The counts one question (a row of questionRows as `q`) adds to its groups, as SQL expressions: summed per cell by
 * the recompute, and per group by the live counts where the cells cannot answer a filter.
 */
export const QUESTION_COUNTS: readonly [measure: string, expression: string][] = [
  ['received', '1'],
  ['open', statusIn(OPEN_STATUSES)],
  ['answered', statusIn(['answered'])],
  ['closed', statusIn(['closed'])],
  ['referred', statusIn(['referred'])],
  ['withdrawn', statusIn(['withdrawn'])],
  ['ever_answered', 'CASE WHEN q.answered_at IS NULL THEN 0 ELSE 1 END'],
  ['reopened', 'CASE WHEN q.reopen_count > 0 THEN 1 ELSE 0 END'],
  ['reopens', 'q.reopen_count'],
];

/**
 * Keeps `statistics_cells` equal to what the live tables say. The cells are statistics' own read
 * model (design D2): a derived, rebuildable copy of other modules' data, shaped for the
 * statistics queries and owned by this module, which alone writes and reads it; the source tables
 * are read only through their owners' query objects. (The triggers that mark dirty days sit on
 * the source tables; they are schema, created by the StatisticsCells migration, cells-schema.ts.) Writes never touch the cells: the
 * triggers of cells-schema.ts mark the submission day of every changed question, and `refresh`
 * recomputes marked days from the live tables, a few days per transaction. Statistics requests
 * call `ensureFresh` before they read, the reconciler calls `refresh` in the background.
 *
 * Under a steady stream of writes every refresh finds today marked again, so a request that
 * insisted on a refresh of its own would wait for the one running and then for its own, and
 * requests would queue behind each other. Instead a request accepts cells at most
 * STATISTICS_MAX_STALENESS_MS old (by the app's clock): it reads at once when the last refresh is
 * recent enough (starting one in the background once half the bound has passed), and otherwise
 * shares the one running (or starts one) — at most one refresh runs in a process, and a request
 * waits for at most the rest of the running one and one more. Across processes each refresh
 * claims the marks it recomputes (DELETE … RETURNING, behind an advisory lock on PostgreSQL), so
 * a day another process has just recomputed is not recomputed again.
 */
@Injectable()
export class StatisticsCells implements OnModuleDestroy {
  private readonly logger = new Logger(StatisticsCells.name);
  /** The refresh running or last run. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The refresh waiting for it, shared by every caller until it starts. */
  private queued: Promise<number> | null = null;
  /** The refresh running now, and when (app clock, ms) it read the marks. */
  private running: { startedAt: number; done: Promise<number> } | null = null;
  /** Every change committed before this moment (app clock, ms) is in the cells: the start of the last refresh that finished. */
  private freshAsOf = -Infinity;
  private closing = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Makes the cells include every change committed `maxStalenessMs` or more before now (default
   * STATISTICS_MAX_STALENESS_MS): returns at once when the last refresh started after that moment,
   * waits for the running refresh when it did, and otherwise for the running one (if any) and then
   * a new one, shared with every caller that needs it. 0: every change committed before the call (a
   * refresh that starts after the call, as `refresh`).
   */
  async ensureFresh(maxStalenessMs: number = this.config.statisticsMaxStalenessMs): Promise<void> {
    if (maxStalenessMs <= 0) {
      await this.refresh();
      return;
    }
    // Strictly after: a change committed at the very moment (a frozen clock in tests) a refresh
    // started may have missed it. A refresh "from the future" (the clock was set back) proves nothing.
    const now = this.clock.now().getTime();
    const needed = now - maxStalenessMs;
    for (;;) {
      if (this.freshAsOf > needed && this.freshAsOf <= now) {
        // Half the bound gone: refresh in the background, so the next requests find the cells
        // recent enough instead of waiting once the bound has passed.
        if (this.freshAsOf <= now - maxStalenessMs / 2 && !this.running && !this.queued && !this.closing) {
          this.refresh().catch((error: Error) => this.logger.warn(`Statistiekcellen konden niet worden bijgewerkt: ${error.message}`));
        }
        return;
      }
      const current = this.running;
      if (!current) {
        await this.refresh(); // starts now (or joins one about to start): late enough
        return;
      }
      await current.done;
      if (current.startedAt > needed && current.startedAt <= now) return;
    }
  }

  /**
   * Recomputes every day marked until now. Refreshes run one after another within the process; the
   * callers that arrive while one waits to start share it (it reads the marks only when it starts),
   * so the measures a report gathers side by side cost one refresh, not four.
   */
  refresh(): Promise<number> {
    if (this.queued) return this.queued;
    const run = this.tail.then(async () => {
      this.queued = null;
      const startedAt = this.clock.now().getTime();
      this.running = { startedAt, done: run };
      try {
        const days = await this.drain();
        // Not the maximum: after the clock was set back, a time 'from the future' would never count as fresh again.
        this.freshAsOf = startedAt;
        return days;
      } finally {
        this.running = null;
      }
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Lets a refresh in progress (one started in the background) finish before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.tail;
  }

  /** Whether any day waits for a recompute (the reconciler's question). */
  async hasMarkedDays(): Promise<boolean> {
    return ((await this.db.reader.query(`SELECT day FROM ${DIRTY_TABLE} LIMIT 1`)) as Row[]).length > 0;
  }

  /**
   * Recomputes the days marked when it starts (a few per transaction), and only those: under a
   * steady stream of writes today is marked again at once, and chasing it would never end. A
   * later mark of a day done here is left for the next refresh. Each transaction claims the marks
   * of its days (deletes them) and recomputes only the days it got a mark of: a day whose marks
   * another process took meanwhile was recomputed by it, after every change those marks stand for.
   */
  private async drain(): Promise<number> {
    const started = Date.now();
    const marked = ((await this.db.reader.query(`SELECT DISTINCT day FROM ${DIRTY_TABLE} ORDER BY day`)) as Row[]).map((r) => String(r.day));
    for (let i = 0; i < marked.length; i += DAYS_PER_TRANSACTION) {
      const days = marked.slice(i, i + DAYS_PER_TRANSACTION);
      await this.db.transaction(async (m) => {
        if (this.db.kind === 'postgres') {
          // The planner's estimate for the grouping is far too high, so PostgreSQL would JIT-compile the
          // statement (0.8 s, more than the work) and scan whole tables instead of using the indexes.
          await m.query(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK}), set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)`);
        }
        // Every mark of these days committed before this statement goes; the recompute below reads
        // (at least) what those marks stand for. Marks not yet committed stay for the next round.
        const p = new SqlParams(this.db.kind);
        const claimed = await queryRows(m, `DELETE FROM ${DIRTY_TABLE} WHERE day IN (${p.list(days)}) RETURNING day`, p.values);
        const still = [...new Set(claimed.map((r) => String(r.day)))].sort();
        if (still.length > 0) await this.recompute(m, still);
      });
    }
    if (marked.length > 50) this.logger.log(`Statistiekcellen van ${marked.length} dagen bijgewerkt in ${Date.now() - started} ms`);
    return marked.length;
  }

  /**
   * Replaces the cells of `days` with aggregates of the questions submitted on them, in one
   * INSERT … SELECT: `f` holds one row of measures per question (its clocks, ratings and reuse
   * summed per question first); `g` the groups each question counts in: all, its expert, each of
   * its keuzes, and each of its themes once (through its lowest keuze of that theme); the cells
   * are their sums per group, day, organisation type and province.
   */
  private async recompute(m: EntityManager, days: string[]): Promise<void> {
    const p = new SqlParams(this.db.kind);
    await m.query(`DELETE FROM ${CELLS_TABLE} WHERE day IN (${p.list(days)})`, p.values);

    const q = new SqlParams(this.db.kind);
    const ranges = dayRanges(days).map(([from, to]) => [amsterdamMidnight(from), amsterdamMidnight(shiftDay(to, 1))] as const);
    const submittedIn = (column: string) => `(${ranges.map(([start, end]) => `(${column} >= ${q.time(start)} AND ${column} < ${q.time(end)})`).join(' OR ')})`;
    const questionsIn = (column: string) => `${column} IN (SELECT qd.id FROM ${questionRows()} qd WHERE ${submittedIn('qd.submitted_at')})`;
    const day = this.db.kind === 'postgres' ? postgresAmsterdamDay('q.submitted_at') : sqliteAmsterdamDay('q.submitted_at');
    const clockSums = CLOCK_KINDS.map(
      ([kind, prefix]) => `sum(CASE WHEN s.kind = '${kind}' AND s.measured_days IS NOT NULL THEN 1 ELSE 0 END) AS ${prefix}_n,
        sum(CASE WHEN s.kind = '${kind}' AND s.met IS NOT NULL THEN 1 ELSE 0 END) AS ${prefix}_verdicts,
        sum(CASE WHEN s.kind = '${kind}' AND s.met THEN 1 ELSE 0 END) AS ${prefix}_met`,
    );
    const clockColumns = CLOCK_KINDS.flatMap(([, prefix]) => [`${prefix}_n`, `${prefix}_verdicts`, `${prefix}_met`]);
    const sql = `WITH f AS MATERIALIZED (
        SELECT q.id AS id, ${day} AS day, COALESCE(o.type, '') AS organisation_type,
               COALESCE(${provinceKeyOf('o')}, '') AS province_key, COALESCE(q.assignee_id, '') AS assignee,
               ${QUESTION_COUNTS.map(([measure, expression]) => `${expression} AS ${measure}`).join(', ')},
               COALESCE(r.ratings, 0) AS ratings, COALESCE(r.rating_sum, 0) AS rating_sum, COALESCE(u.reuse, 0) AS reuse,
               ${clockColumns.map((c) => `COALESCE(c.${c}, 0) AS ${c}`).join(', ')}
          FROM ${questionRows()} q
          LEFT JOIN ${organisationRows()} o ON o.code = q.organisation_code
          LEFT JOIN (SELECT qr.question_id AS question_id, count(*) AS ratings, sum(qr.score) AS rating_sum FROM ${questionRatingRows()} qr WHERE ${questionsIn('qr.question_id')} GROUP BY qr.question_id) r ON r.question_id = q.id
          LEFT JOIN (SELECT ar.question_id AS question_id, count(*) AS reuse FROM ${articleReuseRows()} ar WHERE ${questionsIn('ar.question_id')} GROUP BY ar.question_id) u ON u.question_id = q.id
          LEFT JOIN (SELECT s.question_id AS question_id, ${clockSums.join(', ')}
                       FROM ${slaClockRows(this.db.kind)} s WHERE ${questionsIn('s.question_id')} GROUP BY s.question_id) c ON c.question_id = q.id
         WHERE ${submittedIn('q.submitted_at')}),
      g AS (
        SELECT id, 'all' AS dimension, '' AS group_key FROM f
        UNION ALL SELECT id, 'expert', assignee FROM f
        UNION ALL SELECT k.question_id, 'keuze', CAST(k.keuze_id AS varchar(10)) FROM ${questionKeuzeRows()} k JOIN f ON f.id = k.question_id
        UNION ALL SELECT k.question_id, 'theme', CAST(k.theme_id AS varchar(10)) FROM ${questionThemeRows()} k JOIN f ON f.id = k.question_id)
      INSERT INTO ${CELLS_TABLE} (dimension, group_key, day, organisation_type, province_key, ${CELL_MEASURES.map(measureColumn).join(', ')})
      SELECT g.dimension, g.group_key, f.day, f.organisation_type, f.province_key, ${CELL_MEASURES.map((measure) => `sum(f.${measure})`).join(', ')}
        FROM g JOIN f ON f.id = g.id
       GROUP BY g.dimension, g.group_key, f.day, f.organisation_type, f.province_key`;
    await m.query(sql, q.values);
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
