import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { In, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../infra/database/database.service.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { NotificationsService, type NotifyInput, type ReplyMode } from '../notifications/index.js';
import { bounceReport, headerRecipients, isAutoReply, senderOf } from './classify.js';
import { FailingAddress, InboundMessage, type InboundStatus, type TriageReason } from './inbound.entities.js';
import { QuestionReplies } from './question-replies.js';
import { ReplyAddresses, type BounceTarget, type ReplyTarget } from './reply-addresses.js';
import { bodyText, replyText } from './reply-text.js';

/** What processing a stored mail decided, written in one transaction with the confirmation mail. */
interface Outcome {
  status: Exclude<InboundStatus, 'received' | 'processing'>;
  detail: string;
  triageReason?: TriageReason;
  senderEmail?: string | null;
  subject?: string | null;
  questionId?: string | null;
  userId?: string | null;
  confirmation?: NotifyInput<'reply-received'>;
}

/** Statuses that count towards a sender's hourly limit: replies that reached a question or triage. */
const COUNTED: InboundStatus[] = ['posted', 'reopen_offered', 'closed', 'triage'];

/**
 * The `process-inbound-mail` job: reads one stored mail and decides what it is — our own mail,
 * a bounce, an auto-reply, a reply to a question — and what becomes of it. Idempotent: the row
 * is claimed first (`received` → `processing`), a claim left by a dead worker is retaken after
 * the reconciler's grace, and a retry that finds its message already posted does not post again.
 */
@Injectable()
export class InboundProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Inbound');
  private unregister?: () => void;
  private readonly ownAddress: string | null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly reconciler: Reconciler,
    private readonly addresses: ReplyAddresses,
    private readonly replies: QuestionReplies,
    private readonly notifications: NotificationsService,
  ) {
    this.ownAddress = /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(config.mailFrom)?.[1]?.toLowerCase() ?? null;
  }

  onModuleInit(): void {
    this.unregister = this.reconciler.register({ name: 'inbound.messages', findPending: (now) => this.findPending(now) });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  /** Stored mails whose job should have run: received, or claimed by a worker that died, longer than the grace ago. */
  async findPending(now: Date): Promise<PendingWork[]> {
    const graceEnd = new Date(now.getTime() - this.reconciler.graceMs);
    const rows = await this.db.manager.find(InboundMessage, {
      select: { id: true },
      where: [
        { status: 'received', receivedAt: LessThanOrEqual(graceEnd) },
        { status: 'processing', claimedAt: LessThanOrEqual(graceEnd) },
      ],
      order: { receivedAt: 'ASC' },
      take: 1000,
    });
    return rows.map((row) => ({ job: JobName.ProcessInboundMail, payload: { inboundId: row.id }, key: `inbound-${row.id}` }));
  }

  @JobHandler(JobName.ProcessInboundMail)
  async process({ inboundId }: JobPayloads[JobName.ProcessInboundMail]): Promise<void> {
    const row = await this.claim(inboundId);
    if (!row) return;
    let outcome: Outcome;
    try {
      outcome = await this.decide(row);
    } catch (error) {
      // Back to `received`, so the retry (or the reconciler) takes it again at once.
      await this.db.transaction((m) => m.update(InboundMessage, { id: row.id, status: 'processing', attempts: row.attempts }, { status: 'received', detail: String((error as Error).message).slice(0, 2000) }));
      throw error;
    }
    await this.db.transaction(async (m) => {
      const result = await m.update(
        InboundMessage,
        { id: row.id, status: 'processing', attempts: row.attempts },
        {
          status: outcome.status,
          detail: outcome.detail.slice(0, 2000),
          triageReason: outcome.triageReason ?? null,
          senderEmail: outcome.senderEmail ?? null,
          subject: outcome.subject?.slice(0, 1000) ?? null,
          questionId: outcome.questionId ?? null,
          userId: outcome.userId ?? null,
          processedAt: this.clock.now(),
        },
      );
      // Taken over meanwhile (this worker was presumed dead): the other one records and confirms.
      if (result.affected !== 1) return;
      if (outcome.confirmation) await this.notifications.notify(m, outcome.confirmation);
    });
    this.logger.debug(`Inbound mail ${row.id}: ${outcome.status} (${outcome.detail})`);
  }

  /** Takes the row for this worker: a `received` row, or a `processing` one whose claim is older than the grace. */
  private async claim(id: string): Promise<InboundMessage | null> {
    return this.db.transaction(async (m) => {
      const row = await m.findOneBy(InboundMessage, { id });
      if (!row) return null;
      const now = this.clock.now();
      const stale = row.status === 'processing' && row.claimedAt !== null && row.claimedAt.getTime() <= now.getTime() - this.reconciler.graceMs;
      if (row.status !== 'received' && !stale) return null;
      const result = await m.update(InboundMessage, { id, status: row.status, attempts: row.attempts }, { status: 'processing', claimedAt: now, attempts: row.attempts + 1 });
      if (result.affected !== 1) return null;
      return { ...row, status: 'processing', claimedAt: now, attempts: row.attempts + 1 };
    });
  }

  private async decide(row: InboundMessage): Promise<Outcome> {
    const raw = Buffer.from(row.raw, 'base64');
    const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
    const sender = senderOf(mail);
    const base = { senderEmail: sender, subject: mail.subject ?? null };
    const recipients = row.envelopeTo.length > 0 ? row.envelopeTo : headerRecipients(mail);
    const targets = recipients.map((address) => this.addresses.parse(address)).filter((t): t is ReplyTarget | BounceTarget => t !== null);

    if ((this.ownAddress !== null && sender === this.ownAddress) || /\.vraagbaak@/i.test(row.messageKey)) {
      return { ...base, status: 'ignored', detail: 'eigen bericht van Vraagbaak' };
    }
    const bounceTarget = targets.find((t): t is BounceTarget => t.kind === 'bounce');
    const bounce = bounceReport(mail, raw.toString('latin1'));
    if (bounce) return { ...base, status: 'bounce', detail: await this.recordBounce(bounceTarget, bounce) };
    if (isAutoReply(mail)) return { ...base, status: 'auto_reply', detail: 'automatisch antwoord' };
    // Anything else at a bounce address is no delivery report and no reply.
    if (bounceTarget && !targets.some((t) => t.kind === 'reply')) return { ...base, status: 'rejected', detail: 'aan een bounce-adres, maar geen afleverrapport' };

    const target = targets.find((t): t is ReplyTarget => t.kind === 'reply');
    if (!target) return { ...base, status: 'rejected', detail: `geen geldig antwoordadres (${recipients.join(', ') || 'geen ontvanger'})` };
    const author = await this.replies.author(target.userId);
    if (!author) return { ...base, questionId: target.questionId, status: 'rejected', detail: 'de ontvanger voor wie het antwoordadres is gemaakt bestaat niet meer' };
    const ids = { questionId: target.questionId, userId: author.id };
    if (!author.active) {
      return { ...base, ...ids, status: 'triage', triageReason: 'recipient_deactivated', detail: `${author.email}, voor wie het antwoordadres is gemaakt, is gedeactiveerd (afzender ${sender ?? '(geen)'})` };
    }
    if (sender !== author.email.toLowerCase()) {
      return { ...base, ...ids, status: 'triage', triageReason: 'sender_mismatch', detail: `afzender ${sender ?? '(geen)'} is niet ${author.email}, voor wie het antwoordadres is gemaakt` };
    }
    const question = await this.replies.question(author, target.questionId);
    if (!question) return { ...base, ...ids, status: 'triage', triageReason: 'question_gone', detail: `de vraag bestaat niet meer of ${author.email} mag haar niet meer zien` };
    const since = new Date(this.clock.now().getTime() - 3_600_000);
    const recent = await this.db.manager.count(InboundMessage, { where: { senderEmail: sender, receivedAt: MoreThanOrEqual(since), status: In(COUNTED), id: Not(row.id) } });
    if (recent >= this.config.inboundRepliesPerSenderPerHour) {
      return { ...base, ...ids, status: 'rate_limited', detail: `meer dan ${this.config.inboundRepliesPerSenderPerHour} reacties per uur van ${sender}` };
    }

    const files = mail.attachments.filter((a) => !a.related && a.content.length > 0);
    const text = replyText(bodyText(mail));
    if (text === '' && files.length === 0) return { ...base, ...ids, status: 'ignored', detail: 'lege reactie' };
    const isRequester = question.requesterId === author.id;
    // Staff: a public message only when the mail went to them as the one answering and they still are.
    const internal = !isRequester && !(target.mode === 'answer' && question.assigneeId === author.id);
    // What a reply to the confirmation becomes: what this reply became.
    const mode: ReplyMode = isRequester ? 'requester' : internal ? 'note' : 'answer';
    const mailData = { reference: question.reference, title: question.title, link: this.replies.link(question.id), name: author.displayName, replyMode: mode };
    const confirm = (outcome: 'message' | 'note' | 'reopen-offered' | 'closed', refused: string[] = []): NotifyInput<'reply-received'> => ({
      // A question mail like the others, so it carries the reply address and joins the thread.
      eventKey: `question:${question.id}:reply-by-mail:${row.id}`,
      recipient: { email: author.email, userId: author.id },
      template: 'reply-received',
      data: { ...mailData, outcome, ...(refused.length > 0 ? { refused } : {}) },
    });

    if (question.status === 'closed' && this.replies.mayReopen(question)) {
      return { ...base, ...ids, status: 'reopen_offered', detail: 'vraag is gesloten; heropenen aangeboden', confirmation: confirm('reopen-offered') };
    }
    if (['closed', 'referred', 'withdrawn'].includes(question.status)) {
      return { ...base, ...ids, status: 'closed', detail: `vraag heeft status ${question.status}`, confirmation: confirm('closed') };
    }

    const body = text !== '' ? text : '(Reactie per e-mail met bijlagen.)';
    // A retry (the first worker died): what it already added is not added again.
    const done = row.attempts > 1 ? await this.replies.added(author, question.id, body, row.receivedAt) : { message: false, files: [] };
    try {
      if (!done.message) await this.replies.post(author, question.id, body, internal);
    } catch (error) {
      if (error instanceof DomainError) return { ...base, ...ids, status: 'triage', triageReason: 'not_posted', detail: `niet geplaatst: ${error.message}` };
      throw error;
    }
    const refused: string[] = [];
    for (const file of files) {
      const name = file.filename ?? 'bijlage';
      const stem = name.replace(/\.[^.]*$/, '');
      if (done.files.some((f) => f.size === file.content.length && f.filename.startsWith(stem))) continue;
      try {
        await this.replies.attach(author, question.id, name, file.content);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push(`${name}: ${error.message}`);
      }
    }
    const what = internal ? 'interne notitie' : 'bericht';
    return {
      ...base,
      ...ids,
      status: 'posted',
      detail: `${what}${refused.length > 0 ? `; bijlagen geweigerd: ${refused.join('; ')}` : ''}`,
      confirmation: confirm(internal ? 'note' : 'message', refused),
    };
  }

  /** Marks the bounced outbox rows failed and their recipients failing; returns what was done, for staff. */
  private async recordBounce(target: BounceTarget | undefined, bounce: { messageIds: string[]; recipient: string | null; reason: string }): Promise<string> {
    const outboxIds = new Set<string>(target ? [target.outboxId] : []);
    for (const messageId of bounce.messageIds) {
      const id = this.notifications.outboxIdOf(messageId);
      if (id) outboxIds.add(id);
    }
    const marked: string[] = [];
    for (const outboxId of outboxIds) {
      const row = await this.notifications.markBounced(outboxId, bounce.reason);
      if (!row) continue;
      marked.push(outboxId);
      await this.markFailing(bounce.recipient ?? row.recipientEmail, outboxId, bounce.reason);
    }
    if (marked.length === 0 && bounce.recipient) await this.markFailing(bounce.recipient, null, bounce.reason);
    return `onbestelbaar: ${bounce.reason}${marked.length > 0 ? ` (mail ${marked.join(', ')})` : ''}`;
  }

  private async markFailing(email: string, outboxId: string | null, reason: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const existing = await m.findOneBy(FailingAddress, { email: email.toLowerCase() });
      if (existing) {
        await m.update(FailingAddress, { email: existing.email }, { bounces: existing.bounces + 1, lastFailedAt: now, reason: reason.slice(0, 2000), outboxId: outboxId ?? existing.outboxId });
      } else {
        await m.insert(FailingAddress, { email: email.toLowerCase(), outboxId, reason: reason.slice(0, 2000), bounces: 1, firstFailedAt: now, lastFailedAt: now });
      }
    });
  }
}

