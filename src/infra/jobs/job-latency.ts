import type { JobsOptions } from './jobs.options.js';

/** Weight of the newest job in the moving average: about the last 20 jobs count. */
const WEIGHT = 0.1;
/** An average no job has confirmed for this long says nothing about the queue now. */
const STALE_MS = 2000;

/**
 * How long the jobs this process ran took from the moment they could run (enqueued, or due after a
 * delay) to their end: a moving average, for the intake's backpressure. A count of waiting jobs
 * (JOB_BACKLOG_LIMIT) means a different delay on every machine; this is the delay itself, so under
 * overload the intake slows down until a job again takes about JOB_LATENCY_TARGET_MS, whatever the
 * machine (docs/benchmarks.md, "Intake").
 */
export class JobLatency {
  private average = 0;
  private updatedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** A job that could run from `readyAt` (epoch ms) has just finished. */
  record(readyAt: number): void {
    const now = this.now();
    const latency = Math.max(0, now - readyAt);
    this.average = this.isStale(now) ? latency : this.average + WEIGHT * (latency - this.average);
    this.updatedAt = now;
  }

  /** The average in ms; 0 when no job finished lately (nothing to go by). */
  current(): number {
    return this.isStale(this.now()) ? 0 : this.average;
  }

  private isStale(now: number): boolean {
    return now - this.updatedAt > STALE_MS;
  }
}

/**
 * The one rule of `JobQueue.waitForRoom`, for both queues: no room while JOB_BACKLOG_LIMIT jobs or more
 * wait, or while any wait and the jobs lately took longer than JOB_LATENCY_TARGET_MS. `latency` is
 * undefined where no jobs run (a WORKERS=false process): there only the count applies.
 */
export function backlogIsFull(waiting: number, options: Pick<JobsOptions, 'backlogLimit' | 'latencyTargetMs'>, latency: JobLatency | undefined): boolean {
  if (waiting === 0) return false;
  if (options.backlogLimit > 0 && waiting >= options.backlogLimit) return true;
  return latency !== undefined && options.latencyTargetMs > 0 && latency.current() > options.latencyTargetMs;
}
