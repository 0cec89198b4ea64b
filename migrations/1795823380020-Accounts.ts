import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { timestampColumn, uuidColumn } from './support.js';

/** Users and roles, sign-in links, sessions, API tokens, second factor, allowlist, audit trail. */
export class Accounts1795823380020 implements MigrationInterface {
  name = 'Accounts1795823380020';

  async up(runner: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => timestampColumn(runner, name, { isNullable: nullable });
    const userFk = (onDelete = 'CASCADE') =>
      new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete });

    await runner.createTable(
      new Table({
        name: 'users',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '200' },
          { name: 'organisation_code', type: 'varchar', length: '20', isNullable: true },
          { name: 'roles', type: 'varchar', length: '100' },
          { name: 'active', type: 'boolean', default: true },
          { name: 'capacity', type: 'integer', isNullable: true },
          { name: 'mail_preference', type: 'varchar', length: '10', default: "'immediate'" },
          { name: 'totp_secret', type: 'text', isNullable: true },
          { name: 'totp_pending_secret', type: 'text', isNullable: true },
          ts('totp_enabled_at', true),
          ts('last_sign_in_at', true),
          ts('last_assigned_at', true),
          ts('created_at'),
          ts('updated_at'),
          ts('deactivated_at', true),
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['organisation_code'], referencedTableName: 'organisations', referencedColumnNames: ['code'] })],
        indices: [new TableIndex({ columnNames: ['organisation_code'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'user_expertise',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('user_id'),
          { name: 'keuze_id', type: 'integer', isNullable: true },
          { name: 'theme_id', type: 'integer', isNullable: true },
        ],
        foreignKeys: [
          userFk(),
          new TableForeignKey({ columnNames: ['keuze_id'], referencedTableName: 'keuzes', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['theme_id'], referencedTableName: 'themes', referencedColumnNames: ['id'] }),
        ],
        indices: [
          new TableIndex({ columnNames: ['user_id'] }),
          new TableIndex({ columnNames: ['keuze_id'] }),
          new TableIndex({ columnNames: ['theme_id'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'absences',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('user_id'),
          { name: 'starts_on', type: 'date' },
          { name: 'ends_on', type: 'date' },
          { name: 'note', type: 'varchar', length: '200', isNullable: true },
          ts('created_at'),
        ],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'sign_in_tokens',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'email', type: 'varchar', length: '254' },
          uuidColumn('user_id', { isNullable: true }),
          { name: 'organisation_code', type: 'varchar', length: '20', isNullable: true },
          { name: 'purpose', type: 'varchar', length: '20' },
          { name: 'failed_attempts', type: 'integer', default: 0 },
          ts('created_at'),
          ts('expires_at'),
          ts('used_at', true),
        ],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          uuidColumn('user_id'),
          { name: 'kind', type: 'varchar', length: '10' },
          { name: 'mfa_satisfied', type: 'boolean', default: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          ts('created_at'),
          ts('expires_at'),
          ts('last_seen_at'),
          ts('revoked_at', true),
        ],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'prefix', type: 'varchar', length: '16' },
          uuidColumn('user_id'),
          { name: 'name', type: 'varchar', length: '100' },
          ts('created_at'),
          ts('expires_at', true),
          ts('last_used_at', true),
          ts('revoked_at', true),
        ],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [uuidColumn('id', { isPrimary: true }), uuidColumn('user_id'), { name: 'code_hash', type: 'varchar', length: '64' }, ts('used_at', true)],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'sign_in_domains',
        columns: [
          { name: 'domain', type: 'varchar', length: '253', isPrimary: true },
          { name: 'organisation_code', type: 'varchar', length: '20' },
          ts('created_at'),
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['organisation_code'], referencedTableName: 'organisations', referencedColumnNames: ['code'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'access_requests',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'domain', type: 'varchar', length: '253' },
          { name: 'attempts', type: 'integer', default: 1 },
          { name: 'status', type: 'varchar', length: '10', default: "'pending'" },
          ts('first_attempt_at'),
          ts('last_attempt_at'),
          uuidColumn('decided_by', { isNullable: true }),
          ts('decided_at', true),
        ],
        indices: [new TableIndex({ columnNames: ['status'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          ts('occurred_at'),
          uuidColumn('actor_id', { isNullable: true }),
          { name: 'action', type: 'varchar', length: '80' },
          { name: 'object_type', type: 'varchar', length: '40' },
          { name: 'object_id', type: 'varchar', length: '254', isNullable: true },
          { name: 'result', type: 'varchar', length: '10' },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ columnNames: ['occurred_at'] }),
          new TableIndex({ columnNames: ['actor_id'] }),
          new TableIndex({ columnNames: ['action'] }),
          new TableIndex({ columnNames: ['object_type', 'object_id'] }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'access_requests', 'sign_in_domains', 'recovery_codes', 'api_tokens', 'sessions', 'sign_in_tokens', 'absences', 'user_expertise', 'users']) {
      await runner.dropTable(table);
    }
  }
}
