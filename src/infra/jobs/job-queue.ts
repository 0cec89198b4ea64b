import type { EntityManager } from 'typeorm';
import type { Database } from '../database/database.service.js';
import type { EnqueueOptions, JobName, JobPayloads } from './job-names.js';

/**
 * Puts jobs on the queue: BullMQ when REDIS_URL is set, otherwise in-process. Callers enqueue
 * after their transaction commits; if that enqueue is lost, the reconciler finds the pending
 * state in the database and enqueues again.
 */
export abstract class JobQueue {
  /** `db`: for `enqueueAfterCommit` (absent in unit tests that only enqueue). */
  constructor(private readonly database?: Database) {}

  /** The enqueues each open transaction registered (see enqueueAfterCommit). */
  private readonly afterCommit = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  abstract enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;

  /**
   * Enqueues the job once the transaction `m` belongs to has committed (Database.afterCommit), and
   * not at all when it rolls back: a job never runs for a change that was not stored, and no caller
   * has to remember to enqueue after `transaction()` returns. A lost enqueue is the reconciler's.
   */
  enqueueAfterCommit<N extends JobName>(m: EntityManager, name: N, payload: JobPayloads[N], options?: EnqueueOptions): void {
    if (!this.database) throw new Error('enqueueAfterCommit needs the Database');
    // A transaction's jobs go out together (a batch of submissions enqueues one per question),
    // not one Redis round trip after another.
    let jobs = this.afterCommit.get(m);
    if (!jobs) {
      const pending: (() => Promise<void>)[] = [];
      this.database.afterCommit(m, () => Promise.all(pending.map((enqueue) => enqueue())));
      this.afterCommit.set(m, (jobs = pending));
    }
    jobs.push(() => this.enqueue(name, payload, options));
  }

  /**
   * Backpressure for work that makes jobs faster than they run (question intake): resolves once
   * fewer than JOB_BACKLOG_LIMIT jobs wait to run and, while any wait, this process's jobs lately
   * took at most JOB_LATENCY_TARGET_MS (`JobLatency`) — or after `maxWaitMs` whatever the backlog.
   * So under overload the intake slows down to the pace of the jobs instead of building a backlog
   * that delays every mail (an immediate mail should leave within seconds of its event).
   */
  waitForRoom(_maxWaitMs: number): Promise<void> {
    return Promise.resolve();
  }
}
