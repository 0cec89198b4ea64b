/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { TestUser, signInAs } from '../support/auth.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, signInBrowser, startBrowserApp } from './support.js';

/** Room for a loaded machine: a journey drives a real browser through several pages. */
const JOURNEY_MS = 120_000;

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('the dashboard, the evaluation report and the secretariat pages in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let browser: Browser;
  let requester: TestUser;
  let secretariat: TestUser;
  let author: TestUser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startBrowserApp({ STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    requester = await signInAs(t, { roles: ['requester'], displayName: 'Jan <b>de Vries</b>' });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    const expert = await signInAs(t, { roles: ['expert'], keuzeIds: [7], capacity: 20 });
    author = expert;
    // Six questions about keuze 7 (shown as a number), two about keuze 21 (shown as "< 5").
    for (const keuzeIds of [[7], [7], [7], [7], [7], [7], [21], [21]]) {
      await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Waterberging in de wijk', body: 'Hoe pakken wij dat aan?', keuzeIds }).expect(201);
    }
    await t.drain();
    // One answered and one referred to a hostile, long name: the report's charts and tables.
    const mine = (await t.http.get('/api/v1/questions?pageSize=50').set(expert.auth).expect(200)).body.data.filter((q: { status: string }) => q.status === 'assigned');
    await t.http.post(`/api/v1/questions/${mine[0].id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${mine[0].id}/answer`).set(expert.auth).send({ body: 'Antwoord' }).expect(200);
    await t.http.post(`/api/v1/questions/${mine[1].id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${mine[1].id}/refer`).set(expert.auth).send({ to: '<img src=x onerror="document.title=1"> Informatiepunt Leefomgeving (IPLO), afdeling grondwaterstandsverhogingsmaatregelen', reason: 'Omgevingswet' }).expect(200);
    await t.drain();
    // An open access request and a sign-in domain, so the people pages show their forms and tables.
    await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'piet.de.vries@elders.nl' }).expect(202);
    await t.http.post('/api/v1/sign-in-domains').set(secretariat.auth).send({ domain: 'gemeente-test.nl', organisationCode: 'GM0363' }).expect(201);
  }, JOURNEY_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await openPage(browser, { javaScriptEnabled });
  });
  afterEach(async () => {
    await page?.context().close();
  });

  it('anonymous opens /dashboard from the footer: tables beside the charts, no name, nothing under 5, accessible', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.click('footer a[href="/dashboard"]');
    await page.waitForURL(`${t.baseUrl}/dashboard`);
    expect(await page.textContent('h1')).toBe('Dashboard Vraagbaak WBS');
    const text = (await page.textContent('main')) ?? '';
    expect(text).not.toContain('Amsterdam');
    expect(text).not.toContain('de Vries');
    // The theme table of the received questions: theme 3 (Ruimte voor water, keuze 7) shows 6.
    const received = page.locator('table:has(caption:text("Ontvangen vragen per thema en kwartaal"))');
    const cells = await received.locator('td').allTextContents();
    expect(cells).toContain('6');
    for (const cell of cells) expect(cell === '< 5' || Number(cell) >= 5).toBe(true);
    // The keuze tables open without JavaScript (details/summary).
    await page.click('summary:text("Ontvangen vragen per keuze")');
    const keuzeRow = page.locator('table:has(caption:text("Ontvangen vragen per keuze en kwartaal")) tr:has(th:text-matches("^21\\\\."))');
    await expect(keuzeRow.locator('td').last().textContent()).resolves.toBe('< 5');
    await expect(page.locator('figure svg[role="img"]').count()).resolves.toBe(4);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('downloads the open-data CSV from the page', async () => {
    await page.goto(`${t.baseUrl}/dashboard`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/dashboard/open-data.csv"]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFKwartaal;')).toBe(true);
    const keuze21 = csv.split('\r\n').filter((line) => line.includes(';keuze;21;'));
    expect(keuze21.length).toBe(4);
    expect(csv).not.toContain('Amsterdam');
    expect(keuze21.some((line) => line.includes(';< 5;'))).toBe(true);
  }, JOURNEY_MS);

  it('the evaluation report: 0 axe violations, tables in their own scroll region, nice integer ticks, no sideways scroll at 320 px', async () => {
    await signInBrowser(t, page, secretariat.user.id);
    const res = await page.goto(`${t.baseUrl}/reports/evaluation`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).not.toBe('1');
    // Every table sits in a focusable region labelled by its caption.
    const regions = page.locator('div.table-scroll[role="region"][tabindex="0"]');
    expect(await regions.count()).toBeGreaterThanOrEqual(3);
    await expect(page.locator('div.table-scroll > table').count()).resolves.toBe(await page.locator('table').count());
    // Axis ticks of the count charts are whole numbers.
    const ticks = await page.locator('svg text[text-anchor="end"][fill="#545454"]').allTextContents();
    for (const tick of ticks.filter((t) => !t.includes('%'))) expect(tick).toMatch(/^\d+(,\d+)?$/);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('the secretariat opens its start page, filters the statistics and downloads the CSV: the API figures', async () => {
    await signInBrowser(t, page, secretariat.user.id);
    await page.goto(`${t.baseUrl}/`);
    await page.click('nav a[href="/secretariaat"]');
    await page.waitForURL(`${t.baseUrl}/secretariaat`);
    expect(await page.textContent('h1')).toBe('Secretariaat');
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('a:text("Meer cijfers in de statistieken")');
    await page.waitForURL(/\/secretariaat\/statistieken\?/);
    await page.selectOption('#by', 'keuze');
    await page.selectOption('#themeId', '3');
    await page.click('button:text("Cijfers tonen")');
    await page.waitForURL(/by=keuze/);
    expect(page.url()).toContain('themeId=3');
    await expect(page.locator('#by').inputValue()).resolves.toBe('keuze');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Download als CSV (Excel)")')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const rows = csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(';'));
    // The form sends its empty filters too; the API takes only the filled ones.
    const query = `?${new URLSearchParams([...new URL(page.url()).searchParams].filter(([, v]) => v !== ''))}`;
    const api = (await t.http.get(`/api/v1/statistics/breakdown${query}`).set(secretariat.auth).expect(200)).body;
    expect(rows.slice(1).map((r) => [r[0], Number(r[2])])).toEqual(api.groups.map((g: { key: string; received: number }) => [g.key, g.received]));
    expect(api.groups.find((g: { key: string }) => g.key === '7').received).toBe(6);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('a bad filter shows the error summary and keeps the values, accessible', async () => {
    await signInBrowser(t, page, secretariat.user.id);
    const res = await page.goto(`${t.baseUrl}/secretariaat/statistieken?from=2026-10-01&to=2026-09-01&by=theme`);
    expect(res?.status()).toBe(400);
    await expect(page.locator('.error-summary a[href="#from"]').count()).resolves.toBe(1);
    await expect(page.locator('#from').inputValue()).resolves.toBe('2026-10-01');
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('the secretariat reviews an article: sends one back with a comment and publishes another', async () => {
    const draft = async (title: string) => {
      const id = (await t.http.post('/api/v1/articles').set(author.auth).send({ title, question: 'Hoe pakken wij dat aan?', answer: 'Zo pakt u dat aan.', keuzeIds: [7] }).expect(201)).body.id;
      await t.http.post(`/api/v1/articles/${id}/submit`).set(author.auth).send({}).expect(200);
      return id as string;
    };
    const suffix = javaScriptEnabled ? 'aan' : 'uit';
    const back = await draft(`Terugsturen ${suffix} <i>schuin</i>`);
    const publish = await draft(`Publiceren ${suffix}`);
    await signInBrowser(t, page, secretariat.user.id);
    await page.goto(`${t.baseUrl}/secretariaat`);
    await page.click('a:text("Beoordeel de artikelen")');
    await page.waitForURL(`${t.baseUrl}/secretariaat/artikelen`);
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    const item = page.locator('li.review-item', { hasText: `Terugsturen ${suffix}` });
    await item.locator('summary').click();
    await item.locator('textarea').fill('Noem de bron van de handreiking.');
    await item.locator('button:text("Terugsturen")').click();
    await page.waitForURL(/gelukt=teruggestuurd/);
    await expect(page.locator('.utrecht-alert').textContent()).resolves.toContain('teruggestuurd');
    await page.locator('li.review-item', { hasText: `Publiceren ${suffix}` }).locator('button:text("Publiceren")').click();
    await page.waitForURL(/gelukt=gepubliceerd/);
    expect((await t.http.get(`/api/v1/articles/${publish}`).set(author.auth).expect(200)).body.status).toBe('published');
    expect((await t.http.get(`/api/v1/articles/${back}`).set(author.auth).expect(200)).body.status).toBe('draft');
    await expectAccessiblePage(page);
    // The author reads the comment with the versions.
    await page.goto(`${t.baseUrl}/artikelen/${back}`);
    await expect(page.locator('.versions').textContent()).resolves.toContain('Noem de bron van de handreiking.');
  }, JOURNEY_MS);

  it('the secretariat invites an expert with expertise', async () => {
    const email = `nina-${javaScriptEnabled ? 'aan' : 'uit'}@example.nl`;
    await signInBrowser(t, page, secretariat.user.id);
    await page.goto(`${t.baseUrl}/secretariaat`);
    await page.click('a:text("Gebruikers")');
    await page.waitForURL(`${t.baseUrl}/secretariaat/gebruikers`);
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.fill('#email', email);
    await page.fill('#displayName', 'Nina <b>Bodem</b>');
    await page.check('#role-expert');
    await page.check('#keuze-25');
    await page.check('#theme-6');
    await page.fill('#capacity', '15');
    await page.click('button:text("Uitnodiging versturen")');
    await page.waitForURL(/gelukt=uitgenodigd/);
    await expect(page.locator('table').textContent()).resolves.toContain('Nina <b>Bodem</b>');
    const [user] = (await t.http.get(`/api/v1/users?q=${encodeURIComponent(email)}`).set(secretariat.auth).expect(200)).body.data;
    expect(user).toMatchObject({ roles: ['expert'], expertise: { keuzeIds: [25], themeIds: [6] }, capacity: 15 });
    await expectAccessiblePage(page);
    // The member's own page: roles, expertise, capacity and absences.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click(`a[href="/secretariaat/gebruikers/${user.id}"]`);
    await page.waitForURL(`${t.baseUrl}/secretariaat/gebruikers/${user.id}`);
    await expect(page.locator('#keuze-25').isChecked()).resolves.toBe(true);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('the secretariat adds a closure day (a wrong date first: the error summary keeps the reason)', async () => {
    const day = javaScriptEnabled ? '2027-12-24' : '2027-12-31';
    await signInBrowser(t, page, secretariat.user.id);
    await page.goto(`${t.baseUrl}/secretariaat`);
    await page.click('a:text("Kalender en servicenormen")');
    await page.waitForURL(`${t.baseUrl}/secretariaat/kalender`);
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    // A date the browser's date field cannot hold is refused by the server too; type the text form.
    await page.evaluate(() => {
      (document.querySelector('#day') as HTMLInputElement).type = 'text';
    });
    await page.fill('#reason', 'Oudejaarsdag');
    await page.fill('#day', '31-12-2027');
    await page.click('button:text("Sluitingsdag toevoegen")');
    await expect(page.locator('.error-summary a[href="#day"]').count()).resolves.toBe(1);
    await expect(page.locator('#reason').inputValue()).resolves.toBe('Oudejaarsdag');
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => {
      (document.querySelector('#day') as HTMLInputElement).type = 'text';
    });
    await page.fill('#day', day);
    await page.click('button:text("Sluitingsdag toevoegen")');
    await page.waitForURL(/gelukt=gesloten/);
    const closures = (await t.http.get('/api/v1/calendar/closures').set(secretariat.auth).expect(200)).body.data;
    expect(closures).toContainEqual(expect.objectContaining({ day, reason: 'Oudejaarsdag' }));
    await expect(page.locator('table').first().textContent()).resolves.toContain(day === '2027-12-24' ? '24 december 2027' : '31 december 2027');
  }, JOURNEY_MS);

  it.each(['/secretariaat/toegangsverzoeken', '/secretariaat/aanmelddomeinen', '/secretariaat/mails', '/secretariaat/kennishiaten', '/secretariaat/audit', '/secretariaat/audit?from=gisteren', '/reports/quarterly', '/reports/quarterly?year=2026&quarter=4'])('%s: accessible, no sideways scroll at 320 px', async (path) => {
    await signInBrowser(t, page, secretariat.user.id);
    // A search that found nothing, so the gaps page has a row with its keuze choice and button.
    await t.http.get('/api/v1/articles?q=fietsenstalling').expect(200);
    const res = await page.goto(`${t.baseUrl}${path}`);
    expect(res?.status()).toBe(path.includes('gisteren') ? 400 : 200);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);
});
