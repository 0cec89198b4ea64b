// npm run bench:intake — question intake under load: INTAKE_QUESTIONS (10,000) submissions over
// HTTP from INTAKE_CLIENTS (16) concurrent clients against 40 seeded experts (capacity 500 each),
// for in-process jobs + SQLite and for BullMQ + PostgreSQL. Measures submissions/s, p50/p95 of the
// submit latency, submit → assignment mail accepted by an SMTP server in this process, the
// server's peak RSS and CPU, and (INTAKE_PROFILE=1) where the server's CPU time goes.
//
// Configurations: `sqlite` (in-process jobs), `postgres` (BullMQ, workers inside the HTTP process) and
// `postgres-worker` (BullMQ, HTTP with WORKERS=false plus one `dist/src/worker.js` process: the
// scale-out layout, so HTTP and jobs each get a core).
// Environment: INTAKE_CONFIGS=sqlite,postgres  INTAKE_QUESTIONS  INTAKE_CLIENTS  INTAKE_WARMUP (200)
// INTAKE_PROFILE=1  PG_URL (a PostgreSQL server where the bench may create databases; default
// postgres://postgres@127.0.0.1:5432/postgres)  REDIS_URL (default redis://127.0.0.1:6379; the
// bench uses BullMQ's default prefix, so no other Vraagbaak may use that Redis meanwhile).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort, freshDataDir, httpClient, startServer } from './support.mjs';
import { AppConfig } from '../dist/src/config/app-config.js';
import { createCliContext } from '../dist/src/cli-context.js';
import { cpuSeconds, freshPostgres, machineCpu, memory, percentile, startSmtpSink, summariseProfile } from './intake-support.mjs';

const QUESTIONS = Number(process.env.INTAKE_QUESTIONS ?? 10_000);
const CLIENTS = Number(process.env.INTAKE_CLIENTS ?? 16);
const WARMUP = Number(process.env.INTAKE_WARMUP ?? 200);
const EXPERTS = 40;
const CAPACITY = 500;
const CONFIGS = (process.env.INTAKE_CONFIGS ?? 'sqlite,postgres').split(',').map((c) => c.trim()).filter(Boolean);
const PROFILE = process.env.INTAKE_PROFILE === '1';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const MAIL_DEADLINE_MS = Number(process.env.INTAKE_MAIL_DEADLINE_MS ?? 15 * 60_000);

/** A small deterministic generator, so every run submits the same questions. */
function lcg(seed) {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Expert i knows three keuzes spread over the catalog: each of the 33 keuzes has 3–4 experts. */
const expertise = (i) => [...new Set([i % 33, (i + 11) % 33, (i + 22) % 33].map((k) => k + 1))];

async function measure(kind) {
  const PORT = await freePort();
  const smtp = await startSmtpSink();
  const dataDir = freshDataDir('vraagbaak-intake-');
  const postgres = kind.startsWith('postgres');
  const separateWorker = kind === 'postgres-worker';
  const pgDb = postgres ? await freshPostgres(PG_URL) : null;
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: pgDb?.url ?? '',
    REDIS_URL: postgres ? REDIS_URL : '',
    SMTP_URL: smtp.url,
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  };
  const profilePath = join(tmpdir(), `vraagbaak-intake-${kind}-${process.pid}.cpuprofile`);
  const server = await startServer(PROFILE ? 'bench/profiled-main.mjs' : 'dist/src/main.js', {
    port: PORT,
    env: { ...env, CPU_PROFILE_PATH: profilePath, ...(separateWorker ? { WORKERS: 'false' } : {}) },
    timeoutMs: 60_000,
  });
  const client = httpClient(PORT, CLIENTS);
  // The server has migrated the database; the worker starts on it (the warm-up waits for its mails).
  const worker = separateWorker
    ? spawn(process.execPath, [join(ROOT, 'dist/src/worker.js')], { env: { ...process.env, ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] })
    : null;
  try {
    // Seed through the admin CLI's context (the services `npm run cli -- user:add / token:issue` use),
    // in this process rather than 42 CLI processes: 40 experts, one requester with an API token.
    const seedStart = performance.now();
    const admin = await createCliContext(AppConfig.fromEnv({ ...env, LOG_LEVEL: 'error' }));
    let token;
    try {
      for (let i = 0; i < EXPERTS; i++) {
        await admin.addUser({ email: `expert-${i + 1}@ienw.example.nl`, roles: ['expert'], displayName: `Expert ${i + 1}`, expertise: { keuzeIds: expertise(i), themeIds: [] }, capacity: CAPACITY });
      }
      await admin.addUser({ email: 'vrager@gemeente.example.nl', roles: ['requester'], displayName: 'Vera Vrager', organisationCode: 'GM0363' });
      token = await admin.issueToken('vrager@gemeente.example.nl', 'bench');
    } finally {
      await admin.close();
    }
    const seedMs = performance.now() - seedStart;

    const random = lcg(42);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const body = (i) => {
      const first = 1 + Math.floor(random() * 33);
      const keuzeIds = random() < 0.5 ? [first] : [...new Set([first, 1 + Math.floor(random() * 33)])];
      return JSON.stringify({
        title: `Intakevraag ${i}: peilbeheer en bouwen in de uiterwaarden`,
        body: `Vraag ${i}. Onze gemeente wil woningen bouwen in een gebied met bodemdaling. Hoe passen wij de structurerende keuzes toe bij de keuze van de locatie en het peilbeheer, en wie beslist daarover?`,
        keuzeIds,
      });
    };

    /** `count` submissions from CLIENTS concurrent clients; start time and latency per reference. */
    const submitAll = async (count, offset) => {
      const started = new Map();
      const latencies = [];
      let next = 0;
      const submitter = async () => {
        while (next < count) {
          const i = offset + next++;
          const payload = body(i);
          const t0 = performance.now();
          const res = await client.request('POST', '/api/v1/questions', { headers, body: payload });
          const t1 = performance.now();
          if (res.status !== 201) throw new Error(`submission ${i}: ${res.status} ${res.text}`);
          const json = JSON.parse(res.text);
          started.set(json.reference, t0);
          latencies.push(t1 - t0);
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: CLIENTS }, submitter));
      return { started, latencies, ms: performance.now() - t0 };
    };
    const waitForMails = async (kind, count) => {
      const deadline = performance.now() + MAIL_DEADLINE_MS;
      while (smtp.count(kind) < count) {
        if (performance.now() > deadline) throw new Error(`only ${smtp.count(kind)} of ${count} ${kind} mails within ${MAIL_DEADLINE_MS} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // Warm-up (JIT, connection pools, SMTP pool), not measured.
    await submitAll(WARMUP, 0);
    await waitForMails('assigned', WARMUP);
    await waitForMails('received', WARMUP);
    const mailsBefore = smtp.mails.length;

    if (PROFILE) process.kill(server.pid, 'SIGWINCH'); // profile and count the measured run only
    const pgBefore = await pgDb?.stats();
    const stopSampling = pgDb?.sampleActivity();
    const cpuBefore = { server: cpuSeconds(server.pid), worker: worker ? cpuSeconds(worker.pid) : 0, bench: process.cpuUsage(), machine: machineCpu() };
    const runStart = performance.now();
    const run = await submitAll(QUESTIONS, WARMUP);
    const intakeEnd = performance.now();
    const cpuAtIntakeEnd = { server: cpuSeconds(server.pid), worker: worker ? cpuSeconds(worker.pid) : 0, machine: machineCpu() };
    const pgActivity = await stopSampling?.();
    await waitForMails('assigned', WARMUP + QUESTIONS);
    await waitForMails('received', WARMUP + QUESTIONS);
    const mailsEnd = performance.now();
    const cpuAfter = { server: cpuSeconds(server.pid), bench: process.cpuUsage(cpuBefore.bench), machine: machineCpu() };
    const pgAfter = await pgDb?.stats();
    const mem = memory(server.pid);
    const workerMem = worker ? memory(worker.pid) : null;
    if (PROFILE) process.kill(server.pid, 'SIGUSR2');

    const mails = smtp.mails.slice(mailsBefore);
    const toMail = mails.filter((m) => m.kind === 'assigned' && run.started.has(m.reference)).map((m) => m.acceptedAt - run.started.get(m.reference));
    const toReceipt = mails.filter((m) => m.kind === 'received' && run.started.has(m.reference)).map((m) => m.acceptedAt - run.started.get(m.reference));
    const sorted = (values) => [...values].sort((a, b) => a - b);
    const lat = sorted(run.latencies);
    const mailLat = sorted(toMail);
    const receiptLat = sorted(toReceipt);
    const wall = (mailsEnd - runStart) / 1000;
    const intakeWall = (intakeEnd - runStart) / 1000;
    const busy = (a, b) => (100 * (b.busy - a.busy)) / (b.total - a.total);
    const result = {
      kind,
      questions: QUESTIONS,
      submissionsPerSecond: Math.round(QUESTIONS / (run.ms / 1000)),
      submitP50Ms: Math.round(percentile(lat, 50)),
      submitP95Ms: Math.round(percentile(lat, 95)),
      submitP99Ms: Math.round(percentile(lat, 99)),
      assignmentMails: toMail.length,
      mailP50Ms: Math.round(percentile(mailLat, 50)),
      mailP95Ms: Math.round(percentile(mailLat, 95)),
      mailMaxMs: Math.round(mailLat.at(-1)),
      receiptP95Ms: Math.round(percentile(receiptLat, 95)),
      intakeSeconds: +intakeWall.toFixed(1),
      allMailsSeconds: +wall.toFixed(1),
      assignmentsPerSecond: Math.round(QUESTIONS / wall),
      peakRssMb: mem.peakRssMb,
      ...(workerMem ? { workerPeakRssMb: workerMem.peakRssMb, workerCpuDuringIntake: `${Math.round((100 * (cpuAtIntakeEnd.worker - cpuBefore.worker)) / intakeWall)} %` } : {}),
      serverCpuDuringIntake: `${Math.round((100 * (cpuAtIntakeEnd.server - cpuBefore.server)) / intakeWall)} %`,
      benchCpu: `${Math.round((100 * (cpuAfter.bench.user + cpuAfter.bench.system)) / 1e6 / wall)} %`,
      machineBusyDuringIntake: `${Math.round(busy(cpuBefore.machine, cpuAtIntakeEnd.machine))} %`,
      seedSeconds: +(seedMs / 1000).toFixed(1),
      ...(pgBefore
        ? {
            pgTransactionsPerQuestion: +((pgAfter.xact_commit - pgBefore.xact_commit) / QUESTIONS).toFixed(1),
            pgRowsInsertedPerQuestion: +((pgAfter.tup_inserted - pgBefore.tup_inserted) / QUESTIONS).toFixed(1),
            pgRowsUpdatedPerQuestion: +((pgAfter.tup_updated - pgBefore.tup_updated) / QUESTIONS).toFixed(1),
            pgSessionsDuringIntake: pgActivity,
          }
        : {}),
    };
    console.log(JSON.stringify(result));
    if (PROFILE) {
      await new Promise((r) => setTimeout(r, 1500));
      const summary = summariseProfile(profilePath, 25);
      console.log(`\nCPU profile of the server (${kind}), self time, ${summary.totalMs} ms sampled (${profilePath}):`);
      console.table(summary.byPlace);
      console.table(summary.byFunction);
      const statements = JSON.parse(readFileSync(`${profilePath}.sql.json`, 'utf8'));
      const tx = JSON.parse(readFileSync(`${profilePath}.tx.json`, 'utf8'));
      const perQuestion = (n) => +(n / QUESTIONS).toFixed(2);
      const total = statements.reduce((sum, [, n]) => sum + n, 0);
      console.log(
        `\nTransactions: ${perQuestion(tx.count)} per question, open ${(tx.heldMs / tx.count).toFixed(2)} ms on average ` +
          `(waiting included: ${(tx.totalMs / tx.count).toFixed(2)} ms); open ${Math.round((100 * tx.heldMs) / tx.wallMs)} % of the ${(tx.wallMs / 1000).toFixed(1)} s measured`,
      );
      console.log(`SQL statements sent by the server: ${total}, ${perQuestion(total)} per question (by shape):`);
      console.table(statements.slice(0, 40).map(([sql, n]) => ({ perQuestion: perQuestion(n), sql })));
    }
    return result;
  } finally {
    client.close();
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await server.stop();
    await smtp.close();
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const kind of CONFIGS) results.push(await measure(kind));

const label = { sqlite: 'in-process jobs + SQLite', postgres: 'BullMQ + PostgreSQL', 'postgres-worker': 'BullMQ + PostgreSQL, separate worker process' };
console.log(`\n${QUESTIONS} submissions, ${CLIENTS} clients, ${EXPERTS} experts (capacity ${CAPACITY}), ${WARMUP} warm-up submissions first\n`);
console.log('| configuration | submissions/s | submit p50 ms | submit p95 ms | submit → assignment mail p50 / p95 ms | all mails after s | peak RSS MB | server CPU |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const rss = r.workerPeakRssMb ? `${r.peakRssMb} + ${r.workerPeakRssMb}` : r.peakRssMb;
  const cpu = r.workerCpuDuringIntake ? `${r.serverCpuDuringIntake} + ${r.workerCpuDuringIntake}` : r.serverCpuDuringIntake;
  console.log(`| ${label[r.kind]} | ${r.submissionsPerSecond} | ${r.submitP50Ms} | ${r.submitP95Ms} | ${r.mailP50Ms} / ${r.mailP95Ms} | ${r.allMailsSeconds} | ${rss} | ${cpu} |`);
}
