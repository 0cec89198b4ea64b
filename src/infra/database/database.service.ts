import { availableParallelism } from 'node:os';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';
import { SqliteReadPool } from './sqlite-read-pool.js';

/** Runs read-only SQL; rows as TypeORM's `query` returns them. */
export interface Reader {
  readonly kind: 'sqlite' | 'postgres';
  query(sql: string, parameters?: unknown[]): Promise<any[]>;
}

/**
 * Entry point for every write. On SQLite TypeORM shares one connection, so two transactions
 * running at once would interleave their statements in one SQLite transaction; write
 * transactions are therefore serialised through one queue. PostgreSQL runs them concurrently.
 */
@Injectable()
export class Database implements OnModuleDestroy {
  private readonly sqliteWriteQueue = new Mutex();
  private readPool: SqliteReadPool | null | undefined;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * For heavy reads outside transactions (search): on a SQLite file in WAL mode a small pool of
   * read-only connections (see SqliteReadPool), so searches neither queue on TypeORM's single
   * connection nor see another request's uncommitted transaction; otherwise the manager.
   */
  get reader(): Reader {
    if (this.readPool === undefined) this.readPool = this.openReadPool();
    if (this.readPool) return this.readPool;
    const manager = this.dataSource.manager;
    return { kind: this.kind, query: (sql, parameters) => manager.query(sql, parameters) };
  }

  private openReadPool(): SqliteReadPool | null {
    const options = this.dataSource.options;
    if (options.type !== 'sqlite' || !options.enableWAL) return null;
    const path = String(options.database);
    if (path === '' || path === ':memory:' || path.startsWith('file::memory:') || path.includes('mode=memory')) return null;
    // One connection per core: SQLite reads are CPU-bound and run on libuv's threads.
    return new SqliteReadPool(path, Math.min(4, Math.max(2, availableParallelism())), options.busyTimeout ?? 5000);
  }

  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return this.dataSource.transaction(work);
    return this.sqliteWriteQueue.runExclusive(() => this.dataSource.transaction(work));
  }

  /**
   * Runs `work`, which must issue exactly one writing statement, without BEGIN/COMMIT around it
   * (the statement is atomic by itself): two round trips fewer than `transaction`. On SQLite it
   * still takes its turn in the write queue, or it would land inside another unit's open transaction.
   */
  statement<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return work(this.dataSource.manager);
    return this.sqliteWriteQueue.runExclusive(() => work(this.dataSource.manager));
  }

  async onModuleDestroy(): Promise<void> {
    await this.readPool?.close();
    this.readPool = null;
  }
}
