// Statistics benchmark: fills a database with the demo generator (`demo:seed`), starts the built app
// on it and times the statistics endpoints and the evaluation report, on SQLite and PostgreSQL, with
// the server's RSS before and after (it must stay flat: aggregation happens in SQL, nothing is cached).
//
//   npm run bench:stats                      # 1,000,000 questions, SQLite and PostgreSQL
//   npm run bench:stats -- --questions 200000 --db sqlite
//   npm run bench:stats -- --keep            # keep the seeded databases and reuse them next time
//   npm run bench:stats -- --questions 20000 --db postgres --phase write-load --keep
//                                            # only the statistics under write load (see writeLoad)
//
// Phases (`--phase`, default all): `endpoints` times every statistics endpoint on an idle server;
// `write-load` times `GET /statistics/overview` while `--writers` clients (default 16) submit
// questions and move them on (accept, answer, withdraw) for `--write-seconds` (default 40), with
// `--readers` clients (default 2) asking for the overview back to back, after `--today` questions
// (default 1000) were submitted today first: a refresh recomputes the days marked, today among
// them, so its cost grows with today's questions. Server settings can be passed as KEY=VALUE
// after `--env`, e.g. `--env STATISTICS_MAX_STALENESS_MS=0`.
//
// PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is the
// admin connection; the benchmark creates (and unless --keep, drops) its own database there.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { ROOT, freePort, httpClient, startServer } from './support.mjs';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '1000000' },
    db: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    phase: { type: 'string', default: 'all' },
    writers: { type: 'string', default: '16' },
    readers: { type: 'string', default: '2' },
    'write-seconds': { type: 'string', default: '40' },
    today: { type: 'string', default: '1000' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const PHASES = values.phase === 'all' ? ['endpoints', 'write-load'] : values.phase.split(',');
const SERVER_ENV = Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const N = Number(values.questions);
const ROUNDS = Math.max(2, Number(values.rounds));
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kinds = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db];

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

async function admin(work) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function prepare(kind) {
  const dataDir = join(tmpdir(), `vraagbaak-bench-stats-${kind}-${N}`);
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let fresh = true;
  if (kind === 'sqlite') {
    fresh = !(values.keep && existsSync(join(dataDir, 'seeded')));
    if (fresh) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  } else {
    const name = `vb_bench_stats_${N}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    mkdirSync(dataDir, { recursive: true });
    fresh = !(values.keep && existsSync(join(dataDir, 'seeded')));
    if (fresh) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name}`);
      });
    }
  }
  let seedMs = null;
  if (fresh) {
    const started = Date.now();
    process.stderr.write(`[${kind}] seeding ${N} questions …\n`);
    const { stdout } = await run(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'demo:seed', '--questions', String(N)], {
      env: { ...process.env, ...env },
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    seedMs = Date.now() - started;
    process.stderr.write(`[${kind}] ${stdout.trim()} (${(seedMs / 1000).toFixed(0)} s wall)\n`);
    if (kind === 'postgres') {
      // Like autovacuum would after a while: visibility map (index-only scans) and planner statistics.
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query('VACUUM ANALYZE');
      await client.end();
    }
    writeFileSync(join(dataDir, 'seeded'), String(seedMs));
  } else {
    seedMs = Number(readFileSync(join(dataDir, 'seeded'), 'utf8')) || null;
    process.stderr.write(`[${kind}] reusing the seeded database\n`);
  }
  // The write load adds questions: with --keep it runs on a copy, so every run (and both builds of
  // an A/B) starts from the same data.
  let dropCopy = async () => undefined;
  if (values.keep && PHASES.includes('write-load')) {
    const copyDir = `${dataDir}-copy`;
    rmSync(copyDir, { recursive: true, force: true });
    cpSync(dataDir, copyDir, { recursive: true });
    env.DATA_DIR = copyDir;
    if (kind === 'postgres') {
      const name = `vb_bench_stats_${N}`;
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name}_copy WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name}_copy TEMPLATE ${name}`);
      });
      const url = new URL(env.DATABASE_URL);
      url.pathname = `/${name}_copy`;
      env.DATABASE_URL = url.toString();
    }
    dropCopy = async () => {
      if (kind === 'postgres') await admin((c) => c.query(`DROP DATABASE IF EXISTS vb_bench_stats_${N}_copy WITH (FORCE)`));
      rmSync(copyDir, { recursive: true, force: true });
    };
  }
  const email = 'bench-secretariaat@example.nl';
  await run(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'user:add', email, '--role', 'secretariat', '--name', 'Bench Secretariaat'], { env: { ...process.env, ...env }, cwd: ROOT });
  const { stdout } = await run(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'token:issue', email, '--name', 'bench'], { env: { ...process.env, ...env }, cwd: ROOT });
  const token = stdout.trim().split('\n').at(-1);
  return { env, token, seedMs, dataDir, cleanup: async () => {
    await dropCopy();
    if (values.keep) return;
    if (kind === 'postgres') await admin((c) => c.query(`DROP DATABASE IF EXISTS vb_bench_stats_${N} WITH (FORCE)`));
    rmSync(dataDir, { recursive: true, force: true });
  } };
}

const ENDPOINTS = [
  ['overview (all time)', '/api/v1/statistics/overview'],
  ['overview (one quarter, theme filter)', '/api/v1/statistics/overview?from=QSTART&to=QEND&themeId=5'],
  ['breakdown by keuze', '/api/v1/statistics/breakdown?by=keuze'],
  ['breakdown by theme', '/api/v1/statistics/breakdown?by=theme'],
  ['breakdown by organisationType', '/api/v1/statistics/breakdown?by=organisationType'],
  ['breakdown by province', '/api/v1/statistics/breakdown?by=province'],
  ['breakdown by month', '/api/v1/statistics/breakdown?by=month'],
  ['breakdown by quarter', '/api/v1/statistics/breakdown?by=quarter'],
  ['breakdown by expert', '/api/v1/statistics/breakdown?by=expert'],
  ['backlog', '/api/v1/statistics/backlog'],
  ['export CSV by keuze', '/api/v1/statistics/export?by=keuze&format=csv'],
  ['evaluation report (last 12 months)', '/reports/evaluation'],
  // Pages (issue 18). The dashboard's first request computes its figures; the next ones within a
  // minute are served from its cache.
  ['page /dashboard (public; first computes, then cached ≤ 1 min)', '/dashboard'],
  ['page /secretariaat (start page)', '/secretariaat'],
  ['page /secretariaat/statistieken (by theme, last 12 months)', '/secretariaat/statistieken'],
  ['quarterly overview /reports/quarterly (last complete quarter)', '/reports/quarterly'],
];

async function measure(kind) {
  const prepared = await prepare(kind);
  const port = await freePort();
  // The write-load clients share one requester token: no per-token rate limit in the way.
  const server = await startServer('dist/src/main.js', { port, env: { ...prepared.env, WORKERS: 'true', RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '100000000', ...SERVER_ENV }, timeoutMs: 120_000 });
  const today = new Date();
  const qEnd = today.toISOString().slice(0, 10);
  const qStart = new Date(today.getTime() - 91 * 86_400_000).toISOString().slice(0, 10);
  const get = async (path) => {
    const started = process.hrtime.bigint();
    const res = await fetch(`http://127.0.0.1:${port}${path.replace('QSTART', qStart).replace('QEND', qEnd)}`, { headers: { Authorization: `Bearer ${prepared.token}` } });
    const body = await res.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
    return { ms, bytes: body.length, body };
  };
  // Let the startup reconciliation settle before measuring.
  await new Promise((r) => setTimeout(r, 3000));
  // A database migrated from before the statistics cells starts with every day marked dirty: the
  // first request waits for them (a seeded one has them already). Timed apart from the rounds.
  const settleMs = Math.round((await get('/api/v1/statistics/overview')).ms);
  process.stderr.write(`[${kind}] first request (waits for any dirty statistics cells): ${settleMs} ms\n`);
  const writeLoadResult = PHASES.includes('write-load') ? await writeLoad(kind, port, prepared) : null;
  if (!PHASES.includes('endpoints')) {
    await server.stop();
    await prepared.cleanup();
    return { kind, questions: N, seedMs: prepared.seedMs, settleMs, writeLoad: writeLoadResult };
  }
  const rssBefore = rssMb(server.pid);
  const results = [];
  for (const [name, path] of ENDPOINTS) {
    const times = [];
    for (let i = 0; i < ROUNDS; i++) times.push((await get(path)).ms);
    const warm = times.slice(1).sort((a, b) => a - b);
    results.push({ name, path, firstMs: Math.round(times[0]), warmMedianMs: Math.round(warm[Math.floor((warm.length - 1) / 2)]), maxMs: Math.round(Math.max(...times)) });
    process.stderr.write(`[${kind}] ${name}: ${times.map((t) => t.toFixed(0)).join(' / ')} ms\n`);
  }
  const rssAfterFirst = rssMb(server.pid);
  // Once more over everything: the RSS must not grow with repeated statistics requests.
  for (const [, path] of ENDPOINTS) await get(path);
  const rssAfter = rssMb(server.pid);
  const overview = JSON.parse((await get('/api/v1/statistics/overview')).body);
  await server.stop();
  await prepared.cleanup();
  return { kind, questions: N, received: overview.received, seedMs: prepared.seedMs, settleMs, bootMs: Math.round(server.readyMs), rssBefore, rssAfterFirst, rssAfter, results, writeLoad: writeLoadResult };
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN);
const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: Math.round(percentile(sorted, 0.5)), p95: Math.round(percentile(sorted, 0.95)), p99: Math.round(percentile(sorted, 0.99)), max: Math.round(sorted.at(-1) ?? NaN) };
};

/**
 * Statistics under write load: WRITERS clients each loop submit → (if routed to one of the bench's
 * experts) accept → answer, withdrawing every fourth question instead, so every write marks today's
 * statistics cells; READERS clients meanwhile ask for the overview back to back. First the overview
 * idle (20 requests), then the load for WRITE_SECONDS; latencies per request, p50/p95/p99.
 */
async function writeLoad(kind, port, prepared) {
  const WRITERS = Number(values.writers);
  const READERS = Number(values.readers);
  const SECONDS = Number(values['write-seconds']);
  const cli = (...args) => run(process.execPath, [join(ROOT, 'dist/src/cli.js'), ...args], { env: { ...process.env, ...prepared.env }, cwd: ROOT });
  const tokenOf = async (email) => (await cli('token:issue', email, '--name', 'bench')).stdout.trim().split('\n').at(-1);
  const stamp = Date.now().toString(36);
  const requesterEmail = `bench-vrager-${stamp}@example.nl`;
  await cli('user:add', requesterEmail, '--role', 'requester', '--organisation', 'GM0363', '--name', 'Bench Vrager');
  const requester = await tokenOf(requesterEmail);
  const allKeuzes = Array.from({ length: 33 }, (_, i) => i + 1).join(',');
  const experts = new Map();
  for (let i = 1; i <= 4; i++) {
    const email = `bench-expert-${i}-${stamp}@example.nl`;
    const { stdout } = await cli('user:add', email, '--role', 'expert', '--name', `Bench Expert ${i}`, '--keuzes', allKeuzes, '--capacity', '100000');
    const token = await tokenOf(email);
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(stdout)?.[0];
    experts.set(id ?? email, token);
  }
  const client = httpClient(port, WRITERS + READERS + 4);
  const call = async (token, method, path, body) => {
    const started = performance.now();
    const res = await client.request(method, path, {
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { ...res, ms: performance.now() - started };
  };
  const overview = async () => {
    const res = await call(prepared.token, 'GET', '/api/v1/statistics/overview');
    if (res.status !== 200) throw new Error(`overview: ${res.status} ${res.text.slice(0, 300)}`);
    return res.ms;
  };
  // Today's questions so far: what every refresh of today recomputes.
  const TODAY = Number(values.today);
  let next = 0;
  const filler = async () => {
    while (next < TODAY) {
      const i = next++;
      const res = await call(requester, 'POST', '/api/v1/questions', { title: `Vraag van vandaag ${i}`, body: 'Eerder vandaag gesteld.', keuzeIds: [(i % 33) + 1, ((i + 11) % 33) + 1] });
      if (res.status !== 201) throw new Error(`submit: ${res.status} ${res.text.slice(0, 300)}`);
    }
  };
  const filled = performance.now();
  await Promise.all(Array.from({ length: 16 }, filler));
  process.stderr.write(`[${kind}] ${TODAY} questions submitted today in ${((performance.now() - filled) / 1000).toFixed(0)} s\n`);
  await new Promise((r) => setTimeout(r, 2000)); // their routing jobs
  await overview(); // the refresh of today
  const idle = [];
  for (let i = 0; i < 20; i++) idle.push(await overview());
  // PostgreSQL: cell rows written meanwhile (each refresh rewrites the cells of the days it recomputes).
  const cellRows = async () => {
    if (kind !== 'postgres') return null;
    const c = new pg.Client({ connectionString: prepared.env.DATABASE_URL });
    await c.connect();
    try {
      await new Promise((r) => setTimeout(r, 1500)); // statistics reach the view within a second
      await c.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await c.query(`SELECT n_tup_ins AS n FROM pg_stat_user_tables WHERE relname = 'statistics_cells'`);
      const today = await c.query(`SELECT count(*) AS n FROM statistics_cells WHERE day = to_char(now() AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD')`);
      return { inserted: Number(rows[0].n), today: Number(today.rows[0].n) };
    } finally {
      await c.end();
    }
  };
  const cellsBefore = await cellRows();

  const writes = { submit: [], transition: [], errors: {} };
  const count = (status) => (writes.errors[status] = (writes.errors[status] ?? 0) + 1);
  const reads = [];
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const writer = async () => {
    while (performance.now() < end) {
      const i = n++;
      const submitted = await call(requester, 'POST', '/api/v1/questions', { title: `Bench-vraag ${i}`, body: `Vraag ${i} onder schrijflast.`, keuzeIds: [(i % 33) + 1] });
      if (submitted.status !== 201) {
        count(submitted.status);
        continue;
      }
      writes.submit.push(submitted.ms);
      const id = JSON.parse(submitted.text).id;
      if (i % 4 === 3) {
        const withdrawn = await call(requester, 'POST', `/api/v1/questions/${id}/withdraw`, {});
        if (withdrawn.status === 200) writes.transition.push(withdrawn.ms);
        else count(withdrawn.status);
        continue;
      }
      // Routing runs as a job: look a few times for the assignee.
      let assignee = null;
      for (let tries = 0; tries < 20 && !assignee; tries++) {
        const q = await call(requester, 'GET', `/api/v1/questions/${id}`);
        const body = JSON.parse(q.text);
        if (body.status !== 'submitted') assignee = body.assignee?.id ?? 'none';
        else await new Promise((r) => setTimeout(r, 25));
      }
      const token = experts.get(assignee);
      if (!token) continue;
      for (const [action, body] of [['accept', {}], ['answer', { body: `Antwoord op vraag ${i}.` }]]) {
        const res = await call(token, 'POST', `/api/v1/questions/${id}/${action}`, body);
        if (res.status !== 200) {
          count(res.status);
          break;
        }
        writes.transition.push(res.ms);
      }
    }
  };
  const reader = async () => {
    while (performance.now() < end) reads.push(await overview());
  };
  process.stderr.write(`[${kind}] write load: ${WRITERS} writers, ${READERS} overview readers, ${SECONDS} s …\n`);
  await Promise.all([...Array.from({ length: WRITERS }, writer), ...Array.from({ length: READERS }, reader)]);
  client.close();
  const cellsAfter = await cellRows();
  const result = {
    writers: WRITERS,
    readers: READERS,
    seconds: SECONDS,
    overviewIdle: summary(idle),
    overviewUnderLoad: summary(reads),
    submit: summary(writes.submit),
    transition: summary(writes.transition),
    writesPerSecond: Math.round((writes.submit.length + writes.transition.length) / SECONDS),
    errors: writes.errors,
    today: TODAY,
    // Rows written to statistics_cells during the load, and that over the cells of today (about the refreshes run).
    cellRowsWritten: cellsAfter ? cellsAfter.inserted - cellsBefore.inserted : null,
    refreshesApprox: cellsAfter ? Math.round((cellsAfter.inserted - cellsBefore.inserted) / Math.max(1, cellsAfter.today)) : null,
  };
  process.stderr.write(`[${kind}] ${JSON.stringify(result)}\n`);
  return result;
}

const all = [];
for (const kind of kinds) all.push(await measure(kind));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `stats-${N}.json`), JSON.stringify(all, null, 2));

const loaded = all.filter((r) => r.writeLoad);
if (loaded.length) {
  const w = (r, key) => `${r.writeLoad[key].p50} / ${r.writeLoad[key].p95} / ${r.writeLoad[key].p99} (n = ${r.writeLoad[key].n})`;
  const rows = [
    `| under write load (${loaded[0].writeLoad.writers} writers, ${loaded[0].writeLoad.readers} readers, ${loaded[0].writeLoad.seconds} s, ${loaded[0].writeLoad.today} questions today before) | ${loaded.map((r) => `${r.kind} p50 / p95 / p99 (ms)`).join(' | ')} |`,
    `| --- | ${loaded.map(() => '---').join(' | ')} |`,
    `| overview, idle | ${loaded.map((r) => w(r, 'overviewIdle')).join(' | ')} |`,
    `| overview, under write load | ${loaded.map((r) => w(r, 'overviewUnderLoad')).join(' | ')} |`,
    `| submit (POST /questions) | ${loaded.map((r) => w(r, 'submit')).join(' | ')} |`,
    `| transition (accept, answer, withdraw) | ${loaded.map((r) => w(r, 'transition')).join(' | ')} |`,
    `| writes/s; errors | ${loaded.map((r) => `${r.writeLoad.writesPerSecond}; ${JSON.stringify(r.writeLoad.errors)}`).join(' | ')} |`,
    `| cell rows written during the load (≈ refreshes of today) | ${loaded.map((r) => (r.writeLoad.cellRowsWritten === null ? '–' : `${r.writeLoad.cellRowsWritten} (≈ ${r.writeLoad.refreshesApprox})`)).join(' | ')} |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n\n`);
}
if (!all.some((r) => r.results)) process.exit(0);
const header = `| endpoint | ${all.map((r) => `${r.kind} first / warm median (ms)`).join(' | ')} |`;
const lines = [header, `| --- | ${all.map(() => '---').join(' | ')} |`];
for (let i = 0; i < ENDPOINTS.length; i++) lines.push(`| ${ENDPOINTS[i][0]} | ${all.map((r) => `${r.results[i].firstMs} / ${r.results[i].warmMedianMs}`).join(' | ')} |`);
lines.push(`| first request after start (recomputes dirty cells) | ${all.map((r) => `${r.settleMs}`).join(' | ')} |`);
lines.push(`| seed (demo:seed) | ${all.map((r) => (r.seedMs ? `${(r.seedMs / 1000).toFixed(0)} s` : 'reused')).join(' | ')} |`);
lines.push(`| server RSS before → after one round → after two rounds | ${all.map((r) => `${r.rssBefore} → ${r.rssAfterFirst} → ${r.rssAfter} MB`).join(' | ')} |`);
process.stdout.write(`${N} questions (overview says ${all.map((r) => `${r.kind}: ${r.received}`).join(', ')})\n\n${lines.join('\n')}\n`);
