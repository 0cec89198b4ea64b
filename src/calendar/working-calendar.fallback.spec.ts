import { jest } from '@jest/globals';

/*
 * date-holidays may change what it lists (e.g. Bevrijdingsdag only in lustrum years). This feeds the
 * calendar a deliberately incomplete 2026 list and checks the fallbacks fill in the rest.
 */
jest.unstable_mockModule('date-holidays', () => ({
  default: class {
    getHolidays(year: number) {
      return [
        { date: `${year}-01-01 00:00:00`, name: 'Nieuwjaar', type: 'public', rule: '01-01' },
        // Matched by name although the rule text differs; Pasen 2026 is 5 April.
        { date: `${year}-04-05 00:00:00`, name: 'Pasen', type: 'public', rule: 'easter since 1900' },
        { date: `${year}-05-04 00:00:00`, name: 'Nationale Dodenherdenking', type: 'observance', rule: '05-04' },
      ];
    }
  },
}));

const { WorkingCalendar, ALL_HOLIDAYS } = await import('./working-calendar.js');

it('completes missing holidays: fixed dates directly, movable feasts from Easter Sunday', () => {
  const dates = new WorkingCalendar({ enabledHolidays: ALL_HOLIDAYS }).holidaysIn(2026).map((h) => `${h.date} ${h.key}`);
  expect(dates).toEqual([
    '2026-01-01 nieuwjaarsdag',
    '2026-04-03 goede-vrijdag',
    '2026-04-05 eerste-paasdag',
    '2026-04-06 tweede-paasdag',
    '2026-04-27 koningsdag',
    '2026-05-05 bevrijdingsdag',
    '2026-05-14 hemelvaartsdag',
    '2026-05-24 eerste-pinksterdag',
    '2026-05-25 tweede-pinksterdag',
    '2026-12-25 eerste-kerstdag',
    '2026-12-26 tweede-kerstdag',
  ]);
  // 2025: 27 April is a Sunday, so the fallback Koningsdag is Saturday 26 April.
  expect(new WorkingCalendar({ enabledHolidays: ['koningsdag'] }).holidaysIn(2025)).toEqual([
    { date: '2025-04-26', key: 'koningsdag', name: 'Koningsdag' },
  ]);
});
