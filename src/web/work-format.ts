import type { WorkingCalendar } from '../calendar/index.js';
import type { RunningClock } from '../sla/index.js';

/** How a service-level clock stands: said in words, the colour only helps (WCAG 1.4.1). */
export interface SlaView {
  /** "nog 1,5 werkdag", "2 werkdagen over de norm", "staat stil: wacht op de vraagsteller". */
  text: string;
  /** ok, warning (past the reminder), error (breached), neutral (paused or none). */
  tone: 'ok' | 'warning' | 'error' | 'neutral';
  /** The word before the text, also in black and white: "Op tijd", "Bijna te laat", "Te laat"; null when the text says it all. */
  label: string | null;
  /** Sort key: working days left (negative once breached); paused and none last. */
  left: number;
}

const DAYS = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 1 });

/** "1 werkdag", "1,5 werkdag", "2 werkdagen": a number of working days as Dutch says it. */
export function workingDaysText(days: number): string {
  const rounded = Math.max(0.1, Math.round(days * 10) / 10);
  return `${DAYS.format(rounded)} ${rounded >= 2 ? 'werkdagen' : 'werkdag'}`;
}

/** A running clock (or none) as the work lists and the question page show it, at `now`. */
export function slaView(clock: RunningClock | undefined, calendar: WorkingCalendar, now: Date): SlaView {
  if (!clock || !clock.dueAt) return { text: 'er loopt geen termijn', tone: 'neutral', label: null, left: Infinity };
  if (clock.pausedSince) return { text: 'staat stil: wacht op de vraagsteller', tone: 'neutral', label: 'Gepauzeerd', left: Infinity };
  if (clock.dueAt.getTime() <= now.getTime()) {
    const over = calendar.workingDaysBetween(clock.dueAt, now);
    return { text: `${workingDaysText(over)} over de norm`, tone: 'error', label: 'Te laat', left: -over };
  }
  const left = calendar.workingDaysBetween(now, clock.dueAt);
  const risky = clock.remindAt !== null && clock.remindAt.getTime() <= now.getTime();
  return { text: `nog ${workingDaysText(left)}`, tone: risky ? 'warning' : 'ok', label: risky ? 'Bijna te laat' : 'Op tijd', left };
}

/** The kinds of organisation in Dutch (organisations.type). */
export const ORGANISATION_TYPE_TEXT: Record<string, string> = {
  municipality: 'Gemeente',
  province: 'Provincie',
  water_board: 'Waterschap',
  central_government: 'Rijksoverheid',
  other: 'Andere organisatie',
};

export const PRIORITY_TEXT: Record<string, string> = { normal: 'normaal', urgent: 'spoed' };

/** What each clock measures, in words. */
export const CLOCK_TEXT: Record<string, string> = { first_response: 'Eerste reactie', answer: 'Antwoord', reopen_answer: 'Antwoord na heropenen' };
