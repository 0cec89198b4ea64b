import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Brackets, EntityManager, In, LessThanOrEqual } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { Database } from '../infra/database/database.service.js';
import { Batcher } from '../common/batcher.js';
import { SqlParams, hydrate, insertRows, queryRows } from '../infra/database/sql.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { nextDigestAt } from './digest-time.js';
import { MailThreading } from './mail-threading.js';
import { Mailer } from './mailer.js';
import { NotificationOutbox } from './outbox.entity.js';
import { MailTemplates, absoluteLink, type DigestItem, type TemplateData, type TemplateName } from './templates.js';

/** What `notify` needs: who gets which mail about which event. */
export interface NotifyInput<T extends TemplateName = TemplateName> {
  /**
   * What happened, stable across retries of the same action, e.g. `question:<id>:assigned:<n>`.
   * The same (eventKey, recipient) is mailed once, however often `notify` is called.
   */
  eventKey: string;
  recipient: { email: string; userId?: string | null };
  template: T;
  /** The template's variables (see `TemplateData`); never internal messages. Stored as JSON. */
  data: TemplateData[T];
  /** Send no earlier than this. */
  sendAfter?: Date | null;
  /**
   * The recipient chose one mail a day: hold this mail for the next daily digest (07:00
   * Europe/Amsterdam) instead of sending it now. Ignored for sign-in links and invitations.
   */
  digest?: boolean;
}

/*
 * How long a claim or a fresh row is left to its worker: the reconciler's grace (one
 * RECONCILE_INTERVAL_MS, `Reconciler.graceMs`). A pending row younger than that may still have its
 * send job on its way; a claim (`sending`) not renewed for that long is from a worker that died
 * (`kill -9`, a lost machine), and the row may be taken again. A worker renews the claims of the
 * mails it is sending every third of the grace, however long the SMTP server takes, so a live
 * send is never taken over and sent twice.
 */
/** A mail that failed for good, as the secretariat's page lists it. */
export interface FailedMailDto {
  id: string;
  template: string;
  subject: string;
  recipientEmail: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/** After this many delivery attempts a row is marked `failed` and left alone. */
export const MAX_DELIVERY_ATTEMPTS = 20;
/** Mails that must always go out at once. */
const NEVER_DIGESTED: ReadonlySet<TemplateName> = new Set<TemplateName>(['sign-in-link', 'invitation', 'daily-digest']);
/** Held rows bundled per run; more wait for the next run. */
const DIGEST_BATCH = 5000;
/** Rows written by `notify` whose delivery state `dispatch` need not read back; bounded (rolled-back rows are never dispatched). */
const WRITTEN_MEMORY = 10_000;

/** How long the reconciler waits after a failed attempt before trying again: 5 min per attempt, at most 1 hour. */
export function retryGapMs(attempts: number): number {
  return Math.min(60, 5 * Math.max(1, attempts)) * 60_000;
}

/**
 * Mails by outbox. A feature writes the outbox row in its own transaction, so the mail exists
 * exactly when the change it reports does; the transaction dispatches it after the commit:
 *
 * ```ts
 * await this.db.transaction(async (m) => {
 *   const question = await this.assign(m, ...);
 *   await this.notifications.notify(m, {
 *     eventKey: `question:${question.id}:assigned:${question.assignmentCount}`,
 *     recipient: { email: expert.email, userId: expert.id },
 *     template: 'question-assigned',
 *     data: { reference: question.reference, title: question.title, link: `/vragen/${question.id}` },
 *     digest: expert.mailPreference === 'daily',
 *   });
 * });
 * ```
 *
 * `dispatch` never throws: if the enqueue is lost, the reconciler finds the pending row within
 * two reconcile intervals. Delivery is at-least-once with duplicates made unlikely: one row per
 * (event, recipient), a claim before sending, and a Message-ID derived from the row id.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private unregister: Array<() => void> = [];
  /** Status and due time of rows this process just inserted, so `dispatch` need not select them. */
  private readonly written = new Map<string, Pick<NotificationOutbox, 'status' | 'sendAfter'>>();
  /** Claims of the send jobs running at once, taken with one statement. */
  private readonly claims = new Batcher<string, NotificationOutbox | null>((ids) => this.claimAll(ids));
  /** Deliveries of the send jobs running at once, recorded with one statement per claim. */
  private readonly deliveries = new Batcher<Delivered, void>((sent) => this.recordSent(sent));
  /** Rows this process has claimed and not yet recorded: outbox id → the claim (`attempts` after claiming). */
  private readonly sending = new Map<string, number>();
  private renewTimer?: NodeJS.Timeout;
  private renewal: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly templates: MailTemplates,
    private readonly mailer: Mailer,
    private readonly queue: JobQueue,
    private readonly reconciler: Reconciler,
    private readonly clock: Clock,
    @Optional() private readonly threading?: MailThreading,
  ) {}

  onModuleInit(): void {
    this.unregister = [
      this.reconciler.register({ name: 'notifications.outbox', findPending: (now) => this.findPendingDeliveries(now) }),
      this.reconciler.register({
        name: 'notifications.daily-digest',
        findPending: async (now) => (await this.bundleDueDigests(now)).map(sendJob),
      }),
    ];
    this.renewTimer = setInterval(() => void this.renewClaims(), Math.max(100, Math.floor(this.reconciler.graceMs / 3)));
    this.renewTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const unregister of this.unregister) unregister();
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    await this.renewal;
  }

  /**
   * Marks the claims of the mails this process is sending as alive (`claimed_at` = now), so the
   * reconciler does not take them over however long the send takes. Runs every third of the grace;
   * a failure is logged and retried at the next tick. Resolves with the number of rows renewed.
   */
  renewClaims(): Promise<number> {
    const run = this.renewal.then(async () => {
      if (this.sending.size === 0) return 0;
      const byClaim = new Map<number, string[]>();
      for (const [id, attempts] of this.sending) byClaim.set(attempts, [...(byClaim.get(attempts) ?? []), id]);
      const now = this.clock.now();
      let renewed = 0;
      for (const [attempts, ids] of byClaim) {
        const rows = await this.db.statement((m) => {
          const sql = new SqlParams(this.db.kind);
          return queryRows(
            m,
            `UPDATE notification_outbox SET claimed_at = ${sql.add(now)}
             WHERE id IN (${sql.list(ids)}) AND status = 'sending' AND attempts = ${sql.add(attempts)} RETURNING id`,
            sql.values,
          );
        });
        renewed += rows.length;
      }
      return renewed;
    });
    this.renewal = run.catch((error: Error) => this.logger.warn(`Could not renew the claims of mails being sent: ${error.message}`));
    return run;
  }

  /**
   * Records one mail inside the caller's transaction (pass the `EntityManager` of
   * `Database.transaction`) and returns its outbox id; the transaction dispatches it once it has
   * committed (Database.afterCommit), so no caller has to remember to.
   * Renders the mail now, so bad data (a missing reference, an internal field, a link outside
   * PUBLIC_URL) fails the caller's transaction rather than the delivery. Calling it again for the
   * same event and recipient changes nothing and returns the existing id.
   */
  async notify<T extends TemplateName>(manager: EntityManager, input: NotifyInput<T>): Promise<string> {
    this.assertTransaction(manager);
    const id = await this.insertOnce(manager, this.outboxRow(input));
    this.db.afterCommit(manager, () => this.dispatch([id]));
    return id;
  }

  /**
   * `notify` for many mails with one statement (mails of different events, as a batch of
   * submissions writes them); returns their outbox ids in the order of `inputs`.
   */
  async notifyMany(manager: EntityManager, inputs: NotifyInput[]): Promise<string[]> {
    this.assertTransaction(manager);
    const rows = inputs.map((input) => this.outboxRow(input));
    const inserted = await insertRows(manager, NotificationOutbox, rows, { onConflictDoNothing: ['eventKey', 'recipientEmail'], returning: ['id'] });
    const fresh = new Set(inserted.map((r) => String(r.id)));
    const ids: string[] = [];
    for (const row of rows) {
      if (fresh.has(row.id)) this.remember(row);
      // A clash (the same event and recipient again) costs the lookup `insertOnce` makes.
      ids.push(fresh.has(row.id) ? row.id : await this.insertOnce(manager, row));
    }
    this.db.afterCommit(manager, () => this.dispatch(ids));
    return ids;
  }

  private assertTransaction(manager: EntityManager): void {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('NotificationsService.notify must run inside Database.transaction (pass its EntityManager)');
    }
  }

  /**
   * The outbox row of a mail, rendered now, so bad data (a missing reference, an internal field,
   * a link outside PUBLIC_URL) fails the caller's transaction rather than the delivery.
   */
  private outboxRow<T extends TemplateName>(input: NotifyInput<T>): NotificationOutbox {
    const eventKey = input.eventKey.trim();
    if (eventKey === '' || eventKey.length > 200) throw new Error(`Invalid notification event key "${input.eventKey}"`);
    const recipientEmail = normaliseEmail(input.recipient.email);
    // Rendered from the JSON form, so what is stored is exactly what was rendered.
    const data = JSON.parse(JSON.stringify(input.data)) as TemplateData[T];
    const rendered = this.templates.render(input.template, data);
    const now = this.clock.now();
    const held = input.digest === true && !NEVER_DIGESTED.has(input.template);
    return {
      id: randomUUID(),
      eventKey,
      recipientEmail,
      recipientUserId: input.recipient.userId ?? null,
      template: input.template,
      data: data as unknown as Record<string, unknown>,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
      status: held ? 'held' : 'pending',
      attempts: 0,
      lastError: null,
      createdAt: now,
      sendAfter: held ? nextDigestAt(now) : (input.sendAfter ?? null),
      claimedAt: null,
      sentAt: null,
      messageId: null,
      digestId: null,
    };
  }

  /**
   * A delivery status notification said this sent mail did not arrive: the row becomes `failed`
   * with the report's reason, so the secretariat sees it with the other failed mails. Returns
   * the row's recipient, or null for an unknown row.
   */
  async markBounced(outboxId: string, reason: string): Promise<{ recipientEmail: string } | null> {
    return this.db.transaction(async (m) => {
      const row = await m.findOne(NotificationOutbox, { select: { id: true, recipientEmail: true }, where: { id: outboxId } });
      if (!row) return null;
      await m.update(NotificationOutbox, { id: outboxId }, { status: 'failed', lastError: `bounced: ${reason}`.slice(0, 2000) });
      return { recipientEmail: row.recipientEmail };
    });
  }

  /** The outbox row a Message-ID we sent belongs to (`<outboxId.vraagbaak@…>`), if it is one of ours. */
  outboxIdOf(messageId: string): string | null {
    const match = /^<?([0-9a-f-]{36})\.vraagbaak@[^>]+>?$/i.exec(messageId.trim());
    return match ? match[1].toLowerCase() : null;
  }

  /** Whether a mail for this event was already written (for any recipient). */
  async hasEvent(eventKey: string): Promise<boolean> {
    return this.db.manager.existsBy(NotificationOutbox, { eventKey });
  }

  /**
   * Enqueues delivery of these outbox rows (the transaction of `notify` does, after its commit).
   * Rows already sent or held for a digest are skipped. Never throws: a lost enqueue is found
   * again by the reconciler.
   */
  async dispatch(ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids.filter((id) => typeof id === 'string' && id !== ''))];
    if (unique.length === 0) return;
    try {
      const byId = new Map<string, Pick<NotificationOutbox, 'id' | 'status' | 'sendAfter'>>();
      for (const id of unique) {
        const known = this.written.get(id);
        if (!known) continue;
        this.written.delete(id);
        byId.set(id, { id, ...known });
      }
      const unknown = unique.filter((id) => !byId.has(id));
      if (unknown.length > 0) {
        const rows = await this.db.manager.find(NotificationOutbox, {
          select: { id: true, status: true, sendAfter: true },
          where: { id: In(unknown) },
        });
        for (const row of rows) byId.set(row.id, row);
      }
      const now = this.clock.now().getTime();
      for (const row of unique.map((id) => byId.get(id))) {
        if (row?.status !== 'pending') continue;
        const delayMs = row.sendAfter ? Math.max(0, row.sendAfter.getTime() - now) : 0;
        await this.queue.enqueue(JobName.SendNotification, { outboxId: row.id }, { jobId: row.id, ...(delayMs > 0 ? { delayMs } : {}) });
      }
    } catch (error) {
      this.logger.warn(`Could not enqueue ${unique.length} notification(s); the reconciler will: ${(error as Error).message}`);
    }
  }

  /** `notify` in a transaction of its own: for a mail that goes with no other write. */
  async notifyNow<T extends TemplateName>(input: NotifyInput<T>): Promise<string> {
    return this.db.transaction((manager) => this.notify(manager, input));
  }

  /**
   * Delivers one outbox row. Idempotent: a row that is sent, held, failed, not yet due or being
   * sent by another worker is left alone. The row is claimed first (`pending` → `sending` in a
   * transaction), so of two workers running this for the same row only one sends. A failure is
   * recorded and rethrown, so the queue retries; a permanent SMTP rejection or the last attempt
   * marks the row `failed` instead.
   */
  @JobHandler(JobName.SendNotification)
  async send({ outboxId }: JobPayloads[JobName.SendNotification]): Promise<void> {
    const row = await this.claims.run(outboxId);
    if (!row) return;
    // Renewed until recorded (claimAll registered it), however long the SMTP server takes.
    try {
      let messageId: string;
      try {
        ({ messageId } = await this.mailer.send({
          outboxId: row.id,
          to: row.recipientEmail,
          subject: row.subject,
          text: row.bodyText,
          html: row.bodyHtml,
          createdAt: row.createdAt,
          threading: this.threading?.headersFor(row),
        }));
      } catch (error) {
        await this.recordFailure(row, error);
        return;
      }
      await this.deliveries.run({ id: row.id, attempts: row.attempts, messageId });
      this.logger.debug(`Sent ${row.template} mail ${row.id} (${row.eventKey})`);
    } finally {
      if (this.sending.get(row.id) === row.attempts) this.sending.delete(row.id);
    }
  }

  /** Mails that failed for good, newest first (the secretariat's list; `cli mail:retry` re-queues them). */
  async failedMails(limit = 100): Promise<{ total: number; data: FailedMailDto[] }> {
    const m = this.db.manager;
    const [rows, total] = await Promise.all([
      m.find(NotificationOutbox, {
        select: { id: true, template: true, subject: true, recipientEmail: true, attempts: true, lastError: true, createdAt: true },
        where: { status: 'failed' },
        order: { createdAt: 'DESC', id: 'ASC' },
        take: limit,
      }),
      m.count(NotificationOutbox, { where: { status: 'failed' } }),
    ]);
    return { total, data: rows.map((r) => ({ id: r.id, template: r.template, subject: r.subject, recipientEmail: r.recipientEmail, attempts: r.attempts, lastError: r.lastError, createdAt: r.createdAt })) };
  }

  /**
   * Puts mails that failed for good back in the queue (all of them, or the given outbox ids), for
   * an operator once the cause (an SMTP outage, a wrong address) is fixed: each gets a fresh
   * round of attempts and leaves at once where jobs run, or at the reconciler's next run. A mail
   * that was sent is never touched, so this cannot send anything twice. Returns the ids re-queued.
   */
  async retryFailed(ids?: readonly string[]): Promise<string[]> {
    const requeued = await this.db.transaction(async (m) => {
      const rows = await m.find(NotificationOutbox, { select: { id: true }, where: { status: 'failed', ...(ids ? { id: In([...ids]) } : {}) } });
      const found = rows.map((r) => r.id);
      for (let i = 0; i < found.length; i += 500) {
        await m.update(NotificationOutbox, { id: In(found.slice(i, i + 500)), status: 'failed' }, { status: 'pending', attempts: 0, claimedAt: null, sendAfter: null });
      }
      this.db.afterCommit(m, () => this.dispatch(found));
      return found;
    });
    return requeued;
  }

  /**
   * Bundles every recipient's held rows that are due (their 07:00 has passed) into one
   * `daily-digest` row per recipient and day, marks them `digested` and returns the new rows' ids.
   * Safe to run concurrently and repeatedly: the digest row is unique per (day, recipient), and
   * rows that become due after today's digest was made wait for tomorrow's.
   */
  async bundleDueDigests(now: Date = this.clock.now()): Promise<string[]> {
    const day = amsterdamDay(now);
    return this.db.transaction(async (m) => {
      const held = await m.find(NotificationOutbox, {
        where: { status: 'held', sendAfter: LessThanOrEqual(now) },
        order: { createdAt: 'ASC', id: 'ASC' },
        take: DIGEST_BATCH,
      });
      const byRecipient = new Map<string, NotificationOutbox[]>();
      for (const row of held) byRecipient.set(row.recipientEmail, [...(byRecipient.get(row.recipientEmail) ?? []), row]);
      const created: string[] = [];
      for (const [recipientEmail, rows] of byRecipient) {
        const data: TemplateData['daily-digest'] = {
          name: rows.map((row) => row.data.name).filter((name): name is string => typeof name === 'string' && name !== '').at(-1) ?? null,
          date: day,
          link: '/',
          items: rows.map((row) => digestItem(row, this.templates.publicUrl)),
        };
        const rendered = this.templates.render('daily-digest', data);
        const id = randomUUID();
        const stored = await this.insertOnce(m, {
          id,
          eventKey: `digest:${day}`,
          recipientEmail,
          recipientUserId: rows.map((row) => row.recipientUserId).find((userId) => userId !== null) ?? null,
          template: 'daily-digest',
          data: data as unknown as Record<string, unknown>,
          subject: rendered.subject,
          bodyText: rendered.text,
          bodyHtml: rendered.html,
          status: 'pending',
          attempts: 0,
          lastError: null,
          createdAt: now,
          sendAfter: null,
          claimedAt: null,
          sentAt: null,
          messageId: null,
          digestId: null,
        });
        if (stored !== id) continue; // today's digest for this recipient exists already
        await m
          .createQueryBuilder()
          .update(NotificationOutbox)
          .set({ status: 'digested', digestId: id })
          .where({ id: In(rows.map((row) => row.id)) })
          .andWhere("status = 'held'")
          .execute();
        created.push(id);
      }
      if (created.length > 0) this.logger.log(`Bundled ${held.length} held mail(s) into ${created.length} daily digest(s)`);
      return created;
    });
  }

  /**
   * Rows the reconciler should enqueue again: pending and due for longer than the grace (and,
   * after a failed attempt, past the retry gap), or claimed by a worker that has not renewed its
   * claim for the grace (it died mid-send).
   */
  async findPendingDeliveries(now: Date): Promise<PendingWork[]> {
    const rows = await this.db.manager
      .createQueryBuilder(NotificationOutbox, 'o')
      .select(['o.id', 'o.status', 'o.attempts', 'o.claimedAt'])
      .where(
        new Brackets((w) =>
          w
            .where("o.status = 'pending' AND (o.sendAfter IS NULL OR o.sendAfter <= :now) AND o.createdAt <= :graceEnd")
            .orWhere("o.status = 'sending' AND o.claimedAt <= :graceEnd"),
        ),
      )
      .setParameters({
        now,
        graceEnd: new Date(now.getTime() - this.reconciler.graceMs),
      })
      .orderBy('o.createdAt', 'ASC')
      .limit(1000)
      .getMany();
    return rows
      .filter((row) => row.status === 'sending' || !row.claimedAt || row.claimedAt.getTime() + retryGapMs(row.attempts) <= now.getTime())
      .map((row) => sendJob(row.id));
  }

  /** Inserts unless (eventKey, recipientEmail) exists; returns the id of the row that is there. */
  private async insertOnce(m: EntityManager, row: NotificationOutbox): Promise<string> {
    // The unique constraint decides, in one statement; only a clash costs a second one.
    const inserted = await insertRows(m, NotificationOutbox, [row], { onConflictDoNothing: ['eventKey', 'recipientEmail'], returning: ['id'] });
    if (inserted.length === 1) {
      this.remember(row);
      return row.id;
    }
    const stored = await m.findOne(NotificationOutbox, {
      select: { id: true },
      where: { eventKey: row.eventKey, recipientEmail: row.recipientEmail },
    });
    if (!stored) throw new Error(`Outbox row for ${row.eventKey} was neither inserted nor found`);
    return stored.id;
  }

  private remember(row: NotificationOutbox): void {
    if (this.written.size >= WRITTEN_MEMORY) this.written.delete(this.written.keys().next().value!);
    this.written.set(row.id, { status: row.status, sendAfter: row.sendAfter });
  }

  /**
   * Takes the rows for this worker; null for a row that is not (or no longer) this worker's to
   * send. One conditional UPDATE … RETURNING, atomic by itself: of two workers only one gets a row.
   * The claim is the row's `attempts` after the increment: a takeover changes it, so a worker
   * records (and renews) only its own claim. Claimed rows are renewed until recorded (`sending`).
   */
  private async claimAll(ids: string[]): Promise<(NotificationOutbox | null)[]> {
    const claimed = await this.db.statement(async (m) => {
      const now = this.clock.now();
      const sql = new SqlParams(this.db.kind);
      const rows = await queryRows(
        m,
        `UPDATE notification_outbox SET status = 'sending', claimed_at = ${sql.add(now)}, attempts = attempts + 1
         WHERE id IN (${sql.list(ids)}) AND (status = 'pending' OR (status = 'sending' AND claimed_at <= ${sql.add(new Date(now.getTime() - this.reconciler.graceMs))}))
           AND (send_after IS NULL OR send_after <= ${sql.add(now)})
         RETURNING *`,
        sql.values,
      );
      const byId = new Map(rows.map((raw) => [String(raw.id), hydrate(m, NotificationOutbox, raw)]));
      // Two jobs for one row in the same batch (the reconciler beside the original): one gets it.
      return ids.map((id) => {
        const row = byId.get(id) ?? null;
        byId.delete(id);
        return row;
      });
    });
    for (const row of claimed) if (row) this.sending.set(row.id, row.attempts);
    return claimed;
  }

  /** Marks delivered rows sent, unless their claim was taken over meanwhile (then the other worker records it). */
  private async recordSent(sent: Delivered[]): Promise<void[]> {
    const byClaim = new Map<number, Delivered[]>();
    for (const d of sent) byClaim.set(d.attempts, [...(byClaim.get(d.attempts) ?? []), d]);
    const now = this.clock.now();
    for (const group of byClaim.values()) {
      await this.db.statement((m) => {
        const sql = new SqlParams(this.db.kind);
        const messageId = sql.caseOf('id', group.map((d) => [d.id, d.messageId]));
        return queryRows(
          m,
          `UPDATE notification_outbox SET status = 'sent', sent_at = ${sql.add(now)}, message_id = ${messageId}, last_error = NULL
           WHERE id IN (${sql.list(group.map((d) => d.id))}) AND status = 'sending' AND attempts = ${sql.add(group[0].attempts)}`,
          sql.values,
        );
      });
    }
    return sent.map(() => undefined);
  }

  private async recordFailure(row: NotificationOutbox, error: unknown): Promise<void> {
    const permanent = isPermanentRejection(error);
    const final = permanent || row.attempts >= MAX_DELIVERY_ATTEMPTS;
    const lastError = describeError(error);
    await this.db.transaction((m) =>
      m.update(NotificationOutbox, { id: row.id, status: 'sending', attempts: row.attempts }, { status: final ? 'failed' : 'pending', lastError }),
    );
    if (!final) throw error;
    this.logger.error(
      `Mail ${row.id} (${row.template}, ${row.eventKey}) failed for good after ${row.attempts} attempt(s)${permanent ? ', rejected by the server' : ''}: ${lastError}`,
    );
  }
}

/** A mail the SMTP server (or MAIL_DIR) accepted, to be recorded on its claimed row. */
interface Delivered {
  id: string;
  /** The claim: the row's `attempts` when this worker took it. */
  attempts: number;
  messageId: string;
}

function sendJob(outboxId: string): PendingWork {
  return { job: JobName.SendNotification, payload: { outboxId }, key: `outbox-${outboxId}` };
}

function digestItem(row: NotificationOutbox, publicUrl: string): DigestItem {
  const link = row.data.link;
  try {
    absoluteLink(publicUrl, link);
    return { subject: row.subject, link: link as string };
  } catch {
    return { subject: row.subject, link: null };
  }
}

/**
 * An address this service sends mail to: no spaces, quotes or `< > , ;` (which RFC 5322 allows in
 * a quoted local part, and validators such as isEmail accept). Forms and the API that take an
 * address someone will be mailed at check it against this too, so it is refused as input (400)
 * instead of failing when the mail is queued.
 */
export const MAILABLE_ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

function normaliseEmail(email: string): string {
  const normalised = email.trim().toLowerCase();
  if (!MAILABLE_ADDRESS.test(normalised) || normalised.length > 320) throw new Error(`Invalid recipient address "${email}"`);
  return normalised;
}

/** An SMTP 5xx answer to this message or its recipient: sending it again would be refused again. */
function isPermanentRejection(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: string; responseCode?: number };
  return (code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode >= 500 && responseCode !== 503;
}

function describeError(error: unknown): string {
  const { code, responseCode, message } = (error ?? {}) as { code?: string; responseCode?: number; message?: string };
  return [code, responseCode, message ?? String(error)].filter((part) => part !== undefined && part !== '').join(' ').slice(0, 2000);
}
