import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { AppConfig } from '../config/app-config.js';
import { InboundStore } from './inbound-store.js';

/**
 * Polls the mailbox INBOUND_IMAP_URL every INBOUND_IMAP_POLL_MS: stores every message of
 * INBOUND_IMAP_FOLDER, and moves it to INBOUND_IMAP_PROCESSED_FOLDER only once its row is
 * committed — a crash in between leaves it in place, and the next poll stores it again, which
 * the unique Message-ID turns into a no-op. Nothing is ever deleted. Messages over
 * INBOUND_MAX_BYTES stay in the folder (logged) for a person to handle.
 */
@Injectable()
export class InboundImapPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InboundImap');
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: InboundStore,
  ) {}

  onApplicationBootstrap(): void {
    // Polls where jobs run: not in an HTTP process with WORKERS=false beside BullMQ workers.
    if (!this.config.inboundImapUrl || (this.config.redisUrl && !this.config.workers)) return;
    this.timer = setInterval(() => void this.pollNow().catch(() => undefined), this.config.inboundImapPollMs);
    this.timer.unref();
    void this.pollNow().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One poll (or the one under way); resolves with the number of messages stored and moved. */
  pollNow(): Promise<number> {
    if (!this.config.inboundImapUrl) return Promise.resolve(0);
    this.running ??= this.poll().finally(() => (this.running = null));
    return this.running;
  }

  private async poll(): Promise<number> {
    const url = new URL(this.config.inboundImapUrl!);
    const secure = url.protocol === 'imaps:';
    const client = new ImapFlow({
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false,
      emitLogs: false,
    });
    client.on('error', (error: Error) => this.logger.warn(`IMAP: ${error.message}`));
    try {
      await client.connect();
    } catch (error) {
      this.logger.warn(`Could not reach the reply mailbox: ${(error as Error).message}`);
      throw error;
    }
    let moved = 0;
    try {
      const processed = this.config.inboundImapProcessedFolder;
      await client.mailboxCreate(processed).catch(() => undefined); // exists already
      const lock = await client.getMailboxLock(this.config.inboundImapFolder);
      try {
        const mailbox = client.mailbox;
        if (!mailbox || mailbox.exists === 0) return 0;
        const listed = await client.fetchAll('1:*', { uid: true, size: true });
        for (const message of listed) {
          if (this.stopped) break;
          if ((message.size ?? 0) > this.config.inboundMaxBytes) {
            this.logger.warn(`Reply mailbox: message ${message.uid} is ${message.size} bytes, over INBOUND_MAX_BYTES; left in ${this.config.inboundImapFolder}`);
            continue;
          }
          const full = await client.fetchOne(String(message.uid), { uid: true, source: true }, { uid: true });
          if (!full || !full.source) continue;
          // No envelope in a mailbox: processing reads Delivered-To, To and Cc.
          await this.store.store({ raw: full.source, source: 'imap', envelopeFrom: null, envelopeTo: [] });
          // Moved only now that the row is committed.
          await client.messageMove(String(message.uid), processed, { uid: true });
          moved += 1;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    if (moved > 0) this.logger.log(`Stored ${moved} message(s) from the reply mailbox`);
    return moved;
  }
}
