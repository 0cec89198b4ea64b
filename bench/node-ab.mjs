// node bench/node-ab.mjs <bench> [pairs] — runs bench/<bench>.mjs (boot, intake, search, …) under two
// Node.js binaries, interleaved A, B, A, B … so that drift and other processes on the machine hit
// both alike. The same build (dist/) and node_modules serve both: sqlite3 is an N-API addon.
//
// Environment: NODE_A (default /usr/bin/node), NODE_B (default .node/bin/node, what .ci/node.sh
// installs); every other variable reaches the bench (e.g. INTAKE_QUESTIONS=2000 INTAKE_CONFIGS=sqlite,
// ARTICLES=20000 QUERIES=1000 BENCH_DATABASES=sqlite). SEARCH_DOCS=0 is set, so bench/search.mjs leaves
// docs/benchmarks.md alone. Each run's output goes to bench/results/node-ab-<bench>-<time>-<n><A|B>.log,
// with the machine's `uptime` (load averages) before the run on its first line.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support.mjs';

const [bench, pairsArg] = process.argv.slice(2);
if (!bench || !existsSync(join(ROOT, 'bench', `${bench}.mjs`))) {
  console.error('usage: node bench/node-ab.mjs <boot|intake|search|…> [pairs, default 2]');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 2);
const binaries = { A: process.env.NODE_A ?? '/usr/bin/node', B: process.env.NODE_B ?? join(ROOT, '.node', 'bin', 'node') };
const version = (node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const versions = { A: version(binaries.A), B: version(binaries.B) };
const results = join(ROOT, 'bench', 'results');
mkdirSync(results, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

function run(label, n) {
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const file = join(results, `node-ab-${bench}-${stamp}-${n}${label}.log`);
  const out = createWriteStream(file);
  const header = `== ${bench} run ${n}${label}: ${binaries[label]} ${versions[label]}, ${new Date().toISOString()}\n== uptime before: ${uptime}\n`;
  process.stdout.write(header);
  out.write(header);
  return new Promise((resolve, reject) => {
    const child = spawn(binaries[label], [join(ROOT, 'bench', `${bench}.mjs`)], { cwd: ROOT, env: { ...process.env, SEARCH_DOCS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        process.stdout.write(chunk);
        out.write(chunk);
      });
    }
    child.on('error', reject);
    child.on('exit', (code) => {
      out.end();
      if (code === 0) resolve(file);
      else reject(new Error(`${bench} under ${versions[label]} exited with ${code} (${file})`));
    });
  });
}

const files = [];
for (let n = 1; n <= pairs; n++) {
  for (const label of ['A', 'B']) files.push(await run(label, n));
}
console.log(`\n${bench}: A = ${versions.A} (${binaries.A}), B = ${versions.B} (${binaries.B}); logs:\n${files.map((f) => `  ${f}`).join('\n')}`);
