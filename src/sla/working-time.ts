import { amsterdamDay, amsterdamMidnight, shiftDay } from '../common/clock.js';
import type { WorkingCalendar } from '../calendar/index.js';

/** What SLA timing needs from a calendar; `WorkingCalendar` has it, and so has `WorkingTimeTable`. */
export interface WorkingTime {
  readonly workingDayMs: number;
  workingTimeBetween(from: Date, to: Date): number;
  addWorkingTime(instant: Date, ms: number): Date;
}

const MS_DAY = 86_400_000;

/**
 * The office windows of a range of days, taken from a `WorkingCalendar` through its public
 * methods (so holidays, closure days, office hours and daylight saving are the calendar's own),
 * with prefix sums: `workingTimeBetween` and `addWorkingTime` become binary searches instead of
 * a walk over every day with time-zone conversions. For bulk work (recomputing many questions,
 * the demo generator); instants outside the range fall back to the calendar itself. Equality
 * with the calendar is checked by working-time.spec.ts.
 */
export class WorkingTimeTable implements WorkingTime {
  readonly workingDayMs: number;
  private readonly opens: number[] = [];
  private readonly closes: number[] = [];
  /** Office time before window i. */
  private readonly before: number[] = [];
  private readonly rangeStart: number;
  private readonly rangeEnd: number;

  constructor(
    private readonly calendar: WorkingCalendar,
    fromDay: string,
    toDay: string,
  ) {
    this.workingDayMs = calendar.workingDayMs;
    let total = 0;
    for (let day = fromDay; day <= toDay; day = shiftDay(day, 1)) {
      if (!calendar.isWorkingDay(day)) continue;
      const open = calendar.addWorkingTime(amsterdamMidnight(day), 0).getTime();
      const close = calendar.addWorkingTime(new Date(open), calendar.workingDayMs).getTime();
      this.opens.push(open);
      this.closes.push(close);
      this.before.push(total);
      total += close - open;
    }
    this.rangeStart = amsterdamMidnight(fromDay).getTime();
    this.rangeEnd = amsterdamMidnight(shiftDay(toDay, 1)).getTime();
  }

  /** A table around an instant span: from a year before `from` to two years after `to`. */
  static around(calendar: WorkingCalendar, from: Date, to: Date): WorkingTimeTable {
    return new WorkingTimeTable(calendar, amsterdamDay(new Date(from.getTime() - 366 * MS_DAY)), amsterdamDay(new Date(to.getTime() + 2 * 366 * MS_DAY)));
  }

  covers(instant: number): boolean {
    return instant >= this.rangeStart && instant < this.rangeEnd;
  }

  workingTimeBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (!(b > a)) return 0;
    if (!this.covers(a) || !this.covers(b)) return this.calendar.workingTimeBetween(from, to);
    return this.elapsed(b) - this.elapsed(a);
  }

  addWorkingTime(instant: Date, ms: number): Date {
    const a = instant.getTime();
    if (!this.covers(a) || !Number.isFinite(ms) || ms < 0) return this.calendar.addWorkingTime(instant, ms);
    const target = this.elapsed(a) + ms;
    // First window whose end reaches the target…
    let lo = 0;
    let hi = this.opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before[mid] + (this.closes[mid] - this.opens[mid]) >= target) hi = mid;
      else lo = mid + 1;
    }
    // …and that does not close before the start (a start after closing moves to the next opening).
    while (lo < this.opens.length && this.closes[lo] < a) lo++;
    if (lo >= this.opens.length) return this.calendar.addWorkingTime(instant, ms);
    const result = Math.max(this.opens[lo] + (target - this.before[lo]), a);
    if (!this.covers(result)) return this.calendar.addWorkingTime(instant, ms);
    return new Date(result);
  }

  /** Office time from the start of the table to `t`. */
  private elapsed(t: number): number {
    let lo = 0;
    let hi = this.opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.opens[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0) return 0;
    return this.before[i] + Math.min(t, this.closes[i]) - this.opens[i];
  }
}
