import { amsterdamMidnight, shiftDay } from '../common/clock.js';

/** A calendar month or quarter in Europe/Amsterdam, as a half-open instant range. */
export interface Period {
  key: string;
  label: string;
  start: Date;
  end: Date;
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** Most periods a breakdown lists (20 years of months). */
export const MAX_PERIODS = 240;

const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
function nextMonth(first: string, months = 1): string {
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7)) - 1 + months;
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  // Four-digit years, as the days it is compared with (a date of the year 0 is valid input).
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Every month touching [fromDay, toDay] (inclusive days), e.g. key 2026-04, label "april 2026". */
export function monthsBetween(fromDay: string, toDay: string): Period[] {
  const periods: Period[] = [];
  for (let first = firstOfMonth(fromDay); first <= toDay && periods.length <= MAX_PERIODS; first = nextMonth(first)) {
    const month = Number(first.slice(5, 7));
    periods.push({ key: first.slice(0, 7), label: `${MONTHS[month - 1]} ${first.slice(0, 4)}`, start: amsterdamMidnight(first), end: amsterdamMidnight(nextMonth(first)) });
  }
  return periods;
}

/** Every quarter touching [fromDay, toDay], e.g. key 2026-Q2, label "2e kwartaal 2026". */
export function quartersBetween(fromDay: string, toDay: string): Period[] {
  const periods: Period[] = [];
  const startMonth = Math.floor((Number(fromDay.slice(5, 7)) - 1) / 3) * 3 + 1;
  for (let first = `${fromDay.slice(0, 4)}-${String(startMonth).padStart(2, '0')}-01`; first <= toDay && periods.length <= MAX_PERIODS; first = nextMonth(first, 3)) {
    const quarter = Math.floor((Number(first.slice(5, 7)) - 1) / 3) + 1;
    periods.push({ key: `${first.slice(0, 4)}-Q${quarter}`, label: `${quarter}e kwartaal ${first.slice(0, 4)}`, start: amsterdamMidnight(first), end: amsterdamMidnight(nextMonth(first, 3)) });
  }
  return periods;
}

/** A calendar quarter: its days (inclusive) and its Dutch name, e.g. "3e kwartaal 2026". */
export interface Quarter {
  year: number;
  quarter: number;
  from: string;
  to: string;
  label: string;
}

/** The quarter `back` quarters before (year, quarter). */
export function quarterBefore(year: number, quarter: number, back: number): Quarter {
  const index = year * 4 + (quarter - 1) - back;
  const y = Math.floor(index / 4);
  const q = (index % 4) + 1;
  const first = `${String(y).padStart(4, '0')}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  return { year: y, quarter: q, from: first, to: shiftDay(nextMonth(first, 3), -1), label: `${q}e kwartaal ${y}` };
}

/** The quarter `back` quarters before the one that holds `day` ('YYYY-MM-DD'). */
export function quarterOfDay(day: string, back = 0): Quarter {
  return quarterBefore(Number(day.slice(0, 4)), Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1, back);
}

/**
 * The quarter (YYYYQ, as the clocks' period_quarter) when [fromDay, toDay] is exactly one calendar
 * quarter, else null: then "submitted in the period" is "submitted in that quarter".
 */
export function wholeQuarter(fromDay: string | null, toDay: string | null): number | null {
  if (!fromDay || !toDay || !/^\d{4}-\d{2}-\d{2}$/.test(fromDay)) return null;
  const q = quarterOfDay(fromDay);
  return q.from === fromDay && q.to === toDay ? q.year * 10 + q.quarter : null;
}

/** "1 januari 2026" */
export function dutchDate(day: string): string {
  return `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
}

