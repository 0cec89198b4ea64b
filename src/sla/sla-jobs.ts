import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { Clock, amsterdamMidnight, shiftDay } from '../common/clock.js';
import { userById } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, parseSqlTime } from '../infra/database/sql.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { questionById, questionIdsWithPriority, QuestionMails } from '../questions/index.js';
import { ClosuresService } from './closures.service.js';
import { CalendarClosure, QuestionSla, SlaPolicy } from './sla.entities.js';
import { SlaService, alarmOf } from './sla.service.js';
import { WorkingTimeTable } from './working-time.js';

/** Questions recomputed per transaction by the recompute job. */
const RECOMPUTE_CHUNK = 200;
/** Longest delay a timer can take (setTimeout / BullMQ). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** A question as the questions module's mails take it. */
type MailedQuestion = NonNullable<Awaited<ReturnType<typeof questionById>>>;

/** The clocks (alias s) a recompute pass covers, as an SQL condition with its values added to `p`. */
type ClockCondition = (p: SqlParams) => string;

/**
 * The time-driven side of service levels. Reminders and breach notices come from the due times
 * stored on question_sla (`alarm_at`), found by the reconciler, so a lost Redis or a restart loses
 * none; mails are idempotent by event key (`question:<id>:sla-reminder:<kind>:<round>`).
 */
@Injectable()
export class SlaJobs implements OnModuleInit {
  private readonly logger = new Logger(SlaJobs.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly sla: SlaService,
    private readonly closures: ClosuresService,
    private readonly questions: QuestionMails,
    private readonly queue: JobQueue,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.reconciler.register({ name: 'sla.clocks', findPending: (now) => this.findPending(now) });
  }

  async findPending(now: Date): Promise<PendingWork[]> {
    // Other processes may have changed closure days: take them over before timing anything.
    await this.closures.reload();
    const m = this.db.manager;
    const work: PendingWork[] = [];
    const due = await m.find(QuestionSla, { select: { questionId: true }, where: { alarmAt: LessThanOrEqual(now) }, order: { alarmAt: 'ASC' }, take: 1000 });
    for (const questionId of new Set(due.map((row) => row.questionId))) work.push({ job: JobName.SlaAlarm, payload: { questionId } });
    const closures = await m.find(CalendarClosure, { select: { day: true }, where: { recomputePending: true } });
    for (const c of closures) work.push({ job: JobName.RecomputeSla, payload: { scope: 'closure', key: c.day } });
    const policies = await m.find(SlaPolicy, { select: { priority: true }, where: { recomputePending: true } });
    for (const p of policies) work.push({ job: JobName.RecomputeSla, payload: { scope: 'policy', key: p.priority } });
    return work;
  }

  /** Reminder at 80 % to the expert (the coordinators while nobody is assigned); breach notice to the coordinators. */
  @JobHandler(JobName.SlaAlarm)
  async alarm({ questionId }: JobPayloads[JobName.SlaAlarm]): Promise<void> {
    await this.closures.reload();
    const now = this.clock.now();
    const { next } = await this.db.transaction(async (m) => {
      const clocks = await this.sla.recompute(m, questionId, { now });
      const q = await questionById(m, questionId);
      if (!q) return { next: null };
      for (const clock of clocks) {
        if (clock.stoppedAt || clock.pausedSince) continue;
        const tag = `${clock.kind}:${clock.round}`;
        const changes: Partial<QuestionSla> = {};
        if (clock.dueAt && clock.dueAt <= now && !clock.breachNotifiedAt) {
          const expert = q.assigneeId ? await userById(m, q.assigneeId) : null;
          await this.questions.mailCoordinators(m, q, 'sla-breached', `sla-breached:${tag}`, { deadline: clock.dueAt, expertName: expert?.displayName ?? null });
          changes.breachNotifiedAt = now;
          if (!clock.remindedAt) changes.remindedAt = now; // too late for a reminder
        } else if (clock.remindAt && clock.remindAt <= now && !clock.remindedAt && !clock.breachNotifiedAt) {
          await this.remind(m, q, clock, tag);
          changes.remindedAt = now;
        }
        if (Object.keys(changes).length === 0) continue;
        const updated = { ...clock, ...changes };
        await m.update(QuestionSla, { id: clock.id }, { ...changes, alarmAt: alarmOf(updated), updatedAt: now });
      }
      const rest = await m.find(QuestionSla, { select: { alarmAt: true }, where: { questionId } });
      const next = rest.map((r) => r.alarmAt).filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
      return { next };
    });
    // The next alarm of this question (e.g. the breach after the reminder); the reconciler covers it too.
    if (next && next > now) {
      await this.queue.enqueue(JobName.SlaAlarm, { questionId }, { delayMs: Math.min(next.getTime() - now.getTime() + 1000, MAX_DELAY_MS), jobId: `sla-alarm:${questionId}:${next.getTime()}` });
    }
  }

  private async remind(m: EntityManager, q: MailedQuestion, clock: QuestionSla, tag: string): Promise<string[]> {
    const expert = q.assigneeId ? await userById(m, q.assigneeId) : null;
    if (expert?.active) return [await this.questions.mailExpert(m, q, expert, 'sla-reminder', `sla-reminder:${tag}`, { deadline: clock.dueAt! })];
    return this.questions.mailCoordinators(m, q, 'sla-reminder', `sla-reminder:${tag}`, { deadline: clock.dueAt! });
  }

  /**
   * Re-measures the clocks a closure day or policy change affects, a chunk of questions per
   * transaction, then clears the pending mark — unless the day or policy changed again meanwhile.
   */
  @JobHandler(JobName.RecomputeSla)
  async recomputeAffected({ scope, key }: JobPayloads[JobName.RecomputeSla]): Promise<void> {
    let closureDays = (await this.closures.reload()).join(',');
    const m = this.db.manager;
    const now = this.clock.now();
    let marker: Date;
    let where: ClockCondition;
    let earliest: Date;
    if (scope === 'closure') {
      const row = await m.findOneBy(CalendarClosure, { day: key });
      if (!row || !row.recomputePending) return;
      marker = row.changedAt;
      const dayStart = amsterdamMidnight(key);
      const dayEnd = amsterdamMidnight(shiftDay(key, 1));
      where = (p) => `s.started_at < ${p.time(dayEnd)} AND (s.stopped_at IS NULL OR s.stopped_at > ${p.time(dayStart)})`;
      earliest = dayStart;
    } else {
      const row = await m.findOneBy(SlaPolicy, { priority: key });
      if (!row || !row.recomputePending) return;
      marker = row.updatedAt;
      // The clocks still running of the questions of this priority.
      where = (p) => `s.stopped_at IS NULL AND s.question_id IN ${questionIdsWithPriority(p, key)}`;
      const p = new SqlParams(this.db.kind);
      const [first] = (await m.query(`SELECT MIN(s.started_at) AS first FROM question_sla s WHERE ${where(p)}`, p.values)) as { first: unknown }[];
      earliest = first?.first ? parseSqlTime(first.first) : now;
    }
    let count = 0;
    // Measured with the closure days as they were when the pass started. Another change during the
    // pass (its own job may finish first) would be overwritten by this pass's older calendar, so
    // the pass runs again until the closure days held still throughout.
    for (;;) {
      count += await this.recomputePass(where, WorkingTimeTable.around(this.calendar, earliest, now), now);
      const current = (await this.closures.reload()).join(',');
      if (current === closureDays) break;
      closureDays = current;
    }
    if (scope === 'closure') {
      await this.db.transaction((tx) => tx.update(CalendarClosure, { day: key, changedAt: marker, recomputePending: true }, { recomputePending: false }));
      // A removed closure whose recompute is done has nothing left to say.
      await this.db.transaction((tx) => tx.delete(CalendarClosure, { day: key, deletedAt: LessThanOrEqual(now), recomputePending: false }));
    } else {
      await this.db.transaction((tx) => tx.update(SlaPolicy, { priority: key, updatedAt: marker, recomputePending: true }, { recomputePending: false }));
    }
    this.logger.log(`Recomputed the SLA clocks of ${count} question(s) after a ${scope} change (${key})`);
  }

  /** One pass over the affected questions' clocks, a chunk per transaction; returns how many questions. */
  private async recomputePass(where: ClockCondition, time: WorkingTimeTable, now: Date): Promise<number> {
    let after = '';
    let count = 0;
    for (;;) {
      const p = new SqlParams(this.db.kind);
      const sql = `SELECT DISTINCT s.question_id AS id FROM question_sla s WHERE ${where(p)} AND s.question_id > ${p.add(after)} ORDER BY s.question_id ASC LIMIT ${p.add(RECOMPUTE_CHUNK)}`;
      const ids = ((await this.db.manager.query(sql, p.values)) as { id: string }[]).map((r) => String(r.id));
      if (ids.length === 0) return count;
      await this.db.transaction(async (tx) => {
        for (const id of ids) await this.sla.recompute(tx, id, { time, now });
      });
      count += ids.length;
      after = ids.at(-1)!;
    }
  }
}
