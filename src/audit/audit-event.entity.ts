import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';

export type AuditResult = 'success' | 'failure' | 'denied';

/**
 * Append-only record of a security-relevant or data-changing action, with the fields the
 * BIO asks for: actor, action, object, result, origin and time. Never secrets or tokens.
 */
@Entity('audit_events')
@Index(['objectType', 'objectId'])
export class AuditEvent {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @TimestampColumn()
  occurredAt: Date;

  @Index()
  @Column('varchar', { length: 36, nullable: true })
  actorId: string | null;

  @Index()
  @Column('varchar', { length: 80 })
  action: string;

  @Column('varchar', { length: 40 })
  objectType: string;

  @Column('varchar', { length: 254, nullable: true })
  objectId: string | null;

  @Column('varchar', { length: 10 })
  result: AuditResult;

  @Column('varchar', { length: 64, nullable: true })
  ip: string | null;

  @JsonColumn({ nullable: true })
  details: Record<string, unknown> | null;
}
