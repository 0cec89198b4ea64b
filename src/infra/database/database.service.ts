import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError } from '../../common/domain-errors.js';
import { SqliteReadPool } from './sqlite-read-pool.js';
import { Queryable, databaseKindOf } from './sql.js';
import type { DatabaseKind } from '../../config/app-config.js';

/** A unit of work waiting for the SQLite write queue. */
interface WriteUnit {
  work: (manager: EntityManager) => Promise<unknown>;
  /** One statement, atomic by itself: needs no savepoint. */
  statement: boolean;
  /** What `afterCommit` registered during this unit's work (a transaction unit only). */
  afterCommit?: AfterCommit[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Work to do once a transaction has committed (dispatching its mails, say). */
type AfterCommit = () => unknown;

/** Units committed together at most (bounds the latency a unit waits for the others of its group). */
const MAX_GROUP = 32;

/** Runs of a transaction that keeps losing races on unique keys, before it is answered as a conflict. */
const UNIQUE_RACE_ATTEMPTS = 3;
/** Runs of a transaction that PostgreSQL keeps aborting to break deadlocks (or serialisation conflicts). */
const TRANSIENT_ATTEMPTS = 5;

/**
 * PostgreSQL aborted the transaction to let a concurrent one through: a deadlock (40P01) or a
 * serialisation failure (40001). Nothing of it was stored; running it again is the cure
 * PostgreSQL's documentation prescribes.
 */
export function isTransientConflict(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    const code = candidate && typeof candidate === 'object' ? (candidate as { code?: unknown }).code : undefined;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}

/**
 * A write refused by a unique constraint or primary key: PostgreSQL's SQLSTATE 23505, SQLite's
 * SQLITE_CONSTRAINT "UNIQUE constraint failed" (TypeORM's QueryFailedError copies the driver's
 * `code`; the driver error itself is kept as `driverError`).
 */
export function isUniqueViolation(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (!candidate || typeof candidate !== 'object') continue;
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (code === '23505') return true;
    if (code === 'SQLITE_CONSTRAINT' && typeof message === 'string' && /UNIQUE constraint failed/.test(message)) return true;
  }
  return false;
}

/**
 * Read-only SQLite connections for searches (opened only while all others are busy). More than cores:
 * statements on one connection run one after another on its mutex, and the sqlite3 driver finalises each
 * statement on the event loop, where it waits for that mutex while another statement of the connection
 * runs. Spreading concurrent statements over more connections keeps the event loop from waiting:
 * 8 concurrent searches on 2 cores gave 192 req/s with 2 connections, 223 with 4, 250–259 with 8
 * (docs/benchmarks.md, "Search").
 */
export const SQLITE_READ_CONNECTIONS = 8;

/**
 * Entry point for every write. On SQLite TypeORM shares one connection, so two transactions
 * running at once would interleave their statements in one SQLite transaction; write
 * transactions are therefore serialised through one queue. PostgreSQL runs them concurrently.
 *
 * Group commit on SQLite: the units waiting in the queue run one after another inside one
 * transaction, each under a savepoint, and are committed together, so a commit (and its fsync)
 * is shared instead of paid per unit. A unit resolves only after that commit; a unit that throws
 * is rolled back to its savepoint alone, and the units after it wait for the next group.
 */
@Injectable()
export class Database implements OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private readonly writes: WriteUnit[] = [];
  private writing = false;
  private readPool: SqliteReadPool | null | undefined;
  /** The after-commit work of each running transaction, by the manager its work was given. */
  private readonly pendingAfterCommit = new WeakMap<EntityManager, AfterCommit[]>();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get kind(): DatabaseKind {
    return databaseKindOf(this.dataSource.manager);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * For heavy reads outside transactions (search): on a SQLite file in WAL mode a small pool of
   * read-only connections (see SqliteReadPool), so searches neither queue on TypeORM's single
   * connection nor see another request's uncommitted transaction; otherwise the manager.
   */
  get reader(): Queryable {
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
    return new SqliteReadPool(path, SQLITE_READ_CONNECTIONS, options.busyTimeout ?? 5000);
  }

  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws.
   *
   * Services check before they insert ("does this address exist?"), but on PostgreSQL two
   * transactions can pass the check at once, and the loser's insert then hits the unique key.
   * Such a transaction is run again: the fresh run sees the winner's committed row and takes
   * the path a request sent afterwards would take (a 409, or an update of the existing row), so
   * concurrent duplicates get the answers sequential ones get. A unique violation that persists
   * is a conflict with stored data, answered 409 — never a database error.
   *
   * Likewise a transaction PostgreSQL aborted to break a deadlock with another (two transactions
   * locking the same rows in different orders, e.g. a request and a background job) is run again
   * after a short random pause, instead of failing the request.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // A run that fails takes its after-commit work with it: only the committed run's is done.
      const afterCommit: AfterCommit[] = [];
      try {
        const value = await (this.kind === 'postgres'
          ? this.dataSource.transaction((manager) => {
              this.pendingAfterCommit.set(manager, afterCommit);
              return work(manager);
            })
          : this.enqueueWrite(work, false, afterCommit));
        await this.runAfterCommit(afterCommit);
        return value;
      } catch (error) {
        if (isUniqueViolation(error)) {
          if (attempt >= UNIQUE_RACE_ATTEMPTS) throw this.uniqueConflict(error);
        } else if (isTransientConflict(error) && attempt < TRANSIENT_ATTEMPTS) {
          this.logger.warn(`Transaction run again after ${(error as Error).message} (attempt ${attempt})`);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        } else {
          throw error;
        }
      }
    }
  }

  /**
   * Registers `action` to run once the transaction `manager` belongs to has committed, before
   * `transaction()` resolves; nothing runs when it rolls back (or is run again after a conflict).
   * So the transaction, not each caller, dispatches what its commit made real (mails). An action
   * that fails is logged, not thrown: the commit stands, and the reconciler finds what was missed.
   */
  afterCommit(manager: EntityManager, action: AfterCommit): void {
    const actions = this.pendingAfterCommit.get(manager);
    if (!actions) throw new Error('afterCommit needs the manager of a Database.transaction');
    actions.push(action);
  }

  private async runAfterCommit(actions: AfterCommit[]): Promise<void> {
    for (const action of actions) {
      try {
        await action();
      } catch (error) {
        this.logger.warn(`After-commit work failed; the reconciler will pick it up: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Runs `work`, which must issue exactly one writing statement, without a transaction (or
   * savepoint) of its own: the statement is atomic by itself. On SQLite it still takes its turn in
   * the write queue, or it would land inside another unit's open transaction; it joins the
   * group's transaction, or runs alone in autocommit.
   */
  statement<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = this.kind === 'postgres' ? work(this.dataSource.manager) : this.enqueueWrite(work, true);
    return run.catch((error: unknown) => {
      throw isUniqueViolation(error) ? this.uniqueConflict(error) : error;
    });
  }

  private uniqueConflict(error: unknown): ConflictError {
    // Logged, since a unique key no service checks for is worth knowing about.
    this.logger.warn(`Write refused by a unique key: ${(error as Error).message}`);
    const conflict = new ConflictError('Dit bestaat al: een andere wijziging legde hetzelfde vast.', 'duplicate');
    return Object.assign(conflict, { cause: error });
  }

  private enqueueWrite<T>(work: (manager: EntityManager) => Promise<T>, statement: boolean, afterCommit?: AfterCommit[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.writes.push({ work, statement, afterCommit, resolve: resolve as (value: unknown) => void, reject });
      if (!this.writing) void this.runWrites();
    });
  }

  private async runWrites(): Promise<void> {
    this.writing = true;
    try {
      while (this.writes.length > 0) {
        const group = this.writes.splice(0, MAX_GROUP);
        const rest = await this.runGroup(group);
        this.writes.unshift(...rest);
      }
    } finally {
      this.writing = false;
    }
  }

  /** Runs and commits a group; returns the units it did not get to (after a failed one). */
  private async runGroup(group: WriteUnit[]): Promise<WriteUnit[]> {
    const [first] = group;
    if (group.length === 1 && first.statement) {
      // Alone: no transaction at all.
      await first.work(this.dataSource.manager).then(first.resolve, first.reject);
      return [];
    }
    const runner = this.dataSource.createQueryRunner();
    const savepoints = group.length > 1;
    const done: { unit: WriteUnit; value: unknown }[] = [];
    let failed: { unit: WriteUnit; error: unknown } | undefined;
    try {
      await runner.startTransaction();
    } catch (error) {
      await runner.release();
      for (const unit of group) unit.reject(error);
      return [];
    }
    try {
      for (const unit of group) {
        const savepoint = savepoints && !unit.statement;
        // Each unit its own manager on the group's connection, so what it registers for after the
        // commit stays its own (and is dropped with it when it rolls back to its savepoint).
        const manager = unit.afterCommit ? this.dataSource.createEntityManager(runner) : runner.manager;
        if (unit.afterCommit) this.pendingAfterCommit.set(manager, unit.afterCommit);
        try {
          if (savepoint) await runner.startTransaction(); // nested: SAVEPOINT
          const value = await unit.work(manager);
          if (savepoint) await runner.commitTransaction(); // RELEASE SAVEPOINT
          done.push({ unit, value });
        } catch (error) {
          failed = { unit, error };
          if (unit.afterCommit) unit.afterCommit.length = 0;
          // A failed statement undid itself; a failed unit goes back to its savepoint.
          if (savepoint && runner.isTransactionActive) await runner.rollbackTransaction();
          break;
        }
      }
      if (done.length > 0) await runner.commitTransaction();
      else await runner.rollbackTransaction();
    } catch (error) {
      // The group could not be committed: nothing of it is stored.
      await runner.query('ROLLBACK').catch(() => undefined); // SQLite may have rolled back already
      Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
      for (const { unit } of done) unit.reject(error);
      failed?.unit.reject(failed.error);
      return group.slice(done.length + (failed ? 1 : 0));
    } finally {
      await runner.release();
    }
    for (const { unit, value } of done) unit.resolve(value);
    failed?.unit.reject(failed.error);
    return group.slice(done.length + (failed ? 1 : 0));
  }

  async onModuleDestroy(): Promise<void> {
    await this.readPool?.close();
    this.readPool = null;
  }
}
