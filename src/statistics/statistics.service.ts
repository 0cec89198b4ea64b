import { Injectable } from '@nestjs/common';
import { displayNames, expertNames } from '../accounts/index.js';
import { keuzeTitles, themeTitles } from '../catalog/index.js';
import { articleHasKeuze, articleHasTheme, articleKeuzeRows, articleReuseRows, publishedArticleRows } from '../knowledge/index.js';
import { ORGANISATION_TYPES, organisationCodesInProvince, organisationCodesOfType, organisationRows, provinceKeyOf, provinces } from '../organisations/index.js';
import { firstSubmission, questionHasKeuze, questionHasTheme, questionKeuzeRows, questionRatingRows, questionRows, questionThemeRows } from '../questions/index.js';
import { type SlaClockIndex, slaClockRows, slaKeuzeClockRows } from '../sla/index.js';
import { Clock, amsterdamDay } from '../common/clock.js';
import { InvalidInputError } from '../common/domain-errors.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams } from '../infra/database/sql.js';
import { CELLS_TABLE, CELL_MEASURES, CLOCK_KINDS, measureColumn } from './cells-schema.js';
import { QUESTION_COUNTS, StatisticsCells } from './statistics-cells.js';
import { amsterdamMidnight, shiftDay } from '../common/clock.js';
import { MAX_PERIODS, monthsBetween, quartersBetween, wholeQuarter, type Period } from './periods.js';
import {
  AGE_BUCKETS,
  OPEN_STATUSES,
  type BacklogDto,
  type BacklogRowDto,
  type BreakdownDimension,
  type BreakdownDto,
  type GroupMeasuresDto,
  type MeasuresDto,
  type OverviewDto,
  type StatisticsQuery,
} from './statistics.dto.js';

export const ORGANISATION_TYPE_LABELS: Record<string, string> = {
  municipality: 'Gemeente',
  province: 'Provincie',
  water_board: 'Waterschap',
  central_government: 'Rijk',
  other: 'Overig',
};

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const round = (value: number | null, decimals: number): number | null => (value === null || !Number.isFinite(value) ? null : Number(value.toFixed(decimals)));
const pct = (part: number, whole: number): number | null => (whole > 0 ? round((100 * part) / whole, 1) : null);
/** Working days to 4 decimals (0.0001 working day ≈ 3 seconds): quarter hours stay exact (0.03125). */
const days = (value: unknown): number | null => (value === null || value === undefined ? null : round(Number(value), 4));

/** Where the question attributes of a query come from (questionRows or the copies on the SLA clocks). */
interface Columns {
  id: string;
  submitted: string;
  org: string;
  assignee?: string;
}

/** A period and filters, resolved to instants. */
export interface ResolvedFilter {
  fromDay: string | null;
  toDay: string | null;
  start: Date | null;
  end: Date | null;
  keuzeId?: number;
  themeId?: number;
  organisationType?: string;
  provinceCode?: string;
}

interface GroupSource {
  ctes: string[];
  join: string;
  /** Extra conditions on the source rows. */
  where: string[];
  key: string;
  /** Whether a question can be in several groups. */
  multi: boolean;
}

interface ClockSource {
  /** The clocks (slaClockRows) or their per-keuze copies (slaKeuzeClockRows), on SQLite read through the index in (kind, group, measured_days) order. */
  from: string;
  perKeuze: boolean;
  /** Group column (alias s), or null for one group. */
  column: string | null;
  /** Extra conditions (once per theme). */
  extra: string[];
  /** Group key as the API reports it, from the column value… */
  key: (value: unknown) => string;
  /** …and back (null for the '' key of no group). */
  raw: (key: string) => unknown;
}

/** SLA verdicts of one clock kind in one group: `g` the API's group key, `raw` the column value. */
interface Verdicts {
  g: string;
  raw: unknown;
  kind: string;
  n: number;
  met: number;
  verdicts: number;
}

interface Group {
  key: string;
  label: string;
}

type Row = Record<string, unknown>;

/**
 * Evaluation statistics for the secretariat. Every figure is aggregated in SQL: the additive ones
 * as sums over `statistics_cells` (at most STATISTICS_MAX_STALENESS_MS old, brought up to date
 * at the start of a request when older, see StatisticsCells; the live tables where the cells
 * cannot answer a filter), the nearest-rank percentiles with index-ordered OFFSET look-ups on the
 * clocks. Reads go through `Database.reader` (read-only connections on SQLite), never
 * inside a write transaction. Durations come from question_sla (working days, stored as numbers).
 *
 * Nearest-rank percentile p of n sorted values: the value at position ⌈p·n⌉, computed with
 * integer arithmetic identical on SQLite and PostgreSQL: median ⌈n/2⌉ = (n + 1) / 2,
 * p90 ⌈9n/10⌉ = (9n + 9) / 10.
 */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly cells: StatisticsCells,
  ) {}

  // ---- endpoints ----------------------------------------------------------------------------

  async overview(query: StatisticsQuery): Promise<OverviewDto> {
    const filter = this.resolve(query);
    const [measures] = (await this.measures(filter, null)).values();
    return { period: { from: filter.fromDay, to: filter.toDay }, ...(measures ?? emptyMeasures()) };
  }

  async breakdown(query: StatisticsQuery & { by: BreakdownDimension }): Promise<BreakdownDto> {
    const filter = this.resolve(query);
    const groups = await this.groupsFor(query.by, filter);
    const [byGroup, totalsMap] = await Promise.all([this.measures(filter, query.by, groups), this.measures(filter, null)]);
    const multi = query.by === 'keuze' || query.by === 'theme';
    // Groups the list does not know (e.g. an assignee who is no longer an expert) are added at the end.
    const known = new Set(groups.map((g) => g.key));
    const extra = [...byGroup.keys()].filter((key) => key !== '' && !known.has(key));
    const labels = extra.length ? await this.userNames(extra) : new Map<string, string>();
    const all = [...groups, ...extra.map((key) => ({ key, label: labels.get(key) ?? key }))];
    return {
      by: query.by,
      period: { from: filter.fromDay, to: filter.toDay },
      groups: all.map((g): GroupMeasuresDto => ({ key: g.key, label: g.label, ...(byGroup.get(g.key) ?? emptyMeasures()) })),
      totals: {
        ...(totalsMap.get('all') ?? emptyMeasures()),
        countsQuestionsOncePerGroup: multi,
        note: multi
          ? `Een vraag over meerdere ${query.by === 'keuze' ? 'keuzes' : "thema's"} telt bij elk daarvan één keer mee; de groepen tellen daarom op tot meer dan het totaal, dat elke vraag één keer telt.`
          : query.by === 'province'
            ? 'Elke vraag telt in één groep; vragen van waterschappen, het Rijk en overige organisaties horen bij geen provincie en tellen alleen in het totaal.'
            : query.by === 'expert'
              ? 'Elke vraag telt bij de expert aan wie zij nu is toegewezen; vragen zonder expert tellen alleen in het totaal.'
              : 'Elke vraag telt in precies één groep; de groepen tellen op tot het totaal.',
      },
    };
  }

  async backlog(query: StatisticsQuery): Promise<BacklogDto> {
    const filter = this.resolve(query);
    const now = this.clock.now();
    const p = new SqlParams(this.db.kind);
    // A question is at least k working days old when submitted at or before the instant k working days ago.
    const [t3, t6, t11] = [3, 6, 11].map((k) => p.time(this.workingDaysAgo(now, k)));
    const where = this.where(filter, p, { id: 'q.id', submitted: 'q.submitted_at', org: 'q.organisation_code' });
    where.push(`q.status IN (${p.list(OPEN_STATUSES)})`);
    const rows: Row[] = await this.db.reader.query(
      `SELECT q.status AS status, count(*) AS total,
              sum(CASE WHEN q.submitted_at > ${t3} THEN 1 ELSE 0 END) AS b0,
              sum(CASE WHEN q.submitted_at <= ${t3} AND q.submitted_at > ${t6} THEN 1 ELSE 0 END) AS b1,
              sum(CASE WHEN q.submitted_at <= ${t6} AND q.submitted_at > ${t11} THEN 1 ELSE 0 END) AS b2,
              sum(CASE WHEN q.submitted_at <= ${t11} THEN 1 ELSE 0 END) AS b3
         FROM ${questionRows()} q WHERE ${where.join(' AND ')} GROUP BY q.status`,
      p.values,
    );
    const byStatus = new Map(rows.map((r) => [String(r.status), r]));
    const toRow = (status: string, r: Row | undefined): BacklogRowDto => ({
      status,
      total: num(r?.total),
      ages: { [AGE_BUCKETS[0]]: num(r?.b0), [AGE_BUCKETS[1]]: num(r?.b1), [AGE_BUCKETS[2]]: num(r?.b2), [AGE_BUCKETS[3]]: num(r?.b3) } as BacklogRowDto['ages'],
    });
    const list = OPEN_STATUSES.map((s) => toRow(s, byStatus.get(s)));
    const sum = (f: (r: BacklogRowDto) => number) => list.reduce((acc, r) => acc + f(r), 0);
    return {
      asOf: now.toISOString(),
      buckets: [...AGE_BUCKETS],
      byStatus: list,
      total: {
        status: 'open',
        total: sum((r) => r.total),
        ages: Object.fromEntries(AGE_BUCKETS.map((b) => [b, sum((r) => r.ages[b])])) as BacklogRowDto['ages'],
      },
    };
  }

  // ---- building blocks (also used by the evaluation report) -----------------------------------

  /** Checks the query and turns the days into instants (Europe/Amsterdam). */
  resolve(query: StatisticsQuery): ResolvedFilter {
    if (query.from && query.to && query.from > query.to) throw new InvalidInputError([{ name: 'from', reason: 'ligt na to' }]);
    return {
      fromDay: query.from ?? null,
      toDay: query.to ?? null,
      start: query.from ? amsterdamMidnight(query.from) : null,
      end: query.to ? amsterdamMidnight(shiftDay(query.to, 1)) : null,
      keuzeId: query.keuzeId,
      themeId: query.themeId,
      organisationType: query.organisationType,
      provinceCode: query.provinceCode,
    };
  }

  /** The conditions of a filter on a question source (period by submission). */
  where(filter: ResolvedFilter, p: SqlParams, c: Columns): string[] {
    const where: string[] = ['1 = 1'];
    if (filter.start) where.push(`${c.submitted} >= ${p.time(filter.start)}`);
    if (filter.end) where.push(`${c.submitted} < ${p.time(filter.end)}`);
    if (filter.keuzeId !== undefined) where.push(questionHasKeuze(p, c.id, filter.keuzeId));
    if (filter.themeId !== undefined) where.push(questionHasTheme(p, c.id, filter.themeId));
    if (filter.organisationType) where.push(`${c.org} IN ${organisationCodesOfType(p, filter.organisationType)}`);
    if (filter.provinceCode) where.push(`${c.org} IN ${organisationCodesInProvince(p, filter.provinceCode)}`);
    return where;
  }

  /** How rows of a question source join to the groups of a dimension. */
  private groupSource(by: BreakdownDimension | null, c: Columns, p: SqlParams, periods: Period[]): GroupSource {
    switch (by) {
      case null:
        return { ctes: [], join: '', where: [], key: "'all'", multi: false };
      case 'keuze':
        return { ctes: [], join: `JOIN ${questionKeuzeRows()} gk ON gk.question_id = ${c.id}`, where: [], key: 'gk.keuze_id', multi: true };
      case 'theme':
        // One row per (question, theme): the question's lowest keuze of that theme.
        return {
          ctes: [],
          join: `JOIN ${questionThemeRows()} gk ON gk.question_id = ${c.id}`,
          where: [],
          key: 'gk.theme_id',
          multi: true,
        };
      case 'organisationType':
        return { ctes: [], join: `JOIN ${organisationRows()} go ON go.code = ${c.org}`, where: [], key: 'go.type', multi: false };
      case 'province':
        return { ctes: [], join: `JOIN ${organisationRows()} go ON go.code = ${c.org}`, where: [], key: provinceKeyOf('go'), multi: false };
      case 'month':
      case 'quarter': {
        // The periods are contiguous and in order: one CASE per row instead of a range join, which
        // PostgreSQL ran as a nested loop over every row and SQLite had to sort for GROUP BY.
        if (periods.length === 0) return { ctes: [], join: '', where: ['1 = 0'], key: 'NULL', multi: false };
        const branches = periods.map((period) => `WHEN ${c.submitted} < ${p.time(period.end)} THEN ${p.add(period.key)}`);
        return {
          ctes: [],
          join: '',
          where: [`${c.submitted} >= ${p.time(periods[0].start)}`, `${c.submitted} < ${p.time(periods[periods.length - 1].end)}`],
          key: `CASE ${branches.join(' ')} END`,
          multi: false,
        };
      }
      case 'expert':
        if (!c.assignee) throw new Error('expert grouping needs the questions table');
        return { ctes: [], join: '', where: [], key: c.assignee, multi: false };
    }
  }

  /**
   * All measures, per group key (or under 'all' without a dimension); `source: 'live'` skips the cells (the consistency tests compare both ways).
   * `answerMedianOnly`: of the percentiles only the answer clock's median (the public dashboard), the costly part left out.
   */
  async measures(filter: ResolvedFilter, by: BreakdownDimension | null, groups?: Group[], source: 'cells' | 'live' = 'cells', answerMedianOnly = false): Promise<Map<string, MeasuresDto>> {
    const periods = by === 'month' || by === 'quarter' ? (groups as Period[] | undefined) ?? (await this.periodsFor(by, filter)) : [];
    const now = this.clock.now();
    // Independent aggregations, run side by side: on PostgreSQL over pooled connections, on a SQLite
    // file over the read-only connections of Database.reader, so a breakdown uses every core.
    const cells = source === 'cells' ? this.cellsQuery(filter, by, periods) : null;
    let counts: Row[], ratings: Row[], clocks: Row[], articles: Row[], reuse: Row[];
    if (cells) {
      // The additive measures from the pre-aggregated cells (brought up to date first); the
      // percentiles, overdue clocks and articles from the live tables.
      await this.cells.ensureFresh();
      const rows: Row[] = cells.sql ? await this.db.reader.query(cells.sql, cells.values) : [];
      [clocks, articles] = await Promise.all([this.clockRows(filter, by, now, this.verdictsOf(by, rows), answerMedianOnly), this.articleRows(filter, by, periods)]);
      counts = ratings = rows;
      reuse = rows.map((r) => ({ g: r.g, n: r.reuse }));
    } else {
      [counts, ratings, clocks, articles, reuse] = await Promise.all([
        this.countRows(filter, by, periods),
        this.ratingRows(filter, by, periods),
        this.clockRows(filter, by, now),
        this.articleRows(filter, by, periods),
        this.reuseRows(filter, by, periods),
      ]);
    }
    const result = new Map<string, MeasuresDto>();
    const get = (key: string) => {
      let m = result.get(key);
      if (!m) result.set(key, (m = emptyMeasures()));
      return m;
    };
    const everAnswered = new Map<string, number>();
    for (const r of counts) {
      const m = get(keyOf(r.g));
      m.received = num(r.received);
      m.open = num(r.open);
      m.answered = num(r.answered);
      m.closed = num(r.closed);
      m.referred = num(r.referred);
      m.withdrawn = num(r.withdrawn);
      m.reopens = num(r.reopens);
      m.reopenRate = pct(num(r.reopened), num(r.ever_answered));
      everAnswered.set(keyOf(r.g), num(r.ever_answered));
    }
    for (const r of ratings) {
      const m = get(keyOf(r.g));
      const n = num(r.ratings);
      m.rating = { mean: n ? round(num(r.rating_sum) / n, 2) : null, count: n, responseRate: pct(n, everAnswered.get(keyOf(r.g)) ?? 0) };
    }
    // Answered questions and no rating: a response rate of 0 %, not "unknown".
    for (const [key, answered] of everAnswered) if (get(key).rating.count === 0) get(key).rating.responseRate = pct(0, answered);
    for (const r of clocks) {
      const m = get(keyOf(r.g));
      const percentiles = { median: days(r.median), p90: days(r.p90), count: num(r.n) };
      const met = pct(num(r.met), num(r.verdicts));
      if (r.kind === 'first_response') {
        m.firstResponseDays = percentiles;
        m.slaMetPct.firstResponse = met;
      } else if (r.kind === 'answer') {
        m.answerDays = percentiles;
        m.slaMetPct.answer = met;
      } else if (r.kind === 'reopen_answer') {
        m.reopenAnswerDays = percentiles;
        m.slaMetPct.reopenAnswer = met;
      }
    }
    for (const r of articles) get(keyOf(r.g)).articlesPublished = num(r.n);
    for (const r of reuse) get(keyOf(r.g)).articleReuse = num(r.n);
    if (!by && !result.has('all')) result.set('all', emptyMeasures());
    return result;
  }

  private questionColumns(): Columns {
    return { id: 'q.id', submitted: 'q.submitted_at', org: 'q.organisation_code', assignee: 'q.assignee_id' };
  }

  /** Status counts per group, from the questions table. */
  private countRows(filter: ResolvedFilter, by: BreakdownDimension | null, periods: Period[]): Promise<Row[]> {
    const p = new SqlParams(this.db.kind);
    const c = this.questionColumns();
    const where = this.where(filter, p, c);
    const measures = QUESTION_COUNTS.map(([measure, expression]) => `sum(${expression}) AS ${measure}`).join(', ');
    if (by === 'organisationType' || by === 'province') {
      // Counts add up: aggregate per organisation first (an index-ordered pass), then per type or province.
      const g = this.groupSource(by, { ...c, org: 'po.organisation_code' }, p, periods);
      return this.db.reader.query(
        `SELECT ${g.key} AS g, sum(po.received) AS received, sum(po.open) AS open, sum(po.answered) AS answered, sum(po.closed) AS closed,
                sum(po.referred) AS referred, sum(po.withdrawn) AS withdrawn, sum(po.ever_answered) AS ever_answered,
                sum(po.reopened) AS reopened, sum(po.reopens) AS reopens
           FROM (SELECT q.organisation_code AS organisation_code, ${measures} FROM ${questionRows()} q WHERE ${where.join(' AND ')} GROUP BY q.organisation_code) po
           ${g.join}
          GROUP BY ${g.key}`,
        p.values,
      );
    }
    if (by === 'month' || by === 'quarter') {
      // One range scan per period (UNION ALL) instead of a join that SQLite would sort for GROUP BY.
      if (periods.length === 0) return Promise.resolve([]);
      const parts = periods.map(
        (period) => `SELECT ${p.add(period.key)} AS g, ${measures} FROM ${questionRows()} q WHERE q.submitted_at >= ${p.time(period.start)} AND q.submitted_at < ${p.time(period.end)} AND ${where.join(' AND ')}`,
      );
      return this.db.reader.query(parts.join(' UNION ALL '), p.values);
    }
    const g = this.groupSource(by, c, p, periods);
    return this.db.reader.query(`${with_(g.ctes)} SELECT ${g.key} AS g, ${measures} FROM ${questionRows()} q ${g.join} WHERE ${[...where, ...g.where].join(' AND ')} ${groupBy(by)}`, p.values);
  }

  /** Ratings per group, driven by the (fewer) rating rows. */
  private ratingRows(filter: ResolvedFilter, by: BreakdownDimension | null, periods: Period[]): Promise<Row[]> {
    const p = new SqlParams(this.db.kind);
    const c = this.questionColumns();
    const g = this.groupSource(by, c, p, periods);
    const where = this.where(filter, p, c);
    return this.db.reader.query(
      `${with_(g.ctes)} SELECT ${g.key} AS g, count(*) AS ratings, sum(r.score) AS rating_sum
         FROM ${questionRatingRows()} r JOIN ${questionRows()} q ON q.id = r.question_id ${g.join}
        WHERE ${[...where, ...g.where].join(' AND ')} ${groupBy(by)}`,
      p.values,
    );
  }

  /**
   * The additive measures of a filter and grouping, summed over statistics_cells (see
   * statistics-cells.ts), or null when the cells cannot answer it: the cells hold one group
   * dimension besides organisation and day, so a keuze or theme filter combined with a grouping by
   * keuze, theme or expert (or both filters) runs on the live tables. `sql` is null for an empty
   * list of periods.
   */
  private cellsQuery(filter: ResolvedFilter, by: BreakdownDimension | null, periods: Period[]): { sql: string | null; values: unknown[] } | null {
    const tagged = by === 'keuze' || by === 'theme' || by === 'expert';
    const tag = filter.keuzeId !== undefined ? { dimension: 'keuze', id: filter.keuzeId } : filter.themeId !== undefined ? { dimension: 'theme', id: filter.themeId } : null;
    if ((filter.keuzeId !== undefined && filter.themeId !== undefined) || (tag && tagged)) return null;
    const p = new SqlParams(this.db.kind);
    const where = [`c.dimension = ${p.add(tag?.dimension ?? (tagged ? by : 'all'))}`];
    if (tag) where.push(`c.group_key = ${p.add(String(tag.id))}`);
    if (filter.fromDay) where.push(`c.day >= ${p.add(filter.fromDay)}`);
    if (filter.toDay) where.push(`c.day <= ${p.add(filter.toDay)}`);
    if (filter.organisationType) where.push(`c.organisation_type = ${p.add(filter.organisationType)}`);
    if (filter.provinceCode) where.push(`c.province_key = ${p.add(filter.provinceCode)}`);
    let key: string;
    switch (by) {
      case null:
        key = "'all'";
        break;
      case 'organisationType':
        key = 'c.organisation_type';
        break;
      case 'province':
        key = 'c.province_key';
        break;
      case 'month':
      case 'quarter':
        if (periods.length === 0) return { sql: null, values: [] };
        where.push(`c.day >= ${p.add(amsterdamDay(periods[0].start))}`, `c.day < ${p.add(amsterdamDay(periods[periods.length - 1].end))}`);
        key = by === 'month' ? 'substr(c.day, 1, 7)' : `substr(c.day, 1, 4) || '-Q' || CAST((CAST(substr(c.day, 6, 2) AS integer) + 2) / 3 AS varchar(1))`;
        break;
      default:
        key = 'c.group_key';
    }
    const sums = CELL_MEASURES.map((m) => `sum(c.${measureColumn(m)}) AS ${m}`).join(', ');
    return { sql: `SELECT ${key} AS g, ${sums} FROM ${CELLS_TABLE} c WHERE ${where.join(' AND ')} ${groupBy(by)}`, values: p.values };
  }

  /** The SLA verdicts in summed cells, per clock kind. */
  private verdictsOf(by: BreakdownDimension | null, rows: Row[]): Verdicts[] {
    const src = this.clockSource(by, new SqlParams(this.db.kind));
    return rows.flatMap((r) =>
      CLOCK_KINDS.map(([kind, prefix]) => ({ g: keyOf(r.g), raw: src.raw(keyOf(r.g)), kind, n: num(r[`${prefix}_n`]), met: num(r[`${prefix}_met`]), verdicts: num(r[`${prefix}_verdicts`]) })),
    );
  }

  /** The SLA verdicts of stopped clocks (and of running ones the breach job already marked), from the clocks. */
  private async verdictRows(filter: ResolvedFilter, by: BreakdownDimension | null): Promise<Verdicts[]> {
    const p = new SqlParams(this.db.kind);
    const src = this.clockSource(by, p);
    const where = [...src.extra, ...this.where(filter, p, { id: 's.question_id', submitted: 's.submitted_at', org: 's.organisation_code' })];
    const rows: Row[] = await this.db.reader.query(
      `SELECT ${src.column ?? "'all'"} AS g, s.kind AS kind, count(s.measured_days) AS n, sum(CASE WHEN s.met THEN 1 ELSE 0 END) AS met, count(s.met) AS verdicts
         FROM ${src.from} s WHERE ${where.join(' AND ')} GROUP BY s.kind${src.column ? `, ${src.column}` : ''}`,
      p.values,
    );
    return rows.map((r) => ({ g: src.key(r.g), raw: r.g, kind: String(r.kind), n: num(r.n), met: num(r.met), verdicts: num(r.verdicts) }));
  }

  /**
   * Where the clocks of a breakdown come from: question_sla with a dimension column, or its per-keuze
   * copy; `quarterly`: per keuze or theme from the index of one quarter's clocks (see `percentiles`).
   */
  private clockSource(by: BreakdownDimension | null, p: SqlParams, totals?: SlaClockIndex, quarterly = false): ClockSource {
    const kind = this.db.kind;
    const asText = (key: string): unknown => (key === '' ? null : key);
    const asNumber = (key: string): unknown => (key === '' ? null : Number(key.replace(/\D/g, '')));
    const single = (column: SlaClockIndex, key: (v: unknown) => string = keyOf, raw = asText): ClockSource => ({
      from: slaClockRows(kind, column),
      perKeuze: false,
      column: `s.${column}`,
      extra: [],
      key,
      raw,
    });
    switch (by) {
      case null:
        return { from: slaClockRows(kind, totals), perKeuze: false, column: null, extra: [], key: () => 'all', raw: () => 'all' };
      case 'keuze':
        return { from: slaKeuzeClockRows(kind, quarterly ? 'keuze_quarter' : 'keuze'), perKeuze: true, column: 's.keuze_id', extra: [], key: keyOf, raw: asNumber };
      case 'theme':
        return { from: slaKeuzeClockRows(kind, quarterly ? 'theme_quarter' : 'theme'), perKeuze: true, column: 's.theme_id', extra: [`s.theme_first = ${p.bool(true)}`], key: keyOf, raw: asNumber };
      case 'organisationType':
        return single('organisation_type');
      case 'province':
        return single('province_code');
      case 'month':
        // YYYYMM ⇄ 'YYYY-MM'
        return single('period_month', (v) => (v === null || v === undefined ? '' : `${String(v).slice(0, 4)}-${String(v).slice(4, 6)}`), asNumber);
      case 'quarter':
        // YYYYQ ⇄ 'YYYY-QQ'
        return single('period_quarter', (v) => (v === null || v === undefined ? '' : `${String(v).slice(0, 4)}-Q${String(v).slice(4)}`), asNumber);
      case 'expert':
        return single('assignee_id');
    }
  }

  /**
   * Per group and clock kind: the number of measured clocks (n), the SLA verdicts, and the
   * nearest-rank median and p90 of the measured working days. The verdicts of stopped clocks come
   * from the cells when the caller has them, else from the clocks. Every query reads an index in
   * (kind, group, measured_days) order, so SQLite neither sorts nor builds a temporary B-tree.
   */
  private async clockRows(filter: ResolvedFilter, by: BreakdownDimension | null, now: Date, verdicts?: Verdicts[], answerMedianOnly = false): Promise<Row[]> {
    const c: Columns = { id: 's.question_id', submitted: 's.submitted_at', org: 's.organisation_code' };
    const stopped = verdicts ?? (await this.verdictRows(filter, by));
    // Running clocks past their due time have missed, even before the breach job marked them (few rows: open questions).
    const p = new SqlParams(this.db.kind);
    const src = this.clockSource(by, p);
    const perKeuze = src.perKeuze;
    // Per keuze, the filter is on the clock (the same question, submission and organisation as its
    // copies): PostgreSQL then estimates the few open clocks well and looks up their copies, instead
    // of scanning every copy in the period for a hash join.
    const where = [...src.extra, ...this.where(filter, p, perKeuze ? { id: 'o.question_id', submitted: 'o.submitted_at', org: 'o.organisation_code' } : c)];
    const overdue: Row[] = await this.db.reader.query(
      `SELECT ${src.column ?? "'all'"} AS g, s.kind AS kind, count(*) AS n
         FROM ${perKeuze ? `${slaClockRows(this.db.kind)} o JOIN ${slaKeuzeClockRows(this.db.kind)} s ON s.question_id = o.question_id AND s.kind = o.kind AND s.round = o.round` : `${slaClockRows(this.db.kind)} s`}
        WHERE ${perKeuze ? 'o' : 's'}.stopped_at IS NULL AND ${perKeuze ? 'o' : 's'}.paused_since IS NULL AND s.met IS NULL AND ${perKeuze ? 'o' : 's'}.due_at < ${p.time(now)}
          AND ${where.join(' AND ')}
        GROUP BY s.kind${src.column ? `, ${src.column}` : ''}`,
      p.values,
    );
    const rows = new Map<string, Row>();
    for (const v of stopped) rows.set(`${v.g}|${v.kind}`, { ...v, median: null, p90: null });
    for (const r of overdue) {
      const g = src.key(r.g);
      const row = rows.get(`${g}|${r.kind}`) ?? { g, kind: r.kind, raw: r.g, n: 0, met: 0, verdicts: 0, median: null, p90: null };
      row.verdicts = num(row.verdicts) + num(r.n);
      rows.set(`${g}|${r.kind}`, row);
    }
    await this.percentiles(filter, by, answerMedianOnly ? [...rows.values()].filter((r) => r.kind === 'answer') : [...rows.values()], answerMedianOnly);
    return [...rows.values()];
  }

  /**
   * Nearest-rank percentiles: the value at rank k = ⌈p·n⌉ (median ⌈n/2⌉ = (n + 1) / 2 in integer
   * arithmetic, p90 (9n + 9) / 10), read per group and kind with ORDER BY measured_days LIMIT 1
   * OFFSET k − 1 from an index in (kind, group, measured_days) order — one statement of scalar
   * subqueries, identical on SQLite and PostgreSQL, with no sort of all values.
   */
  private async percentiles(filter: ResolvedFilter, by: BreakdownDimension | null, groups: Row[], medianOnly = false): Promise<void> {
    const p = new SqlParams(this.db.kind);
    // Exactly one quarter (the dashboard, the quarterly overview, the secretariat's key figures):
    // its clocks in value order from the quarter indexes, instead of every clock of the kind and
    // group in value order, each tested for its submission date.
    const quarter = by === null || by === 'keuze' || by === 'theme' ? wholeQuarter(filter.fromDay, filter.toDay) : null;
    const inQuarter = quarter === null ? [] : [`s.period_quarter = ${p.add(quarter)}`];
    let src = this.clockSource(by, p, quarter === null ? 'percentiles' : 'period_quarter', quarter !== null);
    let rowFilter: ResolvedFilter = quarter === null ? filter : { ...filter, start: null, end: null };
    let tag: string[] = [];
    if (!by && (filter.keuzeId === undefined) !== (filter.themeId === undefined)) {
      // One keuze or theme: its clocks in the per-keuze copy, in value order, instead of every clock
      // tested for the keuze or theme (an EXISTS per index entry).
      const keuze = filter.keuzeId !== undefined;
      src = this.clockSource(keuze ? 'keuze' : 'theme', p, undefined, quarter !== null);
      tag = [`${src.column} = ${p.add(keuze ? filter.keuzeId : filter.themeId)}`];
      rowFilter = { ...rowFilter, keuzeId: undefined, themeId: undefined };
    }
    const c: Columns = { id: 's.question_id', submitted: 's.submitted_at', org: 's.organisation_code' };
    const parts: string[] = [];
    const targets: { row: Row; field: 'median' | 'p90' }[] = [];
    for (const row of groups) {
      const n = num(row.n);
      if (n === 0 || (by && (row.raw === null || row.raw === undefined))) continue;
      const ranks = [
        ['median', Math.floor((n + 1) / 2)],
        ['p90', Math.floor((9 * n + 9) / 10)],
      ] as const;
      for (const [field, rank] of medianOnly ? ranks.slice(0, 1) : ranks) {
        const group = by ? [`${src.column} = ${p.add(row.raw)}`] : tag;
        const where = [`s.kind = ${p.add(row.kind)}`, ...group, ...inQuarter, 's.measured_days IS NOT NULL', ...src.extra, ...this.where(rowFilter, p, c)];
        // The k-th smallest of n is the (n − k + 1)-th largest: step through the index from the nearer
        // end (the p90 from the top: a tenth of the entries instead of nine tenths).
        const fromTop = rank > n - rank + 1;
        const order = fromTop ? 'DESC' : 'ASC';
        parts.push(`(SELECT s.measured_days FROM ${src.from} s WHERE ${where.join(' AND ')} ORDER BY s.measured_days ${order} LIMIT 1 OFFSET ${p.add(fromTop ? n - rank : rank - 1)}) AS v${parts.length}`);
        targets.push({ row, field });
      }
    }
    // Large breakdowns (40 experts × 3 kinds × 2) are split to stay below the parameter limits.
    const per = 120;
    for (let i = 0; i < parts.length; i += per) {
      const slice = parts.slice(i, i + per);
      const used = new Set<number>();
      for (const part of slice) for (const match of part.matchAll(/[?$](\d+)/g)) used.add(Number(match[1]));
      // Renumber this slice's placeholders from 1.
      const order = [...used].sort((a, b) => a - b);
      const renumber = new Map(order.map((n, j) => [n, j + 1]));
      const sql = slice.map((part) => part.replace(/([?$])(\d+)/g, (_, sign: string, n: string) => `${sign}${renumber.get(Number(n))}`));
      const [values] = (await this.db.reader.query(`SELECT ${sql.join(', ')}`, order.map((n) => p.values[n - 1]))) as Row[];
      slice.forEach((_, j) => {
        const target = targets[i + j];
        target.row[target.field] = values[`v${i + j}`];
      });
    }
  }

  private async articleRows(filter: ResolvedFilter, by: BreakdownDimension | null, periods: Period[]): Promise<Row[]> {
    const p = new SqlParams(this.db.kind);
    const where: string[] = [];
    if (filter.start) where.push(`a.published_at >= ${p.time(filter.start)}`);
    if (filter.end) where.push(`a.published_at < ${p.time(filter.end)}`);
    if (filter.keuzeId !== undefined) where.push(articleHasKeuze(p, 'a.id', filter.keuzeId));
    if (filter.themeId !== undefined) where.push(articleHasTheme(p, 'a.id', filter.themeId));
    const sourceOrg = filter.organisationType || filter.provinceCode;
    if (sourceOrg) {
      // The organisation of an article is that of the question it was written from.
      const orgWhere = this.where({ fromDay: null, toDay: null, start: null, end: null, organisationType: filter.organisationType, provinceCode: filter.provinceCode }, p, {
        id: 'sq.id',
        submitted: 'sq.submitted_at',
        org: 'sq.organisation_code',
      });
      where.push(`EXISTS (SELECT 1 FROM ${questionRows()} sq WHERE sq.id = a.source_question_id AND ${orgWhere.join(' AND ')})`);
    }
    let join = '';
    let key = "'all'";
    const ctes: string[] = [];
    switch (by) {
      case 'keuze':
        join = `JOIN ${articleKeuzeRows()} gak ON gak.article_id = a.id`;
        key = 'gak.keuze_id';
        break;
      case 'theme':
        join = `JOIN ${articleKeuzeRows()} gak ON gak.article_id = a.id`;
        key = 'gak.theme_id';
        break;
      case 'month':
      case 'quarter': {
        const g = this.groupSource(by, { id: 'a.id', submitted: 'a.published_at', org: '' }, p, periods);
        ctes.push(...g.ctes);
        join = g.join;
        where.push(...g.where);
        key = g.key;
        break;
      }
      case 'organisationType':
      case 'province': {
        const g = this.groupSource(by, { id: 'sq.id', submitted: 'sq.submitted_at', org: 'sq.organisation_code' }, p, periods);
        join = `JOIN ${questionRows()} sq ON sq.id = a.source_question_id ${g.join}`;
        key = g.key;
        break;
      }
      case 'expert':
        join = `JOIN ${questionRows()} sq ON sq.id = a.source_question_id`;
        key = 'sq.assignee_id';
        break;
      default:
        break;
    }
    return this.db.reader.query(`${with_(ctes)} SELECT ${key} AS g, count(DISTINCT a.id) AS n FROM ${publishedArticleRows()} a ${join} WHERE ${['1 = 1', ...where].join(' AND ')} ${groupBy(by)}`, p.values);
  }

  private async reuseRows(filter: ResolvedFilter, by: BreakdownDimension | null, periods: Period[]): Promise<Row[]> {
    const p = new SqlParams(this.db.kind);
    const c = this.questionColumns();
    const g = this.groupSource(by, c, p, periods);
    const where = this.where(filter, p, c);
    return this.db.reader.query(
      `${with_(g.ctes)} SELECT ${g.key} AS g, count(*) AS n FROM ${articleReuseRows()} ar JOIN ${questionRows()} q ON q.id = ar.question_id ${g.join} WHERE ${[...where, ...g.where].join(' AND ')} ${groupBy(by)}`,
      p.values,
    );
  }

  /** Every group of a dimension, also those without questions. */
  async groupsFor(by: BreakdownDimension, filter: ResolvedFilter): Promise<Group[]> {
    const m = this.db.reader;
    switch (by) {
      case 'keuze':
        return (await keuzeTitles(m)).map((k) => ({ key: String(k.id), label: `${k.id}. ${k.title}` }));
      case 'theme':
        return (await themeTitles(m)).map((t) => ({ key: String(t.id), label: t.title }));
      case 'organisationType':
        return ORGANISATION_TYPES.map((t) => ({ key: t, label: ORGANISATION_TYPE_LABELS[t] ?? t }));
      case 'province':
        return (await provinces(m)).map((o) => ({ key: o.code, label: o.name }));
      case 'month':
      case 'quarter':
        return this.periodsFor(by, filter);
      case 'expert':
        return (await expertNames(m)).map((u) => ({ key: u.id, label: u.displayName }));
    }
  }

  /** The months or quarters of the period; without `from` from the first question, without `to` up to today. */
  async periodsFor(by: 'month' | 'quarter', filter: ResolvedFilter): Promise<Period[]> {
    const today = amsterdamDay(this.clock.now());
    let fromDay = filter.fromDay;
    if (!fromDay) {
      const first = await firstSubmission(this.db.reader);
      fromDay = first ? amsterdamDay(first) : (filter.toDay ?? today);
    }
    const toDay = filter.toDay ?? (fromDay > today ? fromDay : today);
    const periods = by === 'month' ? monthsBetween(fromDay, toDay) : quartersBetween(fromDay, toDay);
    if (periods.length > MAX_PERIODS) throw new InvalidInputError([{ name: 'from', reason: `de periode is te lang voor een uitsplitsing (hoogstens ${MAX_PERIODS} ${by === 'month' ? 'maanden' : 'kwartalen'})` }]);
    return periods;
  }

  private userNames(ids: string[]): Promise<Map<string, string>> {
    return displayNames(this.db.reader, ids);
  }

  /**
   * The latest submission instant that is at least `k` working days old at `now` (working time is
   * monotone in the submission time, so a binary search over instants finds it to the millisecond).
   */
  workingDaysAgo(now: Date, k: number): Date {
    const target = k * this.calendar.workingDayMs;
    const age = (t: number) => this.calendar.workingTimeBetween(new Date(t), now);
    let hi = now.getTime(); // age(hi) = 0 < target
    let lo = hi - (Math.ceil(k / 5) * 7 + 14) * 86_400_000;
    while (age(lo) < target) lo -= 30 * 86_400_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (age(mid) >= target) lo = mid;
      else hi = mid;
    }
    return new Date(lo);
  }
}

/**
 * By the first column (the group key `g` in every query here), so a key with parameters needs not
 * be repeated; PostgreSQL refuses a constant in GROUP BY: without a dimension the set is one group.
 */
function groupBy(by: BreakdownDimension | null): string {
  return by ? 'GROUP BY 1' : '';
}

function with_(ctes: string[]): string {
  return ctes.length ? `WITH ${ctes.join(', ')}` : '';
}

function keyOf(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

export function emptyMeasures(): MeasuresDto {
  return {
    received: 0,
    open: 0,
    answered: 0,
    closed: 0,
    referred: 0,
    withdrawn: 0,
    firstResponseDays: { median: null, p90: null, count: 0 },
    answerDays: { median: null, p90: null, count: 0 },
    reopenAnswerDays: { median: null, p90: null, count: 0 },
    slaMetPct: { firstResponse: null, answer: null, reopenAnswer: null },
    reopenRate: null,
    reopens: 0,
    rating: { mean: null, count: 0, responseRate: null },
    articlesPublished: 0,
    articleReuse: 0,
  };
}
