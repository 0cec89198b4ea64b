import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Role } from '../common/access.js';
import { Clock } from '../common/clock.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnauthenticatedError } from '../common/domain-errors.js';
import { Page, PageQuery, pageOf } from '../common/pagination.js';
import { keuzeThemes } from '../catalog/index.js';
import { AuditActor, AuditService } from '../audit/index.js';
import { Database } from '../infra/database/database.service.js';
import { hasAnyRole, isStaff, Principal } from '../accounts/index.js';
import { ARTICLE_INDEX, articleSearchDocument } from './article-index.js';
import { ArticlePublicDto, ArticleStaffDto, ArticleVersionDto, CreateArticleDto, UpdateArticleDto } from './knowledge.dto.js';
import {
  Article,
  ArticleKeuze,
  ArticleReuse,
  ArticleSnapshot,
  ArticleSuggestion,
  ArticleVersion,
} from './knowledge.entities.js';
import type { ArticleStatus, ArticleVersionAction } from './article-vocabulary.js';
import { answerPlainText, renderAnswerHtml } from '../common/markdown.js';
import { QuestionReader } from '../questions/index.js';
import { SearchIndex } from '../infra/search/search-index.js';
import { AnonymiseContext, RemovedItem, anonymise } from './text/anonymiser.js';

/** Roles that write articles; publishing and archiving are the secretariat's. */
export const ARTICLE_AUTHOR_ROLES: Role[] = ['expert', 'coordinator', 'secretariat'];
export const ARTICLE_EDITOR_ROLES: Role[] = ['secretariat'];

const EDITABLE: ArticleStatus[] = ['draft', 'in_review'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTENT_FIELDS = ['title', 'question', 'answer', 'keuzeIds', 'relatedArticleIds', 'organisationType'] as const;

const STATUS_NAMES: Record<ArticleStatus, string> = {
  draft: 'concept',
  in_review: 'in review',
  published: 'gepubliceerd',
  archived: 'gearchiveerd',
};

interface Transition {
  action: ArticleVersionAction;
  from: ArticleStatus;
  to: ArticleStatus;
  roles: Role[];
  /** Dutch verb phrase for messages. */
  label: string;
}

const TRANSITIONS = {
  submit: { action: 'submitted', from: 'draft', to: 'in_review', roles: ARTICLE_AUTHOR_ROLES, label: 'ter review aanbieden' },
  sendBack: { action: 'returned', from: 'in_review', to: 'draft', roles: ARTICLE_EDITOR_ROLES, label: 'terugsturen' },
  publish: { action: 'published', from: 'in_review', to: 'published', roles: ARTICLE_EDITOR_ROLES, label: 'publiceren' },
  archive: { action: 'archived', from: 'published', to: 'archived', roles: ARTICLE_EDITOR_ROLES, label: 'archiveren' },
} satisfies Record<string, Transition>;
export type ArticleTransition = keyof typeof TRANSITIONS;

/**
 * Articles of the knowledge base: drafting (from scratch or from an answered question, anonymised),
 * editing with a full version history, the review/publish/archive workflow with four eyes, and the
 * integration points for the questions module (reuse, suggestion follow-up).
 */
@Injectable()
export class KnowledgeService {
  readonly index = new SearchIndex(ARTICLE_INDEX);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly questions: QuestionReader,
  ) {}

  // -------------------------------------------------------------------------------------------------
  // Reading

  /** Readers get published articles only (others are 404 to them); staff get every article with all fields. */
  async get(id: string, principal: Principal | undefined): Promise<ArticlePublicDto | ArticleStaffDto> {
    const article = await this.db.manager.findOneBy(Article, { id });
    if (!article) throw new NotFoundError('Artikel', id);
    if (isStaff(principal)) return ArticleStaffDto.fromStaff(article, await this.reuseCount(this.db.manager, id));
    if (article.status !== 'published') throw new NotFoundError('Artikel', id);
    return ArticlePublicDto.from(article);
  }

  async versions(id: string, query: PageQuery): Promise<Page<ArticleVersionDto>> {
    if (!(await this.db.manager.existsBy(Article, { id }))) throw new NotFoundError('Artikel', id);
    const [rows, total] = await this.db.manager.findAndCount(ArticleVersion, {
      where: { articleId: id },
      order: { version: 'DESC' },
      skip: query.offset,
      take: query.pageSize,
    });
    return pageOf(rows.map(ArticleVersionDto.from), total, query);
  }

  // -------------------------------------------------------------------------------------------------
  // Creating and editing

  /** `POST /articles`: exactly one of the two body shapes. */
  async create(input: CreateArticleDto, principal: Principal | undefined, actor: AuditActor): Promise<ArticleStaffDto> {
    const author = requireRole(principal, ARTICLE_AUTHOR_ROLES);
    const contentFields = (['title', 'question', 'answer', 'keuzeIds', 'relatedArticleIds', 'organisationType'] as const).filter((f) => input[f] !== undefined);
    if (input.questionId !== undefined) {
      if (contentFields.length > 0) {
        throw new InvalidInputError(
          contentFields.map((name) => ({ name, reason: 'niet samen met questionId: een artikel uit een vraag wordt uit die vraag gevuld' })),
          'Geef óf questionId, óf title, question, answer en keuzeIds.',
        );
      }
      return this.createFromQuestion(input.questionId, author, actor);
    }
    const missing = (['title', 'question', 'answer', 'keuzeIds'] as const).filter((f) => input[f] === undefined);
    if (missing.length > 0) {
      throw new InvalidInputError(
        missing.map((name) => ({ name, reason: 'is verplicht (of geef alleen questionId)' })),
        'Geef óf questionId, óf title, question, answer en keuzeIds.',
      );
    }
    return this.createArticle(
      {
        title: input.title!,
        question: input.question!,
        answer: input.answer!,
        keuzeIds: input.keuzeIds!,
        relatedArticleIds: input.relatedArticleIds ?? [],
        organisationType: input.organisationType ?? null,
        organisationName: null,
        sourceQuestionId: null,
      },
      { names: [], organisationNames: [] },
      author,
      actor,
    );
  }

  /**
   * A draft pre-filled from an answered question: personal data of the requester and of every user
   * involved, and the organisation's name unless it consented, are removed and listed.
   */
  async createFromQuestion(questionId: string, principal: Principal | undefined, actor: AuditActor = auditActorOf(principal)): Promise<ArticleStaffDto> {
    const author = requireRole(principal, ARTICLE_AUTHOR_ROLES);
    const source = await this.questions.forPublication(questionId, author);
    if (!source) throw new NotFoundError('Vraag', questionId);
    const existing = await this.db.manager.findOne(Article, { where: { sourceQuestionId: questionId, status: In(['draft', 'in_review', 'published']) } });
    if (existing) {
      const error = new ConflictError(`Van deze vraag bestaat al een artikel (${STATUS_NAMES[existing.status]}); bewerk dat artikel.`, 'article-exists');
      error.extensions.articleId = existing.id;
      throw error;
    }
    const known = await keuzeThemes(this.db.manager);
    const keuzeIds = [...new Set(source.keuzeIds)].filter((id) => known.has(id));
    return this.createArticle(
      {
        title: source.title.slice(0, 300),
        question: source.body,
        answer: source.answerBody,
        keuzeIds,
        relatedArticleIds: [],
        organisationType: source.organisationType,
        organisationName: source.consentToNameOrganisation ? source.organisationName : null,
        sourceQuestionId: questionId,
      },
      {
        names: [...source.personNames, author.user.displayName].filter((name): name is string => typeof name === 'string' && name.trim().length > 0),
        organisationNames: source.organisationName ? [source.organisationName] : [],
        keepOrganisation: source.consentToNameOrganisation,
      },
      author,
      actor,
      { allowNoKeuzes: true },
    );
  }

  private async createArticle(
    content: Omit<ArticleSnapshot, 'status'> & { sourceQuestionId: string | null },
    context: AnonymiseContext,
    author: Principal,
    actor: AuditActor,
    options: { allowNoKeuzes?: boolean } = {},
  ): Promise<ArticleStaffDto> {
    const now = this.clock.now();
    const article = await this.db.transaction(async (m) => {
      const themeIds = await this.themesOf(m, content.keuzeIds, options.allowNoKeuzes);
      await this.checkRelated(m, content.relatedArticleIds, null);
      const clean = anonymiseContent(content, context);
      const entity: Omit<Article, 'seq'> = {
        id: randomUUID(),
        title: clean.title,
        question: clean.question,
        answer: clean.answer,
        ...renderAnswer(clean.answer),
        status: 'draft',
        keuzeIds: content.keuzeIds,
        themeIds,
        relatedArticleIds: content.relatedArticleIds,
        organisationType: content.organisationType,
        organisationName: content.organisationName,
        sourceQuestionId: content.sourceQuestionId,
        removedPersonalData: clean.removed,
        version: 1,
        createdBy: author.user.id,
        lastAuthorId: author.user.id,
        createdAt: now,
        updatedAt: now,
        publishedAt: null,
        publishedBy: null,
        lastReviewedAt: null,
        archivedAt: null,
      };
      const result = await m.insert(Article, entity as Article);
      const seq = Number(result.identifiers[0]?.seq ?? result.generatedMaps[0]?.seq);
      const created = { ...entity, seq } as Article;
      await this.writeKeuzes(m, created);
      await this.index.index(m, articleSearchDocument(created));
      await this.writeVersion(m, created, 'created', author.user.id, [...CONTENT_FIELDS], now);
      await this.audit.record(
        actor,
        {
          action: content.sourceQuestionId ? 'knowledge.article.create-from-question' : 'knowledge.article.create',
          objectType: 'article',
          objectId: created.id,
          details: { sourceQuestionId: content.sourceQuestionId, removedPersonalData: clean.removed.length },
        },
        m,
      );
      return created;
    });
    return ArticleStaffDto.fromStaff(article, 0);
  }

  /** `PATCH /articles/{id}`: drafts and articles in review; re-anonymises and records a version. */
  async update(id: string, patch: UpdateArticleDto, principal: Principal | undefined, actor: AuditActor): Promise<ArticleStaffDto> {
    const author = requireRole(principal, ARTICLE_AUTHOR_ROLES);
    const now = this.clock.now();
    const updated = await this.db.transaction(async (m) => {
      const article = await m.findOneBy(Article, { id });
      if (!article) throw new NotFoundError('Artikel', id);
      if (!EDITABLE.includes(article.status)) {
        throw new ConflictError(`Een ${STATUS_NAMES[article.status]} artikel kan niet worden bewerkt; alleen concepten en artikelen in review.`, 'illegal-transition');
      }
      if (patch.version !== undefined && patch.version !== article.version) {
        throw new ConflictError(`Het artikel is intussen gewijzigd (versie ${article.version}, u bewerkte versie ${patch.version}).`, 'version-conflict');
      }
      const next: Article = { ...article };
      const changed: string[] = [];
      for (const field of CONTENT_FIELDS) {
        const value = patch[field];
        if (value === undefined || JSON.stringify(value) === JSON.stringify(article[field])) continue;
        (next as unknown as Record<string, unknown>)[field] = value;
        changed.push(field);
      }
      if (changed.length === 0) return article;
      if (changed.includes('keuzeIds')) next.themeIds = await this.themesOf(m, next.keuzeIds);
      if (changed.includes('relatedArticleIds')) await this.checkRelated(m, next.relatedArticleIds, article.id);
      // Personal data once removed stays removed: the same names, plus e-mail, phone, postcode and the like.
      const context = contextFromRemoved(article.removedPersonalData, article.organisationName !== null);
      const clean = anonymiseContent(
        { title: next.title, question: next.question, answer: next.answer },
        context,
        changed.filter((f) => f === 'title' || f === 'question' || f === 'answer'),
      );
      next.title = clean.title;
      next.question = clean.question;
      next.answer = clean.answer;
      if (changed.includes('answer')) Object.assign(next, renderAnswer(next.answer));
      next.removedPersonalData = mergeRemoved(article.removedPersonalData, clean.removed);
      next.version = article.version + 1;
      next.lastAuthorId = author.user.id;
      next.updatedAt = now;
      const result = await m
        .createQueryBuilder()
        .update(Article)
        .set({
          title: next.title,
          question: next.question,
          answer: next.answer,
          answerHtml: next.answerHtml,
          answerText: next.answerText,
          keuzeIds: next.keuzeIds,
          themeIds: next.themeIds,
          relatedArticleIds: next.relatedArticleIds,
          organisationType: next.organisationType,
          removedPersonalData: next.removedPersonalData,
          version: next.version,
          lastAuthorId: next.lastAuthorId,
          updatedAt: next.updatedAt,
        })
        .where('id = :id AND version = :version AND status IN (:...editable)', { id, version: article.version, editable: EDITABLE })
        .execute();
      if (!result.affected) throw new ConflictError('Het artikel is intussen gewijzigd; laad het opnieuw.', 'version-conflict');
      if (changed.includes('keuzeIds')) await this.writeKeuzes(m, next, true);
      await this.index.index(m, articleSearchDocument(next));
      await this.writeVersion(m, next, 'updated', author.user.id, changed, now);
      await this.audit.record(actor, { action: 'knowledge.article.update', objectType: 'article', objectId: id, details: { changedFields: changed, version: next.version } }, m);
      return next;
    });
    return ArticleStaffDto.fromStaff(updated, await this.reuseCount(this.db.manager, id));
  }

  // -------------------------------------------------------------------------------------------------
  // Workflow

  /**
   * submit (draft → in_review), publish (in_review → published; secretariat, never the last author),
   * archive (published → archived; secretariat). Race-safe: the UPDATE only applies while the status
   * is still the expected one; otherwise 409.
   */
  /** `comment`: why an article is sent back (sendBack only), kept with the version and in the audit trail. */
  async transition(id: string, name: ArticleTransition, principal: Principal | undefined, actor: AuditActor, comment?: string): Promise<ArticleStaffDto> {
    const step: Transition = TRANSITIONS[name];
    const user = requireRole(principal, step.roles).user;
    const now = this.clock.now();
    const updated = await this.db.transaction(async (m) => {
      const article = await m.findOneBy(Article, { id });
      if (!article) throw new NotFoundError('Artikel', id);
      if (article.status !== step.from) {
        throw new ConflictError(
          `Een ${STATUS_NAMES[article.status]} artikel kunt u niet ${step.label}; dat kan alleen vanuit de status ${STATUS_NAMES[step.from]}.`,
          'illegal-transition',
        );
      }
      if (name === 'publish' && article.lastAuthorId === user.id) {
        throw new ForbiddenError(
          'Vier ogen: u hebt dit artikel als laatste bewerkt, dus een andere medewerker van het secretariaat moet het publiceren.',
        );
      }
      const changes: Partial<Article> = { status: step.to, version: article.version + 1, updatedAt: now };
      if (name === 'publish') Object.assign(changes, { publishedAt: now, publishedBy: user.id, lastReviewedAt: now, archivedAt: null });
      if (name === 'archive') Object.assign(changes, { archivedAt: now });
      const result = await m
        .createQueryBuilder()
        .update(Article)
        .set(changes)
        .where('id = :id AND status = :from', { id, from: step.from })
        .execute();
      if (!result.affected) {
        throw new ConflictError(`Het artikel is intussen van status veranderd; u kunt het niet meer ${step.label}.`, 'illegal-transition');
      }
      const next = { ...article, ...changes } as Article;
      await m.update(ArticleKeuze, { articleId: id }, { status: next.status });
      await this.index.index(m, articleSearchDocument(next));
      await this.writeVersion(m, next, step.action, user.id, ['status'], now, comment === undefined ? {} : { reviewComment: comment });
      await this.audit.record(actor, { action: `knowledge.article.${name}`, objectType: 'article', objectId: id, details: { from: step.from, to: step.to, ...(comment === undefined ? {} : { comment }) } }, m);
      return next;
    });
    return ArticleStaffDto.fromStaff(updated, await this.reuseCount(this.db.manager, id));
  }

  // -------------------------------------------------------------------------------------------------
  // Integration points for the questions module

  /**
   * Records that the answer to `questionId` refers to these (published) articles; call inside the
   * transaction that saves the answer. Returns how many were new.
   * @throws InvalidInputError naming `articleIds[i]` for an article that does not exist or is not published.
   */
  async recordReuse(manager: EntityManager, questionId: string, articleIds: string[]): Promise<number> {
    const distinct = [...new Set(articleIds.map((id) => id.toLowerCase()))];
    if (distinct.length === 0) return 0;
    await this.validateArticles(manager, articleIds);
    const already = new Set(
      (await manager.find(ArticleReuse, { select: { articleId: true }, where: { questionId, articleId: In(distinct) } })).map((r) => r.articleId),
    );
    const now = this.clock.now();
    const rows = distinct.filter((id) => !already.has(id)).map((articleId) => ({ id: randomUUID(), articleId, questionId, reusedAt: now }));
    if (rows.length > 0) await manager.insert(ArticleReuse, rows);
    return rows.length;
  }

  /**
   * Checks that every id is a published article (an answer may only refer to those).
   * @throws InvalidInputError naming `articleIds[i]` for each that is not.
   */
  async validateArticles(manager: EntityManager, articleIds: string[]): Promise<void> {
    const distinct = [...new Set(articleIds.map((id) => String(id).toLowerCase()))].filter((id) => UUID.test(id));
    const found = distinct.length > 0 ? await manager.find(Article, { select: { id: true, status: true }, where: { id: In(distinct) } }) : [];
    const published = new Set(found.filter((a) => a.status === 'published').map((a) => a.id));
    const invalid = articleIds
      .map((id, index) => ({ id: String(id).toLowerCase(), index }))
      .filter(({ id }) => !published.has(id))
      .map(({ index }) => ({ name: `articleIds[${index}]`, reason: 'is geen gepubliceerd kennisbankartikel' }));
    if (invalid.length > 0) throw new InvalidInputError(invalid);
  }

  /**
   * The questions module calls this when a question is submitted after its author saw suggestions
   * (`suggestionId` from GET /articles/suggestions): the suggestions did not deflect it.
   * Returns false for an unknown or already marked suggestion.
   */
  async markSuggestionSubmitted(manager: EntityManager, suggestionId: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ArticleSuggestion)
      .set({ submittedAt: this.clock.now() })
      .where('id = :id AND submitted_at IS NULL', { id: suggestionId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  // -------------------------------------------------------------------------------------------------

  private async themesOf(m: EntityManager, keuzeIds: number[], allowEmpty = false): Promise<number[]> {
    if (keuzeIds.length === 0) {
      if (allowEmpty) return [];
      throw new InvalidInputError([{ name: 'keuzeIds', reason: 'noem minstens één keuze' }]);
    }
    // The catalog changes only by migration: its keuzes come from memory (catalog's keuzeThemes).
    const byId = await keuzeThemes(m);
    const unknown = keuzeIds.map((id, index) => ({ id, index })).filter(({ id }) => !byId.has(id));
    if (unknown.length > 0) throw new InvalidInputError(unknown.map(({ id, index }) => ({ name: `keuzeIds[${index}]`, reason: `keuze ${id} bestaat niet` })));
    return [...new Set(keuzeIds.map((id) => byId.get(id)!))].sort((a, b) => a - b);
  }

  private async checkRelated(m: EntityManager, ids: string[], self: string | null): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set((await m.find(Article, { select: { id: true }, where: { id: In(ids) } })).map((a) => a.id));
    const invalid = ids
      .map((id, index) => ({ id, index }))
      .filter(({ id }) => !found.has(id) || id === self)
      .map(({ id, index }) => ({ name: `relatedArticleIds[${index}]`, reason: id === self ? 'een artikel is niet aan zichzelf verwant' : 'artikel bestaat niet' }));
    if (invalid.length > 0) throw new InvalidInputError(invalid);
  }

  private async writeKeuzes(m: EntityManager, article: Article, replace = false): Promise<void> {
    if (replace) await m.delete(ArticleKeuze, { articleId: article.id });
    if (article.keuzeIds.length === 0) return;
    const themes = await keuzeThemes(m);
    const keuzeIds = [...new Set(article.keuzeIds)].filter((id) => themes.has(id));
    if (keuzeIds.length === 0) return;
    await m.insert(
      ArticleKeuze,
      keuzeIds.map((keuzeId) => ({ articleId: article.id, keuzeId, themeId: themes.get(keuzeId)!, articleSeq: article.seq, status: article.status })),
    );
  }

  private async writeVersion(m: EntityManager, article: Article, action: ArticleVersionAction, actorId: string, changedFields: string[], at: Date, extra: Partial<ArticleSnapshot> = {}): Promise<void> {
    const snapshot: ArticleSnapshot = {
      title: article.title,
      question: article.question,
      answer: article.answer,
      keuzeIds: article.keuzeIds,
      relatedArticleIds: article.relatedArticleIds,
      organisationType: article.organisationType,
      organisationName: article.organisationName,
      status: article.status,
      ...extra,
    };
    const version: ArticleVersion = { id: randomUUID(), articleId: article.id, version: article.version, action, actorId, changedAt: at, changedFields, snapshot };
    await m.insert(ArticleVersion, version as never);
  }

  private async reuseCount(m: EntityManager, articleId: string): Promise<number> {
    return m.countBy(ArticleReuse, { articleId });
  }
}

// ---------------------------------------------------------------------------------------------------

function requireRole(principal: Principal | undefined, roles: Role[]): Principal {
  if (!principal) throw new UnauthenticatedError();
  if (!hasAnyRole(principal, roles)) throw new ForbiddenError();
  return principal;
}

function auditActorOf(principal: Principal | undefined): AuditActor {
  return { actorId: principal?.user.id ?? null, ip: null };
}

function renderAnswer(answer: string): Pick<Article, 'answerHtml' | 'answerText'> {
  const answerHtml = renderAnswerHtml(answer);
  return { answerHtml, answerText: answerPlainText(answerHtml) };
}

/** Anonymises the text fields (only `fields` when given) and lists what was removed, distinct. */
function anonymiseContent<T extends { title: string; question: string; answer: string }>(
  content: T,
  context: AnonymiseContext,
  fields: ('title' | 'question' | 'answer')[] = ['title', 'question', 'answer'],
): { title: string; question: string; answer: string; removed: RemovedItem[] } {
  const out = { title: content.title, question: content.question, answer: content.answer };
  let removed: RemovedItem[] = [];
  for (const field of fields) {
    const result = anonymise(content[field], context);
    out[field] = result.text;
    removed = mergeRemoved(removed, result.removed);
  }
  return { ...out, removed };
}

function mergeRemoved(a: RemovedItem[], b: RemovedItem[]): RemovedItem[] {
  const seen = new Set(a.map((item) => `${item.kind}\u0000${item.value}`));
  const out = [...a];
  for (const item of b) {
    const key = `${item.kind}\u0000${item.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/** The anonymiser context an edit is checked against: the names and organisations removed before. */
function contextFromRemoved(removed: RemovedItem[], organisationKept: boolean): AnonymiseContext {
  // Only full names (two or more words) are reused: a lone "Jan" removed before would match too much.
  const names = removed.filter((item) => item.kind === 'name' && /\S\s+\S/.test(item.value) && !/\p{L}\./u.test(item.value)).map((item) => item.value);
  const organisationNames = removed.filter((item) => item.kind === 'organisation').map((item) => item.value);
  return { names, organisationNames, keepOrganisation: organisationKept };
}
