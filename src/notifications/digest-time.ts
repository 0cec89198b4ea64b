import { amsterdamTime, amsterdamWallClock } from '../common/clock.js';

/** Daily digests leave at this hour, Europe/Amsterdam. */
export const DIGEST_HOUR = 7;

const wallClock = amsterdamWallClock;
export { amsterdamTime };

/** The first 07:00 Europe/Amsterdam strictly after `now`: when a mail held for the digest goes out. */
export function nextDigestAt(now: Date, hour = DIGEST_HOUR): Date {
  const w = wallClock(now);
  const today = amsterdamTime(w.year, w.month, w.day, hour);
  if (today.getTime() > now.getTime()) return today;
  // The next calendar day; Date.UTC normalises day 32 and the like.
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return amsterdamTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hour);
}
