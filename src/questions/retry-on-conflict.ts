import type { Logger } from '@nestjs/common';
import { ConflictError } from '../common/domain-errors.js';

/** A job that lost a race with a person acting at the same moment simply tries again. */
export async function retryOnConflict<T>(logger: Logger, work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConflictError) || i >= attempts) throw error;
      logger.debug(`retrying after a concurrent change (${i})`);
    }
  }
}
