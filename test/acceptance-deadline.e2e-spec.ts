import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { signInAs } from './support/auth.js';
import { TestSmtp, sentTo, startSmtp } from './support/smtp.js';

/**
 * The acceptance deadline of an assignment, and its reminders, fall in office hours (09:00–17:00):
 * one working day of office time after the assignment, measured like the SLA clocks. March 2026:
 * Mon 2 … Fri 6, Mon 9, Tue 10 are working days.
 */
describe('acceptance deadline and reminders in office hours (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const drain = () => t.app.get(InProcessJobQueue).drain();
  const reconcileAt = async (instant: string) => {
    t.at(instant);
    await t.app.get(Reconciler).reconcileNow();
    await drain();
  };
  const mailsAbout = (reference: string, address: string, subject: RegExp) => smtp.messages.filter((m) => sentTo(address)(m) && m.subject!.includes(reference) && subject.test(m.subject!));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url });
    t.at('2026-03-01T12:00:00+01:00');
    await signInAs(t, { roles: ['coordinator'], email: 'coordinator@ienw.example.nl' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function submitAt(instant: string, keuzeId: number): Promise<{ id: string; reference: string }> {
    t.at(instant);
    // A fresh session at that moment (sessions last 12 hours).
    const requester = await signInAs(t, { roles: ['requester'], email: 'vrager@gemeente.example.nl' });
    const res = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Grondwater bij nacht', body: 'Wanneer moet de expert reageren?', keuzeIds: [keuzeId] }).expect(201);
    await drain();
    return res.body;
  }

  it('gives a question assigned at 01:24 on a Monday until Monday 17:00, and reminds at 17:00, not at night', async () => {
    await signInAs(t, { roles: ['expert'], email: 'nacht@ienw.example.nl', keuzeIds: [21], capacity: 10 });
    const q = await submitAt('2026-03-02T01:24:00+01:00', 21);
    const assigned = await smtp.waitFor((m) => sentTo('nacht@ienw.example.nl')(m) && m.subject!.includes(q.reference));
    expect(assigned.text).toContain('Wilt u de vraag vóór maandag 2 maart 2026 om 17:00 accepteren');
    expect(assigned.html).toContain('vóór maandag 2 maart 2026 om 17:00 accepteren');
    expect(assigned.text).not.toContain('01:24');

    // The reminder to the expert is due at the deadline: not during the night, nor before 17:00.
    await reconcileAt('2026-03-02T08:59:00+01:00');
    await reconcileAt('2026-03-02T16:59:59+01:00');
    expect(mailsAbout(q.reference, 'nacht@ienw.example.nl', /nog niet geaccepteerd/)).toHaveLength(0);
    await reconcileAt('2026-03-02T17:00:00+01:00');
    const [reminder] = mailsAbout(q.reference, 'nacht@ienw.example.nl', /nog niet geaccepteerd/);
    expect(reminder.text).toContain('met het verzoek haar vóór maandag 2 maart 2026 om 17:00 te accepteren');

    // The coordinators are told one working day of office time later: Tuesday 17:00, not Wednesday 01:24.
    await reconcileAt('2026-03-03T16:59:59+01:00');
    expect(mailsAbout(q.reference, 'coordinator@ienw.example.nl', /nog niet geaccepteerd/)).toHaveLength(0);
    await reconcileAt('2026-03-03T17:00:00+01:00');
    const [escalation] = mailsAbout(q.reference, 'coordinator@ienw.example.nl', /nog niet geaccepteerd/);
    expect(escalation.text).toContain('niet vóór maandag 2 maart 2026 om 17:00 geaccepteerd');
    expect(mailsAbout(q.reference, 'nacht@ienw.example.nl', /nog niet geaccepteerd/)).toHaveLength(1);
  });

  it('gives a question assigned on Friday at 16:00 until Monday 16:00', async () => {
    await signInAs(t, { roles: ['expert'], email: 'vrijdag@ienw.example.nl', keuzeIds: [25], capacity: 10 });
    const q = await submitAt('2026-03-06T16:00:00+01:00', 25);
    const assigned = await smtp.waitFor((m) => sentTo('vrijdag@ienw.example.nl')(m) && m.subject!.includes(q.reference));
    expect(assigned.text).toContain('Wilt u de vraag vóór maandag 9 maart 2026 om 16:00 accepteren');

    await reconcileAt('2026-03-09T15:59:59+01:00');
    expect(mailsAbout(q.reference, 'vrijdag@ienw.example.nl', /nog niet geaccepteerd/)).toHaveLength(0);
    await reconcileAt('2026-03-09T16:00:00+01:00');
    expect(mailsAbout(q.reference, 'vrijdag@ienw.example.nl', /nog niet geaccepteerd/)).toHaveLength(1);
  });

  it('gives a question assigned in the weekend until the next working day 17:00', async () => {
    await signInAs(t, { roles: ['expert'], email: 'weekend@ienw.example.nl', keuzeIds: [30], capacity: 10 });
    const q = await submitAt('2026-03-07T22:10:00+01:00', 30);
    const assigned = await smtp.waitFor((m) => sentTo('weekend@ienw.example.nl')(m) && m.subject!.includes(q.reference));
    expect(assigned.text).toContain('Wilt u de vraag vóór maandag 9 maart 2026 om 17:00 accepteren');
  });
});
