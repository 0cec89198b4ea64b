import type { ClockKind, SlaEventType } from './sla.entities.js';
import type { WorkingTime } from './working-time.js';

/**
 * SLA clocks of one question, replayed from its timeline. Pure: the live hook, the recompute
 * job (closure days, policy changes) and the demo generator all call this one function, so a
 * figure measured live is exactly the figure a recompute produces.
 *
 * Definitions (working time = office hours on working days of the calendar):
 * - first_response: from `submitted` to the first accepted / clarification_requested /
 *   answered / referred.
 * - answer: from `submitted` to the first answered / referred, minus time in
 *   awaiting_requester (clarification_requested … requester_replied).
 * - reopen_answer (round n): from the n-th `reopened` to the next answered / referred, minus
 *   time waiting for the requester; reported apart from the first answer.
 * - withdrawn cancels every running clock: no measurement, no verdict.
 */

export interface TimelineEntry {
  type: string;
  occurredAt: Date;
}

export interface ClockTargets {
  firstResponseDays: number;
  answerDays: number;
  /** Reminder at this share of the target (percent). */
  reminderPct: number;
}

export interface ReplayOptions {
  time: WorkingTime;
  /** The question's current priority and its policy: targets of clocks still running. */
  priority: string;
  targets: ClockTargets;
  /** Targets of clocks that had already stopped (kept, so later policy changes leave past verdicts alone). */
  frozen?: ReadonlyMap<string, { priority: string; targetDays: number }>;
  /** For running clocks: whether their due time has passed. */
  now: Date;
}

export interface ComputedClock {
  kind: ClockKind;
  round: number;
  priority: string;
  targetDays: number;
  startedAt: Date;
  dueAt: Date | null;
  remindAt: Date | null;
  pausedMs: number;
  pausedSince: Date | null;
  stoppedAt: Date | null;
  cancelled: boolean;
  measuredMs: number | null;
  measuredDays: number | null;
  met: boolean | null;
  breachedAt: Date | null;
}

export interface ComputedSlaEvent {
  kind: ClockKind;
  round: number;
  type: SlaEventType;
  occurredAt: Date;
  details: Record<string, unknown> | null;
}

export const clockKey = (kind: string, round: number) => `${kind}:${round}`;

/** Staff actions that count as the first response. */
const RESPONSES = new Set(['accepted', 'clarification_requested', 'answered', 'referred']);
/** Staff actions that answer (stop the answer clock). */
const ANSWERS = new Set(['answered', 'referred']);

/** Order of event types at the same instant (the lifecycle order). */
const TIE_ORDER: Record<string, number> = {
  submitted: 0,
  routed: 1,
  unroutable: 1,
  assigned: 2,
  declined: 3,
  accepted: 4,
  clarification_requested: 5,
  requester_replied: 6,
  answered: 7,
  referred: 8,
  withdrawn: 8,
  confirmed: 9,
  auto_closed: 9,
  reopened: 10,
};

export function sortTimeline<T extends TimelineEntry>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (TIE_ORDER[a.type] ?? 20) - (TIE_ORDER[b.type] ?? 20));
}

interface RawClock {
  kind: ClockKind;
  round: number;
  startedAt: Date;
  pauses: { from: Date; to: Date | null }[];
  stoppedAt: Date | null;
  cancelled: boolean;
}

/** Which clocks ran when: the timeline folded into start, pauses and stop per clock. */
export function foldTimeline(events: readonly TimelineEntry[]): RawClock[] {
  const clocks: RawClock[] = [];
  let firstResponse: RawClock | undefined;
  let answering: RawClock | undefined; // the answer or reopen_answer clock running now
  let reopens = 0;
  const open = (kind: ClockKind, round: number, at: Date): RawClock => {
    const clock: RawClock = { kind, round, startedAt: at, pauses: [], stoppedAt: null, cancelled: false };
    clocks.push(clock);
    return clock;
  };
  const resume = (clock: RawClock | undefined, at: Date) => {
    const pause = clock?.pauses.at(-1);
    if (pause && pause.to === null) pause.to = at;
  };
  const stop = (clock: RawClock | undefined, at: Date, cancelled = false) => {
    if (!clock || clock.stoppedAt) return;
    resume(clock, at);
    clock.stoppedAt = at;
    clock.cancelled = cancelled;
  };
  for (const event of sortTimeline(events)) {
    const at = event.occurredAt;
    if (event.type === 'submitted') {
      if (firstResponse) continue;
      firstResponse = open('first_response', 0, at);
      answering = open('answer', 0, at);
      continue;
    }
    if (!firstResponse) continue; // a timeline without its submission: nothing to measure
    if (RESPONSES.has(event.type)) stop(firstResponse, at);
    switch (event.type) {
      case 'clarification_requested':
        if (answering && !answering.stoppedAt && answering.pauses.at(-1)?.to !== null) answering.pauses.push({ from: at, to: null });
        break;
      case 'requester_replied':
        if (answering && !answering.stoppedAt) resume(answering, at);
        break;
      case 'reopened':
        stop(answering, at); // normally stopped already by the answer
        reopens += 1;
        answering = open('reopen_answer', reopens, at);
        break;
      case 'withdrawn':
        stop(firstResponse, at, true);
        stop(answering, at, true);
        break;
      default:
        if (ANSWERS.has(event.type)) stop(answering, at);
    }
  }
  return clocks;
}

/**
 * The instant at which `activeMs` of office time has run on a clock, skipping its pauses; null
 * when the clock is paused (open-ended) before reaching it.
 */
function instantAfter(time: WorkingTime, clock: RawClock, activeMs: number): Date | null {
  let cursor = clock.startedAt;
  let remaining = activeMs;
  for (const pause of clock.pauses) {
    const active = time.workingTimeBetween(cursor, pause.from);
    if (active >= remaining) return time.addWorkingTime(cursor, remaining);
    remaining -= active;
    if (pause.to === null) return null;
    cursor = pause.to;
  }
  return time.addWorkingTime(cursor, remaining);
}

/** The clocks of a question with their due times, measurements and verdicts, and the SLA events. */
export function replayClocks(events: readonly TimelineEntry[], options: ReplayOptions): { clocks: ComputedClock[]; events: ComputedSlaEvent[] } {
  const { time, now } = options;
  const dayMs = time.workingDayMs;
  const clocks: ComputedClock[] = [];
  const slaEvents: ComputedSlaEvent[] = [];
  for (const raw of foldTimeline(events)) {
    const frozen = raw.stoppedAt ? options.frozen?.get(clockKey(raw.kind, raw.round)) : undefined;
    const priority = frozen?.priority ?? options.priority;
    const targetDays = frozen?.targetDays ?? (raw.kind === 'first_response' ? options.targets.firstResponseDays : options.targets.answerDays);
    const targetMs = targetDays * dayMs;
    let pausedMs = 0;
    for (const pause of raw.pauses) if (pause.to) pausedMs += time.workingTimeBetween(pause.from, pause.to);
    const pausedSince = raw.pauses.at(-1)?.to === null ? raw.pauses.at(-1)!.from : null;
    const dueAt = instantAfter(time, raw, targetMs);
    const remindAt = instantAfter(time, raw, (targetMs * options.targets.reminderPct) / 100);
    let measuredMs: number | null = null;
    let met: boolean | null = null;
    let breachedAt: Date | null = null;
    if (raw.stoppedAt && !raw.cancelled) {
      measuredMs = Math.max(0, time.workingTimeBetween(raw.startedAt, raw.stoppedAt) - pausedMs);
      met = measuredMs <= targetMs;
      if (!met) breachedAt = dueAt;
    } else if (raw.stoppedAt && raw.cancelled) {
      if (dueAt && dueAt < raw.stoppedAt) breachedAt = dueAt;
    } else if (dueAt && dueAt < now) {
      met = false;
      breachedAt = dueAt;
    }
    const clock: ComputedClock = {
      kind: raw.kind,
      round: raw.round,
      priority,
      targetDays,
      startedAt: raw.startedAt,
      dueAt,
      remindAt,
      pausedMs,
      pausedSince,
      stoppedAt: raw.stoppedAt,
      cancelled: raw.cancelled,
      measuredMs,
      measuredDays: measuredMs === null ? null : measuredMs / dayMs,
      met,
      breachedAt,
    };
    clocks.push(clock);
    const add = (type: SlaEventType, occurredAt: Date, details: Record<string, unknown> | null = null) =>
      slaEvents.push({ kind: raw.kind, round: raw.round, type, occurredAt, details });
    add('started', raw.startedAt, { targetDays, priority });
    for (const pause of raw.pauses) {
      add('paused', pause.from);
      if (pause.to && !(raw.stoppedAt && pause.to.getTime() === raw.stoppedAt.getTime() && raw.cancelled)) add('resumed', pause.to);
    }
    if (breachedAt) add('breached', breachedAt, { dueAt: dueAt?.toISOString() ?? null });
    if (raw.stoppedAt) {
      if (raw.cancelled) add('cancelled', raw.stoppedAt);
      else add(met ? 'met' : 'stopped', raw.stoppedAt, { measuredDays: clock.measuredDays });
    }
  }
  slaEvents.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return { clocks, events: slaEvents };
}
