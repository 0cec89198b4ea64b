import { Injectable } from '@nestjs/common';

export const TIME_ZONE = 'Europe/Amsterdam';

/** The source of "now" for everything time-based, so tests can move time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant in Europe/Amsterdam. */
export function amsterdamDay(instant: Date): string {
  const t = instant.getTime();
  if (!(t >= MEMO_FROM && t < MEMO_UNTIL)) return dayFormat.format(instant);
  return new Date(t + amsterdamOffsetAt(t)).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' shifted by whole days. */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The instant a calendar day starts in Europe/Amsterdam (the one offset at which that instant is the day's first). */
export function amsterdamMidnight(day: string): Date {
  for (const offset of ['+01:00', '+02:00']) {
    const candidate = new Date(`${day}T00:00:00${offset}`);
    if (amsterdamDay(candidate) === day && amsterdamDay(new Date(candidate.getTime() - 1)) !== day) return candidate;
  }
  return new Date(`${day}T00:00:00+01:00`);
}

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of an instant in Europe/Amsterdam (through ICU, so daylight saving comes from tz data). */
export function amsterdamWallClock(instant: Date | number): WallClock {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  if (!(t >= MEMO_FROM && t < MEMO_UNTIL)) return icuWallClock(t);
  const w = new Date(t + amsterdamOffsetAt(t));
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds() };
}

function icuWallClock(instant: number): WallClock {
  const fields = Object.fromEntries(partsFormat.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second };
}

/*
 * ICU's answer per UTC hour, memoised: Dutch clock changes have fallen on whole UTC hours (01:00)
 * since 1977, so the offset is constant within each such hour. formatToParts was a measurable
 * share of the CPU under load (calendar arithmetic calls this for every due time).
 */
const MS_HOUR = 3_600_000;
const MEMO_FROM = Date.UTC(1977, 0, 1);
const MEMO_UNTIL = Date.UTC(2200, 0, 1);
const MEMO_LIMIT = 200_000;
const offsetByHour = new Map<number, number>();

function icuOffsetAt(instant: number): number {
  const w = icuWallClock(instant);
  const wholeSeconds = instant - (((instant % 1000) + 1000) % 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSeconds;
}

/** Milliseconds the Amsterdam wall clock is ahead of UTC at an instant (1 h in winter, 2 h in summer). */
export function amsterdamOffsetAt(instant: number): number {
  if (!(instant >= MEMO_FROM && instant < MEMO_UNTIL)) return icuOffsetAt(instant);
  const hour = Math.floor(instant / MS_HOUR);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= MEMO_LIMIT) offsetByHour.clear();
    offset = icuOffsetAt(hour * MS_HOUR);
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/** The instant a wall-clock time in Europe/Amsterdam denotes (the hour must not fall in a DST gap). */
export function amsterdamTime(year: number, month: number, day: number, hour: number, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let instant = asUtc - amsterdamOffsetAt(asUtc);
  instant = asUtc - amsterdamOffsetAt(instant);
  return new Date(instant);
}
