import sqlite3 from 'sqlite3';
import type { Queryable } from './sql.js';

/** Prepared statements kept per connection (least recently used ones are finalised beyond this). */
const STATEMENTS_PER_CONNECTION = 64;

/**
 * Bytes of the database file each read connection maps into memory (`PRAGMA mmap_size`). Pages are then
 * read straight from the OS page cache, shared by all connections, instead of copied by a `pread` into
 * each connection's own 2 MB page cache: engine CPU per search 2.85–3.60 → 2.64–3.30 ms, system time
 * 0.11–0.16 → 0.05–0.10 ms, on 100,000 articles (docs/benchmarks.md, "Search"). Address space only; the
 * pages stay the kernel's file cache.
 */
export const SQLITE_READ_MMAP_BYTES = 1024 * 1024 * 1024;

interface Prepared {
  statement: sqlite3.Statement;
  /** Settles when SQLite has compiled the statement (rejects with its error). */
  ready: Promise<void>;
}

interface Connection {
  db: sqlite3.Database;
  busy: number;
  /** Prepared statements by SQL text, least recently used first (Map order). */
  statements: Map<string, Prepared>;
}

/**
 * A few read-only connections on the same SQLite file, for heavy reads (search). TypeORM keeps one
 * connection for everything, so concurrent searches would queue on it (and behind every write); in WAL
 * mode readers run in parallel with each other and with the writer, each statement on the latest
 * committed data. Only for a file in WAL mode: an in-memory database is private to its connection.
 *
 * Statements are prepared once per connection and run again with new parameters: `Database#all`
 * would compile the SQL each time and finalise the statement on the event loop afterwards, where
 * `sqlite3_finalize` waits for the connection's mutex while another statement of it runs (0.05–0.1 ms
 * less CPU per statement, half the event-loop time; docs/benchmarks.md, "Search"). A statement is reset
 * after each run, so it holds no read snapshot between runs.
 */
export class SqliteReadPool implements Queryable {
  readonly kind = 'sqlite' as const;
  private readonly connections: Connection[] = [];

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly busyTimeoutMs: number,
    private readonly mmapBytes: number = SQLITE_READ_MMAP_BYTES,
  ) {}

  query(sql: string, parameters: unknown[] = []): Promise<any[]> {
    const connection = this.pick();
    connection.busy += 1;
    const prepared = this.prepared(connection, sql);
    return new Promise<any[]>((resolve, reject) => {
      let settled = false;
      const done = (error: Error | null, rows?: any[]) => {
        if (settled) return;
        settled = true;
        connection.busy -= 1;
        if (error) reject(error);
        else resolve(rows ?? []);
      };
      // Queued at once (behind the prepare, ahead of any finalisation after an eviction). A statement that
      // does not compile drops its queue without calling back: its prepare error answers instead.
      prepared.ready.catch((error: Error) => done(error));
      prepared.statement.all(parameters, (error, rows) => done(error, rows));
    });
  }

  /** The connection's prepared statement for `sql`, prepared now if it has none. */
  private prepared(connection: Connection, sql: string): Prepared {
    const { statements } = connection;
    let prepared = statements.get(sql);
    if (prepared) {
      statements.delete(sql); // re-inserted below as the most recently used
    } else {
      let statement!: sqlite3.Statement;
      const ready = new Promise<void>((resolve, reject) => {
        statement = connection.db.prepare(sql, (error) => (error ? reject(error) : resolve()));
      });
      const entry: Prepared = { statement, ready };
      // A statement that did not compile is not kept.
      ready.catch(() => statements.get(sql) === entry && statements.delete(sql));
      prepared = entry;
      if (statements.size >= STATEMENTS_PER_CONNECTION) {
        const [oldestSql, oldest] = statements.entries().next().value as [string, Prepared];
        statements.delete(oldestSql);
        finalize(oldest.statement); // queued behind any run of it still in progress
      }
    }
    statements.set(sql, prepared);
    return prepared;
  }

  /** The least busy connection; opens another while all are busy and the pool is not full. */
  private pick(): Connection {
    const idle = this.connections.reduce<Connection | undefined>((best, c) => (!best || c.busy < best.busy ? c : best), undefined);
    if (idle && (idle.busy === 0 || this.connections.length >= this.size)) return idle;
    const db = new sqlite3.Database(this.path, sqlite3.OPEN_READONLY);
    db.configure('busyTimeout', this.busyTimeoutMs);
    // Queued ahead of the connection's first statement (exec runs alone on its connection).
    if (this.mmapBytes > 0) db.exec(`PRAGMA mmap_size = ${Math.floor(this.mmapBytes)}`);
    const connection: Connection = { db, busy: 0, statements: new Map() };
    this.connections.push(connection);
    return connection;
  }

  async close(): Promise<void> {
    const connections = this.connections.splice(0);
    await Promise.all(
      connections.map(async ({ db, statements }) => {
        // SQLite does not close a connection that still has prepared statements.
        await Promise.all([...statements.values()].map(({ statement }) => finalize(statement)));
        statements.clear();
        await new Promise<void>((resolve) => db.close(() => resolve()));
      }),
    );
  }
}

/** Finalises a statement; with a callback, so a statement already finalised (its prepare failed) reports nothing. */
function finalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise<void>((resolve) => statement.finalize(() => resolve()));
}
