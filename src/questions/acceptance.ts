import type { WorkingCalendar } from '../calendar/index.js';

/**
 * When an assignment should be accepted, and when its reminders are due: measured in office time
 * like the SLA clocks, so they always fall in office hours. The expert has one working day of
 * office time (8 h with 09:00–17:00) from the assignment: assigned on Tuesday 10:30, accept before
 * Wednesday 10:30; assigned on Friday 16:00, before Monday 16:00; assigned at night or in the
 * weekend, the clock starts at the next opening, so before that day's closing (Monday 01:24 →
 * Monday 17:00, Saturday → Monday 17:00).
 *
 * Stage 1 (the reminder to the expert) is due at that deadline, stage 2 (the reminder to the
 * coordinators) one working day of office time later.
 */
export function acceptanceDue(calendar: WorkingCalendar, assignedAt: Date, stage: 1 | 2 = 1): Date {
  return calendar.addWorkingTime(assignedAt, stage * calendar.workingDayMs);
}
