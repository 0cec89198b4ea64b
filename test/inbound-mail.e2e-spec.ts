import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { ParsedMail } from 'mailparser';
import { Database } from '../src/infra/database/database.service.js';
import { InboundImapPoller } from '../src/inbound/imap-poller.js';
import { InboundMessage } from '../src/inbound/inbound.entities.js';
import { ReplyAddresses } from '../src/inbound/reply-addresses.js';
import { NotificationOutbox } from '../src/notifications/outbox.entity.js';
import { QuestionSla } from '../src/sla/sla.entities.js';
import { signInAs, type TestUser } from './support/auth.js';
import { startDovecot, type TestDovecot } from './support/dovecot.js';
import { fixture, replyClient, replyToOf } from './support/inbound.js';
import { sentTo, startSmtp, type TestSmtp } from './support/smtp.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DOMAIN = 'antwoord.vraagbaak.test';
const NEW_TEXT = 'Het gaat om polder Zegveld, perceel 12. De grondwaterstand daar is gemiddeld 40 cm onder maaiveld.';

describe('Replies by e-mail (e2e: SMTP listener, dovecot IMAP)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let dovecot: TestDovecot;
  let client: ReturnType<typeof replyClient>;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let db: Database;

  beforeAll(async () => {
    smtp = await startSmtp();
    dovecot = await startDovecot();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Vraagbaak WBS <vraagbaak@vraagbaak.test>',
      MAIL_REPLY_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_IMAP_URL: dovecot.url,
      INBOUND_IMAP_POLL_MS: '3600000',
      INBOUND_REPLIES_PER_SENDER_PER_HOUR: '100',
    });
    db = t.app.get(Database);
    client = replyClient(t);
    requester = await signInAs(t, { roles: ['requester'], email: 'jan.jansen@amsterdam.nl', displayName: 'Jan Jansen' });
    expert = await signInAs(t, { roles: ['expert'], email: 'expert@ienw.nl', keuzeIds: [25], capacity: 500 });
    coordinator = await signInAs(t, { roles: ['coordinator'], email: 'coordinator@ienw.nl' });
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
    await smtp?.close();
    await dovecot?.stop();
  });

  const act = (who: TestUser, id: string, action: string, body: Record<string, unknown> = {}) => t.http.post(`/api/v1/questions/${id}/${action}`).set(who.auth).send(body);
  const question = async (id: string) => (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.auth).expect(200)).body;

  /** A question waiting for the requester, and the clarification mail they got. */
  async function awaitingRequester(asker = requester): Promise<{ id: string; reference: string; mail: ParsedMail }> {
    const created = await t.http.post('/api/v1/questions').set(asker.auth).send({ title: `Peilbeheer ${randomUUID()}`, body: 'Hoe hoog mag het peil?', keuzeIds: [25] }).expect(201);
    await t.drain();
    const { id, reference } = await question(created.body.id);
    await act(expert, id, 'accept').expect(200);
    await act(expert, id, 'clarification-request', { message: 'Over welke polder gaat het?' }).expect(200);
    await t.drain();
    const mail = await smtp.waitFor((m) => sentTo(asker.user.email)(m) && (m.subject ?? '').startsWith(`[${reference}]`) && (m.text ?? '').includes('Over welke polder'));
    return { id, reference, mail };
  }

  async function rowsFor(messageId: string): Promise<InboundMessage[]> {
    return db.manager.find(InboundMessage, { where: { messageKey: `<${messageId.toLowerCase()}>` } });
  }

  async function reply(name: string, to: string, reference: string, from = requester.user.email, messageId = `${randomUUID()}@amsterdam.nl`) {
    await client.send(fixture(name, { from, to, reference, messageId }), { from, to: [to] });
    return messageId;
  }

  it('threads a clarification request: signed Reply-To, thread headers, footer that says replying works', async () => {
    const { id, mail } = await awaitingRequester();
    const replyTo = replyToOf(mail);
    expect(replyTo.endsWith(`@${DOMAIN}`)).toBe(true);
    expect(t.app.get(ReplyAddresses).parse(replyTo)).toEqual({ kind: 'reply', questionId: id, userId: requester.user.id, mode: 'requester' });
    expect(mail.inReplyTo).toBe(`<question-${id}@${DOMAIN}>`);
    expect([mail.references].flat()).toContain(`<question-${id}@${DOMAIN}>`);
    expect(mail.text).toContain('U kunt op deze e-mail antwoorden');
    expect(mail.text).not.toContain('wordt niet gelezen');
  });

  it('a reply to a clarification request lands on the question: in progress, clock running, confirmed by mail', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const paused = await db.manager.findOneByOrFail(QuestionSla, { questionId: id, kind: 'answer' });
    expect(paused.pausedSince).not.toBeNull();
    const messageId = await reply('outlook-nl.eml', replyToOf(mail), reference);
    // 250 came only after the commit: the row is there before any job ran.
    expect(await rowsFor(messageId)).toHaveLength(1);
    await t.drain();
    const after = await question(id);
    expect(after.status).toBe('in_progress');
    const posted = after.messages.filter((m: { author: { id: string } }) => m.author.id === requester.user.id);
    expect(posted.at(-1)).toMatchObject({ internal: false });
    expect(posted.at(-1).body).toContain(NEW_TEXT);
    expect(posted.at(-1).body).not.toMatch(/Over welke polder|Van:|Verzonden:/);
    const clock = await db.manager.findOneByOrFail(QuestionSla, { questionId: id, kind: 'answer' });
    expect(clock.pausedSince).toBeNull();
    expect(clock.dueAt).not.toBeNull();
    const confirmation = await smtp.waitFor((m) => sentTo(requester.user.email)(m) && (m.subject ?? '') === `[${reference}] Uw reactie is toegevoegd aan ${reference}`);
    expect(confirmation.text).toContain(`Uw reactie per e-mail is toegevoegd aan ${reference}`);
    // The confirmation is a question mail too: replying to it works as well.
    expect(t.app.get(ReplyAddresses).parse(replyToOf(confirmation))).toEqual({ kind: 'reply', questionId: id, userId: requester.user.id, mode: 'requester' });
    // The expert hears of it as of a reply on the page.
    await smtp.waitFor((m) => sentTo(expert.user.email)(m) && (m.subject ?? '').startsWith(`[${reference}]`) && (m.text ?? '').includes(NEW_TEXT));
    expect((await rowsFor(messageId))[0]).toMatchObject({ status: 'posted', questionId: id, userId: requester.user.id, senderEmail: requester.user.email });
  });

  it.each(['gmail-nl.eml', 'apple-mail-nl.eml', 'gmail-en.eml', 'apple-mail-en.eml', 'outlook-web-en-html.eml'])('keeps only the new text of a reply from %s', async (name) => {
    const { id, reference, mail } = await awaitingRequester();
    await reply(name, replyToOf(mail), reference);
    await t.drain();
    const after = await question(id);
    expect(after.status).toBe('in_progress');
    expect(after.messages.at(-1).body).toBe(NEW_TEXT);
  });

  it('refuses forged, altered and foreign addresses at RCPT TO', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const good = replyToOf(mail);
    const [local] = good.split('@');
    const altered = `${local.slice(0, -1)}${local.at(-1) === 'a' ? 'b' : 'a'}@${DOMAIN}`;
    const otherUser = `${local.slice(0, 27)}${local.slice(53)}`; // recipient cut out
    for (const to of [altered, `${otherUser}@${DOMAIN}`, `r${'a'.repeat(52)}-abcdefghij@${DOMAIN}`, `${local}@elders.example.nl`, `postmaster@${DOMAIN}`]) {
      const messageId = `${randomUUID()}@amsterdam.nl`;
      await expect(client.send(fixture('gmail-nl.eml', { from: requester.user.email, to, reference, messageId }), { from: requester.user.email, to: [to] })).rejects.toMatchObject({ responseCode: 550 });
      expect(await rowsFor(messageId)).toHaveLength(0);
    }
    await t.drain();
    expect((await question(id)).status).toBe('awaiting_requester');
  });

  it('sends a reply of a recipient deactivated since to triage, with that reason', async () => {
    const leaver = await signInAs(t, { roles: ['requester'], email: 'vertrokken@amsterdam.nl' });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    const { id, reference, mail } = await awaitingRequester(leaver);
    await t.http.post(`/api/v1/users/${leaver.user.id}/deactivate`).set(secretariat.auth).expect(200);
    const messageId = await reply('gmail-nl.eml', replyToOf(mail), reference, leaver.user.email);
    await t.drain();
    const [row] = await rowsFor(messageId);
    expect(row).toMatchObject({ status: 'triage', questionId: id, triageReason: 'recipient_deactivated' });
    expect(row.detail).toBe('vertrokken@amsterdam.nl, voor wie het antwoordadres is gemaakt, is gedeactiveerd (afzender vertrokken@amsterdam.nl)');
    expect((await question(id)).status).toBe('awaiting_requester');
  });

  it('sends a reply from another sender to the coordinators’ triage, not onto the question', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const sent = smtp.messages.length;
    const messageId = await reply('gmail-nl.eml', replyToOf(mail), reference, 'iemand.anders@amsterdam.nl');
    await t.drain();
    const after = await question(id);
    expect(after.status).toBe('awaiting_requester');
    expect(after.messages.some((m: { body: string }) => m.body.includes('perceel 12'))).toBe(false);
    const [row] = await rowsFor(messageId);
    expect(row).toMatchObject({ status: 'triage', questionId: id, triageReason: 'sender_mismatch' });
    expect(row.detail).toContain('iemand.anders@amsterdam.nl');
    const triage = (await t.http.get('/api/v1/inbound-mail/messages?status=triage').set(coordinator.auth).expect(200)).body;
    expect(triage.find((r: { id: string }) => r.id === row.id)).toMatchObject({ status: 'triage', triageReason: 'sender_mismatch' });
    const original = await t.http.get(`/api/v1/inbound-mail/messages/${row.id}/original`).set(coordinator.auth).expect(200);
    expect(original.headers['content-type']).toMatch(/message\/rfc822/);
    await t.http.get('/api/v1/inbound-mail/messages').set(requester.auth).expect(403);
    // Nobody is answered: the sender may be forged.
    await t.drain();
    expect(smtp.messages.slice(sent).filter(sentTo('iemand.anders@amsterdam.nl'))).toHaveLength(0);
  });

  it('records an auto-reply without posting or answering it', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const sent = smtp.messages.length;
    const raw = [
      `From: Jan Jansen <${requester.user.email}>`,
      `To: ${to}`,
      `Subject: Afwezigheidsmelding: [${reference}] De expert heeft een vraag over uw vraag`,
      `Message-ID: <${messageId}>`,
      'Auto-Submitted: auto-replied',
      'X-Auto-Response-Suppress: All',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Ik ben tot en met 4 januari afwezig. Voor dringende zaken: bel 020-1234567.',
      '',
    ].join('\r\n');
    await client.send(raw, { from: requester.user.email, to: [to] });
    await t.drain();
    expect((await rowsFor(messageId))[0]).toMatchObject({ status: 'auto_reply' });
    expect((await question(id)).status).toBe('awaiting_requester');
    expect(smtp.messages.slice(sent).filter(sentTo(requester.user.email))).toHaveLength(0);
  });

  it('marks the outbox row and the address as failing on a bounce, for the secretariat', async () => {
    const { reference, mail } = await awaitingRequester();
    const outboxId = /^<([0-9a-f-]{36})\.vraagbaak@/.exec(mail.messageId!)![1];
    const bounceTo = t.app.get(ReplyAddresses).bounceAddress(outboxId)!;
    const boundary = 'dsn-boundary-1';
    const raw = [
      'From: Mail Delivery System <MAILER-DAEMON@mail.amsterdam.nl>',
      `To: ${bounceTo}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${randomUUID()}@mail.amsterdam.nl>`,
      'Auto-Submitted: auto-replied',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      'MIME-Version: 1.0',
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the mail system at host mail.amsterdam.nl. Your message could not be delivered.',
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mail.amsterdam.nl',
      '',
      `Final-Recipient: rfc822; ${requester.user.email}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${mail.messageId}`,
      `Subject: [${reference}] De expert heeft een vraag over uw vraag`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const sent = smtp.messages.length;
    await client.send(raw, { from: '', to: [bounceTo] });
    await t.drain();
    const row = await db.manager.findOneByOrFail(NotificationOutbox, { id: outboxId });
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('5.1.1');
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    const failing = (await t.http.get('/api/v1/inbound-mail/failing-addresses').set(secretariat.auth).expect(200)).body;
    expect(failing).toEqual(expect.arrayContaining([expect.objectContaining({ email: requester.user.email, outboxId, bounces: 1 })]));
    expect(smtp.messages.slice(sent).filter((m) => (m.subject ?? '').includes('Undelivered'))).toHaveLength(0);
  });

  it('takes an out-of-office answer sent to the bounce address for what it is, not for a bounce', async () => {
    const { reference, mail } = await awaitingRequester();
    const outboxId = /^<([0-9a-f-]{36})\.vraagbaak@/.exec(mail.messageId!)![1];
    const bounceTo = t.app.get(ReplyAddresses).bounceAddress(outboxId)!;
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const raw = [
      `From: Jan Jansen <${requester.user.email}>`,
      `To: ${bounceTo}`,
      `Subject: Automatisch antwoord: [${reference}] De expert heeft een vraag over uw vraag`,
      `Message-ID: <${messageId}>`,
      `In-Reply-To: ${mail.messageId}`,
      'Auto-Submitted: auto-replied',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Ik ben afwezig tot maandag.',
      '',
    ].join('\r\n');
    await client.send(raw, { from: '', to: [bounceTo] });
    await t.drain();
    expect((await rowsFor(messageId))[0]).toMatchObject({ status: 'auto_reply' });
    expect((await db.manager.findOneByOrFail(NotificationOutbox, { id: outboxId })).status).toBe('sent');
  });

  it('refuses a 30 MB mail', async () => {
    const { reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const head = `From: ${requester.user.email}\r\nTo: ${to}\r\nSubject: Re: [${reference}] groot\r\nMessage-ID: <${messageId}>\r\nContent-Type: text/plain\r\n\r\n`;
    const line = `${'x'.repeat(998)}\r\n`;
    const raw = Buffer.concat([Buffer.from(head), Buffer.alloc(30 * 1024 * 1024, line)]);
    await expect(client.send(raw, { from: requester.user.email, to: [to] })).rejects.toMatchObject({ responseCode: 552 });
    expect(await rowsFor(messageId)).toHaveLength(0);
  });

  it('processes the same Message-ID once', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const raw = fixture('gmail-nl.eml', { from: requester.user.email, to, reference, messageId });
    await client.send(raw, { from: requester.user.email, to: [to] });
    await client.send(raw, { from: requester.user.email, to: [to] });
    await t.drain();
    await client.send(raw, { from: requester.user.email, to: [to] });
    await t.drain();
    expect(await rowsFor(messageId)).toHaveLength(1);
    const after = await question(id);
    expect(after.messages.filter((m: { body: string }) => m.body === NEW_TEXT)).toHaveLength(1);
    const confirmations = smtp.messages.filter((m) => sentTo(requester.user.email)(m) && (m.subject ?? '') === `[${reference}] Uw reactie is toegevoegd aan ${reference}`);
    expect(confirmations).toHaveLength(1);
  });

  it('an expert replying to a mail addressed to them as the one answering writes to the requester; otherwise a note', async () => {
    const { id, reference, mail } = await awaitingRequester();
    await reply('gmail-nl.eml', replyToOf(mail), reference);
    await t.drain();
    const told = await smtp.waitFor((m) => sentTo(expert.user.email)(m) && (m.subject ?? '').startsWith(`[${reference}]`) && (m.text ?? '').includes(NEW_TEXT));
    expect(told.text).toContain('als bericht aan de vraagsteller');
    const answerAddress = replyToOf(told);
    expect(t.app.get(ReplyAddresses).parse(answerAddress)).toMatchObject({ mode: 'answer', userId: expert.user.id });
    const raw = (text: string, to: string) =>
      `From: Expert <${expert.user.email}>\r\nTo: ${to}\r\nSubject: Re: [${reference}]\r\nMessage-ID: <${randomUUID()}@ienw.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n\r\nOp ma 7 dec 2026 om 09:12 schreef Vraagbaak WBS <vraagbaak@vraagbaak.test>:\r\n> oud\r\n`;
    await client.send(raw('Dank u, ik kijk ernaar.', answerAddress), { from: expert.user.email, to: [answerAddress] });
    // The same expert through a note address (as a coordinator's mail would carry) writes a note.
    const noteAddress = t.app.get(ReplyAddresses).replyAddress(id, expert.user.id, 'note')!;
    await client.send(raw('Intern: even navragen bij het waterschap.', noteAddress), { from: expert.user.email, to: [noteAddress] });
    await t.drain();
    const staffView = await question(id);
    expect(staffView.messages.find((m: { body: string }) => m.body === 'Dank u, ik kijk ernaar.')).toMatchObject({ internal: false });
    expect(staffView.messages.find((m: { body: string }) => m.body === 'Intern: even navragen bij het waterschap.')).toMatchObject({ internal: true });
    const requesterView = (await t.http.get(`/api/v1/questions/${id}`).set(requester.auth).expect(200)).body;
    expect(requesterView.messages.some((m: { body: string }) => m.body.startsWith('Intern:'))).toBe(false);
    // Each confirmation says which it became, and so does replying to it.
    const confirmations = smtp.messages.filter((m) => sentTo(expert.user.email)(m) && (m.subject ?? '') === `[${reference}] Uw reactie is toegevoegd aan ${reference}`);
    const note = confirmations.find((m) => (m.text ?? '').includes('als interne notitie toegevoegd'))!;
    expect(t.app.get(ReplyAddresses).parse(replyToOf(note))).toMatchObject({ mode: 'note' });
    const message = confirmations.find((m) => (m.text ?? '').includes('Uw reactie per e-mail is toegevoegd aan'))!;
    expect(t.app.get(ReplyAddresses).parse(replyToOf(message))).toMatchObject({ mode: 'answer' });
  });

  it('offers reopening a closed question rather than reopening it', async () => {
    const { id, reference, mail } = await awaitingRequester();
    await reply('gmail-nl.eml', replyToOf(mail), reference);
    await t.drain();
    await act(expert, id, 'answer', { body: 'Het peil mag 20 cm omhoog.' }).expect(200);
    await act(requester, id, 'confirm', {}).expect(200);
    await t.drain();
    expect((await question(id)).status).toBe('closed');
    const before = (await question(id)).messages.length;
    await reply('apple-mail-nl.eml', replyToOf(mail), reference);
    await t.drain();
    const after = await question(id);
    expect(after.status).toBe('closed');
    expect(after.messages).toHaveLength(before);
    const offer = await smtp.waitFor((m) => sentTo(requester.user.email)(m) && (m.subject ?? '') === `[${reference}] Uw reactie: de vraag is gesloten`);
    expect(offer.text).toContain('heropenen');
    expect(offer.text).toContain(`/vragen/${id}`);
  });

  it('puts attachments through the upload checks and names refused ones in the confirmation', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    const boundary = 'att-boundary';
    const raw = [
      `From: Jan Jansen <${requester.user.email}>`,
      `To: ${to}`,
      `Subject: Re: [${reference}] De expert heeft een vraag over uw vraag`,
      `Message-ID: <${randomUUID()}@amsterdam.nl>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'De kaart van het perceel zit in de bijlage.',
      `--${boundary}`,
      'Content-Type: application/pdf; name="kaart.pdf"',
      'Content-Disposition: attachment; filename="kaart.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      `--${boundary}`,
      'Content-Type: application/pdf; name="factuur.pdf"',
      'Content-Disposition: attachment; filename="factuur.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      exe.toString('base64'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await client.send(raw, { from: requester.user.email, to: [to] });
    await t.drain();
    const after = await question(id);
    expect(after.messages.at(-1).body).toBe('De kaart van het perceel zit in de bijlage.');
    expect(after.attachments.map((a: { filename: string; contentType: string }) => [a.filename, a.contentType])).toEqual([['kaart.pdf', 'application/pdf']]);
    const confirmation = await smtp.waitFor((m) => sentTo(requester.user.email)(m) && (m.subject ?? '') === `[${reference}] Uw reactie is toegevoegd aan ${reference}`);
    expect(confirmation.text).toContain('Niet toegevoegde bijlagen:');
    expect(confirmation.text).toContain('factuur.pdf: Alleen PDF, afbeeldingen en kantoordocumenten');
  });

  it('never posts or answers a mail of its own coming back', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const messageId = `${randomUUID()}@amsterdam.nl`;
    const sent = smtp.messages.length;
    await client.send(fixture('gmail-nl.eml', { from: 'vraagbaak@vraagbaak.test', to, reference, messageId }), { from: 'vraagbaak@vraagbaak.test', to: [to] });
    await t.drain();
    expect((await rowsFor(messageId))[0]).toMatchObject({ status: 'ignored' });
    expect((await question(id)).status).toBe('awaiting_requester');
    expect(smtp.messages.length).toBe(sent);
  });

  it('reads replies from an IMAP mailbox (dovecot) and moves them only after storing', async () => {
    const { id, reference, mail } = await awaitingRequester();
    const to = replyToOf(mail);
    const imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
    await imap.connect();
    try {
      const messageId = `${randomUUID()}@amsterdam.nl`;
      await imap.append('INBOX', fixture('outlook-nl.eml', { from: requester.user.email, to, reference, messageId }));
      await imap.append('INBOX', `From: spam@example.com\r\nTo: iemand@example.com\r\nSubject: Aanbieding\r\nMessage-ID: <${randomUUID()}@example.com>\r\n\r\nKoop nu.\r\n`);
      expect(await t.app.get(InboundImapPoller).pollNow()).toBe(2);
      expect((await rowsFor(messageId))[0]).toMatchObject({ source: 'imap' });
      const count = async (path: string) => {
        const status = await imap.status(path, { messages: true });
        return status === false ? null : status.messages;
      };
      expect(await count('INBOX')).toBe(0);
      expect(await count('Vraagbaak/Verwerkt')).toBe(2);
      await t.drain();
      const after = await question(id);
      expect(after.status).toBe('in_progress');
      expect(after.messages.at(-1).body).toContain(NEW_TEXT);
      const rows = await db.manager.find(InboundMessage, { where: { source: 'imap' } });
      expect(rows.map((r) => r.status).sort()).toEqual(['posted', 'rejected']);
    } finally {
      await imap.logout().catch(() => imap.close());
    }
  });
});
