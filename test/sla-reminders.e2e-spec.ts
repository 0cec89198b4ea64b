import { Database } from '../src/infra/database/database.service.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';
import { TestSmtp, sentTo, startSmtp } from './support/smtp.js';

/**
 * Reminders at 80 % of a target (to the expert) and breach notices (to the coordinators) come from
 * the due times stored on question_sla, found by the reconciler; each is mailed exactly once.
 */
describe('service levels: reminders and breaches by mail (e2e)', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let question: { id: string; reference: string };
  const drain = () => t.drain();
  const at = (local: string) => t.at(local);
  const tick = async () => {
    await t.app.get(Reconciler).reconcileNow();
    await drain();
    // Let the SMTP server finish receiving what was just sent.
    await new Promise((resolve) => setTimeout(resolve, 150));
  };
  const slaMails = () => smtp.messages.filter((m) => m.subject?.includes(question.reference) && /termijn/.test(m.subject ?? ''));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SESSION_TTL_HOURS: '720' });
    at('2026-06-08T08:00:00+02:00');
    requester = await signInAs(t, { roles: ['requester'] });
    expert = await signInAs(t, { roles: ['expert'], email: 'deskundige@ienw.nl', keuzeIds: [21], capacity: 20 });
    coordinator = await signInAs(t, { roles: ['coordinator'], email: 'coordinator@ienw.nl' });
    // Mon 8 June 09:00: first response due Tue 17:00 (2 working days); reminder at 80 % = 12.8 office hours = Tue 13:48.
    at('2026-06-08T09:00:00+02:00');
    question = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Herinnering', body: 'b', keuzeIds: [21] }).expect(201)).body;
    await drain();
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('stores the reminder and due times', async () => {
    const view = (await t.http.get(`/api/v1/questions/${question.id}/sla`).set(coordinator.auth).expect(200)).body;
    expect(view.clocks.find((c: { kind: string }) => c.kind === 'first_response')).toMatchObject({ dueAt: '2026-06-09T15:00:00.000Z' });
  });

  it('sends nothing before 80 %', async () => {
    at('2026-06-09T13:47:00+02:00');
    await tick();
    expect(slaMails()).toEqual([]);
  });

  it('reminds the expert once at 80 % of the first-response target', async () => {
    at('2026-06-09T13:49:00+02:00');
    await tick();
    const mail = await smtp.waitFor((m) => sentTo('deskundige@ienw.nl')(m) && (m.subject ?? '').includes(question.reference) && (m.subject ?? '').includes('Herinnering: de termijn'));
    expect(mail.text).toContain('dinsdag 9 juni 2026 om 17:00');
    await tick();
    await tick();
    expect(slaMails()).toHaveLength(1);
  });

  it('tells the coordinators once when the target is missed', async () => {
    at('2026-06-09T17:01:00+02:00');
    await tick();
    const mail = await smtp.waitFor((m) => sentTo('coordinator@ienw.nl')(m) && (m.subject ?? '').includes('verstreken'));
    expect(mail.subject).toContain(question.reference);
    await tick();
    expect(slaMails().filter((m) => (m.subject ?? '').includes('verstreken'))).toHaveLength(1);
    const db = t.app.get(Database);
    const rows: { n: number | string }[] = await db.manager.query(`SELECT count(*) AS n FROM notification_outbox WHERE event_key = '${`question:${question.id}:sla-breached:first_response:0`}'`);
    expect(Number(rows[0].n)).toBe(1);
    // The miss shows in the statistics at once.
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    const overview = (await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body;
    expect(overview.slaMetPct.firstResponse).toBe(0);
  });

  it('stops alarming once the expert responds', async () => {
    at('2026-06-09T17:30:00+02:00');
    await t.http.post(`/api/v1/questions/${question.id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${question.id}/clarification-request`).set(expert.auth).send({ message: 'Welke locatie?' }).expect(200);
    await drain();
    // Paused (waiting for the requester): no reminder for the answer clock, however long it takes.
    at('2026-07-30T10:00:00+02:00');
    const before = slaMails().length;
    await tick();
    expect(slaMails()).toHaveLength(before);
  });
});
