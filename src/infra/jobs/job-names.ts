/**
 * Every background job, by name. Each name has exactly one handler (checked at startup).
 * Jobs carry ids only: the database is the source of truth, handlers reload and are idempotent.
 */
export enum JobName {
  /** Deliver one outbox row (one mail for one recipient). */
  SendNotification = 'send-notification',
}

export interface JobPayloads {
  [JobName.SendNotification]: { outboxId: string };
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Deduplication key: while a job with this id is waiting, another enqueue with the same id
   * is a no-op. The reconciler re-enqueues with a fresh id so a re-run really runs.
   */
  jobId?: string;
}
