import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { EnqueueOptions, JobName, JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JobHandlerRegistry } from './jobs-explorer.js';
import { JobLatency, backlogIsFull } from './job-latency.js';
import { JOBS_OPTIONS, JobRunner, settledWithin, type JobsOptions } from './jobs.options.js';

/** How long an enqueue may wait for Redis before it gives up (the reconciler catches up later). */
const ENQUEUE_TIMEOUT_MS = 3000;
/** Failed jobs stay a week for inspection; completed jobs are removed at once (see below). */
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;
/** How often `waitForRoom` counts the waiting jobs in Redis. */
const BACKLOG_POLL_MS = 100;

/**
 * `JobQueue` on BullMQ (REDIS_URL set).
 *
 * One queue (`vraagbaak`) carries every job name; the worker dispatches on `job.name` to the one
 * registered handler. One queue means one worker, one concurrency setting and one place to look
 * in Redis; separate queues would only pay off with per-job concurrency or priorities, which we
 * do not need.
 *
 * Plain `bullmq` Queue/Worker classes instead of `@nestjs/bullmq`: that module wires queues and
 * `@Processor` classes statically at import time, while here the queue exists only when
 * REDIS_URL is set, the worker only when WORKERS is true, and handlers come from our own
 * `@JobHandler` discovery with its boot-time check. Wrapping the two classes is shorter than
 * bending the module to that.
 *
 * Semantics:
 * - Job ids are `<job name>/<caller's jobId>` (`:` escaped, BullMQ forbids it), so ids are
 *   scoped per job name as in the in-process queue. Without a jobId BullMQ makes a unique one.
 * - BullMQ ignores an add under an id it still holds: waiting, delayed, active, or failed and
 *   kept (a week). Completed jobs are removed at once so the id becomes free again. The
 *   reconciler therefore always enqueues under a fresh id.
 * - `enqueue` never throws: if Redis is unreachable it logs and returns, since the database
 *   still says the work is pending and the reconciler enqueues it again.
 * - A worker killed mid-job loses its lock; BullMQ's stalled-job check puts the job back.
 */
@Injectable()
export class BullMqJobQueue extends JobQueue implements JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly producer: Redis;
  private readonly queue: Queue;
  private workerConnection?: Redis;
  private worker?: Worker;
  private lastErrorLog = 0;
  /** Jobs waiting in Redis as last counted, and when; shared by the callers of `waitForRoom`. */
  private backlog: { count: number; at: number; counting?: Promise<number> } = { count: 0, at: 0 };
  /** Ready-to-done time of the jobs this process's worker finished lately. */
  private readonly latency = new JobLatency();

  constructor(
    private readonly handlers: JobHandlerRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
    @Optional() database?: Database,
  ) {
    super(database);
    // Fail fast while disconnected: an HTTP request that enqueues must not hang on Redis.
    this.producer = new Redis(options.redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.producer.on('error', (error) => this.logRedisError('queue', error));
    this.queue = new Queue(options.queueName, {
      connection: this.producer,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: true,
        removeOnFail: { age: KEEP_FAILED_SECONDS },
      },
    });
    this.queue.on('error', (error) => this.logRedisError('queue', error));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    const jobId = options.jobId === undefined ? undefined : bullJobId(name, options.jobId);
    if (this.producer.status !== 'ready') {
      this.logger.warn(`Redis is not reachable; job ${name} ${jobId ?? ''} not enqueued now, the reconciler will`);
      return;
    }
    const delay = options.delayMs && options.delayMs > 0 ? options.delayMs : undefined;
    try {
      const added = await withTimeout(this.queue.add(name, payload, { jobId, delay }), ENQUEUE_TIMEOUT_MS);
      if (!added) throw new Error(`no answer from Redis in ${ENQUEUE_TIMEOUT_MS} ms`);
    } catch (error) {
      this.logger.warn(`Job ${name} ${jobId ?? ''} not enqueued (${(error as Error).message}); the reconciler will`);
    }
  }

  /** Polls the waiting count (at most every BACKLOG_POLL_MS, one query for all callers) until there is room. */
  async waitForRoom(maxWaitMs: number): Promise<void> {
    const latency = this.worker ? this.latency : undefined; // measured only where jobs run
    if (this.options.backlogLimit <= 0 && (!latency || this.options.latencyTargetMs <= 0)) return; // no need to count
    const deadline = Date.now() + maxWaitMs;
    while (backlogIsFull(await this.waitingJobs(), this.options, latency) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, BACKLOG_POLL_MS));
    }
  }

  private async waitingJobs(): Promise<number> {
    if (Date.now() - this.backlog.at < BACKLOG_POLL_MS) return this.backlog.count;
    this.backlog.counting ??= withTimeout(this.queue.getWaitingCount(), ENQUEUE_TIMEOUT_MS)
      .then((count) => count ?? 0, () => 0) // Redis unreachable: do not hold the intake back
      .then((count) => {
        this.backlog = { count, at: Date.now() };
        return count;
      });
    return this.backlog.counting;
  }

  async startWorkers(): Promise<void> {
    if (this.worker) return;
    // Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest: null).
    this.workerConnection = new Redis(this.options.redisUrl!, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (error) => this.logRedisError('worker', error));
    this.worker = new Worker(this.options.queueName, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
    });
    this.worker.on('error', (error) => this.logRedisError('worker', error));
    this.worker.on('completed', (job) => {
      // A retry's timestamp is its first enqueue: only first attempts say how long a job waits now.
      if (job.attemptsStarted <= 1) this.latency.record(job.timestamp + (job.opts.delay ?? 0));
    });
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= attempts;
      const what = `Job ${job.name} ${job.id} ${JSON.stringify(job.data)}`;
      if (final) this.logger.error(`${what} failed for good after ${job.attemptsMade} attempt(s): ${error.message}`, error.stack);
      else this.logger.warn(`${what} failed (attempt ${job.attemptsMade}/${attempts}), retrying with backoff: ${error.message}`);
    });
    this.logger.log(`BullMQ worker on queue "${this.options.queueName}" runs up to ${this.options.concurrency} job(s) at once`);
  }

  /** Stops taking new jobs and waits (at most `shutdownGraceMs`) for the running ones to finish. */
  async stopWorkers(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker && !(await settledWithin(worker.close(), this.options.shutdownGraceMs))) {
      // Their locks expire and BullMQ's stalled-job check hands them to another worker.
      this.logger.warn(`Stopping although jobs still run after ${this.options.shutdownGraceMs} ms; they will be retried`);
      await worker.close(true).catch(() => undefined);
    }
    this.workerConnection?.disconnect();
    this.workerConnection = undefined;
  }

  async close(): Promise<void> {
    await this.stopWorkers();
    await this.queue.close().catch(() => undefined);
    this.producer.disconnect();
  }

  async tryAcquireLease(name: string, ttlMs: number): Promise<boolean> {
    // Right after startup the connection may still be opening; wait for it a little.
    if (this.producer.status !== 'ready' && !(await withTimeout(this.queue.waitUntilReady().then(() => true, () => false), ENQUEUE_TIMEOUT_MS))) return false;
    const key = `${this.options.prefix}:${this.options.queueName}-lease:${name}`;
    const result = await this.producer.set(key, randomUUID(), 'PX', Math.max(1, Math.floor(ttlMs)), 'NX');
    return result === 'OK';
  }

  /** The BullMQ queue, for tests and operational tooling. */
  get bullQueue(): Queue {
    return this.queue;
  }

  private async process(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" in this version of the worker`);
    await handler.run(job.data);
  }

  /** Redis errors repeat on every reconnect attempt; log them at most every 30 s. */
  private logRedisError(side: string, error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 30_000) return;
    this.lastErrorLog = now;
    this.logger.error(`Redis (${side}): ${error.message}`);
  }
}

/** BullMQ job id for a caller's dedup id: scoped by job name; `%` and `:` escaped (BullMQ forbids `:`). */
export function bullJobId(name: string, jobId: string): string {
  return `${name}/${jobId.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

/** The promise's value, or undefined when it takes longer than `ms` (rejections pass through). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
