import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock, amsterdamDay } from '../common/clock.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { AuditActor } from '../audit/audit.service.js';
import { isStaff, type Principal } from '../accounts/principal.js';
import { User, hasRoleSql } from '../accounts/user.entity.js';
import { Keuze } from '../catalog/catalog.entities.js';
import { WorkingCalendar } from '../calendar/working-calendar.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, insertRows, queryRows } from '../infra/database/sql.js';
import { keuzeThemes, organisationFacts } from '../infra/database/static-data.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { TemplateData, TemplateName } from '../notifications/templates.js';
import type { NotifyInput } from '../notifications/notifications.service.js';
import { Batcher } from '../common/batcher.js';
import {
  FINAL_STATUSES,
  Question,
  QuestionEvent,
  QuestionEventType,
  QuestionKeuze,
  QuestionMessage,
  QuestionRating,
  QuestionStatus,
  QuestionAttachment,
} from './question.entities.js';
import {
  AnswerDto,
  PostMessageDto,
  QuestionDetailDto,
  QuestionDto,
  QuestionQuery,
  RateDto,
  RatingDto,
  ReferDto,
  SubmitQuestionDto,
} from './questions.dto.js';
import { allocateReferences, assignReferences, provisionalReference } from './reference.js';
import { acceptanceDue } from './acceptance.js';
import { QuestionHooks, type EventContext } from './question-hooks.js';
import { QuestionScope, seesAllQuestions, visibleQuestions } from './question-visibility.js';

const REOPEN_WINDOW_MS = 30 * 24 * 3_600_000;
export const AUTO_CLOSE_WORKING_DAYS = 10;
/** The longest a submission waits for room in the job queue (JOB_BACKLOG_LIMIT) before it goes ahead anyway. */
const INTAKE_MAX_WAIT_MS = 10_000;

const seesAll = seesAllQuestions;
/**
 * Staff working on the question (its assignee, coordinators, the secretariat) see internal
 * messages and event details; an expert who merely may read it (formerly assigned, or an answered
 * question in their keuzes) does not.
 */
const staffView = (p: Principal, q: Question) => isStaff(p) && (seesAll(p) || q.assigneeId === p.user.id);

/** A checked submission, waiting to be written with the others that arrive meanwhile. */
interface NewSubmission {
  question: Question;
  keuzes: { questionId: string; keuzeId: number; themeId: number }[];
  event: QuestionEvent;
  requester: Pick<User, 'id' | 'email' | 'displayName'>;
}

/** A submission's receipt mail once committed, or why it failed. */
type SubmissionOutcome = { written: true } | { error: unknown };

/** Submissions written in one transaction at most. */
const MAX_SUBMISSION_BATCH = 32;

const yearOf = (instant: Date) => Number(amsterdamDay(instant).slice(0, 4));

/** What an action does once its checks passed; applied in the same transaction. */
interface Change {
  to: QuestionStatus;
  event: QuestionEventType;
  reason?: string | null;
  details?: Record<string, unknown> | null;
  set?: Partial<Question>;
  /** Mails and messages written in the same transaction (its commit dispatches the mails). */
  also?: (m: EntityManager, q: Question) => Promise<void>;
  /** Jobs to enqueue after commit. */
  jobs?: (q: Question) => { name: JobName; payload: { questionId: string } }[];
}

/** The heart of Vraagbaak: intake, lifecycle, messages and ratings of questions. */
@Injectable()
export class QuestionsService {
  private readonly intake = new Batcher<NewSubmission, SubmissionOutcome>((batch) => this.writeSubmissions(batch), MAX_SUBMISSION_BATCH);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly calendar: WorkingCalendar,
    private readonly queue: JobQueue,
    private readonly notifications: NotificationsService,
    private readonly hooks: QuestionHooks,
  ) {}

  // ---- intake -------------------------------------------------------------------------

  async submit(principal: Principal, input: SubmitQuestionDto, actor: AuditActor): Promise<QuestionDetailDto> {
    // Under overload intake waits for the jobs (routing, mails) rather than outrun them.
    await this.queue.waitForRoom(INTAKE_MAX_WAIT_MS);
    const now = this.clock.now();
    const own = principal.user.organisationCode?.toUpperCase() ?? null;
    const organisationCode = (input.organisationCode ?? own ?? '').toUpperCase();
    // Catalog and organisations change only by migration: checked from memory (static-data.ts).
    const themes = await keuzeThemes(this.db.manager);
    const unknown = input.keuzeIds.map((id, index) => ({ id, index })).filter(({ id }) => !themes.has(id));
    if (unknown.length) throw new InvalidInputError(unknown.map(({ id, index }) => ({ name: `keuzeIds[${index}]`, reason: `keuze ${id} bestaat niet` })));
    if (!own) throw new InvalidInputError([{ name: 'organisationCode', reason: 'uw account is niet aan een organisatie gekoppeld; vraag het secretariaat dat te doen' }]);
    // A requester asks on behalf of their own organisation, the one the secretariat linked to their account.
    if (organisationCode !== own) {
      throw new InvalidInputError([{ name: 'organisationCode', reason: `u kunt alleen vragen stellen namens uw eigen organisatie (${own})` }]);
    }
    if (!(await organisationFacts(this.db.manager, organisationCode))) {
      throw new InvalidInputError([{ name: 'organisationCode', reason: `organisatie ${organisationCode} bestaat niet` }]);
    }
    const id = randomUUID();
    const question = this.db.manager.create(Question, {
      id,
      reference: provisionalReference(id),
      title: input.title,
      body: input.body,
      context: input.context || null,
      organisationCode,
      requesterId: principal.user.id,
      status: 'submitted',
      priority: 'normal',
      assigneeId: null,
      desiredAnswerDate: input.desiredAnswerDate ?? null,
      routingNote: null,
      assignmentCount: 0,
      needsHandover: false,
      answerBody: null,
      referredTo: null,
      reopenCount: 0,
      suggestionId: input.suggestionId ?? null,
      consentToNameOrganisation: false,
      submittedAt: now,
      assignedAt: null,
      answeredAt: null,
      closedAt: null,
      autoCloseAt: null,
      updatedAt: now,
      version: 1,
    });
    const keuzes = [...new Set(input.keuzeIds)].sort((a, b) => a - b).map((keuzeId) => ({ questionId: id, keuzeId, themeId: themes.get(keuzeId)! }));
    const event: QuestionEvent = { id: randomUUID(), questionId: id, type: 'submitted', actorId: actor.actorId, fromStatus: null, toStatus: 'submitted', reason: null, details: null, occurredAt: now };
    // Written together with the submissions that arrive meanwhile (see writeSubmissions); the
    // 201 goes out only after the commit.
    const outcome = await this.intake.run({ question, keuzes, event, requester: principal.user });
    if ('error' in outcome) throw outcome.error;
    await this.queue.enqueue(JobName.RouteQuestion, { questionId: question.id }, { jobId: `route:${question.id}:0` });
    // The question as committed, from what was just written rather than read back (an actor
    // other than the caller is rare: then the names come from the database).
    if (event.actorId !== null && event.actorId !== principal.user.id) return this.get(principal, question.id);
    const people = new Map([[principal.user.id, principal.user.displayName]]);
    return this.detailOf(principal, question, keuzes, people, [event], [], [], null);
  }

  /**
   * Writes the submissions that arrived together in one transaction, with one multi-row insert
   * per table (≈ 12 statements for the batch instead of ≈ 14 per question: the one SQLite write
   * connection, or the reference counter's row lock on PostgreSQL, sets the pace of intake). When
   * the batch fails, each submission is written on its own, so only a failing one fails.
   */
  private async writeSubmissions(batch: NewSubmission[]): Promise<SubmissionOutcome[]> {
    if (batch.length > 1) {
      try {
        await this.db.transaction((m) => this.insertSubmissions(m, batch));
        return batch.map(() => ({ written: true as const }));
      } catch {
        // One of them failed; which one is found below.
      }
    }
    return Promise.all(
      batch.map((submission) =>
        this.db.transaction((m) => this.insertSubmissions(m, [submission])).then(
          () => ({ written: true as const }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
  }

  /** Inserts the submissions and their receipt mails (in the caller's transaction, whose commit dispatches the mails). */
  private async insertSubmissions(m: EntityManager, batch: NewSubmission[]): Promise<void> {
    const questions = batch.map((s) => s.question);
    /** Gives the questions their references, per year of submission, from `take`. */
    const number = async (take: (year: number, ofYear: Question[]) => Promise<string[]>) => {
      for (const year of new Set(questions.map((q) => yearOf(q.submittedAt)))) {
        const ofYear = questions.filter((q) => yearOf(q.submittedAt) === year);
        const references = await take(year, ofYear);
        ofYear.forEach((q, i) => (q.reference = references[i]));
      }
    };
    // SQLite runs write transactions one at a time: the references are taken at once and inserted
    // with the questions. PostgreSQL takes them last (see below) and holds placeholders until then.
    const referenceFirst = this.db.kind === 'sqlite';
    for (const q of questions) q.reference = provisionalReference(q.id); // also when written again after a failed batch
    if (referenceFirst) await number((year, ofYear) => allocateReferences(m, year, ofYear.length));
    await insertRows(m, Question, questions);
    await insertRows(m, QuestionKeuze, batch.flatMap((s) => s.keuzes));
    await insertRows(m, QuestionEvent, batch.map((s) => s.event));
    await this.hooks.afterEvents(m, batch.map((s) => ({ event: s.event, context: { question: s.question, keuzes: s.keuzes } })));
    for (const q of questions) await this.hooks.afterSubmit(m, q);
    // On PostgreSQL the year's next references come last: the counter row stays locked from here
    // until the commit, so other submissions wait for these — only the statements below, not the
    // whole intake with its event hooks (docs/benchmarks.md, "Intake").
    if (!referenceFirst) await number((year, ofYear) => assignReferences(m, year, ofYear.map((q) => q.id)));
    await this.notifications.notifyMany(
      m,
      batch.map((s) => this.requesterMail(s.question, 'question-received', 'received', {}, s.requester)),
    );
  }

  // ---- reading ------------------------------------------------------------------------

  async list(principal: Principal, query: QuestionQuery): Promise<Page<QuestionDto>> {
    if (query.q !== undefined) {
      if (!isStaff(principal)) throw new ForbiddenError('Zoeken in vragen is alleen voor medewerkers van de taskforce.');
      return this.hooks.search(principal, query, (rows) => this.toDtos(principal, rows), this.visibility(principal));
    }
    const qb = this.db.manager.createQueryBuilder(Question, 'q');
    this.scope(qb, principal);
    if (query.status) qb.andWhere('q.status = :status', { status: query.status });
    if (query.organisationCode) qb.andWhere('q.organisation_code = :org', { org: query.organisationCode.toUpperCase() });
    if (query.assignee === 'me') qb.andWhere('q.assignee_id = :me', { me: principal.user.id });
    if (query.keuzeId) qb.andWhere('EXISTS (SELECT 1 FROM question_keuzes fk WHERE fk.question_id = q.id AND fk.keuze_id = :keuzeId)', { keuzeId: query.keuzeId });
    if (query.themeId) qb.andWhere('EXISTS (SELECT 1 FROM question_keuzes ft WHERE ft.question_id = q.id AND ft.theme_id = :themeId)', { themeId: query.themeId });
    qb.orderBy('q.submitted_at', 'DESC').addOrderBy('q.id', 'DESC').offset(query.offset).limit(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return pageOf(await this.toDtos(principal, rows), total, query);
  }

  /** The questions the caller may see, as an SQL condition: the one rule of question-visibility.ts. */
  visibility(principal: Principal): QuestionScope {
    return visibleQuestions(principal, this.config.expertVisibility);
  }

  /** Limits a query over `questions` (under `alias`) to what the caller may see (visibility). */
  scope(qb: ReturnType<EntityManager['createQueryBuilder']>, principal: Principal, alias = 'q'): void {
    const parameters: Record<string, unknown> = {};
    const bind = (value: unknown) => {
      const name = `visibility${Object.keys(parameters).length}`;
      parameters[name] = value;
      return `:${name}`;
    };
    const condition = this.visibility(principal)(alias, bind);
    if (condition !== null) qb.andWhere(condition, parameters);
  }

  /**
   * One question as the caller may see it. `justActed`: the caller has just changed it and may
   * have lost sight of it by doing so (an expert who declined); they still get the result.
   */
  async get(principal: Principal, id: string, justActed = false): Promise<QuestionDetailDto> {
    const q = justActed ? await this.db.manager.findOneByOrFail(Question, { id }) : await this.findVisible(this.db.manager, principal, id);
    const staff = staffView(principal, q);
    const m = this.db.manager;
    const keuzes = await m.find(QuestionKeuze, { where: { questionId: id }, order: { keuzeId: 'ASC' } });
    const [events, messages, attachments, rating] = await Promise.all([
      m.find(QuestionEvent, { where: { questionId: id }, order: { occurredAt: 'ASC', id: 'ASC' } }),
      m.find(QuestionMessage, { where: staff ? { questionId: id } : { questionId: id, internal: false }, order: { createdAt: 'ASC', id: 'ASC' } }),
      m.find(QuestionAttachment, { where: { questionId: id }, order: { createdAt: 'ASC' } }),
      m.findOneBy(QuestionRating, { questionId: id }),
    ]);
    const people = await this.people(m, [q.requesterId, q.assigneeId, ...events.map((e) => e.actorId), ...messages.map((x) => x.authorId)]);
    return this.detailOf(principal, q, keuzes, people, events, messages, attachments, rating);
  }

  /** The detail view of a question from its parts (keuzes ordered by id, events and messages oldest first). */
  private detailOf(
    principal: Principal,
    q: Question,
    keuzes: Pick<QuestionKeuze, 'keuzeId' | 'themeId'>[],
    people: Map<string, string>,
    events: QuestionEvent[],
    messages: QuestionMessage[],
    attachments: QuestionAttachment[],
    rating: QuestionRating | null,
  ): QuestionDetailDto {
    const staff = staffView(principal, q);
    const dto = this.toDto(principal, q, keuzes, people);
    const person = (userId: string | null) => (userId ? { id: userId, displayName: people.get(userId) ?? 'Onbekend' } : null);
    return {
      ...dto,
      timeline: events.map((e) => ({
        id: e.id,
        type: e.type,
        actor: person(e.actorId),
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        reason: e.reason,
        ...(staff ? { details: e.details } : {}),
        occurredAt: e.occurredAt.toISOString(),
      })),
      messages: messages.map((x) => ({ id: x.id, author: person(x.authorId)!, body: x.body, internal: x.internal, createdAt: x.createdAt.toISOString() })),
      attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, createdAt: a.createdAt.toISOString() })),
      rating: rating ? { score: rating.score, comment: rating.comment, createdAt: rating.createdAt.toISOString() } : null,
    };
  }

  /** One question, if the caller may see it (visibility); otherwise 404. */
  async findVisible(m: EntityManager, principal: Principal, id: string): Promise<Question> {
    const qb = m.createQueryBuilder(Question, 'q').where('q.id = :id', { id });
    this.scope(qb, principal);
    const q = await qb.getOne();
    // Not 403: nobody may learn that a question they cannot see exists.
    if (!q) throw new NotFoundError('Vraag', id);
    return q;
  }

  async toDtos(principal: Principal, rows: Question[]): Promise<QuestionDto[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((q) => q.id);
    const keuzes = await this.db.manager.find(QuestionKeuze, { where: { questionId: In(ids) }, order: { keuzeId: 'ASC' } });
    const people = await this.people(this.db.manager, rows.flatMap((q) => [q.requesterId, q.assigneeId]));
    return rows.map((q) => this.toDto(principal, q, keuzes.filter((k) => k.questionId === q.id), people));
  }

  /** One question as the caller may see it in a list; `own`: its keuzes ordered by id. */
  private toDto(principal: Principal, q: Question, own: Pick<QuestionKeuze, 'keuzeId' | 'themeId'>[], people: Map<string, string>): QuestionDto {
      const coordinatorView = seesAll(principal);
      const staffView = isStaff(principal) && (coordinatorView || q.assigneeId === principal.user.id);
      return {
        id: q.id,
        reference: q.reference,
        title: q.title,
        body: q.body,
        context: q.context,
        status: q.status,
        priority: q.priority,
        keuzeIds: own.map((k) => k.keuzeId),
        themeIds: [...new Set(own.map((k) => k.themeId))].sort((a, b) => a - b),
        organisationCode: q.organisationCode,
        requester: { id: q.requesterId, displayName: people.get(q.requesterId) ?? 'Onbekend' },
        assignee: q.assigneeId ? { id: q.assigneeId, displayName: people.get(q.assigneeId) ?? 'Onbekend' } : null,
        desiredAnswerDate: q.desiredAnswerDate,
        answer: q.answerBody,
        referredTo: q.referredTo,
        reopenCount: q.reopenCount,
        submittedAt: q.submittedAt.toISOString(),
        assignedAt: q.assignedAt?.toISOString() ?? null,
        answeredAt: q.answeredAt?.toISOString() ?? null,
        closedAt: q.closedAt?.toISOString() ?? null,
        updatedAt: q.updatedAt.toISOString(),
        autoCloseAt: q.autoCloseAt?.toISOString() ?? null,
        ...(staffView ? { needsHandover: q.needsHandover } : {}),
        ...(coordinatorView ? { routingNote: q.routingNote } : {}),
      };
  }

  private async people(m: EntityManager, ids: (string | null)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((id): id is string => !!id))];
    if (!unique.length) return new Map();
    const users = await m.find(User, { select: { id: true, displayName: true }, where: { id: In(unique) } });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /**
   * Applies one action: loads the question, checks who may act and from which status, then
   * writes the change conditionally on the version it read, so of two people acting at once
   * exactly one wins and the other gets 409.
   */
  private async act(
    principal: Principal,
    id: string,
    action: string,
    from: readonly QuestionStatus[],
    mayAct: (q: Question) => boolean,
    decide: (q: Question, m: EntityManager) => Change | Promise<Change>,
  ): Promise<QuestionDetailDto> {
    const now = this.clock.now();
    const { q, jobs } = await this.db.transaction(async (m) => {
      const q = await this.findVisible(m, principal, id);
      if (!mayAct(q)) throw new ForbiddenError(`U mag "${action}" niet uitvoeren op deze vraag.`);
      if (!from.includes(q.status)) {
        throw new ConflictError(`"${action}" kan niet bij een vraag met status ${q.status}.`, 'invalid-transition');
      }
      const change = await decide(q, m);
      await this.apply(m, q, change, principal.user.id, now);
      await change.also?.(m, q);
      return { q, jobs: change.jobs?.(q) ?? [] };
    });
    for (const job of jobs) await this.queue.enqueue(job.name, job.payload as never, { jobId: `${job.name}:${q.id}:${q.version}` });
    return this.get(principal, id, true);
  }

  /** Writes a change guarded by the version read; shared by user actions and jobs. */
  async apply(m: EntityManager, q: Question, change: Pick<Change, 'to' | 'event' | 'reason' | 'details' | 'set'>, actorId: string | null, now: Date): Promise<void> {
    const set = { ...change.set, status: change.to, updatedAt: now, version: q.version + 1 };
    const result = await m.update(Question, { id: q.id, version: q.version }, set);
    if (result.affected !== 1) throw new ConflictError('Iemand anders heeft deze vraag net gewijzigd; laad haar opnieuw.', 'concurrent-change');
    const from = q.status;
    Object.assign(q, set);
    await this.addEvent(m, q.id, change.event, actorId, from, change.to, change.reason ?? null, change.details ?? null, now, { question: q });
  }

  /**
   * First routings decided together (QuestionJobs.route): `apply` of `submitted` → `assigned` for
   * each, guarded by the version read, with one UPDATE, one insert of the `routed` events, the
   * event hooks for all of them and one insert of the assignment mails. Throws ConflictError when
   * any question changed meanwhile (the caller then routes them one by one). Returns the mail ids.
   */
  async routeMany(m: EntityManager, routed: { q: Question; expert: User; note: Record<string, unknown> }[], now: Date): Promise<string[]> {
    const sql = new SqlParams(this.db.kind);
    const noteColumn = m.connection.getMetadata(Question).findColumnWithPropertyName('routingNote')!;
    const assignee = sql.caseOf('id', routed.map((r) => [r.q.id, r.expert.id]));
    const note = sql.caseOf('id', routed.map((r) => [r.q.id, m.connection.driver.preparePersistentValue(r.note, noteColumn)]));
    const guard = routed.map((r) => `(id = ${sql.add(r.q.id)} AND version = ${sql.add(r.q.version)} AND status = 'submitted')`).join(' OR ');
    const at = sql.add(now);
    const updated = await queryRows(
      m,
      `UPDATE questions SET status = 'assigned', assignee_id = ${assignee}, assigned_at = ${at}, assignment_count = assignment_count + 1,
         routing_note = ${note}, needs_handover = ${sql.add(false)}, updated_at = ${at}, version = version + 1
       WHERE ${guard} RETURNING id`,
      sql.values,
    );
    if (updated.length !== routed.length) throw new ConflictError('Iemand anders heeft deze vraag net gewijzigd; laad haar opnieuw.', 'concurrent-change');
    const events: { event: QuestionEvent; context: EventContext }[] = [];
    for (const { q, expert, note } of routed) {
      const from = q.status;
      Object.assign(q, { status: 'assigned', assigneeId: expert.id, assignedAt: now, assignmentCount: q.assignmentCount + 1, routingNote: note, needsHandover: false, updatedAt: now, version: q.version + 1 });
      const event: QuestionEvent = { id: randomUUID(), questionId: q.id, type: 'routed', actorId: null, fromStatus: from, toStatus: 'assigned', reason: null, details: note, occurredAt: now };
      events.push({ event, context: { question: q } });
    }
    await insertRows(m, QuestionEvent, events.map((e) => e.event));
    await this.hooks.afterEvents(m, events);
    const inputs: NotifyInput[] = [];
    for (const { q, expert } of routed) inputs.push(await this.assignmentMail(m, q, expert));
    return this.notifications.notifyMany(m, inputs);
  }

  async addEvent(
    m: EntityManager,
    questionId: string,
    type: QuestionEventType,
    actorId: string | null,
    fromStatus: QuestionStatus | null,
    toStatus: QuestionStatus | null,
    reason: string | null,
    details: Record<string, unknown> | null,
    occurredAt: Date,
    context: EventContext = {},
  ): Promise<QuestionEvent> {
    const event: QuestionEvent = { id: randomUUID(), questionId, type, actorId, fromStatus, toStatus, reason, details, occurredAt };
    await insertRows(m, QuestionEvent, [event]);
    await this.hooks.afterEvent(m, event, context);
    return event;
  }

  private isAssignee = (principal: Principal) => (q: Question) => q.assigneeId === principal.user.id && principal.user.roles.includes('expert');
  private isRequester = (principal: Principal) => (q: Question) => q.requesterId === principal.user.id;

  accept(principal: Principal, id: string) {
    return this.act(principal, id, 'accepteren', ['assigned'], this.isAssignee(principal), () => ({ to: 'in_progress', event: 'accepted' }));
  }

  decline(principal: Principal, id: string, reason: string) {
    return this.act(principal, id, 'afwijzen', ['assigned'], this.isAssignee(principal), (q) => ({
      to: 'submitted',
      event: 'declined',
      reason,
      details: { expertId: q.assigneeId },
      set: { assigneeId: null, assignedAt: null },
      jobs: (after) => [{ name: JobName.RouteQuestion, payload: { questionId: after.id } }],
    }));
  }

  assign(principal: Principal, id: string, expertId: string) {
    return this.act(
      principal,
      id,
      'toewijzen',
      ['submitted', 'triage', 'assigned', 'in_progress'],
      () => principal.user.roles.includes('coordinator'),
      async (q, m) => {
        const expert = await m.findOneBy(User, { id: expertId });
        if (!expert || !expert.active || !expert.roles.includes('expert')) {
          throw new InvalidInputError([{ name: 'expertId', reason: 'is geen actieve expert' }]);
        }
        const assignment = q.assignmentCount + 1;
        await m.update(User, { id: expertId }, { lastAssignedAt: this.clock.now() });
        return {
          to: 'assigned',
          event: 'assigned',
          details: { expertId, by: 'coordinator', previousAssigneeId: q.assigneeId },
          set: { assigneeId: expertId, assignedAt: this.clock.now(), assignmentCount: assignment, needsHandover: false },
          also: async (mm, after) => {
            await this.mailAssignment(mm, after, expert);
          },
        };
      },
    );
  }

  requestClarification(principal: Principal, id: string, message: string) {
    return this.act(principal, id, 'om verduidelijking vragen', ['in_progress'], this.isAssignee(principal), () => ({
      to: 'awaiting_requester',
      event: 'clarification_requested',
      reason: message,
      also: async (m, q) => {
        await this.insertMessage(m, q.id, principal.user.id, message, false);
        await this.mailRequester(m, q, 'clarification-requested', `clarification:${q.version}`, { message, expertName: principal.user.displayName });
      },
    }));
  }

  answer(principal: Principal, id: string, input: AnswerDto) {
    return this.act(principal, id, 'beantwoorden', ['in_progress'], this.isAssignee(principal), async (q, m) => {
      const now = this.clock.now();
      if (input.articleIds?.length) await this.hooks.validateArticles(m, input.articleIds);
      return {
        to: 'answered',
        event: 'answered',
        details: input.articleIds?.length ? { articleIds: input.articleIds } : null,
        set: { answerBody: input.body, answeredAt: now, autoCloseAt: this.calendar.addWorkingDays(now, AUTO_CLOSE_WORKING_DAYS) },
        also: async (mm, after) => {
          if (input.articleIds?.length) await this.hooks.recordReuse(mm, after.id, input.articleIds);
          const link = this.link(after.id);
          await this.mailRequester(mm, after, 'question-answered', `answered:${after.version}`, {
            expertName: principal.user.displayName,
            answer: input.body,
            confirmLink: `${link}#bevestigen`,
            reopenLink: `${link}#heropenen`,
            rateLink: `${link}#beoordelen`,
          });
        },
        jobs: (after) => [{ name: JobName.AutoCloseQuestion, payload: { questionId: after.id } }],
      };
    });
  }

  confirm(principal: Principal, id: string, consent: boolean | undefined) {
    return this.act(principal, id, 'bevestigen', ['answered'], this.isRequester(principal), () => ({
      to: 'closed',
      event: 'confirmed',
      set: { closedAt: this.clock.now(), autoCloseAt: null, ...(consent !== undefined ? { consentToNameOrganisation: consent } : {}) },
      also: async (m, q) => {
        await this.ratingRequest(m, q);
      },
    }));
  }

  /** Whether a requester may still reopen the question: answered or closed, within 30 days of the answer. */
  mayReopen(q: { status: QuestionStatus; answeredAt: Date | string | null }): boolean {
    if (!['answered', 'closed'].includes(q.status) || !q.answeredAt) return false;
    return this.clock.now().getTime() - new Date(q.answeredAt).getTime() <= REOPEN_WINDOW_MS;
  }

  reopen(principal: Principal, id: string, reason: string) {
    return this.act(principal, id, 'heropenen', ['answered', 'closed'], this.isRequester(principal), (q) => {
      if (!this.mayReopen(q)) {
        throw new ConflictError('Een vraag kan tot 30 dagen na het antwoord worden heropend; stel gerust een nieuwe vraag.', 'reopen-window-passed');
      }
      return {
        to: 'in_progress',
        event: 'reopened',
        reason,
        set: { closedAt: null, autoCloseAt: null, reopenCount: q.reopenCount + 1 },
        also: async (m, after) => {
          await this.insertMessage(m, after.id, principal.user.id, reason, false);
          const expert = after.assigneeId ? await m.findOneBy(User, { id: after.assigneeId }) : null;
          if (expert) await this.mailExpert(m, after, expert, 'requester-replied', `reopened:${after.version}`, { message: reason, requesterName: principal.user.displayName });
        },
      };
    });
  }

  refer(principal: Principal, id: string, input: ReferDto) {
    return this.act(
      principal,
      id,
      'doorverwijzen',
      ['triage', 'assigned', 'in_progress'],
      (q) => this.isAssignee(principal)(q) || principal.user.roles.includes('coordinator'),
      () => ({
        to: 'referred',
        event: 'referred',
        reason: input.reason,
        details: { to: input.to },
        set: { referredTo: input.to, closedAt: this.clock.now(), autoCloseAt: null },
        also: async (m, q) => {
          await this.mailRequester(m, q, 'question-referred', `referred:${q.version}`, { to: input.to, reason: input.reason });
        },
      }),
    );
  }

  withdraw(principal: Principal, id: string) {
    return this.act(
      principal,
      id,
      'intrekken',
      ['submitted', 'triage', 'assigned', 'in_progress', 'awaiting_requester'],
      this.isRequester(principal),
      () => ({ to: 'withdrawn', event: 'withdrawn', set: { closedAt: this.clock.now(), autoCloseAt: null } }),
    );
  }

  /** A message; a requester's reply to a clarification request puts the question back in progress. */
  async postMessage(principal: Principal, id: string, input: PostMessageDto): Promise<QuestionDetailDto> {
    const internal = input.internal === true;
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const q = await this.findVisible(m, principal, id);
      const isOwner = q.requesterId === principal.user.id;
      const staffOnQuestion = seesAll(principal) || q.assigneeId === principal.user.id;
      if (internal && !staffOnQuestion) throw new ForbiddenError('Alleen medewerkers van de taskforce kunnen interne notities maken.');
      if (!isOwner && !staffOnQuestion) throw new ForbiddenError('Alleen de vraagsteller en wie de vraag behandelt kunnen berichten plaatsen.');
      if ((FINAL_STATUSES as string[]).includes(q.status)) throw new ConflictError(`Bij een vraag met status ${q.status} kunnen geen berichten meer worden geplaatst.`, 'invalid-transition');
      await this.insertMessage(m, q.id, principal.user.id, input.body, internal);
      if (isOwner && !internal) {
        if (q.status === 'awaiting_requester') {
          await this.apply(m, q, { to: 'in_progress', event: 'requester_replied', reason: null }, principal.user.id, now);
        }
        const expert = q.assigneeId ? await m.findOneBy(User, { id: q.assigneeId }) : null;
        if (expert) await this.mailExpert(m, q, expert, 'requester-replied', `reply:${randomUUID()}`, { message: input.body, requesterName: principal.user.displayName });
      }
    });
    return this.get(principal, id);
  }

  async rate(principal: Principal, id: string, input: RateDto): Promise<RatingDto> {
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new InvalidInputError([{ name: 'score', reason: 'moet 1 tot en met 5 zijn' }]);
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const q = await this.findVisible(m, principal, id);
      if (q.requesterId !== principal.user.id) throw new ForbiddenError('Alleen de vraagsteller kan een antwoord beoordelen.');
      if (!q.answeredAt) throw new ConflictError('Een vraag kan pas na het antwoord worden beoordeeld.', 'invalid-transition');
      if (await m.existsBy(QuestionRating, { questionId: id })) throw new ConflictError('U hebt deze vraag al beoordeeld.', 'already-rated');
      await m.insert(QuestionRating, { questionId: id, score: input.score, comment: input.comment || null, createdAt: now });
      if (input.consentToNameOrganisation !== undefined) {
        await m.update(Question, { id }, { consentToNameOrganisation: input.consentToNameOrganisation });
      }
      await this.addEvent(m, id, 'rated', principal.user.id, null, null, null, { score: input.score }, now);
      return { score: input.score, comment: input.comment || null, createdAt: now.toISOString() };
    });
  }

  async setPriority(principal: Principal, id: string, priority: Question['priority']): Promise<QuestionDetailDto> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const q = await this.findVisible(m, principal, id);
      if (q.priority === priority) return;
      const result = await m.update(Question, { id, version: q.version }, { priority, version: q.version + 1, updatedAt: now });
      if (result.affected !== 1) throw new ConflictError('Iemand anders heeft deze vraag net gewijzigd; laad haar opnieuw.', 'concurrent-change');
      await this.addEvent(m, id, 'priority_changed', principal.user.id, null, null, null, { from: q.priority, to: priority }, now);
      await this.hooks.afterPriorityChange(m, { ...q, priority, version: q.version + 1 }, now);
    });
    return this.get(principal, id);
  }

  async insertMessage(m: EntityManager, questionId: string, authorId: string, body: string, internal: boolean): Promise<void> {
    await m.insert(QuestionMessage, { id: randomUUID(), questionId, authorId, body, internal, createdAt: this.clock.now() });
  }

  // ---- mails --------------------------------------------------------------------------

  /** The page people open from a mail (`/vragen/<id>`), with the actions open to them. */
  link(questionId: string): string {
    return `${this.config.publicUrl}/vragen/${questionId}`;
  }

  private base(q: Question, name: string) {
    return { reference: q.reference, title: q.title, link: this.link(q.id), name };
  }

  /** `requester`: the requester's user when the caller has it at hand (the submitting principal). */
  async mailRequester<T extends TemplateName>(
    m: EntityManager,
    q: Question,
    template: T,
    event: string,
    data: Partial<TemplateData[T]>,
    requester?: Pick<User, 'id' | 'email' | 'displayName'>,
  ): Promise<string> {
    if (requester?.id !== q.requesterId) requester = await m.findOneByOrFail(User, { id: q.requesterId });
    return this.notifications.notify(m, this.requesterMail(q, template, event, data, requester));
  }

  private requesterMail<T extends TemplateName>(
    q: Question,
    template: T,
    event: string,
    data: Partial<TemplateData[T]>,
    requester: Pick<User, 'id' | 'email' | 'displayName'>,
  ): NotifyInput<T> {
    return {
      eventKey: `question:${q.id}:${event}`,
      recipient: { email: requester.email, userId: requester.id },
      template,
      data: { ...this.base(q, requester.displayName), ...data } as TemplateData[T],
    };
  }

  async mailExpert<T extends TemplateName>(m: EntityManager, q: Question, expert: User, template: T, event: string, data: Partial<TemplateData[T]>): Promise<string> {
    return this.notifications.notify(m, this.expertMail(q, expert, template, event, data));
  }

  private expertMail<T extends TemplateName>(q: Question, expert: User, template: T, event: string, data: Partial<TemplateData[T]>): NotifyInput<T> {
    return {
      eventKey: `question:${q.id}:${event}`,
      recipient: { email: expert.email, userId: expert.id },
      template,
      data: { ...this.base(q, expert.displayName), ...data } as TemplateData[T],
      digest: expert.mailPreference === 'daily',
    };
  }

  async mailCoordinators<T extends TemplateName>(m: EntityManager, q: Question, template: T, event: string, data: Partial<TemplateData[T]>): Promise<string[]> {
    const coordinators = await m
      .createQueryBuilder(User, 'u')
      .where('u.active = :active', { active: true })
      .andWhere(hasRoleSql('u', 'coordinator'))
      .getMany();
    const ids: string[] = [];
    for (const c of coordinators) {
      ids.push(
        await this.notifications.notify(m, {
          eventKey: `question:${q.id}:${event}`,
          recipient: { email: c.email, userId: c.id },
          template,
          data: { ...this.base(q, c.displayName), ...data } as TemplateData[T],
          digest: c.mailPreference === 'daily',
        }),
      );
    }
    return ids;
  }

  async mailAssignment(m: EntityManager, q: Question, expert: User): Promise<string> {
    return this.notifications.notify(m, await this.assignmentMail(m, q, expert));
  }

  private async assignmentMail(m: EntityManager, q: Question, expert: User): Promise<NotifyInput<'question-assigned'>> {
    const organisation = await organisationFacts(m, q.organisationCode);
    return this.expertMail(q, expert, 'question-assigned', `assigned:${q.assignmentCount}`, {
      organisation: organisation?.name ?? q.organisationCode,
      respondBefore: acceptanceDue(this.calendar, q.assignedAt ?? this.clock.now()),
    });
  }

  async ratingRequest(m: EntityManager, q: Question): Promise<string | null> {
    if (await m.existsBy(QuestionRating, { questionId: q.id })) return null;
    return this.mailRequester(m, q, 'rating-request', `rating-request:${q.reopenCount}`, {});
  }
}
