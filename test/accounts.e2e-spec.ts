import { Clock } from '../src/common/clock.js';
import { Database } from '../src/infra/database/database.service.js';
import { sha256 } from '../src/infra/secrets.js';
import { currentTotp } from '../src/accounts/totp.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, cookieHeader, cookiesOf, signInAs } from './support/auth.js';
import { TestSmtp, linkToken, sentTo, startSmtp } from './support/smtp.js';


describe('accounts and sign-in (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let secretariat: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SIGN_IN_LINKS_PER_EMAIL_PER_HOUR: '5' });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    await t.http.post('/api/v1/sign-in-domains').set(secretariat.auth).send({ domain: 'gemeente-test.nl', organisationCode: 'GM0363' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function requestLink(email: string): Promise<string> {
    const before = smtp.to(email).length;
    await t.http.post('/api/v1/auth/sign-in-links').send({ email }).expect(202);
    const mail = await smtp.waitFor((m) => sentTo(email)(m) && smtp.to(email).indexOf(m) >= before);
    return linkToken(mail);
  }

  /** Opens the link page, then presses "Inloggen" as a browser would. */
  async function browserSignIn(token: string, code?: string) {
    const pageRes = await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}`).expect(200);
    expect(pageRes.text).toContain('Inloggen');
    const login = pageRes.text.match(/name="login" value="([^"]+)"/)![1];
    const jar = cookiesOf(pageRes);
    return t.http
      .post('/auth/callback')
      .set('Cookie', cookieHeader(jar))
      .type('form')
      .send({ token, login, ...(code ? { code } : {}) });
  }

  it('walks the whole sign-in of a new requester: link by mail, button, session, /me, sign-out', async () => {
    const email = 'Jan.Jansen@Gemeente-Test.nl';
    const token = await requestLink(email);
    const mail = smtp.to(email.toLowerCase()).at(-1)!;
    expect(mail.subject).toMatch(/aanmeldlink/i);
    expect(mail.text).toContain('15 minuten');
    // Only the hash is stored.
    const stored = await t.app.get(Database).manager.query('SELECT token_hash FROM sign_in_tokens');
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.some((r: { token_hash: string }) => r.token_hash === sha256(token))).toBe(true);

    // A mail scanner opening the link does not spend it.
    await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}`).expect(200);
    const res = await browserSignIn(token);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/auth/signed-in');
    const jar = cookiesOf(res);
    const sessionCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('vraagbaak_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);

    const me = await t.http.get('/api/v1/me').set('Cookie', cookieHeader(jar)).expect(200);
    expect(me.body).toMatchObject({ email: 'jan.jansen@gemeente-test.nl', roles: ['requester'], organisationCode: 'GM0363' });
    expect(me.body.csrfToken).toBe(jar.vraagbaak_csrf);

    // Cookie sessions need the CSRF header for state-changing requests.
    await t.http.delete('/api/v1/auth/sessions/current').set('Cookie', cookieHeader(jar)).expect(403);
    await t.http.delete('/api/v1/auth/sessions/current').set('Cookie', cookieHeader(jar)).set('X-CSRF-Token', me.body.csrfToken).expect(204);
    await t.http.get('/api/v1/me').set('Cookie', cookieHeader(jar)).expect(401);

    // The link was used once: the page says so and the button is gone.
    await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}`).expect(410);
  });

  it('rejects reused, tampered and expired tokens', async () => {
    const email = 'reuse@gemeente-test.nl';
    const token = await requestLink(email);
    const first = await t.http.post('/api/v1/auth/sessions').send({ token }).expect(201);
    expect(first.body.tokenType).toBe('Bearer');
    const reused = await t.http.post('/api/v1/auth/sessions').send({ token }).expect(401);
    expect(reused.headers['content-type']).toMatch(/problem\+json/);

    const fresh = await requestLink(email);
    const tampered = fresh.slice(0, -2) + (fresh.endsWith('AA') ? 'BB' : 'AA');
    await t.http.post('/api/v1/auth/sessions').send({ token: tampered }).expect(401);

    const clock = t.app.get(Clock);
    const realNow = clock.now.bind(clock);
    clock.now = () => new Date(realNow().getTime() + 16 * 60 * 1000);
    try {
      await t.http.post('/api/v1/auth/sessions').send({ token: fresh }).expect(401);
    } finally {
      clock.now = realNow;
    }
  });

  it('exchanges a link for a bearer token that works until sign-out', async () => {
    const token = await requestLink('api-user@gemeente-test.nl');
    const { body } = await t.http.post('/api/v1/auth/sessions').send({ token }).expect(201);
    const auth = { Authorization: `Bearer ${body.accessToken}` };
    await t.http.get('/api/v1/me').set(auth).expect(200);
    await t.http.delete('/api/v1/auth/sessions/current').set(auth).expect(204);
    await t.http.get('/api/v1/me').set(auth).expect(401);
  });

  it('answers 202 for an unknown address, sends nothing and lists an access request', async () => {
    await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'stranger@elders.nl' }).expect(202);
    // Every job the request caused has run: no mail was written for the address, so none can follow.
    await t.drain();
    expect(await t.app.get(Database).manager.query(`SELECT template FROM notification_outbox WHERE recipient_email = 'stranger@elders.nl'`)).toEqual([]);
    expect(await t.app.get(Database).manager.query(`SELECT purpose FROM sign_in_tokens WHERE email = 'stranger@elders.nl'`)).toEqual([]);
    expect(smtp.to('stranger@elders.nl')).toHaveLength(0);
    const list = await t.http.get('/api/v1/access-requests?status=pending').set(secretariat.auth).expect(200);
    const request = list.body.data.find((r: { email: string }) => r.email === 'stranger@elders.nl');
    expect(request).toBeDefined();
    await t.http.post(`/api/v1/access-requests/${request.id}/approve`).set(secretariat.auth).send({ organisationCode: 'GM0599' }).expect(200);
    const mail = await smtp.waitFor(sentTo('stranger@elders.nl'));
    const session = await t.http.post('/api/v1/auth/sessions').send({ token: linkToken(mail) }).expect(201);
    const me = await t.http.get('/api/v1/me').set({ Authorization: `Bearer ${session.body.accessToken}` }).expect(200);
    expect(me.body.organisationCode).toBe('GM0599');
  });

  it('makes staff enrol and then confirm every sign-in with a TOTP code', async () => {
    const invited = await t.http
      .post('/api/v1/users')
      .set(secretariat.auth)
      .send({ email: 'expert@ienw-test.nl', displayName: 'Eva Expert', roles: ['expert'], expertise: { keuzeIds: [25], themeIds: [] }, capacity: 10 })
      .expect(201);
    expect(invited.body.expertise).toEqual({ keuzeIds: [25], themeIds: [] });
    const invitation = await smtp.waitFor(sentTo('expert@ienw-test.nl'));
    expect(invitation.text).toContain('/auth/callback?token=');

    // API exchange before enrolment is refused: enrol in the browser first.
    const early = await t.http.post('/api/v1/auth/sessions').send({ token: linkToken(invitation) }).expect(403);
    expect(early.body.detail).toMatch(/tweede factor/);

    const res = await browserSignIn(linkToken(invitation));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/auth/second-factor');
    const jar = cookiesOf(res);
    // Until enrolment, only enrolment routes work.
    await t.http.get('/api/v1/me/tokens').set('Cookie', cookieHeader(jar)).expect(403);
    const enrolPage = await t.http.get('/auth/second-factor').set('Cookie', cookieHeader(jar)).expect(200);
    expect(enrolPage.text).toContain('data:image/png;base64');
    const secret = enrolPage.text.match(/Sleutel: <code>([A-Z2-7]+)<\/code>/)![1];
    const csrf = enrolPage.text.match(/name="csrf" value="([^"]+)"/)![1];
    await t.http.post('/auth/second-factor').set('Cookie', cookieHeader(jar)).type('form').send({ code: currentTotp(secret) }).expect(403);
    const confirmed = await t.http.post('/auth/second-factor').set('Cookie', cookieHeader(jar)).type('form').send({ csrf, code: currentTotp(secret) }).expect(200);
    const recoveryCodes = [...confirmed.text.matchAll(/<li><code>([0-9a-f]{10})<\/code><\/li>/g)].map((m) => m[1]);
    expect(recoveryCodes).toHaveLength(10);
    await t.http.get('/api/v1/me/tokens').set('Cookie', cookieHeader(jar)).expect(200);

    // Next sign-ins need the code.
    const next = await requestLink('expert@ienw-test.nl');
    await t.http.post('/api/v1/auth/sessions').send({ token: next }).expect(401);
    await t.http.post('/api/v1/auth/sessions').send({ token: next, totp: '000000' }).expect(401);
    await t.http.post('/api/v1/auth/sessions').send({ token: next, totp: currentTotp(secret) }).expect(201);

    // A recovery code works once.
    const viaRecovery = await requestLink('expert@ienw-test.nl');
    await t.http.post('/api/v1/auth/sessions').send({ token: viaRecovery, totp: recoveryCodes[0] }).expect(201);
    const reuseRecovery = await requestLink('expert@ienw-test.nl');
    await t.http.post('/api/v1/auth/sessions').send({ token: reuseRecovery, totp: recoveryCodes[0] }).expect(401);
  });

  it('lets the browser flow ask staff for their code', async () => {
    const token = await requestLink('expert@ienw-test.nl');
    const page = await t.http.get(`/auth/callback?token=${encodeURIComponent(token)}`).expect(200);
    expect(page.text).toContain('name="code"');
  });

  it('lets staff retry a wrong code on the same page, until the attempt limit ends the link', async () => {
    // A coordinator with a second factor.
    await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 'retry@ienw-test.nl', displayName: 'Rita Retry', roles: ['coordinator'] }).expect(201);
    const enrolling = cookiesOf(await browserSignIn(linkToken(await smtp.waitFor(sentTo('retry@ienw-test.nl')))));
    const enrolPage = await t.http.get('/auth/second-factor').set('Cookie', cookieHeader(enrolling)).expect(200);
    const secret = enrolPage.text.match(/Sleutel: <code>([A-Z2-7]+)<\/code>/)![1];
    const csrf = enrolPage.text.match(/name="csrf" value="([^"]+)"/)![1];
    await t.http.post('/auth/second-factor').set('Cookie', cookieHeader(enrolling)).type('form').send({ csrf, code: currentTotp(secret) }).expect(200);
    const wrongCode = () => String((Number(currentTotp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    /** Presses Inloggen on a page of the link (its login cookie and field), as the browser would. */
    const press = (page: { text: string; headers: Record<string, unknown> }, token: string, code: string) =>
      t.http
        .post('/auth/callback')
        .set('Cookie', cookieHeader(cookiesOf(page)))
        .type('form')
        .send({ token, login: page.text.match(/name="login" value="([^"]+)"/)![1], code });

    // A wrong code: the same page again with the error next to the field, and the link still works.
    const token = await requestLink('retry@ienw-test.nl');
    const wrong = await browserSignIn(token, wrongCode());
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('<h1>Inloggen</h1>');
    expect(wrong.text).toMatch(/id="code-error"><span class="visually-hidden">Fout: <\/span>De code is onjuist. U kunt het nog 4 keer proberen.<\/div>/);
    expect(wrong.text).toMatch(/<input class="[^"]*" id="code" name="code"[^>]* aria-invalid="true" aria-describedby="code-hint code-error"/);
    expect(wrong.text).toMatch(/<a href="#code">Code: De code is onjuist/);
    expect(wrong.text).toContain(`name="token" value="${token}"`);
    expect(wrong.text).not.toContain('Open de inloglink opnieuw');
    const right = await press(wrong, token, currentTotp(secret)).expect(303);
    expect(right.headers.location).toBe('/auth/signed-in');
    const me = await t.http.get('/api/v1/me').set('Cookie', cookieHeader(cookiesOf(right))).expect(200);
    expect(me.body).toMatchObject({ email: 'retry@ienw-test.nl', mfaSatisfied: true });

    // Five wrong codes end the attempt: the link no longer works, not even with the right code.
    const limited = await requestLink('retry@ienw-test.nl');
    let page = await t.http.get(`/auth/callback?token=${encodeURIComponent(limited)}`).expect(200);
    for (let left = 4; left >= 1; left--) {
      page = await press(page, limited, wrongCode()).expect(401);
      expect(page.text).toContain(`De code is onjuist. U kunt het nog ${left} keer proberen.`);
    }
    const ended = await press(page, limited, wrongCode()).expect(401);
    expect(ended.text).toContain('De code is onjuist. Deze inloglink werkt nu niet meer; vraag een nieuwe aan.');
    expect(ended.text).not.toContain('name="code"');
    await press(page, limited, currentTotp(secret)).expect(401);
    await t.http.get(`/auth/callback?token=${encodeURIComponent(limited)}`).expect(410);

    // Ten wrong codes at once count one by one: the limit holds, and the right code is refused after them.
    const raced = await requestLink('retry@ienw-test.nl');
    const racedPage = await t.http.get(`/auth/callback?token=${encodeURIComponent(raced)}`).expect(200);
    const guesses = await Promise.all(Array.from({ length: 10 }, () => press(racedPage, raced, wrongCode())));
    expect(guesses.map((guess) => guess.status)).toEqual(Array(10).fill(401));
    await press(racedPage, raced, currentTotp(secret)).expect(401);
  });

  it('issues, lists, uses and revokes personal API tokens', async () => {
    const requester = await signInAs(t, { roles: ['requester'] });
    const created = await t.http.post('/api/v1/me/tokens').set(requester.auth).send({ name: 'Zaaksysteem' }).expect(201);
    expect(created.body.token).toMatch(/^vbp_/);
    const tokenAuth = { Authorization: `Bearer ${created.body.token}` };
    await t.http.get('/api/v1/me').set(tokenAuth).expect(200);
    const list = await t.http.get('/api/v1/me/tokens').set(requester.auth).expect(200);
    expect(list.body).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    await t.http.delete(`/api/v1/me/tokens/${created.body.id}`).set(requester.auth).expect(204);
    await t.http.get('/api/v1/me').set(tokenAuth).expect(401);
    await t.http.post('/api/v1/me/tokens').set(requester.auth).send({ name: 'x', expiresAt: '2000-01-01T00:00:00Z' }).expect(400);
  });

  it('ends every session and token of a deactivated user at once', async () => {
    const expert = await signInAs(t, { roles: ['expert'] });
    const token = (await t.http.post('/api/v1/me/tokens').set(expert.auth).send({ name: 'script' }).expect(201)).body.token;
    await t.http.post(`/api/v1/users/${expert.user.id}/deactivate`).set(secretariat.auth).expect(200);
    await t.http.get('/api/v1/me').set(expert.auth).expect(401);
    await t.http.get('/api/v1/me').set({ Authorization: `Bearer ${token}` }).expect(401);
    // And no new link is mailed.
    await t.http.post('/api/v1/auth/sign-in-links').send({ email: expert.user.email }).expect(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(expert.user.email)).toHaveLength(0);
  });

  it('lets experts manage their own absences, and the secretariat everyone’s', async () => {
    const expert = await signInAs(t, { roles: ['expert'] });
    const absence = await t.http.post('/api/v1/me/absences').set(expert.auth).send({ startsOn: '2026-12-21', endsOn: '2027-01-01', note: 'vakantie' }).expect(201);
    await t.http.post('/api/v1/me/absences').set(expert.auth).send({ startsOn: '2026-12-21', endsOn: '2026-12-01' }).expect(400);
    const user = await t.http.get(`/api/v1/users/${expert.user.id}`).set(secretariat.auth).expect(200);
    expect(user.body.absences).toEqual([{ id: absence.body.id, startsOn: '2026-12-21', endsOn: '2027-01-01', note: 'vakantie' }]);
    const requester = await signInAs(t, { roles: ['requester'] });
    await t.http.post('/api/v1/me/absences').set(requester.auth).send({ startsOn: '2026-12-21', endsOn: '2027-01-01' }).expect(403);
  });

  it('writes audit events for sign-in, sign-out, tokens and member changes', async () => {
    const res = await t.http.get('/api/v1/audit-events?pageSize=100').set(secretariat.auth).expect(200);
    const actions = new Set(res.body.data.map((e: { action: string }) => e.action));
    for (const action of ['auth.sign-in', 'auth.sign-out', 'api-token.create', 'api-token.revoke', 'user.create', 'user.deactivate', 'sign-in-domain.add', 'auth.totp.enrolment-confirm']) {
      expect([action, actions.has(action)]).toEqual([action, true]);
    }
    const failures = await t.http.get('/api/v1/audit-events?action=auth.sign-in&result=failure').set(secretariat.auth).expect(200);
    expect(failures.body.page.total).toBeGreaterThan(0);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/vb[slp]_[A-Za-z0-9_-]{20,}/);
    expect(res.body.data[0]).toEqual(expect.objectContaining({ occurredAt: expect.any(String), result: expect.any(String), objectType: expect.any(String) }));
    const requester = await signInAs(t, { roles: ['requester', 'expert', 'coordinator'] });
    await t.http.get('/api/v1/audit-events').set(requester.auth).expect(403);
  });

  it('limits sign-in links per address with 429 problem+json and Retry-After', async () => {
    const email = 'limited@elders.nl';
    for (let i = 0; i < 5; i++) await t.http.post('/api/v1/auth/sign-in-links').send({ email }).expect(202);
    const res = await t.http.post('/api/v1/auth/sign-in-links').send({ email }).expect(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another address from the same IP is not affected.
    await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'other@elders.nl' }).expect(202);
  });

  it('validates input with problem+json', async () => {
    const bad = await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'not-an-address' }).expect(400);
    expect(bad.body.invalidParams[0].name).toBe('email');
    await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 'x@y.nl', displayName: 'X', roles: ['requester'] }).expect(400);
    await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 'x@y.nl', displayName: 'X', roles: ['wizard'] }).expect(400);
    await t.http.get('/api/v1/users/not-a-uuid').set(secretariat.auth).expect(400);
  });
});

describe('sign-in with STAFF_MFA=false (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, STAFF_MFA: 'false' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('lets staff sign in without a second factor', async () => {
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 'coord@ienw-test.nl', displayName: 'Cor', roles: ['coordinator'] }).expect(201);
    const mail = await smtp.waitFor(sentTo('coord@ienw-test.nl'));
    const res = await t.http.post('/api/v1/auth/sessions').send({ token: linkToken(mail) }).expect(201);
    const me = await t.http.get('/api/v1/me').set({ Authorization: `Bearer ${res.body.accessToken}` }).expect(200);
    expect(me.body).toMatchObject({ roles: ['coordinator'], mfaSatisfied: true, totpEnabled: false });
  });
});
