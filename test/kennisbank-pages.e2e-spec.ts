import { Database } from '../src/infra/database/database.service.js';
import { KnowledgeSearchClick } from '../src/knowledge/knowledge.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';
import { submitAndPublish } from './support/articles.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern, 'g'))].length;
const HOSTILE = '<script>alert(1)</script>';

function expectLayout(text: string) {
  expect(text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
  expect(text).toMatch(/<main id="inhoud"/);
  expect(count(text, /<h1[ >]/)).toBe(1);
}

describe('knowledge base pages (e2e)', () => {
  let t: TestApp;
  let expert: TestUser;
  let secretariat: TestUser;
  const api = '/api/v1/articles';
  const ids: Record<string, string> = {};

  const page = (path: string, query: Record<string, string> = {}) => t.http.get(path).query(query).set('Accept', BROWSER);

  async function create(body: object): Promise<string> {
    const created = await t.http.post(api).set(expert.auth).send({ keuzeIds: [25], ...body }).expect(201);
    return created.body.id;
  }
  const publish = (id: string) => submitAndPublish(t, id, expert, secretariat);

  beforeAll(async () => {
    t = await startTestApp();
    expert = await signInAs(t, { roles: ['expert'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    ids.related = await publish(await create({ title: 'Peilbeheer in veenweidegebieden', question: 'Hoe hoog mag het peil?', answer: 'Zo hoog als de **bodem** toelaat.' }));
    ids.main = await publish(
      await create({
        title: 'Woningbouw bij bodemdaling',
        question: 'Waar bouwen wij woningen in een polder met bodemdaling?',
        answer: 'Kies locaties waar de **bodem** het toelaat.\n\n<script>alert(2)</script> <img src=x onerror=alert(3)>',
        keuzeIds: [21, 25],
        relatedArticleIds: [ids.related],
      }),
    );
    ids.hostile = await publish(await create({ title: `Zoutwater ${HOSTILE}`, question: `Verzilting <b onmouseover=alert(4)>vet</b> ${HOSTILE}?`, answer: 'Zoet water vasthouden bij verzilting.' }));
    ids.draft = await create({ title: 'Concept over grondwater', question: 'Grondwater?', answer: 'Nog niet af.' });
    for (let i = 1; i <= 21; i++) await publish(await create({ title: `Kwelwater ${i}`, question: `Vraag ${i} over kwelwater?`, answer: 'Kwelwater opvangen.', keuzeIds: [i] }));
  }, 120_000);
  afterAll(() => t?.close());

  it('searches with highlighted snippets, a total, theme and keuze facets as filter links', async () => {
    const res = await page('/kennisbank', { q: 'bodemdaling' }).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLayout(res.text);
    expect(res.text).toContain('<form class="form search-form" method="get" action="/kennisbank" role="search">');
    expect(res.text).toMatch(/<label class="utrecht-form-label" for="q">Zoek in de kennisbank<\/label>/);
    expect(res.text).toContain('id="q-hint"');
    expect(res.text).toMatch(/name="q" type="search" value="bodemdaling"/);
    expect(res.text).toMatch(new RegExp(`<a href="/kennisbank/${ids.main}\\?zoekopdracht=[0-9a-f-]{36}">Woningbouw bij bodemdaling</a>`));
    expect(res.text).toMatch(/<p class="result-snippet">[^<]*<mark>[^<]+<\/mark>/);
    expect(res.text).toContain('1 artikel gevonden');
    expect(res.text).toContain('href="/kennisbank?q=bodemdaling&amp;themeId=');
    expect(res.text).toContain('href="/kennisbank?q=bodemdaling&amp;keuzeId=21"');
    expect(res.text).not.toContain('Geen artikelen met alle woorden');
  });

  it('filters by a facet and offers to clear the filter', async () => {
    const res = await page('/kennisbank', { q: 'kwelwater', keuzeId: '3' }).expect(200);
    expect(res.text).toContain('1 artikel gevonden');
    expect(res.text).toContain('>Kwelwater 3</a>');
    expect(res.text).toContain('<a href="/kennisbank?q=kwelwater">filter wissen</a>');
  });

  it('pages through many results with links that keep the query', async () => {
    const first = await page('/kennisbank', { q: 'kwelwater' }).expect(200);
    expect(first.text).toContain('21 artikelen gevonden · pagina 1');
    expect(count(first.text, /<li class="result">/)).toBe(20);
    expect(first.text).toContain('<a href="/kennisbank?q=kwelwater&amp;pagina=2" rel="next">Volgende pagina</a>');
    expect(first.text).not.toContain('rel="prev"');
    const second = await page('/kennisbank', { q: 'kwelwater', pagina: '2' }).expect(200);
    expect(count(second.text, /<li class="result">/)).toBe(1);
    expect(second.text).toContain('<a href="/kennisbank?q=kwelwater" rel="prev">Vorige pagina</a>');
    expect(second.text).not.toContain('rel="next"');
  });

  it('escapes a hostile title and question in results; the snippet markup is only <mark>', async () => {
    const res = await page('/kennisbank', { q: 'verzilting' }).expect(200);
    expect(res.text).toContain(`>Zoutwater &lt;script&gt;alert(1)&lt;/script&gt;</a>`);
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toContain('<b onmouseover');
    const snippet = res.text.match(/<p class="result-snippet">(.*?)<\/p>/s)![1];
    expect(snippet).toContain('&lt;b onmouseover=alert(4)&gt;');
    for (const tag of snippet.match(/<[^>]*>/g) ?? []) expect(tag).toMatch(/^<\/?mark>$/);
    const article = await page(`/kennisbank/${ids.hostile}`).expect(200);
    expect(article.text).toContain('<h1>Zoutwater &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(article.text).not.toContain('<script');
  });

  it('says honestly when it falls back to articles with most of the words', async () => {
    const res = await page('/kennisbank', { q: 'woningbouw verzilting' }).expect(200);
    expect(res.text).toContain('Geen artikelen met alle woorden; dit zijn artikelen met de meeste woorden.');
    expect(res.text).toContain(`href="/kennisbank/${ids.main}?zoekopdracht=`);
  });

  it('says so when only a few results contain every word, and ranks those first', async () => {
    const res = await page('/kennisbank', { q: 'veenweidegebieden bodem' }).expect(200);
    expect(res.text).toContain('Maar 1 artikel bevat alle woorden (bovenaan); daaronder artikelen met de meeste woorden.');
    expect(res.text).not.toContain('Geen artikelen met alle woorden');
    const results = [...res.text.matchAll(/href="\/kennisbank\/([0-9a-f-]{36})\?zoekopdracht=/g)].map((m) => m[1]);
    expect(results[0]).toBe(ids.related);
    expect(results).toContain(ids.main);
    const api = await t.http.get('/api/v1/articles').query({ q: 'veenweidegebieden bodem' }).expect(200);
    expect(api.body.meta).toMatchObject({ matchMode: 'any', allWordsTotal: 1 });
  });

  it('reports opening a result to the search analytics, without JavaScript', async () => {
    const res = await page('/kennisbank', { q: 'bodemdaling' }).expect(200);
    const link = res.text.match(new RegExp(`href="(/kennisbank/${ids.main}\\?zoekopdracht=([0-9a-f-]{36}))"`))!;
    const clicks = () => t.app.get(Database).manager.countBy(KnowledgeSearchClick, { searchId: link[2] });
    expect(await clicks()).toBe(0);
    await page(link[1]).expect(200);
    expect(await clicks()).toBe(1);
    // An unknown or malformed search id loses only the count, not the article.
    await page(`/kennisbank/${ids.main}`, { zoekopdracht: '0b7c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4' }).expect(200);
    await page(`/kennisbank/${ids.main}`, { zoekopdracht: 'x' }).expect(200);
    expect(await clicks()).toBe(1);
  });

  it('suggests asking the taskforce when nothing is found', async () => {
    const res = await page('/kennisbank', { q: 'xyzzyplof' }).expect(200);
    expect(res.text).toContain('Er zijn geen artikelen gevonden voor <strong>xyzzyplof</strong>.');
    expect(res.text).toMatch(/<a class="[^"]*" href="\/vragen\/nieuw\?q=xyzzyplof">Stel een vraag aan de taskforce<\/a>/);
  });

  it('lists the most recent published articles without search words, never a draft', async () => {
    const res = await page('/kennisbank').expect(200);
    expect(res.text).toContain('Recent gepubliceerd');
    expect(res.text).toContain('>Kwelwater 21</a>');
    expect(res.text).not.toContain('Concept over grondwater');
    expect(res.text).toContain('24 artikelen gevonden');
  });

  it.each([
    [{ q: '' }, 'q', 'Zoekwoorden'],
    [{ q: 'AND OR NOT "" -' }, 'q', 'Zoekwoorden: bevat geen doorzoekbaar woord'],
    [{ q: 'water', themeId: 'abc' }, 'themeId', 'Thema'],
    [{ q: 'water', pagina: '0' }, 'pagina', 'Pagina'],
  ])('answers a bad query %j with the form again and an error summary (400)', async (query, field, text) => {
    const res = await page('/kennisbank', query as Record<string, string>).expect(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLayout(res.text);
    expect(res.text).toContain('<div class="error-summary" role="alert"');
    expect(res.text).toContain('Er is een probleem');
    expect(res.text).toContain(text);
    expect(res.text).toContain('action="/kennisbank"');
    expect(res.text).toMatch(/<title>Fout: /);
    if (field === 'q') expect(res.text).toMatch(/<div class="utrecht-form-field-error-message[^"]*" id="q-error">/);
    expect(res.text).not.toContain('class="result"');
  });

  it('shows an article: title, question, sanitised answer, theme, keuzes, Dutch date and related articles', async () => {
    const res = await page(`/kennisbank/${ids.main}`).expect(200);
    expectLayout(res.text);
    expect(res.text).toContain('<h1>Woningbouw bij bodemdaling</h1>');
    expect(res.text).toContain('Waar bouwen wij woningen in een polder met bodemdaling?');
    const api = await t.http.get(`/api/v1/articles/${ids.main}`).expect(200);
    expect(res.text).toContain(`<div class="article-answer">${api.body.answerHtml}</div>`);
    expect(res.text).toContain('<strong>bodem</strong>');
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toMatch(/<img[^>]*onerror/);
    expect(res.text).toContain('href="/kennisbank?keuzeId=21"');
    expect(res.text).toContain('href="/kennisbank?keuzeId=25"');
    expect(res.text).toMatch(/href="\/kennisbank\?themeId=\d+"/);
    const date = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(api.body.publishedAt));
    expect(date).toMatch(/^\d{1,2} [a-z]+ \d{4}$/);
    expect(res.text).toContain(`Gepubliceerd op ${date}`);
    expect(res.text).toContain(`<a href="/kennisbank/${ids.related}">Peilbeheer in veenweidegebieden</a>`);
  });

  it('is 404 for an unknown or unpublished article and 400 for a malformed id, as pages', async () => {
    const draft = await page(`/kennisbank/${ids.draft}`).expect(404);
    expect(draft.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(draft.text).not.toContain('Concept over grondwater');
    await page('/kennisbank/0b7c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4').expect(404);
    const malformed = await page('/kennisbank/niet-een-id').expect(400);
    expect(malformed.headers['content-type']).toBe('text/html; charset=utf-8');
    // Staff still see the draft, through the same service rule, with its status.
    const staff = await page(`/kennisbank/${ids.draft}`).set(secretariat.auth).expect(200);
    expect(staff.text).toContain('Status: <strong>concept</strong>');
    const reader = await page(`/kennisbank/${ids.main}`).expect(200);
    expect(reader.text).not.toContain('Status:');
  });

  it('has a search box on the start page', async () => {
    const res = await page('/').expect(200);
    expect(res.text).toContain('<form class="form search-form" method="get" action="/kennisbank" role="search">');
    expect(res.text).toContain('href="/kennisbank"');
  });
});
