import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Brackets, EntityManager, In, LessThanOrEqual } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { ConflictError } from '../common/domain-errors.js';
import { AccountEvents } from '../accounts/account-events.js';
import { User } from '../accounts/user.entity.js';
import { WorkingCalendar } from '../calendar/working-calendar.js';
import { Database } from '../infra/database/database.service.js';
import { Batcher } from '../common/batcher.js';
import { SqlParams, hydrate, placeholder, queryRows } from '../infra/database/sql.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RouterService } from './routing/router.service.js';
import { acceptanceDue } from './acceptance.js';
import { Question, QuestionEvent } from './question.entities.js';
import { QuestionsService } from './questions.service.js';

/**
 * The system's side of the lifecycle: routing, handover flags, automatic closing and
 * assignment reminders. Each handler reloads the question and checks its state, so running
 * twice (a retry, or the reconciler next to the original job) changes nothing the second time.
 */
@Injectable()
export class QuestionJobs implements OnModuleInit {
  private readonly logger = new Logger(QuestionJobs.name);
  /** Route jobs running at the same time, routed together. */
  private readonly routing = new Batcher<string, { error?: unknown }>((ids) => this.routeBatch(ids), 32);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly router: RouterService,
    private readonly questions: QuestionsService,
    private readonly notifications: NotificationsService,
    private readonly queue: JobQueue,
    private readonly reconciler: Reconciler,
    private readonly accountEvents: AccountEvents,
  ) {}

  onModuleInit(): void {
    this.reconciler.register({ name: 'questions.lifecycle', findPending: (now) => this.findPending(now) });
    this.accountEvents.onAvailabilityChange(async ({ userId }) => {
      const open = await this.db.manager.find(Question, { select: { id: true, status: true }, where: { assigneeId: userId, status: In(['assigned', 'in_progress', 'awaiting_requester']) } });
      for (const q of open) {
        const job = q.status === 'assigned' ? JobName.RouteQuestion : JobName.FlagHandover;
        await this.queue.enqueue(job, { questionId: q.id }, { jobId: `${job}:${q.id}:unavailable:${userId}` });
      }
    });
  }

  /** Is this expert unable to take work today (deactivated or absent)? */
  private async unavailable(m: EntityManager, userId: string, today: string): Promise<boolean> {
    const user = await m.findOneBy(User, { id: userId });
    if (!user || !user.active) return true;
    const absent = await m
      .createQueryBuilder()
      .select('1')
      .from('absences', 'a')
      .where('a.user_id = :userId AND a.starts_on <= :today AND a.ends_on >= :today', { userId, today })
      .getRawOne();
    return !!absent;
  }

  @JobHandler(JobName.RouteQuestion)
  async route({ questionId }: JobPayloads[JobName.RouteQuestion]): Promise<void> {
    const outcome = await this.routing.run(questionId);
    if (outcome.error !== undefined) throw outcome.error;
  }

  /**
   * Routes the questions whose jobs run at the same time: their first routings together in one
   * transaction (routeFirstTimes), everything else (re-routing, triage, a batch that hit a
   * concurrent change) one by one as `routeOne`. Each job gets its own question's outcome.
   */
  private async routeBatch(ids: string[]): Promise<{ error?: unknown }[]> {
    let handled = new Set<string>();
    try {
      ({ handled } = await this.db.transaction((m) => this.routeFirstTimes(m, [...new Set(ids)])));
    } catch (error) {
      if (!(error instanceof ConflictError)) this.logger.warn(`Routing ${ids.length} question(s) together failed, one by one now: ${(error as Error).message}`);
    }
    const outcomes = new Map<string, Promise<{ error?: unknown }>>();
    for (const id of ids) {
      if (handled.has(id) || outcomes.has(id)) continue;
      outcomes.set(id, this.routeOne(id).then(() => ({}), (error: unknown) => ({ error })));
    }
    return Promise.all(ids.map((id) => outcomes.get(id) ?? {}));
  }

  /**
   * First routings (a `submitted` question never assigned) decided one after another, each
   * counting the experts chosen before it in this batch, and written together
   * (QuestionsService.routeMany). Questions without a candidate are left to `routeOne` (triage).
   */
  private async routeFirstTimes(m: EntityManager, ids: string[]): Promise<{ handled: Set<string> }> {
    const now = this.clock.now();
    const today = amsterdamDay(now);
    const questions = await m.find(Question, { where: { id: In(ids) } });
    const pending = new Map<string, { count: number; at: string }>();
    const decided: { q: Question; expertId: string; note: Record<string, unknown> }[] = [];
    for (const q of ids.map((id) => questions.find((x) => x.id === id)).filter((q): q is Question => !!q)) {
      if (q.status !== 'submitted' || q.assignmentCount !== 0) continue;
      const decision = await this.router.decide(m, q.id, [], today, pending);
      if (!decision.chosen) continue;
      const expertId = decision.chosen.expertId;
      pending.set(expertId, { count: (pending.get(expertId)?.count ?? 0) + 1, at: now.toISOString() });
      decided.push({ q, expertId, note: decision.note });
    }
    if (decided.length === 0) return { handled: new Set() };
    // Take the experts' rows (row locks on PostgreSQL), then re-check capacity there: questions
    // routed elsewhere at the same time must not take an expert's last free places as well.
    const sql = new SqlParams(this.db.kind);
    const raws = await queryRows(m, `UPDATE users SET last_assigned_at = ${sql.add(now)} WHERE id IN (${sql.list([...pending.keys()])}) RETURNING *`, sql.values);
    const experts = new Map(raws.map((raw) => [String(raw.id), hydrate(m, User, raw)]));
    // SQLite runs write transactions one at a time, so the loads the router counted are exact.
    const loads = this.db.kind === 'sqlite' ? null : await this.router.openLoads(m, [...pending.keys()]);
    for (const [expertId, { count }] of pending) {
      const expert = experts.get(expertId);
      if (!expert) throw new Error(`expert ${expertId} vanished`);
      if (loads && expert.capacity !== null && (loads.get(expertId) ?? 0) + count > expert.capacity) throw new ConflictError('capacity taken meanwhile', 'concurrent-change');
    }
    await this.questions.routeMany(m, decided.map(({ q, expertId, note }) => ({ q, expert: experts.get(expertId)!, note })), now);
    return { handled: new Set(decided.map(({ q }) => q.id)) };
  }

  /** Routes (or re-routes) one question in a transaction of its own. */
  private async routeOne(questionId: string): Promise<void> {
    const now = this.clock.now();
    const today = amsterdamDay(now);
    await this.retryOnConflict(() =>
      this.db.transaction(async (m) => {
        const q = await m.findOneBy(Question, { id: questionId });
        if (!q) return [];
        const rerouting = q.status === 'assigned' && !!q.assigneeId && (await this.unavailable(m, q.assigneeId, today));
        if (q.status !== 'submitted' && !rerouting) return [];
        // Only an assigned question can have been declined: a first routing has nothing to read.
        const declined = q.assignmentCount === 0 ? [] : await m.find(QuestionEvent, { select: { details: true }, where: { questionId, type: 'declined' } });
        const exclude = [...new Set(declined.map((e) => String(e.details?.expertId)).concat(rerouting ? [q.assigneeId!] : []))];
        for (;;) {
          const decision = await this.router.decide(m, questionId, exclude, today);
          if (!decision.chosen) {
            await this.questions.apply(m, q, { to: 'triage', event: 'unroutable', details: decision.note, set: { routingNote: decision.note, assigneeId: null, assignedAt: null } }, null, now);
            return this.questions.mailCoordinators(m, q, 'question-unroutable', `unroutable:${q.version}`, { reason: 'Geen beschikbare expert met passende expertise.' });
          }
          // Take the expert's row (a row lock on PostgreSQL), then re-check capacity: two
          // questions routed at once must not both take an expert's last free place.
          const [raw] = await queryRows(m, `UPDATE users SET last_assigned_at = ${placeholder(m, 1)} WHERE id = ${placeholder(m, 2)} RETURNING *`, [now, decision.chosen.expertId]);
          if (!raw) throw new Error(`expert ${decision.chosen.expertId} vanished`);
          const expert = hydrate(m, User, raw);
          // SQLite runs write transactions one at a time, so the load the router just counted is
          // still exact; PostgreSQL counts again under the expert's row lock.
          const load =
            this.db.kind === 'sqlite' ? decision.chosen.openLoad : await m.count(Question, { where: { assigneeId: expert.id, status: In(['assigned', 'in_progress', 'awaiting_requester']) } });
          if (expert.capacity !== null && load >= expert.capacity) {
            exclude.push(expert.id);
            continue;
          }
          await this.questions.apply(
            m,
            q,
            {
              to: 'assigned',
              event: rerouting ? 'assigned' : 'routed',
              details: decision.note,
              set: { assigneeId: expert.id, assignedAt: now, assignmentCount: q.assignmentCount + 1, routingNote: decision.note, needsHandover: false },
            },
            null,
            now,
          );
          return [await this.questions.mailAssignment(m, q, expert)];
        }
      }),
    );
  }

  @JobHandler(JobName.FlagHandover)
  async flagHandover({ questionId }: JobPayloads[JobName.FlagHandover]): Promise<void> {
    const now = this.clock.now();
    await this.retryOnConflict(() =>
      this.db.transaction(async (m) => {
        const q = await m.findOneBy(Question, { id: questionId });
        if (!q || q.needsHandover || !q.assigneeId || !['in_progress', 'awaiting_requester'].includes(q.status)) return [];
        if (!(await this.unavailable(m, q.assigneeId, amsterdamDay(now)))) return [];
        const expert = await m.findOneBy(User, { id: q.assigneeId });
        const result = await m.update(Question, { id: q.id, version: q.version }, { needsHandover: true, version: q.version + 1, updatedAt: now });
        if (result.affected !== 1) throw new ConflictError('changed meanwhile', 'concurrent-change');
        await this.questions.addEvent(m, q.id, 'handover_needed', null, null, null, null, { expertId: q.assigneeId }, now);
        return this.questions.mailCoordinators(m, q, 'handover-needed', `handover:${q.assignmentCount}`, {
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
    await this.retryOnConflict(() =>
      this.db.transaction(async (m) => {
        const fresh = await m.findOneBy(Question, { id: questionId });
        if (!fresh || fresh.status !== 'answered' || !fresh.autoCloseAt || fresh.autoCloseAt > now) return [];
        await this.questions.apply(m, fresh, { to: 'closed', event: 'auto_closed', reason: `${10} werkdagen na het antwoord`, set: { closedAt: now, autoCloseAt: null } }, null, now);
        const mail = await this.questions.ratingRequest(m, fresh);
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
    const expert = await m.findOneBy(User, { id: q.assigneeId });
    if (!expert) return [];
    const data = { audience: 'expert' as const, expertName: expert.displayName, assignedAt: q.assignedAt, respondBefore: acceptanceDue(this.calendar, q.assignedAt) };
    if (stage === 1) return [await this.questions.mailExpert(m, q, expert, 'assignment-reminder', `reminder:${assignment}:1`, data)];
    return this.questions.mailCoordinators(m, q, 'assignment-reminder', `reminder:${assignment}:2`, { ...data, audience: 'coordinator' });
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

    const unavailableAssignee = m
      .createQueryBuilder(Question, 'q')
      .select(['q.id', 'q.status'])
      .innerJoin(User, 'u', 'u.id = q.assignee_id')
      .where('q.status IN (:...open)', { open: ['assigned', 'in_progress', 'awaiting_requester'] })
      .andWhere(
        new Brackets((w) =>
          w.where('u.active = :inactive', { inactive: false }).orWhere('EXISTS (SELECT 1 FROM absences a WHERE a.user_id = u.id AND a.starts_on <= :today AND a.ends_on >= :today)', { today }),
        ),
      )
      .take(1000);
    for (const q of await unavailableAssignee.getMany()) {
      if (q.status === 'assigned') work.push({ job: JobName.RouteQuestion, payload: { questionId: q.id } });
      else work.push({ job: JobName.FlagHandover, payload: { questionId: q.id } });
    }

    const dueCloses = await m.find(Question, { select: { id: true }, where: { status: 'answered', autoCloseAt: LessThanOrEqual(now) }, take: 1000 });
    for (const q of dueCloses) work.push({ job: JobName.AutoCloseQuestion, payload: { questionId: q.id } });

    for (const { payload } of await this.dueReminders(now)) work.push({ job: JobName.RemindAssignment, payload });
    return work;
  }

  /** A job that lost a race with a person acting at the same moment simply tries again. */
  private async retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof ConflictError) || i >= attempts) throw error;
        this.logger.debug(`retrying after a concurrent change (${i})`);
      }
    }
  }
}
