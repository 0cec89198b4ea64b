import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { createSearchTable, dropSearchTable } from '../src/infra/search/search-index.js';
import { QUESTION_INDEX, QUESTION_KEYS_TABLE } from '../src/questions/question-index.js';
import { FIRST_PREFIX_LENGTHS, uuidColumn } from './support.js';

/** Full-text index of questions (title, body, answer) for staff search, on both databases. */
export class QuestionSearch1795823380060 implements MigrationInterface {
  name = 'QuestionSearch1795823380060';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: QUESTION_KEYS_TABLE,
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          uuidColumn('question_id', { isUnique: true }),
        ],
      }),
    );
    await createSearchTable(runner, QUESTION_INDEX, FIRST_PREFIX_LENGTHS); // the lengths this index was first created with; 1795823380080 rebuilds it
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropSearchTable(runner, QUESTION_INDEX);
    await runner.dropTable(QUESTION_KEYS_TABLE);
  }
}
