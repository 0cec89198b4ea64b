import { MigrationInterface, QueryRunner } from 'typeorm';
import { ARTICLE_INDEX } from '../src/knowledge/article-index.js';
import { createSearchTermsTable, dropSearchTermsTable } from '../src/infra/search/search-index.js';

/**
 * PostgreSQL: a table of the article index's lexemes (`article_fts_terms`, kept up to date by triggers),
 * so the search's any-term fallback drops a word that occurs nowhere first, as it does on SQLite with
 * fts5vocab (see SearchIndexDefinition.postgresTerms). SQLite: nothing to do.
 */
export class SearchTerms1795823380090 implements MigrationInterface {
  name = 'SearchTerms1795823380090';

  async up(runner: QueryRunner): Promise<void> {
    await createSearchTermsTable(runner, ARTICLE_INDEX);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropSearchTermsTable(runner, ARTICLE_INDEX);
  }
}
