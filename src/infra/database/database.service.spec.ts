import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConflictError } from '../../common/domain-errors.js';
import { Database, isTransientConflict, isUniqueViolation } from './database.service.js';

describe('Database write serialisation on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vraagbaak-db-'));
    dataSource = await new DataSource({ type: 'sqlite', database: join(dir, 'test.sqlite'), enableWAL: true, busyTimeout: 5000 }).initialize();
    await dataSource.query('CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)');
    await dataSource.query('CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER NOT NULL)');
    await dataSource.query('INSERT INTO counter (id, value) VALUES (1, 0)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Read-modify-write with a pause in the middle, so unserialised transactions would interleave. */
  const increment = (manager: DataSource['manager'], writer: number) =>
    (async () => {
      const [row] = await manager.query('SELECT value FROM counter WHERE id = 1');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      await manager.query('INSERT INTO entries (writer) VALUES (?)', [writer]);
      await manager.query('UPDATE counter SET value = ? WHERE id = 1', [row.value + 1]);
    })();

  it('runs 200 concurrent write transactions one after another without losing an update', async () => {
    const db = new Database(dataSource);
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.transaction((manager) => increment(manager, i))));
    const [{ value }] = await dataSource.query('SELECT value FROM counter WHERE id = 1');
    const [{ n }] = await dataSource.query('SELECT COUNT(*) AS n FROM entries');
    expect(value).toBe(200);
    expect(n).toBe(200);
  });

  it('rolls back only the failing transaction', async () => {
    const db = new Database(dataSource);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction(async (manager) => {
          await increment(manager, i);
          if (i % 5 === 0) throw new Error('fail');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    const [{ value }] = await dataSource.query('SELECT value FROM counter WHERE id = 1');
    expect(value).toBe(40);
  });

  it('runs single statements in the queue, never inside another unit\'s transaction that rolls back', async () => {
    const db = new Database(dataSource);
    const results = await Promise.allSettled([
      db.transaction(async (manager) => {
        await increment(manager, 0);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('fail');
      }),
      ...Array.from({ length: 10 }, (_, i) => db.statement((manager) => manager.query('INSERT INTO entries (writer) VALUES (?)', [100 + i]))),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const [{ n }] = await dataSource.query('SELECT COUNT(*) AS n FROM entries WHERE writer >= 100');
    expect(n).toBe(10);
  });

  it('commits waiting units together; a failing unit is undone alone and the others resolve only once committed', async () => {
    const db = new Database(dataSource);
    const observer = await new DataSource({ type: 'sqlite', database: join(dir, 'test.sqlite'), enableWAL: true, busyTimeout: 5000 }).initialize();
    try {
      await dataSource.query('CREATE UNIQUE INDEX entries_writer ON entries (writer)');
      const visibleElsewhere = async (writer: number) => (await observer.query('SELECT COUNT(*) AS n FROM entries WHERE writer = ?', [writer]))[0].n;
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => {
          if (i % 10 === 3) {
            // Writes, then throws: rolled back to its savepoint.
            return db.transaction(async (manager) => {
              await manager.query('INSERT INTO entries (writer) VALUES (?)', [1000 + i]);
              throw new Error('fail');
            });
          }
          if (i % 10 === 7) return db.statement((manager) => manager.query('INSERT INTO entries (writer) VALUES (?)', [1])); // clashes with writer 1
          return db
            .transaction((manager) => increment(manager, i))
            .then(async () => expect(await visibleElsewhere(i)).toBe(1));
        }),
      );
      const rejected = results.map((r, i) => [i, r.status] as const).filter(([, status]) => status === 'rejected').map(([i]) => i);
      expect(rejected).toEqual([3, 7, 13, 17, 23, 27, 33, 37]);
      const [{ value }] = await dataSource.query('SELECT value FROM counter WHERE id = 1');
      expect(value).toBe(32);
      const [{ n }] = await dataSource.query('SELECT COUNT(*) AS n FROM entries WHERE writer >= 1000');
      expect(n).toBe(0);
    } finally {
      await observer.destroy();
    }
  });

  it('runs after-commit work of committed units only, once their group has committed', async () => {
    const db = new Database(dataSource);
    const observer = await new DataSource({ type: 'sqlite', database: join(dir, 'test.sqlite'), enableWAL: true, busyTimeout: 5000 }).initialize();
    try {
      const done: number[] = [];
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          db.transaction(async (manager) => {
            await manager.query('INSERT INTO entries (writer) VALUES (?)', [i]);
            db.afterCommit(manager, async () => {
              // After the commit: another connection already sees the unit's write.
              const [{ n }] = await observer.query('SELECT COUNT(*) AS n FROM entries WHERE writer = ?', [i]);
              done.push(i * 10 + n);
            });
            if (i % 4 === 1) throw new Error('fail'); // rolled back to its savepoint: its work is dropped
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
      expect(done.sort((a, b) => a - b)).toEqual([0, 2, 3, 4, 6, 7, 8, 10, 11].map((i) => i * 10 + 1));

      // A run lost to a unique-key race takes its after-commit work with it; the committed run's runs.
      await dataSource.query('CREATE UNIQUE INDEX entries_writer ON entries (writer)');
      const runs: string[] = [];
      await db.transaction(async (manager) => {
        const attempt = runs.length === 0 ? 'first' : 'second';
        runs.push(attempt);
        db.afterCommit(manager, () => done.push(attempt === 'first' ? -1 : -2));
        if (attempt === 'first') await manager.query('INSERT INTO entries (writer) VALUES (0)'); // exists: a unique violation
      });
      expect(runs).toEqual(['first', 'second']);
      expect(done.filter((n) => n < 0)).toEqual([-2]);

      // Outside a transaction there is no commit to wait for: a programming error, said at once.
      expect(() => db.afterCommit(dataSource.manager, () => undefined)).toThrow(/Database.transaction/);
    } finally {
      await observer.destroy();
    }
  });

  it('shows why the queue exists: the shared connection cannot run two transactions at once', async () => {
    const unserialised = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => dataSource.transaction((manager) => increment(manager, i))),
    );
    const [{ value }] = await dataSource.query('SELECT value FROM counter WHERE id = 1');
    const failed = unserialised.filter((r) => r.status === 'rejected').length;
    expect(failed > 0 || value !== 20).toBe(true);
  });

  it('runs a transaction that lost a race on a unique key again, so it sees the winner and answers as a sequential request', async () => {
    const db = new Database(dataSource);
    await dataSource.query('CREATE UNIQUE INDEX entries_writer ON entries (writer)');
    await dataSource.query('INSERT INTO entries (writer) VALUES (7)'); // the winner, committed meanwhile
    let runs = 0;
    // The first run's check happened "before the winner committed": it inserts and hits the key.
    const outcome = await db.transaction(async (manager) => {
      runs++;
      const exists = runs > 1 && (await manager.query('SELECT 1 FROM entries WHERE writer = 7')).length > 0;
      if (exists) return 'existing';
      await manager.query('INSERT INTO entries (writer) VALUES (7)');
      return 'inserted';
    });
    expect({ outcome, runs }).toEqual({ outcome: 'existing', runs: 2 });
  });

  it('answers a unique violation that persists as a 409 conflict, for transactions and statements', async () => {
    const db = new Database(dataSource);
    await dataSource.query('CREATE UNIQUE INDEX entries_writer ON entries (writer)');
    await dataSource.query('INSERT INTO entries (writer) VALUES (7)');
    let runs = 0;
    const inTransaction = db.transaction(async (manager) => {
      runs++;
      await manager.query('INSERT INTO entries (writer) VALUES (7)');
    });
    await expect(inTransaction).rejects.toBeInstanceOf(ConflictError);
    await expect(inTransaction).rejects.toMatchObject({ status: 409, kind: 'duplicate' });
    expect(runs).toBe(3);
    await expect(db.statement((manager) => manager.query('INSERT INTO entries (writer) VALUES (7)'))).rejects.toMatchObject({ status: 409, kind: 'duplicate' });
    // Other errors pass unchanged, without another run.
    runs = 0;
    const other = db.transaction(async (manager) => {
      runs++;
      await manager.query('INSERT INTO no_such_table (x) VALUES (1)');
    });
    await expect(other).rejects.not.toBeInstanceOf(ConflictError);
    expect(runs).toBe(1);
  });
});

describe('isUniqueViolation', () => {
  it('knows PostgreSQL\'s 23505 and SQLite\'s UNIQUE constraint, directly or as TypeORM\'s driverError', () => {
    expect(isUniqueViolation({ code: '23505' })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email' })).toBe(true);
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: FOREIGN KEY constraint failed' })).toBe(false);
    expect(isUniqueViolation({ code: '23503' })).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe('isTransientConflict', () => {
  it('knows PostgreSQL\'s deadlock (40P01) and serialisation failure (40001), directly or as driverError', () => {
    expect(isTransientConflict({ code: '40P01' })).toBe(true);
    expect(isTransientConflict({ driverError: { code: '40001' } })).toBe(true);
    expect(isTransientConflict({ code: '23505' })).toBe(false);
    expect(isTransientConflict({ code: 'SQLITE_BUSY' })).toBe(false);
    expect(isTransientConflict(undefined)).toBe(false);
  });
});
