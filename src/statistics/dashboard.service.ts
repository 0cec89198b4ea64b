import { Injectable } from '@nestjs/common';
import { Clock, amsterdamDay, shiftDay } from '../common/clock.js';
import { quartersBetween, type Period } from './periods.js';
import type { MeasuresDto } from './statistics.dto.js';
import { StatisticsService, emptyMeasures } from './statistics.service.js';

/**
 * The partners' public dashboard (A3): per theme and keuze, per quarter, aggregates only — no
 * organisation, no person, nothing below the disclosure threshold. See README "Dashboard".
 *
 * Disclosure rules (no naming and shaming, C10):
 * - a count below SMALL_COUNT (0–4) is shown as "< 5", never as its number;
 * - the share answered is shown only when both the answered and the not-answered questions number
 *   at least SMALL_COUNT: with the received count shown, a share would otherwise give away the
 *   small part (e.g. "1 of 9 not answered");
 * - the median answer time is shown only over at least SMALL_COUNT measured answers, so it is never
 *   one municipality's single question;
 * - totals follow the same rules. The dashboard has no organisation or province dimension at all,
 *   and a question about several keuzes counts in each of them, so the groups do not add up to the
 *   totals (a group cannot be recovered by subtraction from the others).
 */
export const SMALL_COUNT = 5;
export const SUPPRESSED = '< 5';
/** How many quarters the dashboard shows: the running one and the three before it. */
export const DASHBOARD_QUARTERS = 4;
/** How old the figures may be (issue 18: "≤ 1 minute old"). */
export const DASHBOARD_MAX_AGE_MS = 60_000;

/** One published figure: `value` null when it is withheld or there is none; `text` as shown. */
export interface PublicFigure {
  value: number | null;
  text: string;
}

export interface DashboardCell {
  received: PublicFigure;
  answeredShare: PublicFigure;
  medianAnswerDays: PublicFigure;
  articlesPublished: PublicFigure;
}

export interface DashboardRow {
  kind: 'totaal' | 'thema' | 'keuze';
  id: number | null;
  label: string;
  /** One cell per quarter, in the order of `quarters`. */
  cells: DashboardCell[];
}

export interface DashboardData {
  generatedAt: Date;
  quarters: { key: string; label: string; running: boolean; from: string; to: string }[];
  totals: DashboardRow;
  themes: DashboardRow[];
  keuzes: DashboardRow[];
}

const nl = (value: number, decimals: number) => new Intl.NumberFormat('nl-NL', { maximumFractionDigits: decimals, minimumFractionDigits: 0 }).format(value);

/** A count as published. */
export function publicCount(n: number): PublicFigure {
  return n < SMALL_COUNT ? { value: null, text: SUPPRESSED } : { value: n, text: nl(n, 0) };
}

/** The share of received questions that got an answer (answered or closed), when neither part is small. */
export function publicShare(answered: number, received: number): PublicFigure {
  if (received === 0) return { value: null, text: '–' };
  // Also 100 % and 0 % are withheld: they tell that a part is 0, which is under SMALL_COUNT too.
  if (answered < SMALL_COUNT || received - answered < SMALL_COUNT) return { value: null, text: 'niet getoond' };
  const pct = Math.round((1000 * answered) / received) / 10;
  return { value: pct, text: `${nl(pct, 1)} %` };
}

/** The median answer time in working days, over at least SMALL_COUNT measured answers. */
export function publicMedian(median: number | null, count: number): PublicFigure {
  if (count === 0 || median === null) return { value: null, text: '–' };
  if (count < SMALL_COUNT) return { value: null, text: 'niet getoond' };
  const rounded = Math.round(median * 10) / 10;
  return { value: rounded, text: nl(rounded, 1) };
}

export function publicCell(m: MeasuresDto): DashboardCell {
  return {
    received: publicCount(m.received),
    answeredShare: publicShare(m.answered + m.closed, m.received),
    medianAnswerDays: publicMedian(m.answerDays.median, m.answerDays.count),
    articlesPublished: publicCount(m.articlesPublished),
  };
}

/** From this age on, a request still gets the kept figures but starts computing the next ones in the background. */
export const DASHBOARD_REFRESH_AHEAD_MS = 45_000;

/**
 * Computes the dashboard from the statistics measures (the same figures as the API) and keeps
 * them for at most DASHBOARD_MAX_AGE_MS. Concurrent requests share one computation, so a burst of
 * anonymous visitors costs one set of queries per minute per process; under steady traffic the
 * next figures are computed ahead (after DASHBOARD_REFRESH_AHEAD_MS), so no visitor waits.
 */
@Injectable()
export class DashboardService {
  private cached: { at: number; data: DashboardData } | null = null;
  private running: Promise<DashboardData> | null = null;

  constructor(
    private readonly statistics: StatisticsService,
    private readonly clock: Clock,
  ) {}

  /** The figures and their age in milliseconds. */
  async current(): Promise<{ data: DashboardData; ageMs: number }> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < DASHBOARD_MAX_AGE_MS && now >= this.cached.at) {
      if (now - this.cached.at >= DASHBOARD_REFRESH_AHEAD_MS) void this.refresh(now).catch(() => undefined);
      return { data: this.cached.data, ageMs: now - this.cached.at };
    }
    const data = await this.refresh(now);
    return { data, ageMs: Math.max(0, this.clock.now().getTime() - data.generatedAt.getTime()) };
  }

  /** The running computation, or a new one started at `now`. */
  private refresh(now: number): Promise<DashboardData> {
    if (!this.running) {
      const started = now;
      this.running = this.compute()
        .then((data) => {
          this.cached = { at: started, data };
          return data;
        })
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  /** Forgets the cached figures (tests, after seeding). */
  invalidate(): void {
    this.cached = null;
  }

  /** The last DASHBOARD_QUARTERS quarters up to today. */
  quarters(): Period[] {
    const today = amsterdamDay(this.clock.now());
    // Far enough back to cover three full quarters before the running one.
    const all = quartersBetween(shiftDay(today, -(DASHBOARD_QUARTERS * 92 + 1)), today);
    return all.slice(-DASHBOARD_QUARTERS);
  }

  async compute(): Promise<DashboardData> {
    const generatedAt = this.clock.now();
    const today = amsterdamDay(generatedAt);
    const quarters = this.quarters();
    const days = quarters.map((q) => ({ from: amsterdamDay(q.start), to: shiftDay(amsterdamDay(q.end), -1) }));
    // Per quarter the measures by theme, by keuze and in total (each question once), as the
    // statistics breakdowns compute them, but of the percentiles only the answer median.
    const filters = days.map((d) => this.statistics.resolve(d));
    const [themeGroups, keuzeGroups] = await Promise.all([this.statistics.groupsFor('theme', filters[0]), this.statistics.groupsFor('keuze', filters[0])]);
    const lean = (f: (typeof filters)[number], by: 'theme' | 'keuze' | null, groups?: { key: string; label: string }[]) => this.statistics.measures(f, by, groups, 'cells', true);
    const [themes, keuzes, totals] = await Promise.all([
      Promise.all(filters.map((f) => lean(f, 'theme', themeGroups))),
      Promise.all(filters.map((f) => lean(f, 'keuze', keuzeGroups))),
      Promise.all(filters.map((f) => lean(f, null))),
    ]);
    const rows = (kind: 'thema' | 'keuze', groups: { key: string; label: string }[], per: Map<string, MeasuresDto>[]): DashboardRow[] =>
      groups.map((g) => ({
        kind,
        id: Number(g.key),
        label: g.label,
        cells: per.map((m) => publicCell(m.get(g.key) ?? emptyMeasures())),
      }));
    return {
      generatedAt,
      quarters: quarters.map((q, i) => ({ key: q.key, label: q.label, running: days[i].to >= today, ...days[i] })),
      totals: { kind: 'totaal', id: null, label: 'Alle vragen', cells: totals.map((m) => publicCell(m.get('all') ?? emptyMeasures())) },
      themes: rows('thema', themeGroups, themes),
      keuzes: rows('keuze', keuzeGroups, keuzes),
    };
  }
}
