import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

const HOSTILE = '<script>alert(1)</script>';

describe('quarterly overview /reports/quarterly (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let secretariat: TestUser;

  /** Signs the cast in at the current (test) time: sessions last 30 days. */
  async function cast() {
    requester = await signInAs(t, { roles: ['requester'] });
    expert = await signInAs(t, { roles: ['expert'], email: 'expert-kwartaal@example.nl', keuzeIds: [7], capacity: 50 });
    secretariat = await signInAs(t, { roles: ['secretariat'], email: 'secretariaat-kwartaal@example.nl' });
  }
  async function ask(at: string, keuzeIds: number[], refer = false) {
    t.at(at);
    const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Waterberging', body: 'b', keuzeIds }).expect(201)).body.id;
    await t.drain();
    if (!refer) return;
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${id}/refer`).set(expert.auth).send({ to: `${HOSTILE} Omgevingsdienst`, reason: 'Vergunning' }).expect(200);
    await t.drain();
  }

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    t.at('2025-07-01T08:00:00+02:00');
    await cast();
    await ask('2025-07-02T09:00:00+02:00', [7]); // 3e kwartaal 2025: 1
    t.at('2026-04-01T08:00:00+02:00');
    await cast();
    for (const day of ['02', '03']) await ask(`2026-04-${day}T09:00:00+02:00`, [7]); // 2e kwartaal 2026: 2
    t.at('2026-07-01T08:00:00+02:00');
    await cast();
    for (const day of ['02', '03', '06']) await ask(`2026-07-${day}T09:00:00+02:00`, [7]); // 3e kwartaal 2026: 4, one referred
    await ask('2026-07-07T09:00:00+02:00', [7], true);
    t.at('2026-07-20T12:00:00+02:00');
  }, 120_000);
  afterAll(() => t?.close());

  it('compares a quarter with the previous one and the same quarter a year before, per theme and keuze, escaped', async () => {
    const res = await t.http.get('/reports/quarterly?year=2026&quarter=3').set(secretariat.auth).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const page = res.text;
    expect(page).toContain('<html lang="nl">');
    expect(page).toContain('Kwartaaloverzicht 3e kwartaal 2026');
    expect(page).toMatch(/<th scope="col" class="n">3e kwartaal 2026<\/th><th scope="col" class="n">2e kwartaal 2026<\/th><th scope="col" class="n">3e kwartaal 2025<\/th>/);
    expect(page).toMatch(/<th scope="row">Ontvangen vragen<\/th><td class="n">4<\/td><td class="n">2<\/td><td class="n">1<\/td>/);
    // Keuze 7 belongs to theme 3, Ruimte voor water: 4 against 2 (+100 %) and 1 (+300 %).
    expect(page).toMatch(/<th scope="row">Ruimte voor water<\/th><td class="n">4<\/td><td class="n">2<\/td><td class="n">\+100 %<\/td><td class="n">1<\/td><td class="n">\+300 %<\/td>/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Omgevingsdienst');
    expect(page).not.toMatch(/<script/i);
    expect(page).toMatch(/@page \{ size: A4/);
    // The figures are the statistics API's.
    const api = (await t.http.get('/api/v1/statistics/overview?from=2026-07-01&to=2026-09-30').set(secretariat.auth).expect(200)).body;
    expect(api.received).toBe(4);
  });

  it('defaults to the last complete quarter; a year alone is its 4th quarter', async () => {
    expect((await t.http.get('/reports/quarterly').set(secretariat.auth).expect(200)).text).toContain('Kwartaaloverzicht 2e kwartaal 2026');
    expect((await t.http.get('/reports/quarterly?year=2025').set(secretariat.auth).expect(200)).text).toContain('Kwartaaloverzicht 4e kwartaal 2025');
  });

  it('is for the secretariat only and refuses a bad quarter with a 400 page', async () => {
    await t.http.get('/reports/quarterly').expect(401);
    await t.http.get('/reports/quarterly').set(expert.auth).expect(403);
    const bad = await t.http.get('/reports/quarterly?year=2026&quarter=5').set(secretariat.auth).set('Accept', 'text/html').expect(400);
    expect(bad.headers['content-type']).toBe('text/html; charset=utf-8');
    await t.http.get('/reports/quarterly?year=twintig').set(secretariat.auth).expect(400);
    await t.http.get('/api/v1/reports/quarterly').set(secretariat.auth).expect(404);
  });
});
