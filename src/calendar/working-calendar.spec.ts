import { ALL_HOLIDAYS, HolidayKey, WorkingCalendar } from './working-calendar.js';

/*
 * Expected values are worked out by hand and written as ISO instants with their Amsterdam
 * offset (+01:00 CET in winter, +02:00 CEST in summer), so the tests do not reuse the
 * conversions under test. DST 2026: summer time starts Sunday 29 March, ends Sunday 25 October.
 */

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const calendar = (enabled: readonly HolidayKey[] = ALL_HOLIDAYS, closureDays?: string[]) =>
  new WorkingCalendar({ enabledHolidays: enabled, closureDays });
const all = calendar();

describe('WorkingCalendar holidays', () => {
  it('lists the eleven holidays of 2026 by date with Dutch names', () => {
    expect(all.holidaysIn(2026)).toEqual([
      { date: '2026-01-01', key: 'nieuwjaarsdag', name: 'Nieuwjaarsdag' },
      { date: '2026-04-03', key: 'goede-vrijdag', name: 'Goede Vrijdag' },
      { date: '2026-04-05', key: 'eerste-paasdag', name: 'Eerste Paasdag' },
      { date: '2026-04-06', key: 'tweede-paasdag', name: 'Tweede Paasdag' },
      { date: '2026-04-27', key: 'koningsdag', name: 'Koningsdag' },
      { date: '2026-05-05', key: 'bevrijdingsdag', name: 'Bevrijdingsdag' },
      { date: '2026-05-14', key: 'hemelvaartsdag', name: 'Hemelvaartsdag' },
      { date: '2026-05-24', key: 'eerste-pinksterdag', name: 'Eerste Pinksterdag' },
      { date: '2026-05-25', key: 'tweede-pinksterdag', name: 'Tweede Pinksterdag' },
      { date: '2026-12-25', key: 'eerste-kerstdag', name: 'Eerste Kerstdag' },
      { date: '2026-12-26', key: 'tweede-kerstdag', name: 'Tweede Kerstdag' },
    ]);
  });

  // Easter Sundays from the published tables; the other movable feasts follow from them
  // (Goede Vrijdag −2, Tweede Paasdag +1, Hemelvaart +39, Pinksteren +49/+50 days).
  it.each([
    [2024, { 'goede-vrijdag': '03-29', 'eerste-paasdag': '03-31', 'tweede-paasdag': '04-01', koningsdag: '04-27', hemelvaartsdag: '05-09', 'eerste-pinksterdag': '05-19', 'tweede-pinksterdag': '05-20' }],
    [2025, { 'goede-vrijdag': '04-18', 'eerste-paasdag': '04-20', 'tweede-paasdag': '04-21', koningsdag: '04-26', hemelvaartsdag: '05-29', 'eerste-pinksterdag': '06-08', 'tweede-pinksterdag': '06-09' }],
    [2027, { 'goede-vrijdag': '03-26', 'eerste-paasdag': '03-28', 'tweede-paasdag': '03-29', koningsdag: '04-27', hemelvaartsdag: '05-06', 'eerste-pinksterdag': '05-16', 'tweede-pinksterdag': '05-17' }],
    [2028, { 'goede-vrijdag': '04-14', 'eerste-paasdag': '04-16', 'tweede-paasdag': '04-17', koningsdag: '04-27', hemelvaartsdag: '05-25', 'eerste-pinksterdag': '06-04', 'tweede-pinksterdag': '06-05' }],
    [2029, { 'goede-vrijdag': '03-30', 'eerste-paasdag': '04-01', 'tweede-paasdag': '04-02', koningsdag: '04-27', hemelvaartsdag: '05-10', 'eerste-pinksterdag': '05-20', 'tweede-pinksterdag': '05-21' }],
    [2030, { 'goede-vrijdag': '04-19', 'eerste-paasdag': '04-21', 'tweede-paasdag': '04-22', koningsdag: '04-27', hemelvaartsdag: '05-30', 'eerste-pinksterdag': '06-09', 'tweede-pinksterdag': '06-10' }],
  ])('maps every holiday of %i, including Bevrijdingsdag in every year', (year, movable) => {
    const byKey = Object.fromEntries(all.holidaysIn(year).map((h) => [h.key, h.date]));
    const expected: Record<string, string> = {
      nieuwjaarsdag: '01-01',
      bevrijdingsdag: '05-05',
      'eerste-kerstdag': '12-25',
      'tweede-kerstdag': '12-26',
      ...movable,
    };
    expect(Object.keys(byKey).sort()).toEqual([...ALL_HOLIDAYS].sort());
    for (const [key, monthDay] of Object.entries(expected)) expect([key, byKey[key]]).toEqual([key, `${year}-${monthDay}`]);
  });

  it('keeps Easter 2026 off: Goede Vrijdag 3 April and Tweede Paasdag 6 April', () => {
    expect(all.isWorkingDay('2026-04-02')).toBe(true); // Thursday
    expect(all.isWorkingDay('2026-04-03')).toBe(false); // Goede Vrijdag
    expect(all.isWorkingDay('2026-04-05')).toBe(false); // Eerste Paasdag (a Sunday anyway)
    expect(all.isWorkingDay('2026-04-06')).toBe(false); // Tweede Paasdag, Monday
    expect(all.isWorkingDay('2026-04-07')).toBe(true); // Tuesday
  });

  it('moves Koningsdag to Saturday 26 April when the 27th is a Sunday (2025, 2031, 2036)', () => {
    for (const year of [2025, 2031, 2036]) {
      const dates = all.holidaysIn(year).map((h) => h.date);
      expect(dates).toContain(`${year}-04-26`);
      expect(dates).not.toContain(`${year}-04-27`);
    }
    expect(all.isWorkingDay('2031-04-28')).toBe(true); // no Monday substitute
    expect(all.isWorkingDay('2026-04-27')).toBe(false); // Monday 27 April 2026 itself
  });

  it('keeps Bevrijdingsdag off in years that are not a lustrum', () => {
    expect(all.isWorkingDay('2026-05-04')).toBe(true); // Monday
    expect(all.isWorkingDay('2026-05-05')).toBe(false); // Tuesday, not a lustrum year
    expect(all.isWorkingDay('2027-05-05')).toBe(false); // Wednesday
    expect(all.isWorkingDay('2029-05-05')).toBe(false); // Saturday anyway; 2030 is the lustrum
  });

  it('keeps Hemelvaart (Thursday 14 May 2026) and Pinksteren (24/25 May 2026) off, but not the Friday after', () => {
    expect(all.isWorkingDay('2026-05-14')).toBe(false);
    expect(all.isWorkingDay('2026-05-15')).toBe(true);
    expect(all.isWorkingDay('2026-05-25')).toBe(false);
    expect(all.isWorkingDay('2026-05-26')).toBe(true);
  });

  it('treats weekends as non-working days', () => {
    expect(all.isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(all.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(all.isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(all.isWorkingDay('2026-03-09')).toBe(true); // Monday
  });

  it('turns a switched-off holiday into an ordinary day', () => {
    const noGoodFriday = calendar(ALL_HOLIDAYS.filter((key) => key !== 'goede-vrijdag'));
    expect(noGoodFriday.isWorkingDay('2026-04-03')).toBe(true);
    expect(noGoodFriday.isWorkingDay('2026-04-06')).toBe(false);
    expect(noGoodFriday.holidaysIn(2026).map((h) => h.key)).not.toContain('goede-vrijdag');
    expect(noGoodFriday.holidaysIn(2026)).toHaveLength(10);
    expect(calendar([]).isWorkingDay('2026-12-25')).toBe(true); // Friday
  });

  it('closes extra days set by the secretariat, replacing them on each set', () => {
    const cal = calendar(ALL_HOLIDAYS, ['2026-03-10']);
    expect(cal.isWorkingDay('2026-03-10')).toBe(false);
    // Mon 9 Mar 10:00 + 1 working day skips closed Tuesday → Wed 11 Mar 10:00 CET.
    expect(cal.addWorkingDays(at('2026-03-09T10:00:00+01:00'), 1).toISOString()).toBe('2026-03-11T09:00:00.000Z');
    cal.setClosureDays(['2026-03-11']);
    expect(cal.isWorkingDay('2026-03-10')).toBe(true);
    expect(cal.isWorkingDay('2026-03-11')).toBe(false);
  });

  it('rejects malformed days and unknown holiday keys', () => {
    expect(() => all.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => all.isWorkingDay('3-3-2026')).toThrow(RangeError);
    expect(() => all.setClosureDays(['2026-13-01'])).toThrow(RangeError);
    expect(() => calendar(['kerst' as HolidayKey])).toThrow(/kerst/);
    expect(() => new WorkingCalendar({ enabledHolidays: [], officeStart: 17, officeEnd: 9 })).toThrow(RangeError);
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  it('lands on the Friday two weeks later at the same time: Fri 9 Jan 2026 15:00 + 10', () => {
    expect(all.addWorkingDays(at('2026-01-09T15:00:00+01:00'), 10).toISOString()).toBe('2026-01-23T14:00:00.000Z');
  });

  it('skips Christmas: Wed 23 Dec 2026 15:00 + 3 → Tue 29 Dec 15:00', () => {
    // 24 Thu (1), 25 Fri Kerst, 26–27 weekend, 28 Mon (2), 29 Tue (3).
    expect(all.addWorkingDays(at('2026-12-23T15:00:00+01:00'), 3).toISOString()).toBe('2026-12-29T14:00:00.000Z');
  });

  it('crosses the year boundary past Nieuwjaarsdag: Wed 23 Dec 2026 15:00 + 6 → Mon 4 Jan 2027 15:00', () => {
    // 24 (1), 28 (2), 29 (3), 30 (4), 31 (5), 1 Jan Fri Nieuwjaar, 2–3 weekend, 4 Mon (6).
    expect(all.addWorkingDays(at('2026-12-23T15:00:00+01:00'), 6).toISOString()).toBe('2027-01-04T14:00:00.000Z');
  });

  it('skips Easter 2026: Thu 2 Apr 10:00 + 1 → Tue 7 Apr 10:00 CEST', () => {
    expect(all.addWorkingDays(at('2026-04-02T10:00:00+02:00'), 1).toISOString()).toBe('2026-04-07T08:00:00.000Z');
  });

  it('skips Hemelvaart: Wed 13 May 2026 12:00 + 1 → Fri 15 May 12:00', () => {
    expect(all.addWorkingDays(at('2026-05-13T12:00:00+02:00'), 1).toISOString()).toBe('2026-05-15T10:00:00.000Z');
  });

  it('keeps the wall-clock time across the spring and autumn clock changes', () => {
    // Fri 27 Mar 15:00 CET (14:00Z) + 1 → Mon 30 Mar 15:00 CEST (13:00Z): 71 real hours.
    expect(all.addWorkingDays(at('2026-03-27T15:00:00+01:00'), 1).toISOString()).toBe('2026-03-30T13:00:00.000Z');
    // Fri 23 Oct 15:00 CEST (13:00Z) + 1 → Mon 26 Oct 15:00 CET (14:00Z): 73 real hours.
    expect(all.addWorkingDays(at('2026-10-23T15:00:00+02:00'), 1).toISOString()).toBe('2026-10-26T14:00:00.000Z');
  });

  it('keeps the wall-clock time on a working day even outside office hours', () => {
    expect(all.addWorkingDays(at('2026-03-09T20:00:00+01:00'), 1).toISOString()).toBe('2026-03-10T19:00:00.000Z');
    expect(all.addWorkingDays(at('2026-03-09T07:30:00+01:00'), 1).toISOString()).toBe('2026-03-10T06:30:00.000Z');
  });

  it('counts a start on a non-working day from the next working day at opening time', () => {
    // Sat 7 Mar 11:00 counts as Mon 9 Mar 09:00; + 1 → Tue 10 Mar 09:00 CET.
    expect(all.addWorkingDays(at('2026-03-07T11:00:00+01:00'), 1).toISOString()).toBe('2026-03-10T08:00:00.000Z');
    expect(all.addWorkingDays(at('2026-03-07T11:00:00+01:00'), 0).toISOString()).toBe('2026-03-09T08:00:00.000Z');
    // Goede Vrijdag 3 Apr 14:00 counts as Tue 7 Apr 09:00 (Monday is Tweede Paasdag); + 1 → Wed 8 Apr 09:00 CEST.
    expect(all.addWorkingDays(at('2026-04-03T14:00:00+02:00'), 1).toISOString()).toBe('2026-04-08T07:00:00.000Z');
  });

  it('returns the instant itself for n = 0 on a working day and rejects bad n', () => {
    const instant = at('2026-03-09T20:00:00+01:00');
    expect(all.addWorkingDays(instant, 0).getTime()).toBe(instant.getTime());
    expect(() => all.addWorkingDays(instant, -1)).toThrow(RangeError);
    expect(() => all.addWorkingDays(instant, 1.5)).toThrow(RangeError);
    expect(() => all.addWorkingDays(new Date(NaN), 1)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.workingTimeBetween / workingDaysBetween', () => {
  it('counts office hours only: Mon 2 Mar 2026 13:00 → Tue 11:00 is 4 h + 2 h = 0.75 day', () => {
    const from = at('2026-03-02T13:00:00+01:00');
    const to = at('2026-03-03T11:00:00+01:00');
    expect(all.workingTimeBetween(from, to)).toBe(6 * HOUR);
    expect(all.workingDaysBetween(from, to)).toBe(0.75);
  });

  it('is 0 when to is not after from', () => {
    const instant = at('2026-03-02T13:00:00+01:00');
    expect(all.workingTimeBetween(instant, instant)).toBe(0);
    expect(all.workingTimeBetween(at('2026-03-03T11:00:00+01:00'), instant)).toBe(0);
  });

  it('skips the weekend: Fri 16:00 → Mon 10:00 is 1 h + 1 h', () => {
    expect(all.workingTimeBetween(at('2026-03-06T16:00:00+01:00'), at('2026-03-09T10:00:00+01:00'))).toBe(2 * HOUR);
  });

  it('ignores time outside office hours at both ends', () => {
    // Mon 07:00 → Mon 20:00: just 09:00–17:00.
    expect(all.workingTimeBetween(at('2026-03-02T07:00:00+01:00'), at('2026-03-02T20:00:00+01:00'))).toBe(8 * HOUR);
    // Sat → Sun: nothing.
    expect(all.workingTimeBetween(at('2026-03-07T10:00:00+01:00'), at('2026-03-08T16:00:00+01:00'))).toBe(0);
  });

  it('counts exactly 8 h per working day across the clock changes', () => {
    // Fri 27 Mar 00:00 CET → Tue 31 Mar 00:00 CEST: Fri + Mon = 16 h (the Sunday has 23 hours).
    expect(all.workingTimeBetween(at('2026-03-27T00:00:00+01:00'), at('2026-03-31T00:00:00+02:00'))).toBe(16 * HOUR);
    // Fri 23 Oct 00:00 CEST → Tue 27 Oct 00:00 CET: Fri + Mon = 16 h (the Sunday has 25 hours).
    expect(all.workingTimeBetween(at('2026-10-23T00:00:00+02:00'), at('2026-10-27T00:00:00+01:00'))).toBe(16 * HOUR);
    // Mon 23 Mar 09:00 CET → Thu 2 Apr 17:00 CEST: 5 + 4 working days = 72 h.
    expect(all.workingDaysBetween(at('2026-03-23T09:00:00+01:00'), at('2026-04-02T17:00:00+02:00'))).toBe(9);
  });

  it('skips Pinksteren: Fri 22 May 2026 09:00 → Tue 26 May 17:00 is 2 days', () => {
    expect(all.workingDaysBetween(at('2026-05-22T09:00:00+02:00'), at('2026-05-26T17:00:00+02:00'))).toBe(2);
  });

  it('sums a whole year per day: 2026 has 261 weekdays of which 8 are holidays', () => {
    // Weekday holidays 2026: 1 Jan, 3 Apr, 6 Apr, 27 Apr, 5 May, 14 May, 25 May, 25 Dec → 253 working days.
    const started = performance.now();
    const days = all.workingDaysBetween(at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00'));
    expect(days).toBe(253);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('agrees with addWorkingDays for a start inside office hours', () => {
    const start = at('2026-12-23T15:00:00+01:00');
    expect(all.workingDaysBetween(start, all.addWorkingDays(start, 6))).toBe(6);
  });
});

describe('WorkingCalendar.addWorkingTime', () => {
  it('gives an SLA due time: Fri 9 Jan 2026 15:00 + 10 working days of time → Fri 23 Jan 15:00', () => {
    // Fri 2 h, then 9 full days (72 h), then 6 h on Fri 23 Jan: 09:00 + 6 h.
    expect(all.addWorkingTime(at('2026-01-09T15:00:00+01:00'), 10 * all.workingDayMs).toISOString()).toBe('2026-01-23T14:00:00.000Z');
  });

  it('carries the rest over to the next working day: Mon 13:00 + 8 h → Tue 13:00', () => {
    expect(all.addWorkingTime(at('2026-03-02T13:00:00+01:00'), 8 * HOUR).toISOString()).toBe('2026-03-03T12:00:00.000Z');
  });

  it('ends at closing time when the time runs out exactly then: Mon 09:00 + 8 h → Mon 17:00', () => {
    expect(all.addWorkingTime(at('2026-03-02T09:00:00+01:00'), 8 * HOUR).toISOString()).toBe('2026-03-02T16:00:00.000Z');
  });

  it('starts the clock at the next opening when started outside office hours', () => {
    // Before 09:00: Mon 07:00 + 1 h → Mon 10:00.
    expect(all.addWorkingTime(at('2026-03-02T07:00:00+01:00'), HOUR).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    // After 17:00: Mon 18:00 + 1 h → Tue 10:00.
    expect(all.addWorkingTime(at('2026-03-02T18:00:00+01:00'), HOUR).toISOString()).toBe('2026-03-03T09:00:00.000Z');
    // Saturday: Sat 7 Mar 11:00 + 8 h → Mon 9 Mar 17:00.
    expect(all.addWorkingTime(at('2026-03-07T11:00:00+01:00'), 8 * HOUR).toISOString()).toBe('2026-03-09T16:00:00.000Z');
  });

  it('with ms = 0 returns the instant inside office time, else the next opening', () => {
    expect(all.addWorkingTime(at('2026-03-02T12:00:00+01:00'), 0).toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(all.addWorkingTime(at('2026-03-02T17:00:00+01:00'), 0).toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(all.addWorkingTime(at('2026-03-02T07:00:00+01:00'), 0).toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(() => all.addWorkingTime(at('2026-03-02T07:00:00+01:00'), -1)).toThrow(RangeError);
  });

  it('counts office time, not clock time, across the spring change: Fri 27 Mar 13:00 + 8 h → Mon 30 Mar 13:00 CEST', () => {
    expect(all.addWorkingTime(at('2026-03-27T13:00:00+01:00'), 8 * HOUR).toISOString()).toBe('2026-03-30T11:00:00.000Z');
  });

  it('skips Christmas: Thu 24 Dec 2026 16:00 + 2 days of time → Tue 29 Dec 16:00', () => {
    // Thu 1 h, Fri 25 Kerst, weekend, Mon 28 8 h, Tue 29 7 h → 16:00; 16 h in total.
    expect(all.addWorkingTime(at('2026-12-24T16:00:00+01:00'), 16 * HOUR).toISOString()).toBe('2026-12-29T15:00:00.000Z');
  });

  it('skips Nieuwjaar into 2027: Thu 31 Dec 2026 16:00 + 8 h → Mon 4 Jan 2027 16:00', () => {
    // Thu 1 h, Fri 1 Jan Nieuwjaarsdag, weekend, Mon 4 Jan 7 h → 16:00.
    expect(all.addWorkingTime(at('2026-12-31T16:00:00+01:00'), 8 * HOUR).toISOString()).toBe('2027-01-04T15:00:00.000Z');
  });

  it('is the inverse of workingTimeBetween', () => {
    const starts = ['2026-03-07T11:00:00+01:00', '2026-03-27T16:30:00+01:00', '2026-10-23T08:00:00+02:00', '2026-12-24T12:00:00+01:00'];
    const durations = [0, 1, 30 * 60_000, 8 * HOUR, 13.25 * HOUR, 25 * 8 * HOUR];
    for (const start of starts) {
      for (const ms of durations) expect(all.workingTimeBetween(at(start), all.addWorkingTime(at(start), ms))).toBe(ms);
    }
  });

  it('follows configured office hours', () => {
    const early = new WorkingCalendar({ enabledHolidays: ALL_HOLIDAYS, officeStart: 8.5, officeEnd: 16.5 });
    expect(early.workingDayMs).toBe(8 * HOUR);
    // Mon 07:00 + 1 h → 09:30.
    expect(early.addWorkingTime(at('2026-03-02T07:00:00+01:00'), HOUR).toISOString()).toBe('2026-03-02T08:30:00.000Z');
  });
});
