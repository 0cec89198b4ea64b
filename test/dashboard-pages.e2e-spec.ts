import { jest } from '@jest/globals';
import { DashboardService } from '../src/statistics/dashboard.service.js';
import { OrganisationsService } from '../src/organisations/organisations.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs, signInCast } from './support/auth.js';
import { parseCsv } from './support/csv.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';


/** What the dashboard must show for an API count. */
const shownCount = (n: number) => (n < 5 ? '< 5' : String(n));

describe('public dashboard /dashboard (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let secretariat: TestUser;

  async function ask(keuzeIds: number[], answer: boolean, at: string): Promise<void> {
    t.at(at);
    const res = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Waterberging in de wijk', body: 'Hoe?', keuzeIds });
    if (res.status !== 201) throw new Error(`${at}: ${res.status} ${res.text}`);
    const id = res.body.id;
    await t.drain();
    if (!answer) return;
    t.at(at.replace('T09:', 'T15:'));
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'Antwoord' }).expect(200);
    await t.drain();
  }

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    t.at('2026-07-01T08:00:00+02:00');
    ({ requester, expert, secretariat } = await signInCast(t, [7]));
    // Keuze 7: 10 questions, 5 answered — every figure above the threshold. Keuze 21: 2 questions.
    for (let i = 0; i < 10; i++) await ask([7], i < 5, `2026-07-${String(6 + i).padStart(2, '0')}T09:00:00+02:00`);
    for (let i = 0; i < 2; i++) await ask([21], false, `2026-07-2${0 + i}T09:00:00+02:00`);
    t.at('2026-10-15T12:00:00+02:00');
    // The sessions of July have expired by October.
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    requester = await signInAs(t, { roles: ['requester'] });
  }, 180_000);
  afterAll(() => t?.close());

  it('is public, Dutch, one h1, and cacheable for at most a minute', async () => {
    const res = await t.http.get('/dashboard').set('Accept', BROWSER).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
    expect([...res.text.matchAll(/<h1[ >]/g)]).toHaveLength(1);
    const cache = String(res.headers['cache-control']);
    expect(cache).toMatch(/^public, max-age=\d+$/);
    expect(Number(cache.split('=')[1])).toBeLessThanOrEqual(60);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('3e kwartaal 2026');
    expect(res.text).toContain('4e kwartaal 2026 (lopend)');
    expect(res.text).not.toMatch(/<script/i);
  });

  it('shows no organisation name and no count under 5', async () => {
    const res = await t.http.get('/dashboard').set('Accept', BROWSER).expect(200);
    const org = await t.app.get(OrganisationsService).get('GM0363');
    expect(res.text).not.toContain(org.name);
    expect(res.text).not.toContain(requester.user.displayName);
    // Every number in a table cell is a count ≥ 5, a percentage or working days; small ones are "< 5".
    const cells = [...res.text.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells.length).toBeGreaterThan(100);
    expect(cells).toContain('&lt; 5');
    for (const cell of cells) expect(cell).toMatch(/^(&lt; 5|niet getoond|–|\d+(,\d)? %|\d+(,\d)?|[5-9]|\d{2,})$/);
    // The received counts (the first table of each section) never show 0–4.
    const received = res.text.slice(res.text.indexOf('id="ontvangen"'), res.text.indexOf('id="beantwoord"'));
    for (const m of received.matchAll(/<td class="num">(\d+)<\/td>/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(5);
  });

  it('offers the figures as open-data CSV equal to the API figures under the disclosure rules', async () => {
    const res = await t.http.get('/dashboard/open-data.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('vraagbaak-dashboard.csv');
    const [header, ...rows] = parseCsv(res.text);
    expect(header[0]).toBe('Kwartaal');
    // 4 quarters × (totals + 8 themes + 33 keuzes).
    expect(rows).toHaveLength(4 * 42);
    const api = (await t.http.get('/api/v1/statistics/breakdown?by=keuze&from=2026-07-01&to=2026-09-30').set(secretariat.auth).expect(200)).body;
    for (const g of api.groups) {
      const row = rows.find((r) => r[0] === '2026-Q3' && r[3] === 'keuze' && r[4] === g.key)!;
      expect(row[6]).toBe(shownCount(g.received));
      expect(row[9]).toBe(shownCount(g.articlesPublished));
    }
    const seven = rows.find((r) => r[0] === '2026-Q3' && r[3] === 'keuze' && r[4] === '7')!;
    const g7 = api.groups.find((g: { key: string }) => g.key === '7');
    expect(g7.received).toBe(10);
    expect(row7Share(seven)).toBe((100 * (g7.answered + g7.closed)) / g7.received);
    expect(Number(seven[8].replace(',', '.'))).toBe(Math.round(g7.answerDays.median * 10) / 10);
    const twentyOne = rows.find((r) => r[0] === '2026-Q3' && r[3] === 'keuze' && r[4] === '21')!;
    expect(twentyOne.slice(6)).toEqual(['< 5', 'niet getoond', '', '< 5']);
    // The CSV carries no organisation either, and no count cell under 5.
    const org = await t.app.get(OrganisationsService).get('GM0363');
    expect(res.text).not.toContain(org.name);
    for (const r of rows) for (const c of [r[6], r[9]]) expect(c === '< 5' || Number(c) >= 5).toBe(true);
  });

  it('computes once per minute: a burst shares one computation, new questions show after a minute', async () => {
    const service = t.app.get(DashboardService);
    service.invalidate();
    const compute = jest.spyOn(service, 'compute');
    const burst = await Promise.all(Array.from({ length: 20 }, () => t.http.get('/dashboard/open-data.csv').expect(200)));
    expect(compute).toHaveBeenCalledTimes(1);
    expect(new Set(burst.map((r) => r.text)).size).toBe(1);
    await ask([7], false, '2026-10-15T09:00:00+02:00');
    t.at('2026-10-15T12:00:30+02:00');
    const cached = await t.http.get('/dashboard/open-data.csv').expect(200);
    expect(cached.text).toBe(burst[0].text);
    expect(compute).toHaveBeenCalledTimes(1);
    t.at('2026-10-15T12:01:01+02:00');
    await t.http.get('/dashboard/open-data.csv').expect(200);
    expect(compute).toHaveBeenCalledTimes(2);
    // Under steady traffic the next figures are computed ahead: after 45 s a visitor still gets the
    // kept ones at once, and the request starts the next computation in the background.
    t.at('2026-10-15T12:01:50+02:00');
    const ahead = await t.http.get('/dashboard').set('Accept', BROWSER).expect(200);
    expect(Number(String(ahead.headers['cache-control']).split('=')[1])).toBeLessThanOrEqual(11);
    expect(compute).toHaveBeenCalledTimes(3);
    await compute.mock.results[2].value;
    const { data, ageMs } = await service.current();
    expect(ageMs).toBe(0);
    expect(data.generatedAt.toISOString()).toBe(new Date('2026-10-15T12:01:50+02:00').toISOString());
    compute.mockRestore();
  });

  it('is never stored when the request carries a credential', async () => {
    const res = await t.http.get('/dashboard').set('Accept', BROWSER).set(secretariat.auth).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

function row7Share(row: string[]): number {
  return Number(row[7].replace(',', '.'));
}
