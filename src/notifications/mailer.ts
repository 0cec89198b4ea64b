import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';
import type { ThreadingHeaders } from './mail-threading.js';

/** One rendered mail, as the outbox holds it. */
export interface OutgoingMail {
  outboxId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** When the outbox row was created; names the .eml file, so a retry overwrites rather than duplicates it. */
  createdAt: Date;
  /** Reply and bounce addresses and the thread (see MailThreading). */
  threading?: ThreadingHeaders;
}

export interface SentMail {
  messageId: string;
  /** Where the mail went: the .eml path, or the SMTP server's reply. */
  response: string;
}

/**
 * Hands mails over: to `SMTP_URL` through a pooled nodemailer transport, or, without it, as
 * RFC 822 files `<MAIL_DIR>/<created>-<outboxId>.eml` (written to a temporary name, then renamed,
 * so a reader never sees half a mail). The Message-ID derives from the outbox id, so a retried
 * delivery of the same row carries the same Message-ID and can be deduplicated downstream.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly transport: Transporter;
  private readonly messageIdDomain: string;

  constructor(private readonly config: AppConfig) {
    this.messageIdDomain = messageIdDomain(config);
    this.transport = config.smtpUrl
      ? nodemailer.createTransport({
          url: config.smtpUrl,
          pool: true,
          // Sending is round-trip bound: more connections and fewer reconnects (nodemailer's
          // default is a new connection every 100 mails) raise mails/s (bench/mail-ceiling.mjs).
          maxConnections: config.smtpPoolSize,
          maxMessages: config.smtpMessagesPerConnection,
          // How long a dead server holds a send job (its outbox claim stays renewed meanwhile).
          connectionTimeout: 15_000,
          greetingTimeout: 15_000,
          socketTimeout: 60_000,
        })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  get mode(): 'smtp' | 'files' {
    return this.config.smtpUrl ? 'smtp' : 'files';
  }

  messageIdFor(outboxId: string): string {
    return `<${outboxId}.vraagbaak@${this.messageIdDomain}>`;
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const messageId = this.messageIdFor(mail.outboxId);
    const threading = mail.threading ?? {};
    const info = await this.transport.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      ...(threading.replyTo ? { replyTo: threading.replyTo } : {}),
      ...(threading.thread ? { inReplyTo: threading.thread, references: [threading.thread] } : {}),
      ...(threading.envelopeFrom ? { envelope: { from: threading.envelopeFrom, to: [mail.to] } } : {}),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId,
      date: new Date(),
      headers: {
        'Auto-Submitted': 'auto-generated',
        // Asks Exchange/Outlook not to answer with out-of-office replies.
        'X-Auto-Response-Suppress': 'All',
      },
    });
    if (this.mode === 'smtp') return { messageId, response: String(info.response ?? '') };
    const path = await this.writeEml(mail, info.message as Buffer);
    return { messageId, response: path };
  }

  /** The file name a mail gets without SMTP. */
  emlFileName(mail: Pick<OutgoingMail, 'outboxId' | 'createdAt'>): string {
    const stamp = mail.createdAt.toISOString().replace(/[-:]/g, '').replace('.', '');
    return `${stamp}-${mail.outboxId}.eml`;
  }

  private async writeEml(mail: OutgoingMail, message: Buffer): Promise<string> {
    const dir = this.config.mailDir;
    await mkdir(dir, { recursive: true });
    const path = join(dir, this.emlFileName(mail));
    const temporary = join(dir, `.${mail.outboxId}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, message, { mode: 0o640 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return path;
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

/** The domain of MAIL_FROM's address, else PUBLIC_URL's host: the right-hand side of Message-IDs. */
function messageIdDomain(config: AppConfig): string {
  const fromDomain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mailFrom)?.[1];
  return fromDomain ?? new URL(config.publicUrl).hostname;
}
