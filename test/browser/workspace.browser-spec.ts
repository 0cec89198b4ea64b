/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { currentTotp } from '../../src/accounts/totp.js';
import { Clock, amsterdamDay, shiftDay } from '../../src/common/clock.js';
import { TestUser, signInAs } from '../support/auth.js';
import { publishArticle } from '../support/articles.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, signInBrowser, startBrowserApp } from './support.js';

/** Every page of the journey (see expectAccessiblePage), then back to desktop width for the next steps. */
async function expectAccessible(page: Page) {
  await expectAccessiblePage(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Room for a loaded machine: a journey drives a real browser through several pages. */
const JOURNEY_MS = 240_000;

/** Clicks a submit button and waits for the page the form leads to. */
async function submit(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

/** Follows a link of the main navigation, by keyboard: focus it, press Enter. */
async function navigate(page: Page, name: string) {
  const link = page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name, exact: true });
  await link.focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

const status = (page: Page) => page.locator('.utrecht-alert [role="status"], .utrecht-alert[role="status"]').innerText();

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('the taskforce workspace in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let browser: Browser;
  let expert: TestUser;
  let requester: TestUser;
  let related: string;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startBrowserApp({ STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    const author = await signInAs(t, { roles: ['expert'] });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    related = await publishArticle(t, author, secretariat, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij woningen bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: 'Eva Expert' });
    requester = await signInAs(t, { roles: ['requester'], displayName: 'Jan de Vries' });
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

  it('an expert adds and removes an absence, switches the mail preference, sets up a second factor, creates and revokes a token', async () => {
    const user = await signInAs(t, { roles: ['expert'], keuzeIds: [25], displayName: 'Piet Profiel' });
    await signInBrowser(t, page, user.user.id);
    await page.goto(`${t.baseUrl}/`);
    await navigate(page, 'Profiel');
    expect(page.url()).toBe(`${t.baseUrl}/profiel`);
    expect(await page.textContent('h1')).toBe('Mijn profiel');
    await expectAccessible(page);

    // Absence: a mistake first (the last day before the first), kept and explained; then right.
    const start = shiftDay(amsterdamDay(t.app.get(Clock).now()), 14);
    await page.getByLabel('Eerste dag').fill(start);
    await page.getByLabel('Laatste dag').fill(shiftDay(start, -2));
    await page.getByLabel('Toelichting (optioneel)').fill('Vakantie');
    await submit(page, 'Afwezigheid opslaan');
    expect(await page.locator('.error-summary').innerText()).toContain('Laatste dag: mag niet voor de eerste dag liggen');
    expect(await page.getByLabel('Toelichting (optioneel)').inputValue()).toBe('Vakantie');
    await expectAccessible(page);
    await page.getByLabel('Laatste dag').fill(shiftDay(start, 4));
    await submit(page, 'Afwezigheid opslaan');
    expect(await status(page)).toContain('Uw afwezigheid is opgeslagen.');
    const absence = page.locator('#afwezigheid ~ ul li').first();
    expect(await absence.innerText()).toMatch(/\d{1,2} [a-z]+ \d{4} tot en met \d{1,2} [a-z]+ \d{4}/);
    await expectAccessible(page);
    await submit(page, /^Verwijder de afwezigheid van/);
    expect(await status(page)).toContain('De afwezigheid is verwijderd.');
    expect(await page.locator('#afwezigheid ~ p', { hasText: 'U hebt geen afwezigheid gepland.' }).count()).toBe(1);

    // Mail preference.
    await page.getByLabel('Eén overzicht per dag').check();
    await submit(page, 'Voorkeur opslaan');
    expect(await status(page)).toContain('Uw e-mailvoorkeur is opgeslagen.');
    expect(await page.getByLabel('Eén overzicht per dag').isChecked()).toBe(true);

    // Second factor: the key as text (and a QR code), a code computed from it, recovery codes once.
    await submit(page, 'Tweede factor instellen');
    expect(await page.textContent('h1')).toBe('Tweede factor instellen');
    expect(await page.getByRole('img', { name: /QR-code/ }).count()).toBe(1);
    await expectAccessible(page);
    const secret = (await page.locator('[data-totp-secret]').innerText()).trim();
    await page.getByLabel('Code uit de app').fill(currentTotp(secret, t.app.get(Clock).now()));
    await submit(page, 'Bevestigen');
    expect(await page.textContent('h1')).toBe('Tweede factor ingesteld');
    expect(await page.locator('.recovery-codes li').count()).toBe(10);
    await expectAccessible(page);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Verder' }).click()]);
    expect(await page.locator('#tweede-factor ~ p').first().innerText()).toContain('ingesteld');

    // A token: shown once, then only its first characters; revoked.
    await page.getByLabel('Naam van het token').fill('Koppeling zaaksysteem');
    await submit(page, 'Token maken');
    expect(await page.textContent('h1')).toBe('Token gemaakt');
    const token = (await page.locator('[data-api-token]').innerText()).trim();
    expect(token).toMatch(/^vbp_/);
    await expectAccessible(page);
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Terug naar mijn profiel' }).click()]);
    expect(await page.content()).not.toContain(token);
    await submit(page, /^Intrekken\s*: Koppeling zaaksysteem$/);
    expect(await status(page)).toContain('Het token is ingetrokken');
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    await expectAccessible(page);
  }, JOURNEY_MS);

  it('an expert turns an answer into an article, sees the removed personal data, edits, sees the version diff and submits it', async () => {
    const asked = await t.http
      .post('/api/v1/questions')
      .set(requester.auth)
      .send({ title: `Bouwen in de polder (${javaScriptEnabled ? 'js' : 'nojs'})`, body: 'Ik ben Jan de Vries, bereikbaar op 06-12345678. Mogen wij bouwen?', keuzeIds: [21] })
      .expect(201);
    const questionId = asked.body.id;
    await t.drain();
    await t.http.post(`/api/v1/questions/${questionId}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`/api/v1/questions/${questionId}/answer`).set(expert.auth).send({ body: 'Beste Jan de Vries, kies een hoge locatie.' }).expect(200);

    await signInBrowser(t, page, expert.user.id);
    await page.goto(`${t.baseUrl}/vragen/${questionId}`);
    await submit(page, 'Maak kennisartikel');
    expect(page.url()).toMatch(/\/artikelen\/[0-9a-f-]{36}\/bewerken\?gelukt=concept$/);
    expect(await page.textContent('h1')).toBe('Artikel bewerken');
    const removed = await page.locator('.removed-table tbody').innerText();
    expect(removed).toMatch(/naam\s+Jan de Vries\s+\[naam\]/);
    expect(removed).toMatch(/telefoonnummer\s+06-12345678\s+\[telefoonnummer\]/);
    expect(await page.locator('.marked-text mark.placeholder').count()).toBeGreaterThanOrEqual(2);
    await expectAccessible(page);

    // Edit: keep the placeholders, add words and a related article; an empty title first.
    await page.getByLabel('Titel').fill('');
    await submit(page, 'Opslaan');
    expect(await page.locator('.error-summary').innerText()).toContain('Titel: mag niet leeg zijn');
    await expectAccessible(page);
    await page.getByLabel('Titel').fill('Bouwen in een polder');
    await page.getByLabel('Antwoord', { exact: true }).fill('Kies een hoge en droge locatie.');
    await page.getByLabel('Verwant artikel toevoegen (optioneel)').fill(`${t.baseUrl}/kennisbank/${related}`);
    await submit(page, 'Opslaan');
    expect(await status(page)).toContain('opgeslagen als nieuwe versie');
    expect(await page.textContent('h1')).toBe('Bouwen in een polder');
    const diff = page.locator('dl.diff');
    expect(await diff.locator('ins').first().innerText()).toContain('toegevoegd');
    expect(await diff.locator('del').first().innerText()).toContain('verwijderd');
    expect(await diff.innerText()).toContain('droge');
    await expectAccessible(page);

    // Submit for review, by keyboard.
    await page.getByRole('button', { name: 'Ter beoordeling aanbieden' }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await status(page)).toContain('ter beoordeling aangeboden');
    expect(await page.locator('.question-meta').innerText()).toContain('ter beoordeling');

    // The list, filtered by the tab.
    await navigate(page, 'Artikelen');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Ter beoordeling', exact: true }).click()]);
    expect(await page.getByRole('link', { name: 'Bouwen in een polder' }).count()).toBe(1);
    await expectAccessible(page);
  }, JOURNEY_MS);
});
