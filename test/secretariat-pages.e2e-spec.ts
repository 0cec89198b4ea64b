import { Not } from 'typeorm';
import { Database } from '../src/infra/database/database.service.js';
import { NotificationOutbox } from '../src/notifications/outbox.entity.js';
import { AuditService } from '../src/audit/audit.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { BrowserSession, TestUser, browserSession, signInAs, signInCast } from './support/auth.js';
import { BROWSER_ACCEPT as BROWSER, pageGet, pagePost } from './support/pages.js';
import { parseCsv } from './support/csv.js';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';


describe('secretariat pages: /secretariaat and /secretariaat/statistieken (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    t.at('2026-09-01T08:00:00+02:00');
    ({ requester, expert, coordinator, secretariat } = await signInCast(t, [7]));
    secretariat = await signInAs(t, { roles: ['secretariat'], displayName: `Sanne ${HOSTILE}` });
    for (const [i, keuzeIds] of [[7], [7, 21], [21]].entries()) {
      t.at(`2026-09-0${i + 1}T09:00:00+02:00`);
      const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: `Vraag ${HOSTILE}`, body: 'b', keuzeIds }).expect(201)).body.id;
      await t.drain();
      if (i === 0) {
        t.at('2026-09-02T10:00:00+02:00');
        await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
        await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'Antwoord' }).expect(200);
        await t.drain();
      }
    }
    // One mail that failed for good, with a hostile error text.
    const db = t.app.get(Database);
    const [mail] = await db.manager.find(NotificationOutbox, { take: 1 });
    await db.manager.update(NotificationOutbox, { id: mail.id }, { status: 'failed', attempts: 5, lastError: `550 ${HOSTILE}`, subject: `Onderwerp ${HOSTILE}` });
    t.at('2026-09-15T12:00:00+02:00');
    session = await browserSession(t, secretariat);
  }, 120_000);
  afterAll(() => t?.close());

  const page = (path: string) => pageGet(t, session, path);

  it.each(['/secretariaat', '/secretariaat/statistieken'])('%s is for the secretariat only', async (path) => {
    const anonymous = await t.http.get(path).set('Accept', BROWSER).expect(401);
    expect(anonymous.text).toContain(`name="returnTo" value="${path}"`);
    for (const who of [requester, expert, coordinator]) {
      const res = await t.http.get(path).set('Accept', BROWSER).set(who.auth).expect(403);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    await t.http.get(`/api/v1${path}`).set(secretariat.auth).expect(404);
  });

  it('the start page: this quarter against the previous, backlog, review queue, gaps and failed mails, escaped', async () => {
    const res = await page('/secretariaat').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
    expect([...res.text.matchAll(/<h1[ >]/g)]).toHaveLength(1);
    expect(res.text).toContain('3e kwartaal 2026');
    expect(res.text).toContain('2e kwartaal 2026');
    expect(res.text).toContain('Werkvoorraad naar leeftijd');
    expect(res.text).toContain('Mails die niet aankwamen (1)');
    expect(res.text).toContain(`550 ${ESCAPED}`);
    expect(res.text).not.toContain(HOSTILE);
    expect(res.text).toContain('href="/secretariaat" aria-current="page"');
    // The received count of this quarter is the API's.
    const api = (await t.http.get('/api/v1/statistics/overview?from=2026-07-01&to=2026-09-30').set(secretariat.auth).expect(200)).body;
    expect(res.text).toMatch(new RegExp(`Ontvangen vragen</th><td class="num">${api.received}</td><td class="num">0</td>`));
  });

  it('the explorer: breakdown table with the API figures, downloads with the same filters and a link to the report', async () => {
    const res = await page('/secretariaat/statistieken?from=2026-09-01&to=2026-09-30&by=keuze&organisationType=municipality').expect(200);
    expect(res.text).not.toContain(HOSTILE);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('value="2026-09-01"');
    expect(res.text).toMatch(/<option value="keuze" selected>Keuze<\/option>/);
    expect(res.text).toMatch(/<option value="municipality" selected>/);
    const csvHref = /href="(\/api\/v1\/statistics\/export\?[^"]*format=csv)"/.exec(res.text)![1].replace(/&amp;/g, '&');
    expect(res.text).toContain('href="/reports/evaluation?from=2026-09-01&amp;to=2026-09-30&amp;organisationType=municipality"');
    const csv = await t.http.get(csvHref).set('Cookie', session.cookie).expect(200);
    const [header, ...rows] = parseCsv(csv.text);
    expect(header.slice(0, 3)).toEqual(['Groep', 'Omschrijving', 'Ontvangen']);
    const api = (await t.http.get('/api/v1/statistics/breakdown?from=2026-09-01&to=2026-09-30&by=keuze&organisationType=municipality').set(secretariat.auth).expect(200)).body;
    expect(rows.map((r) => [r[0], Number(r[2]), Number(r[4])])).toEqual(api.groups.map((g: { key: string; received: number; answered: number }) => [g.key, g.received, g.answered]));
    expect(api.groups.find((g: { key: string }) => g.key === '21').received).toBe(2);
    // The page's table shows the same received counts.
    for (const g of api.groups.filter((x: { received: number }) => x.received > 0)) {
      expect(res.text).toContain(`<th scope="row">${g.label.replace(/&/g, '&amp;')}</th><td class="num">${g.received}</td>`);
    }
    const json = await t.http.get(csvHref.replace('format=csv', 'format=json')).set('Cookie', session.cookie).expect(200);
    expect(json.body.rows.map((r: { received: number }) => r.received)).toEqual(api.groups.map((g: { received: number }) => g.received));
  });

  it('answers a bad filter with 400 and the typed values kept, linked from the error summary', async () => {
    const res = await page('/secretariaat/statistieken?from=2026-13-01&to=2026-09-30&keuzeId=7&by=theme').expect(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('Er is een probleem');
    expect(res.text).toContain('href="#from"');
    expect(res.text).toContain('value="2026-13-01"');
    expect(res.text).toMatch(/<option value="7" selected>/);
    const reversed = await page(`/secretariaat/statistieken?from=2026-10-01&to=2026-09-01&by=${encodeURIComponent(HOSTILE)}`).expect(400);
    expect(reversed.text).not.toContain(HOSTILE);
    expect(reversed.text).toContain('href="#by"');
  });
});

describe('secretariat pages: the review queue /secretariaat/artikelen (e2e)', () => {
  let t: TestApp;
  let expert: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;

  const draft = async (title: string, author: TestUser) => {
    const id = (await t.http.post('/api/v1/articles').set(author.auth).send({ title, question: 'Hoe pakken wij dat aan?', answer: 'Zo pakt u dat aan.', keuzeIds: [7] }).expect(201)).body.id;
    await t.http.post(`/api/v1/articles/${id}/submit`).set(author.auth).send({}).expect(200);
    return id as string;
  };
  const post = (path: string, form: Record<string, string | string[]>) => pagePost(t, session, path, form);

  beforeAll(async () => {
    t = await startTestApp();
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [7] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    session = await browserSession(t, secretariat);
  }, 60_000);
  afterAll(() => t?.close());

  it('is for the secretariat only', async () => {
    await t.http.get('/secretariaat/artikelen').set('Accept', BROWSER).expect(401);
    await t.http.get('/secretariaat/artikelen').set('Accept', BROWSER).set(expert.auth).expect(403);
  });

  it('publishes an article in review (POST → 303 → the queue with a message), escaped', async () => {
    const id = await draft(`Peilbeheer ${HOSTILE}`, expert);
    const queue = await t.http.get('/secretariaat/artikelen').set('Accept', BROWSER).set('Cookie', session.cookie).expect(200);
    expect(queue.text).toContain(`Peilbeheer ${ESCAPED}`);
    expect(queue.text).not.toContain(HOSTILE);
    const res = await post(`/secretariaat/artikelen/${id}/publiceren`, {}).expect(303);
    expect(res.headers.location).toBe('/secretariaat/artikelen?gelukt=gepubliceerd');
    expect((await t.http.get(`/api/v1/articles/${id}`).set(expert.auth).expect(200)).body.status).toBe('published');
    const after = await t.http.get(res.headers.location).set('Accept', BROWSER).set('Cookie', session.cookie).expect(200);
    expect(after.text).toContain('Het artikel is gepubliceerd');
  });

  it('refuses without the form token', async () => {
    const id = await draft('Zonder token', expert);
    await t.http.post(`/secretariaat/artikelen/${id}/publiceren`).set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: 'vals' }).expect(403);
    expect((await t.http.get(`/api/v1/articles/${id}`).set(expert.auth).expect(200)).body.status).toBe('in_review');
  });

  it('keeps four eyes: the last author cannot publish (403 page with the reason)', async () => {
    const id = await draft('Eigen artikel', secretariat);
    const res = await post(`/secretariaat/artikelen/${id}/publiceren`, {}).expect(403);
    expect(res.text).toContain('Vier ogen');
    expect(res.text).toContain('Eigen artikel');
  });

  it('sends back with a comment (an empty one is a 400 keeping the form), shown to the author with the versions', async () => {
    const id = await draft('Terug naar de auteur', expert);
    const empty = await post(`/secretariaat/artikelen/${id}/terugsturen`, { comment: '   ' }).expect(400);
    expect(empty.text).toContain(`href="#comment-${id}"`);
    expect(empty.text).toMatch(/<details class="more" open>/);
    const res = await post(`/secretariaat/artikelen/${id}/terugsturen`, { comment: `Noem de bron ${HOSTILE}` }).expect(303);
    expect(res.headers.location).toBe('/secretariaat/artikelen?gelukt=teruggestuurd');
    expect((await t.http.get(`/api/v1/articles/${id}`).set(expert.auth).expect(200)).body.status).toBe('draft');
    const versions = (await t.http.get(`/api/v1/articles/${id}/versions`).set(expert.auth).expect(200)).body.data;
    expect(versions[0]).toMatchObject({ action: 'returned', snapshot: { reviewComment: `Noem de bron ${HOSTILE}` } });
  });

  it('the API sends back too, with the same rules', async () => {
    const id = await draft('Via de API', expert);
    await t.http.post(`/api/v1/articles/${id}/send-back`).set(expert.auth).send({ comment: 'x' }).expect(403);
    await t.http.post(`/api/v1/articles/${id}/send-back`).set(secretariat.auth).send({}).expect(400);
    await t.http.post(`/api/v1/articles/${id}/send-back`).set(secretariat.auth).send({ comment: 'Graag korter' }).expect(200);
    await t.http.post(`/api/v1/articles/${id}/send-back`).set(secretariat.auth).send({ comment: 'Nog eens' }).expect(409);
  });
});

describe('secretariat pages: users and calendar (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;
  const post = (path: string, form: Record<string, string | string[]>) => pagePost(t, session, path, form);
  const get = (path: string) => pageGet(t, session, path);

  beforeAll(async () => {
    t = await startTestApp();
    t.at('2026-12-01T10:00:00+01:00');
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    session = await browserSession(t, secretariat);
  }, 60_000);
  afterAll(() => t?.close());

  it.each(['/secretariaat/gebruikers', '/secretariaat/kalender'])('%s is for the secretariat only', async (path) => {
    await t.http.get(path).set('Accept', BROWSER).expect(401);
    await t.http.get(path).set('Accept', BROWSER).set(coordinator.auth).expect(403);
    await t.http.post(path.endsWith('kalender') ? `${path}/sluitingsdagen` : path).set('Accept', BROWSER).set(coordinator.auth).type('form').send({}).expect(403);
  });

  it('invites an expert with expertise and capacity; a bad form is a 400 keeping every value', async () => {
    const bad = await post('/secretariaat/gebruikers', { email: 'geen-adres', displayName: `Eva ${HOSTILE}`, roles: ['expert'], keuzeIds: ['21', '23'], themeIds: ['6'], capacity: 'veel' }).expect(400);
    expect(bad.text).toContain('Er is een probleem');
    expect(bad.text).toContain('href="#email"');
    expect(bad.text).toContain('value="geen-adres"');
    expect(bad.text).toContain(`value="Eva ${ESCAPED}"`);
    expect(bad.text).not.toContain(HOSTILE);
    expect(bad.text).toMatch(/id="keuze-21" name="keuzeIds" value="21" checked/);
    expect(bad.text).toMatch(/id="theme-6" name="themeIds" value="6" checked/);
    expect(bad.text).toMatch(/id="role-expert" name="roles" value="expert" checked/);
    const noRole = await post('/secretariaat/gebruikers', { email: 'eva@example.nl', displayName: 'Eva' }).expect(400);
    expect(noRole.text).toContain('href="#roles"');
    const res = await post('/secretariaat/gebruikers', { email: 'eva@example.nl', displayName: `Eva ${HOSTILE}`, roles: ['expert'], keuzeIds: ['21', '23'], themeIds: ['6'], capacity: '12' }).expect(303);
    expect(res.headers.location).toBe('/secretariaat/gebruikers?gelukt=uitgenodigd');
    const users = (await t.http.get('/api/v1/users?q=eva@example.nl').set(secretariat.auth).expect(200)).body.data;
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ roles: ['expert'], expertise: { keuzeIds: [21, 23], themeIds: [6] }, capacity: 12 });
    const list = await get('/secretariaat/gebruikers?q=eva').expect(200);
    expect(list.text).toContain(`Eva ${ESCAPED}`);
    expect(list.text).toContain('Laagveengebieden');
    // Deactivate and reactivate.
    await post(`/secretariaat/gebruikers/${users[0].id}/deactiveren`, {}).expect(303);
    expect((await t.http.get(`/api/v1/users/${users[0].id}`).set(secretariat.auth).expect(200)).body.active).toBe(false);
    await post(`/secretariaat/gebruikers/${users[0].id}/activeren`, {}).expect(303);
    expect((await t.http.get(`/api/v1/users/${users[0].id}`).set(secretariat.auth).expect(200)).body.active).toBe(true);
    await t.http.post(`/secretariaat/gebruikers/${users[0].id}/deactiveren`).set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: 'vals' }).expect(403);
  });

  it('adds and removes a closure day; changes a service level with a decimal comma; bad input keeps the values', async () => {
    const bad = await post('/secretariaat/kalender/sluitingsdagen', { day: '2026-02-30', reason: `Kerst ${HOSTILE}` }).expect(400);
    expect(bad.text).toContain('href="#day"');
    expect(bad.text).toContain('value="2026-02-30"');
    expect(bad.text).toContain(`value="Kerst ${ESCAPED}"`);
    const res = await post('/secretariaat/kalender/sluitingsdagen', { day: '2026-12-24', reason: `Kerstavond ${HOSTILE}` }).expect(303);
    expect(res.headers.location).toBe('/secretariaat/kalender?gelukt=gesloten');
    const closures = (await t.http.get('/api/v1/calendar/closures').set(secretariat.auth).expect(200)).body.data;
    expect(closures).toEqual([expect.objectContaining({ day: '2026-12-24', reason: `Kerstavond ${HOSTILE}` })]);
    const page = await get('/secretariaat/kalender').expect(200);
    expect(page.text).toContain('24 december 2026');
    expect(page.text).toContain(`Kerstavond ${ESCAPED}`);
    expect(page.text).not.toContain(HOSTILE);
    await post('/secretariaat/kalender/sluitingsdagen/2026-12-24/verwijderen', {}).expect(303);
    expect((await t.http.get('/api/v1/calendar/closures').set(secretariat.auth).expect(200)).body.data).toEqual([]);

    const policy = await post('/secretariaat/kalender/normen/urgent', { firstResponseDays: '0,5', answerDays: '4', reminderPct: '75' }).expect(303);
    expect(policy.headers.location).toBe('/secretariaat/kalender?gelukt=norm');
    expect((await t.http.get('/api/v1/sla-policies/urgent').set(secretariat.auth).expect(200)).body).toMatchObject({ firstResponseDays: 0.5, answerDays: 4, reminderPct: 75 });
    const badPolicy = await post('/secretariaat/kalender/normen/normal', { firstResponseDays: 'twee', answerDays: '10', reminderPct: '80' }).expect(400);
    expect(badPolicy.text).toContain('href="#normal-firstResponseDays"');
    expect(badPolicy.text).toContain('value="twee"');
    await post('/secretariaat/kalender/normen/spoedig', { firstResponseDays: '1', answerDays: '2' }).expect(404);
  });
});

describe('secretariat pages: mails, knowledge gaps and audit (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;
  const post = (path: string, form: Record<string, string | string[]>) => pagePost(t, session, path, form);
  const get = (path: string) => pageGet(t, session, path);

  beforeAll(async () => {
    t = await startTestApp();
    ({ requester, expert } = await signInCast(t, [7]));
    secretariat = await signInAs(t, { roles: ['secretariat'], displayName: `Sanne ${HOSTILE}` });
    await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Waterberging', body: 'b', keuzeIds: [7] }).expect(201);
    await t.drain();
    const db = t.app.get(Database);
    await db.manager.update(NotificationOutbox, { id: Not('') }, { status: 'failed', attempts: 5, lastError: `550 ${HOSTILE}` });
    // Readers search for something the knowledge base lacks.
    for (let i = 0; i < 3; i++) await t.http.get(`/api/v1/articles?q=${encodeURIComponent('fietsenstalling <b>dijk</b>')}`).expect(200);
    session = await browserSession(t, secretariat);
  }, 60_000);
  afterAll(() => t?.close());

  it.each(['/secretariaat/mails', '/secretariaat/kennishiaten', '/secretariaat/audit', '/secretariaat/audit.csv'])('%s is for the secretariat only', async (path) => {
    await t.http.get(path).set('Accept', BROWSER).expect(401);
    await t.http.get(path).set('Accept', BROWSER).set(expert.auth).expect(403);
  });

  it('lists the mails that failed for good and re-queues one, then all', async () => {
    const list = await get('/secretariaat/mails').expect(200);
    expect(list.text).toContain(`550 ${ESCAPED}`);
    expect(list.text).not.toContain(HOSTILE);
    const ids = [...list.text.matchAll(/name="id" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    await t.http.post('/secretariaat/mails/opnieuw').set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: 'vals', id: ids[0] }).expect(403);
    const one = await post('/secretariaat/mails/opnieuw', { id: ids[0] }).expect(303);
    expect(one.headers.location).toBe('/secretariaat/mails?opnieuw=1');
    const row = await t.app.get(Database).manager.findOneByOrFail(NotificationOutbox, { id: ids[0] });
    expect(row.status).not.toBe('failed');
    const all = await post('/secretariaat/mails/opnieuw', {}).expect(303);
    expect(all.headers.location).toBe(`/secretariaat/mails?opnieuw=${ids.length - 1}`);
    expect((await get(all.headers.location).expect(200)).text).toContain('Alle mails zijn aangekomen.');
    await post('/secretariaat/mails/opnieuw', { id: 'geen-id' }).expect(400);
  });

  it('shows the knowledge gaps and turns one into a draft article for the editor', async () => {
    const page = await get('/secretariaat/kennishiaten').expect(200);
    expect(page.text).toContain('fietsenstalling &lt;b&gt;dijk&lt;/b&gt;');
    expect(page.text).toMatch(/<td class="num">3<\/td>/);
    const res = await post('/secretariaat/kennishiaten/artikel', { q: 'fietsenstalling <b>dijk</b>', keuzeId: '21' }).expect(303);
    const id = /^\/artikelen\/([0-9a-f-]{36})\/bewerken$/.exec(res.headers.location)![1];
    const article = (await t.http.get(`/api/v1/articles/${id}`).set(secretariat.auth).expect(200)).body;
    expect(article).toMatchObject({ status: 'draft', title: 'Fietsenstalling <b>dijk</b>', keuzeIds: [21] });
    const bad = await get('/secretariaat/kennishiaten?from=2026-02-30').expect(400);
    expect(bad.text).toContain('href="#from"');
    expect(bad.text).toContain('value="2026-02-30"');
  });

  it('filters the audit trail and exports the same events as CSV', async () => {
    const page = await get('/secretariaat/audit?action=knowledge.article').expect(200);
    expect(page.text).toContain('knowledge.article.create');
    expect(page.text).toContain(`Sanne ${ESCAPED}`);
    // Details read as one "key: value" line each (JSON stays in the CSV).
    expect(page.text).toMatch(/<td class="pre-wrap audit-details">sourceQuestionId: null\nremovedPersonalData: \d+<\/td>/);
    expect(page.text).not.toContain(HOSTILE);
    const csvHref = /href="(\/secretariaat\/audit\.csv[^"]*)"/.exec(page.text)![1].replace(/&amp;/g, '&');
    expect(csvHref).toBe('/secretariaat/audit.csv?action=knowledge.article');
    const csv = await t.http.get(csvHref).set('Cookie', session.cookie).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(csv.text);
    expect(header[3]).toBe('Handeling');
    const api = (await t.http.get('/api/v1/audit-events?action=knowledge.article&pageSize=100').set(secretariat.auth).expect(200)).body;
    expect(rows.map((r) => r[3])).toEqual(api.data.map((e: { action: string }) => e.action));
    expect(rows[0][1]).toBe(`Sanne ${HOSTILE}`);
    const bad = await get('/secretariaat/audit?from=morgen&result=kwijt').expect(400);
    expect(bad.text).toContain('href="#from"');
    expect(bad.text).toContain('value="morgen"');
  });

  it('exports more than one page of events to the CSV, each event once', async () => {
    const clerk = await signInAs(t, { roles: ['secretariat'], displayName: 'Paula Paginas' });
    const audit = t.app.get(AuditService);
    for (let i = 0; i < 230; i++) await audit.record({ actorId: clerk.user.id, ip: null }, { action: 'test.page', objectType: 'test', objectId: String(i) });
    const [, ...rows] = parseCsv((await t.http.get('/secretariaat/audit.csv?actor=paula+paginas&action=test.page').set('Cookie', session.cookie).expect(200)).text);
    expect(rows).toHaveLength(230);
    expect(new Set(rows.map((r) => r[5])).size).toBe(230);
    expect(rows.every((r) => r[1] === 'Paula Paginas')).toBe(true);
  });

  it('filters the audit trail by part of a name or mail address, or by user code', async () => {
    const api = (await t.http.get(`/api/v1/audit-events?actorId=${secretariat.user.id}&pageSize=100`).set(secretariat.auth).expect(200)).body;
    expect(api.page.total).toBeGreaterThan(0);
    const actorsOf = (html: string) => [...html.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
    for (const actor of ['sANNE', secretariat.user.email.split('@')[0].slice(-8).toUpperCase(), secretariat.user.id]) {
      const page = await get(`/secretariaat/audit?actor=${encodeURIComponent(actor)}`).expect(200);
      expect(page.text).toContain(`Gebeurtenissen (${api.page.total}`);
      expect(new Set(actorsOf(page.text))).toEqual(new Set([`Sanne ${ESCAPED}`]));
      const csvHref = /href="(\/secretariaat\/audit\.csv[^"]*)"/.exec(page.text)![1].replace(/&amp;/g, '&');
      const [, ...rows] = parseCsv((await t.http.get(csvHref).set('Cookie', session.cookie).expect(200)).text);
      expect(rows.map((r) => r[2])).toEqual(api.data.map((e: { actorId: string }) => e.actorId));
    }
    // Wildcards are taken literally; nobody's name holds "%".
    const none = await get('/secretariaat/audit?actor=%25').expect(200);
    expect(none.text).toContain('Er is geen gebruiker van wie de naam of het e-mailadres ‘%’ bevat.');
    expect(none.text).toContain('Gebeurtenissen (0)');
    const hostile = await get(`/secretariaat/audit?actor=${encodeURIComponent(HOSTILE)}`).expect(200);
    expect(hostile.text).not.toContain(HOSTILE);
    expect((await get(`/secretariaat/audit?actor=${'x'.repeat(255)}`).expect(400)).text).toContain('href="#actor"');
  });
});

describe('secretariat pages: one member /secretariaat/gebruikers/{id} (e2e)', () => {
  let t: TestApp;
  let expert: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;
  const post = (path: string, form: Record<string, string | string[]>) => pagePost(t, session, path, form);

  beforeAll(async () => {
    t = await startTestApp();
    t.at('2026-12-01T10:00:00+01:00');
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [21], capacity: 10, displayName: `Eva ${HOSTILE}` });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    session = await browserSession(t, secretariat);
  }, 60_000);
  afterAll(() => t?.close());

  it('is for the secretariat only', async () => {
    await t.http.get(`/secretariaat/gebruikers/${expert.user.id}`).set('Accept', BROWSER).expect(401);
    await t.http.get(`/secretariaat/gebruikers/${expert.user.id}`).set('Accept', BROWSER).set(expert.auth).expect(403);
    await t.http.get('/secretariaat/gebruikers/00000000-0000-4000-8000-000000000000').set('Accept', BROWSER).set('Cookie', session.cookie).expect(404);
  });

  it('changes roles, expertise and capacity; a bad capacity is a 400 keeping the choices', async () => {
    const page = await t.http.get(`/secretariaat/gebruikers/${expert.user.id}`).set('Accept', BROWSER).set('Cookie', session.cookie).expect(200);
    expect(page.text).toContain(`Eva ${ESCAPED}`);
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).toMatch(/id="keuze-21" name="keuzeIds" value="21" checked/);
    const bad = await post(`/secretariaat/gebruikers/${expert.user.id}`, { roles: ['expert', 'coordinator'], keuzeIds: ['21', '25'], themeIds: ['3'], capacity: 'veel' }).expect(400);
    expect(bad.text).toContain('href="#capacity"');
    expect(bad.text).toContain('value="veel"');
    expect(bad.text).toMatch(/id="keuze-25" name="keuzeIds" value="25" checked/);
    expect(bad.text).toMatch(/id="role-coordinator" name="roles" value="coordinator" checked/);
    await post(`/secretariaat/gebruikers/${expert.user.id}`, { roles: ['expert', 'coordinator'], keuzeIds: ['21', '25'], themeIds: ['3'], capacity: '15' }).expect(303);
    const user = (await t.http.get(`/api/v1/users/${expert.user.id}`).set(secretariat.auth).expect(200)).body;
    expect([...user.roles].sort()).toEqual(['coordinator', 'expert']);
    expect(user).toMatchObject({ expertise: { keuzeIds: [21, 25], themeIds: [3] }, capacity: 15 });
  });

  it('adds and removes an absence', async () => {
    const bad = await post(`/secretariaat/gebruikers/${expert.user.id}/afwezigheid`, { startsOn: '2026-12-21', endsOn: 'nooit', note: 'Kerst' }).expect(400);
    expect(bad.text).toContain('href="#endsOn"');
    expect(bad.text).toContain('value="Kerst"');
    await post(`/secretariaat/gebruikers/${expert.user.id}/afwezigheid`, { startsOn: '2026-12-21', endsOn: '2027-01-01', note: 'Kerst' }).expect(303);
    const [absence] = (await t.http.get(`/api/v1/users/${expert.user.id}`).set(secretariat.auth).expect(200)).body.absences;
    expect(absence).toMatchObject({ startsOn: '2026-12-21', endsOn: '2027-01-01', note: 'Kerst' });
    const page = await t.http.get(`/secretariaat/gebruikers/${expert.user.id}`).set('Accept', BROWSER).set('Cookie', session.cookie).expect(200);
    expect(page.text).toContain('21 december 2026 t/m 1 januari 2027');
    await post(`/secretariaat/gebruikers/${expert.user.id}/afwezigheid/${absence.id}/verwijderen`, {}).expect(303);
    expect((await t.http.get(`/api/v1/users/${expert.user.id}`).set(secretariat.auth).expect(200)).body.absences).toEqual([]);
  });
});

describe('secretariat pages: access requests and sign-in domains (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let session: BrowserSession;
  const post = (path: string, form: Record<string, string | string[]>) => pagePost(t, session, path, form);
  const get = (path: string) => pageGet(t, session, path);
  const pending = async () => (await t.http.get('/api/v1/access-requests?status=pending').set(secretariat.auth).expect(200)).body.data as { id: string; email: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    t.at('2026-12-01T10:00:00+01:00');
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    session = await browserSession(t, secretariat);
    for (const email of ['piet@elders.nl', 'klaas@nergens.nl']) await t.http.post('/api/v1/auth/sign-in-links').send({ email }).expect(202);
  }, 60_000);
  afterAll(() => t?.close());

  it.each(['/secretariaat/toegangsverzoeken', '/secretariaat/aanmelddomeinen'])('%s is for the secretariat only, linked from the console', async (path) => {
    await t.http.get(path).set('Accept', BROWSER).expect(401);
    await t.http.get(path).set('Accept', BROWSER).set(coordinator.auth).expect(403);
    const form = path.endsWith('aanmelddomeinen') ? path : `${path}/${(await pending())[0]!.id}/afwijzen`;
    await t.http.post(form).set('Accept', BROWSER).set(coordinator.auth).type('form').send({}).expect(403);
    expect((await get('/secretariaat').expect(200)).text).toContain(`href="${path}"`);
    expect((await get('/secretariaat/gebruikers').expect(200)).text).toContain(`href="${path}"`);
  });

  it('approves a request with its organisation (a bad code is a 400 keeping the form) and rejects another', async () => {
    const [piet, klaas] = ['piet@elders.nl', 'klaas@nergens.nl'].map(async (email) => (await pending()).find((r) => r.email === email)!);
    const page = await get('/secretariaat/toegangsverzoeken').expect(200);
    expect(page.text).toContain('piet@elders.nl');
    expect(page.text).toContain('klaas@nergens.nl');
    const pietId = (await piet).id;
    const bad = await post(`/secretariaat/toegangsverzoeken/${pietId}/goedkeuren`, { organisationCode: HOSTILE, allowDomain: 'ja' }).expect(400);
    expect(bad.text).toContain('Er is een probleem');
    expect(bad.text).toContain(`href="#organisationCode-${pietId}"`);
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    expect(bad.text).not.toContain(HOSTILE);
    expect(bad.text).toMatch(new RegExp(`id="allowDomain-${pietId}" name="allowDomain" value="ja" checked`));
    await t.http.post(`/secretariaat/toegangsverzoeken/${pietId}/goedkeuren`).set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: 'vals', organisationCode: 'GM0363' }).expect(403);
    const ok = await post(`/secretariaat/toegangsverzoeken/${pietId}/goedkeuren`, { organisationCode: 'gm0363', allowDomain: 'ja' }).expect(303);
    expect(ok.headers.location).toBe('/secretariaat/toegangsverzoeken?gelukt=goedgekeurd');
    const users = (await t.http.get('/api/v1/users?q=piet@elders.nl').set(secretariat.auth).expect(200)).body.data;
    expect(users).toEqual([expect.objectContaining({ roles: ['requester'], organisationCode: 'GM0363' })]);
    expect((await t.http.get('/api/v1/sign-in-domains').set(secretariat.auth).expect(200)).body).toEqual([expect.objectContaining({ domain: 'elders.nl', organisationCode: 'GM0363' })]);
    const rejected = await post(`/secretariaat/toegangsverzoeken/${(await klaas).id}/afwijzen`, {}).expect(303);
    expect(rejected.headers.location).toBe('/secretariaat/toegangsverzoeken?gelukt=afgewezen');
    expect(await pending()).toEqual([]);
    const after = await get('/secretariaat/toegangsverzoeken?gelukt=afgewezen').expect(200);
    expect(after.text).toContain('Het verzoek is afgewezen');
    expect(after.text).toContain('Er zijn geen open verzoeken.');
    expect(after.text).toMatch(/piet@elders\.nl<\/th><td>goedgekeurd/);
    expect(after.text).toMatch(/klaas@nergens\.nl<\/th><td>afgewezen/);
    await post('/secretariaat/toegangsverzoeken/00000000-0000-4000-8000-000000000000/afwijzen', {}).expect(404);
  });

  it('adds and removes a sign-in domain; bad input is a 400 keeping the values; the form token is required', async () => {
    const bad = await post('/secretariaat/aanmelddomeinen', { domain: `x ${HOSTILE}`, organisationCode: 'GM0363' }).expect(400);
    expect(bad.text).toContain('href="#domain"');
    expect(bad.text).toContain(`value="x ${ESCAPED}"`);
    expect(bad.text).toContain('value="GM0363"');
    expect(bad.text).not.toContain(HOSTILE);
    const unknown = await post('/secretariaat/aanmelddomeinen', { domain: 'utrecht.nl', organisationCode: 'XX9999' }).expect(400);
    expect(unknown.text).toContain('href="#organisationCode"');
    expect(unknown.text).toContain('value="utrecht.nl"');
    await t.http.post('/secretariaat/aanmelddomeinen').set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: 'vals', domain: 'utrecht.nl', organisationCode: 'GM0599' }).expect(403);
    const ok = await post('/secretariaat/aanmelddomeinen', { domain: 'Utrecht.nl', organisationCode: 'GM0599' }).expect(303);
    expect(ok.headers.location).toBe('/secretariaat/aanmelddomeinen?gelukt=toegevoegd');
    expect((await t.http.get('/api/v1/sign-in-domains').set(secretariat.auth).expect(200)).body).toContainEqual(expect.objectContaining({ domain: 'utrecht.nl', organisationCode: 'GM0599' }));
    const page = await get('/secretariaat/aanmelddomeinen').expect(200);
    expect(page.text).toContain('utrecht.nl</th><td>GM0599');
    const twice = await post('/secretariaat/aanmelddomeinen', { domain: 'utrecht.nl', organisationCode: 'GM0599' }).expect(409);
    expect(twice.text).toContain('staat al op de lijst');
    const removed = await post('/secretariaat/aanmelddomeinen/utrecht.nl/verwijderen', {}).expect(303);
    expect(removed.headers.location).toBe('/secretariaat/aanmelddomeinen?gelukt=verwijderd');
    expect((await t.http.get('/api/v1/sign-in-domains').set(secretariat.auth).expect(200)).body).not.toContainEqual(expect.objectContaining({ domain: 'utrecht.nl' }));
    await post('/secretariaat/aanmelddomeinen/utrecht.nl/verwijderen', {}).expect(404);
  });
});
