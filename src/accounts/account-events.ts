import { Injectable, Logger } from '@nestjs/common';

/** An expert stopped being available for new work (deactivated, or an absence starts). */
export interface AvailabilityChange {
  userId: string;
  reason: 'deactivated' | 'absent';
}

type Listener = (change: AvailabilityChange) => Promise<void>;

/**
 * In-process notification that an expert's availability changed, so routing can react at once.
 * Listeners are a fast path only: routing's reconciler also finds such questions from the
 * database, so nothing is lost if a listener fails or the process dies.
 */
@Injectable()
export class AccountEvents {
  private readonly logger = new Logger(AccountEvents.name);
  private readonly listeners: Listener[] = [];

  onAvailabilityChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async availabilityChanged(change: AvailabilityChange): Promise<void> {
    for (const listener of this.listeners) {
      await listener(change).catch((error: unknown) => this.logger.warn({ err: error, change }, 'availability listener failed'));
    }
  }
}
