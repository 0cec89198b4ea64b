import type { AppConfig } from '../../config/app-config.js';
import { JobName } from './job-names.js';

/** Everything the job infrastructure needs to know, resolved once from the config. */
export interface JobsOptions {
  /** BullMQ on this Redis; unset: jobs run in-process. */
  redisUrl?: string;
  /** Whether this process executes jobs (and runs the reconciler). Always true without Redis. */
  runWorkers: boolean;
  /** Whether WORKERS=false was asked for but ignored because nobody else could run the jobs. */
  workersForcedInProcess: boolean;
  /** Jobs run at the same time in this process. */
  concurrency: number;
  /** `waitForRoom` waits while this many jobs (or more) wait to run; 0: never. */
  backlogLimit: number;
  /** `waitForRoom` also waits while jobs wait and this process's jobs lately took longer than this (ms); 0: never. */
  latencyTargetMs: number;
  /** Total tries of a job, the first included. */
  attempts: number;
  /** Exponential backoff base: retry n waits `backoffMs * 2^(n-1)`. */
  backoffMs: number;
  /** Reconciler period; it also runs once at startup. */
  reconcileIntervalMs: number;
  /** Every job name that must have exactly one `@JobHandler` (default: all of `JobName`). */
  jobNames: readonly JobName[];
  /** BullMQ key prefix (tests use a unique one per run). */
  prefix: string;
  /** BullMQ queue name. */
  queueName: string;
  /**
   * On shutdown, how long running jobs may take to finish. Then the process stops anyway: a
   * BullMQ job is picked up again as stalled, an in-process one by the reconciler.
   */
  shutdownGraceMs: number;
}

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

/** BullMQ retries: 8 tries, 1 s · 2^n apart (1 s … 64 s, about 2 minutes in all). */
export const BULLMQ_ATTEMPTS = 8;
/** In-process retries: 5 tries, 1 s · 2^n apart (1 s … 8 s). */
export const IN_PROCESS_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;

export function resolveJobsOptions(config: AppConfig, overrides: Partial<JobsOptions> = {}): JobsOptions {
  const redisUrl = overrides.redisUrl ?? config.redisUrl;
  const runWorkers = !redisUrl || config.workers;
  return {
    redisUrl,
    runWorkers,
    workersForcedInProcess: !redisUrl && !config.workers,
    concurrency: config.jobConcurrency,
    backlogLimit: config.jobBacklogLimit,
    latencyTargetMs: config.jobLatencyTargetMs,
    attempts: redisUrl ? BULLMQ_ATTEMPTS : IN_PROCESS_ATTEMPTS,
    backoffMs: DEFAULT_BACKOFF_MS,
    reconcileIntervalMs: config.reconcileIntervalMs,
    jobNames: Object.values(JobName),
    // BullMQ's own default prefix, so standard tooling (Bull Board, Taskforce) finds the queue.
    prefix: 'bull',
    queueName: 'vraagbaak',
    shutdownGraceMs: 10_000,
    ...overrides,
  };
}

/**
 * The lifecycle side of a queue implementation, driven by `JobsLifecycle` so that start and
 * stop happen in a known order (handlers discovered → workers → reconciler; reverse on stop).
 */
export abstract class JobRunner {
  /** Starts executing jobs in this process. */
  abstract startWorkers(): Promise<void>;
  /** Stops taking jobs and waits (at most `shutdownGraceMs`) for running ones to finish. */
  abstract stopWorkers(): Promise<void>;
  /** Releases connections; enqueueing after this is lost (the reconciler finds it again). */
  abstract close(): Promise<void>;
  /**
   * Tries to become the one process that reconciles for the next `ttlMs`, so N workers do not
   * re-enqueue the same pending work N times. Always true in-process.
   */
  abstract tryAcquireLease(name: string, ttlMs: number): Promise<boolean>;
}

/** Waits for `promise` at most `ms`; true when it settled in time. */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
