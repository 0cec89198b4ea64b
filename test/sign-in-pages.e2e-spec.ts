import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, cookieHeader, cookiesOf, signInAs } from './support/auth.js';
import { TestSmtp, linkToken, sentTo, startSmtp } from './support/smtp.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('signing in and out in the browser (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let requester: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, STAFF_MFA: 'false' });
    requester = await signInAs(t, { roles: ['requester'], displayName: 'Jan <b>Jansen</b>', email: 'jan.jansen@gemeente-test.nl' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** Requests a link on /inloggen, opens it and presses Inloggen, as a browser does; returns the session's cookies. */
  async function signInThroughPages(email: string, returnTo?: string): Promise<{ cookie: string; location: string }> {
    const form = await t.http.get(`/inloggen${returnTo ? `?next=${encodeURIComponent(returnTo)}` : ''}`).set('Accept', BROWSER).expect(200);
    const hidden = form.text.match(/name="returnTo" value="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
    expect(hidden).toBe(returnTo);
    const earlier = new Set(smtp.to(email));
    const sent = await t.http.post('/auth/sign-in-link').type('form').send({ email, ...(hidden ? { returnTo: hidden } : {}) }).expect(200);
    expect(sent.text).toContain('<h1>Kijk in uw mail</h1>');
    const token = linkToken(await smtp.waitFor((mail) => sentTo(email)(mail) && !earlier.has(mail)));
    const linkPage = await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}${returnTo ? `&next=${encodeURIComponent(returnTo)}` : ''}`).expect(200);
    const login = linkPage.text.match(/name="login" value="([^"]+)"/)![1];
    const next = linkPage.text.match(/name="next" value="([^"]+)"/)?.[1];
    const signedIn = await t.http
      .post('/auth/callback')
      .set('Cookie', cookieHeader(cookiesOf(linkPage)))
      .type('form')
      .send({ token, login, ...(next ? { next: next.replace(/&amp;/g, '&') } : {}) })
      .expect(303);
    return { cookie: cookieHeader(cookiesOf(signedIn)), location: signedIn.headers.location };
  }

  it('/inloggen asks for a link and returns to the page that was asked for', async () => {
    const page = await t.http.get('/inloggen').set('Accept', BROWSER).expect(200);
    expect(page.text).toContain('<h1>Inloggen</h1>');
    expect(page.text).toMatch(/<a href="\/inloggen" aria-current="page">Inloggen<\/a>/);
    expect(page.headers['cache-control']).toBe('no-store');

    const { location } = await signInThroughPages(requester.user.email, '/kennisbank?q=bodemdaling');
    expect(location).toBe('/kennisbank?q=bodemdaling');
  });

  it('ignores a return path that leads elsewhere', async () => {
    for (const next of ['https://evil.example/', '//evil.example', '/api/v1/me']) {
      const page = await t.http.get(`/inloggen?next=${encodeURIComponent(next)}`).set('Accept', BROWSER).expect(200);
      expect(page.text).not.toContain('name="returnTo"');
    }
  });

  it('a bad address: 400, the error summary linked to the field, the typed value kept', async () => {
    const res = await t.http.post('/auth/sign-in-link').type('form').send({ email: 'geen-adres<x>' }).expect(400);
    expect(res.text).toContain('<title>Fout: Inloggen · Vraagbaak WBS</title>');
    expect(res.text).toContain('<a href="#email">E-mailadres: Vul een geldig e-mailadres in, zoals naam@gemeente.nl</a>');
    expect(res.text).toMatch(/id="email" name="email" type="email" value="geen-adres&lt;x&gt;"[^>]* aria-invalid="true" aria-describedby="email-hint email-error"/);
    const empty = await t.http.post('/auth/sign-in-link').type('form').send({ email: '' }).expect(400);
    expect(empty.text).toContain('E-mailadres: Vul uw e-mailadres in');
  });

  it('an expired or used link: 410 and a form for a new one', async () => {
    const res = await t.http.get('/auth/callback?token=not-a-real-token-at-all').set('Accept', BROWSER).expect(410);
    expect(res.text).toContain('<h1>Deze inloglink werkt niet meer</h1>');
    expect(res.text).toMatch(/action="\/auth\/sign-in-link"/);
  });

  it('the navigation names who is signed in and their role, escaped, with a sign-out button', async () => {
    const { cookie } = await signInThroughPages(requester.user.email);
    const page = await t.http.get('/kennisbank').set('Cookie', cookie).set('Accept', BROWSER).expect(200);
    expect(page.text).toContain('Ingelogd als <strong>Jan &lt;b&gt;Jansen&lt;/b&gt;</strong> <span class="site-role">(vraagsteller)</span>');
    expect(page.text).toMatch(/<form method="post" action="\/uitloggen">\s*<input type="hidden" name="csrf" value="[^"]+">/);
    expect(page.text).toContain('<a href="/vragen">Mijn vragen</a>');
    expect(page.text).not.toContain('href="/inloggen"');
  });

  it('/uitloggen ends the session (POST with the form token only) and says so', async () => {
    const { cookie } = await signInThroughPages(requester.user.email);
    const page = await t.http.get('/kennisbank').set('Cookie', cookie).set('Accept', BROWSER).expect(200);
    const csrf = page.text.match(/action="\/uitloggen">\s*<input type="hidden" name="csrf" value="([^"]+)"/)![1];

    // Another site cannot sign someone out: without the token the form is refused.
    await t.http.post('/uitloggen').set('Cookie', cookie).set('Accept', BROWSER).type('form').send({}).expect(403);
    await t.http.get('/api/v1/me').set('Cookie', cookie).expect(200);

    const out = await t.http.post('/uitloggen').set('Cookie', cookie).set('Accept', BROWSER).type('form').send({ csrf }).expect(303);
    expect(out.headers.location).toBe('/inloggen?uitgelogd');
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join('\n')).toMatch(/vraagbaak_session=;/);
    await t.http.get('/api/v1/me').set('Cookie', cookie).expect(401);
    const after = await t.http.get(out.headers.location).set('Accept', BROWSER).expect(200);
    expect(after.text).toContain('U bent uitgelogd.');
    // Signing out is not something to do by GET (a link or an image could trigger it).
    await t.http.get('/uitloggen').set('Accept', BROWSER).expect(404);
  });

  it('/toegankelijkheid is the accessibility statement, linked from every page', async () => {
    const res = await t.http.get('/toegankelijkheid').set('Accept', BROWSER).expect(200);
    expect(res.text).toContain('<h1>Toegankelijkheidsverklaring</h1>');
    expect(res.text).toContain('WCAG');
    const start = await t.http.get('/').set('Accept', BROWSER).expect(200);
    expect(start.text).toContain('<a href="/toegankelijkheid">Toegankelijkheid</a>');
  });
});
