import { SqlParams, databaseKindOf, parseSqlTime } from './sql.js';

describe('SqlParams', () => {
  it('numbers placeholders per dialect', () => {
    const sqlite = new SqlParams('sqlite');
    const postgres = new SqlParams('postgres');
    expect([sqlite.add('a'), sqlite.list([1, 2])]).toEqual(['?1', '?2, ?3']);
    expect([postgres.add('a'), postgres.list([1, 2])]).toEqual(['$1', '$2, $3']);
  });

  it('binds a list of integers as one parameter', () => {
    const sqlite = new SqlParams('sqlite');
    const postgres = new SqlParams('postgres');
    expect(sqlite.inIntegers([3, 1])).toBe('IN (SELECT value FROM json_each(?1))');
    expect(sqlite.values).toEqual(['[3,1]']);
    expect(postgres.inIntegers([3, 1])).toBe('= ANY($1::int[])');
    expect(postgres.values).toEqual([[3, 1]]);
  });

  it('stores booleans and instants as each database does', () => {
    const sqlite = new SqlParams('sqlite');
    const postgres = new SqlParams('postgres');
    const instant = new Date('2026-03-01T10:00:00.123Z');
    expect([sqlite.bool(false), sqlite.time(instant)]).toEqual(['?1', '?2']);
    expect(sqlite.values).toEqual([0, '2026-03-01 10:00:00.123']);
    expect([postgres.bool(true), postgres.time(instant)]).toEqual(['$1', '$2::timestamptz']);
    expect(postgres.values).toEqual([true, instant]);
  });
});

describe('databaseKindOf', () => {
  it('reads a manager’s connection or a reader’s own kind', () => {
    const query = async () => [];
    expect(databaseKindOf({ query, connection: { options: { type: 'postgres' } } } as never)).toBe('postgres');
    expect(databaseKindOf({ query, connection: { options: { type: 'sqlite' } } } as never)).toBe('sqlite');
    expect(databaseKindOf({ query, kind: 'postgres' })).toBe('postgres');
  });
});

describe('parseSqlTime', () => {
  it('reads SQLite UTC text and PostgreSQL dates alike', () => {
    const instant = new Date('2026-03-01T10:00:00.123Z');
    expect(parseSqlTime('2026-03-01 10:00:00.123')).toEqual(instant);
    expect(parseSqlTime(instant)).toBe(instant);
  });
});
