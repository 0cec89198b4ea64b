import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { TestSmtp, sentTo, startSmtp } from './support/smtp.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * The quarterly mail (B6): on the first working day of a quarter, from 09:00, each active
 * secretariat member gets the link to the overview of the quarter that ended — found by the
 * reconciler, so a missed run is made up, and mailed once.
 */
describe('quarterly overview mail (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let secretariat: TestUser;
  const tick = async () => {
    await t.app.get(Reconciler).reconcileNow();
    await t.drain();
    await new Promise((resolve) => setTimeout(resolve, 150));
  };
  const quarterlyMails = () => smtp.messages.filter((m) => (m.subject ?? '').startsWith('Kwartaaloverzicht'));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SESSION_TTL_HOURS: '720' });
    t.at('2026-09-20T10:00:00+02:00');
    secretariat = await signInAs(t, { roles: ['secretariat'], email: 'secretariaat@ienw.nl', displayName: 'Sanne <b>Smit</b>' });
    await signInAs(t, { roles: ['secretariat'], email: 'tweede@ienw.nl' });
    const gone = await signInAs(t, { roles: ['secretariat'], email: 'vertrokken@ienw.nl' });
    await t.http.post(`/api/v1/users/${gone.user.id}/deactivate`).set(secretariat.auth).expect(200);
    // Thursday 1 October 2026 is a closure day: the quarter's first working day is Friday the 2nd.
    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-10-01', reason: 'Verhuizing' }).expect(201);
    await t.drain();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('waits for 09:00 of the first working day, then mails each active secretariat member once', async () => {
    await tick();
    t.at('2026-10-01T10:00:00+02:00');
    await tick();
    t.at('2026-10-02T08:59:00+02:00');
    await tick();
    expect(quarterlyMails()).toHaveLength(0);
    t.at('2026-10-02T09:05:00+02:00');
    await tick();
    const mails = quarterlyMails();
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(['secretariaat@ienw.nl', 'tweede@ienw.nl']);
    const mail = mails.find(sentTo('secretariaat@ienw.nl'))!;
    expect(mail.subject).toBe('Kwartaaloverzicht 3e kwartaal 2026 van de Vraagbaak WBS');
    expect(mail.text).toContain('/reports/quarterly?year=2026&quarter=3');
    expect(mail.html).toContain('Sanne &lt;b&gt;Smit&lt;/b&gt;');
    // Found again and again by the reconciler, but mailed once.
    t.at('2026-10-05T09:05:00+02:00');
    await tick();
    await tick();
    expect(quarterlyMails()).toHaveLength(2);
  });
});
