import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import type { EnqueueOptions, JobName, JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JobHandlerRegistry } from './jobs-explorer.js';
import { JobLatency, backlogIsFull } from './job-latency.js';
import { JOBS_OPTIONS, JobRunner, settledWithin, type JobsOptions } from './jobs.options.js';

interface Task {
  name: JobName;
  payload: unknown;
  /** Dedup key (`name` + caller's jobId), when the caller gave one. */
  key?: string;
  /** Tries done so far. */
  attemptsMade: number;
  timer?: NodeJS.Timeout;
  /** Waiting for a retry (as opposed to an enqueue delay); `drain({ includeRetries })` waits for these. */
  retrying?: boolean;
  /** When it joined the ready queue (epoch ms), for `JobLatency`. */
  readyAt?: number;
}

export interface DrainOptions {
  /** Also wait for jobs waiting for a retry after a failure (not for jobs enqueued with a delay). */
  includeRetries?: boolean;
}

/**
 * `JobQueue` without Redis: the embedded mode (and the e2e tests). Handlers run in this process,
 * never inside the caller's stack (setImmediate, or a timer for `delayMs`), at most
 * `JOB_CONCURRENCY` at once, with exponential-backoff retries. Nothing survives a restart — the
 * reconciler finds pending work in the database again at the next start.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue implements JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly ready: Task[] = [];
  private readonly delayed = new Set<Task>();
  /** Tasks with a caller jobId that have not started yet (waiting, delayed or waiting for a retry). */
  private readonly waitingByKey = new Map<string, Task>();
  private readonly runningTasks = new Set<Promise<void>>();
  private idleWaiters: Array<{ options: DrainOptions; resolve: () => void }> = [];
  /** Callers of `waitForRoom` waiting for the ready queue to shrink. */
  private roomWaiters: Array<() => void> = [];
  private started = false;
  private stopped = false;
  private pumpScheduled = false;
  private readonly latency = new JobLatency();

  constructor(
    private readonly handlers: JobHandlerRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
    @Optional() database?: Database,
  ) {
    super(database);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    if (this.stopped) {
      this.logger.warn(`Job ${name} enqueued during shutdown is not run now; the reconciler picks it up at the next start`);
      return;
    }
    const key = options.jobId === undefined ? undefined : `${name}\u0000${options.jobId}`;
    if (key !== undefined && this.waitingByKey.has(key)) return; // same id still waiting: deduplicated
    // A JSON round trip, as BullMQ does: a payload that does not survive it fails here, in tests.
    const task: Task = { name, payload: JSON.parse(JSON.stringify(payload)), key, attemptsMade: 0 };
    if (key !== undefined) this.waitingByKey.set(key, task);
    this.schedule(task, Math.max(0, options.delayMs ?? 0));
  }

  waitForRoom(maxWaitMs: number): Promise<void> {
    if (!this.isFull()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.roomWaiters = this.roomWaiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.roomWaiters.push(done);
    });
  }

  private isFull(): boolean {
    return this.started && !this.stopped && backlogIsFull(this.ready.length, this.options, this.latency);
  }

  /**
   * Resolves when no job is running and none is ready to run. Jobs enqueued with a delay do not
   * count; jobs waiting for a retry count only with `includeRetries`. Tests call this after an
   * action to see its jobs' effects.
   */
  drain(options: DrainOptions = {}): Promise<void> {
    if (this.isIdle(options)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push({ options, resolve }));
  }

  /** Jobs not finished yet: ready, delayed (incl. retries) and running. */
  get size(): number {
    return this.ready.length + this.delayed.size + this.runningTasks.size;
  }

  async startWorkers(): Promise<void> {
    this.started = true;
    this.schedulePump();
  }

  async stopWorkers(): Promise<void> {
    this.stopped = true;
    const dropped = this.ready.length + this.delayed.size;
    for (const task of this.delayed) clearTimeout(task.timer);
    this.delayed.clear();
    this.ready.length = 0;
    this.waitingByKey.clear();
    for (const waiter of [...this.roomWaiters]) waiter();
    if (dropped > 0) this.logger.log(`Stopping with ${dropped} job(s) not run; the reconciler finds their work at the next start`);
    const running = this.runningTasks.size;
    if (!(await settledWithin(Promise.allSettled([...this.runningTasks]), this.options.shutdownGraceMs))) {
      this.logger.warn(`Stopping although ${running} job(s) still run after ${this.options.shutdownGraceMs} ms; the reconciler finds their work at the next start`);
    }
    this.notifyIdle();
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.stopWorkers();
  }

  async tryAcquireLease(): Promise<boolean> {
    return true;
  }

  private schedule(task: Task, delayMs: number): void {
    if (delayMs === 0 && !task.retrying) {
      this.makeReady(task);
      this.schedulePump();
      return;
    }
    this.delayed.add(task);
    task.timer = setTimeout(() => {
      this.delayed.delete(task);
      task.timer = undefined;
      task.retrying = false;
      this.makeReady(task);
      this.pump();
    }, delayMs);
    task.timer.unref();
  }

  private makeReady(task: Task): void {
    task.readyAt = Date.now();
    this.ready.push(task);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.started || this.stopped) return;
    while (this.runningTasks.size < this.options.concurrency && this.ready.length > 0) {
      const task = this.ready.shift()!;
      if (task.key !== undefined && this.waitingByKey.get(task.key) === task) this.waitingByKey.delete(task.key);
      const running: Promise<void> = this.run(task).finally(() => {
        this.latency.record(task.readyAt!);
        this.runningTasks.delete(running);
        this.pump();
        this.notifyIdle();
      });
      this.runningTasks.add(running);
    }
    // Below the limit again: let the waiting callers go (each adds its jobs only after its commit).
    while (this.roomWaiters.length > 0 && !this.isFull()) this.roomWaiters[0]();
    this.notifyIdle();
  }

  private async run(task: Task): Promise<void> {
    const handler = this.handlers.get(task.name);
    if (!handler) {
      this.logger.error(`Job ${task.name} has no handler; dropped`);
      return;
    }
    task.attemptsMade += 1;
    try {
      await handler.run(task.payload as never);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (task.attemptsMade >= this.options.attempts || this.stopped) {
        this.logger.error(
          `Job ${task.name} ${JSON.stringify(task.payload)} failed for good after ${task.attemptsMade} attempt(s): ${reason}`,
          error instanceof Error ? error.stack : undefined,
        );
        return;
      }
      const delay = this.options.backoffMs * 2 ** (task.attemptsMade - 1);
      this.logger.warn(`Job ${task.name} failed (attempt ${task.attemptsMade}/${this.options.attempts}), retrying in ${delay} ms: ${reason}`);
      if (task.key !== undefined) {
        if (this.waitingByKey.has(task.key)) return; // a newer enqueue with the same id will run
        this.waitingByKey.set(task.key, task);
      }
      task.retrying = true;
      this.schedule(task, delay);
    }
  }

  private isIdle(options: DrainOptions): boolean {
    if (this.runningTasks.size > 0 || (this.ready.length > 0 && this.started && !this.stopped)) return false;
    if (options.includeRetries) for (const task of this.delayed) if (task.retrying) return false;
    return true;
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiting = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiting) {
      if (this.isIdle(waiter.options)) waiter.resolve();
      else this.idleWaiters.push(waiter);
    }
  }
}
