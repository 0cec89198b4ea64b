import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Database } from '../infra/database/database.service.js';
import { insertRows } from '../infra/database/sql.js';
import { KnowledgeSearch } from './knowledge.entities.js';

/** How long a search waits at most before it is written. */
const FLUSH_DELAY_MS = 250;
const MAX_PENDING = 500;

/**
 * Writes search analytics in batches: one transaction per batch instead of one per search keeps the
 * search path free of writes (on SQLite they would queue behind every other write). Reports and
 * click recording call `flush()` first, so they always see every search of this process.
 */
@Injectable()
export class SearchLog implements OnModuleDestroy {
  private readonly logger = new Logger(SearchLog.name);
  private pending: KnowledgeSearch[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  add(search: KnowledgeSearch): void {
    this.pending.push(search);
    if (this.pending.length >= MAX_PENDING) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  /**
   * Resolves once a search this process logged is committed: flushes it when it is still pending,
   * or waits for the flush already under way (its batch has left `pending` but is not committed yet).
   */
  async written(id: string): Promise<void> {
    if (this.pending.some((search) => search.id === id)) await this.flush();
    else await this.flushing;
  }

  /** Writes everything added so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.db.transaction(async (m) => {
          for (let i = 0; i < batch.length; i += 50) await insertRows(m, KnowledgeSearch, batch.slice(i, i + 50));
        });
      } catch (error) {
        // Analytics must never break searching; a lost batch is logged.
        this.logger.error({ err: error, count: batch.length }, 'Could not store search analytics');
      }
    });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
