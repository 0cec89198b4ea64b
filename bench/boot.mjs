// npm run bench:boot — time from process start to a healthy /health/ready on an empty SQLite
// database, then the hello-route ceiling vs GET /api/v1/keuzes in the same run.
import { rmSync } from 'node:fs';
import { freePort, freshDataDir, load, startServer } from './support.mjs';

const runs = Number(process.env.BOOT_RUNS ?? 5);
const duration = Number(process.env.LOAD_SECONDS ?? 10);
const boots = [];
for (let i = 0; i < runs; i++) {
  const dataDir = freshDataDir();
  const server = await startServer('dist/src/main.js', { port: await freePort(), env: { DATA_DIR: dataDir } });
  boots.push(server.readyMs);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
boots.sort((a, b) => a - b);
console.log(`boot to /health/ready on an empty SQLite database (${runs} runs): median ${boots[Math.floor(runs / 2)].toFixed(0)} ms, min ${boots[0].toFixed(0)} ms, max ${boots[runs - 1].toFixed(0)} ms`);

const helloPort = await freePort();
const hello = await startServer('bench/hello-server.mjs', { port: helloPort });
const ceiling = await load(`http://127.0.0.1:${helloPort}/hello`, { duration });
await hello.stop();

const dataDir = freshDataDir();
const appPort = await freePort();
// The anonymous rate limit is per IP; the load generator is one IP, so lift it for the measurement.
const app = await startServer('dist/src/main.js', { port: appPort, env: { DATA_DIR: dataDir, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000000' } });
const keuzes = await load(`http://127.0.0.1:${appPort}/api/v1/keuzes`, { duration });
const keuze = await load(`http://127.0.0.1:${appPort}/api/v1/keuzes/25`, { duration });
await app.stop();
rmSync(dataDir, { recursive: true, force: true });

const row = (name, r) => `| ${name} | ${r.requestsPerSecond} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${Math.round((100 * r.requestsPerSecond) / ceiling.requestsPerSecond)} % |`;
console.log(`\n16 connections, ${duration} s each\n`);
console.log('| route | requests/s | p50 ms | p99 ms | of ceiling |');
console.log('| --- | --- | --- | --- | --- |');
console.log(row('hello (bare NestJS + Fastify)', ceiling));
console.log(row('GET /api/v1/keuzes (33 keuzes)', keuzes));
console.log(row('GET /api/v1/keuzes/25', keuze));
