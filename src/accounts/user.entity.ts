import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/access.js';
import { TimestampColumn } from '../infra/database/columns.js';

/**
 * Roles are stored as ",expert,coordinator," so SQL can filter with LIKE '%,expert,%' on both
 * databases (routing and member lists query by role); `hasRoleSql` (user.queries.ts) writes that condition.
 */
export const rolesTransformer = {
  to: (roles: Role[] | undefined) => (roles ? `,${[...new Set(roles)].sort().join(',')},` : roles),
  from: (value: string | null) => (value ? (value.split(',').filter(Boolean) as Role[]) : []),
};

export type MailPreference = 'immediate' | 'daily';

@Entity('users')
export class User {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  /** Stored lower-cased; unique. */
  @Index({ unique: true })
  @Column('varchar', { length: 254 })
  email: string;

  @Column('varchar', { length: 200 })
  displayName: string;

  @Column('varchar', { length: 20, nullable: true })
  organisationCode: string | null;

  @Column('varchar', { length: 100, transformer: rolesTransformer })
  roles: Role[];

  @Column('boolean', { default: true })
  active: boolean;

  /** Maximum open questions for an expert; null = not an expert or no limit set. */
  @Column('integer', { nullable: true })
  capacity: number | null;

  @Column('varchar', { length: 10, default: 'immediate' })
  mailPreference: MailPreference;

  /** Encrypted TOTP secret (AES-GCM with the app key); null until enrolment completes. */
  @Column('text', { nullable: true })
  totpSecret: string | null;

  /** A secret being enrolled, confirmed by the first valid code. */
  @Column('text', { nullable: true })
  totpPendingSecret: string | null;

  @TimestampColumn({ nullable: true })
  totpEnabledAt: Date | null;

  @TimestampColumn({ nullable: true })
  lastSignInAt: Date | null;

  /** Round-robin tie-breaker for routing. */
  @TimestampColumn({ nullable: true })
  lastAssignedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;

  @TimestampColumn({ nullable: true })
  deactivatedAt: Date | null;

  @OneToMany(() => UserExpertise, (e) => e.user)
  expertise?: UserExpertise[];

  @OneToMany(() => Absence, (a) => a.user)
  absences?: Absence[];

  hasRole(role: Role): boolean {
    return this.roles.includes(role);
  }

  /** A new, active user with no second factor yet; the one place that knows every column's start value. */
  static create(fields: { email: string; roles: Role[]; displayName?: string; organisationCode?: string | null; capacity?: number | null }, now: Date): User {
    return Object.assign(new User(), {
      id: randomUUID(),
      email: fields.email,
      displayName: fields.displayName?.trim() || nameFromEmail(fields.email),
      organisationCode: fields.organisationCode?.toUpperCase() ?? null,
      roles: fields.roles,
      active: true,
      capacity: fields.capacity ?? null,
      mailPreference: 'immediate' as MailPreference,
      totpSecret: null,
      totpPendingSecret: null,
      totpEnabledAt: null,
      lastSignInAt: null,
      lastAssignedAt: null,
      createdAt: now,
      updatedAt: now,
      deactivatedAt: null,
    });
  }
}

/** "jan.de-vries@…" → "Jan De Vries": a readable start until the user sets a name. */
export function nameFromEmail(email: string): string {
  return email.split('@')[0].replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

/** One keuze or one whole theme an expert covers. */
@Entity('user_expertise')
@Index(['keuzeId'])
@Index(['themeId'])
export class UserExpertise {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  userId: string;

  @ManyToOne(() => User, (u) => u.expertise, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column('integer', { nullable: true })
  keuzeId: number | null;

  @Column('integer', { nullable: true })
  themeId: number | null;
}

/** A period (inclusive calendar days, Europe/Amsterdam) in which an expert gets no new questions. */
@Entity('absences')
export class Absence {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  userId: string;

  @ManyToOne(() => User, (u) => u.absences, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column('date')
  startsOn: string;

  @Column('date')
  endsOn: string;

  @Column('varchar', { length: 200, nullable: true })
  note: string | null;

  @TimestampColumn()
  createdAt: Date;
}
