import { AppConfig, ConfigError } from '../config/app-config.js';
import { ALL_HOLIDAYS, enabledHolidays, parseHolidayList, parseOfficeHours } from '../config/calendar-settings.js';
import { calendarFromConfig } from './calendar.module.js';

describe('calendar configuration', () => {
  it('defaults to every holiday off work and 09:00-17:00', () => {
    const config = AppConfig.fromEnv({});
    expect(config.holidaysDisabled).toBe('');
    expect(config.officeHours).toBe('09:00-17:00');
    const calendar = calendarFromConfig(config);
    expect(calendar.holidaysIn(2026)).toHaveLength(ALL_HOLIDAYS.length);
    expect(calendar.workingDayMs).toBe(8 * 3_600_000);
  });

  it('builds the calendar from HOLIDAYS_DISABLED and OFFICE_HOURS', () => {
    const config = AppConfig.fromEnv({ HOLIDAYS_DISABLED: ' Goede-Vrijdag, bevrijdingsdag,', OFFICE_HOURS: '08:30-16:00' });
    const calendar = calendarFromConfig(config);
    expect(calendar.isWorkingDay('2026-04-03')).toBe(true); // Goede Vrijdag switched off
    expect(calendar.isWorkingDay('2026-05-05')).toBe(true); // Bevrijdingsdag switched off
    expect(calendar.isWorkingDay('2026-04-06')).toBe(false); // Tweede Paasdag still off
    expect(calendar.workingDayMs).toBe(7.5 * 3_600_000);
  });

  it.each([
    ['HOLIDAYS_DISABLED', 'kerst'],
    ['HOLIDAYS_DISABLED', 'goede-vrijdag,pasen'],
    ['OFFICE_HOURS', '9-17'],
    ['OFFICE_HOURS', '17:00-09:00'],
    ['OFFICE_HOURS', '09:00-09:00'],
    ['OFFICE_HOURS', '09:00-24:30'],
    ['OFFICE_HOURS', '09:75-17:00'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(new RegExp(`${name} `));
  });

  it('names the unknown holiday keys', () => {
    expect(() => AppConfig.fromEnv({ HOLIDAYS_DISABLED: 'goede-vrijdag,pasen' })).toThrow(/unknown holiday keys pasen;/);
    expect(() => parseHolidayList('kerst')).toThrow(/kerst/);
  });

  it('parses lists and office hours', () => {
    expect(parseHolidayList('koningsdag, koningsdag')).toEqual(['koningsdag']);
    expect(enabledHolidays(['koningsdag'])).toEqual(ALL_HOLIDAYS.filter((key) => key !== 'koningsdag'));
    expect(parseOfficeHours('08:20-24:00')).toEqual({ officeStart: 8 + 20 / 60, officeEnd: 24 });
  });
});
