import type { AppConfig } from '../../config/app-config.js';

/**
 * PostgreSQL errors that no retry can cure: the database named in DATABASE_URL does not exist
 * (3D000), or the server refuses the user (28P01 wrong password, 28000 unknown role or no
 * pg_hba.conf entry). A server that is still starting or unreachable is not among them.
 */
const PERMANENT = new Set(['3D000', '28P01', '28000']);

/**
 * One line that says what is wrong with the configured database and how to fix it, for errors
 * that retrying cannot cure; null for any other error (which may pass, e.g. a server that is
 * still starting).
 */
export function explainDatabaseError(error: unknown, databaseUrl: string | undefined): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (!databaseUrl || typeof code !== 'string' || !PERMANENT.has(code)) return null;
  const url = new URL(databaseUrl);
  const server = `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  const name = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  if (code === '3D000') {
    const user = url.username ? ` -U ${decodeURIComponent(url.username)}` : '';
    return (
      `PostgreSQL database "${name}" (DATABASE_URL) does not exist on ${server}: create it with ` +
      `\`createdb -h ${url.hostname || 'localhost'} -p ${url.port || '5432'}${user} ${name}\` or, in psql, \`CREATE DATABASE "${name}";\``
    );
  }
  return `PostgreSQL on ${server} refused the user in DATABASE_URL: ${(error as Error).message}`;
}

/**
 * Opens the configured database once before anything else starts, so that a database that does
 * not exist (or a refused user) stops the process with one line, instead of TypeORM's ten
 * retries with a stack trace each. Returns that line, or null when the database opens or the
 * failure may pass (the app's own connection then retries it). SQLite needs no check: it creates
 * its file.
 */
export async function databaseProblem(config: AppConfig): Promise<string | null> {
  if (config.databaseKind !== 'postgres') return null;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null;
  } catch (error) {
    return explainDatabaseError(error, config.databaseUrl);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `databaseProblem`, for an entry point: prints `<processName> cannot start: <line>` and exits 1. */
export async function checkDatabaseOrExit(config: AppConfig, processName: string): Promise<void> {
  const problem = await databaseProblem(config);
  if (!problem) return;
  process.stderr.write(`${processName} cannot start: ${problem}\n`);
  process.exit(1);
}
