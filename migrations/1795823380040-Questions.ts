import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { timestampColumn, uuidColumn } from './support.js';

/** Questions with their keuzes, timeline, messages, attachments and ratings; reference counters per year. */
export class Questions1795823380040 implements MigrationInterface {
  name = 'Questions1795823380040';

  async up(runner: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => timestampColumn(runner, name, { isNullable: nullable });
    const questionFk = () =>
      new TableForeignKey({ columnNames: ['question_id'], referencedTableName: 'questions', referencedColumnNames: ['id'], onDelete: 'CASCADE' });
    const userFk = (column: string) => new TableForeignKey({ columnNames: [column], referencedTableName: 'users', referencedColumnNames: ['id'] });

    await runner.createTable(
      new Table({
        name: 'reference_counters',
        columns: [
          { name: 'year', type: 'integer', isPrimary: true },
          { name: 'last_number', type: 'integer' },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'questions',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'reference', type: 'varchar', length: '30', isUnique: true },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text' },
          { name: 'context', type: 'varchar', length: '200', isNullable: true },
          { name: 'organisation_code', type: 'varchar', length: '20' },
          uuidColumn('requester_id'),
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'priority', type: 'varchar', length: '10', default: "'normal'" },
          uuidColumn('assignee_id', { isNullable: true }),
          { name: 'desired_answer_date', type: 'date', isNullable: true },
          { name: 'routing_note', type: 'text', isNullable: true },
          { name: 'assignment_count', type: 'integer', default: 0 },
          { name: 'needs_handover', type: 'boolean', default: false },
          { name: 'answer_body', type: 'text', isNullable: true },
          { name: 'referred_to', type: 'varchar', length: '200', isNullable: true },
          { name: 'reopen_count', type: 'integer', default: 0 },
          uuidColumn('suggestion_id', { isNullable: true }),
          { name: 'consent_to_name_organisation', type: 'boolean', default: false },
          ts('submitted_at'),
          ts('assigned_at', true),
          ts('answered_at', true),
          ts('closed_at', true),
          ts('auto_close_at', true),
          ts('updated_at'),
          { name: 'version', type: 'integer', default: 1 },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['organisation_code'], referencedTableName: 'organisations', referencedColumnNames: ['code'] }),
          userFk('requester_id'),
          userFk('assignee_id'),
        ],
        indices: [
          new TableIndex({ columnNames: ['status', 'submitted_at'] }),
          new TableIndex({ columnNames: ['assignee_id', 'status'] }),
          new TableIndex({ columnNames: ['requester_id'] }),
          new TableIndex({ columnNames: ['organisation_code'] }),
          new TableIndex({ columnNames: ['submitted_at'] }),
          new TableIndex({ columnNames: ['auto_close_at'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'question_keuzes',
        columns: [
          uuidColumn('question_id', { isPrimary: true }),
          { name: 'keuze_id', type: 'integer', isPrimary: true },
          { name: 'theme_id', type: 'integer' },
        ],
        foreignKeys: [questionFk(), new TableForeignKey({ columnNames: ['keuze_id'], referencedTableName: 'keuzes', referencedColumnNames: ['id'] })],
        indices: [new TableIndex({ columnNames: ['keuze_id'] }), new TableIndex({ columnNames: ['theme_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'question_events',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('question_id'),
          { name: 'type', type: 'varchar', length: '30' },
          uuidColumn('actor_id', { isNullable: true }),
          { name: 'from_status', type: 'varchar', length: '20', isNullable: true },
          { name: 'to_status', type: 'varchar', length: '20', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
          ts('occurred_at'),
        ],
        foreignKeys: [questionFk()],
        indices: [new TableIndex({ columnNames: ['question_id', 'occurred_at'] }), new TableIndex({ columnNames: ['type', 'occurred_at'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'question_messages',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('question_id'),
          uuidColumn('author_id'),
          { name: 'body', type: 'text' },
          { name: 'internal', type: 'boolean', default: false },
          ts('created_at'),
        ],
        foreignKeys: [questionFk(), userFk('author_id')],
        indices: [new TableIndex({ columnNames: ['question_id', 'created_at'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'question_attachments',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('question_id'),
          { name: 'filename', type: 'varchar', length: '255' },
          { name: 'content_type', type: 'varchar', length: '120' },
          { name: 'size', type: 'integer' },
          { name: 'sha256', type: 'varchar', length: '64' },
          uuidColumn('uploaded_by'),
          ts('created_at'),
        ],
        foreignKeys: [questionFk(), userFk('uploaded_by')],
        indices: [new TableIndex({ columnNames: ['question_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'question_ratings',
        columns: [
          uuidColumn('question_id', { isPrimary: true }),
          { name: 'score', type: 'integer' },
          { name: 'comment', type: 'text', isNullable: true },
          ts('created_at'),
        ],
        foreignKeys: [questionFk()],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['question_ratings', 'question_attachments', 'question_messages', 'question_events', 'question_keuzes', 'questions', 'reference_counters']) {
      await runner.dropTable(table);
    }
  }
}
