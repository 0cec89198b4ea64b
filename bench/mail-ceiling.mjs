// node bench/mail-ceiling.mjs — how many mails/s the app's Mailer (nodemailer, pooled SMTP transport
// as src/notifications/mailer.ts configures it) can hand to the SMTP sink of bench/intake.mjs on
// this machine, and at what CPU per mail: the ceiling of the intake's mail pipeline, whatever the
// database does. The sender runs in a child process (like the app), the sink in this one (like the
// intake bench), so each side's CPU is measured on its own. Mails are rendered with the real
// templates first (render cost measured separately), then sent MAIL_CONCURRENCY at a time.
//
// Environment: MAIL_COUNT (5,000)  MAIL_CONCURRENCY (comma list, 8)  MAIL_WARMUP (300); any app
// setting (e.g. SMTP_POOL_SIZE) is passed to the sender's AppConfig.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ROOT } from './support.mjs';
import { startSmtpSink } from './intake-support.mjs';

const COUNT = Number(process.env.MAIL_COUNT ?? 5000);
const WARMUP = Number(process.env.MAIL_WARMUP ?? 300);
const CONCURRENCIES = (process.env.MAIL_CONCURRENCY ?? '8').split(',').map(Number);

if (process.argv[2] === 'sender') {
  await sender(process.argv[3], Number(process.argv[4]));
} else {
  const rows = [];
  for (const concurrency of CONCURRENCIES) rows.push(await measure(concurrency));
  console.table(rows);
}

async function measure(concurrency) {
  const smtp = await startSmtpSink();
  const child = fork(fileURLToPath(import.meta.url), ['sender', smtp.url, String(concurrency)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let sinkCpuStart;
  const result = await new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.phase === 'measuring') sinkCpuStart = process.cpuUsage();
      if (m.phase === 'done') resolve({ ...m, sinkCpu: process.cpuUsage(sinkCpuStart) });
    });
    child.on('exit', (code) => (code ? reject(new Error(`sender exited with ${code}`)) : undefined));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  await smtp.close();
  if (smtp.mails.length !== WARMUP + COUNT) throw new Error(`the sink accepted ${smtp.mails.length} of ${WARMUP + COUNT} mails`);
  const seconds = result.ms / 1000;
  const cpuMs = (usage) => (usage.user + usage.system) / 1000;
  return {
    concurrency,
    mails: COUNT,
    'mails/s': Math.round(COUNT / seconds),
    'sender CPU µs/mail': Math.round((1000 * cpuMs(result.senderCpu)) / COUNT),
    'sender CPU % of a core': Math.round((100 * cpuMs(result.senderCpu)) / result.ms),
    'sink CPU µs/mail': Math.round((1000 * cpuMs(result.sinkCpu)) / COUNT),
    'render µs/mail (2 templates avg)': Math.round(result.renderUsPerMail),
  };
}

async function sender(smtpUrl, concurrency) {
  const { AppConfig } = await import(join(ROOT, 'dist/src/config/app-config.js'));
  const { Mailer } = await import(join(ROOT, 'dist/src/notifications/mailer.js'));
  const { MailTemplates } = await import(join(ROOT, 'dist/src/notifications/templates.js'));
  const config = AppConfig.fromEnv({ ...process.env, SMTP_URL: smtpUrl, PUBLIC_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'error' });
  const mailer = new Mailer(config);
  const templates = new MailTemplates(join(ROOT, 'templates/mail'), config.publicUrl);

  // Render the two mails of a submission (receipt, assignment), as `notify` does.
  const total = WARMUP + COUNT;
  const mails = [];
  const renderStart = performance.now();
  for (let i = 0; i < total; i++) {
    const reference = `WBS-2026-${String(i + 1).padStart(5, '0')}`;
    const title = `Intakevraag ${i}: peilbeheer en bouwen in de uiterwaarden`;
    const link = `/vragen/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const rendered =
      i % 2 === 0
        ? templates.render('question-received', { name: 'Vera Vrager', reference, title, link })
        : templates.render('question-assigned', { name: `Expert ${i % 40}`, reference, title, link, organisation: 'Gemeente Amsterdam', respondBefore: new Date() });
    mails.push({ outboxId: crypto.randomUUID(), to: i % 2 === 0 ? 'vrager@gemeente.example.nl' : `expert-${i % 40}@ienw.example.nl`, ...rendered, createdAt: new Date() });
  }
  const renderUsPerMail = (1000 * (performance.now() - renderStart)) / total;

  const sendAll = async (list) => {
    let next = 0;
    const worker = async () => {
      while (next < list.length) await mailer.send(list[next++]);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await sendAll(mails.slice(0, WARMUP)); // opens the pool's connections
  process.send({ phase: 'measuring' });
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sendAll(mails.slice(WARMUP));
  const ms = performance.now() - t0;
  const senderCpu = process.cpuUsage(cpu);
  mailer.onModuleDestroy();
  process.send({ phase: 'done', ms, senderCpu, renderUsPerMail });
  process.disconnect();
}
