import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { Batcher } from '../common/batcher.js';
import { InvalidInputError } from '../common/domain-errors.js';
import type { AuditActor } from '../audit/index.js';
import type { Principal } from '../accounts/index.js';
import { Database } from '../infra/database/database.service.js';
import { insertRows } from '../infra/database/sql.js';
import { keuzeThemes } from '../catalog/index.js';
import { organisationFacts } from '../organisations/index.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { NotificationsService } from '../notifications/index.js';
import { Question, QuestionKeuze } from './question.entities.js';
import { QuestionEvents, type QuestionEventRecord } from './question-events.js';
import { QuestionMails, type Recipient } from './question-mails.js';
import { QuestionReader } from './question-reader.service.js';
import type { QuestionDetailDto, SubmitQuestionDto } from './questions.dto.js';
import { allocateReferences, assignReferences, provisionalReference } from './reference.js';

/** The longest a submission waits for room in the job queue (JOB_BACKLOG_LIMIT) before it goes ahead anyway. */
const INTAKE_MAX_WAIT_MS = 10_000;

/** A checked submission, waiting to be written with the others that arrive meanwhile. */
interface NewSubmission {
  question: Question;
  keuzes: { questionId: string; keuzeId: number; themeId: number }[];
  event: QuestionEventRecord;
  requester: Recipient;
}

/** A submission's receipt mail once committed, or why it failed. */
type SubmissionOutcome = { written: true } | { error: unknown };

/** Submissions written in one transaction at most. */
const MAX_SUBMISSION_BATCH = 32;

const yearOf = (instant: Date) => Number(amsterdamDay(instant).slice(0, 4));

/** Intake: checks a submission and writes it together with the others that arrive meanwhile. */
@Injectable()
export class QuestionIntake {
  private readonly intake = new Batcher<NewSubmission, SubmissionOutcome>((batch) => this.writeSubmissions(batch), MAX_SUBMISSION_BATCH);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly notifications: NotificationsService,
    private readonly events: QuestionEvents,
    private readonly mails: QuestionMails,
    private readonly reader: QuestionReader,
  ) {}

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
    const event: QuestionEventRecord = { id: randomUUID(), questionId: id, type: 'submitted', actorId: actor.actorId, fromStatus: null, toStatus: 'submitted', reason: null, details: null, occurredAt: now };
    // Written together with the submissions that arrive meanwhile (see writeSubmissions); the
    // 201 goes out only after the commit, which also enqueued the routing.
    const outcome = await this.intake.run({ question, keuzes, event, requester: principal.user });
    if ('error' in outcome) throw outcome.error;
    // The question as committed, from what was just written rather than read back (an actor
    // other than the caller is rare: then the names come from the database).
    if (event.actorId !== null && event.actorId !== principal.user.id) return this.reader.get(principal, question.id);
    const people = new Map([[principal.user.id, principal.user.displayName]]);
    return this.reader.detailOf(principal, question, keuzes, people, [event], [], [], null);
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

  /** Inserts the submissions, their receipt mails and routing jobs (in the caller's transaction, whose commit dispatches and enqueues them). */
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
    await this.events.record(m, batch.map((s) => ({ event: s.event, question: s.question, keuzes: s.keuzes })));
    // On PostgreSQL the year's next references come last: the counter row stays locked from here
    // until the commit, so other submissions wait for these — only the statements below, not the
    // whole intake with its event subscribers (docs/benchmarks.md, "Intake").
    if (!referenceFirst) await number((year, ofYear) => assignReferences(m, year, ofYear.map((q) => q.id)));
    await this.notifications.notifyMany(
      m,
      batch.map((s) => this.mails.requesterMail(s.question, 'question-received', 'received', {}, s.requester)),
    );
    for (const q of questions) this.queue.enqueueAfterCommit(m, JobName.RouteQuestion, { questionId: q.id }, { jobId: `route:${q.id}:0` });
  }
}
