import { randomUUID } from 'node:crypto';
import { Database } from '../src/infra/database/database.service.js';
import { KnowledgeService } from '../src/knowledge/knowledge.service.js';
import { QUESTION_INDEX, questionSearchDocument } from '../src/questions/question-index.js';
import { SearchIndex } from '../src/infra/search/search-index.js';
import { parseQuery } from '../src/infra/search/dutch-analyzer.js';
import { SearchLog } from '../src/knowledge/search-log.js';
import { QuestionReader, type QuestionForPublication } from '../src/questions/question-reader.service.js';
import { InvalidInputError } from '../src/common/domain-errors.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

const QUESTION_ID = '5b0c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4';
const CONSENTED_QUESTION_ID = '6c1d5e2f-3a4b-4c6d-9e7f-8091a2b3c4d5';

const SOURCE: QuestionForPublication = {
  title: 'Woningbouw in Hoeksche Waard bij bodemdaling en verzilting',
  body: [
    'Beste Vraagbaak,',
    '',
    'Gemeente Hoeksche Waard wil woningbouwlocaties ontwikkelen in een polder met bodemdaling en verzilting.',
    'Hoe passen wij keuze 21 toe? Collega Piet Bakker denkt mee.',
    '',
    'Met vriendelijke groet,',
    'Jan de Vries',
    'Gemeente Hoeksche Waard',
    'T 06-12345678',
    'E j.devries@hoekschewaard.nl',
    'Bezoekadres: Dorpsstraat 12, 3262 AB Oud-Beijerland',
  ].join('\n'),
  answerBody: [
    'Beste Jan,',
    '',
    'Kies woningbouwlocaties waar de bodem en het water het toelaten: vermijd de laagste delen van de polder.',
    'Bij verzilting hoort voldoende zoet water voor groen. Bel gerust met Eva Expert via 070-1234567 of mail eva.expert@minienw.nl.',
  ].join('\n'),
  keuzeIds: [21, 25],
  organisationType: 'municipality',
  organisationName: 'Gemeente Hoeksche Waard',
  consentToNameOrganisation: false,
  personNames: ['Jan de Vries', 'Piet Bakker'],
};

/** Everything personal in SOURCE (and the author's name); none of it may be published. */
const PERSONAL = ['Jan de Vries', 'Vries', 'Piet Bakker', 'Bakker', 'Eva Expert', 'j.devries', 'hoekschewaard.nl', '06-12345678', '070-1234567', 'eva.expert@minienw.nl', '3262 AB', 'Dorpsstraat', 'Hoeksche Waard'];

function expectNoPersonalData(value: unknown): void {
  const text = JSON.stringify(value).toLowerCase();
  for (const item of PERSONAL) expect({ item, found: text.includes(item.toLowerCase()) }).toEqual({ item, found: false });
  expect(text).not.toMatch(/\bjan\b/);
}

/** No live markup other than the allowed elements, no event handlers, no javascript: URLs. */
function expectNoExecutableHtml(html: string): void {
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    expect(tag).toMatch(/^<\/?(p|br|hr|h[2-6]|strong|em|s|code|pre|blockquote|ul|ol|li|a|table|thead|tbody|tr|th|td|mark)(\s|>|\/)/);
    expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son\w+\s*=/i);
    expect(tag).not.toMatch(/(href|src)="\s*(javascript|vbscript|data):/i);
  }
}

describe('knowledge base: publishing flow, access and analytics (e2e)', () => {
  let t: TestApp;
  let expert: TestUser;
  let expert2: TestUser;
  let coordinator: TestUser;
  let secretariat: TestUser;
  let secretariat2: TestUser;
  let requester: TestUser;

  const api = '/api/v1/articles';
  const post = (who: TestUser | null, path: string, body: object = {}) => {
    const req = t.http.post(path);
    return who ? req.set(who.auth).send(body) : req.send(body);
  };
  const scratch = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    question: `Vraag over ${title.toLowerCase()}?`,
    answer: `Antwoord over ${title.toLowerCase()}.`,
    keuzeIds: [25],
    ...extra,
  });

  /** Creates as `author`, submits, publishes as `publisher`; returns the id. */
  async function publishNew(body: object, author = expert, publisher = secretariat): Promise<string> {
    const created = await post(author, api, body).expect(201);
    await post(author, `${api}/${created.body.id}/submit`).expect(200);
    await post(publisher, `${api}/${created.body.id}/publish`).expect(200);
    return created.body.id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    expert = await signInAs(t, { roles: ['expert'], email: 'eva.expert@minienw.nl', displayName: 'Eva Expert' });
    expert2 = await signInAs(t, { roles: ['expert'] });
    coordinator = await signInAs(t, { roles: ['coordinator'] });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
    secretariat2 = await signInAs(t, { roles: ['secretariat'] });
    requester = await signInAs(t, { roles: ['requester'] });
    // The question's material comes from a stand-in, so these tests need no question's lifecycle.
    t.app.get(QuestionReader).forPublication = async (id) => {
      if (id === QUESTION_ID) return SOURCE;
      if (id === CONSENTED_QUESTION_ID) return { ...SOURCE, title: 'Peilbeheer met toestemming', consentToNameOrganisation: true };
      return null;
    };
  });
  afterAll(() => t.close());

  describe('a draft from a question', () => {
    let draft: Record<string, any>;

    it('is pre-filled and anonymised, listing what was removed (staff only)', async () => {
      const res = await post(expert, api, { questionId: QUESTION_ID }).expect(201);
      draft = res.body;
      expect(draft).toMatchObject({
        status: 'draft',
        sourceQuestionId: QUESTION_ID,
        keuzeIds: [21, 25],
        themeIds: [5, 6],
        organisationType: 'municipality',
        organisationName: null,
        version: 1,
        publishedAt: null,
      });
      expectNoPersonalData({ title: draft.title, question: draft.question, answer: draft.answer, answerHtml: draft.answerHtml });
      expect(draft.question).toContain('[naam]');
      expect(draft.question).toContain('[e-mailadres]');
      expect(draft.question).toContain('[organisatie]');
      const kinds = new Set(draft.removedPersonalData.map((item: { kind: string }) => item.kind));
      for (const kind of ['name', 'email', 'phone', 'postcode', 'address', 'organisation']) expect(kinds).toContain(kind);
      expect(draft.removedPersonalData).toEqual(expect.arrayContaining([{ kind: 'name', value: 'Jan de Vries' }, { kind: 'email', value: 'j.devries@hoekschewaard.nl' }]));
    });

    it('keeps the organisation name when the organisation consented', async () => {
      const res = await post(coordinator, api, { questionId: CONSENTED_QUESTION_ID }).expect(201);
      expect(res.body.organisationName).toBe('Gemeente Hoeksche Waard');
      expect(res.body.question).toContain('Gemeente Hoeksche Waard wil');
      expect(res.body.question).not.toContain('j.devries');
    });

    it('refuses a second article of the same question, an unknown question and mixed shapes', async () => {
      const again = await post(expert, api, { questionId: QUESTION_ID }).expect(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.body.articleId).toBe(draft.id);
      await post(expert, api, { questionId: randomUUID() }).expect(404);
      const mixed = await post(expert, api, { questionId: QUESTION_ID, title: 'x' }).expect(400);
      expect(mixed.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['title']);
      const none = await post(expert, api, { title: 'Alleen een titel' }).expect(400);
      expect(none.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['question', 'answer', 'keuzeIds']);
    });

    it('is published without any personal data of the source', async () => {
      await post(expert, `${api}/${draft.id}/submit`).expect(200);
      await post(secretariat, `${api}/${draft.id}/publish`).expect(200);
      const pub = await t.http.get(`${api}/${draft.id}`).expect(200);
      expectNoPersonalData(pub.body);
      const search = await t.http.get(api).query({ q: 'woningbouwlocaties verzilting' }).expect(200);
      expect(search.body.data.map((hit: { id: string }) => hit.id)).toContain(draft.id);
      expectNoPersonalData(search.body.data);
      const suggestions = await t.http.get(`${api}/suggestions`).query({ text: 'Woningbouwlocaties in een polder met verzilting en bodemdaling' }).expect(200);
      expect(suggestions.body.data.map((hit: { id: string }) => hit.id)).toContain(draft.id);
      expectNoPersonalData(suggestions.body.data);
    });
  });

  describe('creating from scratch', () => {
    it.each([
      [{ title: '  ', question: 'q', answer: 'a', keuzeIds: [1] }, 'title'],
      [{ title: 't', question: 'q', answer: 'a', keuzeIds: [] }, 'keuzeIds'],
      [{ title: 't', question: 'q', answer: 'a', keuzeIds: [1, 34] }, 'keuzeIds[1]'],
      [{ title: 't'.repeat(301), question: 'q', answer: 'a', keuzeIds: [1] }, 'title'],
      [{ title: 't', question: 'q', answer: 'a', keuzeIds: [1], relatedArticleIds: [randomUUID()] }, 'relatedArticleIds[0]'],
      [{ title: 't', question: 'q', answer: 'a', keuzeIds: [1], unknown: true }, 'unknown'],
      [{ questionId: 'not-a-uuid' }, 'questionId'],
    ])('rejects %j naming %s', async (body, field) => {
      const res = await post(expert, api, body).expect(400);
      expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain(field);
    });

    it('is for staff only', async () => {
      await post(null, api, scratch('Anoniem')).expect(401);
      await post(requester, api, scratch('Vrager')).expect(403);
      await post(coordinator, api, scratch('Coördinator')).expect(201);
    });

    it('removes e-mail addresses and phone numbers typed into a new article too', async () => {
      const res = await post(expert, api, scratch('Contact', { answer: 'Mail naar a.b@waterschap.nl of bel 06-87654321.' })).expect(201);
      expect(res.body.answer).toBe('Mail naar [e-mailadres] of bel [telefoonnummer].');
      expect(res.body.removedPersonalData).toEqual([
        { kind: 'email', value: 'a.b@waterschap.nl' },
        { kind: 'phone', value: '06-87654321' },
      ]);
    });
  });

  describe('workflow', () => {
    it('publishes only by the secretariat, never by the last author, with clear problems', async () => {
      const created = await post(secretariat, api, scratch('Vier ogen')).expect(201);
      const id = created.body.id;
      await t.http.get(`${api}/${id}`).expect(404); // drafts are not public
      const staffView = await t.http.get(`${api}/${id}`).set(expert.auth).expect(200);
      expect(staffView.body.status).toBe('draft');

      await post(secretariat, `${api}/${id}/publish`).expect(409); // not in review yet
      const submitted = await post(secretariat, `${api}/${id}/submit`).expect(200);
      expect(submitted.body.status).toBe('in_review');

      await post(expert2, `${api}/${id}/publish`).expect(403); // not secretariat
      await post(null, `${api}/${id}/publish`).expect(401);
      const ownWork = await post(secretariat, `${api}/${id}/publish`).expect(403); // last author
      expect(ownWork.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ownWork.body.detail).toMatch(/Vier ogen/);

      // An expert's edit makes the expert the last author; then the first secretariat member may publish.
      const edited = await t.http.patch(`${api}/${id}`).set(expert.auth).send({ answer: 'Een **beter** antwoord.', version: 2 }).expect(200);
      expect(edited.body).toMatchObject({ version: 3, lastAuthorId: expert.user.id, answerHtml: '<p>Een <strong>beter</strong> antwoord.</p>' });
      const published = await post(secretariat, `${api}/${id}/publish`).expect(200);
      expect(published.body).toMatchObject({ status: 'published', publishedBy: secretariat.user.id, version: 4 });
      expect(published.body.publishedAt).toEqual(published.body.lastReviewedAt);

      const pub = await t.http.get(`${api}/${id}`).expect(200);
      expect(Object.keys(pub.body).sort()).toEqual(
        ['answerHtml', 'id', 'keuzeIds', 'lastReviewedAt', 'organisationName', 'organisationType', 'publishedAt', 'question', 'relatedArticleIds', 'themeIds', 'title'].sort(),
      );

      await t.http.patch(`${api}/${id}`).set(expert.auth).send({ title: 'Te laat' }).expect(409);
      await post(expert, `${api}/${id}/submit`).expect(409);
      await post(expert, `${api}/${id}/archive`).expect(403);
      const archived = await post(secretariat2, `${api}/${id}/archive`).expect(200);
      expect(archived.body.status).toBe('archived');
      await t.http.get(`${api}/${id}`).expect(404);
      const again = await post(secretariat2, `${api}/${id}/archive`).expect(409);
      expect(again.body.type).toBe('urn:vraagbaak:problem:illegal-transition');
    });

    it('keeps the full version history', async () => {
      const created = await post(expert, api, scratch('Historie')).expect(201);
      const id = created.body.id;
      await t.http.patch(`${api}/${id}`).set(expert2.auth).send({ title: 'Historie herzien', keuzeIds: [25, 31] }).expect(200);
      await t.http.patch(`${api}/${id}`).set(expert.auth).send({ title: 'Historie herzien' }).expect(200); // no change, no version
      await t.http.patch(`${api}/${id}`).set(expert.auth).send({ version: 1, answer: 'Verouderd' }).expect(409);
      await post(expert, `${api}/${id}/submit`).expect(200);
      await post(secretariat, `${api}/${id}/publish`).expect(200);
      const res = await t.http.get(`${api}/${id}/versions`).set(coordinator.auth).expect(200);
      expect(res.body.page.total).toBe(4);
      expect(res.body.data.map((v: { version: number; action: string; actorId: string; changedFields: string[] }) => [v.version, v.action, v.actorId, v.changedFields])).toEqual([
        [4, 'published', secretariat.user.id, ['status']],
        [3, 'submitted', expert.user.id, ['status']],
        [2, 'updated', expert2.user.id, ['title', 'keuzeIds']],
        [1, 'created', expert.user.id, expect.arrayContaining(['title', 'answer'])],
      ]);
      expect(res.body.data[1].snapshot).toMatchObject({ title: 'Historie herzien', keuzeIds: [25, 31], status: 'in_review' });
      await t.http.get(`${api}/${id}/versions`).set(requester.auth).expect(403);
      const staff = await t.http.get(`${api}/${id}`).set(expert.auth).expect(200);
      expect(staff.body.themeIds).toEqual([6, 8]);
    });

    it('lets exactly one of two concurrent publications win', async () => {
      const created = await post(expert, api, scratch('Gelijktijdig')).expect(201);
      await post(expert, `${api}/${created.body.id}/submit`).expect(200);
      const results = await Promise.all([post(secretariat, `${api}/${created.body.id}/publish`), post(secretariat2, `${api}/${created.body.id}/publish`)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const versions = await t.http.get(`${api}/${created.body.id}/versions`).set(expert.auth).expect(200);
      expect(versions.body.data.filter((v: { action: string }) => v.action === 'published')).toHaveLength(1);
    });
  });

  describe('safe HTML', () => {
    it('never serves executable HTML in answerHtml or snippets', async () => {
      const hostile = {
        title: 'Bodemdaling <script>alert(1)</script>',
        question: 'Bodemdaling en <img src=x onerror=alert(1)> "quotes" \'single\' <script>alert(document.cookie)</script>',
        answer: [
          '<script>alert(1)</script> Bodemdaling in veen.',
          '[klik](javascript:alert(1)) [ook](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)',
          '<a href="javascript:alert(1)" onclick="alert(1)">x</a> <svg onload=alert(1)></svg>',
          '![img](x" onerror="alert(1))',
          '[goed](https://www.helpdeskwater.nl/)',
        ].join('\n\n'),
        keuzeIds: [25],
      };
      const id = await publishNew(hostile);
      const pub = await t.http.get(`${api}/${id}`).expect(200);
      expectNoExecutableHtml(pub.body.answerHtml);
      expect(pub.body.answerHtml).toContain('<a href="https://www.helpdeskwater.nl/" rel="noopener noreferrer nofollow">goed</a>');
      const search = await t.http.get(api).query({ q: 'bodemdaling script onerror alert' }).expect(200);
      const hit = search.body.data.find((h: { id: string }) => h.id === id);
      expect(hit).toBeDefined();
      expectNoExecutableHtml(hit.snippet);
      expect(hit.snippet).toContain('&lt;<mark>script</mark>&gt;');
      expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"']/);
    });
  });

  describe('search, facets and analytics', () => {
    let koelwater: string;
    beforeAll(async () => {
      koelwater = await publishNew(scratch('Koelwaterlozingen in de zomer', { keuzeIds: [6], question: 'Hoe beperken wij koelwaterlozingen?', answer: 'Begrens koelwaterlozingen bij hoge watertemperatuur.' }));
      await publishNew(scratch('Koelwater en waterkwaliteit', { keuzeIds: [5, 6], question: 'Koelwater en KRW?', answer: 'Koelwater beïnvloedt de waterkwaliteit.' }));
      await publishNew(scratch('Koelwater uit grondwater', { keuzeIds: [2], question: 'Koelwater uit een bron?', answer: 'Een koelwateronttrekking uit grondwater.' }));
      await post(expert, api, scratch('Koelwater concept', { keuzeIds: [6] })).expect(201);
    });

    it('ranks, highlights, counts facets over all matches and returns a search id', async () => {
      const res = await t.http.get(api).query({ q: 'koelwaterlozing', pageSize: 1 }).expect(200);
      expect(res.body.data[0].id).toBe(koelwater);
      expect(res.body.data[0].snippet).toContain('<mark>koelwaterlozingen</mark>');
      expect(res.body.page).toEqual({ number: 1, size: 1, total: 1, totalExact: true });
      const all = await t.http.get(api).query({ q: 'koelwater', pageSize: 1 }).expect(200);
      expect(all.body.page.total).toBe(3); // the draft is not public
      expect(all.body.facets.themes).toEqual([{ id: 2, count: 2 }, { id: 1, count: 1 }]);
      expect(all.body.facets.keuzes).toEqual([{ id: 6, count: 2 }, { id: 2, count: 1 }, { id: 5, count: 1 }]);
      expect(all.body.facets.complete).toBe(true);
      expect(all.body.meta).toEqual({ searchId: expect.stringMatching(/^[0-9a-f-]{36}$/), matchMode: 'all', allWordsTotal: 3 });
      const staff = await t.http.get(api).query({ q: 'koelwater', status: 'draft' }).set(expert.auth).expect(200);
      expect(staff.body.data.map((hit: { title: string; status: string }) => [hit.title, hit.status])).toEqual([['Koelwater concept', 'draft']]);
      const filtered = await t.http.get(api).query({ q: 'koelwater', themeId: 1 }).expect(200);
      expect(filtered.body.page.total).toBe(1);
    });

    it('lists without q by recency, with facets', async () => {
      const res = await t.http.get(api).query({ keuzeId: 6 }).expect(200);
      expect(res.body.data.map((hit: { title: string }) => hit.title)).toEqual(['Koelwater en waterkwaliteit', 'Koelwaterlozingen in de zomer']);
      expect(res.body.meta.matchMode).toBeNull();
      expect(res.body.meta.allWordsTotal).toBeNull();
      expect(res.body.data[0].snippet).not.toContain('<mark>');
      expect(res.body.facets.keuzes).toEqual(expect.arrayContaining([{ id: 6, count: 2 }, { id: 5, count: 1 }]));
    });

    it.each([['q=', 'q'], ['q=%20de%20het%20', 'q'], ['q=AND%20OR', 'q'], ['q=x&status=bogus', 'status'], ['keuzeId=abc', 'keuzeId'], ['pageSize=101', 'pageSize'], ['sort=x', 'sort']])(
      'rejects ?%s naming %s',
      async (query, name) => {
        const res = await t.http.get(`${api}?${query}`).expect(400);
        expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain(name);
      },
    );

    it('shows unpublished articles to staff only', async () => {
      await t.http.get(api).query({ status: 'draft' }).expect(403);
      await t.http.get(api).query({ status: 'draft' }).set(requester.auth).expect(403);
      const staff = await t.http.get(api).query({ status: 'draft' }).set(expert.auth).expect(200);
      expect(staff.body.data.every((hit: { status: string }) => hit.status === 'draft')).toBe(true);
      expect(staff.body.page.total).toBeGreaterThan(0);
    });

    it('records a click on a search whose analytics batch is being written at that moment', async () => {
      const search = await t.http.get(api).query({ q: 'koelwater' }).expect(200);
      // Hold the batch's write back: behind the SQLite write queue, or behind a table lock on PostgreSQL.
      const db = t.app.get(Database);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const blocker = db.transaction(async (m) => {
        if (db.kind === 'postgres') await m.query('LOCK TABLE knowledge_searches IN EXCLUSIVE MODE');
        holding();
        await gate;
      });
      await held;
      // The batch timer fires now: the search leaves the pending list but is not committed yet.
      const flushing = t.app.get(SearchLog).flush();
      const click = post(null, `${api}/searches/${search.body.meta.searchId}/clicks`, { articleId: koelwater }).then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await blocker;
      await flushing;
      expect((await click).status).toBe(204);
    });

    it('records clicks on search results and opened suggestions', async () => {
      const search = await t.http.get(api).query({ q: 'koelwater' }).expect(200);
      await post(null, `${api}/searches/${search.body.meta.searchId}/clicks`, { articleId: koelwater }).expect(204);
      await post(null, `${api}/searches/${randomUUID()}/clicks`, { articleId: koelwater }).expect(404);
      await post(null, `${api}/searches/${search.body.meta.searchId}/clicks`, { articleId: randomUUID() }).expect(400);
      await post(null, `${api}/searches/not-a-uuid/clicks`, { articleId: koelwater }).expect(400);

      const suggestions = await t.http.get(`${api}/suggestions`).query({ text: 'Wij willen de koelwaterlozingen van een fabriek beperken in de zomer' }).expect(200);
      expect(suggestions.body.data.length).toBeGreaterThan(0);
      expect(suggestions.body.data.length).toBeLessThanOrEqual(5);
      expect(suggestions.body.data[0].id).toBe(koelwater);
      const suggestionId = suggestions.body.suggestionId;
      await post(null, `${api}/suggestions/${suggestionId}/opened`, { articleId: koelwater }).expect(204);
      await post(null, `${api}/suggestions/${suggestionId}/opened`, { articleId: randomUUID() }).expect(400);
      await post(null, `${api}/suggestions/${randomUUID()}/opened`, { articleId: koelwater }).expect(404);
      await t.http.get(`${api}/suggestions`).query({ text: 'de het een' }).expect(400);

      const service = t.app.get(KnowledgeService);
      const db = t.app.get(Database);
      expect(await db.transaction((m) => service.markSuggestionSubmitted(m, suggestionId))).toBe(true);
      expect(await db.transaction((m) => service.markSuggestionSubmitted(m, suggestionId))).toBe(false);
    });

    it('reports what to write next to the secretariat', async () => {
      for (let i = 0; i < 3; i++) await t.http.get(api).query({ q: 'kernfusie reactor' }).expect(200);
      await t.http.get(api).query({ q: 'Kernfusie' }).expect(200);
      const clicked = await t.http.get(api).query({ q: 'koelwaterlozingen zomer', themeId: 2 }).expect(200);
      await post(null, `${api}/searches/${clicked.body.meta.searchId}/clicks`, { articleId: koelwater }).expect(204);
      await t.http.get(api).query({ q: 'Zomer koelwaterlozing', themeId: 2 }).expect(200); // same words, not clicked

      await t.http.get('/api/v1/knowledge/gaps').set(expert.auth).expect(403);
      await t.http.get('/api/v1/knowledge/gaps').expect(401);
      const res = await t.http.get('/api/v1/knowledge/gaps').set(secretariat.auth).expect(200);
      const fusion = res.body.data.find((g: { query: string }) => g.query.toLowerCase().includes('kernfusie reactor'));
      expect(fusion).toMatchObject({ searches: 3, zeroResultSearches: 3, unclickedSearches: 3, themeId: null });
      const cooling = res.body.data.find((g: { query: string; themeId: number }) => g.query.toLowerCase().includes('zomer') && g.themeId === 2);
      expect(cooling).toMatchObject({ searches: 2, zeroResultSearches: 0, unclickedSearches: 1 });
      const theme2 = await t.http.get('/api/v1/knowledge/gaps').query({ themeId: 2 }).set(secretariat.auth).expect(200);
      expect(theme2.body.data.every((g: { themeId: number }) => g.themeId === 2)).toBe(true);
      const past = await t.http.get('/api/v1/knowledge/gaps').query({ from: '2020-01-01', to: '2020-12-31' }).set(secretariat.auth).expect(200);
      expect(past.body.page.total).toBe(0);
      await t.http.get('/api/v1/knowledge/gaps').query({ from: '2026-02-30' }).set(secretariat.auth).expect(400);
    });
  });

  describe('integration points for the questions module', () => {
    it('records reuse of published articles only, once per question', async () => {
      const id = await publishNew(scratch('Hergebruik'));
      const draft = await post(expert, api, scratch('Niet gepubliceerd')).expect(201);
      const service = t.app.get(KnowledgeService);
      const db = t.app.get(Database);
      const questionId = randomUUID();
      expect(await db.transaction((m) => service.recordReuse(m, questionId, [id]))).toBe(1);
      expect(await db.transaction((m) => service.recordReuse(m, questionId, [id.toUpperCase()]))).toBe(0);
      await expect(db.transaction((m) => service.recordReuse(m, questionId, [id, draft.body.id]))).rejects.toThrow(InvalidInputError);
      const staff = await t.http.get(`${api}/${id}`).set(secretariat.auth).expect(200);
      expect(staff.body.reuseCount).toBe(1);
    });

    it('serves another document kind with the same engine: a question document found by Dutch stems and compounds', async () => {
      expect(t.app.get(KnowledgeService).index.table).toBe('article_fts');
      const engine = new SearchIndex(QUESTION_INDEX);
      const db = t.app.get(Database);
      const rowid = 987_654_321;
      const found = async (q: string) => (await engine.search(db.manager, parseQuery(q), {}, { offset: 0, limit: 50 }, 1)).hits.map((hit) => hit.rowid);
      await db.transaction((m) => engine.index(m, questionSearchDocument(rowid, { title: 'Woningbouwlocatie in het veenweidegebied', body: 'Mag dat bij een hoge grondwaterstand?', answerBody: 'Het waterpeil beïnvloedt de draagkracht.' })));
      try {
        expect(await found('woningbouwlocaties')).toContain(rowid);
        expect(await found('veenweide')).toContain(rowid);
        expect(await found('beinvloedt')).toContain(rowid);
        expect(await found('zoutwaterindringing')).not.toContain(rowid);
      } finally {
        await db.transaction((m) => engine.remove(m, rowid));
      }
      expect(await found('woningbouwlocaties')).not.toContain(rowid);
    });
  });
});
