import { EvaluationReportService } from '../src/reports/evaluation-report.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, cookieHeader, cookiesOf, signInAs } from './support/auth.js';
import { TestSmtp, linkToken, sentTo, startSmtp } from './support/smtp.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** The stylesheet, named by its content hash (scripts/build-assets.mjs). */
const STYLESHEET = /<link rel="stylesheet" href="(\/assets\/vraagbaak\.[A-Za-z0-9_-]{10}\.css)">/;

const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern, 'g'))].length;

/** The layout every page shares: Dutch, skip link, landmarks, exactly one h1, our stylesheet. */
function expectLayout(text: string) {
  expect(text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
  expect(text).toMatch(/<a class="skip-link[^"]*" href="#inhoud">/);
  expect(text).toMatch(/<header class="site-header">/);
  expect(text).toMatch(/<main id="inhoud"/);
  expect(text).toMatch(/<footer class="site-footer">/);
  expect(count(text, /<h1[ >]/)).toBe(1);
  expect(text).toMatch(STYLESHEET);
}

describe('pages in the browser (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let requester: TestUser;
  let secretariat: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, STAFF_MFA: 'false' });
    requester = await signInAs(t, { roles: ['requester'] });
    secretariat = await signInAs(t, { roles: ['secretariat'], email: 'secretariaat@ienw-test.nl' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  describe('the start page', () => {
    it('is a Dutch page with a sign-in form and the way to the API docs, not JSON', async () => {
      for (const accept of [BROWSER, 'application/json', '*/*']) {
        const res = await t.http.get('/').set('Accept', accept).expect(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expectLayout(res.text);
        expect(res.text).toContain('<h1>Vraagbaak WBS</h1>');
        expect(res.text).toMatch(/<form class="form" method="post" action="\/auth\/sign-in-link"/);
        expect(res.text).toMatch(/<input class="utrecht-textbox[^"]*" id="email" name="email" type="email"/);
        expect(res.text).toContain('href="/api/docs"');
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      }
    });

    it('says who is signed in', async () => {
      const res = await t.http.get('/').set(requester.auth).set('Accept', BROWSER).expect(200);
      expect(res.text).toContain(`Ingelogd als <strong>${requester.user.displayName}</strong> <span class="site-role">(vraagsteller)</span>`);
      expect(res.text).not.toContain('action="/auth/sign-in-link"');
    });

    it('serves its stylesheet from this origin, hashed, compressed and cached for good', async () => {
      const page = await t.http.get('/').set('Accept', BROWSER).expect(200);
      const href = page.text.match(STYLESHEET)![1];
      const css = await t.http.get(href).set('Accept-Encoding', 'identity').expect(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // Our theme and the NL Design System components, bundled into the one file.
      expect(css.text).toContain(':focus-visible');
      expect(css.text).toContain('.vraagbaak-theme{');
      expect(css.text).toContain('.utrecht-button');
      for (const encoding of ['br', 'gzip']) {
        // The client decompresses; the bytes on the wire are the Content-Length.
        const compressed = await t.http.get(href).set('Accept-Encoding', encoding).expect(200);
        expect(compressed.headers['content-encoding']).toBe(encoding);
        expect(compressed.headers.vary).toMatch(/accept-encoding/i);
        expect(Number(compressed.headers['content-length'])).toBeLessThan(Buffer.byteLength(css.text) / 5);
        expect(compressed.text).toBe(css.text);
      }
      // Only hashed names exist, so no browser keeps an old stylesheet under a name that changed.
      await t.http.get('/assets/vraagbaak.css').expect(404);
    });
  });

  describe('errors as Dutch pages for a browser', () => {
    it.each([
      ['an unknown page', '/bestaat-niet', 404, 'Deze pagina bestaat niet'],
      ['a malformed article id', '/kennisbank/abc', 400, 'Deze aanvraag klopt niet'],
      ['bad percent-encoding (answered by the router)', '/vragen/%C0%AF', 400, 'Deze aanvraag klopt niet'],
      ['an over-long path parameter (answered by the router)', `/vragen/${'a'.repeat(201)}`, 414, 'Het adres is te lang'],
    ])('%s', async (_name, path, status, heading) => {
      const res = await t.http.get(path).set('Accept', BROWSER).set('X-Request-Id', `page-${status}`).expect(status);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expectLayout(res.text);
      expect(res.text).toContain(`<h1>${heading}</h1>`);
      expect(res.text).toContain('referentie <code>page-');
      expect(res.headers['x-request-id']).toBe(`page-${status}`);
      expect(res.headers['api-version']).toBe('1.0.0');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('401: the sign-in form, which returns to the page after signing in', async () => {
      const target = '/reports/evaluation?from=2026-01-01&to=2026-03-31';
      const res = await t.http.get(target).set('Accept', BROWSER).expect(401);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expectLayout(res.text);
      expect(res.text).toContain('<h1>Log in om verder te gaan</h1>');
      const form = res.text.match(/<form class="form" method="post" action="\/auth\/sign-in-link"[^>]*>[\s\S]*?<\/form>/)?.[0] ?? '';
      expect(form).toContain('<input type="hidden" name="returnTo" value="/reports/evaluation?from=2026-01-01&amp;to=2026-03-31">');

      // Send the form as the browser would, open the mailed link, press Inloggen: back on the page.
      await t.http.post('/auth/sign-in-link').type('form').send({ email: secretariat.user.email, returnTo: target }).expect(200);
      const token = linkToken(await smtp.waitFor(sentTo(secretariat.user.email)));
      const linkPage = await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}&next=${encodeURIComponent(target)}`).expect(200);
      const login = linkPage.text.match(/name="login" value="([^"]+)"/)![1];
      const next = linkPage.text.match(/name="next" value="([^"]+)"/)![1].replace(/&amp;/g, '&');
      const signedIn = await t.http.post('/auth/callback').set('Cookie', cookieHeader(cookiesOf(linkPage))).type('form').send({ token, login, next }).expect(303);
      expect(signedIn.headers.location).toBe(target);
      const report = await t.http.get(target).set('Cookie', cookieHeader(cookiesOf(signedIn))).set('Accept', BROWSER).expect(200);
      expect(report.headers['content-type']).toMatch(/^text\/html/);
    });

    it('403: no access, as a page', async () => {
      const res = await t.http.get('/reports/evaluation').set(requester.auth).set('Accept', BROWSER).expect(403);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expectLayout(res.text);
      expect(res.text).toContain('<h1>Geen toegang</h1>');
      expect(res.text).not.toContain('action="/auth/sign-in-link"');
    });

    it('500: says sorry and reveals nothing of the cause', async () => {
      // A fault injected into the report's service, as a broken database would raise it.
      const reports = t.app.get(EvaluationReportService);
      const gather = reports.gather;
      reports.gather = async () => {
        throw new Error('SQLITE_CORRUPT secret internals');
      };
      try {
        const res = await t.http.get('/reports/evaluation').set(secretariat.auth).set('Accept', BROWSER).expect(500);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expectLayout(res.text);
        expect(res.text).toContain('<h1>Er ging iets mis</h1>');
        expect(res.text).not.toContain('SQLITE_CORRUPT');
      } finally {
        reports.gather = gather;
      }
    });

    it('escapes the address it shows', async () => {
      const res = await t.http.get(`/x%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E%3Cimg%20src%3D'y'%3E`).set('Accept', BROWSER).expect(404);
      expect(res.text).toContain('/x&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=&#39;y&#39;&gt;');
      expect(res.text).not.toMatch(/<script|<img/i);
    });
  });

  describe('the API keeps problem+json', () => {
    it.each([
      ['an API call from a browser', '/api/v1/nothing-here', BROWSER, 404],
      ['an API call asking for JSON', '/api/v1/nothing-here', 'application/json', 404],
      ['a page asked for as JSON', '/bestaat-niet', 'application/json', 404],
      ['a page without Accept preference', '/kennisbank/abc', '*/*', 400],
      ['a page asked for as problem+json', '/reports/evaluation', 'application/problem+json, text/html;q=0.5', 401],
      ['the router, for an API call from a browser', '/api/v1/users/%C0%AF', BROWSER, 400],
    ])('%s', async (_name, path, accept, status) => {
      const res = await t.http.get(path).set('Accept', accept).expect(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.status).toBe(status);
    });
  });
});

describe('429 as a page (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' });
  });
  afterAll(() => t?.close());

  it('tells the person how long to wait', async () => {
    let res = await t.http.get('/').set('Accept', BROWSER);
    for (let i = 0; i < 5 && res.status !== 429; i++) res = await t.http.get('/').set('Accept', BROWSER);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLayout(res.text);
    expect(res.text).toContain('<h1>Even geduld</h1>');
    expect(res.text).toMatch(new RegExp(`Probeer het over ${res.headers['retry-after']} seconden opnieuw`));
    const api = await t.http.get('/api/v1/themes').set('Accept', BROWSER).expect(429);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
