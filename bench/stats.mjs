// Statistics benchmark: fills a database with the demo generator (`demo:seed`), starts the built app
// on it and times the statistics endpoints and the evaluation report, on SQLite and PostgreSQL, with
// the server's RSS before and after (it must stay flat: aggregation happens in SQL, nothing is cached).
//
//   npm run bench:stats                      # 1,000,000 questions, SQLite and PostgreSQL
//   npm run bench:stats -- --questions 200000 --db sqlite
//   npm run bench:stats -- --keep            # keep the seeded databases and reuse them next time
//
// PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is the
// admin connection; the benchmark creates (and unless --keep, drops) its own database there.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { ROOT, freePort, startServer } from './support.mjs';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '1000000' },
    db: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
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
  const email = 'bench-secretariaat@example.nl';
  await run(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'user:add', email, '--role', 'secretariat', '--name', 'Bench Secretariaat'], { env: { ...process.env, ...env }, cwd: ROOT });
  const { stdout } = await run(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'token:issue', email, '--name', 'bench'], { env: { ...process.env, ...env }, cwd: ROOT });
  const token = stdout.trim().split('\n').at(-1);
  return { env, token, seedMs, dataDir, cleanup: async () => {
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
];

async function measure(kind) {
  const prepared = await prepare(kind);
  const port = await freePort();
  const server = await startServer('dist/src/main.js', { port, env: { ...prepared.env, WORKERS: 'true' }, timeoutMs: 120_000 });
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
  return { kind, questions: N, received: overview.received, seedMs: prepared.seedMs, settleMs, bootMs: Math.round(server.readyMs), rssBefore, rssAfterFirst, rssAfter, results };
}

const all = [];
for (const kind of kinds) all.push(await measure(kind));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `stats-${N}.json`), JSON.stringify(all, null, 2));

const header = `| endpoint | ${all.map((r) => `${r.kind} first / warm median (ms)`).join(' | ')} |`;
const lines = [header, `| --- | ${all.map(() => '---').join(' | ')} |`];
for (let i = 0; i < ENDPOINTS.length; i++) lines.push(`| ${ENDPOINTS[i][0]} | ${all.map((r) => `${r.results[i].firstMs} / ${r.results[i].warmMedianMs}`).join(' | ')} |`);
lines.push(`| first request after start (recomputes dirty cells) | ${all.map((r) => `${r.settleMs}`).join(' | ')} |`);
lines.push(`| seed (demo:seed) | ${all.map((r) => (r.seedMs ? `${(r.seedMs / 1000).toFixed(0)} s` : 'reused')).join(' | ')} |`);
lines.push(`| server RSS before → after one round → after two rounds | ${all.map((r) => `${r.rssBefore} → ${r.rssAfterFirst} → ${r.rssAfter} MB`).join(' | ')} |`);
process.stdout.write(`${N} questions (overview says ${all.map((r) => `${r.kind}: ${r.received}`).join(', ')})\n\n${lines.join('\n')}\n`);
