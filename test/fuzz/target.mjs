// The app under fuzzing: a fresh database (as test/support/test-app.ts's freshDatabase makes one),
// users and bearer sessions per role (as test/support/auth.ts's signInAs makes them), and the built
// server (dist/src/main.js) in a child process whose JSON log lines are collected.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { NestFactory } from '@nestjs/core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dist = (path) => import(join(ROOT, 'dist', path));

export const ROLES = ['anonymous', 'requester', 'expert', 'coordinator', 'secretariat'];

/** A new SQLite folder, or a new database on the PostgreSQL server of `adminUrl`. */
export async function freshDatabase(kind, adminUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), 'vraagbaak-fuzz-'));
  if (kind === 'sqlite') return { env: { DATA_DIR: dataDir, DATABASE_URL: '' }, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `vb_fuzz_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    name,
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdmin(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** The settings of the fuzzed app: limits high enough that the fuzzer is not answered 429 throughout. */
export function appEnv(database, port) {
  return {
    ...database.env,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
    SMTP_URL: '',
    BOOTSTRAP_ADMIN_EMAIL: '',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '1000000',
    SIGN_IN_LINKS_PER_EMAIL_PER_HOUR: '1000000',
    SIGN_IN_LINKS_PER_IP_PER_HOUR: '1000000',
  };
}

/**
 * Migrates the database and creates the fuzzer's people: one user per role (a second requester of
 * another organisation owns questions the first may not see) with bearer sessions — the main one
 * and spares for requests that end their own session — and `cookieSessions` browser sessions (the
 * first for the pages, the others for signing out).
 */
export async function seedActors(env, spareSessions, cookieSessions = 0) {
  const { AppConfig } = await dist('src/config/app-config.js');
  const { AppModule } = await dist('src/app.module.js');
  const { PinoNestLogger, createRootLogger } = await dist('src/infra/logging.js');
  const { UsersService } = await dist('src/accounts/users.service.js');
  const { AuthService } = await dist('src/accounts/auth.service.js');
  const { SYSTEM_ACTOR } = await dist('src/audit/audit.service.js');
  const { Database } = await dist('src/infra/database/database.service.js');
  const { AppSecrets } = await dist('src/infra/secrets.js');
  const { Clock } = await dist('src/common/clock.js');
  const config = AppConfig.fromEnv({ ...env, LOG_LEVEL: 'error' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'cli' }), {
    logger: new PinoNestLogger(createRootLogger(config, 'stderr')),
    abortOnError: false,
  });
  try {
    const users = app.get(UsersService);
    const auth = app.get(AuthService);
    const db = app.get(Database);
    const clock = app.get(Clock);
    const secrets = app.get(AppSecrets);
    const people = {
      requester: { email: 'fuzz-vrager@gemeente.example.nl', roles: ['requester'], organisationCode: 'GM0363' },
      otherRequester: { email: 'fuzz-ander@gemeente.example.nl', roles: ['requester'], organisationCode: 'GM0599' },
      // Covers every theme with room for all questions, so the fuzzer's questions reach this expert.
      expert: { email: 'fuzz-expert@ienw.example.nl', roles: ['expert'], expertise: { keuzeIds: [], themeIds: [1, 2, 3, 4, 5, 6, 7, 8] }, capacity: 10000 },
      coordinator: { email: 'fuzz-coordinator@ienw.example.nl', roles: ['coordinator'] },
      secretariat: { email: 'fuzz-secretariaat@ienw.example.nl', roles: ['secretariat'] },
    };
    const actors = {};
    for (const [key, fields] of Object.entries(people)) {
      const { user } = await users.upsert({ displayName: `Fuzz ${key}`, organisationCode: null, ...fields }, SYSTEM_ACTOR);
      const start = (kind) => db.transaction((m) => auth.startSession(m, user.id, kind, true, '127.0.0.1', clock.now()));
      const session = async () => (await start('bearer')).sessionToken;
      // A browser's session: the cookie and the CSRF token its pages put in their forms.
      const browser = async () => {
        const { session: started, sessionToken } = await start('cookie');
        return { cookie: `vraagbaak_session=${sessionToken}`, csrf: secrets.csrfToken(started.tokenHash) };
      };
      const main = await session();
      const spares = [];
      for (let i = 0; i < spareSessions; i++) spares.push(await session());
      const browsers = [];
      for (let i = 0; i < cookieSessions; i++) browsers.push(await browser());
      actors[key] = { id: user.id, email: user.email, token: main, spares, browsers };
    }
    return actors;
  } finally {
    await app.close();
  }
}

/**
 * Starts `node dist/src/main.js`; every stdout line (pino JSON) and stderr line is kept. Resolves
 * once /health/ready answers 200.
 */
export async function startServer(env, port) {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = [];
  const stderr = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${[...stdout, ...stderr].slice(-20).join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the server was not ready within 120 s');
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    stdout,
    stderr,
    /** SIGTERM, then the exit status (SIGKILL after 30 s). */
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
}
