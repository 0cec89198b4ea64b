import { ALL_HOLIDAYS, WorkingCalendar } from '../calendar/working-calendar.js';
import { amsterdamMidnight, shiftDay } from '../common/clock.js';
import { WorkingTimeTable } from './working-time.js';
import { seededRandom } from '../common/random.js';

/** The table must agree with the calendar it was built from, to the millisecond. */
describe('WorkingTimeTable', () => {
  const calendar = new WorkingCalendar({ enabledHolidays: ALL_HOLIDAYS, closureDays: ['2026-06-02'] });
  const table = new WorkingTimeTable(calendar, '2025-10-01', '2027-03-31');
  // Deterministic pseudo-random instants (mulberry32), spread over DST changes and holidays.
  const random = seededRandom(42).next;
  const from = Date.parse('2025-10-20T00:00:00Z');
  const span = Date.parse('2026-12-31T00:00:00Z') - from;
  const instant = () => {
    const t = from + Math.floor(random() * span);
    // Snap some to exact office boundaries and whole hours, where off-by-one errors live.
    const r = random();
    if (r < 0.2) return new Date(Math.floor(t / 3_600_000) * 3_600_000);
    if (r < 0.3) return new Date(Math.floor(t / 1_800_000) * 1_800_000);
    return new Date(t);
  };

  it('matches workingTimeBetween on 2000 random intervals', () => {
    for (let i = 0; i < 2000; i++) {
      const a = instant();
      const b = new Date(a.getTime() + Math.floor(random() * 40 * 86_400_000));
      expect([a.toISOString(), b.toISOString(), table.workingTimeBetween(a, b)]).toEqual([a.toISOString(), b.toISOString(), calendar.workingTimeBetween(a, b)]);
    }
  });

  it('matches addWorkingTime on 2000 random starts, including 0 and whole days', () => {
    for (let i = 0; i < 2000; i++) {
      const a = instant();
      const r = random();
      const ms = r < 0.1 ? 0 : r < 0.4 ? Math.ceil(random() * 12) * calendar.workingDayMs : Math.floor(random() * 12 * calendar.workingDayMs);
      expect([a.toISOString(), ms, table.addWorkingTime(a, ms).toISOString()]).toEqual([a.toISOString(), ms, calendar.addWorkingTime(a, ms).toISOString()]);
    }
  });

  it('skips the closure day and falls back to the calendar outside its range', () => {
    expect(table.workingTimeBetween(new Date('2026-06-01T09:00:00+02:00'), new Date('2026-06-03T17:00:00+02:00'))).toBe(16 * 3_600_000);
    const far = new Date('2030-01-07T09:00:00+01:00');
    expect(table.addWorkingTime(far, 8 * 3_600_000).toISOString()).toBe(calendar.addWorkingTime(far, 8 * 3_600_000).toISOString());
  });

  it('finds Amsterdam midnights across daylight saving', () => {
    expect(amsterdamMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(amsterdamMidnight('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(amsterdamMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(amsterdamMidnight('2026-10-26').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
  });
});
