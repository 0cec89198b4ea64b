import { randomUUID } from 'node:crypto';
import { Database } from '../src/infra/database/database.service.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { JobName } from '../src/infra/jobs/job-names.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { InboundMessage } from '../src/inbound/inbound.entities.js';
import { QuestionReplies } from '../src/inbound/question-replies.js';
import { signInAs, type TestUser } from './support/auth.js';
import { fixture, replyClient, replyToOf } from './support/inbound.js';
import { sentTo, startSmtp, type TestSmtp } from './support/smtp.js';
import { freshDatabase, losingEnqueues, startTestApp, type TestApp } from './support/test-app.js';

const NEW_TEXT = 'Het gaat om polder Zegveld, perceel 12. De grondwaterstand daar is gemiddeld 40 cm onder maaiveld.';

describe('Replies by e-mail survive a crash (e2e)', () => {
  let smtp: TestSmtp;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let env: Record<string, string>;
  let requester: TestUser;
  let expert: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    database = await freshDatabase();
    env = { SMTP_URL: smtp.url, MAIL_REPLY_DOMAIN: 'antwoord.vraagbaak.test', INBOUND_SMTP_PORT: '0', INBOUND_SMTP_HOST: '127.0.0.1', RECONCILE_INTERVAL_MS: '1000' };
    t = await startTestApp(env, database);
    requester = await signInAs(t, { roles: ['requester'], email: 'jan.jansen@amsterdam.nl' });
    expert = await signInAs(t, { roles: ['expert'], email: 'expert@ienw.nl', keuzeIds: [25], capacity: 50 });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await smtp?.close();
  });

  async function awaitingRequester() {
    const created = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: `Peil ${randomUUID()}`, body: 'Hoe hoog?', keuzeIds: [25] }).expect(201);
    await t.drain();
    const { id, reference } = (await t.http.get(`/api/v1/questions/${created.body.id}`).set(requester.auth).expect(200)).body;
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${id}/clarification-request`).set(expert.auth).send({ message: 'Over welke polder gaat het?' }).expect(200);
    await t.drain();
    const mail = await smtp.waitFor((m) => sentTo(requester.user.email)(m) && (m.subject ?? '').startsWith(`[${reference}]`) && (m.text ?? '').includes('Over welke polder'));
    return { id, reference, to: replyToOf(mail) };
  }

  /** Stores a reply whose processing job is lost, as when the process dies right after the `250`. */
  async function storedNotProcessed(to: string, reference: string): Promise<InboundMessage> {
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const client = replyClient(t);
    await losingEnqueues(t.app.get(InProcessJobQueue), [JobName.ProcessInboundMail], () =>
      client.send(fixture('gmail-nl.eml', { from: requester.user.email, to, reference, messageId }), { from: requester.user.email, to: [to] }),
    );
    client.close();
    return t.app.get(Database).manager.findOneByOrFail(InboundMessage, { messageKey: `<${messageId}>` });
  }

  /** Restarts the app on the same database and data folder, then lets the reconciler run once its grace has passed. */
  async function restartAndReconcile(): Promise<void> {
    await t.app.close();
    t = await startTestApp(env, database);
    t.at(new Date(Date.now() + 3_600_000).toISOString());
    await t.app.get(Reconciler).reconcileNow();
    await t.drain();
  }

  const messages = async (id: string) => (await t.http.get(`/api/v1/questions/${id}`).set(requester.auth).expect(200)).body;

  it('the app closed between storing and processing: the reply still lands, once', async () => {
    const { id, reference, to } = await awaitingRequester();
    const row = await storedNotProcessed(to, reference);
    expect(row.status).toBe('received');
    expect((await messages(id)).status).toBe('awaiting_requester');
    await restartAndReconcile();
    const after = await messages(id);
    expect(after.status).toBe('in_progress');
    expect(after.messages.filter((m: { body: string }) => m.body === NEW_TEXT)).toHaveLength(1);
    // Reconciling again finds nothing left to do.
    await t.app.get(Reconciler).reconcileNow();
    await t.drain();
    expect((await messages(id)).messages.filter((m: { body: string }) => m.body === NEW_TEXT)).toHaveLength(1);
    expect(await t.app.get(Database).manager.findOneByOrFail(InboundMessage, { id: row.id })).toMatchObject({ status: 'posted' });
  });

  it('a worker that died after posting but before recording: the retake does not post again', async () => {
    const { id, reference, to } = await awaitingRequester();
    const row = await storedNotProcessed(to, reference);
    // The dead worker's work: the claim, and the message it posted.
    const db = t.app.get(Database);
    await db.transaction((m) => m.update(InboundMessage, { id: row.id }, { status: 'processing', attempts: 1, claimedAt: new Date() }));
    const replies = t.app.get(QuestionReplies);
    await replies.post((await replies.author(requester.user.id))!, id, NEW_TEXT, false);
    await restartAndReconcile();
    const after = await messages(id);
    expect(after.messages.filter((m: { body: string }) => m.body === NEW_TEXT)).toHaveLength(1);
    expect(await t.app.get(Database).manager.findOneByOrFail(InboundMessage, { id: row.id })).toMatchObject({ status: 'posted', attempts: 2 });
  });
});
