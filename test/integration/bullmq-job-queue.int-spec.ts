import { randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { AppConfig } from '../../src/config/app-config.js';
import { BullMqJobQueue, bullJobId } from '../../src/infra/jobs/bullmq-job-queue.js';
import { JobHandler } from '../../src/infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../../src/infra/jobs/job-names.js';
import { JobQueue } from '../../src/infra/jobs/job-queue.js';
import { JobsModule } from '../../src/infra/jobs/jobs.module.js';
import { JobRunner, type JobsOptions } from '../../src/infra/jobs/jobs.options.js';
import { Reconciler } from '../../src/infra/jobs/reconciler.js';

/**
 * BullMQ on the real Redis (integration project: `npm run test:integration`; it needs a Redis,
 * so it is not a unit test). Every test uses its own key prefix below a per-run prefix, and
 * deletes exactly those keys afterwards — never FLUSHALL, other suites may share the server.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_PREFIX = `vbtest-${randomBytes(5).toString('hex')}`;

type Payload = JobPayloads[JobName.SendNotification];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

@Injectable()
class FakeHandler {
  calls: Array<{ outboxId: string; at: number }> = [];
  impl: (payload: Payload) => Promise<void> = async () => undefined;

  @JobHandler(JobName.SendNotification)
  async handle(payload: Payload): Promise<void> {
    this.calls.push({ outboxId: payload.outboxId, at: Date.now() });
    await this.impl(payload);
  }

  ids(): string[] {
    return this.calls.map((c) => c.outboxId).sort();
  }
}

describe('BullMqJobQueue (real Redis)', () => {
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const open: TestingModule[] = [];
  let prefix: string;
  let testNumber = 0;

  async function boot(env: Record<string, string> = {}, overrides: Partial<JobsOptions> = {}, extra: Array<new (...a: never[]) => unknown> = []) {
    const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent', REDIS_URL, ...env });
    const moduleRef = await Test.createTestingModule({
      imports: [
        JobsModule.forRoot(config, {
          jobNames: [JobName.SendNotification],
          prefix,
          backoffMs: 100,
          reconcileIntervalMs: 3_600_000,
          ...overrides,
        }),
      ],
      providers: [FakeHandler, ...extra],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    open.push(moduleRef);
    const queue = moduleRef.get(BullMqJobQueue);
    await queue.bullQueue.waitUntilReady();
    await moduleRef.get(Reconciler).whenIdle(); // the startup run, so sources registered below see only our calls
    return { moduleRef, queue, handler: moduleRef.get(FakeHandler), reconciler: moduleRef.get(Reconciler) };
  }

  async function deleteKeys(pattern: string): Promise<number> {
    const keys = await admin.keys(`${pattern}*`);
    if (keys.length > 0) await admin.del(...keys);
    return keys.length;
  }

  beforeEach(() => {
    prefix = `${RUN_PREFIX}-${++testNumber}`;
  });

  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
    await deleteKeys(prefix);
  });

  afterAll(async () => {
    await deleteKeys(RUN_PREFIX);
    admin.disconnect();
  });

  it('is the JobQueue with REDIS_URL and runs a job on the worker', async () => {
    const { moduleRef, handler } = await boot();
    expect(moduleRef.get(JobQueue)).toBeInstanceOf(BullMqJobQueue);
    await moduleRef.get(JobQueue).enqueue(JobName.SendNotification, { outboxId: 'a' });
    await waitFor(() => handler.calls.length === 1);
    expect(handler.ids()).toEqual(['a']);
    expect(await admin.keys(`${prefix}:vraagbaak:*`)).not.toHaveLength(0); // really went through Redis under the prefix
  });

  it('retries a failing job with exponential backoff', async () => {
    const { queue, handler } = await boot();
    handler.impl = async () => {
      if (handler.calls.length < 3) throw new Error('SMTP down');
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'r' });
    await waitFor(() => handler.calls.length === 3);
    const [first, second, third] = handler.calls.map((c) => c.at);
    expect(second! - first!).toBeGreaterThanOrEqual(90); // 100 ms
    expect(third! - second!).toBeGreaterThanOrEqual(190); // 200 ms
    await waitFor(async () => (await queue.bullQueue.getJobCounts('completed', 'failed', 'delayed', 'wait', 'active')).delayed === 0);
    const counts = await queue.bullQueue.getJobCounts('failed', 'completed');
    expect(counts).toEqual({ failed: 0, completed: 0 }); // completed jobs are removed at once
  });

  it('ignores an enqueue under a jobId it still holds; the reconciler’s fresh id runs anyway', async () => {
    const { queue, handler, reconciler } = await boot();
    const unsent = new Set(['o-1']);
    handler.impl = async ({ outboxId }) => void unsent.delete(outboxId);
    reconciler.register({
      name: 'test.outbox',
      findPending: async () => [...unsent].map((outboxId) => ({ job: JobName.SendNotification, payload: { outboxId } })),
    });
    // The original job waits a minute (think: a retry backoff); enqueueing it again is a no-op.
    await queue.enqueue(JobName.SendNotification, { outboxId: 'o-1' }, { jobId: 'outbox:o-1', delayMs: 60_000 });
    await queue.enqueue(JobName.SendNotification, { outboxId: 'o-1' }, { jobId: 'outbox:o-1', delayMs: 60_000 });
    expect(await queue.bullQueue.getJobCounts('delayed', 'wait')).toEqual({ delayed: 1, wait: 0 });
    expect((await queue.bullQueue.getJob(bullJobId(JobName.SendNotification, 'outbox:o-1')))?.data).toEqual({ outboxId: 'o-1' });

    expect(await reconciler.reconcileNow()).toBe(1);
    await waitFor(() => handler.calls.length === 1);
    expect(unsent.size).toBe(0);
    expect(await queue.bullQueue.getJobCounts('delayed')).toEqual({ delayed: 1 }); // the original is still parked
  });

  it('loses nothing when Redis is flushed: the reconciler re-enqueues pending work and it runs', async () => {
    const { queue, handler, reconciler } = await boot();
    const unsent = new Set(['o-1', 'o-2', 'o-3']); // "the database"
    handler.impl = async ({ outboxId }) => void unsent.delete(outboxId);
    reconciler.register({
      name: 'test.outbox',
      findPending: async () => [...unsent].map((outboxId) => ({ job: JobName.SendNotification, payload: { outboxId } })),
    });
    for (const outboxId of unsent) {
      await queue.enqueue(JobName.SendNotification, { outboxId }, { jobId: outboxId, delayMs: 60_000 });
    }
    expect(await queue.bullQueue.getJobCounts('delayed')).toEqual({ delayed: 3 });

    expect(await deleteKeys(`${prefix}:`)).toBeGreaterThan(0); // FLUSHALL, limited to this test's keys
    expect(await queue.bullQueue.getJobCounts('delayed', 'wait')).toEqual({ delayed: 0, wait: 0 });

    expect(await reconciler.reconcileNow()).toBe(3);
    await waitFor(() => unsent.size === 0);
    expect(handler.ids()).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('with WORKERS=false only enqueues; a worker process (start:worker) runs the job', async () => {
    const http = await boot({ WORKERS: 'false' });
    await http.queue.enqueue(JobName.SendNotification, { outboxId: 'scaled' });
    await sleep(100);
    expect(http.handler.calls).toHaveLength(0);
    expect(await http.queue.bullQueue.getJobCounts('wait')).toEqual({ wait: 1 });

    const worker = await boot({ WORKERS: 'true' });
    await waitFor(() => worker.handler.calls.length === 1);
    expect(http.handler.calls).toHaveLength(0);
  });

  it('lets several workers share one reconciler lease per interval', async () => {
    const a = await boot();
    const b = await boot();
    expect(await a.moduleRef.get(JobRunner).tryAcquireLease('test', 300)).toBe(true);
    expect(await b.moduleRef.get(JobRunner).tryAcquireLease('test', 300)).toBe(false);
    expect(await a.moduleRef.get(JobRunner).tryAcquireLease('test', 300)).toBe(false);
    await sleep(350);
    expect(await b.moduleRef.get(JobRunner).tryAcquireLease('test', 300)).toBe(true); // expired: the next tick's turn
  });

  it('reconciles at startup where workers run, not in an HTTP-only process', async () => {
    const pending = new Set(['boot']);
    @Injectable()
    class OutboxSource implements OnModuleInit {
      constructor(private readonly reconciler: Reconciler) {}
      onModuleInit(): void {
        this.reconciler.register({
          name: 'test.boot',
          findPending: async () => [...pending].map((outboxId) => ({ job: JobName.SendNotification, payload: { outboxId } })),
        });
      }
    }
    const http = await boot({ WORKERS: 'false' }, {}, [OutboxSource]);
    await sleep(100);
    expect(await http.queue.bullQueue.getJobCounts('wait')).toEqual({ wait: 0 });

    const worker = await boot({}, {}, [OutboxSource]);
    await waitFor(() => worker.handler.calls.length > 0);
    expect(worker.handler.ids()).toEqual(['boot']);
  });

  it('makes waitForRoom wait while JOB_BACKLOG_LIMIT jobs wait in Redis', async () => {
    const { queue, handler } = await boot({ JOB_CONCURRENCY: '1' }, { backlogLimit: 2, latencyTargetMs: 0 });
    const finish: Array<() => void> = [];
    handler.impl = () => new Promise<void>((resolve) => finish.push(resolve));
    for (const id of ['a', 'b', 'c']) await queue.enqueue(JobName.SendNotification, { outboxId: id });
    await waitFor(() => handler.calls.length === 1); // 'a' runs, two wait
    let admitted = false;
    const waiting = queue.waitForRoom(10_000).then(() => (admitted = true));
    await sleep(300);
    expect(admitted).toBe(false);
    finish.shift()!(); // 'b' runs, one waits
    await waiting;
    await queue.enqueue(JobName.SendNotification, { outboxId: 'd' }); // two wait again
    await sleep(150); // the count is taken at most every 100 ms
    // Full: it waits (a shorter timer fires first), then gives up after its maximum.
    const order: string[] = [];
    const gaveUp = queue.waitForRoom(150).then(() => order.push('gave up'));
    await sleep(20).then(() => order.push('20 ms'));
    await gaveUp;
    expect(order).toEqual(['20 ms', 'gave up']);
    expect(handler.calls).toHaveLength(2); // 'b' still runs: it gave up while full
    handler.impl = async () => undefined;
    while (finish.length > 0) finish.shift()!();
    await waitFor(() => handler.calls.length === 4);
  });

  it('makes waitForRoom wait while jobs wait and lately took longer than JOB_LATENCY_TARGET_MS', async () => {
    const { queue, handler } = await boot({ JOB_CONCURRENCY: '1' }, { backlogLimit: 0, latencyTargetMs: 40 });
    const finish: Array<() => void> = [];
    handler.impl = () => new Promise<void>((resolve) => finish.push(resolve));
    for (const id of ['a', 'b', 'c']) await queue.enqueue(JobName.SendNotification, { outboxId: id });
    await waitFor(() => handler.calls.length === 1); // 'a' runs, two wait; no job has finished yet
    // Nothing to go by: room at once (a maximum beyond the test's timeout: waiting would fail it).
    await queue.waitForRoom(60_000);
    expect(finish).toHaveLength(1); // …while 'a' still runs
    await sleep(100);
    finish.shift()!(); // 'a' took over 100 ms from enqueue to done; 'b' runs, 'c' waits
    await waitFor(() => handler.calls.length === 2);
    let admitted = false;
    const waiting = queue.waitForRoom(10_000).then(() => (admitted = true));
    await sleep(300);
    expect(admitted).toBe(false);
    finish.shift()!(); // 'c' runs, nothing waits: room, however slow the jobs were
    await waiting;
    // 'c' left the waiting list when the worker took it; its handler may start a moment later.
    await waitFor(() => handler.calls.length === 3 && finish.length === 1);
    finish.shift()!();
  });

  it('has only the count in a process without workers (the latency is measured where jobs run)', async () => {
    const { queue } = await boot({ WORKERS: 'false' }, { backlogLimit: 0, latencyTargetMs: 1 });
    for (const id of ['a', 'b']) await queue.enqueue(JobName.SendNotification, { outboxId: id });
    // Room, though jobs wait and the target is 1 ms (a maximum beyond the test's timeout: waiting would fail it).
    await queue.waitForRoom(60_000);
    expect(await queue.bullQueue.getJobCounts('wait')).toEqual({ wait: 2 });
  });

  it('on shutdown lets a running job finish before closing', async () => {
    const { moduleRef, queue, handler } = await boot();
    let finished = false;
    handler.impl = async () => {
      await sleep(150);
      finished = true;
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'slow' });
    await waitFor(() => handler.calls.length === 1);
    open.splice(open.indexOf(moduleRef), 1);
    await moduleRef.close();
    expect(finished).toBe(true);
  });

  it('does not throw or hang when Redis is unreachable (the reconciler catches up later)', async () => {
    const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1', WORKERS: 'false' });
    const moduleRef = await Test.createTestingModule({
      imports: [JobsModule.forRoot(config, { jobNames: [JobName.SendNotification], prefix })],
      providers: [FakeHandler],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    await expect(moduleRef.get(JobQueue).enqueue(JobName.SendNotification, { outboxId: 'lost' })).resolves.toBeUndefined();
    await moduleRef.close();
  });
});
