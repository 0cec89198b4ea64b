import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SQLITE_READ_MMAP_BYTES, SqliteReadPool } from './sqlite-read-pool.js';

describe('SqliteReadPool', () => {
  let dir: string;
  let writer: DataSource;
  let pool: SqliteReadPool;
  let path: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vraagbaak-read-pool-'));
    path = join(dir, 'test.sqlite');
    writer = await new DataSource({ type: 'sqlite', database: path, enableWAL: true }).initialize();
    await writer.query('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    await writer.query(`INSERT INTO items (id, name) VALUES (1, 'een'), (2, 'twee'), (3, 'drie')`);
    pool = new SqliteReadPool(path, 3, 5000);
  });

  afterEach(async () => {
    await pool.close();
    await writer.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps the database file into memory on every connection it opens (and not when told 0)', async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => pool.query('PRAGMA mmap_size')));
    expect(answers.map((rows) => Number(rows[0].mmap_size))).toEqual([SQLITE_READ_MMAP_BYTES, SQLITE_READ_MMAP_BYTES, SQLITE_READ_MMAP_BYTES]);
    const unmapped = new SqliteReadPool(path, 1, 5000, 0);
    try {
      expect(Number((await unmapped.query('PRAGMA mmap_size'))[0].mmap_size)).toBe(0);
    } finally {
      await unmapped.close();
    }
  });

  it('runs a statement again with other parameters, concurrently and one after another', async () => {
    const byId = (id: number) => pool.query('SELECT name FROM items WHERE id = ?1', [id]);
    expect(await byId(1)).toEqual([{ name: 'een' }]);
    expect(await Promise.all([byId(2), byId(3), byId(1), byId(4)])).toEqual([[{ name: 'twee' }], [{ name: 'drie' }], [{ name: 'een' }], []]);
  });

  it('sees what was committed after an earlier run of the same statement (no snapshot is held between runs)', async () => {
    const count = async () => (await pool.query('SELECT count(*) AS n FROM items'))[0].n;
    expect(await count()).toBe(3);
    await writer.query(`INSERT INTO items (id, name) VALUES (4, 'vier')`);
    expect(await count()).toBe(4);
    await writer.query('DELETE FROM items WHERE id > 1');
    expect(await count()).toBe(1);
  });

  it('rejects SQL that does not compile, keeps working, and keeps no statement for it', async () => {
    await expect(pool.query('SELECT nope FROM items')).rejects.toThrow('no such column');
    await expect(pool.query('SELECT nope FROM items')).rejects.toThrow('no such column');
    expect(await pool.query('SELECT name FROM items WHERE id = ?1', [2])).toEqual([{ name: 'twee' }]);
    await expect(pool.query('SELECT name FROM items WHERE id = ?1', [1, 2, 3])).rejects.toThrow();
  });

  it('finalises the least recently used statements beyond its bound and still answers every query', async () => {
    const shapes = Array.from({ length: 200 }, (_, i) => `SELECT name, ${i} AS shape FROM items WHERE id = ?1`);
    const rows = await Promise.all(shapes.map((sql, i) => pool.query(sql, [(i % 3) + 1])));
    rows.forEach((result, i) => expect(result).toEqual([{ name: ['een', 'twee', 'drie'][i % 3], shape: i }]));
    expect(await pool.query(shapes[0], [3])).toEqual([{ name: 'drie', shape: 0 }]);
  });
});
