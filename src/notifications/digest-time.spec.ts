import { amsterdamTime, nextDigestAt } from './digest-time.js';

describe('nextDigestAt (07:00 Europe/Amsterdam)', () => {
  const next = (iso: string) => nextDigestAt(new Date(iso)).toISOString();

  it('is today at 07:00 before seven, tomorrow from seven on (winter, UTC+1)', () => {
    expect(next('2026-01-15T05:59:59.999Z')).toBe('2026-01-15T06:00:00.000Z');
    expect(next('2026-01-15T06:00:00.000Z')).toBe('2026-01-16T06:00:00.000Z');
    expect(next('2026-01-15T22:30:00.000Z')).toBe('2026-01-16T06:00:00.000Z'); // 23:30 in Amsterdam
    expect(next('2026-01-15T23:30:00.000Z')).toBe('2026-01-16T06:00:00.000Z'); // already the 16th in Amsterdam
  });

  it('follows summer time (UTC+2)', () => {
    expect(next('2026-07-01T04:00:00.000Z')).toBe('2026-07-01T05:00:00.000Z');
    expect(next('2026-07-01T05:00:00.000Z')).toBe('2026-07-02T05:00:00.000Z');
  });

  it('crosses the clock changes and the year end', () => {
    expect(next('2026-03-28T10:00:00.000Z')).toBe('2026-03-29T05:00:00.000Z'); // summer time starts 29 March, 02:00
    expect(next('2026-10-24T10:00:00.000Z')).toBe('2026-10-25T06:00:00.000Z'); // winter time starts 25 October, 03:00
    expect(next('2026-12-31T07:00:00.000Z')).toBe('2027-01-01T06:00:00.000Z');
  });

  it('converts Amsterdam wall-clock times', () => {
    expect(amsterdamTime(2026, 2, 28, 23, 30).toISOString()).toBe('2026-02-28T22:30:00.000Z');
    expect(amsterdamTime(2026, 8, 1, 0, 0).toISOString()).toBe('2026-07-31T22:00:00.000Z');
  });
});
