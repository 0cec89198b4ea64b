import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { uuidColumn } from './support.js';

/**
 * Opens of knowledge-base articles per day (Europe/Amsterdam), for "most opened": one counter row
 * per article and day, raised by a single upsert per open. No identity, no time of day: only the
 * number. The rows go with their article.
 */
export class ArticleOpens1795823380110 implements MigrationInterface {
  name = 'ArticleOpens1795823380110';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'article_opens',
        columns: [uuidColumn('article_id', { isPrimary: true }), { name: 'day', type: 'varchar', length: '10', isPrimary: true }, { name: 'opens', type: 'integer' }],
        foreignKeys: [new TableForeignKey({ columnNames: ['article_id'], referencedTableName: 'articles', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
        // "Most opened in the last N days" reads a range of days.
        indices: [new TableIndex({ columnNames: ['day', 'article_id'] })],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('article_opens');
  }
}
