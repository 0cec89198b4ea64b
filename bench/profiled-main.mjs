// The production entry point (dist/src/main.js) under the V8 sampling profiler, with counts of
// the SQL statements and transactions the app runs, for the benchmarks. `kill -WINCH <pid>`
// starts afresh (after a warm-up); `kill -USR2 <pid>` writes the CPU profile collected since to
// $CPU_PROFILE_PATH (Chrome DevTools format), the statement counts to $CPU_PROFILE_PATH.sql.json
// and the transaction figures to $CPU_PROFILE_PATH.tx.json. (`node --cpu-prof` would do for the profile, but it writes only on
// a normal exit, and the app ends itself with the signal after a graceful shutdown — as it does
// after SIGUSR2, one of Nest's shutdown signals; the bench stops the server right after anyway.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';

const path = process.env.CPU_PROFILE_PATH ?? `vraagbaak-${process.pid}.cpuprofile`;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 500) });
await session.post('Profiler.start');

// Statement counts by shape (literals and parameter lists folded), from the drivers' entry points.
const statements = new Map();
const count = (sql) => {
  if (typeof sql !== 'string') sql = sql?.text ?? String(sql);
  const shape = sql.replace(/\s+/g, ' ').replace(/'[^']*'/g, "'…'").replace(/(\$\d+|\?)(, ?(\$\d+|\?))+/g, '…').slice(0, 160);
  statements.set(shape, (statements.get(shape) ?? 0) + 1);
};
const require = createRequire(new URL('../dist/src/main.js', import.meta.url));
const sqlite3 = require('sqlite3');
for (const method of ['run', 'all', 'get', 'exec', 'prepare']) {
  const original = sqlite3.Database.prototype[method];
  sqlite3.Database.prototype[method] = function (sql, ...rest) {
    count(sql);
    return original.call(this, sql, ...rest);
  };
}
const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (sql, ...rest) {
  count(sql);
  return query.call(this, sql, ...rest);
};

// Write transactions: how many, how long they ran (BEGIN … COMMIT) and, with the SQLite write
// queue, how long they waited for it. `held` summed over a run ÷ its wall time = the share of
// the time a transaction was open (on SQLite: the write queue's utilisation).
const tx = { count: 0, heldMs: 0, totalMs: 0, since: performance.now() };
const { DataSource } = require('typeorm');
const runTransaction = DataSource.prototype.transaction;
DataSource.prototype.transaction = async function (...args) {
  const t0 = performance.now();
  try {
    return await runTransaction.apply(this, args);
  } finally {
    tx.heldMs += performance.now() - t0;
  }
};
const { Database } = await import('../dist/src/infra/database/database.service.js');
const transaction = Database.prototype.transaction;
Database.prototype.transaction = async function (work) {
  const t0 = performance.now();
  try {
    return await transaction.call(this, work);
  } finally {
    tx.count += 1;
    tx.totalMs += performance.now() - t0;
  }
};

// SIGWINCH (not one of Nest's shutdown signals): start measuring afresh, e.g. after a warm-up.
process.on('SIGWINCH', () => {
  statements.clear();
  Object.assign(tx, { count: 0, heldMs: 0, totalMs: 0, since: performance.now() });
  session.post('Profiler.stop').then(() => session.post('Profiler.start'));
});

let written = false;
process.on('SIGUSR2', () => {
  if (written) return;
  written = true;
  const wallMs = performance.now() - tx.since;
  session.post('Profiler.stop').then(({ profile }) => {
    writeFileSync(path, JSON.stringify(profile));
    writeFileSync(`${path}.sql.json`, JSON.stringify([...statements].sort((a, b) => b[1] - a[1])));
    writeFileSync(`${path}.tx.json`, JSON.stringify({ ...tx, wallMs }));
    process.stderr.write(`CPU profile written to ${path}\n`);
  });
});
await import('../dist/src/main.js');
