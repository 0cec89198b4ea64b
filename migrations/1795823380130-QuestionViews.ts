import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { timestampColumn, uuidColumn } from './support.js';

/**
 * Who of the staff last had a question open, and when: one row per question and person, raised by
 * an upsert per view, so a question's page can say "<naam> bekeek deze vraag 2 minuten geleden"
 * before two people edit the same question. The rows go with their question or person.
 */
export class QuestionViews1795823380130 implements MigrationInterface {
  name = 'QuestionViews1795823380130';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'question_views',
        columns: [uuidColumn('question_id', { isPrimary: true }), uuidColumn('user_id', { isPrimary: true }), timestampColumn(runner, 'last_seen_at')],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['question_id'], referencedTableName: 'questions', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
        // The page reads the recent views of one question.
        indices: [new TableIndex({ columnNames: ['question_id', 'last_seen_at'] })],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('question_views');
  }
}
