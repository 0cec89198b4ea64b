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
