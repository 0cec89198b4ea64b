import sqlite3 from 'sqlite3';
import { DataSource, Migration } from 'typeorm';

/** Any fixed 64-bit number; identifies Vraagbaak's migration lock among PostgreSQL advisory locks. */
const PG_MIGRATION_LOCK = 7_305_112_042;

/**
 * Runs pending migrations while holding a lock, so two processes starting at once on the same
 * database never migrate concurrently: a PostgreSQL advisory lock, or on SQLite an exclusive
 * transaction on a lock file beside the database (the app shares a single connection, which
 * cannot hold a lock while TypeORM runs its own transactions on it).
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

export async function revertLastMigrationLocked(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'postgres') {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
  const database = String(dataSource.options.database);
  if (database === ':memory:') return work();
  const lock = await openSqliteLock(`${database}.migrate-lock`);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

function openSqliteLock(path: string): Promise<{ release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (openError) => {
      if (openError) return reject(openError);
      db.configure('busyTimeout', 120_000);
      db.exec('BEGIN EXCLUSIVE', (lockError) => {
        if (lockError) return db.close(() => reject(lockError));
        resolve({
          release: () =>
            new Promise<void>((done) => db.exec('COMMIT', () => db.close(() => done()))),
        });
      });
    });
  });
}
