import { StatisticsCells } from '../src/statistics/statistics-cells.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInCast } from './support/auth.js';

/**
 * Statistics under write load: a request sums cells at most STATISTICS_MAX_STALENESS_MS old (by the
 * app's clock) and does not insist on a refresh of its own, so requests arriving while writers keep
 * marking today share one refresh instead of queueing one each; after the bound, a request sees
 * every change.
 */
const STALENESS = 5000;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('gave up waiting');
}
const T = Date.parse('2026-03-02T10:00:00+01:00'); // Monday

describe('statistics: bounded staleness under write load (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let secretariat: TestUser;
  /** Refreshes that ran (each recomputes the days marked when it started), and the most at once. */
  const refreshes = { started: 0, running: 0, mostAtOnce: 0 };
  const at = (ms: number) => t.at(new Date(ms).toISOString());
  const overview = async () => (await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body as { received: number };
  const submit = async (i: number) => {
    await t.http.post('/api/v1/questions').set(requester.auth).send({ title: `Schrijflast ${i}`, body: 'b', keuzeIds: [(i % 33) + 1] }).expect(201);
  };

  beforeAll(async () => {
    // No reconciler run (and background refresh) in the middle: every refresh here is a request's.
    t = await startTestApp({ STATISTICS_MAX_STALENESS_MS: String(STALENESS), SESSION_TTL_HOURS: '720', RECONCILE_INTERVAL_MS: '86400000' });
    at(T);
    ({ requester, secretariat } = await signInCast(t, [21]));
    // Count the refreshes where they happen (behaviour unchanged).
    const cells = t.app.get(StatisticsCells) as unknown as { drain: () => Promise<number> };
    const drain = cells.drain.bind(cells);
    cells.drain = async () => {
      refreshes.started += 1;
      refreshes.mostAtOnce = Math.max(refreshes.mostAtOnce, ++refreshes.running);
      try {
        return await drain();
      } finally {
        refreshes.running -= 1;
      }
    };
    for (let i = 0; i < 3; i++) await submit(i);
    await t.drain();
  });
  afterAll(() => t.close());

  it('serves overview requests arriving while writes mark today from one refresh, not one each', async () => {
    const start = T + 60_000;
    at(start);
    const before = refreshes.started;
    const first = await overview();
    expect(first.received).toBe(3);
    expect(refreshes.started).toBe(before + 1);
    // Writers keep marking today; readers keep asking, one by one and several at once.
    const results: { received: number }[] = [];
    for (let wave = 0; wave < 5; wave++) {
      at(start + wave * 500); // within the first half of the bound (after it, one refresh starts in the background)
      const writes = [submit(100 + 2 * wave), submit(101 + 2 * wave)];
      results.push(await overview());
      results.push(...(await Promise.all([overview(), overview(), overview(), overview()])));
      await Promise.all(writes);
    }
    await t.drain();
    expect(results).toHaveLength(25);
    // All within the bound of the first refresh: none of them waited for another.
    expect(refreshes.started).toBe(before + 1);
    expect(refreshes.mostAtOnce).toBe(1);

    // A request at least the bound after the last change sees every change (and costs one refresh).
    at(start + 4 * 500 + STALENESS);
    expect((await overview()).received).toBe(3 + 10);
    expect(refreshes.started).toBe(before + 2);
  });

  it('refreshes in the background once half the bound has passed, so requests need not wait', async () => {
    const start = T + 90_000;
    at(start);
    await overview();
    await submit(150);
    await t.drain();
    const before = refreshes.started;
    at(start + STALENESS / 2 - 1);
    await overview();
    expect(refreshes.started).toBe(before);
    at(start + STALENESS / 2);
    await overview(); // answered from the cells as they are; a refresh starts behind it
    await until(() => refreshes.started === before + 1 && refreshes.running === 0);
    at(start + STALENESS / 2 + 1);
    const after = await overview();
    expect(after.received).toBe(3 + 10 + 1);
    expect(refreshes.started).toBe(before + 1);
  });

  it('lets requests that find the cells too old share the one refresh they start', async () => {
    const start = T + 120_000;
    at(start);
    await submit(200);
    await t.drain();
    const before = refreshes.started;
    const [a, b, c, d, e, f] = await Promise.all([overview(), overview(), overview(), overview(), submit(201).then(overview), overview()]);
    for (const result of [a, b, c, d, f]) expect(result.received).toBeGreaterThanOrEqual(3 + 10 + 1);
    expect(e.received).toBeGreaterThanOrEqual(3 + 10 + 1);
    expect(refreshes.started).toBe(before + 1);
    expect(refreshes.mostAtOnce).toBe(1);
  });

  it('does not trust a refresh from the future when the clock is set back', async () => {
    at(T + 3_600_000);
    const later = await overview();
    at(T + 180_000);
    await submit(300);
    await t.drain();
    expect((await overview()).received).toBe(later.received + 1);
    // And from then on the cells count as fresh again: the next request within the bound needs no refresh.
    const started = refreshes.started;
    await overview();
    expect(refreshes.started).toBe(started);
  });
});
