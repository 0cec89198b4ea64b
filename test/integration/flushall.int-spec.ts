import { Redis } from 'ioredis';
import { Database } from '../../src/infra/database/database.service.js';
import { BullMqJobQueue } from '../../src/infra/jobs/bullmq-job-queue.js';
import { JobName } from '../../src/infra/jobs/job-names.js';
import { Reconciler } from '../../src/infra/jobs/reconciler.js';
import { signInAs, type TestUser } from '../support/auth.js';
import { freshDatabase, startTestApp, type TestApp } from '../support/test-app.js';
import {
  REDIS_URL,
  databaseState,
  duplicates,
  sleep,
  startCollector,
  startWorkerProcess,
  waitUntil,
  type Collector,
  type ReceivedMail,
} from './support.js';

/**
 * Integration suite on real PostgreSQL and Redis (`npm run test:integration`). It runs FLUSHALL
 * on REDIS_URL: point it at a Redis nothing else uses while it runs (CI runs it on its own,
 * after the e2e suite and before `npm test`).
 *
 * The database is the source of truth for background work: a wiped queue, a killed worker or a
 * job running twice must not lose a question or a mail, nor send a mail twice.
 */

const JOBS_ENV = {
  REDIS_URL,
  WORKERS: 'true',
  RECONCILE_INTERVAL_MS: '1000', // the minimum the config accepts
};

type Row = { id: string; status: string; attempts: number; claimed_at: Date | null };

interface Submitted {
  id: string;
  reference: string;
}

/** Submits `count` questions over HTTP with `concurrency` clients; `onProgress(done)` runs after each answer. */
async function submitBatch(
  t: TestApp | TestApp[],
  who: TestUser,
  count: number,
  keuzeFor: (i: number) => number,
  concurrency: number,
  onProgress: (done: number) => Promise<void> = async () => undefined,
): Promise<Submitted[]> {
  const apps = [t].flat();
  const submitted: Submitted[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      const i = next++;
      const res = await apps[i % apps.length]!.http.post('/api/v1/questions').set(who.auth).send({ title: `Vraag ${i}`, body: `Vraag ${i} uit de batch.`, keuzeIds: [keuzeFor(i)] });
      if (res.status !== 201) throw new Error(`submission ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      submitted.push({ id: res.body.id, reference: res.body.reference });
      await onProgress(submitted.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return submitted;
}

/** Jobs in Redis right now, by state and name. */
async function jobsInRedis(queue: BullMqJobQueue): Promise<Record<string, number>> {
  const jobs = await queue.bullQueue.getJobs(['wait', 'active', 'delayed', 'prioritized']);
  const counts: Record<string, number> = {};
  for (const job of jobs) if (job) counts[job.name] = (counts[job.name] ?? 0) + 1;
  return counts;
}

const mailKey = (m: ReceivedMail) => `${m.reference} → ${m.to.join(',')}`;

describe('background work on Redis + PostgreSQL (integration)', () => {
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

  beforeEach(async () => {
    // This suite owns the Redis it runs on (see above); start every test from an empty one.
    await admin.flushall();
  });

  afterAll(() => admin.disconnect());

  it('routes every question and sends every mail exactly once through a FLUSHALL and a killed worker', async () => {
    const N = 200;
    const CAPACITY = 15;
    // Expert k knows keuze k (1–10); questions cycle through keuzes 1–12. Keuzes 11 and 12 have no
    // expert, and keuzes 1–10 get 16 or 17 questions for 15 places: exactly 150 are assigned
    // (15 per expert, however the two processes interleave) and 50 go to triage.
    const keuzeFor = (i: number) => (i % 12) + 1;
    const expectedAssigned = 10 * CAPACITY;

    const smtp: Collector = await startCollector(['app', 'worker']);
    const database = await freshDatabase();
    // The app under test, with its own BullMQ worker (JOB_CONCURRENCY low, so work queues up in Redis).
    const t = await startTestApp({ ...JOBS_ENV, SMTP_URL: smtp.url('app'), JOB_CONCURRENCY: '2' }, database);
    const dataSource = t.app.get(Database).dataSource;
    const queue = t.app.get(BullMqJobQueue);
    let worker: ReturnType<typeof startWorkerProcess> | undefined;
    try {
      const requester = await signInAs(t, { roles: ['requester'], email: 'vrager@gemeente.example.nl' });
      await signInAs(t, { roles: ['coordinator'], email: 'coordinator@ienw.example.nl' });
      const experts: TestUser[] = [];
      for (let k = 1; k <= 10; k++) experts.push(await signInAs(t, { roles: ['expert'], email: `expert-${k}@ienw.example.nl`, keuzeIds: [k], capacity: CAPACITY }));

      // A second worker: a separate process on the same database and Redis, to be killed mid-batch.
      worker = startWorkerProcess({ ...database.env, ...JOBS_ENV, SMTP_URL: smtp.url('worker'), JOB_CONCURRENCY: '2', PUBLIC_URL: t.config.publicUrl });
      await waitUntil(async () => (await queue.bullQueue.getWorkersCount()) >= 2, 30_000, () => `worker process did not start:\n${worker!.output()}`);

      const log: string[] = [];
      let flushed: { redisJobs: Record<string, number>; unrouted: number; unsentMails: number } | undefined;
      let killed: { at: Date; heldMails: number; sentByWorker: number } | undefined;
      const submitted = await submitBatch(t, requester, N, keuzeFor, 16, async (done) => {
        if (done === N / 2) {
          // FLUSHALL mid-batch: every queued, delayed and running job is gone from Redis.
          const redisJobs = await jobsInRedis(queue);
          const state = await databaseState(dataSource);
          await admin.flushall();
          flushed = { redisJobs, unrouted: state.questions.submitted ?? 0, unsentMails: (state.outbox.pending ?? 0) + (state.outbox.sending ?? 0) };
          log.push(`FLUSHALL after ${done} submissions: jobs in Redis ${JSON.stringify(redisJobs)}; in the database ${flushed.unrouted} questions unrouted, ${flushed.unsentMails} mails unsent`);
        }
        if (done === (3 * N) / 4) {
          // Kill the worker process while it is sending: its SMTP listener stops answering, so the
          // mails it is handing over stay unacknowledged (never delivered). Wait until every mail it
          // did get a 250 for is recorded as sent — a worker dying between the 250 and that record
          // is the one window an outbox cannot close (the Message-ID lets the receiver drop the copy).
          smtp.hold('worker');
          const acknowledged = () => smtp.received.filter((m) => m.via === 'worker').map((m) => m.outboxId!);
          await waitUntil(
            async () => {
              const ids = acknowledged();
              if (ids.length === 0) return true;
              const rows = (await dataSource.query(`SELECT COUNT(*) AS n FROM notification_outbox WHERE id = ANY($1) AND status = 'sent'`, [ids])) as { n: string }[];
              return Number(rows[0]!.n) === ids.length;
            },
            15_000,
            () => 'the worker did not record its delivered mails',
            20,
          );
          await sleep(200); // let it claim a few more mails that now hang on the SMTP server
          await worker!.kill();
          const at = new Date();
          const heldMails = smtp.release('worker', 'drop');
          killed = { at, heldMails, sentByWorker: acknowledged().length };
          log.push(`SIGKILL of the worker process after ${done} submissions: it had delivered ${killed.sentByWorker} mails; ${heldMails} were in flight (dropped unacknowledged)`);
        }
      });
      expect(flushed).toBeDefined();
      expect(killed).toBeDefined();
      log.push(`all ${submitted.length} submissions answered 201`);

      // Real time: the reconciler (every second) finds what FLUSHALL and the kill lost once its
      // grace (one RECONCILE_INTERVAL_MS) passes, BullMQ's stalled-job check hands the killed
      // worker's jobs back, and the mails the killed worker had claimed are taken over once their
      // claim has gone unrenewed for the grace — no clock needs moving.
      const state = () => databaseState(dataSource);
      await waitUntil(
        async () => {
          const s = await state();
          const routed = (s.questions.assigned ?? 0) + (s.questions.triage ?? 0);
          if (routed !== N) return false;
          return s.outbox.sent === Object.values(s.outbox).reduce((a, b) => a + b, 0) && new Set(smtp.received.map((m) => m.outboxId)).size === s.outbox.sent;
        },
        120_000,
        async () => JSON.stringify(await state()),
        500,
      );
      log.push(`all questions routed and every mail sent ${((Date.now() - killed!.at.getTime()) / 1000).toFixed(1)} s after the kill`);
      // Give duplicates every chance to show up: more reconciler runs and late jobs.
      for (let i = 0; i < 3; i++) {
        await t.app.get(Reconciler).reconcileNow();
        await sleep(1000);
      }

      // Questions: all routed, capacity respected, each routed exactly once.
      const final = await state();
      expect(final.questions).toEqual({ assigned: expectedAssigned, triage: N - expectedAssigned });
      const loads = (await dataSource.query(`SELECT assignee_id AS id, COUNT(*) AS n FROM questions WHERE assignee_id IS NOT NULL GROUP BY assignee_id`)) as { id: string; n: string }[];
      expect(loads.map((l) => Number(l.n))).toEqual(Array(10).fill(CAPACITY));
      const routedTwice = await dataSource.query(
        `SELECT question_id FROM question_events WHERE type IN ('routed', 'unroutable') GROUP BY question_id HAVING COUNT(*) <> 1`,
      );
      expect(routedTwice).toEqual([]);
      expect(await dataSource.query(`SELECT COUNT(*) AS n FROM questions WHERE assignment_count > 1`)).toEqual([{ n: '0' }]);

      // Mails: every outbox row sent, and the SMTP server got each exactly once.
      const rows = (await dataSource.query(`SELECT id, status, attempts, claimed_at FROM notification_outbox`)) as Row[];
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      expect(duplicates(smtp.received, (m) => m.outboxId!)).toEqual([]);
      expect(duplicates(smtp.received, mailKey)).toEqual([]);
      expect(new Set(smtp.received.map((m) => m.outboxId))).toEqual(new Set(rows.map((r) => r.id)));

      const byReference = new Map(submitted.map((s) => [s.reference, s]));
      const receipts = smtp.received.filter((m) => m.to.includes(requester.user.email));
      expect(receipts.every((m) => /ontvangen/.test(m.subject))).toBe(true);
      expect(new Set(receipts.map((m) => m.reference))).toEqual(new Set(byReference.keys()));
      expect(receipts).toHaveLength(N);

      const assigned = (await dataSource.query(
        `SELECT q.reference, u.email FROM questions q JOIN users u ON u.id = q.assignee_id WHERE q.status = 'assigned'`,
      )) as { reference: string; email: string }[];
      const assignmentMails = smtp.received.filter((m) => /toegewezen/.test(m.subject) && !/niet automatisch/.test(m.subject));
      expect(assignmentMails.map(mailKey).sort()).toEqual(assigned.map((a) => `${a.reference} → ${a.email}`).sort());
      const triaged = (await dataSource.query(`SELECT reference FROM questions WHERE status = 'triage'`)) as { reference: string }[];
      const unroutableMails = smtp.received.filter((m) => /niet automatisch/.test(m.subject));
      expect(unroutableMails.map(mailKey).sort()).toEqual(triaged.map((q) => `${q.reference} → coordinator@ienw.example.nl`).sort());
      expect(smtp.received).toHaveLength(N + expectedAssigned + (N - expectedAssigned));

      const attempts: Record<string, number> = {};
      for (const r of rows) attempts[r.attempts] = (attempts[r.attempts] ?? 0) + 1;
      log.push(
        `done: ${final.questions.assigned} assigned (${CAPACITY} per expert), ${final.questions.triage} in triage; ` +
          `${smtp.received.length} mails received, ${receipts.length} receipts, ${assignmentMails.length} assignments, ${unroutableMails.length} unroutable, 0 duplicates; ` +
          `delivered by the app ${smtp.received.filter((m) => m.via === 'app').length}, by the killed worker ${smtp.received.filter((m) => m.via === 'worker').length}; ` +
          `outbox rows by delivery attempts ${JSON.stringify(attempts)}`,
      );
      console.log(`FLUSHALL + killed worker, ${N} questions:\n  ${log.join('\n  ')}`);
    } finally {
      await worker?.kill();
      await t.close();
      await database.drop();
      await smtp.close();
    }
  }, 600_000);

  it('sends every mail exactly once when two app instances work the same queue and jobs run repeatedly', async () => {
    const N = 100;
    // Each SMTP answer takes 0–15 ms, so a mail spends a while "being sent" and duplicate jobs overlap.
    const smtp = await startCollector(['a', 'b'], { delayMs: () => Math.random() * 15 });
    const database = await freshDatabase();
    const a = await startTestApp({ ...JOBS_ENV, SMTP_URL: smtp.url('a') }, database);
    let b: TestApp | undefined;
    let stopDuplicating = false;
    let duplicator: Promise<void> = Promise.resolve();
    try {
      b = await startTestApp({ ...JOBS_ENV, SMTP_URL: smtp.url('b') }, database);
      const dataSource = a.app.get(Database).dataSource;
      const requester = await signInAs(a, { roles: ['requester'], email: 'vrager@gemeente.example.nl' });
      for (let i = 1; i <= 5; i++) await signInAs(a, { roles: ['expert'], email: `expert-${i}@ienw.example.nl`, themeIds: [1, 2, 3, 4, 5, 6, 7, 8], capacity: 1000 });

      // Besides the app's own jobs, every mail and every routing gets two more jobs, one through
      // each instance, while it is still pending: both workers race for the same rows.
      const queues = [a.app.get(BullMqJobQueue), b.app.get(BullMqJobQueue)];
      const extraSends = new Set<string>();
      const extraRoutes = new Set<string>();
      duplicator = (async () => {
        while (!stopDuplicating) {
          const mails = (await dataSource.query(`SELECT id FROM notification_outbox WHERE status IN ('pending', 'sending')`)) as { id: string }[];
          const questions = (await dataSource.query(`SELECT id FROM questions WHERE status = 'submitted'`)) as { id: string }[];
          for (const { id } of mails.filter((m) => !extraSends.has(m.id))) {
            extraSends.add(id);
            for (const [i, q] of queues.entries()) await q.enqueue(JobName.SendNotification, { outboxId: id }, { jobId: `extra-${i}-${id}` });
          }
          for (const { id } of questions.filter((q) => !extraRoutes.has(q.id))) {
            extraRoutes.add(id);
            for (const [i, q] of queues.entries()) await q.enqueue(JobName.RouteQuestion, { questionId: id }, { jobId: `extra-${i}-${id}` });
          }
          await sleep(10);
        }
      })();

      const submitted = await submitBatch([a, b], requester, N, (i) => (i % 33) + 1, 8);
      await waitUntil(
        async () => {
          const s = await databaseState(dataSource);
          return s.questions.assigned === N && s.outbox.sent === 2 * N && smtp.received.length >= 2 * N;
        },
        120_000,
        async () => JSON.stringify(await databaseState(dataSource)),
      );
      stopDuplicating = true;
      await duplicator;
      await sleep(2000); // late duplicates would arrive now

      expect(duplicates(smtp.received, (m) => m.outboxId!)).toEqual([]);
      expect(duplicates(smtp.received, mailKey)).toEqual([]);
      expect(smtp.received).toHaveLength(2 * N); // a receipt and an assignment per question
      expect(new Set(smtp.received.filter((m) => m.to.includes(requester.user.email)).map((m) => m.reference))).toEqual(new Set(submitted.map((s) => s.reference)));
      // Exactly one claim per row: no job ever took a mail another worker had claimed.
      expect(await dataSource.query(`SELECT attempts, COUNT(*) AS n FROM notification_outbox GROUP BY attempts`)).toEqual([{ attempts: 1, n: String(2 * N) }]);
      expect(await dataSource.query(`SELECT question_id FROM question_events WHERE type = 'routed' GROUP BY question_id HAVING COUNT(*) <> 1`)).toEqual([]);
      const viaA = smtp.received.filter((m) => m.via === 'a').length;
      expect(viaA).toBeGreaterThan(0);
      expect(viaA).toBeLessThan(2 * N); // both instances delivered
      console.log(
        `two instances, ${N} questions: ${smtp.received.length} mails, 0 duplicates (instance a ${viaA}, b ${2 * N - viaA}); ` +
          `${2 * extraSends.size} extra send jobs for ${extraSends.size} mails and ${2 * extraRoutes.size} extra routing jobs for ${extraRoutes.size} questions ran without effect`,
      );
    } finally {
      stopDuplicating = true;
      await duplicator.catch(() => undefined);
      await b?.close();
      await a.close();
      await database.drop();
      await smtp.close();
    }
  }, 300_000);
});
