import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { type AuditActor, AuditService } from '../audit/index.js';
import { isStaff, type Principal } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, insertRows, queryRows } from '../infra/database/sql.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { organisationFacts } from '../organisations/index.js';
import { PRIORITIES, questionClockFacts, type QuestionClockFacts, QuestionEvents, questionKeuzes, QuestionReader, questionTimeline } from '../questions/index.js';
import { clockKey, replayClocks, type ComputedClock } from './sla-clock.js';
import { QuestionSla, QuestionSlaKeuze, SlaEvent, SlaPolicy } from './sla.entities.js';
import type { QuestionSlaDto, SlaPolicyDto, UpdateSlaPolicyDto } from './sla.dto.js';
import type { WorkingTime } from './working-time.js';

/** A question's running service-level clock as the work lists show it. */
export interface RunningClock {
  kind: string;
  dueAt: Date | null;
  remindAt: Date | null;
  pausedSince: Date | null;
  breachedAt: Date | null;
  targetDays: number;
}

/** Timeline events that can start, pause, resume or stop a clock, or change its target. */
const CLOCK_EVENTS = new Set([
  'submitted',
  'accepted',
  'clarification_requested',
  'requester_replied',
  'answered',
  'referred',
  'withdrawn',
  'reopened',
  'priority_changed',
]);
/** Timeline events that only change the assignee, a statistics dimension stored on the clocks. */
const ASSIGNEE_EVENTS = new Set(['routed', 'assigned', 'declined', 'unroutable']);

/** Fields of a question_sla row that recomputing may change. */
const COMPUTED_FIELDS = [
  'priority',
  'targetDays',
  'startedAt',
  'dueAt',
  'remindAt',
  'pausedMs',
  'pausedSince',
  'stoppedAt',
  'cancelled',
  'measuredMs',
  'measuredDays',
  'met',
  'breachedAt',
  'organisationType',
  'provinceCode',
  'periodMonth',
  'periodQuarter',
  'assigneeId',
] as const;

/** The statistics dimensions a clock carries (see QuestionSla). */
export interface SlaDimensions {
  organisationType: string;
  provinceCode: string | null;
  periodMonth: number;
  periodQuarter: number;
  assigneeId: string | null;
}

export function dimensionsOf(submittedAt: Date, organisation: { code: string; type: string; provinceCode: string | null } | null, assigneeId: string | null): SlaDimensions {
  const day = amsterdamDay(submittedAt);
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return {
    organisationType: organisation?.type ?? 'other',
    provinceCode: organisation ? (organisation.provinceCode ?? (organisation.type === 'province' ? organisation.code : null)) : null,
    periodMonth: year * 100 + month,
    periodQuarter: year * 10 + Math.ceil(month / 3),
    assigneeId,
  };
}

/** The per-keuze copies of a question's clocks (themeFirst marks the lowest keuze of each theme). */
export function keuzeRowsOf(
  question: { id: string; submittedAt: Date; organisationCode: string },
  keuzes: { keuzeId: number; themeId: number }[],
  clocks: Pick<QuestionSla, 'kind' | 'round' | 'measuredDays' | 'met' | 'periodQuarter'>[],
): QuestionSlaKeuze[] {
  const sorted = [...keuzes].sort((a, b) => a.keuzeId - b.keuzeId);
  const firstOfTheme = new Set(sorted.filter((k, i) => sorted.findIndex((x) => x.themeId === k.themeId) === i).map((k) => k.keuzeId));
  return clocks.flatMap((c) =>
    sorted.map((k) => ({
      questionId: question.id,
      kind: c.kind,
      round: c.round,
      keuzeId: k.keuzeId,
      themeId: k.themeId,
      themeFirst: firstOfTheme.has(k.keuzeId),
      measuredDays: c.measuredDays,
      met: c.met,
      submittedAt: question.submittedAt,
      organisationCode: question.organisationCode,
      periodQuarter: c.periodQuarter,
    })),
  );
}

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  return (a ?? null) === (b ?? null);
};

/** The next moment a reminder or breach mail is due for a clock, if any. */
export function alarmOf(clock: Pick<QuestionSla, 'stoppedAt' | 'pausedSince' | 'remindAt' | 'dueAt' | 'remindedAt' | 'breachNotifiedAt'>): Date | null {
  if (clock.stoppedAt || clock.pausedSince) return null;
  if (clock.remindAt && !clock.remindedAt && !clock.breachNotifiedAt && (!clock.dueAt || clock.remindAt < clock.dueAt)) return clock.remindAt;
  if (clock.dueAt && !clock.breachNotifiedAt) return clock.dueAt;
  return null;
}

/** What `startClocks` needs of a question submitted in the caller's transaction. */
type SubmittedQuestion = QuestionClockFacts;

/**
 * Service levels: keeps every question's clocks (question_sla) and SLA event log up to date in
 * the transaction of each timeline event, recomputes them on demand (closure days, policy
 * changes), and manages the policies per priority.
 */
@Injectable()
export class SlaService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly events: QuestionEvents,
    private readonly questions: QuestionReader,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (m, events) => {
      const submitted = events.filter(({ event, keuzes }) => event.type === 'submitted' && keuzes);
      await this.startClocksMany(m, submitted.map(({ event, question, keuzes }) => ({ question, keuzes: [...keuzes!], submittedAt: event.occurredAt })));
      // The assignee of questions routed together, with one statement.
      const assigneeOnly = events.filter(({ event }) => ASSIGNEE_EVENTS.has(event.type) && !CLOCK_EVENTS.has(event.type));
      if (assigneeOnly.length > 0) {
        const sql = new SqlParams(this.db.kind);
        const questions = assigneeOnly.map(({ question }) => question);
        const assignee = sql.caseOf('question_id', questions.map((q) => [q.id, q.assigneeId]));
        await queryRows(m, `UPDATE question_sla SET assignee_id = ${assignee} WHERE question_id IN (${sql.list(questions.map((q) => q.id))})`, sql.values);
      }
      const done = new Set([...submitted, ...assigneeOnly]);
      for (const item of events) if (!done.has(item) && CLOCK_EVENTS.has(item.event.type)) await this.recompute(m, item.event.questionId);
    });
  }

  // ---- clocks -------------------------------------------------------------------------------

  /**
   * Replays one question's timeline and writes the resulting clocks and SLA events (only what
   * changed). Runs inside the caller's transaction. Returns the clocks as stored.
   */
  async recompute(m: EntityManager, questionId: string, options: { time?: WorkingTime; now?: Date } = {}): Promise<QuestionSla[]> {
    const question = await questionClockFacts(m, questionId);
    if (!question) return [];
    const organisation = await organisationFacts(m, question.organisationCode);
    const dimensions = dimensionsOf(question.submittedAt, organisation, question.assigneeId);
    // One after another: inside a transaction they share one connection.
    const timeline = await questionTimeline(m, questionId, [...CLOCK_EVENTS]);
    const policy = await this.policyFor(m, question.priority);
    const existing = await m.find(QuestionSla, { where: { questionId } });
    const existingEvents = await m.find(SlaEvent, { where: { questionId }, order: { occurredAt: 'ASC' } });
    const now = options.now ?? this.clock.now();
    const frozen = new Map(existing.filter((row) => row.stoppedAt).map((row) => [clockKey(row.kind, row.round), { priority: row.priority, targetDays: row.targetDays }]));
    const { clocks, events } = replayClocks(timeline, { time: options.time ?? this.calendar, priority: question.priority, targets: policy, frozen, now });

    const byKey = new Map(existing.map((row) => [clockKey(row.kind, row.round), row]));
    const stored: QuestionSla[] = [];
    for (const computed of clocks) {
      const clock = { ...computed, ...dimensions };
      const row = byKey.get(clockKey(clock.kind, clock.round));
      byKey.delete(clockKey(clock.kind, clock.round));
      if (row) {
        const changes: Partial<QuestionSla> = {};
        for (const field of COMPUTED_FIELDS) if (!same(row[field], clock[field])) (changes as Record<string, unknown>)[field] = clock[field];
        const next = { ...row, ...changes };
        const alarmAt = alarmOf(next);
        if (!same(row.alarmAt, alarmAt)) changes.alarmAt = alarmAt;
        if (Object.keys(changes).length > 0) await m.update(QuestionSla, { id: row.id }, { ...changes, updatedAt: now });
        stored.push({ ...next, alarmAt });
      } else {
        const created = this.newRow(question, clock, now);
        await m.insert(QuestionSla, created);
        stored.push(created);
      }
    }
    if (byKey.size > 0) await m.delete(QuestionSla, { id: In([...byKey.values()].map((row) => row.id)) });

    const keuzes = await questionKeuzes(m, questionId);
    const wanted = keuzeRowsOf(question, keuzes, stored);
    const present = await m.find(QuestionSlaKeuze, { where: { questionId } });
    const keyOf = (r: QuestionSlaKeuze) => `${r.kind}:${r.round}:${r.keuzeId}:${r.themeFirst ? 1 : 0}:${r.measuredDays ?? ''}:${r.met ?? ''}`;
    if (present.map(keyOf).sort().join('|') !== wanted.map(keyOf).sort().join('|')) {
      await m.delete(QuestionSlaKeuze, { questionId });
      for (let i = 0; i < wanted.length; i += 50) await m.insert(QuestionSlaKeuze, wanted.slice(i, i + 50));
    }

    const signature = (list: { kind: string; round: number; type: string; occurredAt: Date }[]) =>
      list.map((e) => `${e.kind}:${e.round}:${e.type}:${e.occurredAt.getTime()}`).join('|');
    if (signature(existingEvents) !== signature(events)) {
      await m.delete(SlaEvent, { questionId });
      const rows = events.map((e) => ({ id: randomUUID(), questionId, ...e }));
      for (let i = 0; i < rows.length; i += 50) await m.insert(SlaEvent, rows.slice(i, i + 50) as never);
    }
    return stored;
  }

  /**
   * The clocks of a question submitted in this transaction: its timeline is the one `submitted`
   * event and nothing is stored for it yet, so `recompute` would select nothing and write exactly
   * these rows; written here with one multi-row insert per table instead.
   */
  async startClocks(
    m: EntityManager,
    question: SubmittedQuestion,
    keuzes: { keuzeId: number; themeId: number }[],
    submittedAt: Date,
  ): Promise<QuestionSla[]> {
    return this.startClocksMany(m, [{ question, keuzes, submittedAt }]);
  }

  /** `startClocks` for questions submitted together: one multi-row insert per table for all of them. */
  async startClocksMany(m: EntityManager, submitted: { question: SubmittedQuestion; keuzes: { keuzeId: number; themeId: number }[]; submittedAt: Date }[]): Promise<QuestionSla[]> {
    const now = this.clock.now();
    const policies = new Map<string, SlaPolicy>();
    const clockRows: QuestionSla[] = [];
    const keuzeRows: QuestionSlaKeuze[] = [];
    const eventRows: SlaEvent[] = [];
    for (const { question, keuzes, submittedAt } of submitted) {
      const organisation = await organisationFacts(m, question.organisationCode);
      const dimensions = dimensionsOf(question.submittedAt, organisation, question.assigneeId);
      let policy = policies.get(question.priority);
      if (!policy) policies.set(question.priority, (policy = await this.policyFor(m, question.priority)));
      const { clocks, events } = replayClocks([{ type: 'submitted', occurredAt: submittedAt }], { time: this.calendar, priority: question.priority, targets: policy, now });
      const stored = clocks.map((computed) => this.newRow(question, { ...computed, ...dimensions }, now));
      clockRows.push(...stored);
      keuzeRows.push(...keuzeRowsOf(question, keuzes, stored));
      eventRows.push(...events.map((e) => ({ id: randomUUID(), questionId: question.id, ...e }) as SlaEvent));
    }
    await insertRows(m, QuestionSla, clockRows);
    await insertRows(m, QuestionSlaKeuze, keuzeRows);
    await insertRows(m, SlaEvent, eventRows);
    return clockRows;
  }

  private newRow(question: Pick<QuestionClockFacts, 'id' | 'submittedAt' | 'organisationCode'>, clock: ComputedClock & SlaDimensions, now: Date): QuestionSla {
    const row: QuestionSla = {
      id: randomUUID(),
      questionId: question.id,
      ...clock,
      submittedAt: question.submittedAt,
      organisationCode: question.organisationCode,
      remindedAt: null,
      breachNotifiedAt: null,
      alarmAt: null,
      updatedAt: now,
    };
    row.alarmAt = alarmOf(row);
    return row;
  }

  /** A question's clocks and SLA events, for staff who may see the question. */
  async questionView(principal: Principal, questionId: string): Promise<QuestionSlaDto> {
    const q = await this.questions.findVisible(this.db.manager, principal, questionId);
    if (!isStaff(principal) || q.requesterId === principal.user.id) throw new NotFoundError('Vraag', questionId);
    const [clocks, events] = await Promise.all([
      this.db.manager.find(QuestionSla, { where: { questionId }, order: { startedAt: 'ASC', kind: 'ASC', round: 'ASC' } }),
      this.db.manager.find(SlaEvent, { where: { questionId }, order: { occurredAt: 'ASC' } }),
    ]);
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      questionId,
      priority: q.priority,
      clocks: clocks.map((c) => ({
        kind: c.kind,
        round: c.round,
        priority: c.priority,
        targetDays: c.targetDays,
        startedAt: c.startedAt.toISOString(),
        dueAt: iso(c.dueAt),
        pausedSince: iso(c.pausedSince),
        pausedDays: c.pausedMs / this.calendar.workingDayMs,
        stoppedAt: iso(c.stoppedAt),
        cancelled: c.cancelled,
        measuredDays: c.measuredDays,
        met: c.met,
        breachedAt: iso(c.breachedAt),
      })),
      events: events.map((e) => ({ kind: e.kind, round: e.round, type: e.type, occurredAt: e.occurredAt.toISOString() })),
    };
  }

  /**
   * The running clocks (not stopped or cancelled) of the questions, for the staff's work lists:
   * per question the one due first. The caller has checked that the questions are visible to the
   * staff member (the lists read them through the questions' visibility rule).
   */
  async runningClocks(principal: Principal, questionIds: readonly string[]): Promise<Map<string, RunningClock>> {
    const byQuestion = new Map<string, RunningClock>();
    if (!isStaff(principal) || questionIds.length === 0) return byQuestion;
    for (let i = 0; i < questionIds.length; i += 500) {
      const rows = await this.db.manager.find(QuestionSla, {
        select: { questionId: true, kind: true, dueAt: true, remindAt: true, pausedSince: true, breachedAt: true, targetDays: true },
        where: { questionId: In(questionIds.slice(i, i + 500)), stoppedAt: IsNull(), cancelled: false },
      });
      for (const r of rows) {
        const known = byQuestion.get(r.questionId);
        const due = (c: { dueAt: Date | null }) => c.dueAt?.getTime() ?? Infinity;
        if (!known || due(r) < due(known)) byQuestion.set(r.questionId, { kind: r.kind, dueAt: r.dueAt, remindAt: r.remindAt, pausedSince: r.pausedSince, breachedAt: r.breachedAt, targetDays: r.targetDays });
      }
    }
    return byQuestion;
  }

  /**
   * Questions with a running, unpaused clock at risk (past its reminder) or breached: for the
   * coordinators' triage. One read of question_sla.
   */
  async atRisk(principal: Principal): Promise<string[]> {
    if (!isStaff(principal)) return [];
    const rows = await this.db.manager
      .createQueryBuilder(QuestionSla, 'c')
      .select('DISTINCT c.question_id', 'questionId')
      .where('c.stopped_at IS NULL AND c.cancelled = :no AND c.paused_since IS NULL AND c.remind_at <= :now', { no: false, now: this.clock.now() })
      .getRawMany<{ questionId: string }>();
    return rows.map((r) => r.questionId);
  }

  // ---- policies -----------------------------------------------------------------------------

  async policyFor(m: EntityManager, priority: string): Promise<SlaPolicy> {
    const policy = (await m.findOneBy(SlaPolicy, { priority })) ?? (await m.findOneBy(SlaPolicy, { priority: 'normal' }));
    if (!policy) throw new Error('No SLA policy for priority "normal"; did the ServiceLevels migration run?');
    return policy;
  }

  async listPolicies(): Promise<SlaPolicyDto[]> {
    const rows = await this.db.manager.find(SlaPolicy, { order: { priority: 'ASC' } });
    return rows.map(toPolicyDto);
  }

  async getPolicy(priority: string): Promise<SlaPolicyDto> {
    const row = await this.db.manager.findOneBy(SlaPolicy, { priority });
    if (!row) throw new NotFoundError('SLA-norm', priority);
    return toPolicyDto(row);
  }

  /**
   * Changes the targets of a priority. Clocks still running move their due and reminder times (in a
   * background job); clocks that stopped keep the target they were judged by.
   */
  async updatePolicy(priority: string, input: UpdateSlaPolicyDto, actor: AuditActor): Promise<SlaPolicyDto> {
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw new NotFoundError('SLA-norm', priority);
    if (input.answerDays < input.firstResponseDays) {
      throw new InvalidInputError([{ name: 'answerDays', reason: 'mag niet korter zijn dan firstResponseDays' }]);
    }
    const now = this.clock.now();
    const row = await this.db.transaction(async (m) => {
      const before = await m.findOneBy(SlaPolicy, { priority });
      const values = {
        firstResponseDays: input.firstResponseDays,
        answerDays: input.answerDays,
        reminderPct: input.reminderPct ?? before?.reminderPct ?? 80,
        updatedAt: now,
        updatedBy: actor.actorId,
        recomputePending: true,
      };
      if (before) await m.update(SlaPolicy, { priority }, values);
      else await m.insert(SlaPolicy, { priority, ...values });
      await this.audit.record(actor, { action: 'sla.policy.update', objectType: 'sla_policy', objectId: priority, details: { before: before ? toPolicyDto(before) : null, after: { priority, ...input } } }, m);
      return m.findOneByOrFail(SlaPolicy, { priority });
    });
    await this.queue.enqueue(JobName.RecomputeSla, { scope: 'policy', key: priority }, { jobId: `policy:${priority}:${now.getTime()}` });
    return toPolicyDto(row);
  }
}

function toPolicyDto(row: SlaPolicy): SlaPolicyDto {
  return {
    priority: row.priority,
    firstResponseDays: row.firstResponseDays,
    answerDays: row.answerDays,
    reminderPct: row.reminderPct,
    updatedAt: row.updatedAt.toISOString(),
  };
}
