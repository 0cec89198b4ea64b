import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';

/**
 * - `pending`: to be sent (from `sendAfter` on, when set);
 * - `sending`: claimed by one worker, which renews `claimedAt` while it sends; a claim not renewed for one
 *   reconcile interval is from a worker that died, and may be retaken (`attempts` identifies the claim);
 * - `sent`: delivered to the SMTP server or written as .eml (`sentAt`, `messageId`);
 * - `failed`: given up (permanent SMTP rejection or too many attempts; `lastError`);
 * - `held`: waiting for the recipient's daily digest (`sendAfter` = the next 07:00 Europe/Amsterdam);
 * - `digested`: bundled into the digest row `digestId` and not sent on its own.
 */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'held', 'digested'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One mail for one recipient about one event. `(eventKey, recipientEmail)` is unique, so
 * notifying twice about the same event, or retrying, never sends a second mail. Subject and
 * bodies are rendered when the row is created: the row shows exactly what was (to be) sent.
 */
@Entity('notification_outbox')
@Unique('uq_notification_outbox_event_recipient', ['eventKey', 'recipientEmail'])
@Index('ix_notification_outbox_status_send_after', ['status', 'sendAfter'])
export class NotificationOutbox {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  /** What happened, e.g. `question:<id>:assigned:<n>`; with the recipient it identifies the mail. */
  @Column('varchar', { length: 200 })
  eventKey: string;

  /** Lower-cased address. */
  @Column('varchar', { length: 320 })
  recipientEmail: string;

  @Index('ix_notification_outbox_recipient_user_id')
  @Column('varchar', { length: 36, nullable: true })
  recipientUserId: string | null;

  @Column('varchar', { length: 60 })
  template: string;

  /** The template variables, as given (kept for the digest and for audit). */
  @JsonColumn()
  data: Record<string, unknown>;

  @Column('text')
  subject: string;

  @Column('text')
  bodyText: string;

  @Column('text')
  bodyHtml: string;

  @Column('varchar', { length: 20 })
  status: OutboxStatus;

  /** Delivery attempts started (each claim counts one). */
  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @TimestampColumn()
  createdAt: Date;

  /** Not before this moment (a delayed mail, or the digest time of a held row). */
  @TimestampColumn({ nullable: true })
  sendAfter: Date | null;

  @TimestampColumn({ nullable: true })
  claimedAt: Date | null;

  @TimestampColumn({ nullable: true })
  sentAt: Date | null;

  @Column('varchar', { length: 255, nullable: true })
  messageId: string | null;

  /** For a `digested` row: the outbox row of the digest it went into. */
  @Column('varchar', { length: 36, nullable: true })
  digestId: string | null;
}
