import { Clock } from '../src/common/clock.js';
import { Database } from '../src/infra/database/database.service.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { QuestionEvents } from '../src/questions/question-events.js';
import { QuestionLifecycle } from '../src/questions/question-lifecycle.service.js';
import { QuestionSla, QuestionSlaKeuze, SlaEvent } from '../src/sla/sla.entities.js';
import { SlaService } from '../src/sla/sla.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * The intake writes what it knows directly instead of recomputing and reading back (see
 * docs/benchmarks.md, "Intake"): these tests hold it to what the general paths would produce.
 */
describe('question intake: direct writes equal the general paths (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let coordinator: TestUser;
  const drain = () => t.app.get(InProcessJobQueue).drain();
  /** Runs `work` with the jobs it enqueues held back (so routing cannot change the question meanwhile), then releases them. */
  const withJobsHeld = async (work: () => Promise<void>) => {
    const queue = t.app.get(InProcessJobQueue);
    const enqueue = queue.enqueue;
    const held: Parameters<typeof enqueue>[] = [];
    queue.enqueue = async (...args) => void held.push(args);
    try {
      await work();
    } finally {
      queue.enqueue = enqueue;
      for (const args of held) await queue.enqueue(...args);
      await drain();
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(Clock).now = () => new Date('2026-06-01T09:30:00+02:00');
    requester = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0363' });
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 5 });
  });
  afterAll(() => t.close());

  const stored = async (questionId: string) => {
    const m = t.app.get(Database).manager;
    return {
      clocks: await m.find(QuestionSla, { where: { questionId }, order: { kind: 'ASC', round: 'ASC' } }),
      keuzes: await m.find(QuestionSlaKeuze, { where: { questionId }, order: { kind: 'ASC', round: 'ASC', keuzeId: 'ASC' } }),
      events: await m.find(SlaEvent, { where: { questionId }, order: { occurredAt: 'ASC', kind: 'ASC', type: 'ASC' } }),
    };
  };
  const withoutIds = (rows: Awaited<ReturnType<typeof stored>>) => ({
    clocks: rows.clocks.map(({ id: _id, updatedAt: _updatedAt, ...rest }) => rest),
    keuzes: rows.keuzes,
    events: rows.events.map(({ id: _id, ...rest }) => rest),
  });

  it('answers the submission with exactly what reading the question back shows', () =>
    withJobsHeld(async () => {
      const res = await t.http
        .post('/api/v1/questions')
        .set(requester.auth)
        .send({ title: 'Bouwen in de uiterwaarden', body: 'Mag dat?', keuzeIds: [25, 21, 22], context: 'Zutphen', desiredAnswerDate: '2026-07-01' })
        .expect(201);
      const read = await t.http.get(`/api/v1/questions/${res.body.id}`).set(requester.auth).expect(200);
      expect(res.body).toEqual(read.body);
      expect(res.body).toMatchObject({ status: 'submitted', keuzeIds: [21, 22, 25], reference: expect.stringMatching(/^WBS-2026-\d{5}$/) });
    }));

  it('starts the clocks of a new question as a recompute from scratch would', () =>
    withJobsHeld(async () => {
      const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Peilbeheer', body: 'Wie beslist?', keuzeIds: [22, 25, 26] }).expect(201)).body.id as string;
      const direct = await stored(id);
      expect(direct.clocks.map((c) => c.kind)).toEqual(['answer', 'first_response']);
      expect(direct.keuzes).toHaveLength(6);
      expect(direct.events).toHaveLength(2);

      const sla = t.app.get(SlaService);
      const db = t.app.get(Database);
      // Recomputing finds nothing to change …
      await db.transaction((m) => sla.recompute(m, id));
      expect(await stored(id)).toEqual(direct);
      // … and rebuilding from nothing writes the same rows.
      await db.transaction(async (m) => {
        await m.delete(QuestionSla, { questionId: id });
        await m.delete(QuestionSlaKeuze, { questionId: id });
        await m.delete(SlaEvent, { questionId: id });
        await sla.recompute(m, id);
      });
      expect(withoutIds(await stored(id))).toEqual(withoutIds(direct));
    }));

  it('numbers references on from the year counter, with more than five digits when needed', async () => {
    const db = t.app.get(Database);
    const p = db.kind === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const submit = async () => (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Nummer', body: 'Welk?', keuzeIds: [21] }).expect(201)).body;
    await db.transaction((m) => m.query(`UPDATE reference_counters SET last_number = ${p[0]} WHERE year = ${p[1]}`, [99_998, 2026]));
    const [a, b] = [await submit(), await submit()];
    expect([a.reference, b.reference]).toEqual(['WBS-2026-99999', 'WBS-2026-100000']);
    expect((await t.http.get(`/api/v1/questions/${b.id}`).set(requester.auth).expect(200)).body.reference).toBe('WBS-2026-100000');
    await drain();
  });

  it('writes concurrent submissions together, each with its own reference, and a failing one fails alone', async () => {
    const db = t.app.get(Database);
    const batches: number[] = [];
    t.app.get(QuestionEvents).subscribe(async (_m, recorded) => {
      batches.push(recorded.length);
      if (recorded.some(({ event, question }) => event.type === 'submitted' && question.title === 'Mislukt')) throw new Error('this submission fails inside the transaction');
    });
    const counter = async () => Number((await db.manager.query(`SELECT last_number FROM reference_counters WHERE year = 2026`))[0].last_number);
    const before = await counter();
    const titles = Array.from({ length: 12 }, (_, i) => (i === 5 ? 'Mislukt' : `Tegelijk ${i}`));
    const responses = await Promise.all(titles.map((title) => t.http.post('/api/v1/questions').set(requester.auth).send({ title, body: 'Samen?', keuzeIds: [25, 26] })));
    expect(responses.map((r) => r.status)).toEqual(titles.map((title) => (title === 'Mislukt' ? 500 : 201)));
    expect(Math.max(...batches)).toBeGreaterThan(1); // some were written together

    // Gapless: the eleven that succeeded took the counter's next eleven numbers.
    const accepted = responses.filter((r) => r.status === 201).map((r) => r.body);
    const numbers = accepted.map((q) => Number(q.reference.slice('WBS-2026-'.length))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 11 }, (_, i) => before + 1 + i));
    expect(await counter()).toBe(before + 11);
    expect(await db.manager.query(`SELECT id FROM questions WHERE title = 'Mislukt'`)).toEqual([]);

    // Each is stored whole: as read back, with its clocks, its search key and one receipt mail.
    for (const q of accepted) {
      const read = (await t.http.get(`/api/v1/questions/${q.id}`).set(requester.auth).expect(200)).body;
      expect(read).toMatchObject({ id: q.id, reference: q.reference, title: q.title, keuzeIds: [25, 26] });
      expect((await stored(q.id)).clocks).toHaveLength(2);
      const p = db.kind === 'postgres' ? '$1' : '?';
      expect(await db.manager.query(`SELECT COUNT(*) AS n FROM question_search_keys WHERE question_id = ${p}`, [q.id])).toEqual([{ n: expect.anything() }]);
      const receipts = await db.manager.query(`SELECT subject FROM notification_outbox WHERE event_key = ${p}`, [`question:${q.id}:received`]);
      expect(receipts).toHaveLength(1);
      expect(receipts[0].subject).toContain(`[${q.reference}]`);
    }
    await drain();
  });

  it('routes questions whose jobs run together in one go, counting the experts chosen before within the batch', async () => {
    const a = await signInAs(t, { roles: ['expert'], keuzeIds: [30], capacity: 2 });
    const b = await signInAs(t, { roles: ['expert'], keuzeIds: [30, 31], capacity: 2 });
    const questions = t.app.get(QuestionLifecycle);
    const routeMany = questions.routeMany.bind(questions);
    const batches: number[] = [];
    questions.routeMany = (m, routed, now) => (batches.push(routed.length), routeMany(m, routed, now));
    const ids: string[] = [];
    try {
      await withJobsHeld(async () => {
        for (let i = 0; i < 5; i++) ids.push((await t.http.post('/api/v1/questions').set(requester.auth).send({ title: `Samen routeren ${i}`, body: 'Wie?', keuzeIds: [30] }).expect(201)).body.id);
      });
    } finally {
      questions.routeMany = routeMany;
    }
    expect(Math.max(...batches)).toBeGreaterThan(1);
    const read = await Promise.all(ids.map(async (id) => (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.auth).expect(200)).body));
    // Capacity 2 each: four assigned, two per expert, the fifth to triage.
    expect(read.map((q) => q.status).sort()).toEqual(['assigned', 'assigned', 'assigned', 'assigned', 'triage']);
    const assignees = read.filter((q) => q.status === 'assigned').map((q) => q.assignee.id);
    expect(assignees.filter((id) => id === a.user.id)).toHaveLength(2);
    expect(assignees.filter((id) => id === b.user.id)).toHaveLength(2);
    const db = t.app.get(Database);
    const p = db.kind === 'postgres' ? '$1' : '?';
    for (const q of read.filter((x) => x.status === 'assigned')) {
      expect(q.timeline.filter((e: { type: string }) => e.type === 'routed')).toHaveLength(1);
      expect((await stored(q.id)).clocks.map((c) => c.assigneeId)).toEqual([q.assignee.id, q.assignee.id]);
      const mails = await db.manager.query(`SELECT recipient_user_id FROM notification_outbox WHERE event_key = ${p}`, [`question:${q.id}:assigned:1`]);
      expect(mails).toEqual([{ recipient_user_id: q.assignee.id }]);
    }
    // The notes count the assignments made before within the batch: each choice saw the loads so far.
    const notes = read.filter((q) => q.status === 'assigned').sort((x, y) => x.reference.localeCompare(y.reference));
    const loadsSeen = notes.map((q) => q.timeline.find((e: { type: string }) => e.type === 'routed').details.considered.map((c: { openLoad: number }) => c.openLoad).sort());
    expect(loadsSeen).toEqual([[0, 0], [0, 1], [1, 1], [1]]);
  });

  it('keeps the assignee on the clocks when the question is routed', async () => {
    const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Routering', body: 'Naar wie?', keuzeIds: [21] }).expect(201)).body.id as string;
    await drain();
    const q = (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.auth).expect(200)).body;
    expect(q.status).toBe('assigned');
    const { clocks } = await stored(id);
    expect(clocks.map((c) => c.assigneeId)).toEqual([q.assignee.id, q.assignee.id]);
  });
});
