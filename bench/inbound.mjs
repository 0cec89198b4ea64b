// npm run bench:inbound — replies by e-mail under load: INBOUND_REPLIES (1,000) replies sent over
// SMTP by INBOUND_CLIENTS (8) concurrent nodemailer clients to the app's reply listener, spread over
// INBOUND_QUESTIONS (50) questions of one requester. Measures replies/s (first send to last `250`)
// and, per reply, the time from the listener's `250` to the message being readable on the question
// (the bench polls question_messages every 20 ms), for in-process jobs + SQLite and BullMQ + PostgreSQL.
// Environment: INBOUND_CONFIGS=sqlite,postgres  INBOUND_REPLIES  INBOUND_CLIENTS  INBOUND_QUESTIONS
// PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)  REDIS_URL (default redis://127.0.0.1:6379/13,
// a database of its own: BullMQ's default prefix is the same for every Vraagbaak).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { freePort, freshDataDir, httpClient, startServer, writeDocsSection } from './support.mjs';
import { AppConfig } from '../dist/src/config/app-config.js';
import { AppSecrets } from '../dist/src/infra/secrets.js';
import { ReplyAddresses } from '../dist/src/inbound/reply-addresses.js';
import { createCliContext } from '../dist/src/cli-context.js';
import { freshPostgres, machineCpu, memory, percentile, startSmtpSink } from './intake-support.mjs';

const REPLIES = Number(process.env.INBOUND_REPLIES ?? 1000);
const CLIENTS = Number(process.env.INBOUND_CLIENTS ?? 8);
const QUESTIONS = Number(process.env.INBOUND_QUESTIONS ?? 50);
const CONFIGS = (process.env.INBOUND_CONFIGS ?? 'sqlite,postgres').split(',').map((c) => c.trim()).filter(Boolean);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Its own Redis database (13), so the bench's queue never meets another Vraagbaak's on a shared server.
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379/13';
const DEADLINE_MS = 10 * 60_000;
const DOMAIN = 'antwoord.bench.test';
const REQUESTER = 'vrager@gemeente.example.nl';

/** Reads which bench replies are on their questions, from the app's database. */
function messageReader(env) {
  const sql = "SELECT body FROM question_messages WHERE body LIKE 'Bench-antwoord %'";
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    const ready = client.connect();
    return { read: async () => (await ready, (await client.query(sql)).rows.map((r) => r.body)), close: () => client.end() };
  }
  const db = new sqlite3.Database(join(env.DATA_DIR, 'vraagbaak.sqlite'), sqlite3.OPEN_READONLY);
  return {
    read: () => new Promise((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows.map((r) => r.body))))),
    close: () => new Promise((resolve) => db.close(() => resolve())),
  };
}

function replyMail(i, to, reference) {
  return [
    `From: Vera Vrager <${REQUESTER}>`,
    `To: ${to}`,
    `Subject: Re: [${reference}] De expert heeft een vraag over uw vraag`,
    `Message-ID: <bench-${i}-${randomBytes(6).toString('hex')}@gemeente.example.nl>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Bench-antwoord ${i}: het gaat om polder Zegveld, perceel ${i}. De grondwaterstand is gemiddeld 40 cm onder maaiveld.`,
    '',
    `Op ma 7 dec 2026 om 09:12 schreef Vraagbaak WBS <vraagbaak@example.nl>:`,
    '> Over welke polder gaat het?',
    '',
  ].join('\r\n');
}

async function measure(kind) {
  const PORT = await freePort();
  const SMTP_PORT = await freePort();
  const smtp = await startSmtpSink();
  const dataDir = freshDataDir('vraagbaak-inbound-');
  const pgDb = kind === 'postgres' ? await freshPostgres(PG_URL) : null;
  const appSecret = randomBytes(32).toString('base64url');
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: pgDb?.url ?? '',
    REDIS_URL: kind === 'postgres' ? REDIS_URL : '',
    SMTP_URL: smtp.url,
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    APP_SECRET: appSecret,
    MAIL_REPLY_DOMAIN: DOMAIN,
    INBOUND_SMTP_PORT: String(SMTP_PORT),
    INBOUND_SMTP_HOST: '127.0.0.1',
    // One requester sends every reply: the per-sender limit would stop them.
    INBOUND_REPLIES_PER_SENDER_PER_HOUR: '1000000',
    RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  };
  const server = await startServer('dist/src/main.js', { port: PORT, env, timeoutMs: 60_000 });
  const http = httpClient(PORT, 4);
  const reader = messageReader(env);
  const transports = Array.from({ length: CLIENTS }, () => nodemailer.createTransport({ host: '127.0.0.1', port: SMTP_PORT, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity }));
  try {
    const admin = await createCliContext(AppConfig.fromEnv({ ...env, LOG_LEVEL: 'error' }));
    let token;
    let requesterId;
    try {
      await admin.addUser({ email: 'expert@ienw.example.nl', roles: ['expert'], displayName: 'Expert', expertise: { keuzeIds: [25], themeIds: [] }, capacity: 1000 });
      requesterId = (await admin.addUser({ email: REQUESTER, roles: ['requester'], displayName: 'Vera Vrager', organisationCode: 'GM0363' })).user.id;
      token = await admin.issueToken(REQUESTER, 'bench');
    } finally {
      await admin.close();
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const questions = [];
    for (let q = 0; q < QUESTIONS; q++) {
      const res = await http.request('POST', '/api/v1/questions', { headers, body: JSON.stringify({ title: `Peilbeheer ${q}`, body: 'Hoe hoog mag het peil?', keuzeIds: [25] }) });
      if (res.status !== 201) throw new Error(`question ${q}: ${res.status} ${res.text}`);
      questions.push(JSON.parse(res.text));
    }
    // References are final once the question is read back.
    for (const q of questions) q.reference = JSON.parse((await http.request('GET', `/api/v1/questions/${q.id}`, { headers })).text).reference;
    const addresses = new ReplyAddresses(AppConfig.fromEnv({ MAIL_REPLY_DOMAIN: DOMAIN }), new AppSecrets(appSecret));

    const acked = new Map();
    const seen = new Map();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const now = performance.now();
        for (const body of await reader.read()) {
          const i = Number(/^Bench-antwoord (\d+):/.exec(body)?.[1]);
          if (!seen.has(i)) seen.set(i, now);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const loadBefore = loadavg()[0];
    const machineBefore = machineCpu();
    const start = performance.now();
    let next = 0;
    await Promise.all(
      transports.map(async (transport) => {
        while (next < REPLIES) {
          const i = next++;
          const q = questions[i % questions.length];
          const to = addresses.replyAddress(q.id, requesterId, 'requester');
          await transport.sendMail({ envelope: { from: REQUESTER, to: [to] }, raw: replyMail(i, to, q.reference) });
          acked.set(i, performance.now());
        }
      }),
    );
    const sendEnd = performance.now();
    const deadline = sendEnd + DEADLINE_MS;
    while (seen.size < REPLIES) {
      if (performance.now() > deadline) throw new Error(`only ${seen.size} of ${REPLIES} replies visible`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const allVisible = performance.now();
    polling = false;
    await poll;
    const machineAfter = machineCpu();
    const latencies = [...acked].map(([i, at]) => Math.max(0, seen.get(i) - at)).sort((a, b) => a - b);
    const mem = memory(server.pid);
    const result = {
      kind,
      replies: REPLIES,
      clients: CLIENTS,
      repliesPerSecond: Math.round(REPLIES / ((sendEnd - start) / 1000)),
      visiblePerSecond: Math.round(REPLIES / ((allVisible - start) / 1000)),
      ackToVisibleP50Ms: Math.round(percentile(latencies, 50)),
      ackToVisibleP95Ms: Math.round(percentile(latencies, 95)),
      ackToVisibleMaxMs: Math.round(latencies.at(-1)),
      peakRssMb: mem.peakRssMb,
      loadAverage: +loadBefore.toFixed(1),
      machineBusy: `${Math.round((100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total))} %`,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    for (const transport of transports) transport.close();
    http.close();
    await reader.close();
    await server.stop();
    await smtp.close();
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const kind of CONFIGS) results.push(await measure(kind));

const label = { sqlite: 'in-process jobs + SQLite', postgres: 'BullMQ + PostgreSQL' };
const lines = [
  '## Replies by e-mail',
  '',
  `\`npm run bench:inbound\`: ${REPLIES} replies sent over SMTP by ${CLIENTS} concurrent clients (nodemailer, one connection each) to the`,
  `reply listener, spread over ${QUESTIONS} questions of one requester; each reply quotes the mail it answers. *Replies/s*: replies`,
  'acknowledged (`250`, so stored and committed) per second; *visible*: from that `250` to the message being readable on its question',
  '(the bench polls `question_messages` every 20 ms, so figures include up to 20 ms of polling). One machine, 2 cores, shared by app,',
  'database, SMTP clients and bench; *load* is the 1-minute load average when the measured run began (other work on the machine counts).',
  '',
  '| configuration | replies/s | all visible, replies/s | 250 → visible p50 / p95 / max ms | peak RSS MB | machine busy | load |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${label[r.kind]} | ${r.repliesPerSecond} | ${r.visiblePerSecond} | ${r.ackToVisibleP50Ms} / ${r.ackToVisibleP95Ms} / ${r.ackToVisibleMaxMs} | ${r.peakRssMb} | ${r.machineBusy} | ${r.loadAverage} |`),
  '',
  'Storing a reply (one insert, then `250`) is cheap; processing it is not: parsing, the question read as its author sees it',
  '(`QuestionReader.get`), the message through `QuestionLifecycle.postMessage` (its transaction, and its read-back of the whole question),',
  'and two mails (the expert is told, the sender confirmed). When replies arrive faster than that, they wait in the queue',
  '(stored, acknowledged), which is what the 250 → visible percentiles show; the listener keeps acknowledging meanwhile.',
  '',
];
console.log(lines.join('\n'));
if (REPLIES >= 1000) console.log(`Written to ${writeDocsSection('Replies by e-mail', lines)}`);
