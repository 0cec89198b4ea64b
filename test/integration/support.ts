import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { DataSource } from 'typeorm';

/**
 * Helpers of the integration suite (`npm run test:integration`): real PostgreSQL, real Redis,
 * a real SMTP server in the test process and, where a test needs one, a real worker process.
 */

/** This suite always runs on PostgreSQL and Redis; these are the CI services' addresses. */
export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
// freshDatabase() reads DATABASE_URL from the environment to decide on PostgreSQL.
process.env.DATABASE_URL = DATABASE_URL;

const ROOT = join(import.meta.dirname, '..', '..');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value; fails with `describe()` after `timeoutMs`. */
export async function waitUntil<T>(check: () => Promise<T | false | null | undefined>, timeoutMs: number, describe: () => Promise<string> | string, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`Not reached within ${timeoutMs} ms: ${await describe()}`);
    await sleep(intervalMs);
  }
}

/** One message the SMTP server accepted (answered 250 to). */
export interface ReceivedMail {
  /** Which listener took it (each app process gets its own SMTP_URL). */
  via: string;
  to: string[];
  subject: string;
  /** `WBS-YYYY-NNNNN` from the subject, when it names one. */
  reference: string | null;
  /** The outbox row id, from the Message-ID `<outboxId.vraagbaak@domain>`. */
  outboxId: string | null;
  acceptedAt: number;
}

export interface Collector {
  /** `smtp://…` of one listener. */
  url(listener: string): string;
  received: ReceivedMail[];
  /** Messages whose DATA was refused or abandoned (never answered 250), per listener. */
  dropped: Record<string, number>;
  /** Stops answering DATA on this listener: its messages wait, unacknowledged, until `release`. */
  hold(listener: string): void;
  /** Answers the held messages of this listener: `accept` them (250) or drop them unacknowledged. */
  release(listener: string, how: 'accept' | 'drop'): number;
  /** How many messages a listener is holding. */
  holding(listener: string): number;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) with one listener per app process. A message
 * counts as received only once the server answered its DATA with 250, which is also the moment
 * the sending worker learns it was delivered. `delayMs` slows every answer (to widen races).
 */
export async function startCollector(listeners: string[], options: { delayMs?: () => number } = {}): Promise<Collector> {
  const received: ReceivedMail[] = [];
  const dropped: Record<string, number> = {};
  const held = new Map<string, Array<{ mail: ReceivedMail; callback: (error?: Error | null) => void }>>();
  const holdingFlag = new Set<string>();
  const servers = new Map<string, { server: SMTPServer; url: string }>();

  for (const listener of listeners) {
    dropped[listener] = 0;
    held.set(listener, []);
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const mail = parseHeaders(Buffer.concat(chunks).toString('utf8'), listener, session);
          const answer = () => {
            if (holdingFlag.has(listener)) {
              held.get(listener)!.push({ mail, callback });
              return;
            }
            mail.acceptedAt = Date.now();
            received.push(mail);
            callback();
          };
          const delay = options.delayMs?.() ?? 0;
          if (delay > 0) setTimeout(answer, delay);
          else answer();
        });
      },
    });
    server.on('error', () => undefined); // a killed client resets its connection
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    servers.set(listener, { server, url: `smtp://127.0.0.1:${port}` });
  }

  return {
    url: (listener) => servers.get(listener)!.url,
    received,
    dropped,
    hold: (listener) => void holdingFlag.add(listener),
    holding: (listener) => held.get(listener)!.length,
    release(listener, how) {
      holdingFlag.delete(listener);
      const waiting = held.get(listener)!.splice(0);
      for (const { mail, callback } of waiting) {
        if (how === 'drop') {
          dropped[listener] += 1;
          callback(new Error('451 dropped by the test'));
        } else {
          mail.acceptedAt = Date.now();
          received.push(mail);
          callback();
        }
      }
      return waiting.length;
    },
    close: async () => {
      for (const { server } of servers.values()) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Subject, recipients and Message-ID from a raw RFC 822 message (headers only). */
function parseHeaders(raw: string, via: string, session: SMTPServerSession): ReceivedMail {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const subject = decodeMimeWords(header('Subject'));
  const messageId = header('Message-ID');
  return {
    via,
    to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    subject,
    reference: /\[(WBS-\d{4}-\d{5,})\]/.exec(subject)?.[1] ?? null,
    outboxId: /^<([0-9a-f-]{36})\.vraagbaak@/i.exec(messageId)?.[1] ?? null,
    acceptedAt: 0,
  };
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII subjects. */
export function decodeMimeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}

/** A separate worker process (`node dist/src/worker.js`, what `npm run start:worker` runs). */
export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout and stderr, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, running jobs and transactions are cut off. */
  kill(): Promise<void>;
}

export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const script = join(ROOT, 'dist', 'src', 'worker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run -s build\` first (npm run test:integration does)`);
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Counts that tell where a batch stands, straight from the database. */
export async function databaseState(dataSource: DataSource): Promise<{ questions: Record<string, number>; outbox: Record<string, number> }> {
  const count = async (sql: string) =>
    Object.fromEntries(((await dataSource.query(sql)) as Array<{ key: string; n: string }>).map((r) => [r.key, Number(r.n)]));
  return {
    questions: await count('SELECT status AS key, COUNT(*) AS n FROM questions GROUP BY status'),
    outbox: await count('SELECT status AS key, COUNT(*) AS n FROM notification_outbox GROUP BY status'),
  };
}

/** Groups mails by key and returns the keys seen more than once. */
export function duplicates(mails: ReceivedMail[], key: (m: ReceivedMail) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const mail of mails) counts.set(key(mail), (counts.get(key(mail)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}
