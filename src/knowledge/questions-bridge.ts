import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { ForbiddenError } from '../common/domain-errors.js';
import { pageOf, type Page } from '../common/pagination.js';
import type { Principal } from '../accounts/principal.js';
import { User } from '../accounts/user.entity.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, queryRows } from '../infra/database/sql.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { QuestionHooks } from '../questions/question-hooks.js';
import { Question, QuestionEvent, QuestionKeuze, QuestionMessage } from '../questions/question.entities.js';
import type { QuestionDto, QuestionQuery } from '../questions/questions.dto.js';
import { QuestionsService } from '../questions/questions.service.js';
import { QuestionScope, seesAllQuestions } from '../questions/question-visibility.js';
import { KnowledgeService } from './knowledge.service.js';
import { QUESTION_INDEX, QUESTION_KEYS_TABLE, questionSearchDocument } from './question-index.js';
import { QUESTION_SOURCE, QuestionForPublication, QuestionSourceBinding } from './question-source.js';
import { SearchIndex, databaseKindOf } from '../infra/search/search-index.js';
import { highlight, parseQuery } from '../infra/search/dutch-analyzer.js';

/** Events after which a question's indexed text changes. */
const REINDEX_ON = new Set(['submitted', 'answered']);

/**
 * Where the knowledge base meets the questions: publication drafts from answered questions,
 * answering by reference (reuse), deflection by suggestions, and staff search over questions with
 * the same Dutch engine as the articles. Registered as a question extension, so the questions
 * module does not depend on the knowledge base.
 */
@Injectable()
export class QuestionsBridge implements OnModuleInit {
  private readonly index = new SearchIndex(QUESTION_INDEX);

  constructor(
    private readonly db: Database,
    private readonly hooks: QuestionHooks,
    private readonly questions: QuestionsService,
    private readonly knowledge: KnowledgeService,
    @Inject(QUESTION_SOURCE) private readonly source: QuestionSourceBinding,
  ) {}

  onModuleInit(): void {
    this.source.bind({ getForPublication: (id, author) => this.forPublication(id, author) });
    this.hooks.register({
      afterSubmit: async (m, q) => {
        if (q.suggestionId) await this.knowledge.markSuggestionSubmitted(m, q.suggestionId);
      },
      afterEvent: async (m, event, context) => {
        if (REINDEX_ON.has(event.type)) await this.reindex(m, event.questionId, context.question);
      },
      afterEvents: async (m, events) => {
        const reindexed = events.filter(({ event }) => REINDEX_ON.has(event.type));
        await this.indexQuestions(m, reindexed.flatMap(({ context }) => (context.question ? [context.question] : [])));
        for (const { event, context } of reindexed) if (!context.question) await this.reindex(m, event.questionId);
      },
      validateArticles: (m, ids) => this.knowledge.validateArticles(m, ids),
      recordReuse: async (m, questionId, ids) => {
        await this.knowledge.recordReuse(m, questionId, ids);
      },
      search: (principal, query, toDtos, visible) => this.search(query, toDtos, visible),
    });
  }

  /** Writes the question's current text to the index, in the caller's transaction; `known` is the question as the event's writer has it (no read back). */
  private async reindex(m: EntityManager, questionId: string, known?: Question): Promise<void> {
    const q = known ?? (await m.findOneBy(Question, { id: questionId }));
    if (q) await this.indexQuestions(m, [q]);
  }

  /**
   * Writes the questions' current texts to the index. Questions seen for the first time get their
   * integer keys with one statement and, as nothing can be indexed under a new key, their documents
   * with one more (no delete first); the others replace their documents under their known keys.
   */
  private async indexQuestions(m: EntityManager, questions: Question[]): Promise<void> {
    const byId = new Map(questions.map((q) => [q.id, q]));
    if (byId.size === 0) return;
    const kind = databaseKindOf(m);
    const p = new SqlParams(kind);
    const values = [...byId.keys()].map((id) => `(${p.add(id)})`).join(', ');
    const keyed = (rows: { seq: number; question_id: string }[]) => rows.map((r) => ({ seq: Number(r.seq), q: byId.get(String(r.question_id))! }));
    const fresh = keyed(
      await queryRows(m, `INSERT INTO ${QUESTION_KEYS_TABLE} (question_id) VALUES ${values} ON CONFLICT (question_id) DO NOTHING RETURNING seq, question_id`, p.values),
    );
    await this.index.indexMany(m, fresh.map(({ seq, q }) => questionSearchDocument(seq, q)));
    const known = [...byId.keys()].filter((id) => !fresh.some(({ q }) => q.id === id));
    if (known.length === 0) return;
    const k = new SqlParams(kind);
    const existing = keyed(await queryRows(m, `SELECT seq, question_id FROM ${QUESTION_KEYS_TABLE} WHERE question_id IN (${k.list(known)})`, k.values));
    for (const { seq, q } of existing) await this.index.index(m, questionSearchDocument(seq, q));
  }

  /**
   * Staff search: matches among the questions the caller may see (`visible`, the rule of the list and
   * the detail), so hits, snippets and the total never reveal another question.
   */
  private async search(query: QuestionQuery, toDtos: (rows: Question[]) => Promise<QuestionDto[]>, visible: QuestionScope): Promise<Page<QuestionDto>> {
    const parsed = parseQuery(query.q ?? '');
    const m = this.db.manager;
    const restrict = (p: SqlParams): string => {
      const condition = visible('vq', (value) => p.add(value));
      return condition === null ? '1 = 1' : `rowid IN (SELECT vs.seq FROM ${QUESTION_KEYS_TABLE} vs JOIN questions vq ON vq.id = vs.question_id WHERE ${condition})`;
    };
    const outcome = await this.index.search(m, parsed, { restrict }, { offset: query.offset, limit: query.pageSize });
    const seqs = outcome.hits.map((h) => h.rowid);
    if (seqs.length === 0) return pageOf([], outcome.total, query, outcome.totalExact);
    const p = databaseKindOf(m) === 'postgres' ? seqs.map((_, i) => `$${i + 1}`) : seqs.map(() => '?');
    const keys = (await m.query(`SELECT seq, question_id FROM ${QUESTION_KEYS_TABLE} WHERE seq IN (${p.join(', ')})`, seqs)) as { seq: number; question_id: string }[];
    const bySeq = new Map(keys.map((k) => [Number(k.seq), k.question_id]));
    const questions = await m.findBy(Question, { id: In([...bySeq.values()]) });
    const byId = new Map(questions.map((q) => [q.id, q]));
    const ordered = seqs.map((s) => byId.get(bySeq.get(s)!)).filter((q): q is Question => !!q);
    const dtos = await toDtos(ordered);
    return pageOf(
      dtos.map((dto, i) => ({ ...dto, snippet: highlight(`${ordered[i].title} ${ordered[i].body} ${ordered[i].answerBody ?? ''}`, parsed) })),
      outcome.total,
      query,
      outcome.totalExact,
    );
  }

  /**
   * A question's material for a draft article, with every person involved named for removal. Only
   * for those who handled it: its assignee, the expert who answered it, coordinators and the
   * secretariat. Someone who may not see the question gets a 404 (visibility); someone who may see
   * but did not handle it (a former assignee, an expert reading answers in their keuzes) a 403.
   */
  private async forPublication(id: string, author: Principal): Promise<QuestionForPublication | null> {
    const m = this.db.manager;
    const q = await this.questions.findVisible(m, author, id);
    if (!q.answerBody) return null;
    const handled =
      seesAllQuestions(author) ||
      q.assigneeId === author.user.id ||
      (await m.existsBy(QuestionEvent, { questionId: id, type: 'answered', actorId: author.user.id }));
    if (!handled) throw new ForbiddenError('Alleen wie de vraag behandelde, coördinatoren en het secretariaat kunnen er een artikel van maken.');
    const [keuzes, organisation, events, messages] = await Promise.all([
      m.findBy(QuestionKeuze, { questionId: id }),
      m.findOneBy(Organisation, { code: q.organisationCode }),
      m.find(QuestionEvent, { select: { actorId: true }, where: { questionId: id } }),
      m.find(QuestionMessage, { select: { authorId: true }, where: { questionId: id } }),
    ]);
    const people = [q.requesterId, q.assigneeId, ...events.map((e) => e.actorId), ...messages.map((x) => x.authorId)].filter((x): x is string => !!x);
    const users = await m.find(User, { select: { id: true, displayName: true }, where: { id: In([...new Set(people)]) } });
    return {
      title: q.title,
      body: q.body,
      answerBody: q.answerBody,
      keuzeIds: keuzes.map((k) => k.keuzeId).sort((a, b) => a - b),
      organisationType: organisation?.type ?? null,
      organisationName: organisation?.name ?? null,
      consentToNameOrganisation: q.consentToNameOrganisation,
      personNames: users.map((u) => u.displayName),
    };
  }
}
