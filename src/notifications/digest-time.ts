import { TIME_ZONE } from '../common/clock.js';

/** Daily digests leave at this hour, Europe/Amsterdam. */
export const DIGEST_HOUR = 7;

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

/** Wall-clock fields of an instant in Europe/Amsterdam. */
function wallClock(instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields = Object.fromEntries(partsFormat.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second };
}

/** Milliseconds Europe/Amsterdam is ahead of UTC at `instant` (3_600_000 in winter, 7_200_000 in summer). */
function offsetAt(instant: number): number {
  const w = wallClock(new Date(instant));
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time in Europe/Amsterdam denotes (the hour must not fall in a DST gap). */
export function amsterdamTime(year: number, month: number, day: number, hour: number, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let instant = asUtc - offsetAt(asUtc);
  instant = asUtc - offsetAt(instant);
  return new Date(instant);
}

/** The first 07:00 Europe/Amsterdam strictly after `now`: when a mail held for the digest goes out. */
export function nextDigestAt(now: Date, hour = DIGEST_HOUR): Date {
  const w = wallClock(now);
  const today = amsterdamTime(w.year, w.month, w.day, hour);
  if (today.getTime() > now.getTime()) return today;
  // The next calendar day; Date.UTC normalises day 32 and the like.
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return amsterdamTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hour);
}
