import { jest } from '@jest/globals';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AppConfig } from '../../config/app-config.js';
import { JobHandler } from './job-handler.decorator.js';
import { JobName, type JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { InProcessJobQueue } from './in-process-job-queue.js';
import { JobsModule } from './jobs.module.js';
import type { JobsOptions } from './jobs.options.js';
import { Reconciler } from './reconciler.js';

type Payload = JobPayloads[JobName.SendNotification];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** One turn of the event loop (setImmediate, which the fake timers below leave real): the queue's pump runs. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
/**
 * Timings are asserted on fake time (setTimeout and Date only), so delays and backoff are checked
 * exactly and a busy machine cannot make a test fail; the queue's pump (setImmediate) stays real.
 */
const useFakeTime = () => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'hrtime', 'performance'] });

/** A handler whose behaviour each test sets; records every call. */
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
    return this.calls.map((c) => c.outboxId);
  }
}

describe('InProcessJobQueue', () => {
  let moduleRef: TestingModule;
  let queue: InProcessJobQueue;
  let handler: FakeHandler;

  async function boot(overrides: Partial<JobsOptions> = {}, env: Record<string, string> = {}, extra: Array<new (...a: never[]) => unknown> = []) {
    const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent', ...env });
    moduleRef = await Test.createTestingModule({
      imports: [
        JobsModule.forRoot(config, { jobNames: [JobName.SendNotification], backoffMs: 20, reconcileIntervalMs: 3_600_000, ...overrides }),
      ],
      providers: [FakeHandler, ...extra],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    queue = moduleRef.get(InProcessJobQueue);
    handler = moduleRef.get(FakeHandler);
    await moduleRef.get(Reconciler).whenIdle(); // the startup run, so sources registered in a test see only its calls
  }

  afterEach(async () => {
    jest.useRealTimers();
    await moduleRef?.close();
  });

  it('makes waitForRoom wait while JOB_BACKLOG_LIMIT jobs wait to run, and no longer than its maximum', async () => {
    await boot({ concurrency: 1, backlogLimit: 3 });
    const finish: Array<() => void> = [];
    handler.impl = () => new Promise<void>((resolve) => finish.push(resolve));
    for (const id of ['a', 'b', 'c', 'd']) await queue.enqueue(JobName.SendNotification, { outboxId: id });
    await sleep(10); // 'a' runs, three wait
    let admitted = false;
    const waiting = queue.waitForRoom(10_000).then(() => (admitted = true));
    await sleep(30);
    expect(admitted).toBe(false);
    finish.shift()!(); // 'a' done, 'b' starts: two wait
    await waiting;
    await queue.enqueue(JobName.SendNotification, { outboxId: 'e' }); // three wait again
    // Full: it waits (a shorter timer fires first), then gives up after its maximum, still full.
    const order: string[] = [];
    const gaveUp = queue.waitForRoom(50).then(() => order.push('gave up'));
    await sleep(10).then(() => order.push('10 ms'));
    await gaveUp;
    expect(order).toEqual(['10 ms', 'gave up']);
    expect(handler.ids()).toEqual(['a', 'b']);
    handler.impl = async () => undefined;
    while (finish.length > 0) finish.shift()!();
  });

  it('makes waitForRoom wait while jobs wait and lately took longer than JOB_LATENCY_TARGET_MS', async () => {
    await boot({ concurrency: 1, backlogLimit: 0, latencyTargetMs: 40 });
    const finish: Array<() => void> = [];
    handler.impl = () => new Promise<void>((resolve) => finish.push(resolve));
    for (const id of ['a', 'b', 'c', 'd']) await queue.enqueue(JobName.SendNotification, { outboxId: id });
    await sleep(10); // 'a' runs, three wait; no job has finished yet: nothing to go by
    await queue.waitForRoom(10_000);
    await sleep(60);
    finish.shift()!(); // 'a' took ~70 ms from ready to done; 'b' runs
    await sleep(10);
    let admitted = false;
    const waiting = queue.waitForRoom(10_000).then(() => (admitted = true));
    await sleep(30);
    expect(admitted).toBe(false);
    finish.shift()!(); // 'b' (~110 ms): still slow; 'c' runs, 'd' waits
    await sleep(10);
    expect(admitted).toBe(false);
    finish.shift()!(); // 'd' runs, nothing waits: room, however slow the jobs were
    await waiting;
    finish.shift()!();
    await queue.drain();
    expect(handler.ids()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lets waitForRoom go once jobs are quick again, while jobs still wait', async () => {
    await boot({ concurrency: 1, backlogLimit: 0, latencyTargetMs: 200 });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    handler.impl = async (payload) => {
      await (payload.outboxId === 'slow' ? slow : sleep(2));
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'slow' });
    await sleep(300);
    release();
    await queue.drain(); // ~300 ms from ready to done
    for (let i = 0; i < 40; i++) await queue.enqueue(JobName.SendNotification, { outboxId: `quick${i}` });
    // Jobs wait and the average says 300 ms; a few quick ones bring it under 200 long before the last
    // runs. (A maximum beyond the test's timeout: had it not let go, the test would fail.)
    await queue.waitForRoom(60_000);
    expect(handler.calls.length).toBeGreaterThan(3); // it did wait for quick ones…
    expect(queue.size).toBeGreaterThan(10); // …but not for the queue to empty
    await queue.drain();
    expect(handler.calls).toHaveLength(41);
  });

  it('never makes waitForRoom wait with JOB_BACKLOG_LIMIT 0 and JOB_LATENCY_TARGET_MS 0', async () => {
    await boot({ concurrency: 1, backlogLimit: 0, latencyTargetMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    handler.impl = () => gate;
    for (let i = 0; i < 5; i++) await queue.enqueue(JobName.SendNotification, { outboxId: `x${i}` });
    await sleep(10);
    // Room at once: resolved before the next turn of the event loop, with all five jobs still there.
    const order: string[] = [];
    const room = queue.waitForRoom(5_000).then(() => order.push('room'));
    await turn().then(() => order.push('next turn'));
    await room;
    expect(order).toEqual(['room', 'next turn']);
    expect(queue.size).toBe(5);
    release();
  });

  it('is the JobQueue without REDIS_URL and runs jobs after the caller returns', async () => {
    await boot();
    expect(moduleRef.get(JobQueue)).toBe(queue);
    await queue.enqueue(JobName.SendNotification, { outboxId: 'a' });
    expect(handler.calls).toHaveLength(0); // never inside the caller's stack (or transaction)
    await queue.drain();
    expect(handler.ids()).toEqual(['a']);
  });

  it('runs at most JOB_CONCURRENCY jobs at once', async () => {
    await boot({}, { JOB_CONCURRENCY: '2' });
    let running = 0;
    let peak = 0;
    handler.impl = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(20);
      running -= 1;
    };
    for (let i = 0; i < 6; i++) await queue.enqueue(JobName.SendNotification, { outboxId: `j${i}` });
    await queue.drain();
    expect(handler.calls).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it('retries a failing job with exponential backoff', async () => {
    await boot({ attempts: 5, backoffMs: 25 });
    handler.impl = async () => {
      if (handler.calls.length < 4) throw new Error('SMTP down');
    };
    useFakeTime();
    await queue.enqueue(JobName.SendNotification, { outboxId: 'r' });
    await turn();
    expect(handler.calls).toHaveLength(1);
    // 25, 50, 100 ms: not a millisecond earlier, and then at once.
    for (const [attempt, backoff] of [[2, 25], [3, 50], [4, 100]] as const) {
      await jest.advanceTimersByTimeAsync(backoff - 1);
      expect(handler.calls).toHaveLength(attempt - 1);
      await jest.advanceTimersByTimeAsync(1);
      expect(handler.calls).toHaveLength(attempt);
    }
    expect(handler.calls.slice(1).map((c, i) => c.at - handler.calls[i]!.at)).toEqual([25, 50, 100]);
    await queue.drain({ includeRetries: true });
    expect(handler.calls).toHaveLength(4);
    expect(queue.size).toBe(0); // the fourth attempt succeeded
  });

  it('gives up after the last attempt', async () => {
    await boot({ attempts: 3, backoffMs: 5 });
    handler.impl = async () => {
      throw new Error('always');
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'x' });
    await queue.drain({ includeRetries: true });
    expect(handler.calls).toHaveLength(3);
    expect(queue.size).toBe(0);
  });

  it('drain() without includeRetries does not wait for a retry', async () => {
    await boot({ attempts: 2, backoffMs: 10_000 });
    handler.impl = async () => {
      throw new Error('once');
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'x' });
    await queue.drain();
    expect(handler.calls).toHaveLength(1);
    expect(queue.size).toBe(1); // the retry is waiting; close() clears its timer
  });

  it('ignores an enqueue with the jobId of a job still waiting, but not once it ran', async () => {
    await boot();
    await queue.enqueue(JobName.SendNotification, { outboxId: 'first' }, { jobId: 'o-1' });
    await queue.enqueue(JobName.SendNotification, { outboxId: 'second' }, { jobId: 'o-1' });
    await queue.enqueue(JobName.SendNotification, { outboxId: 'other' }, { jobId: 'o-2' });
    await queue.drain();
    expect(handler.ids()).toEqual(['first', 'other']);
    await queue.enqueue(JobName.SendNotification, { outboxId: 'third' }, { jobId: 'o-1' });
    await queue.drain();
    expect(handler.ids()).toEqual(['first', 'other', 'third']);
  });

  it('runs a delayed job when its delay is over; drain() does not wait for it', async () => {
    await boot();
    useFakeTime();
    await queue.enqueue(JobName.SendNotification, { outboxId: 'later' }, { delayMs: 60 });
    await queue.drain();
    expect(handler.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(59);
    expect(handler.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    await queue.drain();
    expect(handler.ids()).toEqual(['later']);
  });

  it('drain() waits for a running job', async () => {
    await boot();
    let finished = false;
    handler.impl = async () => {
      await sleep(30);
      finished = true;
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'slow' });
    await queue.drain();
    expect(finished).toBe(true);
  });

  it('holds jobs enqueued during module init until the application has booted', async () => {
    @Injectable()
    class EnqueuesOnInit implements OnModuleInit {
      constructor(private readonly jobs: JobQueue) {}
      async onModuleInit(): Promise<void> {
        await this.jobs.enqueue(JobName.SendNotification, { outboxId: 'early' });
      }
    }
    await boot({}, {}, [EnqueuesOnInit]);
    await queue.drain();
    expect(handler.ids()).toEqual(['early']);
  });

  it('on shutdown lets a running job finish, clears delayed timers and drops later enqueues', async () => {
    await boot();
    let finished = false;
    handler.impl = async () => {
      await sleep(40);
      finished = true;
    };
    await queue.enqueue(JobName.SendNotification, { outboxId: 'running' });
    await queue.enqueue(JobName.SendNotification, { outboxId: 'tomorrow' }, { delayMs: 86_400_000 });
    await sleep(5);
    // (Waiting for the delayed job would outlast the test's timeout.)
    await moduleRef.close();
    expect(finished).toBe(true);
    expect(queue.size).toBe(0);
    await queue.enqueue(JobName.SendNotification, { outboxId: 'after' });
    await sleep(10);
    expect(handler.ids()).toEqual(['running']);
  });

  it('does not let a stuck job hold up shutdown beyond the grace period', async () => {
    await boot({ shutdownGraceMs: 50 });
    handler.impl = () => new Promise(() => undefined); // never settles
    await queue.enqueue(JobName.SendNotification, { outboxId: 'stuck' });
    await sleep(5);
    // It waits for the job (a shorter timer fires first), then closes although the job never ends.
    const order: string[] = [];
    const closed = moduleRef.close().then(() => order.push('closed'));
    await sleep(10).then(() => order.push('10 ms'));
    await closed;
    expect(order).toEqual(['10 ms', 'closed']);
    expect(handler.ids()).toEqual(['stuck']);
  });

  it('still runs jobs with WORKERS=false, as nobody else could', async () => {
    await boot({}, { WORKERS: 'false' });
    await queue.enqueue(JobName.SendNotification, { outboxId: 'w' });
    await queue.drain();
    expect(handler.ids()).toEqual(['w']);
  });

  describe('with the reconciler', () => {
    it('re-enqueues pending work under a fresh id, even while the same jobId is waiting', async () => {
      await boot();
      const unsent = new Set(['o-1', 'o-2']);
      handler.impl = async ({ outboxId }) => void unsent.delete(outboxId); // idempotent: "mark sent"
      const reconciler = moduleRef.get(Reconciler);
      reconciler.register({
        name: 'test.outbox',
        findPending: async () => [...unsent].map((outboxId) => ({ job: JobName.SendNotification, payload: { outboxId } })),
      });
      // The original job for o-1 is parked (as if stuck behind a long delay) under its own id.
      await queue.enqueue(JobName.SendNotification, { outboxId: 'o-1' }, { jobId: 'o-1', delayMs: 86_400_000 });
      expect(await reconciler.reconcileNow()).toBe(2);
      await queue.drain();
      expect(handler.ids().sort()).toEqual(['o-1', 'o-2']);
      expect(unsent.size).toBe(0);
      expect(await reconciler.reconcileNow()).toBe(0);
    });

    it('runs at startup and every interval, and stops on shutdown', async () => {
      let runs = 0;
      let third!: () => void;
      const thirdRun = new Promise<void>((resolve) => (third = resolve));
      @Injectable()
      class CountingSource implements OnModuleInit {
        constructor(private readonly reconciler: Reconciler) {}
        onModuleInit(): void {
          this.reconciler.register({ name: 'test.counting', findPending: async () => (++runs === 3 && third(), []) });
        }
      }
      await boot({ reconcileIntervalMs: 40 }, {}, [CountingSource]);
      expect(runs).toBe(1); // the startup run
      await thirdRun; // two intervals later (however late a busy machine runs them)
      await moduleRef.close();
      const after = runs;
      await sleep(100);
      expect(runs).toBe(after);
    });

    it('skips a failing source and rejects a duplicate source name', async () => {
      await boot();
      const reconciler = moduleRef.get(Reconciler);
      reconciler.register({ name: 'broken', findPending: async () => Promise.reject(new Error('db down')) });
      reconciler.register({ name: 'fine', findPending: async () => [{ job: JobName.SendNotification, payload: { outboxId: 'f' }, key: 'outbox-f' }] });
      expect(() => reconciler.register({ name: 'fine', findPending: async () => [] })).toThrow(/already registered/);
      expect(await reconciler.reconcileNow()).toBe(1);
      await queue.drain();
      expect(handler.ids()).toEqual(['f']);
    });
  });
});
