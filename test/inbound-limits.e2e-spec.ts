import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { Database } from '../src/infra/database/database.service.js';
import { InboundMessage } from '../src/inbound/inbound.entities.js';
import { InboundSmtpListener } from '../src/inbound/smtp-listener.js';
import { signInAs, type TestUser } from './support/auth.js';
import { fixture, replyToOf } from './support/inbound.js';
import { sentTo, startSmtp, type TestSmtp } from './support/smtp.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The listener with a certificate (STARTTLS) and a per-sender limit of two replies an hour. */
describe('Replies by e-mail: STARTTLS and the per-sender limit (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let certDir: string;
  let requester: TestUser;
  let expert: TestUser;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'vraagbaak-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=antwoord.vraagbaak.test', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_REPLY_DOMAIN: 'antwoord.vraagbaak.test',
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_TLS_CERT: join(certDir, 'cert.pem'),
      INBOUND_TLS_KEY: join(certDir, 'key.pem'),
      INBOUND_REPLIES_PER_SENDER_PER_HOUR: '2',
    });
    requester = await signInAs(t, { roles: ['requester'], email: 'jan.jansen@amsterdam.nl' });
    expert = await signInAs(t, { roles: ['expert'], email: 'expert@ienw.nl', keuzeIds: [25], capacity: 50 });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('takes replies over STARTTLS only up to the sender’s hourly limit; the rest are recorded, not posted', async () => {
    const created = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Peil', body: 'Hoe hoog?', keuzeIds: [25] }).expect(201);
    await t.drain();
    const { id, reference } = (await t.http.get(`/api/v1/questions/${created.body.id}`).set(requester.auth).expect(200)).body;
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${id}/clarification-request`).set(expert.auth).send({ message: 'Welke polder?' }).expect(200);
    await t.drain();
    const to = replyToOf(await smtp.waitFor((m) => sentTo(requester.user.email)(m) && (m.text ?? '').includes('Welke polder?')));
    const port = t.app.get(InboundSmtpListener).listeningPort!;
    // requireTLS: the client refuses to send unless the listener upgrades the connection.
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
    const ids: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const messageId = `${randomUUID()}@amsterdam.nl`;
        ids.push(messageId);
        await transport.sendMail({ envelope: { from: requester.user.email, to: [to] }, raw: fixture('gmail-nl.eml', { from: requester.user.email, to, reference, messageId }).replace('perceel 12', `perceel ${i}`) });
        await t.drain();
      }
    } finally {
      transport.close();
    }
    const rows = await Promise.all(ids.map((messageId) => t.app.get(Database).manager.findOneByOrFail(InboundMessage, { messageKey: `<${messageId}>` })));
    expect(rows.map((r) => r.status)).toEqual(['posted', 'posted', 'rate_limited']);
    const messages = (await t.http.get(`/api/v1/questions/${id}`).set(requester.auth).expect(200)).body.messages.map((m: { body: string }) => m.body);
    expect(messages.filter((b: string) => b.includes('perceel'))).toHaveLength(2);
  });
});
