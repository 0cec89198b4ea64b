import { amsterdamDay, amsterdamOffsetAt, amsterdamWallClock } from './clock.js';

/** What ICU says directly, without the memo. */
const icu = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
const icuWall = (t: number) => {
  const f = Object.fromEntries(icu.formatToParts(t).map((p) => [p.type, Number(p.value)]));
  return { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second };
};
const icuDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('Amsterdam wall clock (memoised per UTC hour)', () => {
  it('agrees with ICU every 37 minutes and 13 seconds over three years', () => {
    const step = 37 * 60_000 + 13_000 + 7;
    for (let t = Date.UTC(1977, 0, 1); t < Date.UTC(1977, 0, 8); t += step) expect(amsterdamWallClock(t)).toEqual(icuWall(t));
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += step) {
      expect(amsterdamWallClock(t)).toEqual(icuWall(t));
      expect(amsterdamDay(new Date(t))).toBe(icuDay.format(t));
    }
  });

  it('agrees with ICU every few seconds around the clock changes', () => {
    for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(1996, 9, 27, 1)]) {
      for (let t = change - 2 * 3_600_000; t < change + 2 * 3_600_000; t += 6_997) expect(amsterdamWallClock(t)).toEqual(icuWall(t));
    }
    expect(amsterdamOffsetAt(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe(3_600_000);
    expect(amsterdamOffsetAt(Date.UTC(2026, 2, 29, 1))).toBe(7_200_000);
  });

  it('falls back to ICU outside the memoised range', () => {
    for (const t of [Date.UTC(1940, 4, 16, 0, 30), Date.UTC(1935, 0, 1, 12, 0, 5), Date.UTC(2300, 5, 1)]) expect(amsterdamWallClock(t)).toEqual(icuWall(t));
  });
});
