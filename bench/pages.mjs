// npm run bench:pages — what a page costs next to the API call it wraps, in the same run.
//
// One SQLite database: ARTICLES (default 100,000) generated articles (bench/search-corpus.mjs) and
// one requester with REQUESTER_QUESTIONS (25) questions, on the built app. For each pair below the
// bench sends REQUESTS (default 400) page requests and as many API requests, one at a time and
// interleaved (page, API, API, page, …), so both see the same machine, caches and data; latency
// is measured at the client on keep-alive connections, which on 127.0.0.1 is the server's time
// plus well under a millisecond. A pair's API side may be several calls (the start page shows the
// catalog and recent articles): their latencies are added up per round. The requester is signed in
// through the mailed link, and the page and the API both use that cookie session.
// Also measures the CSS and JavaScript each page loads (bytes as served, and gzip/brotli sizes).
// A page that answers 404 (or 400) is not built yet: reported and skipped.
// Writes docs/benchmarks.md "## Pages" (other sections are kept); PAGES_DOCS=0 leaves it alone.
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, cookieHeader, freePort, freshDataDir, httpClient, signInByMail, startServer, writeDocsSection } from './support.mjs';
import { generateQueries, loadArticles, randomSource } from './search-corpus.mjs';
import { percentile } from './intake-support.mjs';

/**
 * Every page with the API calls it wraps; one line each. `page` and `api` get the round number
 * and the data (article ids, search words) and return paths.
 */
const PAIRS = [
  { name: 'start', page: () => '/', api: () => ['/api/v1/themes', '/api/v1/keuzes', '/api/v1/articles?pageSize=5', '/api/v1/articles/most-opened?pageSize=5'] },
  { name: 'kennisbank, recent', page: () => '/kennisbank', api: () => ['/api/v1/articles?pageSize=20'] },
  { name: 'kennisbank search', page: (i, d) => `/kennisbank?q=${encodeURIComponent(d.query(i))}`, api: (i, d) => [`/api/v1/articles?q=${encodeURIComponent(d.query(i))}&pageSize=20`] },
  { name: 'kennisbank article', page: (i, d) => `/kennisbank/${d.articleId(i)}`, api: (i, d) => [`/api/v1/articles/${d.articleId(i)}`] },
  { name: 'mijn vragen', page: () => '/vragen', api: () => ['/api/v1/questions'] },
  // The work lists have no API twin of their own: the nearest calls list the same questions a page of 100 at a time
  // (without the clocks, which the API gives per question). The pages also read the running clocks and the navigation's counts.
  {
    name: 'werkvoorraad',
    who: 'expert',
    page: () => '/werkvoorraad',
    api: () => Array.from({ length: Math.ceil(EXPERT_QUESTIONS / 100) }, (_, i) => `/api/v1/questions?assignee=me&pageSize=100&page=${i + 1}`),
  },
  {
    name: 'triage',
    who: 'coordinator',
    page: () => '/triage',
    api: () => Array.from({ length: Math.ceil(WAITING_QUESTIONS / 100) }, (_, i) => `/api/v1/questions?status=triage&pageSize=100&page=${i + 1}`),
  },
];

/** What the figures mean today; kept by hand beside the generated tables (update it with the figures). */
const NOTES = [
  '**Read with care**: pages that take 1–2 ms are within the spread of a shared machine; compare the ratio, and rerun on a',
  'quiet machine. `/` is cheaper than the sum of its API calls: it reads the newest articles directly (`latestPublished`)',
  'instead of through the article list, and runs its reads at once, where the bench calls the API one by one. The article',
  'list without search words (`/kennisbank`, `KnowledgeSearchService.list`) counts every published article and its theme',
  'and keuze facets, so it is the slow call on a large knowledge base, for page and API alike.',
  '`/werkvoorraad` and `/triage` have no API list of their own: their API side is the question list a page of 100 at a time',
  '(2 and 10 calls), which returns the texts but not the clocks. The pages read the questions in one statement, their',
  'running clocks in one more, and the navigation counts. The run of 2026-12-07 shared its 2 cores with other jobs (load',
  'average 8–16, see the load column): its milliseconds are several times a quiet run\'s; the ratios are what it shows.',
];

/** The ask page loads the pages' scripts (live suggestions, keuze filter). */
const WEIGHED_ONLY = [{ name: 'vraag stellen', path: '/vragen/nieuw' }];

const ARTICLES = Number(process.env.ARTICLES ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 400);
const WARMUP = Number(process.env.WARMUP ?? 50);
const REQUESTER_QUESTIONS = Number(process.env.REQUESTER_QUESTIONS ?? 25);
/** Open questions of the expert on /werkvoorraad (keuze 21, theirs), and questions no expert can take on /triage (keuze 5). */
const EXPERT_QUESTIONS = Number(process.env.EXPERT_QUESTIONS ?? 200);
const WAITING_QUESTIONS = Number(process.env.WAITING_QUESTIONS ?? 1_000);
const AIM = 1.3;
const WRITE_DOCS = process.env.PAGES_DOCS !== '0';

const dist = (path) => import(join(ROOT, 'dist', path));
const { AppConfig } = await dist('src/config/app-config.js');
const { createDataSource } = await dist('src/infra/database/data-source.js');
const { runMigrationsLocked } = await dist('src/infra/database/migrator.js');
const { createCliContext } = await dist('src/cli-context.js');

const ms = (value) => value.toFixed(1);
/** A path as the tables show it: the query words and ids generalised. */
const shown = (path) => `\`${path.replace(/q=[^&]+/, 'q=…').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, '{id}')}\``;
const kb = (bytes) => (bytes / 1024).toFixed(1);
const stats = (latencies) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/** A GET with the body as bytes and the response headers, on the bench's keep-alive agent. */
function getBytes(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The stylesheets and scripts a page's HTML loads (same origin), and what they weigh. */
async function assetWeight(agent, port, html) {
  const paths = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"|<script[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? m[2]).filter((p) => p.startsWith('/'));
  const weight = { files: paths, served: 0, encodings: new Set(), raw: 0, gzip: 0, brotli: 0 };
  for (const path of [...new Set(paths)]) {
    const served = await getBytes(agent, port, path, { 'accept-encoding': 'br, gzip' });
    if (served.status !== 200) throw new Error(`${path}: ${served.status}`);
    weight.served += served.body.length;
    weight.encodings.add(served.headers['content-encoding'] ?? 'none');
    const plain = await getBytes(agent, port, path, {});
    weight.raw += plain.body.length;
    weight.gzip += gzipSync(plain.body, { level: 9 }).length;
    weight.brotli += brotliCompressSync(plain.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return weight;
}

const dataDir = freshDataDir('vraagbaak-bench-pages-');
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const env = {
  DATA_DIR: dataDir,
  PUBLIC_URL: baseUrl,
  WORKERS: 'true',
  // The expert and the coordinator sign in through the mailed link only (bench/support.mjs).
  STAFF_MFA: 'false',
  RECONCILE_INTERVAL_MS: '600000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000000',
  RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '100000000',
};
const config = AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env });
const requesterEmail = 'vera.vrager@gemeente.example.nl';
const expertEmail = 'eva.expert@minienw.example.nl';
const coordinatorEmail = 'cor.coordinator@minienw.example.nl';

let server;
const results = [];
const weights = [];
const missing = [];
try {
  const dataSource = await createDataSource(config).initialize();
  await runMigrationsLocked(dataSource);
  console.log(`Loading ${ARTICLES} articles… (load average ${loadavg()[0].toFixed(1)})`);
  const loading = await loadArticles(dataSource, 'sqlite', ARTICLES);
  console.log(`rows ${ms(loading.rowsMs / 1000)} s, search index ${ms(loading.indexMs / 1000)} s`);
  const articleIds = (await dataSource.query(`SELECT id FROM articles WHERE status = 'published' ORDER BY seq`)).map((r) => r.id);
  await dataSource.destroy();
  const admin = await createCliContext(AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'error', ...env }));
  try {
    await admin.addUser({ email: requesterEmail, roles: ['requester'], displayName: 'Vera Vrager', organisationCode: 'GM0363' });
    await admin.addUser({ email: expertEmail, roles: ['expert'], displayName: 'Eva Expert', expertise: { keuzeIds: [21], themeIds: [] }, capacity: null });
    await admin.addUser({ email: coordinatorEmail, roles: ['coordinator'], displayName: 'Cor Coördinator' });
  } finally {
    await admin.close();
  }

  server = await startServer('dist/src/main.js', { port, env, timeoutMs: 120_000 });
  const cookies = await signInByMail(baseUrl, requesterEmail, join(dataDir, 'mail'));
  const csrf = cookies.find((c) => c.name === 'vraagbaak_csrf')?.value ?? '';
  const client = httpClient(port, 1);
  const session = { cookie: cookieHeader(cookies) };
  for (let i = 0; i < REQUESTER_QUESTIONS; i++) {
    const body = JSON.stringify({ title: `Vraag ${i + 1} over peilbeheer bij woningbouw`, body: `Hoe passen wij keuze ${1 + (i % 33)} toe bij een nieuwe woonwijk in een polder met bodemdaling?`, keuzeIds: [1 + (i % 33)] });
    const res = await client.request('POST', '/api/v1/questions', { headers: { ...session, 'content-type': 'application/json', 'x-csrf-token': csrf }, body });
    if (res.status !== 201) throw new Error(`question ${i}: ${res.status} ${res.text}`);
  }

  // The expert's open questions (routed to them: keuze 21) and the coordinators' waiting ones (keuze 5: nobody's).
  const ask = async (i, keuze) => {
    const body = JSON.stringify({ title: `Werkvraag ${i + 1} over keuze ${keuze}`, body: `Hoe passen wij keuze ${keuze} toe in project ${i + 1}?`, keuzeIds: [keuze] });
    const res = await client.request('POST', '/api/v1/questions', { headers: { ...session, 'content-type': 'application/json', 'x-csrf-token': csrf }, body });
    if (res.status !== 201) throw new Error(`question ${i}: ${res.status} ${res.text}`);
  };
  for (let i = 0; i < EXPERT_QUESTIONS; i++) await ask(i, 21);
  for (let i = 0; i < WAITING_QUESTIONS; i++) await ask(i, 5);
  const sessions = {
    requester: session,
    expert: { cookie: cookieHeader(await signInByMail(baseUrl, expertEmail, join(dataDir, 'mail'))) },
    coordinator: { cookie: cookieHeader(await signInByMail(baseUrl, coordinatorEmail, join(dataDir, 'mail'))) },
  };
  // Routing runs on the workers: wait until every question has found its place.
  const totalOf = async (path, who) => JSON.parse((await client.request('GET', path, { headers: { ...sessions[who], accept: 'application/json' } })).text).page.total;
  for (const deadline = Date.now() + 600_000; ; ) {
    const [mine, waiting] = await Promise.all([totalOf('/api/v1/questions?assignee=me&pageSize=1', 'expert'), totalOf('/api/v1/questions?status=triage&pageSize=1', 'coordinator')]);
    if (mine >= EXPERT_QUESTIONS && waiting >= WAITING_QUESTIONS) break;
    if (Date.now() > deadline) throw new Error(`routing did not finish: ${mine} assigned, ${waiting} in triage`);
    await new Promise((r) => setTimeout(r, 500));
  }

  const queries = generateQueries(randomSource(7), REQUESTS + WARMUP);
  const picks = randomSource(11);
  const articleOrder = Array.from({ length: REQUESTS + WARMUP }, () => articleIds[picks.int(articleIds.length)]);
  const data = { query: (i) => queries[i], articleId: (i) => articleOrder[i] };
  const htmlAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const pageHeaders = { ...session, accept: htmlAccept };
  const get = async (path, headers) => {
    const t0 = performance.now();
    const res = await client.request('GET', path, { headers });
    return { ...res, ms: performance.now() - t0 };
  };
  const assets = new http.Agent({ keepAlive: true });

  // Pages without an API twin to time, weighed for their stylesheet and scripts only.
  for (const { name, path } of WEIGHED_ONLY) {
    const res = await get(path, pageHeaders);
    if (res.status !== 200) throw new Error(`${path} answers ${res.status}`);
    weights.push({ name, ...(await assetWeight(assets, port, res.text)) });
  }

  for (const pair of PAIRS) {
    const who = sessions[pair.who ?? 'requester'];
    const pageHeaders = { ...who, accept: htmlAccept };
    const apiHeaders = { ...who, accept: 'application/json' };
    const first = await get(pair.page(0, data), pageHeaders);
    if (first.status === 404 || first.status === 400) {
      console.log(`missing  ${pair.name}: ${pair.page(0, data)} answers ${first.status}: not built yet, skipped`);
      missing.push(pair.name);
      continue;
    }
    weights.push({ name: pair.name, ...(await assetWeight(assets, port, first.text)) });
    const page = [];
    const api = [];
    const perCall = new Map();
    const measurePage = async (i, keep) => {
      const res = await get(pair.page(i, data), pageHeaders);
      if (res.status !== 200) throw new Error(`${pair.page(i, data)}: ${res.status}`);
      if (keep) page.push(res.ms);
    };
    const measureApi = async (i, keep) => {
      let total = 0;
      for (const path of pair.api(i, data)) {
        const res = await get(path, apiHeaders);
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text.slice(0, 200)}`);
        total += res.ms;
        if (keep) perCall.set(shown(path), [...(perCall.get(shown(path)) ?? []), res.ms]);
      }
      if (keep) api.push(total);
    };
    for (let i = 0; i < REQUESTS + WARMUP; i++) {
      const keep = i >= WARMUP;
      // Alternate which goes first, so neither always finds the other's warm caches.
      if (i % 2 === 0) {
        await measurePage(i, keep);
        await measureApi(i, keep);
      } else {
        await measureApi(i, keep);
        await measurePage(i, keep);
      }
    }
    const calls = [...perCall].map(([path, latencies]) => ({ path, ...stats(latencies) }));
    const result = { name: pair.name, pagePath: pair.page(0, data), apiPaths: pair.api(0, data), page: stats(page), api: stats(api), calls, load: loadavg()[0].toFixed(1) };
    results.push(result);
    console.log(`${pair.name}: page p50 ${ms(result.page.p50)} p95 ${ms(result.page.p95)} ms, API p50 ${ms(result.api.p50)} p95 ${ms(result.api.p95)} ms, ratio ${(result.page.p50 / result.api.p50).toFixed(2)}`);
    if (calls.length > 1) for (const c of calls) console.log(`  ${c.path}: p50 ${ms(c.p50)} p95 ${ms(c.p95)} ms`);
  }
  client.close();
  assets.destroy();
} finally {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const ratio = (r, p) => r.page[p] / r.api[p];
const lines = [
  '## Pages',
  '',
  `\`npm run bench:pages\` — server time of a page next to the API call(s) it wraps, in the same run: ${ARTICLES.toLocaleString('en')} generated`,
  `articles (bench/search-corpus.mjs), one requester with ${REQUESTER_QUESTIONS} questions signed in through the mailed link (page and API use the same`,
  `cookie session); for the work lists an expert with ${EXPERT_QUESTIONS} open questions and ${WAITING_QUESTIONS.toLocaleString('en')} questions waiting in triage, SQLite.`,
  `${REQUESTS} rounds per pair after ${WARMUP} warm-up rounds, one request at a time, page and API interleaved; a round's`,
  'API time is the sum of its calls. Search rounds use the fixed queries of bench:search, article rounds random articles.',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, measured ${new Date().toISOString().slice(0, 10)}; load = 1-minute load average after the pair.`,
  '',
  '| page | API call(s) | page p50 / p95 ms | API p50 / p95 ms | page ÷ API (p50 / p95) | aim ≤ 1.3× | load |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${shown(r.pagePath)} | ${r.apiPaths.map(shown).join(' + ')} | ${ms(r.page.p50)} / ${ms(r.page.p95)} | ${ms(r.api.p50)} / ${ms(r.api.p95)} | ${ratio(r, 'p50').toFixed(2)} / ${ratio(r, 'p95').toFixed(2)} | ${ratio(r, 'p50') <= AIM ? 'met' : 'not met'} | ${r.load} |`,
  ),
  ...(missing.length ? ['', `Not measured, the page is not built yet: ${missing.join(', ')}.`] : []),
  ...results.filter((r) => r.calls.length > 1).map((r) => `\nThe calls of ${shown(r.pagePath)}, p50 / p95 ms: ${r.calls.map((c) => `${c.path} ${ms(c.p50)} / ${ms(c.p95)}`).join(', ')}.`),
  '',
  'CSS and JavaScript per page (aim ≤ 100 KB compressed); "as served" is what the app sends to a browser that accepts br and gzip:',
  '',
  '| page | files | as served KB (encoding) | uncompressed KB | gzip -9 KB | brotli 11 KB |',
  '| --- | --- | --- | --- | --- | --- |',
  ...weights.map((w) => `| ${w.name} | ${w.files.map((f) => `\`${f}\``).join(', ') || '—'} | ${kb(w.served)} (${[...w.encodings].join(', ') || '—'}) | ${kb(w.raw)} | ${kb(w.gzip)} | ${kb(w.brotli)} |`),
  '',
  'Aim: a page costs at most 1.3× its API call (p50). The page adds the template and, for pages that show theme and keuze names,',
  'the cached catalog.',
  '',
  ...NOTES,
];
console.log(`\n${lines.join('\n')}`);
if (missing.length) console.log(`\nNot built yet (404/400), not measured: ${missing.join(', ')}`);
if (WRITE_DOCS) console.log(`Written to ${writeDocsSection('Pages', lines)}`);
