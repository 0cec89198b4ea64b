import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { AppConfig } from '../config/app-config.js';
import { InboundStore } from './inbound-store.js';
import { ReplyAddresses } from './reply-addresses.js';

/** An SMTP answer with its code, as smtp-server sends it. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The built-in SMTP listener (INBOUND_SMTP_PORT) the organisation's relay forwards the reply
 * domain to. Refuses at RCPT TO every recipient that is not a valid signed address at
 * MAIL_REPLY_DOMAIN (so it relays nothing and accepts no guessed or altered address), refuses
 * messages over INBOUND_MAX_BYTES, offers STARTTLS when a certificate is configured, and answers
 * `250` only once the message is committed to the database.
 */
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InboundSmtp');
  private server?: SMTPServer;
  private port?: number;

  constructor(
    private readonly config: AppConfig,
    private readonly addresses: ReplyAddresses,
    private readonly store: InboundStore,
  ) {}

  /** The port it listens on (INBOUND_SMTP_PORT, or the one picked for 0); undefined when off. */
  get listeningPort(): number | undefined {
    return this.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.inboundSmtpPort === undefined) return;
    if (!this.addresses.enabled) {
      this.logger.warn('INBOUND_SMTP_PORT is set but MAIL_REPLY_DOMAIN is not: the reply listener stays off');
      return;
    }
    const maxBytes = this.config.inboundMaxBytes;
    const tls = this.config.inboundTlsCert && this.config.inboundTlsKey ? { cert: readFileSync(this.config.inboundTlsCert), key: readFileSync(this.config.inboundTlsKey) } : null;
    const options: SMTPServerOptions = {
      name: this.addresses.domain!,
      banner: 'Vraagbaak WBS',
      size: maxBytes,
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(tls ?? {}),
      logger: false,
      maxClients: 200,
      closeTimeout: 5000,
      onRcptTo: (address, _session, callback) => {
        if (this.addresses.parse(address.address) === null) return callback(smtpError(550, '5.1.1 Onbekende ontvanger / unknown recipient'));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('error', (error) => callback(error));
        stream.on('end', () => {
          if (stream.sizeExceeded || size > maxBytes) return callback(smtpError(552, `5.3.4 Bericht te groot / message exceeds ${maxBytes} bytes`));
          const mailFrom = session.envelope.mailFrom;
          this.store
            .store({
              raw: Buffer.concat(chunks),
              source: 'smtp',
              envelopeFrom: mailFrom ? mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            })
            .then(
              () => callback(),
              (error: Error) => {
                this.logger.error(`Could not store an inbound mail: ${error.message}`);
                callback(smtpError(451, '4.3.0 Tijdelijk niet opgeslagen / temporary failure, try again later'));
              },
            );
        });
      },
    };
    const server = new SMTPServer(options);
    server.on('error', (error) => this.logger.warn(`SMTP listener: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.config.inboundSmtpPort, this.config.inboundSmtpHost, () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    this.logger.log(`Listening for replies to @${this.addresses.domain} on ${this.config.inboundSmtpHost}:${this.port}${tls ? ' (STARTTLS)' : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
