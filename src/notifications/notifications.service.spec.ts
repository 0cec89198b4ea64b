import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox1795823380010 } from '../../migrations/1795823380010-Outbox.js';
import type { Clock } from '../common/clock.js';
import { Database } from '../infra/database/database.service.js';
import { SnakeNamingStrategy } from '../infra/database/naming.js';
import { JobName } from '../infra/jobs/job-names.js';
import type { JobQueue } from '../infra/jobs/job-queue.js';
import type { PendingWorkSource, Reconciler } from '../infra/jobs/reconciler.js';
import { appPath } from '../infra/app-root.js';
import type { Mailer, OutgoingMail, SentMail } from './mailer.js';
import { MAX_DELIVERY_ATTEMPTS, NotificationsService, type NotifyInput } from './notifications.service.js';
import { NotificationOutbox } from './outbox.entity.js';
import { MailTemplates } from './templates.js';

class FakeClock {
  current = new Date('2026-03-02T09:00:00.000Z'); // Monday 10:00 in Amsterdam
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

class FakeQueue {
  jobs: Array<{ name: JobName; payload: unknown; options?: { jobId?: string; delayMs?: number } }> = [];
  broken = false;
  async enqueue(name: JobName, payload: unknown, options?: { jobId?: string; delayMs?: number }): Promise<void> {
    if (this.broken) throw new Error('queue down');
    this.jobs.push({ name, payload, options });
  }
}

/** The reconciler's grace: its interval, RECONCILE_INTERVAL_MS (the default). */
const GRACE_MS = 60_000;

class FakeReconciler {
  sources: PendingWorkSource[] = [];
  graceMs = GRACE_MS;
  register(source: PendingWorkSource): () => void {
    this.sources.push(source);
    return () => (this.sources = this.sources.filter((s) => s !== source));
  }
}

class FakeMailer {
  sent: OutgoingMail[] = [];
  failures: unknown[] = [];
  delayMs = 0;
  /** While set, sends wait for it (an SMTP server that takes its time). */
  gate?: Promise<void>;
  /** Sends begun, finished or not. */
  begun = 0;
  async send(mail: OutgoingMail): Promise<SentMail> {
    this.begun += 1;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(mail);
    return { messageId: `<${mail.outboxId}@test>`, response: '250 ok' };
  }
}

const PUBLIC_URL = 'http://vraagbaak.test';

describe('NotificationsService', () => {
  let dir: string;
  let dataSource: DataSource;
  let db: Database;
  let clock: FakeClock;
  let queue: FakeQueue;
  let mailer: FakeMailer;
  let reconciler: FakeReconciler;
  let service: NotificationsService;

  const assigned = (overrides: Partial<NotifyInput<'question-assigned'>> = {}): NotifyInput<'question-assigned'> => ({
    eventKey: 'question:q1:assigned:1',
    recipient: { email: 'Expert@Example.nl', userId: 'u1' },
    template: 'question-assigned',
    data: { reference: 'WBS-2026-00042', title: 'Grondwater <b>', link: '/vragen/q1', name: 'Jan' },
    ...overrides,
  });
  const notify = (input: NotifyInput) => db.transaction((m) => service.notify(m, input));
  const row = (id: string) => dataSource.manager.findOneByOrFail(NotificationOutbox, { id });
  const rows = () => dataSource.manager.find(NotificationOutbox, { order: { createdAt: 'ASC' } });

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vraagbaak-outbox-'));
    dataSource = await new DataSource({
      type: 'sqlite',
      database: join(dir, 'test.sqlite'),
      enableWAL: true,
      entities: [NotificationOutbox],
      migrations: [Outbox1795823380010],
      namingStrategy: new SnakeNamingStrategy(),
    }).initialize();
    await dataSource.runMigrations();
    db = new Database(dataSource);
    clock = new FakeClock();
    queue = new FakeQueue();
    mailer = new FakeMailer();
    reconciler = new FakeReconciler();
    service = new NotificationsService(
      db,
      new MailTemplates(appPath('templates', 'mail'), PUBLIC_URL),
      mailer as unknown as Mailer,
      queue as unknown as JobQueue,
      reconciler as unknown as Reconciler,
      clock as unknown as Clock,
    );
    service.onModuleInit();
  });

  afterEach(async () => {
    await service.onModuleDestroy();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a migration that matches the entity and reverts cleanly', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    await dataSource.undoLastMigration();
    expect(await dataSource.createQueryRunner().hasTable('notification_outbox')).toBe(false);
    await dataSource.runMigrations();
    expect(await dataSource.createQueryRunner().hasTable('notification_outbox')).toBe(true);
  });

  describe('notify', () => {
    it('stores one rendered row per (event, recipient) and returns its id every time', async () => {
      const first = await notify(assigned());
      const second = await notify(assigned({ recipient: { email: ' expert@example.NL ' } }));
      expect(second).toBe(first);
      const [stored, ...others] = await rows();
      expect(others).toEqual([]);
      expect(stored).toMatchObject({
        id: first,
        eventKey: 'question:q1:assigned:1',
        recipientEmail: 'expert@example.nl',
        recipientUserId: 'u1',
        template: 'question-assigned',
        status: 'pending',
        attempts: 0,
        subject: '[WBS-2026-00042] Nieuwe vraag aan u toegewezen',
        sendAfter: null,
      });
      expect(stored.data).toEqual(assigned().data);
      expect(stored.bodyHtml).toContain('Grondwater &lt;b&gt;');
      expect(stored.bodyText).toContain('Grondwater <b>');
      expect(stored.createdAt.toISOString()).toBe(clock.current.toISOString());
      // Another recipient or another event is another mail.
      expect(await notify(assigned({ recipient: { email: 'other@example.nl' } }))).not.toBe(first);
      expect(await notify(assigned({ eventKey: 'question:q1:assigned:2' }))).not.toBe(first);
    });

    it('belongs to the caller’s transaction', async () => {
      await expect(
        db.transaction(async (m) => {
          await service.notify(m, assigned());
          throw new Error('caller failed');
        }),
      ).rejects.toThrow('caller failed');
      expect(await rows()).toEqual([]);
      // Nothing was committed, so nothing is dispatched.
      expect(queue.jobs).toEqual([]);
    });

    it('refuses to run outside a transaction, and refuses bad data before writing', async () => {
      await expect(service.notify(dataSource.manager, assigned())).rejects.toThrow(/inside Database.transaction/);
      await expect(notify(assigned({ data: { ...assigned().data, internalNote: 'alleen intern' } as never }))).rejects.toThrow(/internal/);
      await expect(notify(assigned({ recipient: { email: 'not an address' } }))).rejects.toThrow(/recipient/);
      await expect(notify(assigned({ data: { ...assigned().data, link: 'https://elders.example/x' } }))).rejects.toThrow(/links/);
      expect(await rows()).toEqual([]);
    });
  });

  describe('dispatch', () => {
    it('enqueues pending rows with the outbox id as job id and a delay for sendAfter, skipping held rows', async () => {
      const now = await notify(assigned());
      const later = await notify(assigned({ eventKey: 'later', sendAfter: new Date(clock.current.getTime() + 30_000) }));
      const held = await notify(assigned({ eventKey: 'held', digest: true }));
      const expected = [
        { name: JobName.SendNotification, payload: { outboxId: now }, options: { jobId: now } },
        { name: JobName.SendNotification, payload: { outboxId: later }, options: { jobId: later, delayMs: 30_000 } },
      ];
      // Each transaction dispatched its mail once it had committed; no caller did.
      expect(queue.jobs).toEqual(expected);
      queue.jobs.length = 0;
      await service.dispatch([now, later, held, now]);
      expect(queue.jobs).toEqual(expected);
    });

    it('dispatches the mails of one transaction after its commit, in the order written', async () => {
      const ids = await db.transaction(async (m) => {
        const first = await service.notify(m, assigned());
        const [second, third] = await service.notifyMany(m, [assigned({ eventKey: 'two' }), assigned({ eventKey: 'three' })]);
        // Not before the commit: a worker must never look for a row that is not there yet.
        expect(queue.jobs).toEqual([]);
        return [first, second, third];
      });
      expect(queue.jobs.map((job) => (job.payload as { outboxId: string }).outboxId)).toEqual(ids);
    });

    it('never throws: the reconciler finds what a failed enqueue lost', async () => {
      const id = await notify(assigned());
      queue.broken = true;
      await expect(service.dispatch([id])).resolves.toBeUndefined();
      clock.advance(61_000);
      const outbox = reconciler.sources.find((s) => s.name === 'notifications.outbox')!;
      expect(await outbox.findPending(clock.now())).toEqual([expect.objectContaining({ job: JobName.SendNotification, payload: { outboxId: id } })]);
    });

    it('notifyNow writes and dispatches in one call', async () => {
      const id = await service.notifyNow(assigned());
      expect(queue.jobs.map((job) => job.payload)).toEqual([{ outboxId: id }]);
    });
  });

  describe('send', () => {
    it('sends once and records the Message-ID; running it again does nothing', async () => {
      const id = await notify(assigned());
      await service.send({ outboxId: id });
      await service.send({ outboxId: id });
      expect(mailer.sent).toHaveLength(1);
      expect(mailer.sent[0]).toMatchObject({ outboxId: id, to: 'expert@example.nl', subject: '[WBS-2026-00042] Nieuwe vraag aan u toegewezen' });
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, messageId: `<${id}@test>`, lastError: null });
      expect((await row(id)).sentAt).toBeInstanceOf(Date);
    });

    it('sends once when two workers run the same job at the same time', async () => {
      const id = await notify(assigned());
      mailer.delayMs = 20;
      await Promise.all([service.send({ outboxId: id }), service.send({ outboxId: id }), service.send({ outboxId: id })]);
      expect(mailer.sent).toHaveLength(1);
    });

    it('ignores unknown ids, held rows and rows that are not due yet', async () => {
      await service.send({ outboxId: 'does-not-exist' });
      const held = await notify(assigned({ eventKey: 'held', digest: true }));
      const later = await notify(assigned({ eventKey: 'later', sendAfter: new Date(clock.current.getTime() + 60_000) }));
      await service.send({ outboxId: held });
      await service.send({ outboxId: later });
      expect(mailer.sent).toEqual([]);
      clock.advance(60_000);
      await service.send({ outboxId: later });
      expect(mailer.sent).toHaveLength(1);
    });

    it('records a failure and rethrows so the queue retries; the retry sends', async () => {
      const id = await notify(assigned());
      mailer.failures.push(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }));
      await expect(service.send({ outboxId: id })).rejects.toThrow('Connection closed');
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'ECONNECTION Connection closed' });
      await service.send({ outboxId: id });
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(mailer.sent).toHaveLength(1);
    });

    it('gives up at once on a permanent SMTP rejection, and after the last attempt', async () => {
      const rejected = await notify(assigned());
      mailer.failures.push(Object.assign(new Error('Mailbox unavailable'), { code: 'EENVELOPE', responseCode: 550 }));
      await expect(service.send({ outboxId: rejected })).resolves.toBeUndefined();
      expect(await row(rejected)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'EENVELOPE 550 Mailbox unavailable' });

      const flaky = await notify(assigned({ eventKey: 'flaky' }));
      await dataSource.manager.update(NotificationOutbox, { id: flaky }, { attempts: MAX_DELIVERY_ATTEMPTS - 1 });
      mailer.failures.push(new Error('timeout'));
      await expect(service.send({ outboxId: flaky })).resolves.toBeUndefined();
      expect(await row(flaky)).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
      // Failed rows are not picked up again.
      clock.advance(24 * 3600_000);
      expect(await reconciler.sources[0].findPending(clock.now())).toEqual([]);
    });

    it('retakes a claim left by a worker that died, after one reconcile interval', async () => {
      const id = await notify(assigned());
      await dataSource.manager.update(NotificationOutbox, { id }, { status: 'sending', claimedAt: clock.now(), attempts: 1 });
      await service.send({ outboxId: id });
      expect(mailer.sent).toHaveLength(0);
      const outbox = reconciler.sources.find((s) => s.name === 'notifications.outbox')!;
      clock.advance(GRACE_MS - 1);
      expect(await outbox.findPending(clock.now())).toEqual([]);
      clock.advance(1);
      expect(await outbox.findPending(clock.now())).toEqual([expect.objectContaining({ payload: { outboxId: id } })]);
      await service.send({ outboxId: id });
      expect(mailer.sent).toHaveLength(1);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });

  describe('claims of sends in flight', () => {
    it('keeps renewing the claim of a slow send, so it is never taken over and sent twice', async () => {
      const id = await notify(assigned());
      let finish!: () => void;
      mailer.gate = new Promise<void>((resolve) => (finish = resolve));
      const first = service.send({ outboxId: id });
      while (mailer.begun === 0) await new Promise((resolve) => setImmediate(resolve));
      const outbox = reconciler.sources.find((s) => s.name === 'notifications.outbox')!;
      for (let i = 0; i < 3; i++) {
        clock.advance(GRACE_MS / 2);
        expect(await service.renewClaims()).toBe(1);
        expect(await outbox.findPending(clock.now())).toEqual([]);
        await service.send({ outboxId: id }); // a second job for the row finds nothing to take
      }
      finish();
      await first;
      expect(mailer.sent).toHaveLength(1);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await service.renewClaims()).toBe(0);
    });

    it('records a send only under its own claim, not after another worker took the row over', async () => {
      const id = await notify(assigned());
      let finish!: () => void;
      mailer.gate = new Promise<void>((resolve) => (finish = resolve));
      const first = service.send({ outboxId: id });
      while (mailer.begun === 0) await new Promise((resolve) => setImmediate(resolve));
      // This worker stalls past the grace without renewing (e.g. its database connection hung): another takes over.
      await dataSource.manager.update(NotificationOutbox, { id }, { attempts: 2, claimedAt: clock.now() });
      finish();
      await first;
      expect(await row(id)).toMatchObject({ status: 'sending', attempts: 2 });
    });
  });

  describe('reconciler source', () => {
    it('registers the outbox and the daily digest', () => {
      expect(reconciler.sources.map((s) => s.name)).toEqual(['notifications.outbox', 'notifications.daily-digest']);
    });

    it('leaves fresh rows to their own job, picks up due ones, and waits between failed attempts', async () => {
      const outbox = reconciler.sources[0];
      const id = await notify(assigned());
      const later = await notify(assigned({ eventKey: 'later', sendAfter: new Date(clock.current.getTime() + 3600_000) }));
      expect(await outbox.findPending(clock.now())).toEqual([]);
      clock.advance(61_000);
      expect((await outbox.findPending(clock.now())).map((w) => w.payload)).toEqual([{ outboxId: id }]);
      mailer.failures.push(new Error('down'));
      await expect(service.send({ outboxId: id })).rejects.toThrow('down');
      expect(await outbox.findPending(clock.now())).toEqual([]);
      clock.advance(5 * 60_000);
      expect((await outbox.findPending(clock.now())).map((w) => w.payload)).toEqual([{ outboxId: id }]);
      clock.advance(3600_000);
      expect((await outbox.findPending(clock.now())).map((w) => w.payload)).toEqual([{ outboxId: id }, { outboxId: later }]);
    });
  });

  describe('daily digest', () => {
    it('holds mails until 07:00 and bundles each recipient’s into one digest mail', async () => {
      // Monday 2 March 2026, 10:00 in Amsterdam.
      const a = await notify(assigned({ digest: true }));
      const b = await notify(
        assigned({
          eventKey: 'question:q2:replied',
          template: 'requester-replied',
          data: { reference: 'WBS-2026-00043', title: 'Bodem', link: '/vragen/q2', message: 'Hier <is> het' },
          digest: true,
        } as never),
      );
      const other = await notify(assigned({ recipient: { email: 'other@example.nl' }, digest: true }));
      // A sign-in link is never held.
      const signIn = await notify({ eventKey: 'sign-in', recipient: { email: 'expert@example.nl' }, template: 'sign-in-link', data: { link: '/auth/x', validMinutes: 15 }, digest: true });
      expect((await row(signIn)).status).toBe('pending');
      expect(await row(a)).toMatchObject({ status: 'held', sendAfter: new Date('2026-03-03T06:00:00.000Z') });

      const digestSource = reconciler.sources.find((s) => s.name === 'notifications.daily-digest')!;
      clock.set('2026-03-03T05:59:00.000Z');
      expect(await digestSource.findPending(clock.now())).toEqual([]);

      clock.set('2026-03-03T06:00:30.000Z');
      const work = await digestSource.findPending(clock.now());
      expect(work).toHaveLength(2);
      const digests = await dataSource.manager.find(NotificationOutbox, { where: { template: 'daily-digest' }, order: { recipientEmail: 'ASC' } });
      expect(digests.map((d) => [d.recipientEmail, d.eventKey, d.status, d.recipientUserId])).toEqual([
        ['expert@example.nl', 'digest:2026-03-03', 'pending', 'u1'],
        ['other@example.nl', 'digest:2026-03-03', 'pending', null],
      ]);
      const mine = digests[0];
      expect(mine.subject).toBe('Dagoverzicht Vraagbaak WBS van 3 maart 2026');
      expect(mine.bodyText).toContain('- [WBS-2026-00042] Nieuwe vraag aan u toegewezen\n  http://vraagbaak.test/vragen/q1');
      expect(mine.bodyText).toContain('- [WBS-2026-00043] De vraagsteller heeft gereageerd');
      expect(mine.bodyText).toMatch(/^Geachte Jan,/);
      expect(await row(a)).toMatchObject({ status: 'digested', digestId: mine.id });
      expect(await row(b)).toMatchObject({ status: 'digested', digestId: mine.id });
      expect(await row(other)).toMatchObject({ status: 'digested', digestId: digests[1].id });

      // Idempotent; and the digest is an ordinary outbox row that sends once.
      expect(await digestSource.findPending(clock.now())).toEqual([]);
      await service.send({ outboxId: mine.id });
      await service.send({ outboxId: mine.id });
      expect(mailer.sent.filter((m) => m.outboxId === mine.id)).toHaveLength(1);
    });

    it('lets a mail that becomes due after today’s digest wait for tomorrow’s', async () => {
      clock.set('2026-03-03T05:59:59.000Z');
      const late = await notify(assigned({ digest: true })); // due at 07:00 today
      clock.set('2026-03-03T05:00:00.000Z');
      await notify(assigned({ eventKey: 'early', digest: true }));
      clock.set('2026-03-03T06:00:01.000Z');
      // Simulate today's digest having been made before `late` was due-and-visible.
      await dataSource.manager.update(NotificationOutbox, { id: late }, { sendAfter: new Date('2026-03-03T06:00:02.000Z') });
      expect(await service.bundleDueDigests(clock.now())).toHaveLength(1);
      clock.set('2026-03-03T06:00:03.000Z');
      expect(await service.bundleDueDigests(clock.now())).toEqual([]);
      expect((await row(late)).status).toBe('held');
      clock.set('2026-03-04T06:00:03.000Z');
      expect(await service.bundleDueDigests(clock.now())).toHaveLength(1);
      expect((await row(late)).status).toBe('digested');
    });
  });
});
