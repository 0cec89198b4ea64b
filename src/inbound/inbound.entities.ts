import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';

/**
 * What became of a received mail:
 * - `received`: stored (and acknowledged), waiting for the `process-inbound-mail` job;
 * - `processing`: claimed by one worker (`claimedAt`); a claim older than the reconciler's grace is retaken;
 * - `posted`: added to the question as a message or internal note (`detail` says which);
 * - `triage`: not posted: for the coordinators to look at (sender is not whom the address was made for, not allowed);
 * - `reopen_offered` / `closed`: a reply to a closed question: not posted, the sender was told (and offered reopening);
 * - `auto_reply`, `bounce`, `ignored` (our own mail, empty text), `rate_limited`, `rejected` (no valid reply address):
 *   recorded, never posted, never answered.
 */
export const INBOUND_STATUSES = ['received', 'processing', 'posted', 'triage', 'reopen_offered', 'closed', 'auto_reply', 'bounce', 'ignored', 'rate_limited', 'rejected'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/**
 * Why a reply is in `triage`: the sender is not the recipient the address was made for (or that
 * recipient is deactivated), the question is gone or no longer visible to them, or posting it failed.
 */
export const TRIAGE_REASONS = ['sender_mismatch', 'recipient_deactivated', 'question_gone', 'not_posted'] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

/**
 * One mail received by the SMTP listener or from the IMAP mailbox, stored raw before it is
 * acknowledged, so nothing is lost; `messageKey` (the Message-ID) is unique, so a mail delivered
 * twice is stored and processed once. The raw message stays for staff (the full original).
 */
@Entity('inbound_messages')
@Index('ix_inbound_messages_status_received_at', ['status', 'receivedAt'])
@Index('ix_inbound_messages_sender_received_at', ['senderEmail', 'receivedAt'])
export class InboundMessage {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  /** The Message-ID header (lower-cased), or `sha256:<digest of the raw message>` when it has none. */
  @Index('uq_inbound_messages_message_key', { unique: true })
  @Column('varchar', { length: 300 })
  messageKey: string;

  @Column('varchar', { length: 10 })
  source: 'smtp' | 'imap';

  @Column('varchar', { length: 320, nullable: true })
  envelopeFrom: string | null;

  /** Envelope recipients (SMTP) or the recipient headers (IMAP), lower-cased. */
  @JsonColumn()
  envelopeTo: string[];

  /** The raw RFC 5322 message, base64 (PostgreSQL text cannot hold every byte). */
  @Column('text')
  raw: string;

  @Column('integer')
  size: number;

  @Column('varchar', { length: 20 })
  status: InboundStatus;

  /** Why it ended as it did (for staff), e.g. the sender who did not match. */
  @Column('text', { nullable: true })
  detail: string | null;

  /** In status `triage`: why, for the coordinators' list (the detail names the addresses). */
  @Column('varchar', { length: 30, nullable: true })
  triageReason: TriageReason | null;

  /** The From address (lower-cased), known once processed; the per-sender limit counts by it. */
  @Column('varchar', { length: 320, nullable: true })
  senderEmail: string | null;

  @Column('text', { nullable: true })
  subject: string | null;

  @Index('ix_inbound_messages_question_id')
  @Column('varchar', { length: 36, nullable: true })
  questionId: string | null;

  /** The user the reply address was made for. */
  @Column('varchar', { length: 36, nullable: true })
  userId: string | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @TimestampColumn()
  receivedAt: Date;

  @TimestampColumn({ nullable: true })
  claimedAt: Date | null;

  @TimestampColumn({ nullable: true })
  processedAt: Date | null;
}

/** An address a mail of ours bounced from: shown to the secretariat until mail to it arrives again. */
@Entity('inbound_failing_addresses')
export class FailingAddress {
  @PrimaryColumn('varchar', { length: 320 })
  email: string;

  /** The outbox row of the last mail that bounced. */
  @Column('varchar', { length: 36, nullable: true })
  outboxId: string | null;

  @Column('text')
  reason: string;

  @Column('integer')
  bounces: number;

  @TimestampColumn()
  firstFailedAt: Date;

  @TimestampColumn()
  lastFailedAt: Date;
}

export const INBOUND_ENTITIES = [InboundMessage, FailingAddress];
