import type { EnqueueOptions, JobName, JobPayloads } from './job-names.js';

/**
 * Puts jobs on the queue: BullMQ when REDIS_URL is set, otherwise in-process. Callers enqueue
 * after their transaction commits; if that enqueue is lost, the reconciler finds the pending
 * state in the database and enqueues again.
 */
export abstract class JobQueue {
  abstract enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
}
