import { QuestionAssignees1795823380100 } from '../migrations/1795823380100-QuestionAssignees.js';
import { Database } from '../src/infra/database/database.service.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * Who sees which question: the list, the detail and the staff search apply one rule
 * (src/questions/question-visibility.ts), in the default mode and with EXPERT_VISIBILITY=keuzes.
 */
interface Cast {
  requester: TestUser;
  coordinator: TestUser;
  secretariat: TestUser;
  /** Keuze 25: answered Q1 and Q2, works on Q3. */
  answerer: TestUser;
  /** Keuze 26: was assigned Q2 and declined it. */
  decliner: TestUser;
  /** Keuze 25, never assigned anything. */
  peer: TestUser;
  /** Theme 6 (keuzes 25–27), never assigned anything. */
  themeExpert: TestUser;
  /** Keuze 30 (theme 8), never assigned anything. */
  outsider: TestUser;
  /** Q1 (keuze 25) answered, Q2 (keuze 26) declined then answered, Q3 (keuze 25) in progress. */
  q: { q1: string; q2: string; q3: string };
}

/** A question's life up to the given point, through the API; the routing job goes to the only fitting expert. */
async function buildCast(t: TestApp): Promise<Cast> {
  const drain = () => t.app.get(InProcessJobQueue).drain();
  const requester = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0363' });
  const coordinator = await signInAs(t, { roles: ['coordinator'] });
  const secretariat = await signInAs(t, { roles: ['secretariat'] });
  const answerer = await signInAs(t, { roles: ['expert'], keuzeIds: [25] });
  const decliner = await signInAs(t, { roles: ['expert'], keuzeIds: [26] });
  const submit = async (title: string, keuze: number) =>
    (await t.http.post('/api/v1/questions').set(requester.auth).send({ title, body: `Hoe gaan wij om met kwelwater bij ${title.toLowerCase()}?`, keuzeIds: [keuze] }).expect(201)).body
      .id as string;
  const act = (who: TestUser, id: string, action: string, body: object = {}) => t.http.post(`/api/v1/questions/${id}/${action}`).set(who.auth).send(body).expect(200);

  const q1 = await submit('Kwelwater in de Zegveldpolder', 25);
  const q2 = await submit('Kwelwater bij de inlaat Bodegraven', 26);
  const q3 = await submit('Kwelwater rond Woerden', 25);
  await drain();
  await act(answerer, q1, 'accept');
  await act(answerer, q1, 'answer', { body: 'Verhoog het slootpeil stapsgewijs; kwelwater blijft dan beperkt.' });
  await act(answerer, q3, 'accept');
  await act(decliner, q2, 'decline', { reason: 'Valt buiten mijn regio.' });
  await drain();
  await act(coordinator, q2, 'assign', { expertId: answerer.user.id });
  await act(answerer, q2, 'accept');
  await act(coordinator, q2, 'messages', { body: 'GEHEIM intern overleg', internal: true });
  await act(answerer, q2, 'answer', { body: 'Beperk de inlaat van gebiedsvreemd kwelwater.' });
  // Experts created after the routing, so none of them was ever assigned anything.
  const peer = await signInAs(t, { roles: ['expert'], keuzeIds: [25] });
  const themeExpert = await signInAs(t, { roles: ['expert'], themeIds: [6] });
  const outsider = await signInAs(t, { roles: ['expert'], keuzeIds: [30] });
  return { requester, coordinator, secretariat, answerer, decliner, peer, themeExpert, outsider, q: { q1, q2, q3 } };
}

/** The scenario's questions `who` reaches through the list, the search and the detail. */
async function reach(t: TestApp, c: Cast, who: TestUser): Promise<{ list: string[]; search: string[]; searchTotal: number; detail: string[] }> {
  const ours = new Set(Object.values(c.q));
  const list = (await t.http.get('/api/v1/questions?pageSize=100').set(who.auth).expect(200)).body;
  const search = (await t.http.get('/api/v1/questions?q=kwelwater&pageSize=100').set(who.auth).expect(200)).body;
  const detail: string[] = [];
  for (const id of ours) {
    const res = await t.http.get(`/api/v1/questions/${id}`).set(who.auth);
    expect([200, 404]).toContain(res.status);
    if (res.status === 200) detail.push(id);
  }
  const ids = (page: { data: { id: string }[] }) => page.data.map((q) => q.id).filter((id) => ours.has(id)).sort();
  return { list: ids(list), search: ids(search), searchTotal: search.page.total, detail: detail.sort() };
}

/** Asserts that list, search and detail all show exactly `expected` — and that the search leaks nothing else. */
async function expectSees(t: TestApp, c: Cast, who: TestUser, expected: string[]): Promise<void> {
  const seen = await reach(t, c, who);
  const sorted = [...expected].sort();
  expect(seen).toEqual({ list: sorted, search: sorted, searchTotal: sorted.length, detail: sorted });
}

describe('question visibility: one rule for list, detail and search (e2e)', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await startTestApp();
    c = await buildCast(t);
  });
  afterAll(() => t.close());

  it('shows an expert the questions they are or were assigned, and nothing else', async () => {
    const { q1, q2, q3 } = c.q;
    await expectSees(t, c, c.answerer, [q1, q2, q3]);
    await expectSees(t, c, c.decliner, [q2]); // formerly assigned
    for (const uninvolved of [c.peer, c.themeExpert, c.outsider]) await expectSees(t, c, uninvolved, []);
    await expectSees(t, c, c.coordinator, [q1, q2, q3]);
    await expectSees(t, c, c.secretariat, [q1, q2, q3]);
  });

  it('finds nothing of other requesters’ questions for an uninvolved expert: no title, body, answer or name', async () => {
    for (const q of ['zegveldpolder', 'slootpeil', 'kwelwater']) {
      const res = await t.http.get(`/api/v1/questions?q=${q}`).set(c.outsider.auth).expect(200);
      expect(res.body.page.total).toBe(0);
      expect(JSON.stringify(res.body.data)).toBe('[]');
    }
  });

  it('lets a former assignee read, but not work on, the question or see its internal notes', async () => {
    const detail = (await t.http.get(`/api/v1/questions/${c.q.q2}`).set(c.decliner.auth).expect(200)).body;
    expect(JSON.stringify(detail)).not.toContain('GEHEIM');
    expect(detail.routingNote).toBeUndefined();
    await t.http.post(`/api/v1/questions/${c.q.q2}/messages`).set(c.decliner.auth).send({ body: 'Nog een gedachte' }).expect(403);
    const assignee = (await t.http.get(`/api/v1/questions/${c.q.q2}`).set(c.answerer.auth).expect(200)).body;
    expect(JSON.stringify(assignee.messages)).toContain('GEHEIM');
  });

  it('finds former assignees of existing questions in their timeline when the migration runs', async () => {
    const migration = new QuestionAssignees1795823380100();
    const runner = t.app.get(Database).dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const { q1, q2, q3 } = c.q;
    await expectSees(t, c, c.decliner, [q2]);
    await expectSees(t, c, c.answerer, [q1, q2, q3]);
    await expectSees(t, c, c.peer, []);
  });

  it('lets only the question’s assignee or answerer, coordinators and the secretariat start an article from it', async () => {
    const start = (who: TestUser, questionId: string) => t.http.post('/api/v1/articles').set(who.auth).send({ questionId });
    // Cannot see it: 404, as for the question itself.
    for (const who of [c.outsider, c.peer, c.themeExpert]) {
      const res = await start(who, c.q.q1).expect(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    await start(c.decliner, c.q.q1).expect(404);
    // Sees it (formerly assigned) but did not handle it.
    const refused = await start(c.decliner, c.q.q2).expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body.detail).toMatch(/artikel/);
    await start(c.answerer, c.q.q2).expect(201);
    await start(c.coordinator, c.q.q1).expect(201);
  });
});

describe('question visibility with EXPERT_VISIBILITY=keuzes (e2e)', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await startTestApp({ EXPERT_VISIBILITY: 'keuzes' });
    c = await buildCast(t);
  });
  afterAll(() => t.close());

  it('also shows experts the answered questions in their keuzes, identically in list, detail and search', async () => {
    const { q1, q2, q3 } = c.q;
    await expectSees(t, c, c.peer, [q1]); // keuze 25 answered; Q3 is still open
    await expectSees(t, c, c.themeExpert, [q1, q2]); // theme 6 covers keuzes 25 and 26
    await expectSees(t, c, c.outsider, []);
    await expectSees(t, c, c.decliner, [q2]);
    await expectSees(t, c, c.answerer, [q1, q2, q3]);
  });

  it('shows such a reader neither internal notes nor lets them act or start an article', async () => {
    const detail = (await t.http.get(`/api/v1/questions/${c.q.q2}`).set(c.themeExpert.auth).expect(200)).body;
    expect(JSON.stringify(detail)).not.toContain('GEHEIM');
    await t.http.post(`/api/v1/questions/${c.q.q1}/messages`).set(c.peer.auth).send({ body: 'Goed antwoord' }).expect(403);
    await t.http.post('/api/v1/articles').set(c.peer.auth).send({ questionId: c.q.q1 }).expect(403);
    await t.http.post('/api/v1/articles').set(c.outsider.auth).send({ questionId: c.q.q1 }).expect(404);
  });
});

describe('requesters submit for their own organisation, and private answers are not cached (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    requester = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0363' });
  });
  afterAll(() => t.close());

  const question = (extra: object = {}) => ({ title: 'Bouwen in de uiterwaarden', body: 'Mag dat?', keuzeIds: [10], ...extra });

  it('refuses another organisation’s code with a Dutch field error, and accepts the own one in any case', async () => {
    const res = await t.http.post('/api/v1/questions').set(requester.auth).send(question({ organisationCode: 'GM0518' })).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.invalidParams).toEqual([{ name: 'organisationCode', reason: expect.stringMatching(/eigen organisatie.*GM0363/) }]);
    const list = (await t.http.get('/api/v1/questions').set(requester.auth).expect(200)).body;
    expect(list.page.total).toBe(0);
    const own = await t.http.post('/api/v1/questions').set(requester.auth).send(question({ organisationCode: 'gm0363' })).expect(201);
    expect(own.body.organisationCode).toBe('GM0363');
    const implicit = await t.http.post('/api/v1/questions').set(requester.auth).send(question()).expect(201);
    expect(implicit.body.organisationCode).toBe('GM0363');
  });

  it('refuses a requester whose account has no organisation', async () => {
    const stray = await signInAs(t, { roles: ['requester'] });
    // signInAs gives requesters GM0363; take it away in the database.
    const db = t.app.get(Database);
    await db.transaction((m) => m.query(`UPDATE users SET organisation_code = NULL WHERE id = ${db.kind === 'postgres' ? '$1' : '?'}`, [stray.user.id]));
    const res = await t.http.post('/api/v1/questions').set(stray.auth).send(question({ organisationCode: 'GM0518' })).expect(400);
    expect(res.body.invalidParams).toEqual([{ name: 'organisationCode', reason: expect.stringMatching(/niet aan een organisatie gekoppeld/) }]);
  });

  it('sends Cache-Control: no-store on every response to a signed-in caller and on sign-in routes', async () => {
    const signedIn: [string, { status: number; headers: Record<string, string> }][] = [
      ['me', await t.http.get('/api/v1/me').set(requester.auth)],
      ['questions', await t.http.get('/api/v1/questions').set(requester.auth)],
      ['keuze', await t.http.get('/api/v1/keuzes/21').set(requester.auth)],
      ['articles', await t.http.get('/api/v1/articles').set(requester.auth)],
      ['unknown question', await t.http.get('/api/v1/questions/00000000-0000-4000-8000-000000000000').set(requester.auth)],
      ['made-up token', await t.http.get('/api/v1/me').set({ Authorization: 'Bearer vbs_made-up' })],
      ['sign-in link', await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'iemand@example.org' })],
      ['callback page', await t.http.get('/auth/callback?token=vbl_unknown')],
    ];
    expect(signedIn.map(([what, res]) => [what, res.status])).toEqual([
      ['me', 200],
      ['questions', 200],
      ['keuze', 200],
      ['articles', 200],
      ['unknown question', 404],
      ['made-up token', 401],
      ['sign-in link', 202],
      ['callback page', 410],
    ]);
    for (const [what, res] of signedIn) expect([what, res.headers['cache-control']]).toEqual([what, 'no-store']);
    // Public things for anonymous readers keep their default caching.
    const anonymous = await t.http.get('/api/v1/keuzes/21').expect(200);
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });
});
