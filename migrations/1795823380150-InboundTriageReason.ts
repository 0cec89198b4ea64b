import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a reply is in the coordinators' triage, as a code: the list read it back from the opening
 * words of the detail text before, which tied the page to the processor's wording. Rows already in
 * triage get their code from those same openings.
 */
export class InboundTriageReason1795823380150 implements MigrationInterface {
  name = 'InboundTriageReason1795823380150';

  async up(runner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's addColumn rebuilds the whole table on SQLite.
    await runner.query('ALTER TABLE inbound_messages ADD COLUMN triage_reason varchar(30)');
    await runner.query(
      `UPDATE inbound_messages SET triage_reason = CASE
         WHEN detail LIKE 'afzender %' AND detail LIKE '%(gedeactiveerd)' THEN 'recipient_deactivated'
         WHEN detail LIKE 'afzender %' THEN 'sender_mismatch'
         WHEN detail LIKE 'de vraag bestaat niet meer%' THEN 'question_gone'
         WHEN detail LIKE 'niet geplaatst:%' THEN 'not_posted'
       END
       WHERE status = 'triage'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE inbound_messages DROP COLUMN triage_reason');
  }
}
