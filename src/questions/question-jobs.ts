import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { ConflictError } from '../common/domain-errors.js';
import { AccountEvents, ExpertDirectory, unavailableOnSql } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, queryRows } from '../infra/database/sql.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { NotificationsService } from '../notifications/index.js';
import { acceptanceDue } from './acceptance.js';
import { Question } from './question.entities.js';
import { OPEN_LOAD_STATUSES, type QuestionStatus } from './question-vocabulary.js';
import { QuestionLifecycle } from './question-lifecycle.service.js';
import { QuestionMails } from './question-mails.js';
import { retryOnConflict } from './retry-on-conflict.js';

/**
 * The system's side of the lifecycle besides routing (routing/routing-jobs.ts): handover flags,
 * automatic closing and assignment reminders. Each handler reloads the question and checks its
 * state, so running twice (a retry, or the reconciler next to the original job) changes nothing
 * the second time.
 */
@Injectable()
export class QuestionJobs implements OnModuleInit {
  private readonly logger = new Logger(QuestionJobs.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly lifecycle: QuestionLifecycle,
    private readonly mails: QuestionMails,
    private readonly experts: ExpertDirectory,
    private readonly notifications: NotificationsService,
    private readonly queue: JobQueue,
    private readonly reconciler: Reconciler,
    private readonly accountEvents: AccountEvents,
  ) {}

  onModuleInit(): void {
    this.reconciler.register({ name: 'questions.lifecycle', findPending: (now) => this.findPending(now) });
    this.accountEvents.onAvailabilityChange(async ({ userId }) => {
      const open = await this.db.manager.find(Question, { select: { id: true, status: true }, where: { assigneeId: userId, status: In(OPEN_LOAD_STATUSES) } });
      for (const q of open) {
        const job = q.status === 'assigned' ? JobName.RouteQuestion : JobName.FlagHandover;
        await this.queue.enqueue(job, { questionId: q.id }, { jobId: `${job}:${q.id}:unavailable:${userId}` });
      }
    });
  }

  @JobHandler(JobName.FlagHandover)
  async flagHandover({ questionId }: JobPayloads[JobName.FlagHandover]): Promise<void> {
    const now = this.clock.now();
    await retryOnConflict(this.logger, () =>
      this.db.transaction(async (m) => {
        const q = await m.findOneBy(Question, { id: questionId });
        if (!q || q.needsHandover || !q.assigneeId || !['in_progress', 'awaiting_requester'].includes(q.status)) return [];
        if (!(await this.experts.isUnavailable(m, q.assigneeId, amsterdamDay(now)))) return [];
        const expert = await this.experts.person(m, q.assigneeId);
        const result = await m.update(Question, { id: q.id, version: q.version }, { needsHandover: true, version: q.version + 1, updatedAt: now });
        if (result.affected !== 1) throw new ConflictError('changed meanwhile', 'concurrent-change');
        const after = { ...q, needsHandover: true, version: q.version + 1, updatedAt: now };
        await this.lifecycle.addEvent(m, after, 'handover_needed', null, null, null, null, { expertId: q.assigneeId }, now);
        return this.mails.mailCoordinators(m, q, 'handover-needed', `handover:${q.assignmentCount}`, {
          expertName: expert?.displayName ?? null,
          reason: expert && !expert.active ? 'De expert is gedeactiveerd.' : 'De expert is afwezig.',
        });
      }),
    );
  }

  @JobHandler(JobName.AutoCloseQuestion)
  async autoClose({ questionId }: JobPayloads[JobName.AutoCloseQuestion]): Promise<void> {
    const now = this.clock.now();
    const q = await this.db.manager.findOneBy(Question, { id: questionId });
    if (!q || q.status !== 'answered' || !q.autoCloseAt) return;
    if (q.autoCloseAt > now) {
      // Too early (a job enqueued at answer time): wait for the due time; the reconciler also covers it.
      await this.queue.enqueue(JobName.AutoCloseQuestion, { questionId }, { delayMs: Math.min(q.autoCloseAt.getTime() - now.getTime(), 2 ** 31 - 1), jobId: `auto-close:${questionId}:${q.version}:due` });
      return;
    }
    await retryOnConflict(this.logger, () =>
      this.db.transaction(async (m) => {
        const fresh = await m.findOneBy(Question, { id: questionId });
        if (!fresh || fresh.status !== 'answered' || !fresh.autoCloseAt || fresh.autoCloseAt > now) return [];
        await this.lifecycle.apply(m, fresh, { to: 'closed', event: 'auto_closed', reason: `${10} werkdagen na het antwoord`, set: { closedAt: now, autoCloseAt: null } }, null, now);
        const mail = await this.mails.ratingRequest(m, fresh);
        return mail ? [mail] : [];
      }),
    );
  }

  @JobHandler(JobName.RemindAssignment)
  async remind(payload: JobPayloads[JobName.RemindAssignment]): Promise<void> {
    await this.db.transaction((m) => this.writeReminder(m, payload));
  }

  /**
   * The reminder mail(s) of an unaccepted assignment, inside the caller's transaction: stage 1 to
   * the expert, stage 2 to the coordinators; none when the question has moved on. Returns the
   * outbox ids (the commit dispatches them).
   */
  async writeReminder(m: EntityManager, { questionId, assignment, stage }: JobPayloads[JobName.RemindAssignment]): Promise<string[]> {
    const q = await m.findOneBy(Question, { id: questionId });
    if (!q || q.status !== 'assigned' || q.assignmentCount !== assignment || !q.assigneeId || !q.assignedAt) return [];
    const expert = await this.experts.person(m, q.assigneeId);
    if (!expert) return [];
    const data = { audience: 'expert' as const, expertName: expert.displayName, assignedAt: q.assignedAt, respondBefore: acceptanceDue(this.calendar, q.assignedAt) };
    if (stage === 1) return [await this.mails.mailExpert(m, q, expert, 'assignment-reminder', `reminder:${assignment}:1`, data)];
    return this.mails.mailCoordinators(m, q, 'assignment-reminder', `reminder:${assignment}:2`, { ...data, audience: 'coordinator' });
  }

  /**
   * Reminders of unaccepted assignments that are due by `now` and not written yet: at the
   * acceptance deadline to the expert, a working day later to the coordinators. `dueAt` is when
   * each became due.
   */
  async dueReminders(now: Date): Promise<{ payload: JobPayloads[JobName.RemindAssignment]; dueAt: Date }[]> {
    const due: { payload: JobPayloads[JobName.RemindAssignment]; dueAt: Date }[] = [];
    const waiting = await this.db.manager.find(Question, { select: { id: true, assignedAt: true, assignmentCount: true }, where: { status: 'assigned' }, take: 2000 });
    for (const q of waiting) {
      if (!q.assignedAt) continue;
      for (const stage of [1, 2] as const) {
        const dueAt = acceptanceDue(this.calendar, q.assignedAt, stage);
        if (dueAt > now) break;
        if (await this.notifications.hasEvent(`question:${q.id}:reminder:${q.assignmentCount}:${stage}`)) continue;
        due.push({ payload: { questionId: q.id, assignment: q.assignmentCount, stage }, dueAt });
      }
    }
    return due;
  }

  /** What the database says should have happened by now and has not. */
  async findPending(now: Date): Promise<PendingWork[]> {
    const m = this.db.manager;
    const today = amsterdamDay(now);
    const work: PendingWork[] = [];
    // A question submitted less than a reconcile interval ago may still have its routing job on its way.
    const unrouted = await m.find(Question, { select: { id: true }, where: { status: 'submitted', submittedAt: LessThanOrEqual(new Date(now.getTime() - this.reconciler.graceMs)) }, take: 1000 });
    for (const q of unrouted) work.push({ job: JobName.RouteQuestion, payload: { questionId: q.id } });

    // Open questions whose expert became unavailable (deactivated or absent today).
    const sql = new SqlParams(this.db.kind);
    const unavailableAssignee = await queryRows<{ id: string; status: QuestionStatus }>(
      m,
      `SELECT q.id, q.status FROM questions q WHERE q.status IN (${sql.list(OPEN_LOAD_STATUSES)}) AND ${unavailableOnSql(sql, 'q.assignee_id', today)} LIMIT 1000`,
      sql.values,
    );
    for (const q of unavailableAssignee) {
      if (q.status === 'assigned') work.push({ job: JobName.RouteQuestion, payload: { questionId: q.id } });
      else work.push({ job: JobName.FlagHandover, payload: { questionId: q.id } });
    }

    const dueCloses = await m.find(Question, { select: { id: true }, where: { status: 'answered', autoCloseAt: LessThanOrEqual(now) }, take: 1000 });
    for (const q of dueCloses) work.push({ job: JobName.AutoCloseQuestion, payload: { questionId: q.id } });

    for (const { payload } of await this.dueReminders(now)) work.push({ job: JobName.RemindAssignment, payload });
    return work;
  }
}
