import type { NotificationOutbox } from './outbox.entity.js';

/** Extra headers of one outgoing mail, so replies and bounces find their way back. */
export interface ThreadingHeaders {
  /** The signed address a reply to this mail goes to. */
  replyTo?: string;
  /** The conversation the mail belongs to (`In-Reply-To` and `References`), so clients thread it. */
  thread?: string;
  /** Envelope sender (Return-Path): where bounces of this mail go. */
  envelopeFrom?: string;
}

/**
 * Hook the inbound mail module fills in (src/inbound): the reply and bounce addresses of an
 * outbox row. Without it (no MAIL_REPLY_DOMAIN) mails go out as before.
 */
export abstract class MailThreading {
  abstract headersFor(row: Pick<NotificationOutbox, 'id' | 'eventKey' | 'recipientUserId' | 'template' | 'data'>): ThreadingHeaders;
}
