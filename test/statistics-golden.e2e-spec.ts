import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/**
 * GOLDEN: a fixed small dataset built through the API under a controlled clock, with every
 * figure computed by hand. Office hours 09:00–17:00 Europe/Amsterdam (CEST, UTC+2, in April and
 * May 2026); 8 office hours = 1 working day. Holidays on the way: Koningsdag (Mon 27 April),
 * Bevrijdingsdag (Tue 5 May) and Hemelvaartsdag (Thu 14 May).
 *
 * Q1 requester A (GM0363, Amsterdam, PV27), keuze 21 (theme 5), expert E1
 *    submitted Fri 24-04 15:00, accepted Tue 28-04 10:00
 *      first response = Fri 15–17 (2 h) + Tue 9–10 (1 h) = 3 h = 0.375     (weekend and Koningsdag skipped)
 *    clarification Tue 28-04 11:00, reply Thu 30-04 14:00: paused Tue 6 h + Wed 8 h + Thu 5 h = 19 h
 *    answered Mon 04-05 12:00: Fri 2 + Tue 8 + Wed 8 + Thu 8 + Fri 8 + Mon 3 = 37 h − 19 h = 18 h = 2.25
 *    confirmed (closed), rated 5; an article is published from it on 6 May
 * Q2 requester A, keuzes 22 and 25 (themes 5 and 6), E1
 *    submitted Wed 13-05 09:00, accepted 13:00: first response 4 h = 0.5
 *    answered Mon 18-05 11:00: Wed 8 + (Hemelvaart) + Fri 8 + Mon 2 = 18 h = 2.25
 *    reopened Tue 19-05 10:00, answered Wed 20-05 16:00: Tue 7 + Wed 7 = 14 h = 1.75 (reopen clock)
 *    confirmed, rated 3
 * Q3 requester C (PV25, the province of Gelderland), keuze 10 (theme 3), E2
 *    submitted Mon 11-05 20:00 (evening), referred to IPLO Tue 12-05 10:30: 1.5 h = 0.1875 (both clocks)
 * Q4 requester B (WS0155, a water board), keuze 22, E1
 *    submitted Tue 19-05 09:00, accepted 09:30: 0.5 h = 0.0625; withdrawn Wed 20-05: answer clock cancelled
 * Q5 requester A, keuze 21, E1: submitted Wed 06-05 09:00, never accepted; at the time of the
 *    figures (Fri 22-05 12:00) both clocks are past due (first response Thu 07-05 17:00, answer
 *    Wed 20-05 17:00): two misses, no measurement
 * Q6 requester C, keuze 10, E2, priority urgent (1 and 5 working days)
 *    submitted Mon 18-05 09:00, accepted 14:00: 5 h = 0.625; answered Tue 19-05 13:00 with the
 *    article: 8 + 4 = 12 h = 1.5; not confirmed (answered)
 *
 * First response: 0.0625 0.1875 0.375 0.5 0.625 → median ⌈5/2⌉=3rd = 0.375, p90 ⌈4.5⌉=5th = 0.625;
 *   met 5 of 6 verdicts (Q5 missed) = 83.3 %
 * Answer: 0.1875 1.5 2.25 2.25 → median ⌈4/2⌉=2nd = 1.5, p90 ⌈3.6⌉=4th = 2.25; met 4 of 5 = 80 %
 * Reopen answer: 1.75; reopen rate 1 of 3 answered questions = 33.3 %; ratings 5 and 3: mean 4,
 * response 2 of 3 = 66.7 %.
 */
describe('statistics: golden dataset (e2e)', () => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  let c: TestUser;
  let e1: TestUser;
  let e2: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  const q: Record<string, string> = {};
  const drain = () => t.drain();
  const at = (local: string) => t.at(local);
  const act = async (who: TestUser, id: string, action: string, body: Record<string, unknown> = {}, status = 200) => {
    const res = await t.http.post(`/api/v1/questions/${id}/${action}`).set(who.auth).send(body);
    expect([action, res.status, res.body?.detail]).toEqual([action, status, res.body?.detail]);
    await drain();
    return res.body;
  };
  const submit = async (who: TestUser, keuzeIds: number[], title: string) => {
    const res = await t.http.post('/api/v1/questions').set(who.auth).send({ title, body: `${title}?`, keuzeIds }).expect(201);
    await drain();
    return res.body.id as string;
  };
  const stats = async (path: string) => (await t.http.get(`/api/v1/statistics/${path}`).set(secretariat.auth).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    at('2026-04-24T08:00:00+02:00');
    a = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0363', displayName: 'Anna Amsterdam' });
    b = await signInAs(t, { roles: ['requester'], organisationCode: 'WS0155', displayName: 'Bart Waterschap' });
    c = await signInAs(t, { roles: ['requester'], organisationCode: 'PV25', displayName: 'Carla Gelderland' });
    e1 = await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22, 25], capacity: 50, displayName: 'Expert Een' });
    e2 = await signInAs(t, { roles: ['expert'], keuzeIds: [10], capacity: 50, displayName: 'Expert Twee' });
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });

    at('2026-04-24T15:00:00+02:00');
    q.q1 = await submit(a, [21], 'Woningbouw in de polder');
    at('2026-04-28T10:00:00+02:00');
    await act(e1, q.q1, 'accept');
    at('2026-04-28T11:00:00+02:00');
    await act(e1, q.q1, 'clarification-request', { message: 'Welke polder bedoelt u?' });
    at('2026-04-30T14:00:00+02:00');
    await t.http.post(`/api/v1/questions/${q.q1}/messages`).set(a.auth).send({ body: 'De Purmer.' }).expect(200);
    at('2026-05-04T12:00:00+02:00');
    await act(e1, q.q1, 'answer', { body: 'Alleen met waterberging.' });

    at('2026-05-06T09:00:00+02:00');
    q.q5 = await submit(a, [21], 'Bouwen langs de dijk');
    at('2026-05-06T10:00:00+02:00');
    await act(a, q.q1, 'confirm');
    await t.http.post(`/api/v1/questions/${q.q1}/rating`).set(a.auth).send({ score: 5 }).expect(201);
    at('2026-05-06T11:00:00+02:00');
    const article = (await t.http.post('/api/v1/articles').set(e1.auth).send({ questionId: q.q1 }).expect(201)).body;
    await t.http.post(`/api/v1/articles/${article.id}/submit`).set(e1.auth).expect(200);
    await t.http.post(`/api/v1/articles/${article.id}/publish`).set(secretariat.auth).expect(200);
    q.article = article.id;

    at('2026-05-11T20:00:00+02:00');
    q.q3 = await submit(c, [10], 'Bouwen in de uiterwaarden');
    at('2026-05-12T10:30:00+02:00');
    await act(e2, q.q3, 'refer', { to: 'IPLO', reason: 'Vraag over de Omgevingswet' });

    at('2026-05-13T09:00:00+02:00');
    q.q2 = await submit(a, [22, 25], 'Peilverhoging en woningbouw');
    at('2026-05-13T13:00:00+02:00');
    await act(e1, q.q2, 'accept');

    at('2026-05-18T09:00:00+02:00');
    q.q6 = await submit(c, [10], 'Spoedvraag dijkversterking');
    at('2026-05-18T09:15:00+02:00');
    await act(coordinator, q.q6, 'priority', { priority: 'urgent' });
    at('2026-05-18T11:00:00+02:00');
    await act(e1, q.q2, 'answer', { body: 'Ja, mits het peil omhoog mag.' });
    at('2026-05-18T14:00:00+02:00');
    await act(e2, q.q6, 'accept');

    at('2026-05-19T09:00:00+02:00');
    q.q4 = await submit(b, [22], 'Afkoppelen regenwater');
    at('2026-05-19T09:30:00+02:00');
    await act(e1, q.q4, 'accept');
    at('2026-05-19T10:00:00+02:00');
    await act(a, q.q2, 'reopen', { reason: 'En voor bedrijventerreinen?' });
    at('2026-05-19T13:00:00+02:00');
    await act(e2, q.q6, 'answer', { body: 'Zie het artikel.', articleIds: [q.article] });

    at('2026-05-20T12:00:00+02:00');
    await act(b, q.q4, 'withdraw');
    at('2026-05-20T16:00:00+02:00');
    await act(e1, q.q2, 'answer', { body: 'Ook daar geldt het.' });
    at('2026-05-21T09:30:00+02:00');
    await act(a, q.q2, 'confirm');
    await t.http.post(`/api/v1/questions/${q.q2}/rating`).set(a.auth).send({ score: 3 }).expect(201);

    at('2026-05-22T12:00:00+02:00');
  }, 120_000);
  afterAll(() => t.close());

  it('routed every question to the intended expert', async () => {
    for (const [key, expert] of [['q1', e1], ['q2', e1], ['q3', e2], ['q4', e1], ['q5', e1], ['q6', e2]] as const) {
      const detail = (await t.http.get(`/api/v1/questions/${q[key]}`).set(coordinator.auth).expect(200)).body;
      expect([key, detail.assignee?.id]).toEqual([key, expert.user.id]);
    }
  });

  it('stores the clocks of each question in working days', async () => {
    const view = async (id: string) => (await t.http.get(`/api/v1/questions/${id}/sla`).set(coordinator.auth).expect(200)).body;
    const q1 = await view(q.q1);
    const clock = (v: { clocks: { kind: string; round: number }[] }, kind: string, round = 0) => v.clocks.find((x) => x.kind === kind && x.round === round) as Record<string, unknown>;
    expect(clock(q1, 'first_response')).toMatchObject({ measuredDays: 0.375, met: true, targetDays: 2, priority: 'normal' });
    expect(clock(q1, 'answer')).toMatchObject({ measuredDays: 2.25, met: true, targetDays: 10, pausedDays: 19 / 8 });
    expect(q1.events.map((e: { type: string }) => e.type)).toEqual(['started', 'started', 'met', 'paused', 'resumed', 'met']);
    const q2 = await view(q.q2);
    expect(clock(q2, 'answer')).toMatchObject({ measuredDays: 2.25 });
    expect(clock(q2, 'reopen_answer', 1)).toMatchObject({ measuredDays: 1.75, met: true });
    const q4 = await view(q.q4);
    expect(clock(q4, 'answer')).toMatchObject({ cancelled: true, measuredDays: null, met: null });
    const q5 = await view(q.q5);
    expect(clock(q5, 'first_response')).toMatchObject({ stoppedAt: null, dueAt: '2026-05-07T15:00:00.000Z' });
    expect(clock(q5, 'answer')).toMatchObject({ stoppedAt: null, dueAt: '2026-05-20T15:00:00.000Z' });
    const q6 = await view(q.q6);
    expect(q6.priority).toBe('urgent');
    expect(clock(q6, 'first_response')).toMatchObject({ measuredDays: 0.625, targetDays: 1, priority: 'urgent', met: true });
    expect(clock(q6, 'answer')).toMatchObject({ measuredDays: 1.5, targetDays: 5, met: true });
    // Staff only, and only for questions the expert can see.
    await t.http.get(`/api/v1/questions/${q.q1}/sla`).set(e2.auth).expect(404);
    await t.http.get(`/api/v1/questions/${q.q1}/sla`).set(a.auth).expect(403);
  });

  it('gives the exact overview', async () => {
    const overview = await stats('overview?from=2026-04-01&to=2026-05-31');
    expect(overview).toEqual({
      period: { from: '2026-04-01', to: '2026-05-31' },
      received: 6,
      open: 1,
      answered: 1,
      closed: 2,
      referred: 1,
      withdrawn: 1,
      firstResponseDays: { median: 0.375, p90: 0.625, count: 5 },
      answerDays: { median: 1.5, p90: 2.25, count: 4 },
      reopenAnswerDays: { median: 1.75, p90: 1.75, count: 1 },
      slaMetPct: { firstResponse: 83.3, answer: 80, reopenAnswer: 100 },
      reopenRate: 33.3,
      reopens: 1,
      rating: { mean: 4, count: 2, responseRate: 66.7 },
      articlesPublished: 1,
      articleReuse: 1,
    });
    // All time gives the same (nothing outside April–May); May alone drops Q1.
    expect(await stats('overview')).toMatchObject({ received: 6, period: { from: null, to: null } });
    const may = await stats('overview?from=2026-05-01&to=2026-05-31');
    expect(may).toMatchObject({ received: 5, closed: 1, firstResponseDays: { median: 0.1875, p90: 0.625, count: 4 }, answerDays: { median: 1.5, p90: 2.25, count: 3 }, articlesPublished: 1, articleReuse: 1 });
    expect(await stats('overview?from=2026-04-01&to=2026-04-30')).toMatchObject({ received: 1, closed: 1, articlesPublished: 0, articleReuse: 0, rating: { mean: 5, count: 1, responseRate: 100 } });
  });

  it('applies the filters on every figure', async () => {
    expect(await stats('overview?keuzeId=21')).toMatchObject({ received: 2, open: 1, closed: 1, firstResponseDays: { median: 0.375, count: 1 }, slaMetPct: { firstResponse: 50, answer: 50 }, articlesPublished: 1 });
    expect(await stats('overview?themeId=3')).toMatchObject({ received: 2, referred: 1, answered: 1, firstResponseDays: { median: 0.1875, p90: 0.625 }, articleReuse: 1, articlesPublished: 0 });
    expect(await stats('overview?organisationType=water_board')).toMatchObject({ received: 1, withdrawn: 1, firstResponseDays: { median: 0.0625, count: 1 }, answerDays: { count: 0, median: null } });
    expect(await stats('overview?provinceCode=PV25')).toMatchObject({ received: 2, referred: 1, answered: 1 });
    expect(await stats('overview?provinceCode=PV27')).toMatchObject({ received: 3, articlesPublished: 1, rating: { count: 2 } });
  });

  it('breaks down by theme with every theme listed and a two-keuze question in both', async () => {
    const res = await stats('breakdown?by=theme&from=2026-04-01&to=2026-05-31');
    expect(res.groups).toHaveLength(8);
    const group = (key: string) => res.groups.find((g: { key: string }) => g.key === key);
    expect(group('5')).toMatchObject({
      received: 4,
      open: 1,
      closed: 2,
      withdrawn: 1,
      firstResponseDays: { median: 0.375, p90: 0.5, count: 3 },
      answerDays: { median: 2.25, p90: 2.25, count: 2 },
      slaMetPct: { firstResponse: 75, answer: 66.7, reopenAnswer: 100 },
      reopenRate: 50,
      rating: { mean: 4, count: 2, responseRate: 100 },
      articlesPublished: 1,
      articleReuse: 0,
    });
    expect(group('6')).toMatchObject({ received: 1, closed: 1, firstResponseDays: { median: 0.5, p90: 0.5 }, rating: { mean: 3 } });
    expect(group('3')).toMatchObject({ received: 2, referred: 1, answered: 1, firstResponseDays: { median: 0.1875, p90: 0.625 }, answerDays: { median: 0.1875, p90: 1.5 }, articleReuse: 1 });
    expect(group('1')).toMatchObject({ received: 0, firstResponseDays: { median: null, p90: null, count: 0 }, slaMetPct: { firstResponse: null } });
    expect(res.groups.reduce((sum: number, g: { received: number }) => sum + g.received, 0)).toBe(7);
    expect(res.totals).toMatchObject({ received: 6, countsQuestionsOncePerGroup: true });
    expect(res.totals.note).toMatch(/meerdere/);
  });

  it('breaks down by keuze, organisation type, province, month, quarter and expert', async () => {
    const by = async (dimension: string) => (await stats(`breakdown?by=${dimension}&from=2026-04-01&to=2026-05-31`)) as { groups: { key: string; received: number }[]; totals: { countsQuestionsOncePerGroup: boolean } };
    const keuzes = await by('keuze');
    expect(keuzes.groups).toHaveLength(33);
    expect(Object.fromEntries(keuzes.groups.filter((g) => g.received > 0).map((g) => [g.key, g.received]))).toEqual({ '10': 2, '21': 2, '22': 2, '25': 1 });
    const types = await by('organisationType');
    expect(types.groups.map((g) => [g.key, g.received])).toEqual([['municipality', 3], ['province', 2], ['water_board', 1], ['central_government', 0], ['other', 0]]);
    expect(types.totals.countsQuestionsOncePerGroup).toBe(false);
    const provinces = await by('province');
    expect(provinces.groups).toHaveLength(12);
    expect(Object.fromEntries(provinces.groups.filter((g) => g.received > 0).map((g) => [g.key, g.received]))).toEqual({ PV25: 2, PV27: 3 });
    const months = await by('month');
    expect(months.groups.map((g) => [g.key, g.received])).toEqual([['2026-04', 1], ['2026-05', 5]]);
    const quarters = await stats('breakdown?by=quarter&from=2026-01-01&to=2026-12-31');
    expect(quarters.groups.map((g: { key: string; received: number }) => [g.key, g.received])).toEqual([['2026-Q1', 0], ['2026-Q2', 6], ['2026-Q3', 0], ['2026-Q4', 0]]);
    const experts = await by('expert');
    const expert = (id: string) => experts.groups.find((g) => g.key === id) as unknown as Record<string, unknown>;
    expect(expert(e1.user.id)).toMatchObject({ label: 'Expert Een', received: 4, firstResponseDays: { median: 0.375, count: 3 } });
    expect(expert(e2.user.id)).toMatchObject({ received: 2, answerDays: { median: 0.1875, p90: 1.5 } });
  });

  it('shows the backlog by status and age in working days', async () => {
    const backlog = await stats('backlog');
    // Q5: submitted Wed 6 May 09:00; at Fri 22 May 12:00 it is 11 working days and 3 hours old (Hemelvaart skipped).
    expect(backlog.total).toMatchObject({ total: 1, ages: { '0-2': 0, '3-5': 0, '6-10': 0, '>10': 1 } });
    expect(backlog.byStatus.find((r: { status: string }) => r.status === 'assigned')).toMatchObject({ total: 1 });
  });

  it('rejects bad filters with 400', async () => {
    for (const bad of ['overview?from=2026-02-30', 'overview?keuzeId=34', 'overview?organisationType=club', 'overview?provinceCode=GM0363', 'breakdown?by=color', 'breakdown', 'overview?from=2026-05-01&to=2026-04-01', 'overview?unknown=1']) {
      const res = await t.http.get(`/api/v1/statistics/${bad}`).set(secretariat.auth);
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });
});
