import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../infra/database/columns.js';

export type SignInTokenPurpose = 'sign-in' | 'invitation';

/** A one-time sign-in link. Only the SHA-256 of the token is stored. */
@Entity('sign_in_tokens')
export class SignInToken {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index({ unique: true })
  @Column('varchar', { length: 64 })
  tokenHash: string;

  @Column('varchar', { length: 254 })
  email: string;

  /** Null for a new requester from an allowed domain: the user is created when the link is used. */
  @Index()
  @Column('varchar', { length: 36, nullable: true })
  userId: string | null;

  /** Organisation of a new requester (from the domain allowlist). */
  @Column('varchar', { length: 20, nullable: true })
  organisationCode: string | null;

  @Column('varchar', { length: 20 })
  purpose: SignInTokenPurpose;

  /** Wrong second-factor codes entered with this link; it dies after a few. */
  @Column('integer', { default: 0 })
  failedAttempts: number;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn({ nullable: true })
  usedAt: Date | null;
}

export type SessionKind = 'cookie' | 'bearer';

/** A server-side session, so sign-out, expiry and deactivation end it at once. */
@Entity('sessions')
export class Session {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index({ unique: true })
  @Column('varchar', { length: 64 })
  tokenHash: string;

  @Index()
  @Column('varchar', { length: 36 })
  userId: string;

  @Column('varchar', { length: 10 })
  kind: SessionKind;

  /** False while a staff member still has to enrol a second factor: only enrolment is allowed. */
  @Column('boolean', { default: true })
  mfaSatisfied: boolean;

  @Column('varchar', { length: 64, nullable: true })
  ip: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn()
  lastSeenAt: Date;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;
}

/** A personal API token for integrations; shown once, stored as a hash. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index({ unique: true })
  @Column('varchar', { length: 64 })
  tokenHash: string;

  /** First characters of the token, so its owner can recognise it in a list. */
  @Column('varchar', { length: 16 })
  prefix: string;

  @Index()
  @Column('varchar', { length: 36 })
  userId: string;

  @Column('varchar', { length: 100 })
  name: string;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  expiresAt: Date | null;

  @TimestampColumn({ nullable: true })
  lastUsedAt: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;
}

/** One-time recovery code for the second factor (hash only). */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  userId: string;

  @Column('varchar', { length: 64 })
  codeHash: string;

  @TimestampColumn({ nullable: true })
  usedAt: Date | null;
}

/** E-mail domain whose civil servants may sign up as requesters (amsterdam.nl → GM0363). */
@Entity('sign_in_domains')
export class SignInDomain {
  @PrimaryColumn('varchar', { length: 253 })
  domain: string;

  @Column('varchar', { length: 20 })
  organisationCode: string;

  @TimestampColumn()
  createdAt: Date;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'rejected';

/** Someone not yet allowed asked for a sign-in link; the secretariat decides. */
@Entity('access_requests')
export class AccessRequest {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index({ unique: true })
  @Column('varchar', { length: 254 })
  email: string;

  @Column('varchar', { length: 253 })
  domain: string;

  @Column('integer', { default: 1 })
  attempts: number;

  @Index()
  @Column('varchar', { length: 10, default: 'pending' })
  status: AccessRequestStatus;

  @TimestampColumn()
  firstAttemptAt: Date;

  @TimestampColumn()
  lastAttemptAt: Date;

  @Column('varchar', { length: 36, nullable: true })
  decidedBy: string | null;

  @TimestampColumn({ nullable: true })
  decidedAt: Date | null;
}
