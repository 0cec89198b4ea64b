/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AuthService } from '../../src/accounts/auth.service.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/accounts/access.guard.js';
import { Clock } from '../../src/common/clock.js';
import { Database } from '../../src/infra/database/database.service.js';
import { AppSecrets } from '../../src/infra/secrets.js';
import { TestApp, startTestApp } from '../support/test-app.js';

/** Debian's chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Pages opened with JavaScript off (Playwright cannot be asked afterwards). */
const javaScriptOff = new WeakSet<Page>();
const javaScriptEnabledOf = (page: Page) => !javaScriptOff.has(page);

/** Launches the one chromium of a test file; fails loudly (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM}: run \`apt-get install chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

export interface BrowserApp extends TestApp {
  /** http://127.0.0.1:<port>, where the app listens for the browser. */
  baseUrl: string;
}

/** The real app (test/support/test-app.ts), listening on a free port on 127.0.0.1. */
export async function startBrowserApp(env: Record<string, string> = {}): Promise<BrowserApp> {
  const t = await startTestApp(env);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return Object.assign(t, { baseUrl: `http://127.0.0.1:${port}` });
}

/**
 * A new page in its own context (own cookies), with JavaScript on or off. The page keeps its
 * real CSP: axe-core goes in through the DevTools protocol (page.evaluate), which neither the
 * CSP nor turning JavaScript off blocks.
 */
export async function openPage(browser: Browser, options: { javaScriptEnabled: boolean; width?: number }): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled,
    viewport: { width: options.width ?? 1280, height: 800 },
    locale: 'nl-NL',
  });
  const page = await context.newPage();
  if (!options.javaScriptEnabled) javaScriptOff.add(page);
  return page;
}

/**
 * Signs the page's browser context in as `userId` with a cookie session, as the mailed link's
 * callback would (session and CSRF cookies), without the mail round-trip that
 * pages.browser-spec.ts drives through the real pages.
 */
export async function signInBrowser(t: BrowserApp, page: Page, userId: string): Promise<void> {
  const { session, sessionToken } = await t.app
    .get(Database)
    .transaction((m) => t.app.get(AuthService).startSession(m, userId, 'cookie', true, '127.0.0.1', t.app.get(Clock).now()));
  await page.context().addCookies([
    { name: SESSION_COOKIE, value: sessionToken, url: t.baseUrl, httpOnly: true, sameSite: 'Lax' },
    { name: CSRF_COOKIE, value: t.app.get(AppSecrets).csrfToken(session.tokenHash), url: t.baseUrl, sameSite: 'Lax' },
  ]);
}

/** What every page shares, as the browser sees it: Dutch, one h1, no WCAG 2.1 A/AA violation, reflow at 320 px. */
export async function expectAccessiblePage(page: Page): Promise<void> {
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  await expect(page.locator('h1').count()).resolves.toBe(1);
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await expectNoAxeViolations(page);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core's WCAG 2.1 A + AA rules on the page and fails with every violation listed.
 *
 * With JavaScript off Chromium fires no timers, and axe.run waits on them, so for such a page
 * axe runs on a twin: the DOM exactly as the JavaScript-off page shows it, served at the same
 * address (so styles load from the real server) in a JavaScript-on context whose CSP
 * (script-src 'none') keeps every page script from running; only axe, injected through the
 * DevTools protocol, runs.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const target = javaScriptEnabledOf(page) ? page : await twinWithScriptsOff(page);
  try {
    const violations = await runAxe(target);
    const listed = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n')}`);
    expect(listed).toEqual([]);
  } finally {
    if (target !== page) await target.context().close();
  }
}

async function twinWithScriptsOff(page: Page): Promise<Page> {
  const html = await page.content();
  const url = page.url();
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: true, viewport, locale: 'nl-NL' });
  const address = url.split('#')[0];
  await context.route((u) => u.href.split('#')[0] === address, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': "script-src 'none'" }, body: html }),
  );
  const twin = await context.newPage();
  await twin.goto(url);
  return twin;
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** At a 320 px wide viewport (WCAG 1.4.10 reflow) the page scrolls only vertically. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(320);
}
