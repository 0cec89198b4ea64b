import sqlite3 from 'sqlite3';

/**
 * A few read-only connections on the same SQLite file, for heavy reads (search). TypeORM keeps one
 * connection for everything, so concurrent searches would queue on it (and behind every write); in WAL
 * mode readers run in parallel with each other and with the writer, each statement on the latest
 * committed data. Only for a file in WAL mode: an in-memory database is private to its connection.
 */
export class SqliteReadPool {
  readonly kind = 'sqlite' as const;
  private readonly connections: { db: sqlite3.Database; busy: number }[] = [];

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly busyTimeoutMs: number,
  ) {}

  query(sql: string, parameters: unknown[] = []): Promise<any[]> {
    const connection = this.pick();
    connection.busy += 1;
    return new Promise<any[]>((resolve, reject) =>
      connection.db.all(sql, parameters, (error, rows) => {
        connection.busy -= 1;
        if (error) reject(error);
        else resolve(rows);
      }),
    );
  }

  /** The least busy connection; opens another while all are busy and the pool is not full. */
  private pick(): { db: sqlite3.Database; busy: number } {
    const idle = this.connections.reduce<{ db: sqlite3.Database; busy: number } | undefined>((best, c) => (!best || c.busy < best.busy ? c : best), undefined);
    if (idle && (idle.busy === 0 || this.connections.length >= this.size)) return idle;
    const db = new sqlite3.Database(this.path, sqlite3.OPEN_READONLY);
    db.configure('busyTimeout', this.busyTimeoutMs);
    const connection = { db, busy: 0 };
    this.connections.push(connection);
    return connection;
  }

  async close(): Promise<void> {
    const connections = this.connections.splice(0);
    await Promise.all(connections.map((c) => new Promise<void>((resolve) => c.db.close(() => resolve()))));
  }
}
