import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';

export const CLOCK_KINDS = ['first_response', 'answer', 'reopen_answer'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export const SLA_EVENT_TYPES = ['started', 'paused', 'resumed', 'met', 'breached', 'stopped', 'cancelled'] as const;
export type SlaEventType = (typeof SLA_EVENT_TYPES)[number];

/** Targets for one priority, in working days (8 office hours = 1). */
@Entity('sla_policies')
export class SlaPolicy {
  @PrimaryColumn('varchar', { length: 10 })
  priority: string;

  @Column('double precision')
  firstResponseDays: number;

  @Column('double precision')
  answerDays: number;

  /** The expert is reminded when this share of the target has passed (default 80 %). */
  @Column('integer', { default: 80 })
  reminderPct: number;

  @TimestampColumn()
  updatedAt: Date;

  @Column('varchar', { length: 36, nullable: true })
  updatedBy: string | null;

  /** Running clocks of this priority still have to be recomputed (by the recompute-sla job). */
  @Column('boolean', { default: false })
  recomputePending: boolean;
}

/** A day the secretariat closed the office (on top of weekends and Dutch holidays). */
@Entity('calendar_closures')
export class CalendarClosure {
  /** 'YYYY-MM-DD', Europe/Amsterdam. */
  @PrimaryColumn('varchar', { length: 10 })
  day: string;

  @Column('varchar', { length: 200, nullable: true })
  reason: string | null;

  @Column('varchar', { length: 36, nullable: true })
  createdBy: string | null;

  @TimestampColumn()
  createdAt: Date;

  /** Set when removed; the row stays until the questions touching the day are recomputed. */
  @TimestampColumn({ nullable: true })
  deletedAt: Date | null;

  @TimestampColumn()
  changedAt: Date;

  @Column('boolean', { default: true })
  recomputePending: boolean;
}

/**
 * One SLA clock of a question: started at submission (first response, answer) or at a reopening
 * (reopen_answer, round n), paused while the question waits for the requester, stopped by the
 * staff action that answers it. All figures are recomputed from the question's timeline, the
 * calendar and the policy by `replayClocks`, so they can always be rebuilt.
 */
@Entity('question_sla')
@Index(['questionId', 'kind', 'round'], { unique: true })
export class QuestionSla {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 36 })
  questionId: string;

  @Column('varchar', { length: 20 })
  kind: ClockKind;

  @Column('integer', { default: 0 })
  round: number;

  /** Priority whose policy set the target (frozen once the clock stopped). */
  @Column('varchar', { length: 10 })
  priority: string;

  @Column('double precision')
  targetDays: number;

  @TimestampColumn()
  submittedAt: Date;

  @Column('varchar', { length: 20 })
  organisationCode: string;

  /** Statistics dimensions (see the ServiceLevels migration): organisation type and province, … */
  @Column('varchar', { length: 30 })
  organisationType: string;

  @Column('varchar', { length: 10, nullable: true })
  provinceCode: string | null;

  /** … month (YYYYMM) and quarter (YYYYQ) of submission in Europe/Amsterdam, … */
  @Column('integer')
  periodMonth: number;

  @Column('integer')
  periodQuarter: number;

  /** … and the question's current assignee. */
  @Column('varchar', { length: 36, nullable: true })
  assigneeId: string | null;

  @TimestampColumn()
  startedAt: Date;

  /** When the target is reached; null while paused (the remaining time is frozen then). */
  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @TimestampColumn({ nullable: true })
  remindAt: Date | null;

  /** Office time (ms) spent waiting for the requester in finished pauses. */
  @Column('double precision', { default: 0 })
  pausedMs: number;

  @TimestampColumn({ nullable: true })
  pausedSince: Date | null;

  @TimestampColumn({ nullable: true })
  stoppedAt: Date | null;

  /** Stopped without a response (the question was withdrawn): no verdict, not in the statistics. */
  @Column('boolean', { default: false })
  cancelled: boolean;

  /** Office time from start to stop minus pauses. */
  @Column('double precision', { nullable: true })
  measuredMs: number | null;

  /** measuredMs in working days (8 office hours = 1). */
  @Column('double precision', { nullable: true })
  measuredDays: number | null;

  /** True: stopped within the target; false: stopped late or still running past the due time; null: open or cancelled. */
  @Column('boolean', { nullable: true })
  met: boolean | null;

  @TimestampColumn({ nullable: true })
  breachedAt: Date | null;

  @TimestampColumn({ nullable: true })
  remindedAt: Date | null;

  @TimestampColumn({ nullable: true })
  breachNotifiedAt: Date | null;

  /** Next reminder or breach mail due; null when none is. */
  @TimestampColumn({ nullable: true })
  alarmAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;
}

/** A clock once per keuze of its question, for breakdowns per keuze and theme. */
@Entity('question_sla_keuzes')
export class QuestionSlaKeuze {
  @PrimaryColumn('varchar', { length: 36 })
  questionId: string;

  @PrimaryColumn('varchar', { length: 20 })
  kind: ClockKind;

  @PrimaryColumn('integer')
  round: number;

  @PrimaryColumn('integer')
  keuzeId: number;

  @Column('integer')
  themeId: number;

  /** The question's lowest keuze of this theme: counting these counts a question once per theme. */
  @Column('boolean')
  themeFirst: boolean;

  @Column('double precision', { nullable: true })
  measuredDays: number | null;

  @Column('boolean', { nullable: true })
  met: boolean | null;

  @TimestampColumn()
  submittedAt: Date;

  @Column('varchar', { length: 20 })
  organisationCode: string;

  /** The quarter of submission (YYYYQ, Europe/Amsterdam), as on the clock: percentiles of one quarter read its index. */
  @Column('integer')
  periodQuarter: number;
}

/** What happened to a clock, derived from the question's timeline (rewritten when recomputed). */
@Entity('sla_events')
export class SlaEvent {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 36 })
  questionId: string;

  @Column('varchar', { length: 20 })
  kind: ClockKind;

  @Column('integer', { default: 0 })
  round: number;

  @Column('varchar', { length: 20 })
  type: SlaEventType;

  @TimestampColumn()
  occurredAt: Date;

  @JsonColumn({ nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON
  details: Record<string, any> | null;
}

export const SLA_ENTITIES = [SlaPolicy, CalendarClosure, QuestionSla, QuestionSlaKeuze, SlaEvent];
