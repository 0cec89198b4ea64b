import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInCast } from './support/auth.js';

/** Raw bytes of a response, so the byte-order mark is checked as sent. */
function bytes(res: NodeJS.ReadableStream, callback: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('statistics: export and access (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  const drain = () => t.drain();
  const at = (local: string) => t.at(local);

  beforeAll(async () => {
    t = await startTestApp({ SESSION_TTL_HOURS: '720' });
    at('2026-03-02T08:00:00+01:00');
    ({ requester, expert, coordinator, secretariat } = await signInCast(t, [30]));
    // Mon 2 March 2026 (CET) 09:00, accepted 12:00 (0.375), answered Wed 11:00 (2.25 working days).
    at('2026-03-02T09:00:00+01:00');
    const id = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Beekdal; "herstel"', body: 'b', keuzeIds: [30] }).expect(201)).body.id;
    await drain();
    at('2026-03-02T12:00:00+01:00');
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).expect(200);
    at('2026-03-04T11:00:00+01:00');
    await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'Zo.' }).expect(200);
    await drain();
    at('2026-03-10T12:00:00+01:00');
  });
  afterAll(() => t.close());

  it('exports CSV for Dutch Excel: BOM, semicolons, decimal commas, header, CRLF', async () => {
    const res = await t.http.get('/api/v1/statistics/export?by=theme&from=2026-03-01&to=2026-03-31&format=csv').set(secretariat.auth).buffer(true).parse(bytes as never).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="vraagbaak-statistiek-theme-2026-03-01-2026-03-31\.csv"$/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(lines).toHaveLength(1 + 8);
    const header = lines[0].split(';');
    expect(header.slice(0, 4)).toEqual(['Groep', 'Omschrijving', 'Ontvangen', 'Open']);
    const theme8 = lines.find((line) => line.startsWith('8;'))!.split(';');
    expect(theme8).toHaveLength(header.length);
    const column = (name: string) => theme8[header.indexOf(name)];
    expect(column('Ontvangen')).toBe('1');
    expect(column('Eerste reactie mediaan (werkdagen)')).toBe('0,375');
    expect(column('Antwoord mediaan (werkdagen)')).toBe('2,25');
    expect(column('Binnen norm antwoord (%)')).toBe('100');
    expect(column('Waardering gemiddeld')).toBe('');
    const theme1 = lines.find((line) => line.startsWith('1;'))!.split(';');
    expect(theme1[header.indexOf('Ontvangen')]).toBe('0');
  });

  it('exports totals without a dimension, quotes text with separators, and JSON', async () => {
    const csv = await t.http.get('/api/v1/statistics/export').set(secretariat.auth).buffer(true).parse(bytes as never).expect(200);
    const lines = (csv.body as Buffer).toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1].startsWith('totaal;Alle vragen;1;0;1;')).toBe(true);
    const { csvCell } = await import('../src/statistics/csv.js');
    expect(csvCell('Beekdal; "herstel"')).toBe('"Beekdal; ""herstel"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(12.5)).toBe('12,5');
    const json = await t.http.get('/api/v1/statistics/export?by=month&from=2026-01-01&to=2026-03-31&format=json').set(secretariat.auth).expect(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.body.rows.map((r: { key: string; received: number }) => [r.key, r.received])).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
      ['2026-03', 1],
    ]);
    expect(json.body.rows[2]).toMatchObject({ firstResponseMedianDays: 0.375, answerMedianDays: 2.25, slaMetAnswerPct: 100 });
  });

  it('shows a change within seconds (no caches)', async () => {
    const before = (await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body.received;
    await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Nog één', body: 'b', keuzeIds: [30] }).expect(201);
    await drain();
    // At most STATISTICS_MAX_STALENESS_MS (default 5 s) later, by the app's clock, the figure includes it.
    at(new Date(Date.parse('2026-03-10T12:00:00+01:00') + t.config.statisticsMaxStalenessMs).toISOString());
    expect((await t.http.get('/api/v1/statistics/overview').set(secretariat.auth).expect(200)).body.received).toBe(before + 1);
  });

  it('is for the secretariat only', async () => {
    for (const path of ['overview', 'breakdown?by=keuze', 'backlog', 'export']) {
      await t.http.get(`/api/v1/statistics/${path}`).expect(401);
      for (const who of [requester, expert, coordinator]) await t.http.get(`/api/v1/statistics/${path}`).set(who.auth).expect(403);
    }
  });
});
