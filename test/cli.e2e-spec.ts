import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { APP_ROOT } from '../src/infra/app-root.js';
import { Database } from '../src/infra/database/database.service.js';
import { TestApp, freshDatabase, startTestApp } from './support/test-app.js';
import { startSmtp } from './support/smtp.js';

const run = promisify(execFile);

/** The compiled CLI (`npm run -s cli`), beside a running app on the same database. */
describe('admin CLI (e2e)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  const cliWith = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [join(APP_ROOT, 'dist', 'src', 'cli.js'), ...args], { env: { ...process.env, ...db.env, LOG_LEVEL: 'info', ...env }, cwd: APP_ROOT });
  const cli = (...args: string[]) => cliWith({}, ...args);

  beforeAll(async () => {
    db = await freshDatabase();
    t = await startTestApp({}, db);
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('creates a user idempotently, printing only the result on stdout', async () => {
    const first = await cli('user:add', 'Anna.deVries@Example.nl', '--role', 'expert,coordinator', '--name', 'Anna de Vries', '--keuzes', '21,25', '--capacity', '12');
    expect(first.stdout).toMatch(/^Created anna\.devries@example\.nl \([0-9a-f-]{36}\) with roles coordinator, expert\n$/);
    const second = await cli('user:add', 'anna.devries@example.nl', '--role', 'expert', '--capacity', '8');
    expect(second.stdout).toMatch(/^Updated anna\.devries@example\.nl/);
  }, 30_000);

  it('issues a token that works against the running API', async () => {
    const { stdout } = await cli('token:issue', 'anna.devries@example.nl');
    const token = stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^vbp_/);
    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ email: 'anna.devries@example.nl', roles: ['expert'], capacity: 8, expertise: { keuzeIds: [21, 25], themeIds: [] } });
  }, 30_000);

  it('mails an invitation with --invite (none without), whose link lets the new user in', async () => {
    const m = t.app.get(Database).manager;
    const smtp = await startSmtp();
    try {
      // user:add without --invite (the tests above) mails nobody.
      expect(await m.query(`SELECT id FROM notification_outbox WHERE recipient_email = 'anna.devries@example.nl'`)).toEqual([]);

      const { stdout } = await cliWith({ SMTP_URL: smtp.url }, 'user:add', 'Nieuw@Example.nl', '--role', 'requester', '--organisation', 'GM0363', '--invite');
      expect(stdout).toMatch(/^Created nieuw@example\.nl \([0-9a-f-]{36}\) with roles requester\nInvitation mailed to nieuw@example\.nl: a sign-in link valid 7 days\n$/);
      // Sent before the CLI exited, once, through the outbox (so a running app does not send it again).
      expect(smtp.messages).toHaveLength(1);
      const [mail] = smtp.to('nieuw@example.nl');
      expect(mail.subject).toBe('Uitnodiging voor de Vraagbaak WBS');
      expect(await m.query(`SELECT template, status FROM notification_outbox WHERE recipient_email = 'nieuw@example.nl'`)).toEqual([{ template: 'invitation', status: 'sent' }]);

      const token = decodeURIComponent(/\/auth\/callback\?token=([^\s&"<]+)/.exec(mail.text ?? '')![1]);
      const session = await t.http.post('/api/v1/auth/sessions').send({ token }).expect(201);
      const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${session.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ email: 'nieuw@example.nl', roles: ['requester'], organisationCode: 'GM0363' });
    } finally {
      await smtp.close();
    }
  }, 60_000);

  it('puts mails that failed for good back in the queue', async () => {
    const m = t.app.get(Database).manager;
    await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'anna.devries@example.nl' }).expect(202);
    const [{ id }] = (await m.query(`SELECT id FROM notification_outbox WHERE recipient_email = 'anna.devries@example.nl' ORDER BY created_at DESC LIMIT 1`)) as { id: string }[];
    await m.query(`UPDATE notification_outbox SET status = 'failed', attempts = 5, last_error = 'EENVELOPE 550' WHERE id = '${id}'`);
    const { stdout } = await cli('mail:retry');
    expect(stdout).toBe(`Re-queued 1 failed mail(s): ${id}\n`);
    expect(await m.query(`SELECT status, attempts FROM notification_outbox WHERE id = '${id}'`)).toEqual([expect.objectContaining({ attempts: 0 })]);
    expect((await cli('mail:retry', id)).stdout).toBe('Re-queued 0 failed mail(s)\n');
    const usage = await cli('mail:retry', 'not-an-id').catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 1 });
    expect((usage as { stderr: string }).stderr).toContain('mail:retry takes outbox ids');
  }, 30_000);

  it('explains bad input on stderr with a non-zero exit code', async () => {
    const failure = await cli('user:add', 'x@example.nl', '--role', 'requester').catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain('organisationCode');
    const usage = await cli('user:add', 'x@example.nl', '--role', 'wizard').catch((e: { code: number; stderr: string }) => e);
    expect((usage as { stderr: string }).stderr).toContain('--role takes one or more of');
  }, 30_000);
});
