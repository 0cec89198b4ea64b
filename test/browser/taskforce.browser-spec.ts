/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { currentTotp, newTotpSecret } from '../../src/accounts/totp.js';
import { User } from '../../src/accounts/user.entity.js';
import { Clock } from '../../src/common/clock.js';
import { Database } from '../../src/infra/database/database.service.js';
import { AppSecrets } from '../../src/infra/secrets.js';
import { TestUser, signInAs } from '../support/auth.js';
import { publishArticle } from '../support/articles.js';
import { TestSmtp, sentTo, startSmtp } from '../support/smtp.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, signInBrowser, startBrowserApp } from './support.js';

/** Every page of the journey (see expectAccessiblePage), then back to desktop width for the next steps. */
async function expectAccessible(page: Page) {
  await expectAccessiblePage(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Room for a loaded machine: a journey drives a real browser through several pages. */
const JOURNEY_MS = 300_000;

/** Clicks a submit button and waits for the page the form leads to. */
async function submit(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: typeof name === 'string' }).first().click()]);
}

/** Follows a link by keyboard: focus it, press Enter. */
async function follow(page: Page, name: string | RegExp) {
  const link = page.getByRole('link', { name }).first();
  await link.focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

const status = (page: Page) => page.locator('.utrecht-alert[role="status"]').first().innerText();

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('the taskforce at work in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let smtp: TestSmtp;
  let browser: Browser;
  let expert: TestUser;
  let otherExpert: TestUser;
  let coordinator: TestUser;
  let requester: TestUser;
  let secret: string;
  let articleId: string;
  let page: Page;
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  async function ask(title: string, body: string, keuzeIds: number[]): Promise<string> {
    const asked = await t.http.post('/api/v1/questions').set(requester.auth).send({ title, body, keuzeIds }).expect(201);
    await t.drain();
    return asked.body.id;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    smtp = await startSmtp();
    // Staff sign in with a second factor (STAFF_MFA is on by default).
    t = await startBrowserApp({ SMTP_URL: smtp.url, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: 'Eva Expert', email: `eva-${tag}@ienw-test.nl` });
    otherExpert = await signInAs(t, { roles: ['expert'], keuzeIds: [30], capacity: 10, displayName: 'Otto Overig' });
    coordinator = await signInAs(t, { roles: ['coordinator'], displayName: 'Cor Coördinator' });
    requester = await signInAs(t, { roles: ['requester'], displayName: 'Jan de Vries' });
    articleId = await publishArticle(t, otherExpert, secretariat, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij woningen bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
    // Eva has set up her authenticator app already.
    secret = newTotpSecret();
    await t.app.get(Database).manager.update(User, { id: expert.user.id }, { totpSecret: t.app.get(AppSecrets).encrypt(secret), totpEnabledAt: t.app.get(Clock).now() });
  }, JOURNEY_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  }, JOURNEY_MS);
  beforeEach(async () => {
    page = await openPage(browser, { javaScriptEnabled });
  });
  afterEach(async () => {
    await page?.context().close();
  });

  it('an expert signs in with a second factor, accepts, asks for clarification, answers with an article link and makes an article of it', async () => {
    const questionId = await ask(`Bouwen in de polder (${tag})`, 'Ik ben Jan de Vries, bereikbaar op 06-12345678. Mogen wij bouwen in de polder?', [21]);

    // Signing in: the work list asks for it, the mailed link and the code from the app bring her back.
    const first = await page.goto(`${t.baseUrl}/werkvoorraad`);
    expect(first?.status()).toBe(401);
    await page.getByLabel(/e-mail/i).fill(expert.user.email);
    await submit(page, 'Stuur mij een inloglink');
    // Her first mail was the assignment; the sign-in link comes next.
    const mail = await smtp.waitFor((m) => sentTo(expert.user.email)(m) && !!m.text?.includes('/auth/callback?token='));
    const mailed = new URL(mail.text!.match(/https?:\/\/\S+\/auth\/callback\?\S+/)![0]);
    await page.goto(`${t.baseUrl}${mailed.pathname}${mailed.search}`);
    await page.getByLabel('Code uit uw authenticator-app').fill(currentTotp(secret, t.app.get(Clock).now()));
    await Promise.all([page.waitForURL(`${t.baseUrl}/werkvoorraad`), page.getByRole('button', { name: 'Inloggen' }).click()]);

    // The work list: the new question with its accept deadline and clock in words.
    expect(await page.textContent('h1')).toBe('Werkvoorraad');
    expect(await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: /^Werkvoorraad \(\d+\)$/ }).count()).toBe(1);
    const item = page.locator('.work-item', { hasText: `Bouwen in de polder (${tag})` });
    expect(await item.innerText()).toMatch(/Accepteren vóór/);
    expect(await item.innerText()).toMatch(/Op tijd: nog [\d,]+ werkdag/);
    await expectAccessible(page);
    // Filtering is a plain GET form.
    await page.getByLabel('Soort').selectOption('nieuw');
    await submit(page, 'Toon');
    expect(page.url()).toContain('groep=nieuw');
    await follow(page, new RegExp(`Bouwen in de polder \\(${tag}\\)`));

    // Accept, then ask the requester something.
    expect(await page.textContent('h1')).toBe(`Bouwen in de polder (${tag})`);
    await expectAccessible(page);
    await submit(page, 'In behandeling nemen');
    expect(await status(page)).toContain('U hebt de vraag in behandeling genomen.');
    await page.getByLabel('Verduidelijking vragen').fill('Om welke polder gaat het?');
    await submit(page, 'Vraag stellen aan de vraagsteller');
    expect(await status(page)).toContain('Uw vraag om verduidelijking is verstuurd.');
    await t.http.post(`/api/v1/questions/${questionId}/messages`).set(requester.auth).send({ body: 'De Zuidplaspolder.' }).expect(200);
    await page.reload();

    // The answer: a link to an article found on the page, a preview, then send.
    await page.getByLabel('Antwoord', { exact: true }).fill('Beste Jan de Vries, kies een **hoge** locatie.');
    await page.getByLabel('Zoek een artikel in de kennisbank').fill('bodemdaling');
    await submit(page, 'Zoek artikel');
    await submit(page, 'Link invoegen');
    const draft = await page.getByLabel('Antwoord', { exact: true }).inputValue();
    expect(draft).toContain(`[Woningbouw bij bodemdaling](/kennisbank/${articleId})`);
    await submit(page, 'Voorbeeld');
    expect(await page.locator('.preview strong').innerText()).toBe('hoge');
    expect(await page.locator('.preview a').getAttribute('href')).toBe(`/kennisbank/${articleId}`);
    await expectAccessible(page);
    await submit(page, 'Antwoord versturen');
    expect(await status(page)).toContain('Uw antwoord is verstuurd.');
    const q = (await t.http.get(`/api/v1/questions/${questionId}`).set(coordinator.auth).expect(200)).body;
    expect(q.timeline.find((e: { type: string }) => e.type === 'answered').details).toEqual({ articleIds: [articleId] });

    // The article: a draft with the personal data the anonymiser removed.
    await submit(page, 'Maak kennisartikel');
    expect(await page.textContent('h1')).toBe('Artikel bewerken');
    const removed = await page.locator('.removed-table tbody').innerText();
    expect(removed).toMatch(/naam\s+Jan de Vries\s+\[naam\]/);
    expect(removed).toMatch(/telefoonnummer\s+06-12345678\s+\[telefoonnummer\]/);
    await expectAccessible(page);
  }, JOURNEY_MS);

  it('a coordinator assigns an unroutable question from /triage and sets its priority', async () => {
    const questionId = await ask(`Vraag zonder expert (${tag})`, 'Hoe zit het met de grondwaterstand?', [5]);
    await signInBrowser(t, page, coordinator.user.id);
    await page.goto(`${t.baseUrl}/`);
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: /^Triage \(\d+\)$/ });
    await nav.focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).toBe('Triage');
    expect(await page.locator('.work-item', { hasText: `Vraag zonder expert (${tag})` }).innerText()).toContain('Geen passende expert gevonden');
    await expectAccessible(page);
    await follow(page, new RegExp(`Vraag zonder expert \\(${tag}\\)`));
    expect(await page.locator('.routing-note').innerText()).toContain('meeste overeenkomende keuzes');
    await expectAccessible(page);

    // Assign: nothing chosen first (kept, explained), then Otto.
    await submit(page, 'Toewijzen');
    expect(await page.locator('.error-summary').innerText()).toContain('Expert: kies een expert uit de lijst');
    await expectAccessible(page);
    await page.getByLabel('Otto Overig').check();
    await submit(page, 'Toewijzen');
    expect(await status(page)).toContain('De vraag is toegewezen.');
    await page.getByLabel('Spoed (kortere termijnen)').check();
    await submit(page, 'Prioriteit opslaan');
    expect(await status(page)).toContain('De prioriteit is aangepast.');
    const q = (await t.http.get(`/api/v1/questions/${questionId}`).set(coordinator.auth).expect(200)).body;
    expect(q).toMatchObject({ status: 'assigned', priority: 'urgent', assignee: { id: otherExpert.user.id } });
  }, JOURNEY_MS);

  it('two staff change the same question: the second sees what changed and keeps the text typed', async () => {
    const questionId = await ask(`Vraag voor twee (${tag})`, 'Wie is er eerst?', [22]);
    await t.http.post(`/api/v1/questions/${questionId}/accept`).set(expert.auth).send({}).expect(200);
    await signInBrowser(t, page, expert.user.id);
    const coordinatorPage = await openPage(browser, { javaScriptEnabled });
    try {
      await signInBrowser(t, coordinatorPage, coordinator.user.id);
      await coordinatorPage.goto(`${t.baseUrl}/vragen/${questionId}`);
      await page.goto(`${t.baseUrl}/vragen/${questionId}`);
      // Eva sees that Cor has the question open.
      expect(await page.locator('.viewers').innerText()).toMatch(/Cor Coördinator bekeek deze vraag (zojuist|1 minuut geleden)/);
      await page.getByLabel('Antwoord', { exact: true }).fill('Mijn zorgvuldige antwoord.');
      // Meanwhile Cor makes it urgent.
      await coordinatorPage.getByLabel('Spoed (kortere termijnen)').check();
      await submit(coordinatorPage, 'Prioriteit opslaan');
      expect(await status(coordinatorPage)).toContain('De prioriteit is aangepast.');

      await submit(page, 'Antwoord versturen');
      expect(await page.locator('#wijzigingen').innerText()).toBe('Iemand anders was u voor');
      expect(await page.locator('.changes').innerText()).toContain('Prioriteit gewijzigd (Cor Coördinator)');
      expect(await page.getByLabel('Antwoord', { exact: true }).inputValue()).toBe('Mijn zorgvuldige antwoord.');
      await expectAccessible(page);
      await submit(page, 'Antwoord versturen');
      expect(await status(page)).toContain('Uw antwoord is verstuurd.');
    } finally {
      await coordinatorPage.context().close();
    }
  }, JOURNEY_MS);
});
