// Helpers of bench/intake.mjs: an SMTP sink, fresh PostgreSQL databases,
// process statistics from /proc and a summary of a V8 CPU profile.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { ROOT } from './support.mjs';

/**
 * A real SMTP server in the bench process. It records, per message, the moment it answered 250
 * (`acceptedAt`, performance.now() of this process), the subject's `[WBS-YYYY-NNNNN]` reference
 * and the kind of mail; bodies are read but not parsed.
 */
export async function startSmtpSink() {
  const mails = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      let head = '';
      let headDone = false;
      stream.on('data', (chunk) => {
        if (headDone) return;
        head += chunk.toString('latin1');
        const end = head.search(/\r?\n\r?\n/);
        if (end >= 0) {
          head = head.slice(0, end);
          headDone = true;
        }
      });
      stream.on('end', () => {
        const subject = /^Subject:\s*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
        mails.push({ acceptedAt: performance.now(), reference: /\[(WBS-\d{4}-\d{5,})\]/.exec(subject)?.[1] ?? null, kind: kindOf(subject) });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    mails,
    count: (kind) => mails.reduce((n, m) => n + (m.kind === kind ? 1 : 0), 0),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function kindOf(subject) {
  if (/ontvangen/.test(subject)) return 'received';
  if (/niet automatisch/.test(subject)) return 'unroutable';
  if (/toegewezen/.test(subject)) return 'assigned';
  return 'other';
}

/** A new database on the PostgreSQL server of `baseUrl`; `drop()` removes it. */
export async function freshPostgres(baseUrl) {
  const name = `vb_bench_${randomBytes(5).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** Transactions committed and rows written in this database so far (pg_stat_database). */
    stats: () =>
      withClient(baseUrl, async (c) => {
        await c.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await c.query('SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = $1', [name]);
        return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
      }),
    /**
     * Samples pg_stat_activity every `everyMs` until `stop()`: on average how many of the app's
     * sessions were running a statement, waiting for a lock, or idle inside a transaction.
     */
    sampleActivity(everyMs = 100) {
      const client = new pg.Client({ connectionString: baseUrl });
      const totals = { samples: 0, active: 0, lock: 0, idleInTransaction: 0, waits: {} };
      let running = true;
      const loop = (async () => {
        await client.connect();
        while (running) {
          const { rows } = await client.query(
            `SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = $1 AND application_name = 'vraagbaak' AND pid <> pg_backend_pid()`,
            [name],
          );
          totals.samples += 1;
          for (const r of rows) {
            if (r.state === 'active') totals.active += 1;
            if (r.state === 'idle in transaction') totals.idleInTransaction += 1;
            if (r.wait_event_type === 'Lock') totals.lock += 1;
            if (r.state === 'active' && r.wait_event_type) totals.waits[`${r.wait_event_type}:${r.wait_event}`] = (totals.waits[`${r.wait_event_type}:${r.wait_event}`] ?? 0) + 1;
          }
          await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
        await client.end();
      })();
      return async () => {
        running = false;
        await loop;
        const avg = (n) => +(n / Math.max(1, totals.samples)).toFixed(1);
        return {
          sessionsActive: avg(totals.active),
          waitingForLock: avg(totals.lock),
          idleInTransaction: avg(totals.idleInTransaction),
          waits: Object.fromEntries(Object.entries(totals.waits).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => [k, avg(v)])),
        };
      };
    },
    drop: () => withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineCpu() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = values[3] + values[4];
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** VmHWM (peak resident set) and VmRSS of a process, in MB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Self time of a V8 CPU profile by package or app file and by function: where the server's
 * one JavaScript thread spends its time.
 */
export function summariseProfile(path, top = 20) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPlace = new Map();
  const byFunction = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const place = placeOf(callFrame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: `${((100 * us) / total).toFixed(1)} %` }));
  return { totalMs: Math.round(total / 1000), byPlace: rows(byPlace), byFunction: rows(byFunction) };
}

function placeOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const app = /\/dist\/((?:src|migrations)\/.*)$/.exec(url);
  if (app) return `app ${app[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return shortUrl(url);
}

function shortUrl(url) {
  return url.replace(/^file:\/\//, '').replace(`${ROOT}`, '').replace(/^.*node_modules\//, '');
}
