import type { InjectOptions } from 'fastify';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * Rate limits that hold: the client address is the TCP peer unless TRUST_PROXY names it as a proxy,
 * only a verified credential gets a signed-in budget, sign-in link limits are exact under
 * concurrency, and the audit trail records the address the decision was made on. Requests from
 * several addresses go through Fastify's inject (the same app, hooks and all, with a chosen peer
 * address); the real loopback socket is used where that is the point.
 */
const ANONYMOUS_LIMIT = 20;
const LINKS_PER_IP = 8;
const LIMITS = { RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_LIMIT), SIGN_IN_LINKS_PER_IP_PER_HOUR: String(LINKS_PER_IP) };

/** Statuses of `count` requests one after another; `vary(i)` gives the i-th request's options. */
async function statuses(t: TestApp, count: number, vary: (i: number) => InjectOptions): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await t.app.inject({ method: 'GET', url: '/api/v1/keuzes/21', ...vary(i) })).statusCode);
  return result;
}

const allowedThenLimited = (count: number) => [...Array<number>(ANONYMOUS_LIMIT).fill(200), ...Array<number>(count - ANONYMOUS_LIMIT).fill(429)];

/** The address the audit trail recorded for the sign-in link request of `email`. */
async function auditedAddress(t: TestApp, reader: TestUser, email: string): Promise<string[]> {
  const res = await t.http.get(`/api/v1/audit-events?action=auth.sign-in-link.request&objectId=${encodeURIComponent(email)}`).set(reader.auth).expect(200);
  return res.body.data.map((event: { ip: string | null }) => event.ip);
}

async function requestLink(t: TestApp, email: string, remoteAddress: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in-links', payload: { email }, headers, remoteAddress });
  return res.statusCode;
}

describe('rate limits without a trusted proxy (e2e)', () => {
  let t: TestApp;
  let secretariat: TestUser;
  beforeAll(async () => {
    t = await startTestApp(LIMITS);
    secretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For from an untrusted peer: rotating it does not escape the anonymous limit', async () => {
    const rotating = await statuses(t, ANONYMOUS_LIMIT + 5, (i) => ({ remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': `10.0.${i}.1` } }));
    expect(rotating).toEqual(allowedThenLimited(ANONYMOUS_LIMIT + 5));
  });

  it('does so over a real socket too', async () => {
    const result: number[] = [];
    for (let i = 0; i < ANONYMOUS_LIMIT + 3; i++) result.push((await t.http.get('/api/v1/keuzes/21').set('X-Forwarded-For', `10.1.${i}.1`)).status);
    expect(result).toEqual(allowedThenLimited(ANONYMOUS_LIMIT + 3));
  });

  it('counts made-up bearer tokens against the IP, and gives a verified caller a budget of their own', async () => {
    const junk = await statuses(t, ANONYMOUS_LIMIT + 5, (i) => ({ remoteAddress: '192.0.2.2', headers: { authorization: `Bearer junk${i}` } }));
    expect(junk).toEqual(allowedThenLimited(ANONYMOUS_LIMIT + 5));
    const limited = await t.app.inject({ method: 'GET', url: '/api/v1/keuzes/21', remoteAddress: '192.0.2.2', headers: { authorization: 'Bearer vbs_expired-or-made-up' } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    const user = await signInAs(t, { roles: ['requester'] });
    const own = await statuses(t, 3, () => ({ remoteAddress: '192.0.2.2', headers: user.auth }));
    expect(own).toEqual([200, 200, 200]);
  });

  it('accepts exactly the limit of concurrent sign-in link requests from one IP', async () => {
    const extra = 6;
    const results = await Promise.all(Array.from({ length: LINKS_PER_IP + extra }, (_, i) => requestLink(t, `gelijktijdig${i}@example.org`, '192.0.2.3')));
    expect(results.filter((s) => s === 202)).toHaveLength(LINKS_PER_IP);
    expect(results.filter((s) => s === 429)).toHaveLength(extra);
    // And it stays shut afterwards.
    expect(await requestLink(t, 'daarna@example.org', '192.0.2.3')).toBe(429);
  });

  it('records the peer in the audit trail, not the address a client claims', async () => {
    expect(await requestLink(t, 'herkomst@example.org', '192.0.2.4', { 'x-forwarded-for': '203.0.113.9' })).toBe(202);
    expect(await auditedAddress(t, secretariat, 'herkomst@example.org')).toEqual(['192.0.2.4']);
  });
});

describe('rate limits behind a trusted proxy (TRUST_PROXY) (e2e)', () => {
  const PROXY = '192.0.2.10';
  let t: TestApp;
  let secretariat: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, TRUST_PROXY: `${PROXY}, 127.0.0.1, ::1` });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(() => t.close());

  it('honours X-Forwarded-For from the proxy: each client has its own budget', async () => {
    const clients = await statuses(t, ANONYMOUS_LIMIT + 5, (i) => ({ remoteAddress: PROXY, headers: { 'x-forwarded-for': `10.2.${i}.1` } }));
    expect(clients).toEqual(Array(ANONYMOUS_LIMIT + 5).fill(200));
    const oneClient = await statuses(t, ANONYMOUS_LIMIT + 2, () => ({ remoteAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.5' } }));
    expect(oneClient).toEqual(allowedThenLimited(ANONYMOUS_LIMIT + 2));
  });

  it('honours it over a real socket when the test client is the proxy', async () => {
    const result: number[] = [];
    for (let i = 0; i < ANONYMOUS_LIMIT + 3; i++) result.push((await t.http.get('/api/v1/keuzes/21').set('X-Forwarded-For', `10.3.${i}.1`)).status);
    expect(result).toEqual(Array(ANONYMOUS_LIMIT + 3).fill(200));
  });

  it('still ignores it from any other peer', async () => {
    const rotating = await statuses(t, ANONYMOUS_LIMIT + 3, (i) => ({ remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': `10.4.${i}.1` } }));
    expect(rotating).toEqual(allowedThenLimited(ANONYMOUS_LIMIT + 3));
  });

  it('records the forwarded client behind the proxy, and the peer otherwise', async () => {
    expect(await requestLink(t, 'via-proxy@example.org', PROXY, { 'x-forwarded-for': '203.0.113.77' })).toBe(202);
    expect(await auditedAddress(t, secretariat, 'via-proxy@example.org')).toEqual(['203.0.113.77']);
    expect(await requestLink(t, 'direct@example.org', '198.51.100.8', { 'x-forwarded-for': '203.0.113.78' })).toBe(202);
    expect(await auditedAddress(t, secretariat, 'direct@example.org')).toEqual(['198.51.100.8']);
  });
});
