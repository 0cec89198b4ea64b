import { MigrationInterface, QueryRunner } from 'typeorm';
import { ARTICLE_INDEX, articleSearchDocument } from '../src/knowledge/article-index.js';
import { QUESTION_INDEX, QUESTION_KEYS_TABLE, questionSearchDocument } from '../src/questions/question-index.js';
import type { ArticleStatus } from '../src/knowledge/article-vocabulary.js';
import { SearchDocument, SQLITE_PREFIX_LENGTHS, rebuildSearchTable } from '../src/infra/search/search-index.js';
import { FIRST_PREFIX_LENGTHS } from './support.js';

const BATCH = 500;

/**
 * SQLite: FTS5 prefix indexes for every usual stem length (2–20) instead of 3, 5 and 7, on the article
 * and question indexes — each query term is a prefix term, and a prefix without an index of its exact
 * length merges the doclists of all terms that begin with it (see SQLITE_PREFIX_LENGTHS). The indexes
 * are rebuilt from the articles and questions tables. PostgreSQL has no prefix indexes: nothing to do.
 */
export class SearchPrefixIndexes1795823380080 implements MigrationInterface {
  name = 'SearchPrefixIndexes1795823380080';

  async up(runner: QueryRunner): Promise<void> {
    await this.rebuild(runner, SQLITE_PREFIX_LENGTHS);
  }

  async down(runner: QueryRunner): Promise<void> {
    await this.rebuild(runner, FIRST_PREFIX_LENGTHS);
  }

  private async rebuild(runner: QueryRunner, prefixLengths: readonly number[]): Promise<void> {
    await rebuildSearchTable(runner, ARTICLE_INDEX, articleDocuments(runner), prefixLengths);
    await rebuildSearchTable(runner, QUESTION_INDEX, questionDocuments(runner), prefixLengths);
  }
}

interface ArticleRow {
  seq: number;
  title: string;
  question: string;
  answer_text: string;
  status: ArticleStatus;
  keuze_ids: string;
  theme_ids: string;
}

async function* articleDocuments(runner: QueryRunner): AsyncIterable<SearchDocument[]> {
  yield* batches<ArticleRow>(runner, 'SELECT seq, title, question, answer_text, status, keuze_ids, theme_ids FROM articles', 'seq', (row) =>
    articleSearchDocument({
      seq: row.seq,
      title: row.title,
      question: row.question,
      answerText: row.answer_text,
      status: row.status,
      keuzeIds: JSON.parse(row.keuze_ids) as number[],
      themeIds: JSON.parse(row.theme_ids) as number[],
    }),
  );
}

async function* questionDocuments(runner: QueryRunner): AsyncIterable<SearchDocument[]> {
  yield* batches<{ seq: number; title: string; body: string; answer_body: string | null }>(
    runner,
    `SELECT k.seq, q.title, q.body, q.answer_body FROM ${QUESTION_KEYS_TABLE} k JOIN questions q ON q.id = k.question_id`,
    'k.seq',
    (row) => questionSearchDocument(row.seq, { title: row.title, body: row.body, answerBody: row.answer_body }),
  );
}

/** The rows of `select` in batches by ascending `key` (keyset paging, so memory stays flat), as documents. */
async function* batches<T extends { seq: number }>(runner: QueryRunner, select: string, key: string, toDocument: (row: T) => SearchDocument): AsyncIterable<SearchDocument[]> {
  let after = 0;
  for (;;) {
    const rows = (await runner.query(`${select} WHERE ${key} > ? ORDER BY ${key} LIMIT ${BATCH}`, [after])) as T[];
    if (rows.length === 0) return;
    yield rows.map(toDocument);
    after = Number(rows[rows.length - 1].seq);
  }
}
