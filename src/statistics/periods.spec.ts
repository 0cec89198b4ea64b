import { quarterBefore, quarterOfDay, quartersBetween, wholeQuarter } from './periods.js';

describe('wholeQuarter', () => {
  it('names the quarter when the days are exactly one calendar quarter', () => {
    expect(wholeQuarter('2026-01-01', '2026-03-31')).toBe(20261);
    expect(wholeQuarter('2026-04-01', '2026-06-30')).toBe(20262);
    expect(wholeQuarter('2026-07-01', '2026-09-30')).toBe(20263);
    expect(wholeQuarter('2026-10-01', '2026-12-31')).toBe(20264);
    expect(wholeQuarter('2028-01-01', '2028-03-31')).toBe(20281); // a leap year's quarter ends on the 31st all the same
  });

  it('is null for any other period', () => {
    expect(wholeQuarter(null, '2026-03-31')).toBeNull();
    expect(wholeQuarter('2026-01-01', null)).toBeNull();
    expect(wholeQuarter('2026-01-01', '2026-03-30')).toBeNull(); // a day short
    expect(wholeQuarter('2026-01-01', '2026-04-01')).toBeNull(); // a day over
    expect(wholeQuarter('2026-02-01', '2026-04-30')).toBeNull(); // three months, not a quarter
    expect(wholeQuarter('2026-01-01', '2026-06-30')).toBeNull(); // two quarters
    expect(wholeQuarter('2026-01-02', '2026-03-31')).toBeNull();
  });

  it('agrees with quartersBetween on every quarter of a few years', () => {
    for (const q of quartersBetween('2024-01-01', '2027-12-31')) {
      const first = q.start.toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
      const last = new Date(q.end.getTime() - 1).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
      expect(wholeQuarter(first, last)).toBe(Number(q.key.replace('-Q', '')));
    }
  });
});

describe('quarterOfDay and quarterBefore', () => {
  it('names the quarter of a day and the ones before it, across the turn of the year', () => {
    expect(quarterOfDay('2026-12-07')).toEqual({ year: 2026, quarter: 4, from: '2026-10-01', to: '2026-12-31', label: '4e kwartaal 2026' });
    expect(quarterOfDay('2026-12-07', 1)).toEqual({ year: 2026, quarter: 3, from: '2026-07-01', to: '2026-09-30', label: '3e kwartaal 2026' });
    expect(quarterOfDay('2026-02-10', 1)).toEqual({ year: 2025, quarter: 4, from: '2025-10-01', to: '2025-12-31', label: '4e kwartaal 2025' });
    expect(quarterBefore(2028, 1, 4)).toMatchObject({ year: 2027, quarter: 1, from: '2027-01-01', to: '2027-03-31' });
    expect(quarterBefore(2028, 2, 0)).toMatchObject({ from: '2028-04-01', to: '2028-06-30' });
  });
});
