import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Database } from '../src/infra/database/database.service.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { JobName } from '../src/infra/jobs/job-names.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { NotificationOutbox } from '../src/notifications/outbox.entity.js';
import { TestApp, losingEnqueues, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * Recovery takes one reconcile interval (RECONCILE_INTERVAL_MS), whatever it is set to: a routing
 * job lost with Redis (or a killed worker) and a mail whose sending worker died are picked up by
 * the first reconciler run one interval later — and not before, so work merely on its way is not
 * done twice. Time moves by the app's clock; the reconciler runs on demand.
 */
const INTERVAL = 1000; // the minimum the config accepts
const T = Date.parse('2026-03-02T10:00:00+01:00'); // Monday, office hours

/** An SMTP server that can hold mails unanswered (a slow server), counting every mail it accepts. */
async function startHoldingSmtp() {
  const accepted: string[] = [];
  let held: Array<() => void> = [];
  let holding = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const finish = () => {
          accepted.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        };
        if (holding) held.push(finish);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    get heldCount() {
      return held.length;
    },
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const finish of held) finish();
      held = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('recovery within one reconcile interval (e2e)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startHoldingSmtp>>;
  let requester: TestUser;
  let coordinator: TestUser;
  const at = (ms: number) => t.at(new Date(ms).toISOString());
  const drain = () => t.app.get(InProcessJobQueue).drain();
  const reconcile = async () => {
    await t.app.get(Reconciler).reconcileNow();
    await drain();
  };
  const outboxRow = (id: string) => t.app.get(Database).manager.findOneByOrFail(NotificationOutbox, { id });
  const mailsFor = (outboxId: string) => smtp.accepted.filter((raw) => raw.includes(`<${outboxId}.vraagbaak@`));

  beforeAll(async () => {
    smtp = await startHoldingSmtp();
    t = await startTestApp({ RECONCILE_INTERVAL_MS: String(INTERVAL), SMTP_URL: smtp.url });
    at(T);
    requester = await signInAs(t, { roles: ['requester'] });
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    await signInAs(t, { roles: ['expert'], keuzeIds: [21], capacity: 10 });
  });
  afterAll(async () => {
    smtp.release();
    await t.close();
    await smtp.close();
  });

  it('derives the grace from RECONCILE_INTERVAL_MS', () => {
    expect(t.app.get(Reconciler).graceMs).toBe(INTERVAL);
  });

  it('routes a question whose routing job was lost at the first reconciler run one interval later', async () => {
    const submittedAt = T + 10 * INTERVAL;
    at(submittedAt);
    // The routing job is lost on its way to the queue (Redis restarted mid-batch, or the worker was killed).
    const id: string = (
      await losingEnqueues(t.app.get(InProcessJobQueue), [JobName.RouteQuestion], () =>
        t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Verloren routering', body: 'Waar blijft mijn vraag?', keuzeIds: [21] }).expect(201),
      )
    ).body.id;
    await drain();
    const status = async () => (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.auth).expect(200)).body.status;
    expect(await status()).toBe('submitted');

    // Just under one interval: its job may still be on its way, so the reconciler leaves it alone.
    at(submittedAt + INTERVAL - 1);
    await reconcile();
    expect(await status()).toBe('submitted');

    at(submittedAt + INTERVAL);
    await reconcile();
    expect(await status()).toBe('assigned');
  });

  it('sends a mail whose sending worker died (claimed, never finished) at the first reconciler run one interval later', async () => {
    const notifications = t.app.get(NotificationsService);
    const db = t.app.get(Database);
    const claimedAt = T + 20 * INTERVAL;
    at(claimedAt - INTERVAL);
    // The commit's send job goes to a worker elsewhere (not this process's queue) ...
    const id = await losingEnqueues(t.app.get(InProcessJobQueue), [JobName.SendNotification], () =>
      db.transaction((m) =>
        notifications.notify(m, { eventKey: 'recovery:interrupted', recipient: { email: 'onderbroken@test.example.nl' }, template: 'sign-in-link', data: { link: 'http://vraagbaak.test/auth/callback?token=x', validMinutes: 15 } }),
      ),
    );
    // ... which claimed it and was killed (`kill -9`) while sending: the row stays `sending`, and nobody renews the claim.
    await db.manager.update(NotificationOutbox, { id }, { status: 'sending', claimedAt: new Date(claimedAt), attempts: 1 });

    at(claimedAt + INTERVAL - 1);
    await reconcile();
    expect(await outboxRow(id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(mailsFor(id)).toHaveLength(0);

    at(claimedAt + INTERVAL);
    await reconcile();
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailsFor(id)).toHaveLength(1);
  });

  it('never takes over the claim of a mail a live worker is still sending, however long the server takes', async () => {
    const notifications = t.app.get(NotificationsService);
    const start = T + 40 * INTERVAL;
    at(start);
    smtp.hold();
    const id = await notifications.notifyNow({ eventKey: 'recovery:slow', recipient: { email: 'traag@test.example.nl' }, template: 'sign-in-link', data: { link: 'http://vraagbaak.test/auth/callback?token=y', validMinutes: 15 } });
    await until(() => smtp.heldCount === 1, 'the mail reaches the SMTP server');
    expect(await outboxRow(id)).toMatchObject({ status: 'sending', attempts: 1 });
    // Five intervals pass while the server holds the mail; the worker renews its claim all along
    // (its timer, every third of the interval). After each step the reconciler finds nothing to
    // redo, and a second send job for the row (one enqueued twice) finds nothing to take.
    for (let step = 1; step <= 10; step++) {
      const now = start + (step * INTERVAL) / 2;
      at(now);
      await until(async () => (await outboxRow(id)).claimedAt!.getTime() === now, 'the claim is renewed');
      expect((await notifications.findPendingDeliveries(new Date(now))).map((w) => w.payload)).not.toContainEqual({ outboxId: id });
      await notifications.send({ outboxId: id });
      expect(await outboxRow(id)).toMatchObject({ status: 'sending', attempts: 1 });
    }
    smtp.release();
    await drain();
    await reconcile();
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(mailsFor(id)).toHaveLength(1);
  });
});
