/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { TestUser, signInAs } from '../support/auth.js';
import { BrowserApp, expectAccessiblePage, launchBrowser, openPage, startBrowserApp } from './support.js';
import { publishArticle } from '../support/articles.js';

/** Room for a loaded machine: a journey drives a real browser through several pages. */
const JOURNEY_MS = 120_000;
const HOSTILE = '<img src=x onerror="document.title=1">';

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('start, theme and keuze pages in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let browser: Browser;
  let expert: TestUser;
  let secretariat: TestUser;
  let page: Page;
  const ids: Record<string, string> = {};

  const publish = (body: object) => publishArticle(t, expert, secretariat, { question: 'Hoe doen wij dat?', answer: 'Zo doet u dat.', ...body });

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startBrowserApp({ STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    expert = await signInAs(t, { roles: ['expert'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    ids.peil = await publish({ title: 'Peilbeheer in veenweidegebieden', keuzeIds: [25], answer: 'Zie [de handreiking](https://example.org/handreiking-peilbeheer).' });
    ids.hostile = await publish({ title: `Veenoxidatie ${HOSTILE} en een heel lang woord: grondwaterstandsverhogingsmaatregelenpakketten`, keuzeIds: [25, 26] });
    await t.http.get(`/api/v1/articles/${ids.hostile}`).expect(200); // opened once: the start page lists it as most read
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

  it('the start page: accessible, with the themes, keuzes and both article lists', async () => {
    const res = await page.goto(`${t.baseUrl}/`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Vraagbaak WBS');
    await expect(page.locator('a[href^="/themas/"]').count()).resolves.toBe(8);
    await expect(page.locator('a[href^="/keuzes/"]').count()).resolves.toBe(33);
    await expect(page.locator('section[aria-labelledby="meest-gelezen-title"] a').allTextContents()).resolves.toEqual([expect.stringContaining(HOSTILE)]);
    expect(await page.title()).not.toBe('1');
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it.each([
    ['/themas/6', 'Thema: Laagveengebieden'],
    ['/themas/3', 'Thema: Ruimte voor water'],
    ['/keuzes/25', 'Keuze 25: Grondwaterstand verhogen om bodemdaling en veenoxidatie te voorkomen'],
    ['/keuzes/12', 'Keuze 12: Bevorderen biodiversiteit bij dijken'],
  ])('%s: accessible', async (path, heading) => {
    expect((await page.goto(`${t.baseUrl}${path}`))?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe(heading);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('an unknown keuze is an accessible 404 page', async () => {
    expect((await page.goto(`${t.baseUrl}/keuzes/34`))?.status()).toBe(404);
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('anonymous journey: start → theme → keuze → article, which prints without the site around it', async () => {
    await page.goto(`${t.baseUrl}/`);
    await Promise.all([page.waitForURL(`${t.baseUrl}/themas/6`), page.getByRole('link', { name: 'Laagveengebieden', exact: true }).click()]);
    expect(await page.textContent('h1')).toBe('Thema: Laagveengebieden');
    await Promise.all([page.waitForURL(`${t.baseUrl}/keuzes/25`), page.locator('main a[href="/keuzes/25"]').click()]);
    expect(await page.textContent('h1')).toMatch(/^Keuze 25: /);
    await Promise.all([page.waitForURL(`${t.baseUrl}/kennisbank/${ids.peil}`), page.getByRole('link', { name: 'Peilbeheer in veenweidegebieden' }).click()]);
    expect(await page.textContent('h1')).toBe('Peilbeheer in veenweidegebieden');

    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('.site-header')).toBe(false);
    expect(await page.isVisible('.site-footer')).toBe(false);
    expect(await page.isVisible('h1')).toBe(true);
    const linkAfter = await page.evaluate(() => getComputedStyle(document.querySelector('.article-answer a')!, '::after').content);
    expect(linkAfter).toContain('https://example.org/handreiking-peilbeheer');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.isVisible('.site-header')).toBe(true);
  }, JOURNEY_MS);
});
