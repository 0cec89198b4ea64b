import { ValidateBy, ValidationOptions } from 'class-validator';

/*
 * Calendar settings (HOLIDAYS_DISABLED, OFFICE_HOURS) shared by AppConfig (validation) and
 * CalendarModule (construction). Part of the configuration, so config imports no feature module;
 * deliberately free of date-holidays and Nest so that loading the config stays cheap.
 */

/** Stable keys of the Dutch holidays the calendar knows; used in HOLIDAYS_DISABLED and in stored data. */
export const ALL_HOLIDAYS = [
  'nieuwjaarsdag',
  'goede-vrijdag',
  'eerste-paasdag',
  'tweede-paasdag',
  'koningsdag',
  'bevrijdingsdag',
  'hemelvaartsdag',
  'eerste-pinksterdag',
  'tweede-pinksterdag',
  'eerste-kerstdag',
  'tweede-kerstdag',
] as const;

export type HolidayKey = (typeof ALL_HOLIDAYS)[number];

export function isHolidayKey(value: string): value is HolidayKey {
  return (ALL_HOLIDAYS as readonly string[]).includes(value);
}

/** Splits a comma-separated list such as HOLIDAYS_DISABLED; items are trimmed and lower-cased, empty items dropped. */
function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/** Parses a list of holiday keys; throws a RangeError naming every unknown key. */
export function parseHolidayList(raw: string): HolidayKey[] {
  const items = splitList(raw);
  const unknown = items.filter((item) => !isHolidayKey(item));
  if (unknown.length > 0) throw new RangeError(`unknown holiday keys: ${unknown.join(', ')}`);
  return [...new Set(items as HolidayKey[])];
}

/** The holidays that stay non-working days when `disabled` are switched off. */
export function enabledHolidays(disabled: Iterable<HolidayKey>): HolidayKey[] {
  const off = new Set(disabled);
  return ALL_HOLIDAYS.filter((key) => !off.has(key));
}

export interface OfficeHours {
  /** Opening time in hours after midnight, e.g. 9 or 8.5 for 08:30. */
  officeStart: number;
  /** Closing time in hours after midnight, e.g. 17; at most 24. */
  officeEnd: number;
}

const OFFICE_HOURS_FORMAT = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** Parses 'HH:MM-HH:MM' (end may be 24:00); throws a RangeError unless well-formed with start < end. */
export function parseOfficeHours(raw: string): OfficeHours {
  const match = OFFICE_HOURS_FORMAT.exec(raw.trim());
  if (!match) throw new RangeError('office hours must look like 09:00-17:00');
  const [startH, startM, endH, endM] = match.slice(1).map(Number);
  const start = startH * 60 + startM;
  const end = endH * 60 + endM;
  if (startM > 59 || endM > 59 || start >= 24 * 60 || end > 24 * 60) {
    throw new RangeError('office hours must be clock times between 00:00 and 24:00');
  }
  if (start >= end) throw new RangeError('office hours must start before they end');
  return { officeStart: start / 60, officeEnd: end / 60 };
}

/*
 * class-validator checks for AppConfig. Messages start with `$property` because AppConfig's
 * error formatter replaces that first word with the environment variable name.
 */

/** The property is a comma-separated list of known HolidayKeys (empty allowed). */
export function IsHolidayKeyList(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHolidayKeyList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && splitList(value).every(isHolidayKey),
        defaultMessage: (args) => {
          const unknown = typeof args?.value === 'string' ? splitList(args.value).filter((i) => !isHolidayKey(i)) : [];
          return `$property has unknown holiday keys ${unknown.join(', ')}; known keys: ${ALL_HOLIDAYS.join(', ')}`;
        },
      },
    },
    validationOptions,
  );
}

/** The property is 'HH:MM-HH:MM' with start before end. */
export function IsOfficeHours(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOfficeHours',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            parseOfficeHours(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () => '$property must be HH:MM-HH:MM with the start before the end, e.g. 09:00-17:00',
      },
    },
    validationOptions,
  );
}
