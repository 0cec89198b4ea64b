import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { APP_ROOT } from '../../src/infra/app-root.js';
import { InboundSmtpListener } from '../../src/inbound/smtp-listener.js';
import type { TestApp } from './test-app.js';

/** A reply fixture from test/fixtures/mail with its placeholders filled in. */
export function fixture(name: string, values: { from: string; to: string; reference: string; messageId: string }): string {
  return readFileSync(join(APP_ROOT, 'test', 'fixtures', 'mail', name), 'utf8')
    .replaceAll('__FROM__', values.from)
    .replaceAll('__TO__', values.to)
    .replaceAll('__REFERENCE__', values.reference)
    .replaceAll('__MESSAGE_ID__', values.messageId);
}

/** A real SMTP client (nodemailer) talking to the app's reply listener. */
export function replyClient(t: TestApp) {
  const port = t.app.get(InboundSmtpListener).listeningPort;
  if (!port) throw new Error('The reply listener is not running');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: false });
  return {
    /** Sends a raw message with this envelope; resolves once the listener answered 250. */
    send: (raw: string | Buffer, envelope: { from: string; to: string[] }) => transport.sendMail({ envelope, raw }),
    close: () => transport.close(),
  };
}

/** The signed Reply-To of a mail Vraagbaak sent. */
export function replyToOf(mail: ParsedMail): string {
  const address = mail.replyTo?.value[0]?.address;
  if (!address) throw new Error(`Mail "${mail.subject}" has no Reply-To`);
  return address;
}
