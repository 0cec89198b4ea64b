// npm run test:fuzz — generated requests from the app's OpenAPI document against the built app, on
// SQLite and on PostgreSQL, and a share of browser requests to the server-rendered pages (pages.mjs).
// Fails on any 5xx, any API error that is not application/problem+json, any page error that is not
// an HTML page, any redirect off this origin, the marker `<fz-x` unescaped in an HTML answer, any
// response without API-Version / X-Request-Id, any stack trace in a response, and any error-level
// or stack-carrying line in the app's log. Prints the status histogram per database.
//
// Environment: FUZZ_SEED (default 14; `random` picks one and prints it), FUZZ_REQUESTS (per
// database, default 10000), FUZZ_DATABASES (default sqlite,postgres), DATABASE_URL (the PostgreSQL
// server where each run creates and drops its own database; default
// postgres://postgres@127.0.0.1:5432/test), FUZZ_CONCURRENCY (requests in flight, default 16),
// FUZZ_SHOW (how many failing requests to print in full; default all), FUZZ_REPORT (path of a JSON report),
// FUZZ_KEEP=1 (keep the databases and data folders), FUZZ_PAGE_SHARE (the share of page requests,
// default 0.18). The pages draw from their own random stream: with FUZZ_PAGE_SHARE=0 a seed sends
// exactly the API requests it sent before the pages were fuzzed.
import http from 'node:http';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { Random, seedOf } from './random.mjs';
import { API, Generator, Pools, harvest, multipart } from './generator.mjs';
import { freePort } from '../../bench/support.mjs';
import { MARKER, PageGenerator, harvestPage } from './pages.mjs';
import { appEnv, freshDatabase, seedActors, startServer } from './target.mjs';

const seedText = !process.env.FUZZ_SEED ? '14' : process.env.FUZZ_SEED === 'random' ? String(randomInt(1, 2 ** 31)) : process.env.FUZZ_SEED;
const SEED = seedOf(seedText);
const REQUESTS = Number(process.env.FUZZ_REQUESTS || 10_000);
const DATABASES = (process.env.FUZZ_DATABASES || 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean);
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY || 16);
const SHOW = process.env.FUZZ_SHOW ? Number(process.env.FUZZ_SHOW) : Infinity;
const KEEP = process.env.FUZZ_KEEP === '1';
const PAGE_SHARE = Number(process.env.FUZZ_PAGE_SHARE ?? 0.18);
const SPARE_SESSIONS = 60;
/** Browser sessions per person: one for the pages, the others spent by signing out. */
const BROWSER_SESSIONS = 40;
const STACK = /\bat [\w$.<>\[\] ]+ \(?[^)\s]*:\d+:\d+\)?|node_modules\/|\/dist\/src\//;

for (const kind of DATABASES) if (!['sqlite', 'postgres'].includes(kind)) throw new Error(`FUZZ_DATABASES: unknown database ${kind}`);

// ---- HTTP --------------------------------------------------------------------------------------

function send(port, agent, request) {
  return new Promise((resolve) => {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
    const headers = { ...request.headers, ...(body !== undefined ? { 'content-length': body.length } : {}) };
    let answered = false;
    let req;
    try {
      req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
        answered = true;
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size <= 256 * 1024) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (error) => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), error: String(error) }));
      });
    } catch (error) {
      resolve({ status: 'CLIENT', headers: {}, body: Buffer.alloc(0), error: `the fuzzer could not send this request: ${error.message}` });
      return;
    }
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (error) => {
      if (!answered) resolve({ status: 'ERR', headers: {}, body: Buffer.alloc(0), error: String(error) });
    });
    req.end(body);
  });
}

// ---- one database ------------------------------------------------------------------------------

const excerpt = (value, max = 160) => {
  if (value === undefined) return '';
  const textValue = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  const shown = JSON.stringify(textValue.length > max ? textValue.slice(0, max) : textValue);
  return textValue.length > max ? `${shown}… (${textValue.length} characters)` : shown;
};

async function fuzzDatabase(kind) {
  const rng = new Random(SEED);
  const pageRng = new Random(seedOf(`${seedText}/pages`));
  const database = await freshDatabase(kind, PG_URL);
  const port = await freePort();
  const env = appEnv(database, port);
  const started = performance.now();
  const actors = await seedActors(env, SPARE_SESSIONS, BROWSER_SESSIONS);
  const server = await startServer(env, port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 10 });
  const results = [];
  const histogram = new Map();
  const variants = new Map();
  let counter = 0;
  /** Pages that showed the marker, escaped: the unescaped-marker check has something to judge. */
  let escapedMarkers = 0;
  let stopped;
  let operations = [];
  try {
    const doc = JSON.parse((await send(port, agent, { method: 'GET', path: `${API}/openapi.json`, headers: {} })).body.toString());
    const pools = new Pools(Object.values(actors).map((a) => a.id));
    const generator = new Generator({ doc, rng, pools, actors });
    const pages = new PageGenerator({ rng: pageRng, pools, actors });
    operations = [...generator.operations.map((op) => op.key), ...(PAGE_SHARE > 0 ? Object.keys(pages.routes) : [])];
    const spares = Object.fromEntries(Object.entries(actors).map(([role, a]) => [role, [...a.spares]]));
    const spareOf = new Map();

    /** Sends requests at once; checks and records the answers in order. */
    const run = async (requests) => {
      for (const request of requests) {
        request.id = `fz-${kind}-${++counter}`;
        request.headers = { 'x-request-id': request.id, 'user-agent': 'vraagbaak-fuzz', ...request.headers };
        if (!request.headers.accept) request.headers.accept = rng.weighted({ 'application/json': 85, '*/*': 10, 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8': 5 });
        let role = request.as ?? request.role;
        let token = actors[role]?.token;
        if (request.spareSession) {
          if (!spareOf.has(request.spareSession)) spareOf.set(request.spareSession, spares[role]?.shift());
          token = spareOf.get(request.spareSession);
          if (!token) role = 'anonymous';
        }
        if (role !== 'anonymous' && token && !request.headers.authorization && !request.headers.cookie) request.headers.authorization = `Bearer ${token}`;
      }
      const answers = await Promise.all(requests.map(async (request) => {
        const t0 = performance.now();
        const answer = await send(port, agent, request);
        answer.ms = performance.now() - t0;
        return answer;
      }));
      requests.forEach((request, i) => record(request, answers[i]));
      return answers;
    };

    const record = (request, answer) => {
      const { status, headers } = answer;
      histogram.set(status, (histogram.get(status) ?? 0) + 1);
      variants.set(request.variant, (variants.get(request.variant) ?? 0) + 1);
      const problems = [];
      const type = String(headers['content-type'] ?? '');
      if (answer.error && status !== 'CLIENT') problems.push(`no complete answer: ${answer.error}`);
      if (status === 'CLIENT') problems.push(answer.error);
      if (typeof status === 'number' && status >= 500) problems.push(`server error ${status}`);
      // The API answers errors as problem+json whatever the client accepts, also to a browser that
      // follows a page's download link into it; a path outside it (such as /API/V1/…, routes are
      // case-sensitive) may answer a browser with an HTML page instead.
      const apiPath = request.path.startsWith('/api/');
      const api = apiPath || (!request.page && !/text\/html/.test(request.headers.accept ?? ''));
      if (typeof status === 'number' && status >= 400 && api && !type.startsWith('application/problem+json')) problems.push(`error answered as ${type || 'no content type'}, not application/problem+json`);
      if (typeof status === 'number' && status >= 400 && !api && !request.page && !/^(application\/problem\+json|text\/html)/.test(type)) problems.push(`error answered as ${type || 'no content type'}, neither problem+json nor a page`);
      // A browser asked for a page: an error is a page people can read, a redirect stays on this site.
      if (request.page && !apiPath && typeof status === 'number' && status >= 400 && !type.startsWith('text/html')) problems.push(`page error answered as ${type || 'no content type'}, not an HTML page`);
      const location = String(headers.location ?? '');
      if (request.page && typeof status === 'number' && status >= 300 && status < 400 && !/^\/(?![/\\])/.test(location)) problems.push(`redirect off this origin: ${excerpt(location, 100)}`);
      if (request.page && typeof status === 'number') harvestPage(pools, request, answer);
      if (typeof status === 'number' && (!headers['api-version'] || headers['x-request-id'] !== request.id)) problems.push('answer without API-Version or the request\'s X-Request-Id');
      const bodyText = answer.body.toString('utf8');
      if (typeof status === 'number' && !request.path.startsWith(`${API}/openapi`) && STACK.test(bodyText)) problems.push('stack trace or source path in the answer');
      if (type.startsWith('text/html') && MARKER.test(bodyText)) problems.push('the marker <fz-x unescaped in the page');
      else if (type.startsWith('text/html') && /&lt;fz-x/i.test(bodyText)) escapedMarkers++;
      const result = {
        id: request.id,
        role: request.as ?? request.role,
        variant: request.variant,
        note: request.note,
        op: request.op?.key ?? request.page ?? 'story',
        method: request.method,
        path: request.path,
        body: request.body === undefined ? undefined : excerpt(request.body),
        status,
        contentType: type,
        response: bodyText.slice(0, 300),
        problems,
        ms: answer.ms,
      };
      results.push(result);
      if (request.op && typeof status === 'number') generator.learn(request, status);
      if (typeof status === 'number' && status >= 200 && status < 300 && type.includes('json') && answer.body.length < 256 * 1024) {
        try {
          const json = JSON.parse(bodyText);
          if (request.op) harvest(pools, request, json);
          if (request.variant === 'story') result.json = json;
        } catch {
          // not JSON after all; the checks above judge the answer
        }
      }
    };

    // A short story first, so every kind of resource exists before the fuzzing starts.
    const opOf = (key) => generator.operations.find((op) => op.key === key);
    const call = async (role, key, values = {}, json, extra = {}) => {
      const op = opOf(key);
      if (!op) throw new Error(`the OpenAPI document has no operation ${key}`);
      const path = API + op.template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name]));
      const request = { op, role, variant: 'story', method: op.method, path, pathValues: values, headers: {}, note: 'story', ...extra };
      if (json !== undefined) {
        request.headers['content-type'] = 'application/json';
        request.body = JSON.stringify(json);
      }
      await run([request]);
      return results.at(-1).json;
    };
    await story(call, actors, rng);
    readSignInTokens(database.dataDir, pools);

    // The fuzzing proper: batches of CONCURRENCY requests (a duplicate burst adds its ten).
    let batches = 0;
    while (results.length < REQUESTS) {
      const batch = [];
      while (batch.length < CONCURRENCY) batch.push(...(pageRng.chance(PAGE_SHARE) ? [pages.next()] : generator.next()));
      await run(batch);
      if (++batches % 50 === 0) readSignInTokens(database.dataDir, pools);
      if (process.stdout.isTTY && batches % 20 === 0) process.stdout.write(`\r${kind}: ${results.length} requests`);
    }
    if (process.stdout.isTTY) process.stdout.write('\r');
    // Let the background jobs the requests caused (routing, mails, SLA) run before stopping.
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    agent.destroy();
    stopped = await server.stop();
    if (!KEEP) await database.drop();
  }
  const seconds = (performance.now() - started) / 1000;
  return { kind, results, histogram, variants, seconds, escapedMarkers, operations, log: server.stdout, stderr: server.stderr, exit: stopped, database };
}

/** Real sign-in tokens from the mails the app wrote, for valid POST /auth/sessions requests. */
function readSignInTokens(dataDir, pools) {
  const dir = join(dataDir, 'mail');
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().slice(-200);
  } catch {
    return;
  }
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    for (const match of text.matchAll(/token=(vbl_[A-Za-z0-9_-]+)/g)) pools.add('signInToken', match[1]);
  }
}

/** Creates one of everything through the API, as the people who would. */
async function story(call, actors) {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await call('anonymous', 'GET /organisations', {}, undefined, { path: `${API}/organisations?pageSize=100` });
  await call('secretariat', 'POST /sign-in-domains', {}, { domain: 'fuzz-gemeente.example.nl', organisationCode: 'GM0363' });
  const victim = await call('secretariat', 'POST /users', {}, { email: 'fuzz-collega@ienw.example.nl', displayName: 'Collega', roles: ['expert'], expertise: { keuzeIds: [5], themeIds: [] }, capacity: 3 });
  await call('secretariat', 'POST /users', {}, { email: 'fuzz-vrager2@gemeente.example.nl', displayName: 'Vrager Twee', roles: ['requester'], organisationCode: 'GM0599' });
  await call('secretariat', 'POST /calendar/closures', {}, { day: '2026-12-24', reason: 'Kerstavond' });
  await call('secretariat', 'POST /me/absences', {}, { startsOn: '2027-03-01', endsOn: '2027-03-05', note: 'vakantie' });
  if (victim?.id) await call('secretariat', 'POST /users/{id}/absences', { id: victim.id }, { startsOn: '2027-04-01', endsOn: '2027-04-02' });
  for (const role of ['requester', 'expert', 'coordinator', 'secretariat']) await call(role, 'POST /me/tokens', {}, { name: `fuzz ${role}` });
  await call('secretariat', 'POST /me/totp');
  const questions = [];
  for (const keuzeIds of [[21, 22], [25], [3], [10, 11]]) {
    const q = await call('requester', 'POST /questions', {}, { title: 'Bouwen in de uiterwaarden', body: 'Mogen wij woningen bouwen in de uiterwaarden?', keuzeIds, context: 'Zutphen' });
    if (q?.id) questions.push(q.id);
  }
  for (const keuzeIds of [[5], [30]]) await call('requester', 'POST /questions', {}, { title: 'Van een ander', body: 'Een vraag van een andere gemeente.', keuzeIds }, { as: 'otherRequester' });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // routing runs in the background
  const [first, second] = questions;
  if (first) {
    await call('expert', 'POST /questions/{id}/accept', { id: first });
    await call('expert', 'POST /questions/{id}/answer', { id: first }, { body: 'Ja, **onder voorwaarden**: zie keuze 21.' });
    await call('requester', 'POST /questions/{id}/confirm', { id: first }, { consentToNameOrganisation: true });
    await call('requester', 'POST /questions/{id}/rating', { id: first }, { score: 4, comment: 'Helder' });
    const article = await call('expert', 'POST /articles', {}, { questionId: first });
    if (article?.id) {
      await call('coordinator', 'POST /articles/{id}/submit', { id: article.id });
      await call('coordinator', 'POST /articles/{id}/publish', { id: article.id });
    }
  }
  const own = await call('coordinator', 'POST /articles', {}, { title: 'Bouwen bij de rivier', question: 'Mag bouwen in de uiterwaarden?', answer: 'Alleen **rivierbestendig**.', keuzeIds: [21] });
  if (own?.id) {
    await call('coordinator', 'POST /articles/{id}/submit', { id: own.id });
    await call('coordinator', 'POST /articles/{id}/publish', { id: own.id });
  }
  if (second) {
    await call('requester', 'POST /questions/{id}/attachments', { id: second }, undefined, {
      headers: { 'content-type': 'multipart/form-data; boundary=fuzzstory' },
      body: multipart('fuzzstory', [{ name: 'file', filename: 'plan.pdf', contentType: 'application/pdf', data: pdf }]),
    });
  }
  await call('anonymous', 'GET /articles/suggestions', {}, undefined, { path: `${API}/articles/suggestions?text=${encodeURIComponent('bouwen in de uiterwaarden')}` });
  await call('anonymous', 'GET /articles', {}, undefined, { path: `${API}/articles?q=bouwen` });
  await call('anonymous', 'POST /auth/sign-in-links', {}, { email: 'iemand@onbekend.example' });
  await call('anonymous', 'POST /auth/sign-in-links', {}, { email: actors.requester.email });
  for (const [role, key] of [['secretariat', 'GET /access-requests'], ['secretariat', 'GET /users'], ['secretariat', 'GET /sign-in-domains'], ['secretariat', 'GET /calendar/closures'], ['coordinator', 'GET /questions'], ['expert', 'GET /questions'], ['requester', 'GET /questions'], ['anonymous', 'GET /articles']]) {
    await call(role, key);
  }
}

// ---- the log -----------------------------------------------------------------------------------

/** Log lines that fail the run: error level and above, or any that carry a stack trace. */
function badLogLines(lines) {
  const bad = [];
  for (const line of lines) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      if (STACK.test(line) || /error/i.test(line)) bad.push({ reqId: undefined, line });
      continue;
    }
    if ((entry.level ?? 0) >= 50 || /"stack"\s*:/.test(line) || STACK.test(line)) bad.push({ reqId: entry.reqId ?? entry.req?.id, line });
  }
  return bad;
}

const NODE_NOTICE = /^\(node:\d+\) \w*Warning:|^\(Use `node --trace-/;

// ---- report ------------------------------------------------------------------------------------

function summarise(run) {
  const failures = [];
  const logByRequest = new Map();
  for (const bad of badLogLines(run.log)) {
    if (bad.reqId && run.results.some((r) => r.id === bad.reqId)) {
      if (!logByRequest.has(bad.reqId)) logByRequest.set(bad.reqId, []);
      logByRequest.get(bad.reqId).push(bad.line);
    } else failures.push({ db: run.kind, background: true, problems: ['error or stack trace in the log outside any fuzz request'], log: [bad.line] });
  }
  for (const result of run.results) {
    const log = logByRequest.get(result.id) ?? [];
    const problems = [...result.problems, ...(log.length ? ['error or stack trace in the log'] : [])];
    if (problems.length === 0) continue;
    // The request's own log line, when no error line names it.
    const own = log.length ? log : run.log.filter((line) => line.includes(`"${result.id}"`)).slice(0, 2);
    failures.push({ db: run.kind, ...result, problems, log: own });
  }
  const stderr = run.stderr.filter((line) => line.trim() && !NODE_NOTICE.test(line));
  if (stderr.length) failures.push({ db: run.kind, background: true, problems: ['output on stderr'], log: stderr.slice(0, 20) });
  if (run.exit.code !== 0 && run.exit.code !== null) failures.push({ db: run.kind, background: true, problems: [`the server exited with ${run.exit.code}`], log: run.log.slice(-5) });
  return failures;
}

function printSlowest(run) {
  const byOp = new Map();
  for (const r of run.results) {
    const entry = byOp.get(`${r.op} ${r.variant}`) ?? { n: 0, ms: 0, max: 0 };
    entry.n++;
    entry.ms += r.ms ?? 0;
    entry.max = Math.max(entry.max, r.ms ?? 0);
    byOp.set(`${r.op} ${r.variant}`, entry);
  }
  console.log([...byOp.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15).map(([k, e]) => `  ${k}: ${e.n} requests, ${Math.round(e.ms)} ms total, max ${Math.round(e.max)} ms`).join('\n'));
}

function printHistogram(run) {
  if (process.env.FUZZ_TIMES === '1') printSlowest(run);
  const total = run.results.length;
  console.log(`\n== ${run.kind}: ${total} requests in ${run.seconds.toFixed(1)} s (seed ${seedText})`);
  const rows = [...run.histogram.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  console.log(rows.map(([status, count]) => `  ${String(status).padEnd(6)} ${String(count).padStart(6)}  ${'#'.repeat(Math.ceil((50 * count) / total))}`).join('\n'));
  console.log(`  by kind of request: ${[...run.variants.entries()].map(([v, c]) => `${v} ${c}`).join(', ')}`);
  console.log(`  pages that showed the marker <fz-x (escaped): ${run.escapedMarkers}`);
  // A page that succeeds may answer with a redirect (a form's 303).
  const succeeded = new Set(run.results.filter((r) => typeof r.status === 'number' && r.status < (r.variant === 'page' ? 400 : 300)).map((r) => r.op));
  const never = run.operations.filter((key) => !succeeded.has(key));
  if (never.length) console.log(`  operations never answered 2xx (the generator does not reach them): ${never.join(', ')}`);
}

function printFailure(failure, index) {
  console.log(`\n[${index}] ${failure.db}: ${failure.problems.join('; ')}`);
  if (!failure.background) {
    console.log(`    ${failure.method} ${excerpt(failure.path, 200)}  as ${failure.role} (${failure.variant}${failure.note ? `: ${failure.note}` : ''})`);
    if (failure.body !== undefined) console.log(`    body: ${failure.body}`);
    console.log(`    answer: ${failure.status} ${failure.contentType || '(no content type)'} ${excerpt(failure.response, 200)}`);
    console.log(`    request id: ${failure.id}`);
  }
  for (const line of failure.log ?? []) console.log(`    log: ${line.length > 600 ? `${line.slice(0, 600)}…` : line}`);
}

const runs = [];
let failures = [];
console.log(`Fuzzing ${DATABASES.join(' and ')} with ${REQUESTS} requests each, seed ${seedText}${DATABASES.includes('postgres') ? ` (PostgreSQL server ${PG_URL.replace(/\/\/[^@]*@/, '//…@')})` : ''}`);
for (const kind of DATABASES) {
  const run = await fuzzDatabase(kind);
  runs.push(run);
  failures.push(...summarise(run));
}

/** What makes failures one class: the error in the log for 5xx, the answer's shape otherwise. */
function classOf(f) {
  if (f.background) return `${f.problems.join('; ')}: ${logMessage(f.log?.[0]) ?? ''}`;
  const error = (f.log ?? []).map(logError).find(Boolean);
  if (typeof f.status === 'number' && f.status >= 500) return `${f.status}: ${error ?? 'no error logged'}`;
  if (error) return `${f.status} with an error in the log: ${error}`;
  let code = '';
  try {
    code = JSON.parse(f.response).code ?? '';
  } catch {
    // not JSON
  }
  return `${f.status} ${f.contentType.split(';')[0] || 'without content type'} ${code}: ${f.problems.join('; ')}`;
}

function logEntry(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
const normalise = (text) => text.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>').replace(/\d{2,}/g, 'N').slice(0, 160);
function logError(line) {
  const err = logEntry(line)?.err;
  return err ? normalise(`${err.type ?? 'Error'}: ${err.message ?? ''}`) : undefined;
}
function logMessage(line) {
  const entry = logEntry(line);
  return entry ? normalise(entry.err ? `${entry.err.type}: ${entry.err.message}` : String(entry.msg ?? '')) : line?.slice(0, 160);
}

if (failures.length > 0) {
  const classes = new Map();
  for (const f of failures) {
    const key = `${f.db}  ${classOf(f)}`;
    const entry = classes.get(key) ?? { count: 0, ops: new Set(), notes: new Set(), first: f };
    entry.count++;
    if (!f.background) {
      entry.ops.add(f.op);
      entry.notes.add(`${f.variant}${f.note ? `: ${f.note.replace(/^\w+: /, f.variant === 'hostile-path' ? '' : '$&')}` : ''}`);
    }
    classes.set(key, entry);
  }
  // Every failing request first (FUZZ_SHOW limits them), then the classes, then the histograms.
  console.log(`\n== the failing requests${failures.length > SHOW ? ` (first ${SHOW} of ${failures.length}; FUZZ_SHOW=${failures.length} shows all)` : ''}:`);
  failures.slice(0, SHOW).forEach((f, i) => printFailure(f, i + 1));
  const list = (set, n) => [...set].slice(0, n).join(', ') + (set.size > n ? `, … (${set.size})` : '');
  console.log(`\n== ${failures.length} failing requests in ${classes.size} classes:`);
  for (const [key, entry] of [...classes.entries()].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`\n  ${String(entry.count).padStart(5)} × ${key}`);
    if (entry.ops.size) console.log(`          on ${list(entry.ops, 6)}\n          with ${list(entry.notes, 4)}\n          e.g. ${entry.first.id}`);
  }
}

for (const run of runs) printHistogram(run);
const reportPath = process.env.FUZZ_REPORT || join(tmpdir(), `vraagbaak-fuzz-${seedText}.json`);
writeFileSync(reportPath, JSON.stringify({ seed: seedText, requests: REQUESTS, runs: runs.map((r) => ({ db: r.kind, seconds: r.seconds, histogram: Object.fromEntries(r.histogram) })), failures }, null, 1));
console.log(`\nReport: ${reportPath}`);
if (KEEP) for (const run of runs) console.log(`Kept ${run.kind}: ${run.database.env.DATABASE_URL || run.database.dataDir}`);
if (failures.length > 0) {
  console.log(`\nFUZZ FAILED: ${failures.length} failing requests. Repeat with FUZZ_SEED=${seedText} FUZZ_REQUESTS=${REQUESTS} FUZZ_DATABASES=${[...new Set(failures.map((f) => f.db))].join(',')} npm run test:fuzz`);
  process.exit(1);
}
console.log('\nFuzz passed: no 5xx, every API error application/problem+json, every page error an HTML page, no stack trace in answers or log.');
