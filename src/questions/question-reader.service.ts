import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ForbiddenError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { ExpertDirectory, isStaff, type Principal } from '../accounts/index.js';
import { Database } from '../infra/database/database.service.js';
import { organisationFacts } from '../organisations/index.js';
import { Question, QuestionAttachment, QuestionEvent, QuestionKeuze, QuestionMessage, QuestionRating } from './question.entities.js';
import type { QuestionEventRecord } from './question-events.js';
import { QuestionSearch } from './question-search.js';
import { QuestionDetailDto, QuestionDto, QuestionQuery } from './questions.dto.js';
import { QuestionScope, seesAllQuestions, visibleQuestions } from './question-visibility.js';

const seesAll = seesAllQuestions;
/**
 * Staff working on the question (its assignee, coordinators, the secretariat) see internal
 * messages and event details; an expert who merely may read it (formerly assigned, or an answered
 * question in their keuzes) does not.
 */
export const staffView = (p: Principal, q: Pick<Question, 'assigneeId'>) => isStaff(p) && (seesAll(p) || q.assigneeId === p.user.id);

/** A question's material for a draft article in the knowledge base (QuestionReader.forPublication). */
export interface QuestionForPublication {
  title: string;
  /** The question as the requester wrote it. */
  body: string;
  /** The final answer (Markdown). */
  answerBody: string;
  keuzeIds: number[];
  /** `OrganisationType` of the asking organisation, if known. */
  organisationType: string | null;
  organisationName: string | null;
  /** The organisation agreed to be named in the published article. */
  consentToNameOrganisation: boolean;
  /** Full names of the requester and of every user involved (experts, coordinator, secretariat). */
  personNames: string[];
}

/**
 * Reading questions, always through the one visibility rule (question-visibility.ts): the list,
 * the detail, the staff search and the material for the knowledge base.
 */
@Injectable()
export class QuestionReader {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly directory: ExpertDirectory,
    private readonly index: QuestionSearch,
  ) {}

  async list(principal: Principal, query: QuestionQuery): Promise<Page<QuestionDto>> {
    if (query.q !== undefined) {
      if (!isStaff(principal)) throw new ForbiddenError('Zoeken in vragen is alleen voor medewerkers van de taskforce.');
      return this.search(principal, query);
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

  /** Staff search: matches among the questions the caller may see, best first, with snippets. */
  private async search(principal: Principal, query: QuestionQuery): Promise<Page<QuestionDto>> {
    const hits = await this.index.search(query.q ?? '', { offset: query.offset, limit: query.pageSize }, this.visibility(principal));
    if (hits.questions.length === 0) return pageOf([], hits.total, query, hits.totalExact);
    const dtos = await this.toDtos(principal, hits.questions);
    return pageOf(
      dtos.map((dto, i) => ({ ...dto, snippet: hits.snippets[i] })),
      hits.total,
      query,
      hits.totalExact,
    );
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
    const people = await this.directory.displayNames(m, [q.requesterId, q.assigneeId, ...events.map((e) => e.actorId), ...messages.map((x) => x.authorId)]);
    return this.detailOf(principal, q, keuzes, people, events, messages, attachments, rating);
  }

  /** The detail view of a question from its parts (keuzes ordered by id, events and messages oldest first). */
  detailOf(
    principal: Principal,
    q: Question,
    keuzes: Pick<QuestionKeuze, 'keuzeId' | 'themeId'>[],
    people: Map<string, string>,
    events: QuestionEventRecord[],
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
        ...(staff ? { details: e.details as Record<string, unknown> | null } : {}),
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
    const people = await this.directory.displayNames(this.db.manager, rows.flatMap((q) => [q.requesterId, q.assigneeId]));
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
      version: q.version,
      autoCloseAt: q.autoCloseAt?.toISOString() ?? null,
      ...(staffView ? { needsHandover: q.needsHandover } : {}),
      ...(coordinatorView ? { routingNote: q.routingNote } : {}),
    };
  }

  /**
   * A question's material for a draft article, with every person involved named for removal. Only
   * for those who handled it: its assignee, the expert who answered it, coordinators and the
   * secretariat. Someone who may not see the question gets a 404 (visibility); someone who may see
   * but did not handle it (a former assignee, an expert reading answers in their keuzes) a 403.
   * Null when it has no answer (yet).
   */
  async forPublication(id: string, author: Principal): Promise<QuestionForPublication | null> {
    const m = this.db.manager;
    const q = await this.findVisible(m, author, id);
    if (!q.answerBody) return null;
    const handled =
      seesAllQuestions(author) ||
      q.assigneeId === author.user.id ||
      (await m.existsBy(QuestionEvent, { questionId: id, type: 'answered', actorId: author.user.id }));
    if (!handled) throw new ForbiddenError('Alleen wie de vraag behandelde, coördinatoren en het secretariaat kunnen er een artikel van maken.');
    const [keuzes, organisation, events, messages] = await Promise.all([
      m.findBy(QuestionKeuze, { questionId: id }),
      organisationFacts(m, q.organisationCode),
      m.find(QuestionEvent, { select: { actorId: true }, where: { questionId: id } }),
      m.find(QuestionMessage, { select: { authorId: true }, where: { questionId: id } }),
    ]);
    const people = await this.directory.displayNames(m, [q.requesterId, q.assigneeId, ...events.map((e) => e.actorId), ...messages.map((x) => x.authorId)]);
    return {
      title: q.title,
      body: q.body,
      answerBody: q.answerBody,
      keuzeIds: keuzes.map((k) => k.keuzeId).sort((a, b) => a - b),
      organisationType: organisation?.type ?? null,
      organisationName: organisation?.name ?? null,
      consentToNameOrganisation: q.consentToNameOrganisation,
      personNames: [...people.values()],
    };
  }
}
