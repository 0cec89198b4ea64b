import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Entry point for every write. On SQLite TypeORM shares one connection, so two transactions
 * running at once would interleave their statements in one SQLite transaction; write
 * transactions are therefore serialised through one queue. PostgreSQL runs them concurrently.
 */
@Injectable()
export class Database {
  private readonly sqliteWriteQueue = new Mutex();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return this.dataSource.transaction(work);
    return this.sqliteWriteQueue.runExclusive(() => this.dataSource.transaction(work));
  }
}
