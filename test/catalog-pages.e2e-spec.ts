import { DataSource } from 'typeorm';
import { Database } from '../src/infra/database/database.service.js';
import { ArticleOpen } from '../src/knowledge/knowledge.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';
import { submitAndPublish } from './support/articles.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern, 'g'))].length;
const HOSTILE = '<script>alert(1)</script>';
const DAY_MS = 24 * 60 * 60 * 1000;

function expectLayout(text: string) {
  expect(text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
  expect(text).toMatch(/<main id="inhoud"/);
  expect(count(text, /<h1[ >]/)).toBe(1);
}

/** The titles of the links in the start page's section with this heading id, in order. */
function titlesIn(text: string, headingId: string): string[] {
  const section = text.match(new RegExp(`<h2 id="${headingId}">.*?</section>`, 's'))![0];
  return [...section.matchAll(/<a class="utrecht-link utrecht-link-list__link" href="\/kennisbank\/[0-9a-f-]{36}">([^<]*)<\/a>/g)].map((m) => m[1]);
}

describe('start, theme and keuze pages, most-opened articles (e2e)', () => {
  let t: TestApp;
  let expert: TestUser;
  let secretariat: TestUser;
  const api = '/api/v1/articles';
  const ids: Record<string, string> = {};

  const page = (path: string, query: Record<string, string> = {}) => t.http.get(path).query(query).set('Accept', BROWSER);
  const opensOf = async (articleId: string) => (await t.app.get(Database).manager.findBy(ArticleOpen, { articleId })).map((row) => ({ day: row.day, opens: row.opens }));

  async function create(body: object): Promise<string> {
    const created = await t.http.post(api).set(expert.auth).send({ keuzeIds: [25], question: 'Een vraag?', answer: 'Een antwoord.', ...body }).expect(201);
    return created.body.id;
  }
  const publish = (id: string) => submitAndPublish(t, id, expert, secretariat);

  beforeAll(async () => {
    t = await startTestApp();
    expert = await signInAs(t, { roles: ['expert'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    for (let i = 1; i <= 12; i++) await publish(await create({ title: `Drinkwaterbron ${i}`, keuzeIds: [3] }));
    ids.peil = await publish(await create({ title: 'Peilbeheer in veenweidegebieden', keuzeIds: [25] }));
    ids.hostile = await publish(await create({ title: `Veenoxidatie ${HOSTILE}`, keuzeIds: [26] }));
    ids.bouw = await publish(await create({ title: 'Woningbouw bij bodemdaling', keuzeIds: [21, 25], relatedArticleIds: [ids.peil] }));
    ids.draft = await create({ title: 'Concept over veen', keuzeIds: [25] });
  }, 120_000);
  afterAll(() => t?.close());

  it('the start page: search, the 8 themes with their 33 keuzes, the ask link and the newest articles', async () => {
    const res = await page('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLayout(res.text);
    expect(res.text).toContain('<form class="form search-form" method="get" action="/kennisbank" role="search">');
    for (let theme = 1; theme <= 8; theme++) expect(res.text).toContain(`<a href="/themas/${theme}">`);
    expect(count(res.text, /<a href="\/themas\/\d+">/)).toBe(8);
    expect(count(res.text, /href="\/keuzes\/\d+"/)).toBe(33);
    expect(res.text).toContain('<a href="/themas/6">Laagveengebieden</a>');
    expect(res.text).toMatch(/href="\/keuzes\/25"><span class="keuze-number">25\.<\/span> Grondwaterstand verhogen/);
    expect(res.text).toMatch(/<a class="[^"]*utrecht-button-link[^"]*" href="\/vragen\/nieuw">Stel een vraag aan de taskforce<\/a>/);
    // Newest first, five of them, never a draft; a hostile title escaped.
    expect(titlesIn(res.text, 'recent-title')).toEqual(['Woningbouw bij bodemdaling', `Veenoxidatie &lt;script&gt;alert(1)&lt;/script&gt;`, 'Peilbeheer in veenweidegebieden', 'Drinkwaterbron 12', 'Drinkwaterbron 11']);
    expect(res.text).not.toContain('Concept over veen');
    expect(res.text).not.toContain('<script');
    const date = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
    expect(res.text).toContain(`gepubliceerd ${date}`);
    // Signed in as staff: the same lists, still without the draft.
    const staff = await page('/').set(secretariat.auth).expect(200);
    expect(titlesIn(staff.text, 'recent-title')).toEqual(titlesIn(res.text, 'recent-title'));
    expect(count(staff.text, /href="\/keuzes\/\d+"/)).toBe(33);
    expect(staff.text).not.toContain('Concept over veen');
  });

  it('counts each open of an article once, per Amsterdam day, published articles only', async () => {
    expect(await opensOf(ids.bouw)).toEqual([]);
    // Just after midnight in Amsterdam, still the day before in UTC.
    t.at('2026-03-01T23:30:00Z');
    await page(`/kennisbank/${ids.bouw}`).expect(200);
    // The article page also reads its related article: that is not an open of it.
    expect(await opensOf(ids.peil)).toEqual([]);
    await page(`/kennisbank/${ids.bouw}`).expect(200);
    await t.http.get(`${api}/${ids.bouw}`).expect(200);
    expect(await opensOf(ids.bouw)).toEqual([{ day: '2026-03-02', opens: 3 }]);
    // Staff opening a draft, a missing article or a malformed id count nothing.
    await page(`/kennisbank/${ids.draft}`).set(secretariat.auth).expect(200);
    await t.http.get(`${api}/${ids.draft}`).set(secretariat.auth).expect(200);
    await page('/kennisbank/0b7c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4').expect(404);
    expect(await opensOf(ids.draft)).toEqual([]);
    expect(await t.app.get(Database).manager.count(ArticleOpen)).toBe(1);
  });

  it('loses no open when many readers open an article at the same time', async () => {
    t.at('2026-01-10T12:00:00+01:00'); // long before the rankings below look
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? page(`/kennisbank/${ids.bouw}`) : t.http.get(`${api}/${ids.bouw}`)).expect(200)));
    expect(await opensOf(ids.bouw)).toEqual(expect.arrayContaining([{ day: '2026-01-10', opens: 12 }]));
  });

  it('ranks the most opened articles of the last 30 days on the start page and in the API', async () => {
    const now = new Date('2026-04-15T10:00:00+02:00');
    t.at(new Date(now.getTime() - 40 * DAY_MS).toISOString());
    for (let i = 0; i < 5; i++) await page(`/kennisbank/${ids.peil}`).expect(200); // too long ago for 30 days
    t.at(new Date(now.getTime() - 29 * DAY_MS).toISOString());
    await page(`/kennisbank/${ids.hostile}`).expect(200);
    t.at(now.toISOString());
    await page(`/kennisbank/${ids.hostile}`).expect(200);
    await page(`/kennisbank/${ids.peil}`).expect(200);

    const start = await page('/').expect(200);
    expect(titlesIn(start.text, 'meest-gelezen-title')).toEqual([`Veenoxidatie &lt;script&gt;alert(1)&lt;/script&gt;`, 'Peilbeheer in veenweidegebieden']);

    const popular = await t.http.get(`${api}/most-opened`).expect(200);
    expect(popular.body.data.map((a: { id: string; opens: number }) => [a.id, a.opens])).toEqual([
      [ids.hostile, 2],
      [ids.peil, 1],
    ]);
    expect(popular.body.page).toEqual({ number: 1, size: 20, total: 2 });
    expect(popular.body.data[0]).toMatchObject({ title: `Veenoxidatie ${HOSTILE}`, keuzeIds: [26], themeIds: [6], status: 'published' });
    const longer = await t.http.get(`${api}/most-opened`).query({ days: 60, pageSize: 1 }).expect(200);
    expect(longer.body.data.map((a: { id: string; opens: number }) => [a.id, a.opens])).toEqual([[ids.peil, 6]]);
    expect(longer.body.page).toEqual({ number: 1, size: 1, total: 3 });
    const pastTheEnd = await t.http.get(`${api}/most-opened`).query({ days: 60, pageSize: 1, page: 4 }).expect(200);
    expect(pastTheEnd.body).toEqual({ data: [], page: { number: 4, size: 1, total: 3 } });
    const bad = await t.http.get(`${api}/most-opened`).query({ days: 0 }).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['days']);
  });

  it('leaves an archived article out of the most opened', async () => {
    await t.http.post(`${api}/${ids.peil}/archive`).set(secretariat.auth).send({}).expect(200);
    const popular = await t.http.get(`${api}/most-opened`).expect(200);
    expect(popular.body.data.map((a: { id: string }) => a.id)).toEqual([ids.hostile]);
    const start = await page('/').expect(200);
    expect(start.text).not.toContain('Peilbeheer in veenweidegebieden');
  });

  it('a theme page: its keuzes, its measures and its newest articles', async () => {
    const res = await page('/themas/6').expect(200);
    expectLayout(res.text);
    expect(res.text).toContain('<h1>Thema: Laagveengebieden</h1>');
    for (const keuze of [25, 26, 27]) expect(res.text).toContain(`href="/keuzes/${keuze}"`);
    expect(count(res.text, /href="\/keuzes\/\d+"/)).toBe(3);
    expect(res.text).toContain('<strong>M3.1.1</strong>');
    expect(res.text).toContain(`href="/kennisbank/${ids.bouw}">Woningbouw bij bodemdaling</a>`);
    expect(res.text).toContain('>Veenoxidatie &lt;script&gt;alert(1)&lt;/script&gt;</a>');
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toContain('Concept over veen');
    expect(res.text).not.toContain('Alle ');
    expect(res.text).toContain('href="/vragen/nieuw"');
  });

  it('a keuze page: its theme, its newest ten articles and a link to all of them', async () => {
    const res = await page('/keuzes/3').expect(200);
    expectLayout(res.text);
    expect(res.text).toContain('<h1>Keuze 3: Nieuwe en diverse drinkwaterbronnen</h1>');
    expect(res.text).toContain('<a href="/themas/1">Voldoende water</a>');
    expect(count(res.text, /href="\/kennisbank\/[0-9a-f-]{36}"/)).toBe(10);
    expect(res.text).toContain('>Drinkwaterbron 12</a>');
    expect(res.text).not.toContain('>Drinkwaterbron 2</a>');
    expect(res.text).toContain('<a href="/kennisbank?keuzeId=3">Alle 12 artikelen over keuze 3</a>');
    for (const other of [1, 2, 4]) expect(res.text).toContain(`href="/keuzes/${other}"`);
    // A keuze the policy document names measures for.
    const withMeasure = await page('/keuzes/12').expect(200);
    expect(withMeasure.text).toContain('<strong>M99-SK12</strong>');
    const withoutArticles = await page('/keuzes/33').expect(200);
    expect(withoutArticles.text).toContain('Over deze keuze zijn nog geen artikelen gepubliceerd.');
  });

  it.each([
    ['/themas/9', 404],
    ['/themas/0', 400],
    ['/themas/abc', 400],
    ['/keuzes/34', 404],
    ['/keuzes/abc', 400],
    ['/keuzes/99999999999', 400],
    ['/keuzes/1.5', 400],
  ])('%s is a %d page', async (path, status) => {
    const res = await page(path).expect(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLayout(res.text);
  });

  it('keeps the catalog API under /api/v1 next to the keuze page', async () => {
    const keuze = await t.http.get('/api/v1/keuzes/25').expect(200);
    expect(keuze.body).toMatchObject({ id: 25, theme: { id: 6 } });
    await t.http.get('/api/v1/themes').expect(200);
    await page('/api/v1/keuzes/abc').expect(400);
  });

  it('carries the search words into the ask link when nothing is found', async () => {
    const res = await page('/kennisbank', { q: 'xyzzy plof & co' }).expect(200);
    expect(res.text).toContain('href="/vragen/nieuw?q=xyzzy%20plof%20%26%20co"');
  });

  it('the migration drops and re-creates the counters table', async () => {
    const dataSource = t.app.get(DataSource);
    const runner = dataSource.createQueryRunner();
    try {
      // ArticleOpens and the migrations after it (undone newest first, so ArticleOpens goes last).
      const names = dataSource.migrations.map((m) => m.name);
      const fromArticleOpens = names.slice(names.indexOf('ArticleOpens1795823380110'));
      expect(fromArticleOpens[0]).toBe('ArticleOpens1795823380110');
      for (let i = 0; i < fromArticleOpens.length; i++) await dataSource.undoLastMigration({ transaction: 'all' });
      expect(await runner.hasTable('article_opens')).toBe(false);
      expect((await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name)).toEqual(fromArticleOpens);
      expect(await runner.hasTable('article_opens')).toBe(true);
    } finally {
      await runner.release();
    }
    await page(`/kennisbank/${ids.bouw}`).expect(200);
    expect(await opensOf(ids.bouw)).toHaveLength(1);
  });
});
