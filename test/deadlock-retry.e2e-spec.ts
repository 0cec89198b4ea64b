import { SignInDomain } from '../src/accounts/auth.entities.js';
import { Database } from '../src/infra/database/database.service.js';
import { TestApp, startTestApp } from './support/test-app.js';

/**
 * Two transactions that lock the same rows in opposite orders deadlock on PostgreSQL, which
 * aborts one of them (the fuzz suite met this between a decline and a concurrent write to the
 * question's SLA clocks: a 500). The aborted one is run again, so both succeed.
 */
describe('transactions aborted to break a deadlock (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('runs the aborted transaction again, so both complete', async () => {
    const db = t.app.get(Database);
    const createdAt = new Date();
    await db.transaction((m) => m.insert(SignInDomain, [{ domain: 'links.example', organisationCode: 'GM0363', createdAt }, { domain: 'rechts.example', organisationCode: 'GM0363', createdAt }]));

    // Each takes its first row, then waits until the other holds its own before taking the second.
    // SQLite runs write transactions one after another, so there the first cannot wait for the second.
    const waits = db.kind === 'postgres';
    const holds: Record<string, () => void> = {};
    const held = { left: new Promise<void>((resolve) => (holds.left = resolve)), right: new Promise<void>((resolve) => (holds.right = resolve)) };
    const runs = { left: 0, right: 0 };
    const lockBoth = (name: 'left' | 'right', first: string, second: string, code: string) =>
      db.transaction(async (m) => {
        runs[name]++;
        await m.update(SignInDomain, { domain: first }, { organisationCode: code });
        if (waits && runs[name] === 1) {
          holds[name]();
          await held[name === 'left' ? 'right' : 'left'];
        }
        await m.update(SignInDomain, { domain: second }, { organisationCode: code });
      });

    const outcomes = await Promise.allSettled([lockBoth('left', 'links.example', 'rechts.example', 'GM0599'), lockBoth('right', 'rechts.example', 'links.example', 'GM0518')]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : o.status))).toEqual(['fulfilled', 'fulfilled']);
    // Both rows carry the code of whichever committed last: each transaction wrote both.
    const codes = (await db.manager.find(SignInDomain, { order: { domain: 'ASC' } })).map((d) => d.organisationCode);
    expect(new Set(codes).size).toBe(1);
    // On PostgreSQL one of the two was the deadlock's victim and ran a second time.
    expect(runs.left + runs.right).toBe(waits ? 3 : 2);
  });
});
