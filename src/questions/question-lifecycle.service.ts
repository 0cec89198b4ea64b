import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConflictError, ForbiddenError, InvalidInputError } from '../common/domain-errors.js';
import { ExpertDirectory, type Principal } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, queryRows } from '../infra/database/sql.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { NotificationsService, type NotifyInput } from '../notifications/index.js';
import { Question, QuestionMessage, QuestionRating } from './question.entities.js';
import { FINAL_STATUSES, type QuestionEventType, type QuestionStatus } from './question-vocabulary.js';
import { QuestionEvents, type QuestionEventRecord, type QuestionSnapshot, type RecordedQuestionEvent } from './question-events.js';
import { QuestionMails, type StaffRecipient } from './question-mails.js';
import { QuestionReader } from './question-reader.service.js';
import { seesAllQuestions } from './question-visibility.js';
import type { AnswerDto, PostMessageDto, QuestionDetailDto, RateDto, RatingDto, ReferDto } from './questions.dto.js';

const REOPEN_WINDOW_MS = 30 * 24 * 3_600_000;
export const AUTO_CLOSE_WORKING_DAYS = 10;
/** How often a step without a version is decided again after losing a race to another write. */
const MAX_ACT_ATTEMPTS = 3;

/** Who may take a step: the assigned expert, the requester, or a coordinator. */
type Party = 'assignee' | 'requester' | 'coordinator';

/** One step of the lifecycle a person takes: from which statuses, by whom, to which status, recorded as which event. */
interface Transition {
  /** The action in Dutch, for refusals ("U mag "afwijzen" niet uitvoeren …"). */
  label: string;
  from: readonly QuestionStatus[];
  who: readonly Party[];
  to: QuestionStatus;
  event: QuestionEventType;
}

const TRANSITIONS = {
  accept: { label: 'accepteren', from: ['assigned'], who: ['assignee'], to: 'in_progress', event: 'accepted' },
  decline: { label: 'afwijzen', from: ['assigned'], who: ['assignee'], to: 'submitted', event: 'declined' },
  assign: { label: 'toewijzen', from: ['submitted', 'triage', 'assigned', 'in_progress'], who: ['coordinator'], to: 'assigned', event: 'assigned' },
  requestClarification: { label: 'om verduidelijking vragen', from: ['in_progress'], who: ['assignee'], to: 'awaiting_requester', event: 'clarification_requested' },
  answer: { label: 'beantwoorden', from: ['in_progress'], who: ['assignee'], to: 'answered', event: 'answered' },
  confirm: { label: 'bevestigen', from: ['answered'], who: ['requester'], to: 'closed', event: 'confirmed' },
  reopen: { label: 'heropenen', from: ['answered', 'closed'], who: ['requester'], to: 'in_progress', event: 'reopened' },
  refer: { label: 'doorverwijzen', from: ['triage', 'assigned', 'in_progress'], who: ['assignee', 'coordinator'], to: 'referred', event: 'referred' },
  withdraw: { label: 'intrekken', from: ['submitted', 'triage', 'assigned', 'in_progress', 'awaiting_requester'], who: ['requester'], to: 'withdrawn', event: 'withdrawn' },
} satisfies Record<string, Transition>;
export type QuestionAction = keyof typeof TRANSITIONS;

const mayAct: Record<Party, (p: Principal, q: Question) => boolean> = {
  assignee: (p, q) => q.assigneeId === p.user.id && p.user.roles.includes('expert'),
  requester: (p, q) => q.requesterId === p.user.id,
  coordinator: (p) => p.user.roles.includes('coordinator'),
};

/** What a step changes besides status and event, decided once its checks passed; applied in the same transaction. */
interface Effect {
  reason?: string | null;
  details?: Record<string, unknown> | null;
  set?: Partial<Question>;
  /** Mails, messages and jobs written in the same transaction (its commit dispatches and enqueues them). */
  also?: (m: EntityManager, q: Question) => Promise<void>;
}

/** A change of status written by `apply`: a step of TRANSITIONS, or the system's (routing, triage, closing). */
export interface Change extends Omit<Effect, 'also'> {
  to: QuestionStatus;
  event: QuestionEventType;
}

/** The lifecycle of a question after intake: the steps people take, messages, ratings, priority, and routing's writes. */
@Injectable()
export class QuestionLifecycle {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly queue: JobQueue,
    private readonly notifications: NotificationsService,
    private readonly events: QuestionEvents,
    private readonly mails: QuestionMails,
    private readonly reader: QuestionReader,
    private readonly directory: ExpertDirectory,
  ) {}

  /**
   * Takes one step of TRANSITIONS: loads the question, checks who may act and from which status,
   * then writes the change conditionally on the version it read, so of two people acting at once
   * exactly one wins and the other gets 409.
   */
  private async act(
    principal: Principal,
    id: string,
    action: QuestionAction,
    decide?: (q: Question, m: EntityManager) => Effect | Promise<Effect>,
    expectedVersion?: number,
  ): Promise<QuestionDetailDto> {
    const step: Transition = TRANSITIONS[action];
    const now = this.clock.now();
    const take = () =>
      this.db.transaction(async (m) => {
        const q = await this.reader.findVisible(m, principal, id);
        checkVersion(q, expectedVersion);
        if (!step.who.some((party) => mayAct[party](principal, q))) throw new ForbiddenError(`U mag "${step.label}" niet uitvoeren op deze vraag.`);
        if (!step.from.includes(q.status)) {
          throw new ConflictError(`"${step.label}" kan niet bij een vraag met status ${q.status}.`, 'invalid-transition');
        }
        const effect = (await decide?.(q, m)) ?? {};
        await this.apply(m, q, { ...effect, to: step.to, event: step.event }, principal.user.id, now);
        await effect.also?.(m, q);
      });
    for (let attempt = 1; ; attempt++) {
      try {
        await take();
        break;
      } catch (error) {
        // Without a version the caller did not act on what they saw, so a write between our read and
        // ours (the router assigning a just-submitted question, say) is decided again on the fresh
        // question, with every check above. With a version, an older question gets 409 stale-version.
        const lostRace = error instanceof ConflictError && error.kind === 'concurrent-change';
        if (!lostRace || expectedVersion !== undefined || attempt >= MAX_ACT_ATTEMPTS) throw error;
      }
    }
    return this.reader.get(principal, id, true);
  }

  /** A job for the question as it is after the step (one per version). */
  private enqueue(m: EntityManager, name: JobName.RouteQuestion | JobName.AutoCloseQuestion, q: Question): void {
    this.queue.enqueueAfterCommit(m, name, { questionId: q.id }, { jobId: `${name}:${q.id}:${q.version}` });
  }

  /** Writes a change guarded by the version read; shared by user actions and jobs. */
  async apply(m: EntityManager, q: Question, change: Change, actorId: string | null, now: Date): Promise<void> {
    const set = { ...change.set, status: change.to, updatedAt: now, version: q.version + 1 };
    const result = await m.update(Question, { id: q.id, version: q.version }, set);
    if (result.affected !== 1) throw new ConflictError('Iemand anders heeft deze vraag net gewijzigd; laad haar opnieuw.', 'concurrent-change');
    const from = q.status;
    Object.assign(q, set);
    await this.addEvent(m, q, change.event, actorId, from, change.to, change.reason ?? null, change.details ?? null, now);
  }

  /**
   * First routings decided together (RoutingJobs): `apply` of `submitted` → `assigned` for each,
   * guarded by the version read, with one UPDATE, one insert of the `routed` events (their
   * subscribers get them all at once) and one insert of the assignment mails. Throws ConflictError
   * when any question changed meanwhile (the caller then routes them one by one). Returns the mail ids.
   */
  async routeMany(m: EntityManager, routed: { q: Question; expert: StaffRecipient; note: Record<string, unknown> }[], now: Date): Promise<string[]> {
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
    const recorded: RecordedQuestionEvent[] = [];
    for (const { q, expert, note } of routed) {
      const from = q.status;
      Object.assign(q, { status: 'assigned', assigneeId: expert.id, assignedAt: now, assignmentCount: q.assignmentCount + 1, routingNote: note, needsHandover: false, updatedAt: now, version: q.version + 1 });
      const event: QuestionEventRecord = { id: randomUUID(), questionId: q.id, type: 'routed', actorId: null, fromStatus: from, toStatus: 'assigned', reason: null, details: note, occurredAt: now };
      recorded.push({ event, question: q });
    }
    await this.events.record(m, recorded);
    const inputs: NotifyInput[] = [];
    for (const { q, expert } of routed) inputs.push(await this.mails.assignmentMail(m, q, expert));
    return this.notifications.notifyMany(m, inputs);
  }

  /** Writes one timeline event about `question` (as it is after the event) and hands it to the subscribers. */
  async addEvent(
    m: EntityManager,
    question: QuestionSnapshot,
    type: QuestionEventType,
    actorId: string | null,
    fromStatus: QuestionStatus | null,
    toStatus: QuestionStatus | null,
    reason: string | null,
    details: Record<string, unknown> | null,
    occurredAt: Date,
  ): Promise<QuestionEventRecord> {
    const event: QuestionEventRecord = { id: randomUUID(), questionId: question.id, type, actorId, fromStatus, toStatus, reason, details, occurredAt };
    await this.events.record(m, [{ event, question }]);
    return event;
  }

  accept(principal: Principal, id: string, expectedVersion?: number) {
    return this.act(principal, id, 'accept', undefined, expectedVersion);
  }

  decline(principal: Principal, id: string, reason: string, expectedVersion?: number) {
    return this.act(principal, id, 'decline', (q) => ({
      reason,
      details: { expertId: q.assigneeId },
      set: { assigneeId: null, assignedAt: null },
      also: async (m, after) => this.enqueue(m, JobName.RouteQuestion, after),
    }), expectedVersion);
  }

  assign(principal: Principal, id: string, expertId: string, expectedVersion?: number) {
    return this.act(principal, id, 'assign', async (q, m) => {
      // Claiming marks the expert as just assigned (and locks the row); refused below, it rolls back.
      const [expert] = await this.directory.claimForAssignment(m, [expertId], this.clock.now());
      if (!expert || !expert.active || !expert.roles.includes('expert')) {
        throw new InvalidInputError([{ name: 'expertId', reason: 'is geen actieve expert' }]);
      }
      const assignment = q.assignmentCount + 1;
      return {
        details: { expertId, by: 'coordinator', previousAssigneeId: q.assigneeId },
        set: { assigneeId: expertId, assignedAt: this.clock.now(), assignmentCount: assignment, needsHandover: false },
        also: async (mm, after) => {
          await this.mails.mailAssignment(mm, after, expert);
        },
      };
    }, expectedVersion);
  }

  requestClarification(principal: Principal, id: string, message: string, expectedVersion?: number) {
    return this.act(principal, id, 'requestClarification', () => ({
      reason: message,
      also: async (m, q) => {
        await this.insertMessage(m, q.id, principal.user.id, message, false);
        await this.mails.mailRequester(m, q, 'clarification-requested', `clarification:${q.version}`, { message, expertName: principal.user.displayName });
      },
    }), expectedVersion);
  }

  /** Articles referred to (`articleIds`) are checked and counted by the knowledge base, which subscribes to `answered`. */
  answer(principal: Principal, id: string, input: AnswerDto, expectedVersion?: number) {
    return this.act(principal, id, 'answer', () => {
      const now = this.clock.now();
      return {
        details: input.articleIds?.length ? { articleIds: input.articleIds } : null,
        set: { answerBody: input.body, answeredAt: now, autoCloseAt: this.calendar.addWorkingDays(now, AUTO_CLOSE_WORKING_DAYS) },
        also: async (mm, after) => {
          const link = this.mails.link(after.id);
          await this.mails.mailRequester(mm, after, 'question-answered', `answered:${after.version}`, {
            expertName: principal.user.displayName,
            answer: input.body,
            confirmLink: `${link}#bevestigen`,
            reopenLink: `${link}#heropenen`,
            rateLink: `${link}#beoordelen`,
          });
          this.enqueue(mm, JobName.AutoCloseQuestion, after);
        },
      };
    }, expectedVersion);
  }

  confirm(principal: Principal, id: string, consent: boolean | undefined) {
    return this.act(principal, id, 'confirm', () => ({
      set: { closedAt: this.clock.now(), autoCloseAt: null, ...(consent !== undefined ? { consentToNameOrganisation: consent } : {}) },
      also: async (m, q) => {
        await this.mails.ratingRequest(m, q);
      },
    }));
  }

  /** Whether a requester may still reopen the question: answered or closed, within 30 days of the answer. */
  mayReopen(q: { status: QuestionStatus; answeredAt: Date | string | null }): boolean {
    if (!['answered', 'closed'].includes(q.status) || !q.answeredAt) return false;
    return this.clock.now().getTime() - new Date(q.answeredAt).getTime() <= REOPEN_WINDOW_MS;
  }

  reopen(principal: Principal, id: string, reason: string) {
    return this.act(principal, id, 'reopen', (q) => {
      if (!this.mayReopen(q)) {
        throw new ConflictError('Een vraag kan tot 30 dagen na het antwoord worden heropend; stel gerust een nieuwe vraag.', 'reopen-window-passed');
      }
      return {
        reason,
        set: { closedAt: null, autoCloseAt: null, reopenCount: q.reopenCount + 1 },
        also: async (m, after) => {
          await this.insertMessage(m, after.id, principal.user.id, reason, false);
          const expert = after.assigneeId ? await this.directory.person(m, after.assigneeId) : null;
          if (expert) await this.mails.mailExpert(m, after, expert, 'requester-replied', `reopened:${after.version}`, { message: reason, requesterName: principal.user.displayName });
        },
      };
    });
  }

  refer(principal: Principal, id: string, input: ReferDto, expectedVersion?: number) {
    return this.act(principal, id, 'refer', () => ({
      reason: input.reason,
      details: { to: input.to },
      set: { referredTo: input.to, closedAt: this.clock.now(), autoCloseAt: null },
      also: async (m, q) => {
        await this.mails.mailRequester(m, q, 'question-referred', `referred:${q.version}`, { to: input.to, reason: input.reason });
      },
    }), expectedVersion);
  }

  withdraw(principal: Principal, id: string) {
    return this.act(principal, id, 'withdraw', () => ({ set: { closedAt: this.clock.now(), autoCloseAt: null } }));
  }

  /** A message; a requester's reply to a clarification request puts the question back in progress. */
  async postMessage(principal: Principal, id: string, input: PostMessageDto): Promise<QuestionDetailDto> {
    const internal = input.internal === true;
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const q = await this.reader.findVisible(m, principal, id);
      const isOwner = q.requesterId === principal.user.id;
      const staffOnQuestion = seesAllQuestions(principal) || q.assigneeId === principal.user.id;
      if (internal && !staffOnQuestion) throw new ForbiddenError('Alleen medewerkers van de taskforce kunnen interne notities maken.');
      if (!isOwner && !staffOnQuestion) throw new ForbiddenError('Alleen de vraagsteller en wie de vraag behandelt kunnen berichten plaatsen.');
      if ((FINAL_STATUSES as string[]).includes(q.status)) throw new ConflictError(`Bij een vraag met status ${q.status} kunnen geen berichten meer worden geplaatst.`, 'invalid-transition');
      await this.insertMessage(m, q.id, principal.user.id, input.body, internal);
      if (isOwner && !internal) {
        if (q.status === 'awaiting_requester') {
          await this.apply(m, q, { to: 'in_progress', event: 'requester_replied', reason: null }, principal.user.id, now);
        }
        const expert = q.assigneeId ? await this.directory.person(m, q.assigneeId) : null;
        if (expert) await this.mails.mailExpert(m, q, expert, 'requester-replied', `reply:${randomUUID()}`, { message: input.body, requesterName: principal.user.displayName });
      }
    });
    return this.reader.get(principal, id);
  }

  async rate(principal: Principal, id: string, input: RateDto): Promise<RatingDto> {
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new InvalidInputError([{ name: 'score', reason: 'moet 1 tot en met 5 zijn' }]);
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const q = await this.reader.findVisible(m, principal, id);
      if (q.requesterId !== principal.user.id) throw new ForbiddenError('Alleen de vraagsteller kan een antwoord beoordelen.');
      if (!q.answeredAt) throw new ConflictError('Een vraag kan pas na het antwoord worden beoordeeld.', 'invalid-transition');
      if (await m.existsBy(QuestionRating, { questionId: id })) throw new ConflictError('U hebt deze vraag al beoordeeld.', 'already-rated');
      await m.insert(QuestionRating, { questionId: id, score: input.score, comment: input.comment || null, createdAt: now });
      if (input.consentToNameOrganisation !== undefined) {
        await m.update(Question, { id }, { consentToNameOrganisation: input.consentToNameOrganisation });
        q.consentToNameOrganisation = input.consentToNameOrganisation;
      }
      await this.addEvent(m, q, 'rated', principal.user.id, null, null, null, { score: input.score }, now);
      return { score: input.score, comment: input.comment || null, createdAt: now.toISOString() };
    });
  }

  /** A new priority is a `priority_changed` event (service levels move their targets on it). */
  async setPriority(principal: Principal, id: string, priority: Question['priority'], expectedVersion?: number): Promise<QuestionDetailDto> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const q = await this.reader.findVisible(m, principal, id);
      checkVersion(q, expectedVersion);
      if (q.priority === priority) return;
      const result = await m.update(Question, { id, version: q.version }, { priority, version: q.version + 1, updatedAt: now });
      if (result.affected !== 1) throw new ConflictError('Iemand anders heeft deze vraag net gewijzigd; laad haar opnieuw.', 'concurrent-change');
      await this.addEvent(m, { ...q, priority, version: q.version + 1, updatedAt: now }, 'priority_changed', principal.user.id, null, null, null, { from: q.priority, to: priority }, now);
    });
    return this.reader.get(principal, id);
  }

  async insertMessage(m: EntityManager, questionId: string, authorId: string, body: string, internal: boolean): Promise<void> {
    await m.insert(QuestionMessage, { id: randomUUID(), questionId, authorId, body, internal, createdAt: this.clock.now() });
  }
}


/**
 * Refuses a change made on a page loaded at an older version (409 `stale-version`): someone else
 * changed the question meanwhile, and the person should see what before their change goes through.
 */
function checkVersion(q: Question, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && q.version !== expectedVersion) {
    throw new ConflictError('Iemand anders heeft deze vraag gewijzigd sinds u haar opende.', 'stale-version');
  }
}
