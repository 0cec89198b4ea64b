import Holidays from 'date-holidays';
import { amsterdamOffsetAt } from '../common/clock.js';
import { ALL_HOLIDAYS, HolidayKey, isHolidayKey } from '../config/calendar-settings.js';

export { ALL_HOLIDAYS, type HolidayKey } from '../config/calendar-settings.js';

export interface WorkingCalendarOptions {
  /** Holidays that are days off; the others are ordinary days (HOLIDAYS_DISABLED switches them off). */
  enabledHolidays: readonly HolidayKey[];
  /** Extra closed days ('YYYY-MM-DD') set by the secretariat. */
  closureDays?: Iterable<string>;
  /** Office opening in hours after midnight (Europe/Amsterdam); default 9. Fractions allowed (8.5 = 08:30). */
  officeStart?: number;
  /** Office closing in hours after midnight; default 17, at most 24. */
  officeEnd?: number;
}

export interface Holiday {
  /** 'YYYY-MM-DD' in Europe/Amsterdam. */
  date: string;
  key: HolidayKey;
  /** Dutch name, e.g. 'Tweede Paasdag'. */
  name: string;
}

const MS_MINUTE = 60_000;
const MS_HOUR = 60 * MS_MINUTE;
const MS_DAY = 24 * MS_HOUR;

/*
 * Internally a calendar day is its "day number": days since 1970-01-01 as a civil date, and
 * a wall-clock time is "wall ms": dayNumber * MS_DAY + milliseconds since local midnight,
 * i.e. the Amsterdam wall clock read as if it were UTC. Converting between wall ms and
 * instants goes through Intl, so daylight saving (and any future tz rule change) comes from
 * the ICU time-zone data rather than hand-written rules.
 */

const offsetAt = amsterdamOffsetAt;

function toWall(instant: number): number {
  return instant + offsetAt(instant);
}

/**
 * The instant at which the Amsterdam wall clock shows `wall`. A time skipped by the spring
 * change (02:30 on the last Sunday of March) maps to the same distance after the gap
 * (03:30); a repeated autumn time maps to one of its two instants. Neither occurs on a
 * working day, since both changes fall on a Sunday.
 */
function fromWall(wall: number): number {
  const first = offsetAt(wall);
  const guess = wall - first;
  const second = offsetAt(guess);
  if (second === first) return guess;
  const retry = wall - second;
  if (offsetAt(retry) === second) return retry;
  return wall - Math.min(first, second);
}

function dayNumberOf(wall: number): number {
  return Math.floor(wall / MS_DAY);
}

function dayString(dayNumber: number): string {
  return new Date(dayNumber * MS_DAY).toISOString().slice(0, 10);
}

/** Parses 'YYYY-MM-DD' strictly (rejects 2026-02-30); throws a RangeError otherwise. */
function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const dayNumber = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_DAY : NaN;
  if (!match || dayString(dayNumber) !== day) throw new RangeError(`not a calendar day (YYYY-MM-DD): "${day}"`);
  return dayNumber;
}

function yearOf(dayNumber: number): number {
  return new Date(dayNumber * MS_DAY).getUTCFullYear();
}

function isWeekend(dayNumber: number): boolean {
  const weekday = new Date(dayNumber * MS_DAY).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function instantOf(value: Date, label: string): number {
  const time = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(time)) throw new RangeError(`${label} must be a valid Date`);
  return time;
}

// ---------------------------------------------------------------------------------------------
// Dutch holidays

interface HolidayDefinition {
  name: string;
  /** The date-holidays rule for NL, without its `if …` / `since …` clauses. */
  rule: string;
  /** Lower-case names date-holidays may use for it (its Dutch names differ from ours: 'Pasen', 'Kerstmis'). */
  aliases: string[];
  /** Fallback when date-holidays returns nothing for a year: a fixed date, or days after Easter Sunday. */
  fallback: ((year: number) => number) | { easterOffset: number };
}

const fixed = (month: number, day: number) => (year: number) => Date.UTC(year, month - 1, day) / MS_DAY;

/** 27 April, or 26 April when the 27th is a Sunday (rule since 2014; Koninginnedag before then is not modelled). */
function koningsdag(year: number): number {
  const day = fixed(4, 27)(year);
  return new Date(day * MS_DAY).getUTCDay() === 0 ? day - 1 : day;
}

// Matched by rule and name, never by type: date-holidays marks Goede Vrijdag and Bevrijdingsdag as
// `school`, not `public`, yet both are days off for this taskforce unless switched off.
const DEFINITIONS: Record<HolidayKey, HolidayDefinition> = {
  nieuwjaarsdag: { name: 'Nieuwjaarsdag', rule: '01-01', aliases: ['nieuwjaar', 'nieuwjaarsdag'], fallback: fixed(1, 1) },
  'goede-vrijdag': { name: 'Goede Vrijdag', rule: 'easter -2', aliases: ['goede vrijdag'], fallback: { easterOffset: -2 } },
  'eerste-paasdag': { name: 'Eerste Paasdag', rule: 'easter', aliases: ['pasen', 'eerste paasdag'], fallback: { easterOffset: 0 } },
  'tweede-paasdag': { name: 'Tweede Paasdag', rule: 'easter 1', aliases: ['tweede paasdag'], fallback: { easterOffset: 1 } },
  koningsdag: { name: 'Koningsdag', rule: '04-27', aliases: ['koningsdag'], fallback: koningsdag },
  // date-holidays 3.37 lists it every year; the fallback keeps it yearly should a version list only lustrum years.
  bevrijdingsdag: { name: 'Bevrijdingsdag', rule: '05-05', aliases: ['bevrijdingsdag'], fallback: fixed(5, 5) },
  hemelvaartsdag: { name: 'Hemelvaartsdag', rule: 'easter 39', aliases: ['hemelvaartsdag', 'hemelvaart'], fallback: { easterOffset: 39 } },
  'eerste-pinksterdag': { name: 'Eerste Pinksterdag', rule: 'easter 49', aliases: ['pinksteren', 'eerste pinksterdag'], fallback: { easterOffset: 49 } },
  'tweede-pinksterdag': { name: 'Tweede Pinksterdag', rule: 'easter 50', aliases: ['tweede pinksterdag'], fallback: { easterOffset: 50 } },
  'eerste-kerstdag': { name: 'Eerste Kerstdag', rule: '12-25', aliases: ['kerstmis', 'eerste kerstdag'], fallback: fixed(12, 25) },
  'tweede-kerstdag': { name: 'Tweede Kerstdag', rule: '12-26', aliases: ['tweede kerstdag'], fallback: fixed(12, 26) },
};

let holidayLibrary: Holidays | undefined;
/** Every known holiday per year, whether enabled or not; shared by all calendars since it only depends on the year. */
const holidayCache = new Map<number, ReadonlyMap<HolidayKey, number>>();

function normaliseRule(rule: string): string {
  return rule.replace(/\s+(if|since|prior|and|in|every)\b.*$/, '').trim();
}

function keyOf(rule: string | undefined, name: string): HolidayKey | undefined {
  const normalised = normaliseRule(rule ?? '');
  const lowerName = name.trim().toLowerCase();
  return ALL_HOLIDAYS.find((key) => DEFINITIONS[key].rule === normalised || DEFINITIONS[key].aliases.includes(lowerName));
}

/** All eleven holidays of a year as day numbers: from date-holidays, completed by the fallbacks. */
function holidaysOfYear(year: number): ReadonlyMap<HolidayKey, number> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  holidayLibrary ??= new Holidays('NL');
  const found = new Map<HolidayKey, number>();
  for (const entry of holidayLibrary.getHolidays(year, 'nl')) {
    const key = keyOf(entry.rule, entry.name);
    // `date` is the local date as 'YYYY-MM-DD hh:mm:ss'.
    if (key && !found.has(key)) found.set(key, parseDay(entry.date.slice(0, 10)));
  }
  // Easter Sunday, derived from whichever Easter-based holiday date-holidays did return.
  const easterSunday = (): number => {
    for (const [key, day] of found) {
      const { fallback } = DEFINITIONS[key];
      if (typeof fallback !== 'function') return day - fallback.easterOffset;
    }
    throw new Error(`date-holidays returned no Easter-based holiday for NL in ${year}`);
  };
  for (const key of ALL_HOLIDAYS) {
    if (found.has(key)) continue;
    const { fallback } = DEFINITIONS[key];
    found.set(key, typeof fallback === 'function' ? fallback(year) : easterSunday() + fallback.easterOffset);
  }
  holidayCache.set(year, found);
  return found;
}

// ---------------------------------------------------------------------------------------------

/**
 * Working days and office time of the taskforce, always in Europe/Amsterdam.
 *
 * A working day is a Monday to Friday that is neither an enabled Dutch holiday nor a closure
 * day. Office time is [officeStart, officeEnd) on working days (default 09:00–17:00), and a
 * working day of office time (`workingDayMs`, 8 h by default) is the unit of workingDaysBetween.
 */
export class WorkingCalendar {
  readonly officeStart: number;
  readonly officeEnd: number;
  private readonly openMs: number;
  private readonly closeMs: number;
  private readonly enabled: ReadonlySet<HolidayKey>;
  /** Day numbers of enabled holidays, per year. */
  private readonly holidayDays = new Map<number, ReadonlySet<number>>();
  private closures: ReadonlySet<number> = new Set();

  constructor(options: WorkingCalendarOptions) {
    this.officeStart = options.officeStart ?? 9;
    this.officeEnd = options.officeEnd ?? 17;
    // Whole minutes, so 08:20 given as 8.333… hours does not leave rounding crumbs.
    const startMinutes = Math.round(this.officeStart * 60);
    const endMinutes = Math.round(this.officeEnd * 60);
    if (!(startMinutes >= 0 && startMinutes < endMinutes && endMinutes <= 24 * 60)) {
      throw new RangeError(`office hours must satisfy 0 <= start < end <= 24 (got ${this.officeStart}-${this.officeEnd})`);
    }
    this.openMs = startMinutes * MS_MINUTE;
    this.closeMs = endMinutes * MS_MINUTE;
    for (const key of options.enabledHolidays) if (!isHolidayKey(key)) throw new RangeError(`unknown holiday key "${key}"`);
    this.enabled = new Set(options.enabledHolidays);
    this.setClosureDays(options.closureDays ?? []);
  }

  /** Office time in one working day (8 h for 09:00–17:00). */
  get workingDayMs(): number {
    return this.closeMs - this.openMs;
  }

  /**
   * Replaces the extra closed days ('YYYY-MM-DD'). The secretariat will manage these in a
   * database table; a later service loads them at start-up and after each change through here.
   */
  setClosureDays(days: Iterable<string>): void {
    this.closures = new Set(Array.from(days, parseDay));
  }

  /** Whether 'YYYY-MM-DD' (a day in Amsterdam) is a working day. */
  isWorkingDay(day: string): boolean {
    return this.isWorkingDayNumber(parseDay(day));
  }

  /** The enabled holidays of a year, by date (switched-off holidays and closure days are not listed). */
  holidaysIn(year: number): Holiday[] {
    if (!Number.isInteger(year)) throw new RangeError(`year must be a whole number (got ${year})`);
    return [...holidaysOfYear(year)]
      .filter(([key]) => this.enabled.has(key))
      .sort(([, a], [, b]) => a - b)
      .map(([key, day]) => ({ date: dayString(day), key, name: DEFINITIONS[key].name }));
  }

  /**
   * The instant `n` working days after `instant`, at the same Amsterdam wall-clock time.
   *
   * Rule: let D be the Amsterdam day of `instant`.
   * - D is a working day: the result is the n-th working day after D at the wall-clock time of
   *   `instant`, even outside office hours (Mon 20:00 + 1 → Tue 20:00). n = 0 returns `instant`.
   * - D is not a working day (weekend, holiday, closure): the start counts as the opening time
   *   of the next working day W (as if it arrived then), so the result is the n-th working day
   *   after W at officeStart (Sat 11:00 + 1 → Tue 09:00; n = 0 → Mon 09:00).
   */
  addWorkingDays(instant: Date, n: number): Date {
    const start = instantOf(instant, 'instant');
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number >= 0 (got ${n})`);
    const wall = toWall(start);
    let day = dayNumberOf(wall);
    let timeOfDay = wall - day * MS_DAY;
    if (!this.isWorkingDayNumber(day)) {
      day = this.nextWorkingDayNumber(day);
      timeOfDay = this.openMs;
    } else if (n === 0) {
      return new Date(start);
    }
    for (let counted = 0; counted < n; ) if (this.isWorkingDayNumber(++day)) counted++;
    return new Date(fromWall(day * MS_DAY + timeOfDay));
  }

  /** Milliseconds of office time in [from, to); 0 when `to` is not after `from`. One step per calendar day. */
  workingTimeBetween(from: Date, to: Date): number {
    const start = instantOf(from, 'from');
    const end = instantOf(to, 'to');
    if (end <= start) return 0;
    const lastDay = dayNumberOf(toWall(end));
    let total = 0;
    for (let day = dayNumberOf(toWall(start)); day <= lastDay; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const [open, close] = this.officeWindow(day);
      total += Math.max(0, Math.min(close, end) - Math.max(open, start));
    }
    return total;
  }

  /** workingTimeBetween in working days (fractional): 6 h of office time = 0.75 with 8-hour days. */
  workingDaysBetween(from: Date, to: Date): number {
    return this.workingTimeBetween(from, to) / this.workingDayMs;
  }

  /**
   * The instant at which `ms` of office time has elapsed since `instant` (SLA due times:
   * addWorkingTime(submittedAt, targetDays * workingDayMs)).
   *
   * Outside office time the clock starts at the next opening, so with ms = 0 the result is
   * `instant` itself inside office time and the next opening otherwise. Time that runs out
   * exactly at closing yields the closing instant (Mon 09:00 + 8 h → Mon 17:00), not the next
   * opening. Hence workingTimeBetween(instant, addWorkingTime(instant, ms)) === ms.
   */
  addWorkingTime(instant: Date, ms: number): Date {
    const start = instantOf(instant, 'instant');
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a finite number >= 0 (got ${ms})`);
    let remaining = ms;
    for (let day = dayNumberOf(toWall(start)); ; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const [open, close] = this.officeWindow(day);
      if (start > close) continue;
      const from = Math.max(start, open);
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }

  private isWorkingDayNumber(day: number): boolean {
    return !isWeekend(day) && !this.closures.has(day) && !this.enabledHolidayDays(yearOf(day)).has(day);
  }

  private nextWorkingDayNumber(day: number): number {
    let next = day + 1;
    while (!this.isWorkingDayNumber(next)) next++;
    return next;
  }

  private enabledHolidayDays(year: number): ReadonlySet<number> {
    let days = this.holidayDays.get(year);
    if (!days) {
      days = new Set([...holidaysOfYear(year)].filter(([key]) => this.enabled.has(key)).map(([, day]) => day));
      this.holidayDays.set(year, days);
    }
    return days;
  }

  /** Opening and closing instants of a day's office hours. */
  private officeWindow(day: number): [number, number] {
    return [fromWall(day * MS_DAY + this.openMs), fromWall(day * MS_DAY + this.closeMs)];
  }
}
