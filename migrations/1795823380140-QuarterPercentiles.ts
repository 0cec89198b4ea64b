import { MigrationInterface, QueryRunner } from 'typeorm';
import { isPostgres } from './support.js';

/**
 * The percentiles of one quarter (the dashboard, the quarterly overview, the secretariat's key
 * figures) walked every clock of a keuze or theme in value order, testing each submission date.
 * The per-keuze clock copies now carry their quarter of submission, as the clocks already do, and
 * two indexes put a quarter's clocks of one keuze or theme together in value order.
 */
export class QuarterPercentiles1795823380140 implements MigrationInterface {
  name = 'QuarterPercentiles1795823380140';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE question_sla_keuzes ADD COLUMN period_quarter integer NOT NULL DEFAULT 0');
    await runner.query(
      isPostgres(runner)
        ? `UPDATE question_sla_keuzes k SET period_quarter = s.period_quarter
             FROM question_sla s WHERE s.question_id = k.question_id AND s.kind = k.kind AND s.round = k.round`
        : `UPDATE question_sla_keuzes SET period_quarter = (SELECT s.period_quarter FROM question_sla s
             WHERE s.question_id = question_sla_keuzes.question_id AND s.kind = question_sla_keuzes.kind AND s.round = question_sla_keuzes.round)`,
    );
    // Plain SQL: TypeORM's createIndices first reads the whole table definition back on SQLite.
    await runner.query('CREATE INDEX idx_question_sla_keuzes_keuze_quarter ON question_sla_keuzes (kind, keuze_id, period_quarter, measured_days, organisation_code)');
    await runner.query('CREATE INDEX idx_question_sla_keuzes_theme_quarter ON question_sla_keuzes (kind, theme_id, theme_first, period_quarter, measured_days, organisation_code)');
    // Every row was rewritten: fresh statistics, so the planner knows the new column (VACUUM cannot run in the migration's transaction).
    if (isPostgres(runner)) await runner.query('ANALYZE question_sla_keuzes');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX idx_question_sla_keuzes_theme_quarter');
    await runner.query('DROP INDEX idx_question_sla_keuzes_keuze_quarter');
    await runner.query('ALTER TABLE question_sla_keuzes DROP COLUMN period_quarter');
  }
}
