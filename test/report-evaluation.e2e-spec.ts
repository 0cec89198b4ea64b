import { Clock } from '../src/common/clock.js';
import { AuthService } from '../src/accounts/auth.service.js';
import { Database } from '../src/infra/database/database.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInCast } from './support/auth.js';

describe('evaluation report (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  const drain = () => t.drain();
  const at = (local: string) => t.at(local);

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    at('2026-09-01T08:00:00+02:00');
    ({ requester, expert, coordinator, secretariat } = await signInCast(t, [7]));
    at('2026-09-01T09:00:00+02:00');
    for (const [title, refer] of [['Waterberging <b>in</b> de wijk', false], ['Omgevingsplan', true]] as const) {
      const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title, body: 'b', keuzeIds: [7] }).expect(201)).body.id;
      await drain();
      at('2026-09-02T10:00:00+02:00');
      await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
      if (refer) await t.http.post(`/api/v1/questions/${id}/refer`).set(expert.auth).send({ to: '<script>alert(1)</script> IPLO', reason: 'Omgevingswet' }).expect(200);
      else {
        await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'Antwoord' }).expect(200);
        await t.http.post(`/api/v1/questions/${id}/confirm`).set(requester.auth).send({}).expect(200);
        await t.http.post(`/api/v1/questions/${id}/rating`).set(requester.auth).send({ score: 4 }).expect(201);
      }
      await drain();
    }
    at('2026-09-15T12:00:00+02:00');
  });
  afterAll(() => t.close());

  it('renders a printable Dutch report with inline SVG charts, escaped', async () => {
    const res = await t.http.get('/reports/evaluation?from=2026-09-01&to=2026-09-30').set(secretariat.auth).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = res.text;
    expect(page).toContain('<html lang="nl">');
    expect(page).toContain('Evaluatierapport');
    expect(page).toContain('<svg');
    expect(page).toMatch(/@page \{ size: A4/);
    expect(page).toContain('Kerncijfers');
    expect(page).toContain('Per thema');
    expect(page).toContain('Ruimte voor water');
    expect(page).toContain('Doorverwijzingen');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; IPLO');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).not.toContain('geen gegevens: er zijn geen vragen ingediend');
  });

  it('says "geen gegevens" for an empty period', async () => {
    const res = await t.http.get('/reports/evaluation?from=2025-01-01&to=2025-01-31').set(secretariat.auth).expect(200);
    expect(res.text).toContain('geen gegevens');
    expect(res.text).toContain('1 januari 2025');
  });

  it('covers the last 12 months without dates, and works with a session cookie', async () => {
    const { sessionToken } = await t.app.get(Database).transaction((m) => t.app.get(AuthService).startSession(m, secretariat.user.id, 'cookie', true, '127.0.0.1', t.app.get(Clock).now()));
    const res = await t.http.get('/reports/evaluation').set('Cookie', `vraagbaak_session=${sessionToken}`).expect(200);
    expect(res.text).toContain('1 oktober 2025 t/m 15 september 2026');
    expect(res.text).toContain('<svg');
  });

  it('is for the secretariat only', async () => {
    await t.http.get('/reports/evaluation').expect(401);
    for (const who of [requester, expert, coordinator]) await t.http.get('/reports/evaluation').set(who.auth).expect(403);
    await t.http.get('/reports/evaluation?from=2026-13-01').set(secretariat.auth).expect(400);
    await t.http.get('/api/v1/reports/evaluation').set(secretariat.auth).expect(404);
  });

  it('refuses a period from the year 0 with a page, as too long, not a server error', async () => {
    // Years before 1000 once lost their leading zeros on the way to the next month.
    const res = await t.http.get('/reports/evaluation?from=0000-01-01&to=2026-12-31').set(secretariat.auth).set('Accept', 'text/html').expect(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('de periode is te lang');
    const api = await t.http.get('/api/v1/statistics/breakdown?by=quarter&from=0999-10-01&to=1000-03-31').set(secretariat.auth).expect(200);
    expect(api.body.groups.map((g: { key: string }) => g.key)).toEqual(['0999-Q4', '1000-Q1']);
  });
});
