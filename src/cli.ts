import 'reflect-metadata';
import dotenv from 'dotenv';
import { parseArgs } from 'node:util';
import { AppConfig, ConfigError } from './config/app-config.js';
import { ROLES, type Role } from './common/access.js';

/**
 * Admin CLI: `npm run -s cli -- <command>`. Runs the compiled code, prints only its result on
 * stdout (logs go to stderr), starts neither HTTP nor job workers, and works beside a running
 * app on the same database.
 */
const USAGE = `Usage: npm run -s cli -- <command> [options]

Commands:
  migration:run                      apply pending migrations
  migration:revert                   undo the last migration
  user:add <email> --role <r[,r]> [--name "Full Name"] [--organisation <code>]
           [--keuzes 1,2] [--themes 6] [--capacity N] [--invite]
                                     create the user, or update an existing one; --invite
                                     mails them a sign-in link (valid 7 days) to get in
  token:issue <email> [--name <label>]
                                     print a new personal API token (last line of stdout)
  mail:retry [<outbox id> …]          put mails that failed for good back in the queue (all, or
                                     the given ones); a running app sends them
  demo:seed [--questions N] [--seed S]
                                     fill an EMPTY database with a year of realistic demo data
                                     (default 5000 questions; refuses when questions exist)
Roles: ${ROLES.join(', ')}`;

class UsageError extends Error {}
/** A failure said in its message alone (no usage text). */
class CliError extends Error {}

function numbers(value: string | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (!list.every((v) => /^\d+$/.test(v))) throw new UsageError(`--${name} takes comma-separated numbers`);
  return list.map(Number);
}

async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = AppConfig.fromEnv({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  // Every command opens the database: one line, not a retry loop of stack traces, when it cannot.
  const { databaseProblem } = await import('./infra/database/preflight.js');
  const problem = await databaseProblem(config);
  if (problem) throw new CliError(problem);

  if (command === 'migration:run' || command === 'migration:revert') {
    const { createDataSource } = await import('./infra/database/data-source.js');
    const { runMigrationsLocked, revertLastMigrationLocked } = await import('./infra/database/migrator.js');
    const dataSource = await createDataSource(config).initialize();
    try {
      if (command === 'migration:run') {
        const applied = await runMigrationsLocked(dataSource);
        process.stdout.write(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}\n` : 'No pending migrations.\n');
      } else {
        await revertLastMigrationLocked(dataSource);
        process.stdout.write('Reverted the last migration.\n');
      }
    } finally {
      await dataSource.destroy();
    }
    return 0;
  }

  if (command === 'demo:seed') {
    const { values: demo } = parseArgs({ args: rest, options: { questions: { type: 'string' }, seed: { type: 'string' } } });
    const questions = demo.questions === undefined ? 5000 : numbers(demo.questions, 'questions')![0];
    const seed = demo.seed === undefined ? 1 : numbers(demo.seed, 'seed')![0];
    if (!questions || questions < 1 || questions > 5_000_000) throw new UsageError('--questions takes a number from 1 to 5000000');
    const { runDemoSeed, DemoDataExistsError } = await import('./demo/demo-seed.js');
    try {
      const result = await runDemoSeed(config, { questions, seed, log: (line) => process.stderr.write(`${line}\n`) });
      process.stdout.write(
        `Seeded ${result.questions} questions, ${result.experts} experts, ${result.requesters} requesters and ${result.articles} articles in ${(result.milliseconds / 1000).toFixed(1)} s\n`,
      );
    } catch (error) {
      if (error instanceof DemoDataExistsError) throw new UsageError(error.message);
      throw error;
    }
    return 0;
  }

  if (command === 'mail:retry') {
    const ids = rest.length ? rest : undefined;
    if (ids && !ids.every((id) => /^[0-9a-f-]{36}$/i.test(id))) throw new UsageError('mail:retry takes outbox ids (UUIDs)');
    const { createCliContext } = await import('./cli-context.js');
    const context = await createCliContext(config);
    try {
      const requeued = await context.retryFailedMails(ids);
      process.stdout.write(`Re-queued ${requeued.length} failed mail(s)${requeued.length ? `: ${requeued.join(', ')}` : ''}\n`);
    } finally {
      await context.close();
    }
    return 0;
  }

  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      organisation: { type: 'string' },
      keuzes: { type: 'string' },
      themes: { type: 'string' },
      capacity: { type: 'string' },
      invite: { type: 'boolean' },
    },
  });
  const email = positionals[0];
  if (!email || !email.includes('@')) throw new UsageError(`${command} needs an e-mail address`);

  const { createCliContext } = await import('./cli-context.js');
  const context = await createCliContext(config);
  try {
    if (command === 'user:add') {
      const roles = (values.role ?? '').split(',').map((r) => r.trim()).filter(Boolean) as Role[];
      if (roles.length === 0 || !roles.every((r) => ROLES.includes(r))) throw new UsageError(`--role takes one or more of: ${ROLES.join(', ')}`);
      const capacity = values.capacity === undefined ? undefined : numbers(values.capacity, 'capacity')![0];
      const keuzeIds = numbers(values.keuzes, 'keuzes');
      const themeIds = numbers(values.themes, 'themes');
      const { user, created, invitation } = await context.addUser(
        {
          email,
          roles,
          displayName: values.name,
          organisationCode: values.organisation,
          expertise: keuzeIds || themeIds ? { keuzeIds: keuzeIds ?? [], themeIds: themeIds ?? [] } : undefined,
          capacity,
        },
        { invite: values.invite === true },
      );
      process.stdout.write(`${created ? 'Created' : 'Updated'} ${user.email} (${user.id}) with roles ${user.roles.join(', ')}\n`);
      if (invitation?.sent) {
        process.stdout.write(`Invitation mailed to ${user.email}${config.smtpUrl ? '' : ` (written to ${config.mailDir})`}: a sign-in link valid ${invitation.validDays} days\n`);
      } else if (invitation) {
        process.stdout.write(`Invitation not sent yet (${invitation.error ?? 'unknown error'}); a running app retries it (outbox ${invitation.outboxId})\n`);
      }
    } else if (command === 'token:issue') {
      const token = await context.issueToken(email, values.name ?? 'CLI');
      process.stdout.write(`${token}\n`);
    } else {
      throw new UsageError(`Unknown command: ${command}`);
    }
  } finally {
    await context.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else if (error instanceof ConfigError || error instanceof CliError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof Error && 'invalidParams' in error) {
      process.stderr.write(`${error.message}\n${(error as { invalidParams: { name: string; reason: string }[] }).invalidParams.map((p) => `  ${p.name}: ${p.reason}`).join('\n')}\n`);
    } else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
