import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { ARTICLE_INDEX } from '../src/knowledge/article-index.js';
import { createSearchTable, dropSearchTable } from '../src/infra/search/search-index.js';
import { FIRST_PREFIX_LENGTHS, timestampColumn, uuidColumn } from './support.js';

/**
 * The knowledge base: articles with their keuzes, version history, reuse by answers, suggestions
 * (deflection), search analytics, and the full-text index — an FTS5 virtual table on SQLite, a
 * tsvector table with GIN indexes on PostgreSQL (see src/infra/search/search-index.ts).
 */
export class Knowledge1795823380030 implements MigrationInterface {
  name = 'Knowledge1795823380030';

  async up(runner: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => timestampColumn(runner, name, { isNullable: nullable });
    const articleFk = (column = 'article_id') =>
      new TableForeignKey({ columnNames: [column], referencedTableName: 'articles', referencedColumnNames: ['id'], onDelete: 'CASCADE' });

    await runner.createTable(
      new Table({
        name: 'articles',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          uuidColumn('id', { isUnique: true }),
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'question', type: 'text' },
          { name: 'answer', type: 'text' },
          { name: 'answer_html', type: 'text' },
          { name: 'answer_text', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'keuze_ids', type: 'text' },
          { name: 'theme_ids', type: 'text' },
          { name: 'related_article_ids', type: 'text' },
          { name: 'organisation_type', type: 'varchar', length: '30', isNullable: true },
          { name: 'organisation_name', type: 'varchar', length: '200', isNullable: true },
          uuidColumn('source_question_id', { isNullable: true }),
          { name: 'removed_personal_data', type: 'text' },
          { name: 'version', type: 'integer' },
          uuidColumn('created_by', { isNullable: true }),
          uuidColumn('last_author_id', { isNullable: true }),
          ts('created_at'),
          ts('updated_at'),
          ts('published_at', true),
          uuidColumn('published_by', { isNullable: true }),
          ts('last_reviewed_at', true),
          ts('archived_at', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['status', 'published_at'] }),
          new TableIndex({ columnNames: ['status', 'updated_at'] }),
          new TableIndex({ columnNames: ['updated_at'] }),
          new TableIndex({ columnNames: ['source_question_id'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'article_keuzes',
        columns: [
          uuidColumn('article_id', { isPrimary: true }),
          { name: 'keuze_id', type: 'integer', isPrimary: true },
          { name: 'theme_id', type: 'integer' },
          { name: 'article_seq', type: 'integer' },
          { name: 'status', type: 'varchar', length: '20' },
        ],
        foreignKeys: [
          articleFk(),
          new TableForeignKey({ columnNames: ['keuze_id'], referencedTableName: 'keuzes', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['theme_id'], referencedTableName: 'themes', referencedColumnNames: ['id'] }),
        ],
        indices: [
          new TableIndex({ columnNames: ['article_seq', 'keuze_id', 'theme_id'] }),
          new TableIndex({ columnNames: ['keuze_id', 'article_seq'] }),
          new TableIndex({ columnNames: ['theme_id', 'article_seq'] }),
          new TableIndex({ columnNames: ['status', 'keuze_id'] }),
          new TableIndex({ columnNames: ['status', 'theme_id'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'article_versions',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('article_id'),
          { name: 'version', type: 'integer' },
          { name: 'action', type: 'varchar', length: '20' },
          uuidColumn('actor_id', { isNullable: true }),
          ts('changed_at'),
          { name: 'changed_fields', type: 'text' },
          { name: 'snapshot', type: 'text' },
        ],
        foreignKeys: [articleFk()],
        indices: [new TableIndex({ columnNames: ['article_id', 'version'], isUnique: true })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'article_reuse',
        columns: [uuidColumn('id', { isPrimary: true }), uuidColumn('article_id'), uuidColumn('question_id'), ts('reused_at')],
        foreignKeys: [articleFk()],
        indices: [new TableIndex({ columnNames: ['question_id', 'article_id'], isUnique: true }), new TableIndex({ columnNames: ['article_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'article_suggestions',
        columns: [uuidColumn('id', { isPrimary: true }), ts('created_at'), { name: 'article_ids', type: 'text' }, ts('submitted_at', true)],
        indices: [new TableIndex({ columnNames: ['created_at'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'article_suggestion_opens',
        columns: [uuidColumn('id', { isPrimary: true }), uuidColumn('suggestion_id'), uuidColumn('article_id'), ts('opened_at')],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['suggestion_id'], referencedTableName: 'article_suggestions', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          articleFk(),
        ],
        indices: [new TableIndex({ columnNames: ['suggestion_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'knowledge_searches',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          ts('searched_at'),
          { name: 'query_text', type: 'varchar', length: '200', isNullable: true },
          { name: 'query_key', type: 'varchar', length: '300', isNullable: true },
          { name: 'keuze_id', type: 'integer', isNullable: true },
          { name: 'theme_id', type: 'integer', isNullable: true },
          { name: 'status_filter', type: 'varchar', length: '20', isNullable: true },
          { name: 'match_mode', type: 'varchar', length: '3', isNullable: true },
          { name: 'result_count', type: 'integer' },
          { name: 'gap_theme_id', type: 'integer', isNullable: true },
          { name: 'staff', type: 'boolean' },
        ],
        indices: [new TableIndex({ columnNames: ['searched_at'] }), new TableIndex({ columnNames: ['gap_theme_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'knowledge_search_clicks',
        columns: [uuidColumn('id', { isPrimary: true }), uuidColumn('search_id'), uuidColumn('article_id'), ts('clicked_at')],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['search_id'], referencedTableName: 'knowledge_searches', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          articleFk(),
        ],
        indices: [new TableIndex({ columnNames: ['search_id'] })],
      }),
    );
    await createSearchTable(runner, ARTICLE_INDEX, FIRST_PREFIX_LENGTHS); // the lengths this index was first created with; 1795823380080 rebuilds it
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropSearchTable(runner, ARTICLE_INDEX);
    for (const table of [
      'knowledge_search_clicks',
      'knowledge_searches',
      'article_suggestion_opens',
      'article_suggestions',
      'article_reuse',
      'article_versions',
      'article_keuzes',
      'articles',
    ]) {
      await runner.dropTable(table);
    }
  }
}
