import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { Mailer, type OutgoingMail } from './mailer.js';

describe('Mailer without SMTP_URL (.eml files)', () => {
  let dir: string;
  let mailer: Mailer;
  const mail: OutgoingMail = {
    outboxId: '7d7c6a0e-1111-4222-8333-944445555666',
    to: 'expert@example.nl',
    subject: '[WBS-2026-00042] Nieuwe vraag aan u toegewezen — één',
    text: 'Geachte heer, mevrouw,\n\nTekst.\n',
    html: '<p>Geachte heer, mevrouw,</p>',
    createdAt: new Date('2026-03-02T08:15:00.123Z'),
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vraagbaak-mail-'));
    const config = AppConfig.fromEnv({ DATA_DIR: dir, MAIL_DIR: join(dir, 'mail'), MAIL_FROM: 'Vraagbaak WBS <vraagbaak@wbs.example.nl>' });
    mailer = new Mailer(config);
  });

  afterEach(() => {
    mailer.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one RFC 822 file named after the outbox row, creating MAIL_DIR', async () => {
    const sent = await mailer.send(mail);
    expect(mailer.mode).toBe('files');
    const files = readdirSync(join(dir, 'mail'));
    expect(files).toEqual(['20260302T081500123Z-7d7c6a0e-1111-4222-8333-944445555666.eml']);
    expect(sent.response).toBe(join(dir, 'mail', files[0]));
    const raw = readFileSync(join(dir, 'mail', files[0]), 'utf8');
    expect(raw).toContain('\r\n');
    expect(raw).toMatch(/^From: Vraagbaak WBS <vraagbaak@wbs\.example\.nl>\r$/m);
    expect(raw).toMatch(/^To: expert@example\.nl\r$/m);
    expect(raw).toMatch(/^Message-ID: <7d7c6a0e-1111-4222-8333-944445555666\.vraagbaak@wbs\.example\.nl>\r$/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m); // non-ASCII subject is MIME-encoded
    expect(raw).toContain('multipart/alternative');
    expect(sent.messageId).toBe('<7d7c6a0e-1111-4222-8333-944445555666.vraagbaak@wbs.example.nl>');
  });

  it('overwrites rather than duplicates on a retry, and leaves no temporary file', async () => {
    await mailer.send(mail);
    await mailer.send(mail);
    expect(readdirSync(join(dir, 'mail'))).toHaveLength(1);
  });

  it('derives the same Message-ID for the same outbox row', () => {
    expect(mailer.messageIdFor(mail.outboxId)).toBe(mailer.messageIdFor(mail.outboxId));
    expect(mailer.messageIdFor('other')).not.toBe(mailer.messageIdFor(mail.outboxId));
  });
});
