/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { TestUser, signInAs } from '../support/auth.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, signInBrowser, startBrowserApp } from './support.js';
import { publishArticle } from '../support/articles.js';

/**
 * The sweep: every page of the browser interface, each with JavaScript on and off, checked for
 * what every page must have (WCAG 2.1 AA through axe, reflow at 320 px, one h1, lang="nl", a
 * working skip link) and for escaping: the data behind the pages holds markup that would run
 * if a template let it through.
 */

/** Markup in every text field people fill in: titles, questions, answers, messages, display names. */
const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;

type Who = 'anonymous' | 'requester' | 'staff' | 'expert' | 'coordinator';

/** What the seeded data is called in paths. */
interface Seeded {
  articleId: string;
  questionId: string;
  /** A draft made from the question (so with its removed personal data), edited once. */
  draftId: string;
  /** A question the expert has in progress (the answer editor), and one no expert could take. */
  openId: string;
  unroutableId: string;
}

interface PageEntry {
  /** Shown in the test name. */
  name: string;
  path: (seeded: Seeded) => string;
  who: Who;
  /** The status the page is served with; anything else (a 404 for a page not built yet) fails. */
  status?: number;
  /** The page shows some of the hostile data, so it must appear there as plain text. */
  showsHostile?: boolean;
}

/** Every page, one line each; a page is added here when it is built. */
const PAGES: PageEntry[] = [
  // The hostile article is on keuze 25, of theme 6: the start page lists it as recently published.
  { name: 'start', path: () => '/', who: 'anonymous', showsHostile: true },
  { name: 'start, signed in', path: () => '/', who: 'requester', showsHostile: true },
  { name: 'theme', path: () => '/themas/6', who: 'anonymous', showsHostile: true },
  { name: 'keuze', path: () => '/keuzes/25', who: 'anonymous', showsHostile: true },
  { name: 'kennisbank, recent', path: () => '/kennisbank', who: 'anonymous', showsHostile: true },
  { name: 'kennisbank, search', path: () => '/kennisbank?q=verzilting', who: 'anonymous', showsHostile: true },
  { name: 'kennisbank, hostile query', path: () => `/kennisbank?q=${encodeURIComponent(HOSTILE)}`, who: 'anonymous', showsHostile: true },
  { name: 'kennisbank article', path: (s) => `/kennisbank/${s.articleId}`, who: 'anonymous', showsHostile: true },
  { name: 'kennisbank article, staff', path: (s) => `/kennisbank/${s.articleId}`, who: 'staff', showsHostile: true },
  { name: 'sign in', path: () => '/inloggen', who: 'anonymous' },
  { name: 'accessibility statement', path: () => '/toegankelijkheid', who: 'anonymous' },
  { name: 'sign-in form for a page that needs it (401)', path: () => '/reports/evaluation?from=2026-01-01&to=2026-03-31', who: 'anonymous', status: 401 },
  { name: 'my questions', path: () => '/vragen', who: 'requester', showsHostile: true },
  { name: 'ask a question', path: () => '/vragen/nieuw', who: 'requester' },
  { name: 'ask a question, words from a search', path: () => `/vragen/nieuw?q=${encodeURIComponent(HOSTILE)}`, who: 'requester', showsHostile: true },
  { name: 'question submitted', path: (s) => `/vragen/${s.questionId}/ingediend`, who: 'requester' },
  { name: 'question', path: (s) => `/vragen/${s.questionId}`, who: 'requester', showsHostile: true },
  { name: 'question, staff', path: (s) => `/vragen/${s.questionId}`, who: 'staff', showsHostile: true },
  { name: 'question, signed out (401)', path: (s) => `/vragen/${s.questionId}`, who: 'anonymous', status: 401 },
  { name: 'profile, requester', path: () => '/profiel', who: 'requester', showsHostile: true },
  { name: 'profile, expert', path: () => '/profiel', who: 'expert', showsHostile: true },
  { name: 'profile, secretariat', path: () => '/profiel', who: 'staff', showsHostile: true },
  { name: 'articles', path: () => '/artikelen', who: 'staff', showsHostile: true },
  { name: 'articles, drafts', path: () => '/artikelen?status=concept', who: 'expert', showsHostile: true },
  { name: 'articles, search', path: () => `/artikelen?q=${encodeURIComponent(HOSTILE)}`, who: 'expert', showsHostile: true },
  { name: 'articles, requester (403)', path: () => '/artikelen', who: 'requester', status: 403 },
  { name: 'article for staff, with its version diff', path: (s) => `/artikelen/${s.draftId}`, who: 'expert', showsHostile: true },
  { name: 'article editor, removed personal data', path: (s) => `/artikelen/${s.draftId}/bewerken`, who: 'expert', showsHostile: true },
  { name: 'article for staff, published', path: (s) => `/artikelen/${s.articleId}`, who: 'staff', showsHostile: true },
  { name: 'work queue', path: () => '/werkvoorraad', who: 'expert', showsHostile: true },
  { name: 'work queue, filtered and sorted', path: () => '/werkvoorraad?groep=in-behandeling&prioriteit=normaal&keuze=25&sorteer=nieuwste', who: 'expert', showsHostile: true },
  { name: 'work queue, refused filter (400)', path: () => `/werkvoorraad?groep=${encodeURIComponent(HOSTILE)}`, who: 'expert', status: 400 },
  { name: 'work queue, requester (403)', path: () => '/werkvoorraad', who: 'requester', status: 403 },
  { name: 'question in progress, its expert (answer editor)', path: (s) => `/vragen/${s.openId}`, who: 'expert', showsHostile: true },
  { name: 'triage', path: () => '/triage', who: 'coordinator', showsHostile: true },
  { name: 'triage, filtered', path: () => '/triage?reden=niet-te-routeren&sorteer=oudste', who: 'coordinator', showsHostile: true },
  { name: 'unroutable question, coordinator (candidates, routing note)', path: (s) => `/vragen/${s.unroutableId}`, who: 'coordinator', showsHostile: true },
];

/** Room for a loaded machine: each case drives a real browser through a page and four axe runs. */
const PAGE_MS = 120_000;

/** What would show that hostile markup became markup: elements, handlers, an inline script that calls alert. */
async function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of Array.from(document.querySelectorAll('*'))) {
      if (element.tagName === 'IMG' && element.getAttribute('src') === 'x') found.push('img src=x');
      if (element.tagName === 'SCRIPT' && (element.textContent ?? '').includes('alert(')) found.push('inline script');
      for (const attribute of Array.from(element.attributes)) if (/^on/i.test(attribute.name)) found.push(`${element.tagName.toLowerCase()} ${attribute.name}`);
    }
    return found;
  });
}

/** The text a person sees or has in a field: the body's text and the values of text fields. */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() =>
    [document.body.innerText, ...Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')).map((f) => f.value)].join('\n'),
  );
}

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('every page in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let browser: Browser;
  let users: Record<Exclude<Who, 'anonymous'>, TestUser>;
  const seeded = {} as Seeded;
  let page: Page;
  let dialogs: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startBrowserApp({ STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000', RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '100000' });
    const expert = await signInAs(t, { roles: ['expert'], keuzeIds: [25], capacity: 20, displayName: `Expert ${HOSTILE}` });
    users = {
      requester: await signInAs(t, { roles: ['requester'], displayName: `Vrager ${HOSTILE}` }),
      staff: await signInAs(t, { roles: ['secretariat'], displayName: `Secretariaat ${HOSTILE}` }),
      expert,
      coordinator: await signInAs(t, { roles: ['coordinator'], displayName: `Coördinator ${HOSTILE}` }),
    };

    seeded.articleId = await publishArticle(t, expert, users.staff, {
      title: `Verzilting ${HOSTILE}`,
      question: `Verzilting van het grondwater ${HOSTILE}?`,
      answer: `Zoet water vasthouden.\n\n${HOSTILE}`,
      keuzeIds: [25],
    });

    // A question that went through intake, routing, a clarification round and an answer, all with hostile text.
    const question = await t.http
      .post('/api/v1/questions')
      .set(users.requester.auth)
      .send({ title: `Verzilting ${HOSTILE}`, body: `Mogen wij zoet water onttrekken? ${HOSTILE}`, keuzeIds: [25] })
      .expect(201);
    seeded.questionId = question.body.id;
    await t.drain();
    const api = `/api/v1/questions/${seeded.questionId}`;
    await t.http.post(`${api}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`${api}/clarification-request`).set(expert.auth).send({ message: `Welk gebied? ${HOSTILE}` }).expect(200);
    await t.http.post(`${api}/messages`).set(users.requester.auth).send({ body: `Het noordelijk deel. ${HOSTILE}` }).expect(200);
    await t.http.post(`${api}/answer`).set(expert.auth).send({ body: `Ja, binnen de vergunning.\n\n${HOSTILE}` }).expect(200);
    await t.drain();

    // The workspace: a draft from the question, edited once; an absence and a token with hostile notes.
    const draft = await t.http.post('/api/v1/articles').set(expert.auth).send({ questionId: seeded.questionId }).expect(201);
    seeded.draftId = draft.body.id;
    await t.http.patch(`/api/v1/articles/${seeded.draftId}`).set(expert.auth).send({ version: 1, answer: `Ja, binnen de vergunning en het peilbesluit.\n\n${HOSTILE}` }).expect(200);
    // The taskforce's lists: one question in progress with an internal note, one no expert can take.
    const open = await t.http.post('/api/v1/questions').set(users.requester.auth).send({ title: `Zoet water ${HOSTILE}`, body: `Hoeveel? ${HOSTILE}`, keuzeIds: [25] }).expect(201);
    seeded.openId = open.body.id;
    const unroutable = await t.http.post('/api/v1/questions').set(users.requester.auth).send({ title: `Grondwater ${HOSTILE}`, body: `Wie? ${HOSTILE}`, keuzeIds: [5] }).expect(201);
    seeded.unroutableId = unroutable.body.id;
    await t.drain();
    await t.http.post(`/api/v1/questions/${seeded.openId}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`/api/v1/questions/${seeded.openId}/messages`).set(expert.auth).send({ body: `Notitie ${HOSTILE}`, internal: true }).expect(200);
    await t.http.post('/api/v1/me/absences').set(expert.auth).send({ startsOn: '2099-01-01', endsOn: '2099-01-05', note: HOSTILE.slice(0, 200) }).expect(201);
    for (const who of [expert, users.requester]) await t.http.post('/api/v1/me/tokens').set(who.auth).send({ name: `Koppeling ${HOSTILE}`.slice(0, 100) }).expect(201);
  }, PAGE_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await openPage(browser, { javaScriptEnabled });
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterEach(async () => {
    await page?.context().close();
  });

  it('the escaping checks can fail: unescaped markup is found, and with JavaScript on its alert fires', async () => {
    await page.context().route(`${t.baseUrl}/escaping-probe`, (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html lang="nl"><head><title>Proef</title></head><body><main><h1>${HOSTILE}</h1></main></body></html>` }),
    );
    await page.goto(`${t.baseUrl}/escaping-probe`);
    expect(await injectedMarkup(page)).toEqual(expect.arrayContaining(['img src=x', 'img onerror', 'inline script']));
    expect(await visibleText(page)).not.toContain(HOSTILE);
    // alert() holds the parser until the handler above dismisses it, so it was seen before the load event.
    expect(dialogs.length > 0).toBe(javaScriptEnabled);
  }, PAGE_MS);

  it.each(PAGES.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    if (entry.who !== 'anonymous') await signInBrowser(t, page, users[entry.who].user.id);
    const path = entry.path(seeded);
    const res = await page.goto(`${t.baseUrl}${path}`);
    expect({ path, status: res?.status() }).toEqual({ path, status: entry.status ?? 200 });

    // The skip link comes first and leads to an element that exists.
    const skipTarget = await page.evaluate(() => {
      const first = document.body.querySelector('a[href]');
      const href = first?.getAttribute('href') ?? '';
      return href.startsWith('#') && document.getElementById(href.slice(1)) ? href : `no skip link target (first link: ${href})`;
    });
    expect(skipTarget).toMatch(/^#./);

    expect(await injectedMarkup(page)).toEqual([]);
    const text = `${await page.title()}\n${await visibleText(page)}`;
    if (entry.showsHostile) expect(text).toContain(HOSTILE);
    // Escaped once, by the template: an entity a person can read means it was escaped twice.
    expect(text).not.toMatch(/&(lt|gt|amp|quot|#39|#x27);/);

    await expectAccessiblePage(page);
    expect(dialogs).toEqual([]);
  }, PAGE_MS);
});
