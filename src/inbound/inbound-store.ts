import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Database } from '../infra/database/database.service.js';
import { insertRows } from '../infra/database/sql.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { questionHeadings } from '../questions/index.js';
import { InboundMessage, type TriageReason } from './inbound.entities.js';

/** A reply waiting for a coordinator, as the triage page lists it. Sender and subject are as received: untrusted. */
export interface TriageMail {
  id: string;
  receivedAt: Date;
  senderEmail: string | null;
  subject: string | null;
  /** The question its reply address named, when that question still exists. */
  question: { id: string; reference: string; title: string } | null;
  /** Why it needs a person, in Dutch, in a few words. */
  reason: string;
  /** What the processing recorded, in Dutch (names the addresses involved). */
  detail: string | null;
}

export interface ReceivedMail {
  raw: Buffer;
  source: 'smtp' | 'imap';
  envelopeFrom: string | null;
  envelopeTo: string[];
}

/**
 * Stores received mail before anyone acknowledges it: the SMTP listener answers `250` and the
 * IMAP poller moves the message only once `store` has resolved, that is, once the row is
 * committed. The same Message-ID again is not stored a second time (and so processed once).
 */
@Injectable()
export class InboundStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
  ) {}

  /** The newest `limit` replies in status `triage`, newest first, with the question they name. */
  async triage(limit: number): Promise<TriageMail[]> {
    const rows = await this.db.manager.find(InboundMessage, {
      select: { id: true, detail: true, triageReason: true, senderEmail: true, subject: true, questionId: true, receivedAt: true },
      where: { status: 'triage' },
      order: { receivedAt: 'DESC', id: 'ASC' },
      take: limit,
    });
    const ids = [...new Set(rows.flatMap((r) => (r.questionId ? [r.questionId] : [])))];
    const questions = new Map((await questionHeadings(this.db.manager, ids)).map((q) => [q.id, q]));
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.receivedAt,
      senderEmail: r.senderEmail,
      subject: r.subject,
      question: (r.questionId && questions.get(r.questionId)) || null,
      reason: r.triageReason ? TRIAGE_REASON_TEXT[r.triageReason] : TRIAGE_REASON_UNKNOWN,
      detail: r.detail,
    }));
  }

  /** How many replies wait in status `triage` (for the navigation's count). */
  triageCount(): Promise<number> {
    return this.db.manager.count(InboundMessage, { where: { status: 'triage' } });
  }

  /** Commits the raw message and enqueues its processing after the commit; `duplicate` when its Message-ID was stored before. */
  async store(mail: ReceivedMail): Promise<{ id: string; duplicate: boolean }> {
    const messageKey = messageKeyOf(mail.raw);
    const row: InboundMessage = {
      id: randomUUID(),
      messageKey,
      source: mail.source,
      envelopeFrom: mail.envelopeFrom,
      envelopeTo: mail.envelopeTo.map((a) => a.toLowerCase()),
      raw: mail.raw.toString('base64'),
      size: mail.raw.length,
      status: 'received',
      detail: null,
      triageReason: null,
      senderEmail: null,
      subject: null,
      questionId: null,
      userId: null,
      attempts: 0,
      receivedAt: this.clock.now(),
      claimedAt: null,
      processedAt: null,
    };
    return this.db.transaction(async (m) => {
      const inserted = await insertRows(m, InboundMessage, [row], { onConflictDoNothing: ['messageKey'], returning: ['id'] });
      if (inserted.length === 0) {
        const existing = await m.findOne(InboundMessage, { select: { id: true }, where: { messageKey } });
        return { id: existing?.id ?? row.id, duplicate: true };
      }
      // A lost enqueue is found again by the reconciler (InboundProcessor.findPending).
      this.db.afterCommit(m, () => this.queue.enqueue(JobName.ProcessInboundMail, { inboundId: row.id }, { jobId: `inbound-${row.id}` }).catch(() => undefined));
      return { id: row.id, duplicate: false };
    });
  }
}

/** The Message-ID (lower-cased, unfolded), or a digest of the whole message when it has none. */
export function messageKeyOf(raw: Buffer): string {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const id = /^message-id:\s*(<[^>\s]{1,250}>)/im.exec(head)?.[1];
  return id ? id.toLowerCase() : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** Why a reply went to triage, as the coordinators' list says it. */
const TRIAGE_REASON_TEXT: Record<TriageReason, string> = {
  sender_mismatch: 'afzender komt niet overeen met de ontvanger van de e-mail',
  recipient_deactivated: 'de ontvanger van de e-mail is gedeactiveerd',
  question_gone: 'de vraag bestaat niet meer of de ontvanger mag haar niet meer zien',
  not_posted: 'de reactie kon niet bij de vraag worden geplaatst',
};
const TRIAGE_REASON_UNKNOWN = 'de reactie moet door een coördinator worden bekeken';
