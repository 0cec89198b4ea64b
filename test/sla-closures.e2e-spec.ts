import { WorkingCalendar } from '../src/calendar/working-calendar.js';
import { Database } from '../src/infra/database/database.service.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { ClosuresService } from '../src/sla/closures.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInCast } from './support/auth.js';

/**
 * Closure days and policies: a change re-measures the affected questions in a background job
 * (found again by the reconciler if that job is lost). Week of Mon 1 June 2026 (CEST).
 */
describe('service levels: closure days and policies (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let answered: string;
  let running: string;
  const drain = () => t.drain();
  const at = (local: string) => t.at(local);
  const sla = async (id: string) => (await t.http.get(`/api/v1/questions/${id}/sla`).set(coordinator.auth).expect(200)).body.clocks as Record<string, unknown>[];
  const clock = (clocks: Record<string, unknown>[], kind: string) => clocks.find((c) => c.kind === kind)!;

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    at('2026-06-01T08:00:00+02:00');
    ({ requester, expert, coordinator, secretariat } = await signInCast(t, [21]));

    at('2026-06-01T09:00:00+02:00');
    answered = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Gesloten dag', body: 'b', keuzeIds: [21] }).expect(201)).body.id;
    await drain();
    at('2026-06-01T10:00:00+02:00');
    await t.http.post(`/api/v1/questions/${answered}/accept`).set(expert.auth).expect(200);
    at('2026-06-03T09:00:00+02:00');
    running = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Loopt nog', body: 'b', keuzeIds: [21] }).expect(201)).body.id;
    await drain();
    at('2026-06-04T09:00:00+02:00');
    await t.http.post(`/api/v1/questions/${answered}/answer`).set(expert.auth).send({ body: 'Antwoord' }).expect(200);
    await drain();
    at('2026-06-04T12:00:00+02:00');
  });
  afterAll(() => t.close());

  it('measures without closures first', async () => {
    expect(clock(await sla(answered), 'answer')).toMatchObject({ measuredDays: 3 });
    expect(clock(await sla(answered), 'first_response')).toMatchObject({ measuredDays: 0.125 });
    // Running: first response due two working days after Wed 09:00, i.e. Thu 17:00.
    expect(clock(await sla(running), 'first_response')).toMatchObject({ dueAt: '2026-06-04T15:00:00.000Z', stoppedAt: null });
  });

  it('recomputes the questions touching a new closure day in the background', async () => {
    const res = await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-06-02', reason: 'Heidag secretariaat' }).expect(201);
    expect(res.body).toMatchObject({ day: '2026-06-02', reason: 'Heidag secretariaat' });
    expect(t.app.get(WorkingCalendar).isWorkingDay('2026-06-02')).toBe(false);
    await drain();
    expect(clock(await sla(answered), 'answer')).toMatchObject({ measuredDays: 2 });
    expect(clock(await sla(answered), 'first_response')).toMatchObject({ measuredDays: 0.125 });
    const overview = (await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body;
    expect(overview.answerDays).toEqual({ median: 2, p90: 2, count: 1 });

    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-06-04' }).expect(201);
    await drain();
    // Thursday closed: the running question's first response is due on Friday 17:00.
    expect(clock(await sla(running), 'first_response')).toMatchObject({ dueAt: '2026-06-05T15:00:00.000Z' });
    const list = (await t.http.get('/api/v1/calendar/closures').set(secretariat.auth).expect(200)).body;
    expect(list.data.map((c: { day: string; recomputePending: boolean }) => [c.day, c.recomputePending])).toEqual([
      ['2026-06-02', false],
      ['2026-06-04', false],
    ]);
    expect(list.page.total).toBe(2);
  });

  it('refuses duplicates, weekends and bad dates', async () => {
    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-06-02' }).expect(409);
    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-06-06' }).expect(409); // a Saturday
    await t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day: '2026-02-30' }).expect(400);
    await t.http.post('/api/v1/calendar/closures').set(coordinator.auth).send({ day: '2026-06-10' }).expect(403);
    await t.http.delete('/api/v1/calendar/closures/2026-06-10').set(secretariat.auth).expect(404);
    await t.http.delete('/api/v1/calendar/closures/juni').set(secretariat.auth).expect(400);
  });

  it('measures again without the day once it is removed', async () => {
    await t.http.delete('/api/v1/calendar/closures/2026-06-04').set(secretariat.auth).expect(204);
    await t.http.delete('/api/v1/calendar/closures/2026-06-02').set(secretariat.auth).expect(204);
    expect(t.app.get(WorkingCalendar).isWorkingDay('2026-06-02')).toBe(true);
    await drain();
    expect(clock(await sla(answered), 'answer')).toMatchObject({ measuredDays: 3 });
    expect(clock(await sla(running), 'first_response')).toMatchObject({ dueAt: '2026-06-04T15:00:00.000Z' });
    expect((await t.http.get('/api/v1/calendar/closures').set(secretariat.auth).expect(200)).body.page.total).toBe(0);
  });

  it('picks up a closure another process added, and a lost recompute job, through the reconciler', async () => {
    const db = t.app.get(Database);
    const ts = (iso: string) => (db.kind === 'postgres' ? `'${iso}'` : `'${iso.replace('T', ' ').replace('Z', '')}'`);
    await db.transaction((m) =>
      m.query(`INSERT INTO calendar_closures (day, reason, created_at, changed_at, recompute_pending) VALUES ('2026-06-03', 'elders', ${ts('2026-06-04T10:00:00.000Z')}, ${ts('2026-06-04T10:00:00.000Z')}, ${db.kind === 'postgres' ? 'true' : '1'})`),
    );
    expect(t.app.get(WorkingCalendar).isWorkingDay('2026-06-03')).toBe(true); // not yet seen here
    await t.app.get(Reconciler).reconcileNow();
    await drain();
    expect(t.app.get(WorkingCalendar).isWorkingDay('2026-06-03')).toBe(false);
    expect(clock(await sla(answered), 'answer')).toMatchObject({ measuredDays: 2 });
    // The running question started on the closed Wednesday: its clock starts on Thursday 09:00.
    expect(clock(await sla(running), 'first_response')).toMatchObject({ dueAt: '2026-06-05T15:00:00.000Z' });
    await t.app.get(ClosuresService).reload();
  });

  it('lets the secretariat change a policy; running clocks follow, stopped ones keep their verdict', async () => {
    const policies = (await t.http.get('/api/v1/sla-policies').set(coordinator.auth).expect(200)).body;
    expect(policies.data.map((p: { priority: string; firstResponseDays: number; answerDays: number; reminderPct: number }) => [p.priority, p.firstResponseDays, p.answerDays, p.reminderPct])).toEqual([
      ['normal', 2, 10, 80],
      ['urgent', 1, 5, 80],
    ]);
    await t.http.put('/api/v1/sla-policies/normal').set(coordinator.auth).send({ firstResponseDays: 1, answerDays: 5 }).expect(403);
    await t.http.put('/api/v1/sla-policies/normal').set(secretariat.auth).send({ firstResponseDays: 3, answerDays: 2 }).expect(400);
    await t.http.put('/api/v1/sla-policies/low').set(secretariat.auth).send({ firstResponseDays: 1, answerDays: 5 }).expect(404);
    await t.http.put('/api/v1/sla-policies/normal').set(secretariat.auth).send({ firstResponseDays: 0, answerDays: 5 }).expect(400);
    const updated = await t.http.put('/api/v1/sla-policies/normal').set(secretariat.auth).send({ firstResponseDays: 1, answerDays: 4, reminderPct: 75 }).expect(200);
    expect(updated.body).toMatchObject({ priority: 'normal', firstResponseDays: 1, answerDays: 4, reminderPct: 75 });
    await drain();
    // Running (Wed 3 June closed since the previous test): starts Thu 09:00, 1 day → Thu 17:00.
    expect(clock(await sla(running), 'first_response')).toMatchObject({ targetDays: 1, dueAt: '2026-06-04T15:00:00.000Z' });
    expect(clock(await sla(answered), 'answer')).toMatchObject({ targetDays: 10, met: true });
    expect((await t.http.get('/api/v1/sla-policies/normal').set(secretariat.auth).expect(200)).body.answerDays).toBe(4);
  });
});
