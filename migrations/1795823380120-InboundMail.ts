import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { timestampColumn, uuidColumn } from './support.js';

/** Replies by e-mail: the raw received messages and their processing state, and bounced addresses (src/inbound). */
export class InboundMail1795823380120 implements MigrationInterface {
  name = 'InboundMail1795823380120';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'inbound_messages',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'message_key', type: 'varchar', length: '300' },
          { name: 'source', type: 'varchar', length: '10' },
          { name: 'envelope_from', type: 'varchar', length: '320', isNullable: true },
          { name: 'envelope_to', type: 'text' },
          { name: 'raw', type: 'text' },
          { name: 'size', type: 'integer' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'sender_email', type: 'varchar', length: '320', isNullable: true },
          { name: 'subject', type: 'text', isNullable: true },
          uuidColumn('question_id', { isNullable: true }),
          uuidColumn('user_id', { isNullable: true }),
          { name: 'attempts', type: 'integer', default: 0 },
          timestampColumn(runner, 'received_at'),
          timestampColumn(runner, 'claimed_at', { isNullable: true }),
          timestampColumn(runner, 'processed_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_inbound_messages_message_key', columnNames: ['message_key'], isUnique: true }),
          // The reconciler looks for rows left `received`/`processing`.
          new TableIndex({ name: 'ix_inbound_messages_status_received_at', columnNames: ['status', 'received_at'] }),
          // The per-sender limit counts one sender's recent replies.
          new TableIndex({ name: 'ix_inbound_messages_sender_received_at', columnNames: ['sender_email', 'received_at'] }),
          new TableIndex({ name: 'ix_inbound_messages_question_id', columnNames: ['question_id'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'inbound_failing_addresses',
        columns: [
          { name: 'email', type: 'varchar', length: '320', isPrimary: true },
          uuidColumn('outbox_id', { isNullable: true }),
          { name: 'reason', type: 'text' },
          { name: 'bounces', type: 'integer' },
          timestampColumn(runner, 'first_failed_at'),
          timestampColumn(runner, 'last_failed_at'),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('inbound_failing_addresses');
    await runner.dropTable('inbound_messages');
  }
}
