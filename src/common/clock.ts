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
  return dayFormat.format(instant);
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
  const fields = Object.fromEntries(partsFormat.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second };
}

/** Milliseconds the Amsterdam wall clock is ahead of UTC at an instant (1 h in winter, 2 h in summer). */
export function amsterdamOffsetAt(instant: number): number {
  const w = amsterdamWallClock(instant);
  const wholeSeconds = instant - (((instant % 1000) + 1000) % 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSeconds;
}

/** The instant a wall-clock time in Europe/Amsterdam denotes (the hour must not fall in a DST gap). */
export function amsterdamTime(year: number, month: number, day: number, hour: number, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let instant = asUtc - amsterdamOffsetAt(asUtc);
  instant = asUtc - amsterdamOffsetAt(instant);
  return new Date(instant);
}
