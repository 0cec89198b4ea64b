/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import type { Browser, Page } from 'playwright-core';
import { TestSmtp, sentTo, startSmtp } from '../support/smtp.js';
import { TestUser, signInAs } from '../support/auth.js';
import { BrowserApp, expectAccessiblePage, expectNoAxeViolations, expectNoHorizontalScroll, launchBrowser, openPage, startBrowserApp } from './support.js';

/** Room for a loaded machine: a journey drives a real browser through several pages (about 10 s idle). */
const JOURNEY_MS = 120_000;

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('pages in Chromium, %s (browser)', (_name, javaScriptEnabled) => {
  let t: BrowserApp;
  let smtp: TestSmtp;
  let browser: Browser;
  let secretariat: TestUser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    smtp = await startSmtp();
    t = await startBrowserApp({ SMTP_URL: smtp.url, STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    secretariat = await signInAs(t, { roles: ['secretariat'], email: 'secretariaat@ienw-test.nl' });
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

  it('the checks can fail: axe reports a nameless image, and a 400 px wide block scrolls at 320 px', async () => {
    // A page only this browser context sees, at an address of the real server.
    await page.context().route(`${t.baseUrl}/axe-probe`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="nl"><head><title>Proef</title></head><body><main><h1>Proef</h1><img src="/x.png"><div style="width:400px">breed</div></main></body></html>',
      }),
    );
    await page.goto(`${t.baseUrl}/axe-probe`);
    await expect(expectNoAxeViolations(page)).rejects.toThrow(/image-alt/);
    await expect(expectNoHorizontalScroll(page)).rejects.toThrow(/toBeLessThanOrEqual/);
  }, JOURNEY_MS);

  it('the start page: accessible, and the skip link moves focus to the main content', async () => {
    const res = await page.goto(`${t.baseUrl}/`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Vraagbaak WBS');
    await expectAccessiblePage(page);

    // The first Tab reaches the skip link; Enter follows it and focus lands on <main>.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Direct naar de inhoud');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#inhoud$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inhoud');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
  }, JOURNEY_MS);

  it('the 404 page for an unknown address', async () => {
    const res = await page.goto(`${t.baseUrl}/bestaat-niet`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Deze pagina bestaat niet');
    await expectAccessiblePage(page);
  }, JOURNEY_MS);

  it('the 401 page: sign in by mail and land on the page asked for', async () => {
    const target = '/reports/evaluation?from=2026-01-01&to=2026-03-31';
    const res = await page.goto(`${t.baseUrl}${target}`);
    expect(res?.status()).toBe(401);
    expect(await page.textContent('h1')).toBe('Log in om verder te gaan');
    await expectAccessiblePage(page);

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByLabel(/e-mail/i).fill(secretariat.user.email);
    await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"], main form input[type="submit"]').first().click()]);
    expect(await page.textContent('h1')).toBe('Kijk in uw mail');
    expect(await page.textContent('main')).toContain(secretariat.user.email);
    await expectAccessiblePage(page);

    // The mailed link points at PUBLIC_URL; open the same path and query on this server.
    const mail = await smtp.waitFor(sentTo(secretariat.user.email));
    const link = mail.text?.match(/https?:\/\/\S+\/auth\/callback\?\S+/)?.[0];
    expect(link).toBeDefined();
    const mailed = new URL(link!);
    expect(mailed.searchParams.get('next')).toBe(target);
    const callback = await page.goto(`${t.baseUrl}${mailed.pathname}${mailed.search}`);
    expect(callback?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Inloggen');
    await expectAccessiblePage(page);
    await page.setViewportSize({ width: 1280, height: 800 });

    await Promise.all([page.waitForURL(`${t.baseUrl}${target}`), page.getByRole('button', { name: 'Inloggen' }).click()]);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(target);
    const report = await page.reload();
    expect(report?.status()).toBe(200);
    expect(report?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.textContent('h1')).toBe('Evaluatierapport');
    await expectAccessiblePage(page);
  }, JOURNEY_MS);
});
