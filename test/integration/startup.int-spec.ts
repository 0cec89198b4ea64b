import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APP_ROOT } from '../../src/infra/app-root.js';
import { DATABASE_URL, REDIS_URL } from './support.js';

const run = promisify(execFile);

/**
 * The compiled entry points started against the real PostgreSQL server with a DATABASE_URL that
 * names a database the server does not have. Nothing here touches Redis (the worker stops before
 * it connects).
 */
describe('startup with a PostgreSQL database that does not exist', () => {
  const name = `vb_missing_${randomBytes(6).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const user = url.username ? ` -U ${decodeURIComponent(url.username)}` : '';
  const explanation =
    `PostgreSQL database "${name}" (DATABASE_URL) does not exist on ${url.hostname}:${url.port || '5432'}: create it with ` +
    `\`createdb -h ${url.hostname} -p ${url.port || '5432'}${user} ${name}\` or, in psql, \`CREATE DATABASE "${name}";\``;
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vraagbaak-startup-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = (script: string, args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [join(APP_ROOT, 'dist', 'src', script), ...args], {
      cwd: APP_ROOT,
      env: { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', REDIS_URL: '', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it.each([
    ['npm start (main.js)', 'main.js', [], {}, 'Vraagbaak cannot start: '],
    ['the worker', 'worker.js', [], { REDIS_URL }, 'Vraagbaak worker cannot start: '],
    ['cli migration:run', 'cli.js', ['migration:run'], {}, ''],
    ['cli user:add', 'cli.js', ['user:add', 'anna@example.nl', '--role', 'expert'], {}, ''],
  ] as [string, string, string[], Record<string, string>, string][])(
    '%s says in one line which database is missing and how to create it, and exits 1',
    async (_label, script, args, env, prefix) => {
      const result = await start(script, args, env);
      expect(result).toEqual({ code: 1, stdout: '', stderr: `${prefix}${explanation}\n` });
    },
    60_000,
  );
});
