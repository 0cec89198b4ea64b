import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { insertRows, isPostgres, timestampColumn, uuidColumn } from './support.js';

/** Columns of question_sla that group a breakdown (each with its own index). */
export const SLA_DIMENSIONS = ['organisation_type', 'province_code', 'period_month', 'period_quarter', 'assignee_id'] as const;

const QUESTION_INDEXES: [string, string[]][] = [
  ['idx_questions_statistics', ['submitted_at', 'status', 'organisation_code', 'reopen_count', 'answered_at', 'assignee_id', 'id']],
  ['idx_questions_statistics_organisation', ['organisation_code', 'submitted_at', 'status', 'reopen_count', 'answered_at', 'id']],
  ['idx_questions_statistics_assignee', ['assignee_id', 'submitted_at', 'status', 'reopen_count', 'answered_at', 'organisation_code', 'id']],
  // Joins from question_keuzes, ratings and article reuse look a question up here instead of in its (wide) table row.
  ['idx_questions_statistics_id', ['id', 'submitted_at', 'status', 'organisation_code', 'reopen_count', 'answered_at', 'assignee_id']],
];
const KEUZE_INDEXES: [string, string[]][] = [
  ['idx_question_keuzes_statistics_keuze', ['keuze_id', 'question_id', 'theme_id']],
  ['idx_question_keuzes_statistics_theme', ['theme_id', 'question_id', 'keuze_id']],
];

/**
 * Service levels and the statistics built on them: SLA policies per priority, closure days of
 * the secretariat (extra non-working days for the calendar), one `question_sla` row per question
 * and clock (first response, answer, each reopening's answer) with its measured working time, and
 * the SLA event log. Plus the indexes the statistics need (aggregations run in SQL).
 */
export class ServiceLevels1795823380050 implements MigrationInterface {
  name = 'ServiceLevels1795823380050';

  async up(runner: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => timestampColumn(runner, name, { isNullable: nullable });
    const questionFk = () =>
      new TableForeignKey({ columnNames: ['question_id'], referencedTableName: 'questions', referencedColumnNames: ['id'], onDelete: 'CASCADE' });
    // REAL on SQLite, float8 on PostgreSQL (TypeORM's 'real' would be float4 there).
    const double = 'double precision';

    await runner.createTable(
      new Table({
        name: 'sla_policies',
        columns: [
          { name: 'priority', type: 'varchar', length: '10', isPrimary: true },
          { name: 'first_response_days', type: double },
          { name: 'answer_days', type: double },
          { name: 'reminder_pct', type: 'integer', default: 80 },
          ts('updated_at'),
          uuidColumn('updated_by', { isNullable: true }),
          { name: 'recompute_pending', type: 'boolean', default: false },
        ],
      }),
    );
    const now = isPostgres(runner) ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    await insertRows(runner, 'sla_policies', [
      { priority: 'normal', first_response_days: 2, answer_days: 10, reminder_pct: 80, updated_at: now, recompute_pending: false },
      { priority: 'urgent', first_response_days: 1, answer_days: 5, reminder_pct: 80, updated_at: now, recompute_pending: false },
    ]);

    await runner.createTable(
      new Table({
        name: 'calendar_closures',
        columns: [
          // 'YYYY-MM-DD' in Europe/Amsterdam.
          { name: 'day', type: 'varchar', length: '10', isPrimary: true },
          { name: 'reason', type: 'varchar', length: '200', isNullable: true },
          uuidColumn('created_by', { isNullable: true }),
          ts('created_at'),
          // Removed closures stay as rows until their recompute ran, so a lost job is found again.
          ts('deleted_at', true),
          ts('changed_at'),
          { name: 'recompute_pending', type: 'boolean', default: true },
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'question_sla',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('question_id'),
          // first_response | answer | reopen_answer
          { name: 'kind', type: 'varchar', length: '20' },
          // 0 for first_response and answer; n for the answer after the n-th reopening.
          { name: 'round', type: 'integer', default: 0 },
          { name: 'priority', type: 'varchar', length: '10' },
          { name: 'target_days', type: double },
          // Copies of the question's (immutable) submission time and organisation, so statistics filter without a join.
          ts('submitted_at'),
          { name: 'organisation_code', type: 'varchar', length: '20' },
          // Statistics dimensions of the question, so every breakdown reads one index in group order:
          // organisation type and province (of the organisation, immutable), month and quarter of
          // submission in Europe/Amsterdam (YYYYMM, YYYYQ) and the current assignee (kept up to date).
          { name: 'organisation_type', type: 'varchar', length: '30' },
          { name: 'province_code', type: 'varchar', length: '10', isNullable: true },
          { name: 'period_month', type: 'integer' },
          { name: 'period_quarter', type: 'integer' },
          uuidColumn('assignee_id', { isNullable: true }),
          ts('started_at'),
          ts('due_at', true),
          ts('remind_at', true),
          { name: 'paused_ms', type: double, default: 0 },
          ts('paused_since', true),
          ts('stopped_at', true),
          { name: 'cancelled', type: 'boolean', default: false },
          { name: 'measured_ms', type: double, isNullable: true },
          { name: 'measured_days', type: double, isNullable: true },
          { name: 'met', type: 'boolean', isNullable: true },
          ts('breached_at', true),
          ts('reminded_at', true),
          ts('breach_notified_at', true),
          // Next moment a reminder or breach mail is due; null when nothing is (the reconciler's index).
          ts('alarm_at', true),
          ts('updated_at'),
        ],
        foreignKeys: [questionFk()],
        indices: [
          new TableIndex({ columnNames: ['question_id', 'kind', 'round'], isUnique: true }),
          new TableIndex({ columnNames: ['alarm_at'] }),
          new TableIndex({ columnNames: ['stopped_at'] }),
          // Statistics: nearest-rank percentiles read in value order (LIMIT 1 OFFSET k − 1), no sort…
          new TableIndex({ name: 'idx_question_sla_percentiles', columnNames: ['kind', 'measured_days', 'submitted_at', 'organisation_code', 'question_id'] }),
          // …and counts and verdicts over a period, without reading the table rows…
          new TableIndex({ name: 'idx_question_sla_verdicts', columnNames: ['kind', 'submitted_at', 'organisation_code', 'measured_days', 'met', 'question_id'] }),
          // …and per dimension: counts, verdicts and percentiles of every group in one ordered pass.
          ...SLA_DIMENSIONS.map((column) => new TableIndex({ name: `idx_question_sla_${column}`, columnNames: ['kind', column, 'measured_days', 'met', 'submitted_at', 'organisation_code'] })),
        ],
      }),
    );

    // The clocks once more per keuze of the question (a question about two keuzes counts in both),
    // for the breakdowns and percentiles per keuze and per theme (theme_first: once per theme).
    await runner.createTable(
      new Table({
        name: 'question_sla_keuzes',
        columns: [
          uuidColumn('question_id', { isPrimary: true }),
          { name: 'kind', type: 'varchar', length: '20', isPrimary: true },
          { name: 'round', type: 'integer', isPrimary: true },
          { name: 'keuze_id', type: 'integer', isPrimary: true },
          { name: 'theme_id', type: 'integer' },
          { name: 'theme_first', type: 'boolean' },
          { name: 'measured_days', type: double, isNullable: true },
          { name: 'met', type: 'boolean', isNullable: true },
          ts('submitted_at'),
          { name: 'organisation_code', type: 'varchar', length: '20' },
        ],
        foreignKeys: [questionFk()],
        indices: [
          new TableIndex({ name: 'idx_question_sla_keuzes_keuze', columnNames: ['kind', 'keuze_id', 'measured_days', 'met', 'submitted_at', 'organisation_code'] }),
          new TableIndex({ name: 'idx_question_sla_keuzes_theme', columnNames: ['kind', 'theme_id', 'theme_first', 'measured_days', 'met', 'submitted_at', 'organisation_code'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'sla_events',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('question_id'),
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'round', type: 'integer', default: 0 },
          // started | paused | resumed | met | breached | stopped | cancelled
          { name: 'type', type: 'varchar', length: '20' },
          ts('occurred_at'),
          { name: 'details', type: 'text', isNullable: true },
        ],
        foreignKeys: [questionFk()],
        indices: [new TableIndex({ columnNames: ['question_id', 'occurred_at'] })],
      }),
    );

    // Statistics: covering indexes, so period scans and groupings per organisation or expert read
    // index entries in group order instead of table rows (SQLite has no hash aggregation).
    for (const [name, columns] of QUESTION_INDEXES) await runner.createIndex('questions', new TableIndex({ name, columnNames: columns }));
    for (const [name, columns] of KEUZE_INDEXES) await runner.createIndex('question_keuzes', new TableIndex({ name, columnNames: columns }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [name] of KEUZE_INDEXES) await runner.dropIndex('question_keuzes', name);
    for (const [name] of QUESTION_INDEXES) await runner.dropIndex('questions', name);
    for (const table of ['sla_events', 'question_sla_keuzes', 'question_sla', 'calendar_closures', 'sla_policies']) await runner.dropTable(table);
  }
}
