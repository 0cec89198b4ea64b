import { CSV_BOM, csvCell, toCsv } from './csv.js';
import { monthsBetween, quartersBetween } from './periods.js';

describe('CSV for Dutch Excel', () => {
  it('writes a BOM, semicolons, decimal commas and CRLF', () => {
    expect(toCsv(['a', 'b'], [[1.5, 'x'], [null, 2]])).toBe(`${CSV_BOM}a;b\r\n1,5;x\r\n;2\r\n`);
  });

  it('quotes separators, quotes and line breaks, and defuses formulas', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('zei "ja"')).toBe('"zei ""ja"""');
    expect(csvCell('regel\nregel')).toBe('"regel\nregel"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(Number.NaN)).toBe('');
  });
});

describe('periods', () => {
  it('lists every month and quarter touching a range, in Amsterdam time', () => {
    const months = monthsBetween('2025-11-15', '2026-02-01');
    expect(months.map((m) => m.key)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(months[0]).toMatchObject({ label: 'november 2025', start: new Date('2025-11-01T00:00:00+01:00'), end: new Date('2025-12-01T00:00:00+01:00') });
    expect(quartersBetween('2026-02-10', '2026-07-01').map((q) => [q.key, q.label])).toEqual([
      ['2026-Q1', '1e kwartaal 2026'],
      ['2026-Q2', '2e kwartaal 2026'],
      ['2026-Q3', '3e kwartaal 2026'],
    ]);
    expect(quartersBetween('2026-02-10', '2026-07-01')[1].start).toEqual(new Date('2026-04-01T00:00:00+02:00'));
  });
});
