import { MigrationInterface, QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { timestampColumn, uuidColumn } from './support.js';

/** The notification outbox: one row per (event, recipient); see src/notifications/outbox.entity.ts. */
export class Outbox1795823380010 implements MigrationInterface {
  name = 'Outbox1795823380010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'notification_outbox',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'event_key', type: 'varchar', length: '200' },
          { name: 'recipient_email', type: 'varchar', length: '320' },
          uuidColumn('recipient_user_id', { isNullable: true }),
          { name: 'template', type: 'varchar', length: '60' },
          { name: 'data', type: 'text' },
          { name: 'subject', type: 'text' },
          { name: 'body_text', type: 'text' },
          { name: 'body_html', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
          timestampColumn(runner, 'created_at'),
          timestampColumn(runner, 'send_after', { isNullable: true }),
          timestampColumn(runner, 'claimed_at', { isNullable: true }),
          timestampColumn(runner, 'sent_at', { isNullable: true }),
          { name: 'message_id', type: 'varchar', length: '255', isNullable: true },
          uuidColumn('digest_id', { isNullable: true }),
        ],
        uniques: [new TableUnique({ name: 'uq_notification_outbox_event_recipient', columnNames: ['event_key', 'recipient_email'] })],
        indices: [
          new TableIndex({ name: 'ix_notification_outbox_status_send_after', columnNames: ['status', 'send_after'] }),
          new TableIndex({ name: 'ix_notification_outbox_recipient_user_id', columnNames: ['recipient_user_id'] }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('notification_outbox');
  }
}
