import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, queryRows } from '../infra/database/sql.js';
import { SearchIndex } from '../infra/search/search-index.js';
import { highlight, parseQuery } from '../infra/search/dutch-analyzer.js';
import { Question } from './question.entities.js';
import { QuestionEvents } from './question-events.js';
import { QUESTION_INDEX, QUESTION_KEYS_TABLE, questionSearchDocument } from './question-index.js';
import type { QuestionScope } from './question-visibility.js';

/** Events after which a question's indexed text changes. */
const REINDEX_ON = new Set(['submitted', 'answered']);

/** A page of staff search hits, best first, with their snippets. */
export interface QuestionHits {
  questions: Question[];
  snippets: string[];
  total: number;
  totalExact: boolean;
}

/**
 * The questions' full-text index (the engine of src/infra/search), kept in the transaction of the
 * events that change a question's text, and the staff search over it.
 */
@Injectable()
export class QuestionSearch implements OnModuleInit {
  private readonly index = new SearchIndex(QUESTION_INDEX);

  constructor(
    private readonly db: Database,
    private readonly events: QuestionEvents,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (m, recorded) => {
      await this.indexQuestions(m, recorded.filter(({ event }) => REINDEX_ON.has(event.type)).map(({ question }) => question));
    });
  }

  /**
   * Writes the questions' current texts to the index. Questions seen for the first time get their
   * integer keys with one statement and, as nothing can be indexed under a new key, their documents
   * with one more (no delete first); the others replace their documents under their known keys.
   */
  private async indexQuestions(m: EntityManager, questions: readonly Pick<Question, 'id' | 'title' | 'body' | 'answerBody'>[]): Promise<void> {
    const byId = new Map(questions.map((q) => [q.id, q]));
    if (byId.size === 0) return;
    const p = new SqlParams(this.db.kind);
    const values = [...byId.keys()].map((id) => `(${p.add(id)})`).join(', ');
    const keyed = (rows: { seq: number; question_id: string }[]) => rows.map((r) => ({ seq: Number(r.seq), q: byId.get(String(r.question_id))! }));
    const fresh = keyed(
      await queryRows(m, `INSERT INTO ${QUESTION_KEYS_TABLE} (question_id) VALUES ${values} ON CONFLICT (question_id) DO NOTHING RETURNING seq, question_id`, p.values),
    );
    await this.index.indexMany(m, fresh.map(({ seq, q }) => questionSearchDocument(seq, q)));
    const known = [...byId.keys()].filter((id) => !fresh.some(({ q }) => q.id === id));
    if (known.length === 0) return;
    const k = new SqlParams(this.db.kind);
    const existing = keyed(await queryRows(m, `SELECT seq, question_id FROM ${QUESTION_KEYS_TABLE} WHERE question_id IN (${k.list(known)})`, k.values));
    for (const { seq, q } of existing) await this.index.index(m, questionSearchDocument(seq, q));
  }

  /**
   * Matches among the questions the caller may see (`visible`, the rule of the list and the detail),
   * so hits, snippets and the total never reveal another question.
   */
  async search(text: string, page: { offset: number; limit: number }, visible: QuestionScope): Promise<QuestionHits> {
    const parsed = parseQuery(text);
    const m = this.db.manager;
    const restrict = (p: SqlParams): string => {
      const condition = visible('vq', (value) => p.add(value));
      return condition === null ? '1 = 1' : `rowid IN (SELECT vs.seq FROM ${QUESTION_KEYS_TABLE} vs JOIN questions vq ON vq.id = vs.question_id WHERE ${condition})`;
    };
    const outcome = await this.index.search(m, parsed, { restrict }, page);
    const seqs = outcome.hits.map((h) => h.rowid);
    if (seqs.length === 0) return { questions: [], snippets: [], total: outcome.total, totalExact: outcome.totalExact };
    const p = new SqlParams(this.db.kind);
    const keys = await queryRows<{ seq: number; question_id: string }>(m, `SELECT seq, question_id FROM ${QUESTION_KEYS_TABLE} WHERE seq IN (${p.list(seqs)})`, p.values);
    const bySeq = new Map(keys.map((k) => [Number(k.seq), k.question_id]));
    const found = await m.findBy(Question, { id: In([...bySeq.values()]) });
    const byId = new Map(found.map((q) => [q.id, q]));
    const questions = seqs.map((s) => byId.get(bySeq.get(s)!)).filter((q): q is Question => !!q);
    return {
      questions,
      snippets: questions.map((q) => highlight(`${q.title} ${q.body} ${q.answerBody ?? ''}`, parsed)),
      total: outcome.total,
      totalExact: outcome.totalExact,
    };
  }
}
