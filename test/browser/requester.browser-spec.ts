/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { TestSmtp, sentTo, startSmtp } from '../support/smtp.js';
import { TestUser, signInAs } from '../support/auth.js';
import { publishArticle } from '../support/articles.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, startBrowserApp } from './support.js';

/** Every page of the journey (see expectAccessiblePage), then back to desktop width for the next steps. */
async function expectAccessible(page: Page) {
  await expectAccessiblePage(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Room for a loaded machine: a journey drives a real browser through several pages. */
const JOURNEY_MS = 180_000;

/** Clicks a submit button and waits for the page the form leads to. */
async function submit(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('the requester desk in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let smtp: TestSmtp;
  let browser: Browser;
  let expert: TestUser;
  let page: Page;

  /** Signs in the way a person does: the 401 page of `target`, the mailed link, the button; lands on `target`. */
  async function signIn(email: string, target: string) {
    const res = await page.goto(`${t.baseUrl}${target}`);
    expect(res?.status()).toBe(401);
    await page.getByLabel(/e-mail/i).fill(email);
    await submit(page, 'Stuur mij een inloglink');
    // The sign-in mail, not a mail about a question.
    const mail = await smtp.waitFor((m) => sentTo(email)(m) && (m.text ?? '').includes('/auth/callback'));
    const link = new URL(mail.text!.match(/https?:\/\/\S+\/auth\/callback\?\S+/)![0]);
    await page.goto(`${t.baseUrl}${link.pathname}${link.search}`);
    await Promise.all([page.waitForURL(`${t.baseUrl}${target}`), page.getByRole('button', { name: 'Inloggen' }).click()]);
  }

  /**
   * Signs in from the start page, as a person who has never been sent a link does: Inloggen in
   * the navigation, /inloggen, the mailed link, the button; lands on the signed-in page.
   */
  async function signInFromStart(email: string) {
    await page.goto(`${t.baseUrl}/`);
    await Promise.all([page.waitForURL(`${t.baseUrl}/inloggen`), page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Inloggen' }).click()]);
    await expectAccessible(page);
    await page.getByLabel(/e-mail/i).fill(email);
    await submit(page, 'Stuur mij een inloglink');
    expect(await page.textContent('h1')).toBe('Kijk in uw mail');
    const mail = await smtp.waitFor((m) => sentTo(email)(m) && (m.text ?? '').includes('/auth/callback'));
    const link = new URL(mail.text!.match(/https?:\/\/\S+\/auth\/callback\?\S+/)![0]);
    await page.goto(`${t.baseUrl}${link.pathname}${link.search}`);
    await Promise.all([page.waitForURL(`${t.baseUrl}/auth/signed-in`), page.getByRole('button', { name: 'Inloggen' }).click()]);
    await expectAccessible(page);
    // The header names who is signed in and their role.
    expect(await page.textContent('.site-user')).toMatch(/Ingelogd als\s+Vera Vrager\s+\(vraagsteller\)/);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    smtp = await startSmtp();
    t = await startBrowserApp({ SMTP_URL: smtp.url, STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    const author = await signInAs(t, { roles: ['expert'] });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    await publishArticle(t, author, secretariat, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij woningen bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: 'Eva Expert' });
  }, JOURNEY_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    page = await openPage(browser, { javaScriptEnabled });
  });
  afterEach(async () => {
    await page?.context().close();
  });

  it('asks a question after seeing the suggestions, finds it in Mijn vragen, reads the answer, confirms and rates', async () => {
    const email = `vrager-${javaScriptEnabled ? 'js' : 'nojs'}@gemeente-test.nl`;
    await signInAs(t, { roles: ['requester'], email, displayName: 'Vera Vrager' });
    await signInFromStart(email);
    await Promise.all([page.waitForURL(`${t.baseUrl}/vragen/nieuw`), page.getByRole('link', { name: 'Stel een vraag aan de taskforce' }).click()]);
    expect(await page.textContent('h1')).toBe('Stel een vraag');
    await expectAccessible(page);

    await page.getByLabel('Titel van uw vraag').fill('Bouwen bij bodemdaling');
    await page.getByLabel('Uw vraag', { exact: true }).fill('Mogen wij woningen bouwen in een polder met bodemdaling?');
    if (javaScriptEnabled) {
      // Live, while typing: the suggestion appears on this very page.
      await expect(page.locator('[data-suggestions-results] a', { hasText: 'Woningbouw bij bodemdaling' }).waitFor()).resolves.toBeUndefined();
      await expectAccessible(page);
    } else {
      expect(await page.locator('[data-suggestions-results] a').count()).toBe(0);
    }
    await submit(page, 'Verder');

    // Step 2, with and without JavaScript: the suggestions before the final submit, the draft carried along.
    expect(await page.textContent('h1')).toBe('Stel een vraag');
    const suggestion = page.locator('#suggesties a', { hasText: 'Woningbouw bij bodemdaling' });
    expect(await suggestion.getAttribute('href')).toMatch(/^\/kennisbank\/[0-9a-f-]{36}\?suggestie=[0-9a-f-]{36}$/);
    expect(await page.getByLabel('Titel van uw vraag').inputValue()).toBe('Bouwen bij bodemdaling');
    await expectAccessible(page);
    if (javaScriptEnabled) {
      await page.getByLabel('Zoek een keuze').fill('grondwater');
      const visible = await page.locator('[data-keuze]:visible').count();
      expect(visible).toBeGreaterThan(0);
      expect(visible).toBeLessThan(33);
      await page.getByLabel('Zoek een keuze').fill('');
      // Editing the draft asks again; the form then submits the newest suggestion id.
      const shown = await page.locator('[data-suggestion-id]').inputValue();
      await page.getByLabel('Uw vraag', { exact: true }).fill('Mogen wij woningen bouwen in een polder met bodemdaling en veen?');
      await page.waitForFunction((old) => (document.querySelector('[data-suggestion-id]') as HTMLInputElement).value !== old, shown);
    } else {
      expect(await page.locator('[data-keuze-filter]').isVisible()).toBe(false);
    }
    // Without a keuze the form comes back with a linked error summary.
    await submit(page, 'Vraag versturen');
    expect(await page.locator('.error-summary a[href="#keuzes"]').count()).toBe(1);
    // With scripts the summary takes the focus; without, it is announced as an alert.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary') ?? false)).toBe(javaScriptEnabled);
    expect(await page.getByLabel('Titel van uw vraag').inputValue()).toBe('Bouwen bij bodemdaling');
    await expectAccessible(page);
    await page.locator('#keuze-21').check();
    await submit(page, 'Vraag versturen');

    expect(await page.textContent('h1')).toBe('Uw vraag is verstuurd');
    const reference = (await page.textContent('.reference'))!;
    expect(reference).toMatch(/^WBS-\d{4}-\d{5}$/);
    await expectAccessible(page);

    await page.goto(`${t.baseUrl}/vragen`);
    expect(await page.textContent('h1')).toBe('Mijn vragen');
    const item = page.locator('.question-item', { hasText: reference });
    expect(await item.textContent()).toContain('Bouwen bij bodemdaling');
    await expectAccessible(page);

    // The expert answers through the API.
    await t.drain();
    const id = (await item.locator('a').first().getAttribute('href'))!.split('/')[2];
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'U mag bouwen als de **bodem** het toelaat.\n\n- hoog\n- droog' }).expect(200);

    await page.reload();
    expect(await item.textContent()).toContain('Bevestig of beoordeel het antwoord');
    await Promise.all([page.waitForNavigation(), item.getByRole('link', { name: 'Bevestig of beoordeel het antwoord' }).click()]);
    expect(await page.textContent('.answer strong')).toBe('bodem');
    expect(await page.locator('.answer li').count()).toBe(2);
    await expectAccessible(page);

    await page.locator('#confirm-consent').check();
    await submit(page, 'Bevestigen: mijn vraag is beantwoord');
    expect(await page.textContent('[role="status"]')).toContain('u hebt bevestigd dat uw vraag is beantwoord');
    await page.getByLabel('4', { exact: true }).check();
    await page.getByLabel('Toelichting (optioneel)').fill('Helder antwoord.');
    await submit(page, 'Beoordeling versturen');
    expect(await page.textContent('[role="status"]')).toContain('Bedankt voor uw beoordeling.');
    expect(await page.textContent('main')).toContain('Uw beoordeling: 4 van 5');
    await expectAccessible(page);

    // Signing out (a POST from the header's button) ends the session.
    await Promise.all([page.waitForURL(`${t.baseUrl}/inloggen?uitgelogd`), page.getByRole('button', { name: 'Uitloggen' }).click()]);
    expect(await page.textContent('[role="status"]')).toContain('U bent uitgelogd.');
    expect((await page.goto(`${t.baseUrl}/vragen`))?.status()).toBe(401);
  }, JOURNEY_MS);

  it('a clarification round trip: the expert asks through the API, the requester replies on the page', async () => {
    const email = `verduidelijking-${javaScriptEnabled ? 'js' : 'nojs'}@gemeente-test.nl`;
    const requester = await signInAs(t, { roles: ['requester'], email });
    const created = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Peil in de polder', body: 'Hoe hoog mag het peil?', keuzeIds: [22] }).expect(201);
    await t.drain();
    await t.http.post(`/api/v1/questions/${created.body.id}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`/api/v1/questions/${created.body.id}/clarification-request`).set(expert.auth).send({ message: 'Over welke polder gaat het?' }).expect(200);

    await signIn(email, `/vragen/${created.body.id}`);
    expect(await page.textContent('h1')).toBe('Peil in de polder');
    expect(await page.textContent('main')).toContain('Over welke polder gaat het?');
    expect(await page.textContent('.status-badge')).toBe('Wacht op uw reactie');
    await expectAccessible(page);

    await page.getByLabel('Uw reactie').fill('De Zuidplaspolder.');
    await submit(page, 'Reactie versturen');
    expect(await page.textContent('[role="status"]')).toContain('Uw reactie is verstuurd.');
    expect(await page.textContent('.status-badge')).toBe('In behandeling');
    expect(await page.textContent('.messages')).toContain('De Zuidplaspolder.');
    await expectAccessible(page);
    expect((await t.http.get(`/api/v1/questions/${created.body.id}`).set(expert.auth).expect(200)).body.status).toBe('in_progress');
  }, JOURNEY_MS);
});
