import sqlite3 from 'sqlite3';
import { amsterdamDay } from '../common/clock.js';
import { sqliteAmsterdamDay } from './cells-schema.js';
import { dayRanges } from './statistics-cells.js';

describe('statistics cells', () => {
  describe('sqliteAmsterdamDay (the day the SQLite triggers mark)', () => {
    let db: sqlite3.Database;
    beforeAll(() => {
      db = new sqlite3.Database(':memory:');
    });
    afterAll(() => new Promise<void>((resolve) => db.close(() => resolve())));

    const sqlDays = (instants: Date[]) =>
      new Promise<string[]>((resolve, reject) => {
        const values = instants.map((i) => `('${i.toISOString().replace('T', ' ').slice(0, 23)}')`).join(', ');
        db.all(`WITH t(x) AS (VALUES ${values}) SELECT ${sqliteAmsterdamDay('x')} AS day FROM t`, (error, rows: { day: string }[]) => (error ? reject(error) : resolve(rows.map((r) => r.day))));
      });

    it('agrees with Europe/Amsterdam around every DST change and midnight of 2024–2031', async () => {
      const instants: Date[] = [];
      for (let year = 2024; year <= 2031; year++) {
        for (const month of [3, 10]) {
          // The whole last week of the month, every 15 minutes (both changes happen at 01:00 UTC on its Sunday).
          const start = Date.UTC(year, month - 1, 24);
          for (let t = start; t < start + 9 * 86_400_000; t += 15 * 60_000) instants.push(new Date(t));
        }
        for (let month = 0; month < 12; month++) {
          for (const minute of [-1, 0, 1]) {
            instants.push(new Date(Date.UTC(year, month, 1, 22, 59 + minute, 59, 999)), new Date(Date.UTC(year, month, 1, 23, minute + 1)));
          }
        }
      }
      const days = await sqlDays(instants);
      const mismatches = instants.map((instant, i) => [instant.toISOString(), days[i], amsterdamDay(instant)]).filter(([, sql, js]) => sql !== js);
      expect(mismatches).toEqual([]);
      expect(instants.length).toBeGreaterThan(10_000);
    });
  });

  it('merges consecutive days into ranges', () => {
    expect(dayRanges(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-03', '2026-12-31', '2027-01-01'])).toEqual([
      ['2026-02-27', '2026-03-01'],
      ['2026-03-03', '2026-03-03'],
      ['2026-12-31', '2027-01-01'],
    ]);
    expect(dayRanges([])).toEqual([]);
  });
});
