import { AccessRequest, SignInToken } from '../src/accounts/auth.entities.js';
import { Database } from '../src/infra/database/database.service.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs, signInCast } from './support/auth.js';

/**
 * Hostile and careless input that used to answer 500: deep nesting, malformed multipart,
 * lone surrogates, null in optional fields, over-long form values, and English or misleading
 * validation reasons. Every such request must be a clear 400 problem+json (or, for the HTML
 * forms, a Dutch page with status 400).
 */
describe('input hardening (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let expert: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let secondSecretariat: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    ({ requester, expert, coordinator, secretariat } = await signInCast(t, [21, 25]));
    secondSecretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A 400 problem+json whose reasons are all Dutch; returns its invalidParams. */
  function expectProblem(res: { status: number; headers: Record<string, string>; body: { invalidParams?: { name: string; reason: string }[]; detail?: string } }, status = 400) {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
    for (const p of res.body.invalidParams ?? []) expect(p.reason).not.toMatch(ENGLISH);
    expect(res.body.detail).not.toMatch(ENGLISH);
    return res.body.invalidParams ?? [];
  }
  /** The fields named, each once (a value may break several rules of one field). */
  const names = (params: { name: string }[]) => [...new Set(params.map((p) => p.name))];

  async function answeredQuestion(): Promise<string> {
    const created = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Peil', body: 'Mag het peil omhoog?', keuzeIds: [25] }).expect(201);
    await t.drain();
    const id = created.body.id as string;
    await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.auth).send({}).expect(200);
    await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.auth).send({ body: 'Ja, met een peilbesluit.' }).expect(200);
    return id;
  }

  describe('nesting depth', () => {
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

    it.each([
      ['an array 1,500 deep', deepArray(1500)],
      ['an object 1,500 deep', deepObject(1500)],
      ['an array 21 deep', deepArray(21)],
      ['an e-mail field holding an object 100 deep', `{"email":${deepObject(100)}}`],
    ])('answers %s to an anonymous route with 400 problem+json', async (_what, body) => {
      const res = await t.http.post('/api/v1/auth/sign-in-links').set('Content-Type', 'application/json').send(body);
      const params = expectProblem(res);
      expect(params).toEqual([expect.objectContaining({ name: 'body', reason: expect.stringContaining('genest') })]);
    });

    it('bounds the depth on every JSON route, signed in too', async () => {
      for (const [method, path] of [
        ['post', '/api/v1/users'],
        ['patch', '/api/v1/me'],
        ['post', '/api/v1/questions'],
        ['post', '/api/v1/articles'],
        ['put', '/api/v1/sla-policies/normal'],
      ] as const) {
        const res = await t.http[method](path).set(secretariat.auth).set('Content-Type', 'application/json').send(deepArray(1500));
        expectProblem(res);
      }
    });

    it('still accepts the nesting real bodies use', async () => {
      const res = await t.http
        .post('/api/v1/users')
        .set(secretariat.auth)
        .send({ email: 'genest@ienw.example.nl', displayName: 'Genest', roles: ['expert'], expertise: { keuzeIds: [1], themeIds: [2] } })
        .expect(201);
      expect(res.body.expertise).toEqual({ keuzeIds: [1], themeIds: [2] });
    });

    it('keeps bracketed query keys flat and rejects them as unknown parameters', async () => {
      const key = 'a' + '[b]'.repeat(500);
      const res = await t.http.get(`/api/v1/questions?${key}=1`).set(coordinator.auth);
      const params = expectProblem(res);
      expect(names(params)).toEqual([key]);
    });
  });

  describe('multipart uploads', () => {
    let questionId: string;
    beforeAll(async () => {
      const res = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Bijlage', body: 'Met een kaart.', keuzeIds: [21] }).expect(201);
      questionId = res.body.id;
    });
    const upload = (contentType: string, body: string) =>
      t.http.post(`/api/v1/questions/${questionId}/attachments`).set(requester.auth).set('Content-Type', contentType).send(body);

    it.each([
      ['a body using another boundary', 'multipart/form-data; boundary=BOUNDARY', '--WRONG\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--WRONG--\r\n'],
      ['no boundary at all', 'multipart/form-data', '--X\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--X--\r\n'],
      ['a part that never ends', 'multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4'],
      ['an empty body', 'multipart/form-data; boundary=X', ''],
      ['a part without headers', 'multipart/form-data; boundary=X', '--X\r\n\r\n\r\n--X--\r\n'],
    ])('answers %s with 400 problem+json', async (_what, contentType, body) => {
      const params = expectProblem(await upload(contentType, body));
      expect(names(params)).toEqual(['file']);
    });

    it('still stores a well-formed upload', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      await t.http.post(`/api/v1/questions/${questionId}/attachments`).set(requester.auth).attach('file', pdf, 'kaart.pdf').expect(201);
    });
  });

  describe('malformed Unicode', () => {
    it.each([
      ['/api/v1/auth/sign-in-links', '{"email":"\\ud800"}', 'email'],
      ['/api/v1/auth/sign-in-links', '{"email":"a\\udc00@example.nl"}', 'email'],
      ['/api/v1/auth/sign-in-links', '{"email":"a@example.nl","returnTo":"/vragen/\\udbff"}', 'returnTo'],
    ])('rejects a lone surrogate in %s %s naming %s', async (path, body, field) => {
      const res = await t.http.post(path).set('Content-Type', 'application/json').send(body);
      const params = expectProblem(res);
      expect(params).toEqual([{ name: field, reason: expect.stringContaining('Unicode') }]);
    });

    it('rejects it in every string field, nested, in arrays and in keys, for signed-in callers too', async () => {
      const cases: [string, string, string, string][] = [
        ['post', '/api/v1/users', '{"email":"x\\ud800@ienw.example.nl","displayName":"X","roles":["expert"]}', 'email'],
        ['post', '/api/v1/users', '{"email":"x@ienw.example.nl","displayName":"\\udfff","roles":["expert"]}', 'displayName'],
        ['post', '/api/v1/users', '{"email":"x@ienw.example.nl","displayName":"X","roles":["expert","\\ud800"]}', 'roles[1]'],
        ['post', '/api/v1/questions', '{"title":"T","body":"B\\ud83d","keuzeIds":[1]}', 'body'],
        ['patch', '/api/v1/me', '{"\\ud800":1}', '\ufffd'],
      ];
      for (const [method, path, body, field] of cases) {
        const who = path === '/api/v1/questions' ? requester : secretariat;
        const res = await t.http[method as 'post'](path).set(who.auth).set('Content-Type', 'application/json').send(body);
        expect(expectProblem(res)).toEqual([{ name: field, reason: expect.stringContaining('Unicode') }]);
      }
    });

    it('rejects it on the routes of the HTML forms too', async () => {
      const res = await t.http.post('/auth/sign-in-link').set('Content-Type', 'application/json').send('{"email":"a@example.nl","returnTo":"\\udc00"}');
      expect(expectProblem(res)).toEqual([{ name: 'returnTo', reason: expect.stringContaining('Unicode') }]);
    });

    it('accepts well-formed text outside the Basic Multilingual Plane', async () => {
      const res = await t.http.patch('/api/v1/me').set(requester.auth).send({ displayName: 'Vera 🌊 Vrager' }).expect(200);
      expect(res.body.displayName).toBe('Vera 🌊 Vrager');
    });
  });

  describe('null in optional fields', () => {
    it.each([
      ['displayName', { displayName: null }],
      ['mailPreference', { mailPreference: null }],
    ])('PATCH /me with %s null is a 400 and changes nothing', async (field, body) => {
      const before = (await t.http.get('/api/v1/me').set(expert.auth).expect(200)).body;
      expect(names(expectProblem(await t.http.patch('/api/v1/me').set(expert.auth).send(body)))).toEqual([field]);
      const after = (await t.http.get('/api/v1/me').set(expert.auth).expect(200)).body;
      expect(after[field]).toBe(before[field]);
    });

    it('PATCH /users/{id}: null is a 400 where a value is required, and clears where the field may be empty', async () => {
      const target = await signInAs(t, { roles: ['expert'], keuzeIds: [3], capacity: 4 });
      const patch = (body: object) => t.http.patch(`/api/v1/users/${target.user.id}`).set(secretariat.auth).send(body);
      for (const field of ['displayName', 'mailPreference', 'roles', 'expertise']) {
        expect(names(expectProblem(await patch({ [field]: null })))).toEqual([field]);
      }
      expect(names(expectProblem(await patch({ expertise: { keuzeIds: null } })))).toEqual(['expertise.keuzeIds']);
      const cleared = await patch({ capacity: null, organisationCode: null }).expect(200);
      expect(cleared.body).toMatchObject({ capacity: null, organisationCode: null, expertise: { keuzeIds: [3], themeIds: [] } });
    });

    it('PATCH /articles/{id} with null content is a 400; the article keeps its text and can still be published', async () => {
      const created = await t.http
        .post('/api/v1/articles')
        .set(coordinator.auth)
        .send({ title: 'Peil verhogen', question: 'Mag het peil omhoog?', answer: 'Ja, met een **peilbesluit**.', keuzeIds: [25], organisationType: 'municipality' })
        .expect(201);
      const id = created.body.id as string;
      const patch = (body: object) => t.http.patch(`/api/v1/articles/${id}`).set(coordinator.auth).send(body);
      expect(names(expectProblem(await patch({ title: null, question: null, answer: null }))).sort()).toEqual(['answer', 'question', 'title']);
      for (const field of ['keuzeIds', 'relatedArticleIds', 'version', 'title']) {
        expect(names(expectProblem(await patch({ [field]: null })))).toEqual([field]);
      }
      // organisationType may be empty: null clears it.
      const cleared = await patch({ organisationType: null }).expect(200);
      expect(cleared.body).toMatchObject({ organisationType: null, title: 'Peil verhogen', question: 'Mag het peil omhoog?', keuzeIds: [25] });
      expect(cleared.body.answer).toBe('Ja, met een **peilbesluit**.');
      await t.http.post(`/api/v1/articles/${id}/submit`).set(coordinator.auth).send({}).expect(200);
      const published = await t.http.post(`/api/v1/articles/${id}/publish`).set(secondSecretariat.auth).send({}).expect(200);
      expect(published.body).toMatchObject({ status: 'published', title: 'Peil verhogen' });
    });

    it('POST /questions/{id}/rating with consentToNameOrganisation null is a 400', async () => {
      const id = await answeredQuestion();
      const rate = (body: object) => t.http.post(`/api/v1/questions/${id}/rating`).set(requester.auth).send(body);
      expect(names(expectProblem(await rate({ score: 4, consentToNameOrganisation: null })))).toEqual(['consentToNameOrganisation']);
      expect(names(expectProblem(await rate({ score: 4, comment: null })))).toEqual(['comment']);
      await rate({ score: 4, consentToNameOrganisation: true }).expect(201);
    });

    it.each([
      ['post', '/api/v1/questions', 'requester', { title: 'T', body: 'B', keuzeIds: [1], context: null }, 'context'],
      ['post', '/api/v1/questions', 'requester', { title: 'T', body: 'B', keuzeIds: [1], desiredAnswerDate: null }, 'desiredAnswerDate'],
      ['post', '/api/v1/questions', 'requester', { title: 'T', body: 'B', keuzeIds: [1], organisationCode: null }, 'organisationCode'],
      ['post', '/api/v1/me/absences', 'expert', { startsOn: '2027-01-04', endsOn: '2027-01-05', note: null }, 'note'],
      ['post', '/api/v1/me/tokens', 'expert', { name: 'Koppeling', expiresAt: null }, 'expiresAt'],
      ['post', '/api/v1/calendar/closures', 'secretariat', { day: '2027-12-24', reason: null }, 'reason'],
      ['put', '/api/v1/sla-policies/normal', 'secretariat', { firstResponseDays: 2, answerDays: 10, reminderPct: null }, 'reminderPct'],
      ['post', '/api/v1/auth/sign-in-links', 'anonymous', { email: 'a@example.nl', returnTo: null }, 'returnTo'],
      ['post', '/api/v1/users', 'secretariat', { email: 'n@ienw.example.nl', displayName: 'N', roles: ['expert'], capacity: null }, 'capacity'],
    ])('%s %s as %s with %j is a 400 naming %s', async (method, path, who, body, field) => {
      const users: Record<string, TestUser | undefined> = { requester, expert, secretariat, anonymous: undefined };
      const request = t.http[method as 'post'](path);
      if (users[who]) request.set(users[who]!.auth);
      expect(names(expectProblem(await request.send(body)))).toEqual([field]);
    });

    it.each([
      ['a tiny number JavaScript writes with an exponent', '{"firstResponseDays":2,"answerDays":1e-7}'],
      ['an exponent with decimals', '{"firstResponseDays":2,"answerDays":1.5e-7}'],
      ['four decimals', '{"firstResponseDays":2,"answerDays":0.1254}'],
    ])('an SLA target with more than three decimals (%s) is a 400 naming it', async (_name, body) => {
      const res = await t.http.put('/api/v1/sla-policies/normal').set(secretariat.auth).set('Content-Type', 'application/json').send(body);
      const params = expectProblem(res);
      expect(names(params)).toEqual(['answerDays']);
      expect(params.map((p) => p.reason).join(' ')).toContain('hoogstens 3 decimalen');
    });
  });

  describe('HTML forms are validated like the API', () => {
    const longAddress = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.nl`;

    it('answers a 260-character address on the sign-in form with a Dutch page (400), not a database error', async () => {
      expect(longAddress.length).toBeGreaterThan(254);
      const res = await t.http.post('/auth/sign-in-link').type('form').send({ email: longAddress });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Vul een geldig e-mailadres in');
      expect(res.text).toContain('254');
      const m = t.app.get(Database).manager;
      expect(await m.countBy(SignInToken, { email: longAddress })).toBe(0);
      expect(await m.countBy(AccessRequest, { email: longAddress })).toBe(0);
    });

    it('answers an over-long reason on a question page with a Dutch page (400)', async () => {
      const created = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Lang', body: 'Een lange reden.', keuzeIds: [25] }).expect(201);
      await t.drain();
      const res = await t.http.post(`/vragen/${created.body.id}/decline`).set(expert.auth).type('form').send({ reason: 'x'.repeat(2001) });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('2000');
      const after = (await t.http.get(`/api/v1/questions/${created.body.id}`).set(coordinator.auth).expect(200)).body;
      expect(after.status).toBe('assigned');
    });
  });

  describe('validation reasons', () => {
    it('accepts expertise with keuzes alone or themes alone', async () => {
      const keuzes = await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 'k@ienw.example.nl', displayName: 'K', roles: ['expert'], expertise: { keuzeIds: [21, 25] } }).expect(201);
      expect(keuzes.body.expertise).toEqual({ keuzeIds: [21, 25], themeIds: [] });
      const themes = await t.http.post('/api/v1/users').set(secretariat.auth).send({ email: 't@ienw.example.nl', displayName: 'T', roles: ['expert'], expertise: { themeIds: [6] } }).expect(201);
      expect(themes.body.expertise).toEqual({ keuzeIds: [], themeIds: [6] });
      const patched = await t.http.patch(`/api/v1/users/${themes.body.id}`).set(secretariat.auth).send({ expertise: { keuzeIds: [1] } }).expect(200);
      expect(patched.body.expertise).toEqual({ keuzeIds: [1], themeIds: [] });
    });

    it.each([
      ['/api/v1/users', { email: 'e@ienw.example.nl', displayName: 'E', roles: ['expert'], expertise: { keuzeIds: [0, 34, 'x'], themeIds: 'alle' }, capacity: 1.5, extra: 1 }],
      ['/api/v1/users', { email: 'geen adres', displayName: '', roles: ['baas', 'baas'], organisationCode: '!' }],
      ['/api/v1/questions', { title: 5, body: ['b'], keuzeIds: 'alle', desiredAnswerDate: 'morgen', suggestionId: 'x' }],
      ['/api/v1/articles', { questionId: 'nee', keuzeIds: [], relatedArticleIds: ['x', 'x'], organisationType: 'bedrijf' }],
      ['/api/v1/me/tokens', { name: 'x'.repeat(101), expiresAt: 'ooit' }],
      ['/api/v1/sla-policies/normal', { firstResponseDays: 'twee', answerDays: 1000, reminderPct: 5 }],
    ])('gives Dutch reasons for every failed rule of %s %j', async (path, body) => {
      const method = path.startsWith('/api/v1/sla-policies') ? 'put' : 'post';
      const who = path === '/api/v1/questions' ? requester : path === '/api/v1/articles' ? coordinator : secretariat;
      const params = expectProblem(await t.http[method](path).set(who.auth).send(body));
      expect(params.length).toBeGreaterThan(1);
      for (const p of params) expect(p.reason).toMatch(DUTCH);
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"hallo"'],
      ['a number', '42'],
    ])('answers %s as the body with a Dutch 400', async (_what, body) => {
      const params = expectProblem(await t.http.post('/api/v1/me/tokens').set(expert.auth).set('Content-Type', 'application/json').send(body));
      expect(params).toEqual([{ name: 'body', reason: expect.stringMatching(DUTCH) }]);
    });

    it('names an unknown field in Dutch', async () => {
      const params = expectProblem(await t.http.patch('/api/v1/me').set(expert.auth).send({ nickname: 'x' }));
      expect(params).toEqual([{ name: 'nickname', reason: 'is geen bekend veld' }]);
    });
  });
});

/** Words of class-validator's English default messages. */
const ENGLISH = /\b(must|should|shorter|longer|each value|nested property|an unknown value|not exist|valid)\b/i;
/** Every Dutch reason says what the value must (not) be. */
const DUTCH = /\b(moet|mag|is geen|ontbreekt|bestaat niet|niet samen)\b/;
