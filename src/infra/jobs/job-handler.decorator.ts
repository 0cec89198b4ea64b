import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-names.js';

/** Metadata key under which `@JobHandler` stores the job name on the decorated method. */
export const JOB_HANDLER_METADATA = 'vraagbaak:job-handler';

/** What a handler is: it gets the payload (ids only), reloads state and is idempotent. */
export type JobHandlerFn<N extends JobName = JobName> = (payload: JobPayloads[N]) => Promise<void>;

/**
 * Marks a method of a singleton provider as THE handler of one job name. Every `JobName` must
 * have exactly one handler; the boot fails otherwise (see `JobsExplorer`).
 *
 * A handler may run more than once for the same payload (retries, the reconciler, a worker
 * killed mid-job), so it reloads its row and does nothing when the work is already done.
 * Throwing makes the job retry with exponential backoff.
 *
 * ```ts
 * @JobHandler(JobName.SendNotification)
 * async send({ outboxId }: JobPayloads[JobName.SendNotification]): Promise<void> { … }
 * ```
 */
export function JobHandler<N extends JobName>(name: N) {
  const setMetadata = SetMetadata(JOB_HANDLER_METADATA, name);
  return <T extends JobHandlerFn<N>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    setMetadata(target, key, descriptor);
  };
}
