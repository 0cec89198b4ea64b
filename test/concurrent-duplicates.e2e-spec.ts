import { Database } from '../src/infra/database/database.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * Ten identical create requests at once get the answers ten sequential ones get (on PostgreSQL
 * the losers of a race on a unique key used to answer 500), and leave no duplicate rows.
 */
describe('concurrent identical requests (e2e)', () => {
  let t: TestApp;
  let secretariat: TestUser;
  const count = async (sql: string, value: string) => Number((await t.app.get(Database).manager.query(sql, [value]))[0].n);
  const placeholder = () => (t.app.get(Database).kind === 'postgres' ? '$1' : '?');

  beforeAll(async () => {
    // The per-address limit would answer 429 after five sequential requests; this suite is about the race.
    t = await startTestApp({ SIGN_IN_LINKS_PER_EMAIL_PER_HOUR: '1000' });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(() => t.close());

  /** Statuses of ten requests one after another, and of ten at once, both sorted. */
  async function sequentialAndParallel(send: (key: string) => Promise<{ status: number }>, keys: [string, string]) {
    const sequential: number[] = [];
    for (let i = 0; i < 10; i++) sequential.push((await send(keys[0])).status);
    const parallel = (await Promise.all(Array.from({ length: 10 }, () => send(keys[1])))).map((res) => res.status);
    return { sequential: sequential.sort(), parallel: parallel.sort() };
  }

  it('POST /auth/sign-in-links for the same unknown address: ten 202s and one access request counting ten attempts', async () => {
    const send = (email: string) => t.http.post('/api/v1/auth/sign-in-links').send({ email });
    const { sequential, parallel } = await sequentialAndParallel(send, ['een@onbekend.example', 'twee@onbekend.example']);
    expect(sequential).toEqual(Array(10).fill(202));
    expect(parallel).toEqual(sequential);
    for (const email of ['een@onbekend.example', 'twee@onbekend.example']) {
      const rows = await t.app.get(Database).manager.query(`SELECT attempts FROM access_requests WHERE email = ${placeholder()}`, [email]);
      expect(rows.map((row: { attempts: number }) => Number(row.attempts))).toEqual([10]);
    }
  });

  it('POST /users with the same address: one 201, nine 409, one user', async () => {
    const send = (email: string) =>
      t.http.post('/api/v1/users').set(secretariat.auth).send({ email, displayName: 'Dubbel', roles: ['expert'], expertise: { keuzeIds: [3], themeIds: [] }, capacity: 2 });
    const { sequential, parallel } = await sequentialAndParallel(send, ['dubbel1@ienw.example.nl', 'dubbel2@ienw.example.nl']);
    expect(sequential).toEqual([201, ...Array(9).fill(409)]);
    expect(parallel).toEqual(sequential);
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE email = ${placeholder()}`, 'dubbel2@ienw.example.nl')).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM sign_in_tokens WHERE email = ${placeholder()}`, 'dubbel2@ienw.example.nl')).toBe(1);
  });

  it('POST /sign-in-domains with the same domain: one 201, nine 409, one row', async () => {
    const send = (domain: string) => t.http.post('/api/v1/sign-in-domains').set(secretariat.auth).send({ domain, organisationCode: 'GM0363' });
    const { sequential, parallel } = await sequentialAndParallel(send, ['een.example.nl', 'twee.example.nl']);
    expect(sequential).toEqual([201, ...Array(9).fill(409)]);
    expect(parallel).toEqual(sequential);
    expect(await count(`SELECT COUNT(*) AS n FROM sign_in_domains WHERE domain = ${placeholder()}`, 'twee.example.nl')).toBe(1);
  });

  it('POST /calendar/closures for the same day: one 201, nine 409, one row', async () => {
    const send = (day: string) => t.http.post('/api/v1/calendar/closures').set(secretariat.auth).send({ day, reason: 'Dubbel' });
    // Two working days (Tuesday and Wednesday, no holidays).
    const { sequential, parallel } = await sequentialAndParallel(send, ['2026-11-10', '2026-11-11']);
    expect(sequential).toEqual([201, ...Array(9).fill(409)]);
    expect(parallel).toEqual(sequential);
    expect(await count(`SELECT COUNT(*) AS n FROM calendar_closures WHERE day = ${placeholder()}`, '2026-11-11')).toBe(1);
  });
});
