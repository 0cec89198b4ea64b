import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import smtp from 'smtp-server';
import type { EntityManager } from 'typeorm';
import { Database } from '../src/infra/database/database.service.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { NotificationsService, type NotifyInput } from '../src/notifications/notifications.service.js';
import { NotificationOutbox } from '../src/notifications/outbox.entity.js';
import { losingEnqueues, startTestApp, type TestApp } from './support/test-app.js';

interface ReceivedMail {
  raw: string;
  from: string;
  to: string[];
  at: number;
}

/**
 * An SMTP server on a free loopback port that keeps every message it accepts. `rejections`
 * holds, per recipient, the reply codes to refuse the next RCPT TO with (451 transient, 550 permanent).
 */
async function startSmtpServer(): Promise<{ port: number; received: ReceivedMail[]; rejections: Map<string, number[]>; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const rejections = new Map<string, number[]>();
  const server = new smtp.SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, session, callback) {
      const code = rejections.get(address.address)?.shift();
      if (code === undefined) return callback();
      callback(Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, rejections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Headers (unfolded) and the decoded text/plain and text/html parts of a raw message. */
function parseMail(raw: string): { headers: Record<string, string>; text: string; html: string } {
  const [head] = raw.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/g)].map((m) => m[1]);
  const parts = boundaries.flatMap((b) => raw.split(`--${b}`)).filter((p) => /content-type:\s*text\/(plain|html)/i.test(p.split('\r\n\r\n')[0] ?? ''));
  const decoded: Record<string, string> = {};
  for (const part of parts) {
    const separator = part.indexOf('\r\n\r\n');
    const partHead = part.slice(0, separator);
    const body = part.slice(separator + 4).replace(/\r\n$/, '');
    const type = /content-type:\s*text\/(plain|html)/i.exec(partHead)![1].toLowerCase();
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(partHead)?.[1].toLowerCase();
    decoded[type] =
      encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : encoding === 'quoted-printable'
          ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
          : body;
  }
  return { headers, text: decoded.plain ?? '', html: decoded.html ?? '' };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const receipt = (eventKey: string): NotifyInput<'question-received'> => ({
  eventKey,
  recipient: { email: 'Aanvrager@Gemeente.example.nl' },
  template: 'question-received',
  data: { reference: 'WBS-2026-00042', title: 'Mag <script>alert(1)</script> het grondwater omhoog?', link: '/vragen/q1', name: 'mevrouw De Vries' },
});

describe('Notifications over SMTP', () => {
  let smtpServer: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  let notifications: NotificationsService;
  let db: Database;
  let queue: InProcessJobQueue;

  beforeAll(async () => {
    smtpServer = await startSmtpServer();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtpServer.port}`, MAIL_FROM: 'Vraagbaak WBS <vraagbaak@wbs.example.nl>' });
    notifications = t.app.get(NotificationsService);
    db = t.app.get(Database);
    queue = t.app.get(InProcessJobQueue);
  });

  afterAll(async () => {
    await t?.close();
    await smtpServer?.close();
  });

  beforeEach(() => {
    smtpServer.received.length = 0;
  });

  /** Writes mails whose dispatch is lost (as when Redis is down at the commit), so a test can run the worker's `send` itself. */
  const writeUndispatched = <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => losingEnqueues(queue, [], () => db.transaction(work));

  it('delivers a mail notified inside a transaction within 5 seconds, once, in Dutch, with escaped HTML', async () => {
    const started = Date.now();
    // Dispatched by the transaction once it has committed: nobody calls dispatch.
    const id = await db.transaction((m) => notifications.notify(m, receipt('question:q1:received')));
    await waitFor(() => smtpServer.received.length > 0, 5000);
    expect(smtpServer.received[0].at - started).toBeLessThan(5000);

    // The same event for the same recipient, notified and dispatched again: still one mail.
    const again = await db.transaction((m) => notifications.notify(m, receipt('question:q1:received')));
    expect(again).toBe(id);
    await queue.drain({ includeRetries: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtpServer.received).toHaveLength(1);

    const [mail] = smtpServer.received;
    expect(mail.to).toEqual(['aanvrager@gemeente.example.nl']);
    expect(mail.from).toBe('vraagbaak@wbs.example.nl');
    const { headers, text, html } = parseMail(mail.raw);
    expect(headers.subject).toBe('[WBS-2026-00042] Uw vraag is ontvangen');
    expect(headers['message-id']).toBe(`<${id}.vraagbaak@wbs.example.nl>`);
    expect(headers['auto-submitted']).toBe('auto-generated');
    expect(text).toContain('Geachte mevrouw De Vries,');
    expect(text).toContain('Mag <script>alert(1)</script> het grondwater omhoog?');
    expect(text).toContain('http://vraagbaak.test/vragen/q1');
    expect(html).toContain('Mag &lt;script&gt;alert(1)&lt;/script&gt; het grondwater omhoog?');
    expect(html).not.toContain('<script>');

    const row = await db.manager.findOneByOrFail(NotificationOutbox, { id });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, messageId: `<${id}.vraagbaak@wbs.example.nl>`, lastError: null });
  });

  it('sends once when the send handler runs twice for the same id, also at the same time', async () => {
    const id = await writeUndispatched((m) => notifications.notify(m, receipt('question:q1:received:handler-twice')));
    await Promise.all([notifications.send({ outboxId: id }), notifications.send({ outboxId: id })]);
    await notifications.send({ outboxId: id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtpServer.received).toHaveLength(1);
    expect((await db.manager.findOneByOrFail(NotificationOutbox, { id })).status).toBe('sent');
  });

  it('keeps a transiently refused mail pending and sends it on the retry; a permanent refusal fails the row', async () => {
    smtpServer.rejections.set('tijdelijk@gemeente.example.nl', [451]);
    const id = await writeUndispatched((m) => notifications.notify(m, { ...receipt('question:q1:received:retry'), recipient: { email: 'tijdelijk@gemeente.example.nl' } }));
    await expect(notifications.send({ outboxId: id })).rejects.toThrow(/Try again later/);
    const failed = await db.manager.findOneByOrFail(NotificationOutbox, { id });
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.lastError).toMatch(/^EENVELOPE 451 /);
    await notifications.send({ outboxId: id });
    expect(smtpServer.received).toHaveLength(1);
    expect(await db.manager.findOneByOrFail(NotificationOutbox, { id })).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

    smtpServer.rejections.set('weg@gemeente.example.nl', [550]);
    const gone = await writeUndispatched((m) => notifications.notify(m, { ...receipt('question:q1:received:gone'), recipient: { email: 'weg@gemeente.example.nl' } }));
    await notifications.send({ outboxId: gone });
    expect(await db.manager.findOneByOrFail(NotificationOutbox, { id: gone })).toMatchObject({ status: 'failed', attempts: 1 });
    expect(smtpServer.received).toHaveLength(1);

    // Once the address is fixed, an operator puts it back (`mail:retry`): sent once, and a sent mail is never re-queued.
    expect(await notifications.retryFailed([id])).toEqual([]);
    expect(await notifications.retryFailed()).toEqual([gone]);
    // retryFailed dispatched it: its send job runs; a second send of the same row does nothing.
    await queue.drain();
    await notifications.send({ outboxId: gone });
    expect(await db.manager.findOneByOrFail(NotificationOutbox, { id: gone })).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(smtpServer.received.filter((mail) => mail.to.includes('weg@gemeente.example.nl'))).toHaveLength(1);
    expect(await notifications.retryFailed()).toEqual([]);
  });

  it('makes one row when the same event is notified in concurrent transactions', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => db.transaction((m) => notifications.notify(m, receipt('question:q1:received:concurrent')))));
    expect(new Set(ids).size).toBe(1);
    expect(await db.manager.countBy(NotificationOutbox, { eventKey: 'question:q1:received:concurrent' })).toBe(1);
    // Each commit dispatched the one row; it is sent once, within this test.
    await queue.drain({ includeRetries: true });
    expect(smtpServer.received).toHaveLength(1);
  });

  it('holds mails for a daily digest and sends them as one mail at 07:00', async () => {
    const expert = { email: 'expert@wbs.example.nl', userId: null };
    const ids = await db.transaction(async (m) => [
      await notifications.notify(m, {
        eventKey: 'question:q7:assigned:1',
        recipient: expert,
        template: 'question-assigned',
        data: { reference: 'WBS-2026-00007', title: 'Peil <b>', link: '/vragen/q7', name: 'Jan Jansen' },
        digest: true,
      }),
      await notifications.notify(m, {
        eventKey: 'question:q8:replied:1',
        recipient: expert,
        template: 'requester-replied',
        data: { reference: 'WBS-2026-00008', title: 'Bodem', link: '/vragen/q8', message: 'Zie bijlage' },
        digest: true,
      }),
    ]);
    // Held for the digest: the commit's dispatch left them alone.
    await queue.drain();
    expect(smtpServer.received).toHaveLength(0);
    const held = await db.manager.findOneByOrFail(NotificationOutbox, { id: ids[0] });
    expect(held.status).toBe('held');
    expect(held.sendAfter!.getTime()).toBeGreaterThan(Date.now());

    const before = await notifications.bundleDueDigests(new Date(held.sendAfter!.getTime() - 1000));
    expect(before).toEqual([]);
    const digests = await notifications.bundleDueDigests(new Date(held.sendAfter!.getTime() + 1000));
    expect(digests).toHaveLength(1);
    expect(await notifications.bundleDueDigests(new Date(held.sendAfter!.getTime() + 2000))).toEqual([]);
    await notifications.dispatch(digests);
    await waitFor(() => smtpServer.received.length > 0, 5000);
    await queue.drain();
    expect(smtpServer.received).toHaveLength(1);
    const { headers, text, html } = parseMail(smtpServer.received[0].raw);
    expect(headers.subject).toMatch(/^Dagoverzicht Vraagbaak WBS van \d{1,2} \w+ \d{4}$/);
    expect(text).toContain('Geachte Jan Jansen,');
    expect(text).toContain('- [WBS-2026-00007] Nieuwe vraag aan u toegewezen');
    expect(text).toContain('- [WBS-2026-00008] De vraagsteller heeft gereageerd');
    expect(html).toContain('http://vraagbaak.test/vragen/q8');
    for (const id of ids) expect(await db.manager.findOneByOrFail(NotificationOutbox, { id })).toMatchObject({ status: 'digested', digestId: digests[0] });
  });

  it('lets the reconciler find a row whose dispatch was lost', async () => {
    const id = await writeUndispatched((m) => notifications.notify(m, receipt('question:q1:received:lost')));
    expect((await notifications.findPendingDeliveries(new Date())).map((w) => w.payload)).not.toContainEqual({ outboxId: id });
    const later = await notifications.findPendingDeliveries(new Date(Date.now() + 61_000));
    expect(later.map((w) => w.payload)).toContainEqual({ outboxId: id });
    await notifications.send({ outboxId: id });
    expect(smtpServer.received).toHaveLength(1);
    expect((await notifications.findPendingDeliveries(new Date(Date.now() + 61_000))).map((w) => w.payload)).not.toContainEqual({ outboxId: id });
  });
});

describe('Notifications without SMTP_URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('writes the mail as an .eml file in MAIL_DIR', async () => {
    const notifications = t.app.get(NotificationsService);
    const id = await notifications.notifyNow(receipt('question:q1:received'));
    await t.app.get(InProcessJobQueue).drain({ includeRetries: true });
    const dir = t.config.mailDir;
    const files = readdirSync(dir).filter((file) => file.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-${id}\\.eml$`));
    const { headers, html } = parseMail(readFileSync(join(dir, files[0]), 'utf8'));
    expect(headers.subject).toBe('[WBS-2026-00042] Uw vraag is ontvangen');
    expect(headers.to).toBe('aanvrager@gemeente.example.nl');
    expect(html).toContain('&lt;script&gt;');
    expect(readdirSync(dir).filter((file) => !file.endsWith('.eml'))).toEqual([]);
  });
});
