import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { JobName, JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JOBS_OPTIONS, JobRunner, type JobsOptions } from './jobs.options.js';

const PROCESS_TAG = randomBytes(3).toString('hex');

/** One piece of work the database says is pending: the job that does it and its payload. */
export type PendingWork = {
  [N in JobName]: {
    job: N;
    payload: JobPayloads[N];
    /** Readable id of the work in log lines and job ids (default: the payload's values). */
    key?: string;
  };
}[JobName];

/**
 * A feature's view of its pending work, registered with `Reconciler.register` in the feature's
 * `onModuleInit`.
 *
 * `findPending(now)` returns work that should have been done by `now` and is not: unrouted
 * questions, unsent notifications whose next attempt is due, automatic closes whose deadline
 * passed. Leave out what is legitimately still on its way — work younger than
 * `Reconciler.graceMs`, whose own job may not have run yet — to avoid needless double runs, and
 * work that has failed for good (mark it so in the row), or it is retried every interval forever.
 * Handlers must be idempotent anyway: a re-enqueued job can run next to the original one.
 */
export interface PendingWorkSource {
  /** Unique, for logs: e.g. `notifications.outbox`. */
  name: string;
  findPending(now: Date): Promise<PendingWork[]>;
}

/**
 * The database is the source of truth for background work. The reconciler asks every
 * registered source what is pending and enqueues it again — at startup and every
 * RECONCILE_INTERVAL_MS — so a flushed or restarted Redis, a lost enqueue or a killed worker
 * loses nothing. It runs only where jobs run (WORKERS=true, or the single process without
 * Redis); with several workers one of them takes a short lease per interval, so the work is
 * enqueued once rather than once per worker.
 *
 * Every re-enqueue uses a fresh job id (`<key>:reconcile:<time>-<process>-<n>`): BullMQ ignores an add under
 * an id it still holds (e.g. a failed job it keeps), which would make the re-enqueue a no-op.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Reconciler');
  private readonly sources = new Map<string, PendingWorkSource>();
  private timer?: NodeJS.Timeout;
  private startup?: NodeJS.Immediate;
  private startupRun: Promise<void> = Promise.resolve();
  private endStartup?: () => void;
  private chain: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  private ticking = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly runner: JobRunner,
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
    @Optional() private readonly clock?: Clock,
  ) {}

  /** Adds a source of pending work; call it from the feature module's `onModuleInit`. Returns an unregister function. */
  register(source: PendingWorkSource): () => void {
    if (this.sources.has(source.name)) throw new Error(`A pending-work source named "${source.name}" is already registered`);
    this.sources.set(source.name, source);
    return () => {
      if (this.sources.get(source.name) === source) this.sources.delete(source.name);
    };
  }

  /**
   * How long work may be on its way before the reconciler treats it as lost: one interval
   * (RECONCILE_INTERVAL_MS). Sources leave work younger than this alone (its own job may still be
   * queued or running), so lost work is enqueued again by the first run at least one interval
   * after it was due — within two intervals — instead of after a fixed wait that ignores the
   * configuration. Work that is legitimately longer in flight (a mail being sent) must show it is
   * alive (NotificationsService renews its claim) rather than rely on a longer grace; for the rest,
   * a job that is merely slow and gets enqueued a second time is harmless, since handlers are idempotent.
   */
  get graceMs(): number {
    return this.options.reconcileIntervalMs;
  }

  /** The registered source names, for diagnostics. */
  get sourceNames(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * Asks every source for pending work now and enqueues each item under a fresh job id; resolves
   * with the number of items enqueued. A failing source is logged and skipped. Runs one at a time.
   */
  reconcileNow(): Promise<number> {
    const run = this.chain.then(() => this.reconcile());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the startup run (where there is one) and any run in progress have finished. */
  async whenIdle(): Promise<void> {
    await this.startupRun;
    await this.chain;
  }

  /** Runs once right after startup and then every interval. Called by JobsModule where jobs run. */
  start(): void {
    if (this.timer) return;
    this.startupRun = new Promise<void>((resolve) => {
      this.endStartup = resolve;
      this.startup = setImmediate(() => void this.tick().finally(resolve));
    });
    this.timer = setInterval(() => void this.tick(), this.options.reconcileIntervalMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.startup) clearImmediate(this.startup);
    if (this.timer) clearInterval(this.timer);
    this.endStartup?.();
    this.startup = undefined;
    this.timer = undefined;
    await this.whenIdle();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // the previous run is still busy: skip rather than pile up
    this.ticking = true;
    try {
      // Slightly shorter than the interval, so the next tick (of any worker) can take it again.
      if (!(await this.runner.tryAcquireLease('reconciler', this.options.reconcileIntervalMs * 0.9))) return;
      if (!this.timer) return; // stopped meanwhile
      await this.reconcileNow();
    } catch (error) {
      this.logger.error(`Reconciliation failed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      this.ticking = false;
    }
  }

  private async reconcile(): Promise<number> {
    const now = this.clock?.now() ?? new Date();
    // Real time (not the Clock, which tests may freeze) plus a per-process tag and a counter: unique.
    const stamp = `${Date.now().toString(36)}-${PROCESS_TAG}-${(this.sequence++).toString(36)}`;
    let count = 0;
    for (const source of this.sources.values()) {
      let pending: PendingWork[];
      try {
        pending = await source.findPending(now);
      } catch (error) {
        this.logger.error(`Source ${source.name} failed: ${(error as Error).message}`, (error as Error).stack);
        continue;
      }
      for (const item of pending) {
        const key = item.key ?? describePayload(item.payload);
        await this.queue.enqueue(item.job, item.payload, { jobId: `${key}:reconcile:${stamp}` });
        count += 1;
      }
      if (pending.length > 0) this.logger.log(`Re-enqueued ${pending.length} pending job(s) from ${source.name}`);
    }
    return count;
  }
}

/** `outboxId=…` for `{ outboxId: '…' }`; JSON for anything less flat. */
function describePayload(payload: unknown): string {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const entries = Object.entries(payload as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    if (entries.every(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) {
      return entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
    }
  }
  return JSON.stringify(payload) ?? 'undefined';
}
