import { Database } from '../src/infra/database/database.service.js';
import { DemoDataExistsError, DemoSeeder } from '../src/demo/demo-seed.js';
import { SlaService } from '../src/sla/sla.service.js';
import { StatisticsService, emptyMeasures } from '../src/statistics/statistics.service.js';
import type { StatisticsQuery } from '../src/statistics/statistics.dto.js';
import { QuestionSla } from '../src/sla/sla.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { signInAs } from './support/auth.js';
import { quartersBetween } from '../src/statistics/periods.js';

/** The demo generator: realistic data whose SLA figures are exactly what the live app computes. */
describe('demo data generator (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The cells are compared with the live tables right after each change: the exact mode, in which
    // every request includes every change committed before it (the default allows a few seconds).
    t = await startTestApp({ STATISTICS_MAX_STALENESS_MS: '0' });
  });
  afterAll(() => t.close());

  it('fills an empty database with questions, clocks, articles and searches', async () => {
    const lines: string[] = [];
    const result = await new DemoSeeder(t.app, { questions: 600, seed: 7, log: (line) => lines.push(line), bulkIndexThreshold: 100 }).run();
    expect(result).toMatchObject({ questions: 600, experts: 40 });
    expect(lines.some((line) => /Dropped \d+ secondary indexes/.test(line))).toBe(true);
    expect(result.requesters).toBeGreaterThan(400);
    const m = t.app.get(Database).manager;
    const count = async (sql: string) => Number(((await m.query(sql)) as { n: number | string }[])[0].n);
    expect(await count('SELECT count(*) AS n FROM questions')).toBe(600);
    expect(await count("SELECT count(DISTINCT status) AS n FROM questions")).toBeGreaterThanOrEqual(5);
    expect(await count("SELECT count(*) AS n FROM question_events WHERE type = 'reopened'")).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM question_sla WHERE kind = 'first_response'")).toBe(600);
    expect(await count('SELECT count(DISTINCT keuze_id) AS n FROM user_expertise WHERE keuze_id IS NOT NULL')).toBeGreaterThanOrEqual(20);
    expect(await count('SELECT count(DISTINCT organisation_code) AS n FROM questions')).toBeGreaterThan(100);
    expect(await count("SELECT count(*) AS n FROM articles WHERE status = 'published'")).toBeGreaterThan(0);
    // The indexes dropped for the bulk load are back.
    const indexes = (await m.query(
      t.app.get(Database).kind === 'postgres' ? `SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'idx_question_sla_%'` : `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_question_sla_%'`,
    )) as { name: string }[];
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['idx_question_sla_percentiles', 'idx_question_sla_period_month', 'idx_question_sla_keuzes_keuze']));
    // Every keuze is covered by an expert (directly or through a theme).
    expect(await count('SELECT count(*) AS n FROM keuzes k WHERE NOT EXISTS (SELECT 1 FROM user_expertise e WHERE e.keuze_id = k.id OR e.theme_id = k.theme_id)')).toBe(0);
  }, 120_000);

  it('wrote the clocks the live recompute produces (same replay, same calendar)', async () => {
    const db = t.app.get(Database);
    const sla = t.app.get(SlaService);
    const sample = (await db.manager.query('SELECT id FROM questions ORDER BY reference LIMIT 80')) as { id: string }[];
    const fields = (rows: QuestionSla[]) =>
      rows
        .map((r) => [r.kind, r.round, r.priority, r.targetDays, r.measuredDays === null ? null : Number(r.measuredDays.toFixed(9)), r.met, r.dueAt?.toISOString() ?? null, r.stoppedAt?.toISOString() ?? null, r.periodMonth, r.organisationType, r.provinceCode, r.assigneeId])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    for (const { id } of sample) {
      const before = await db.manager.find(QuestionSla, { where: { questionId: id } });
      const after = await db.transaction((m) => sla.recompute(m, id));
      expect([id, fields(after)]).toEqual([id, fields(before)]);
    }
  }, 120_000);

  it('gives consistent statistics on the generated data', async () => {
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    const overview = (await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body;
    expect(overview.received).toBe(600);
    expect(overview.open + overview.answered + overview.closed + overview.referred + overview.withdrawn).toBe(600);
    expect(overview.firstResponseDays.median).toBeGreaterThan(0);
    expect(overview.firstResponseDays.p90).toBeGreaterThanOrEqual(overview.firstResponseDays.median);
    for (const by of ['theme', 'organisationType', 'province', 'month', 'quarter', 'expert', 'keuze']) {
      const res = (await t.http.get(`/api/v1/statistics/breakdown?by=${by}`).set(secretariat.auth).expect(200)).body;
      const sum = res.groups.reduce((acc: number, g: { received: number }) => acc + g.received, 0);
      if (['organisationType', 'month', 'quarter'].includes(by)) expect([by, sum]).toEqual([by, 600]);
      else if (by === 'keuze' || by === 'theme') expect(sum).toBeGreaterThanOrEqual(600);
      else expect(sum).toBeLessThanOrEqual(600);
      for (const g of res.groups) if (g.firstResponseDays.count > 0) expect(g.firstResponseDays.p90).toBeGreaterThanOrEqual(g.firstResponseDays.median);
    }
    const report = await t.http.get('/reports/evaluation').set(secretariat.auth).expect(200);
    expect(report.text).toContain('<svg');
  }, 120_000);

  it('sums the statistics cells to exactly the live figures, also after changes to every source table', async () => {
    const db = t.app.get(Database);
    const stats = t.app.get(StatisticsService);
    const m = db.manager;
    const one = async (sql: string) => ((await m.query(sql)) as Record<string, unknown>[])[0];
    const keuzeId = Number((await one('SELECT keuze_id AS k FROM question_keuzes GROUP BY keuze_id ORDER BY count(*) DESC LIMIT 1')).k);
    const themeId = Number((await one('SELECT theme_id AS t FROM question_keuzes GROUP BY theme_id ORDER BY count(*) DESC LIMIT 1')).t);
    const provinceCode = String((await one("SELECT province_code AS p FROM organisations WHERE province_code IS NOT NULL GROUP BY province_code ORDER BY count(*) DESC LIMIT 1")).p);
    const filters: StatisticsQuery[] = [{}, { keuzeId }, { themeId }, { organisationType: 'municipality' }, { provinceCode }, { from: '2026-03-01', to: '2026-08-15' }, { keuzeId, organisationType: 'water_board', from: '2026-02-10' }];
    const dimensions = [null, 'keuze', 'theme', 'organisationType', 'province', 'month', 'quarter', 'expert'] as const;
    const compare = async (round: string) => {
      for (const query of filters) {
        const filter = stats.resolve(query);
        for (const by of dimensions) {
          const groups = by ? await stats.groupsFor(by, filter) : undefined;
          const [fromCells, live] = [await stats.measures(filter, by, groups), await stats.measures(filter, by, groups, 'live')];
          // A group without questions may be absent from one and all zeros in the other: the breakdown lists it as zeros either way.
          const keys = [...new Set([...fromCells.keys(), ...live.keys()])].filter((key) => key !== '').sort();
          const listed = (map: Map<string, unknown>) => keys.map((key) => [key, map.get(key) ?? emptyMeasures()]);
          expect([round, query, by, listed(fromCells)]).toEqual([round, query, by, listed(live)]);
        }
      }
    };
    await compare('as seeded');
    expect(Number((await one('SELECT count(*) AS n FROM statistics_dirty')).n)).toBe(0);

    // Changes through each table the cells read (the triggers mark the days); the next request recomputes them.
    const ids = ((await m.query("SELECT id FROM questions WHERE status = 'answered' ORDER BY reference LIMIT 6")) as { id: string }[]).map((r) => r.id);
    const list = (from: number, to: number) => ids.slice(from, to).map((id) => `'${id}'`).join(', ');
    await m.query(`UPDATE questions SET status = 'closed', reopen_count = reopen_count + 1 WHERE id IN (${list(0, 2)})`);
    // (question_sla_keuzes holds copies of the clocks per keuze for the live percentiles: kept in step as the app keeps it.)
    for (const table of ['question_sla', 'question_sla_keuzes']) {
      await m.query(`UPDATE ${table} SET met = ${db.kind === 'postgres' ? 'NOT met' : '1 - met'} WHERE question_id IN (${list(1, 3)}) AND met IS NOT NULL`);
    }
    await m.query(`DELETE FROM question_ratings WHERE question_id IN (${list(2, 4)})`);
    await m.query(`INSERT INTO question_ratings (question_id, score, comment, created_at) SELECT id, 2, NULL, answered_at FROM questions WHERE id IN (${list(4, 6)}) AND NOT EXISTS (SELECT 1 FROM question_ratings r WHERE r.question_id = questions.id)`);
    const multi = String((await one('SELECT question_id AS id FROM question_keuzes GROUP BY question_id HAVING count(*) > 1 ORDER BY question_id LIMIT 1')).id);
    for (const table of ['question_keuzes', 'question_sla_keuzes']) {
      await m.query(`DELETE FROM ${table} WHERE question_id = '${multi}' AND keuze_id <> (SELECT min(keuze_id) FROM question_keuzes WHERE question_id = '${multi}')`);
    }
    for (const [table, key] of [['questions', 'id'], ['question_sla', 'question_id']]) await m.query(`UPDATE ${table} SET assignee_id = NULL WHERE ${key} = '${ids[3]}'`);
    expect(Number((await one('SELECT count(*) AS n FROM statistics_dirty')).n)).toBeGreaterThan(0);
    await compare('after changes');
  }, 240_000);

  it('reads the percentiles of one whole quarter from the quarter indexes: those of every clock submitted in it', async () => {
    const db = t.app.get(Database);
    const stats = t.app.get(StatisticsService);
    const ph = db.kind === 'postgres' ? (n: number) => `$${n}` : (n: number) => `?${n}`;
    const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
    // Nearest rank, computed here from the rows themselves: the k-th of the sorted values, k = ⌈p·n⌉.
    const expected = (values: number[]) => {
      const v = values.map(Number).sort((a, b) => a - b);
      return v.length === 0 ? { median: null, p90: null, count: 0 } : { median: round4(v[Math.ceil(v.length / 2) - 1]), p90: round4(v[Math.ceil((9 * v.length) / 10) - 1]), count: v.length };
    };
    const measured = async (table: string, kind: string, period: { start: Date; end: Date }, extra = '', extraValues: unknown[] = []) => {
      const rows = (await db.manager.query(
        `SELECT measured_days AS d FROM ${table} WHERE kind = ${ph(1)} AND submitted_at >= ${ph(2)} AND submitted_at < ${ph(3)} AND measured_days IS NOT NULL${extra}`,
        [kind, ...[period.start, period.end].map((d) => (db.kind === 'postgres' ? d : d.toISOString().replace('T', ' ').replace('Z', ''))), ...extraValues],
      )) as { d: number }[];
      return expected(rows.map((r) => r.d));
    };
    const kinds = [['first_response', 'firstResponseDays'], ['answer', 'answerDays'], ['reopen_answer', 'reopenAnswerDays']] as const;
    const span = (await db.manager.query('SELECT min(submitted_at) AS lo, max(submitted_at) AS hi FROM questions')) as { lo: string | Date; hi: string | Date }[];
    const day = (v: string | Date) => new Date(typeof v === 'string' && !v.includes('T') ? `${v.replace(' ', 'T')}Z` : v).toISOString().slice(0, 10);
    const quarters = quartersBetween(day(span[0].lo), day(span[0].hi));
    expect(quarters.length).toBeGreaterThan(1);
    let compared = 0;
    for (const q of quarters) {
      const first = q.start.toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
      const last = new Date(q.end.getTime() - 1).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
      const filter = stats.resolve({ from: first, to: last });
      const [totals, byKeuze, byTheme] = await Promise.all([stats.measures(filter, null), stats.measures(filter, 'keuze'), stats.measures(filter, 'theme')]);
      const oneKeuze = (await stats.measures(stats.resolve({ from: first, to: last, keuzeId: 21 }), null)).get('all') ?? emptyMeasures();
      for (const [kind, field] of kinds) {
        expect([q.key, kind, (totals.get('all') ?? emptyMeasures())[field]]).toEqual([q.key, kind, await measured('question_sla', kind, q)]);
        expect([q.key, kind, 'keuze 21', oneKeuze[field]]).toEqual([q.key, kind, 'keuze 21', await measured('question_sla_keuzes', kind, q, ` AND keuze_id = ${ph(4)}`, [21])]);
        for (const [key, m] of byKeuze) {
          expect([q.key, kind, 'keuze', key, m[field]]).toEqual([q.key, kind, 'keuze', key, await measured('question_sla_keuzes', kind, q, ` AND keuze_id = ${ph(4)}`, [Number(key)])]);
          compared++;
        }
        for (const [key, m] of byTheme) {
          const first = db.kind === 'postgres' ? 'true' : '1';
          expect([q.key, kind, 'theme', key, m[field]]).toEqual([q.key, kind, 'theme', key, await measured('question_sla_keuzes', kind, q, ` AND theme_id = ${ph(4)} AND theme_first = ${first}`, [Number(key)])]);
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  }, 120_000);

  it('refuses a database that has questions', async () => {
    await expect(new DemoSeeder(t.app, { questions: 10 }).run()).rejects.toBeInstanceOf(DemoDataExistsError);
  });
});
