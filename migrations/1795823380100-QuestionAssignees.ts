import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { isPostgres, uuidColumn } from './support.js';

/**
 * Every expert a question was ever assigned to, for the visibility rule (experts see the questions
 * they are or were assigned; src/questions/question-visibility.ts). Kept by triggers on
 * `questions.assignee_id`, so no way of assigning (routing, a coordinator, bulk demo data) can
 * forget a row. Filled from the current assignees and the timeline of existing questions.
 */
export class QuestionAssignees1795823380100 implements MigrationInterface {
  name = 'QuestionAssignees1795823380100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'question_assignees',
        columns: [uuidColumn('user_id', { isPrimary: true }), uuidColumn('question_id', { isPrimary: true })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['question_id'], referencedTableName: 'questions', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
        indices: [new TableIndex({ columnNames: ['question_id'] })],
      }),
    );
    if (isPostgres(runner)) {
      await runner.query(`CREATE FUNCTION question_assignees_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO question_assignees (user_id, question_id) SELECT assignee_id, id FROM new_rows WHERE assignee_id IS NOT NULL ON CONFLICT DO NOTHING;
          RETURN NULL;
        END $$`);
      await runner.query(`CREATE FUNCTION question_assignees_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO question_assignees (user_id, question_id) VALUES (NEW.assignee_id, NEW.id) ON CONFLICT DO NOTHING;
          RETURN NULL;
        END $$`);
      // Bulk inserts (demo data) run the function once per statement; assignments once per row.
      await runner.query(
        `CREATE TRIGGER question_assignees_inserted AFTER INSERT ON questions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION question_assignees_inserted()`,
      );
      await runner.query(
        `CREATE TRIGGER question_assignees_changed AFTER UPDATE OF assignee_id ON questions FOR EACH ROW
         WHEN (NEW.assignee_id IS NOT NULL AND NEW.assignee_id IS DISTINCT FROM OLD.assignee_id) EXECUTE FUNCTION question_assignees_changed()`,
      );
    } else {
      await runner.query(
        `CREATE TRIGGER question_assignees_inserted AFTER INSERT ON questions WHEN NEW.assignee_id IS NOT NULL
         BEGIN INSERT OR IGNORE INTO question_assignees (user_id, question_id) VALUES (NEW.assignee_id, NEW.id); END`,
      );
      await runner.query(
        `CREATE TRIGGER question_assignees_changed AFTER UPDATE OF assignee_id ON questions WHEN NEW.assignee_id IS NOT NULL AND NEW.assignee_id IS NOT OLD.assignee_id
         BEGIN INSERT OR IGNORE INTO question_assignees (user_id, question_id) VALUES (NEW.assignee_id, NEW.id); END`,
      );
    }
    // Existing questions: the current assignee, and every expert the timeline names as assigned
    // (routed or assigned: `chosenExpertId` of the router's note or `expertId` of a coordinator's
    // assignment) or as having declined.
    const field = (name: string) => (isPostgres(runner) ? `(e.details::json ->> '${name}')` : `json_extract(e.details, '$.${name}')`);
    const ignore = isPostgres(runner) ? '' : ' OR IGNORE';
    const conflict = isPostgres(runner) ? ' ON CONFLICT DO NOTHING' : '';
    await runner.query(`INSERT${ignore} INTO question_assignees (user_id, question_id) SELECT assignee_id, id FROM questions WHERE assignee_id IS NOT NULL${conflict}`);
    await runner.query(
      `INSERT${ignore} INTO question_assignees (user_id, question_id)
       SELECT DISTINCT u.id, e.question_id FROM question_events e
         JOIN users u ON u.id = COALESCE(${field('expertId')}, ${field('chosenExpertId')})
        WHERE e.type IN ('routed', 'assigned', 'declined') AND e.details IS NOT NULL${conflict}`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    if (isPostgres(runner)) {
      await runner.query('DROP TRIGGER IF EXISTS question_assignees_inserted ON questions');
      await runner.query('DROP TRIGGER IF EXISTS question_assignees_changed ON questions');
      await runner.query('DROP FUNCTION IF EXISTS question_assignees_inserted()');
      await runner.query('DROP FUNCTION IF EXISTS question_assignees_changed()');
    } else {
      await runner.query('DROP TRIGGER IF EXISTS question_assignees_inserted');
      await runner.query('DROP TRIGGER IF EXISTS question_assignees_changed');
    }
    await runner.dropTable('question_assignees');
  }
}
