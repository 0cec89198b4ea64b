import { TestApp, startTestApp } from './support/test-app.js';
import { BrowserSession, TestUser, browserSession, signInAs } from './support/auth.js';
import { BROWSER_ACCEPT as BROWSER } from './support/pages.js';


/**
 * A closure day in the years 0000–0099 exists as a date (the validator accepts it), but the
 * working calendar reads such years as 1900–1999 and threw a RangeError: a 500 found by the page
 * fuzzer (POST /secretariaat/kalender/sluitingsdagen with day=0000-01-01). Both the form and the
 * API now refuse days outside the years 2000–2100 as invalid input.
 */
describe('closure days outside the years 2000–2100 (e2e)', () => {
  let t: TestApp;
  let secretariat: TestUser;
  let session: BrowserSession;
  const post = (form: Record<string, string>) =>
    t.http.post('/secretariaat/kalender/sluitingsdagen').set('Accept', BROWSER).set('Cookie', session.cookie).type('form').send({ csrf: session.csrf, ...form });

  beforeAll(async () => {
    t = await startTestApp();
    t.at('2026-12-01T10:00:00+01:00');
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    session = await browserSession(t, secretariat);
  }, 60_000);
  afterAll(() => t?.close());

  it.each(['0000-01-01', '0099-12-31', '1999-12-31', '2101-01-01'])('the calendar page refuses %s with the form kept', async (day) => {
    const res = await post({ day, reason: 'Heidag' }).expect(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('href="#day"');
    expect(res.text).toContain('moet een dag in de jaren 2000 tot en met 2100 zijn');
    expect(res.text).toContain(`value="${day}"`);
  });

  it.each(['0000-01-01', '0042-06-15', '2101-01-01'])('the API refuses %s as invalid input', async (day) => {
    const res = await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.invalidParams).toEqual([expect.objectContaining({ name: 'day' })]);
  });

  it('still adds a day of this era', async () => {
    const res = await post({ day: '2100-12-31', reason: 'Heidag' }).expect(303);
    expect(res.headers.location).toBe('/secretariaat/kalender?gelukt=gesloten');
    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2027-01-04' }).expect(201);
  });
});
