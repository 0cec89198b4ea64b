import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import type { Role } from '../src/common/access.js';
import type { Principal } from '../src/accounts/principal.js';
import type { User } from '../src/accounts/user.entity.js';
import { ARTICLE_INDEX } from '../src/knowledge/article-index.js';
import { KnowledgeService } from '../src/knowledge/knowledge.service.js';
import { SearchIndex, createSearchTable, createSearchTermsTable, dropSearchTable, dropSearchTermsTable } from '../src/infra/search/search-index.js';
import { parseQuery, stem } from '../src/infra/search/dutch-analyzer.js';
import { CORPUS, SEARCH_CASES, type CorpusArticle } from './fixtures/knowledge-corpus.js';
import { TestApp, startTestApp } from './support/test-app.js';

/** A principal for service-level calls (the search cases need no HTTP sign-in to load the corpus). */
export function principalOf(id: string, roles: Role[], displayName = `Medewerker ${id.slice(0, 4)}`): Principal {
  return { user: { id, displayName, roles, email: `${id}@test.example.nl` } as unknown as User, via: 'bearer', mfaSatisfied: true };
}

const AUTHOR = principalOf('00000000-0000-4000-8000-00000000a001', ['expert']);
const EDITOR = principalOf('00000000-0000-4000-8000-00000000a002', ['secretariat']);
const ACTOR = { actorId: null, ip: null };

/** Publishes the corpus through the service (create → submit → publish), as the app indexes it. */
export async function loadCorpus(t: TestApp, articles: CorpusArticle[]): Promise<Map<string, string>> {
  const service = t.app.get(KnowledgeService);
  const ids = new Map<string, string>();
  for (const article of articles) {
    const created = await service.create(
      { title: article.title, question: article.question, answer: article.answer, keuzeIds: article.keuzeIds },
      AUTHOR,
      ACTOR,
    );
    await service.transition(created.id, 'submit', AUTHOR, ACTOR);
    await service.transition(created.id, 'publish', EDITOR, ACTOR);
    ids.set(article.key, created.id);
  }
  return ids;
}

describe('knowledge search on the shared Dutch corpus (e2e)', () => {
  let t: TestApp;
  let ids: Map<string, string>;
  let keyOf: Map<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    ids = await loadCorpus(t, CORPUS);
    keyOf = new Map([...ids].map(([key, id]) => [id, key]));
  }, 300_000);
  afterAll(() => t.close());

  it('has a corpus of at least 200 articles over all 8 themes and 33 keuzes, and at least 40 cases', async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CORPUS.map((a) => a.key)).size).toBe(CORPUS.length);
    expect(new Set(CORPUS.flatMap((a) => a.keuzeIds))).toEqual(new Set(Array.from({ length: 33 }, (_, i) => i + 1)));
    expect(SEARCH_CASES.length).toBeGreaterThanOrEqual(40);
    const res = await t.http.get('/api/v1/articles?pageSize=1').expect(200);
    expect(res.body.page).toMatchObject({ total: CORPUS.length, totalExact: true });
    const search = await t.http.get('/api/v1/articles?q=water&pageSize=1').expect(200);
    expect(search.body.page.totalExact).toBe(true); // fewer matches than the limit (1,000)
    expect(search.body.page.total).toBeGreaterThan(10);
    expect(res.body.facets.themes.map((f: { id: number }) => f.id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each(SEARCH_CASES)('$name: $q', async (c) => {
    const keys: string[] = [];
    let mode: string | undefined;
    const pageSize = c.pageSize ?? 3;
    for (let page = 1; keys.length < 3; page++) {
      const query: Record<string, string | number> = { q: c.q, page, pageSize };
      if (c.keuzeId !== undefined) query.keuzeId = c.keuzeId;
      if (c.themeId !== undefined) query.themeId = c.themeId;
      const res = await t.http.get('/api/v1/articles').query(query).expect(200);
      mode ??= res.body.meta.matchMode;
      keys.push(...res.body.data.map((hit: { id: string }) => keyOf.get(hit.id)));
      for (const hit of res.body.data) {
        if (c.keuzeId !== undefined) expect(hit.keuzeIds).toContain(c.keuzeId);
        if (c.themeId !== undefined) expect(hit.themeIds).toContain(c.themeId);
      }
      if (res.body.data.length < pageSize) break;
    }
    expect({ q: c.q, top3: keys.slice(0, 3) }).toEqual({ q: c.q, top3: expect.arrayContaining([c.expect]) });
    if (c.mode) expect(mode).toBe(c.mode);
  });

  it('finds the same articles after the search-index migrations (prefix indexes, lexeme table), undone and applied again', async () => {
    const results = async () => {
      const out: { q: string; total: number; mode: string; ids: string[] }[] = [];
      for (const c of SEARCH_CASES) {
        const query = { q: c.q, pageSize: 10, ...(c.keuzeId !== undefined ? { keuzeId: c.keuzeId } : {}), ...(c.themeId !== undefined ? { themeId: c.themeId } : {}) };
        const res = await t.http.get('/api/v1/articles').query(query).expect(200);
        out.push({ q: c.q, total: res.body.page.total, mode: res.body.meta.matchMode, ids: res.body.data.map((hit: { id: string }) => hit.id) });
      }
      return out;
    };
    const counts = (r: Awaited<ReturnType<typeof results>>) => r.map(({ q, total, mode }) => ({ q, total, mode }));
    const dataSource = t.app.get(DataSource);
    const searchMigrations = ['SearchPrefixIndexes1795823380080', 'SearchTerms1795823380090'];
    // Undone from the last one back to the search migrations (later migrations with them).
    const undo = MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === searchMigrations[0])).map((m) => m.name);
    expect(undo.slice(0, 2)).toEqual(searchMigrations);
    const before = await results();

    for (const _ of undo) await dataSource.undoLastMigration({ transaction: 'all' });
    // This build's search reads the lexeme table on PostgreSQL: put it back for the measurement of the old
    // prefix indexes (a no-op on SQLite), and take it away again before the migrations run.
    const runner = dataSource.createQueryRunner();
    await createSearchTermsTable(runner, ARTICLE_INDEX);
    const undone = await results();
    await dropSearchTermsTable(runner, ARTICLE_INDEX);
    await runner.release();
    expect((await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name)).toEqual(undo);
    const applied = await results();

    // The same matches everywhere. The order may move slightly against the index built article by article:
    // a contentless FTS5 index cannot subtract a replaced version's words from its BM25 length statistics,
    // and a rebuild counts every article once. Two rebuilds from the same articles rank identically.
    expect(counts(undone)).toEqual(counts(before));
    expect(applied).toEqual(undone);
    for (const [i, c] of SEARCH_CASES.entries()) expect({ q: c.q, hit: applied[i].ids.includes(ids.get(c.expect)!) }).toEqual({ q: c.q, hit: true });
  }, 120_000);

  it('counts a search total up to the limit and says when it stopped there (the same on both databases)', async () => {
    const definition = { table: 'total_probe_fts', fields: [{ name: 'title', weight: 2 }, { name: 'body', weight: 1 }] };
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await createSearchTable(runner, definition);
      const index = new SearchIndex(definition, { window: 5, totalLimit: 12 });
      // 30 documents on "peilbeheer", 12 of them also on "bodemdaling", 13 on "verzilting"; every third tagged.
      await index.indexMany(
        runner,
        Array.from({ length: 30 }, (_, i) => ({
          rowid: i + 1,
          fields: [`Peilbeheer ${i + 1}`, [i < 12 ? 'bodemdaling' : '', i >= 17 ? 'verzilting' : ''].join(' ')],
          tags: i % 3 === 0 ? ['probe'] : [],
        })),
      );
      const search = (q: string, tags: string[] = [], offset = 0) => index.search(runner, parseQuery(q), { tags }, { offset, limit: 5 });
      expect(await search('peilbeheer')).toMatchObject({ mode: 'all', total: 12, totalExact: false });
      expect(await search('bodemdaling')).toMatchObject({ total: 12, totalExact: true });
      expect(await search('verzilting')).toMatchObject({ total: 12, totalExact: false });
      expect(await search('peilbeheer', ['probe'])).toMatchObject({ total: 10, totalExact: true });
      // Ranking and paging are unaffected: the window holds the most recent matches, older ones follow by recency.
      expect((await search('peilbeheer')).hits.map((hit) => hit.rowid).sort((a, b) => b - a)).toEqual([30, 29, 28, 27, 26]);
      expect((await search('peilbeheer', [], 10)).hits.map((hit) => hit.rowid)).toEqual([20, 19, 18, 17, 16]);
      expect(await index.count(runner, parseQuery('peilbeheer'), 'all')).toBe(30);
      expect(await index.count(runner, parseQuery('peilbeheer'), 'all', {}, 7)).toBe(7);
    } finally {
      await dropSearchTable(runner, definition);
      await runner.release();
    }
  });

  it('drops a word that occurs nowhere before the fallback ranks by matched words, and keeps the lexeme table current (both databases)', async () => {
    const definition = { table: 'terms_probe_fts', fields: [{ name: 'title', weight: 2 }, { name: 'body', weight: 1 }], postgresTerms: true };
    const dataSource = t.app.get(DataSource);
    const runner = dataSource.createQueryRunner();
    try {
      await createSearchTable(runner, definition);
      await createSearchTermsTable(runner, definition);
      const index = new SearchIndex(definition);
      await index.indexMany(runner, [
        { rowid: 1, fields: ['Lisdodde op natte veengrond', 'Paludicultuur met lisdodde.'], tags: [] },
        { rowid: 2, fields: ['Lisdodde', 'Een gewas.'], tags: [] },
        { rowid: 3, fields: ['Paludicultuur', 'Natte teelten.'], tags: [] },
      ]);
      await index.index(runner, { rowid: 4, fields: ['Fietsenstalling', 'Bij het station.'], tags: [] });
      const search = (q: string) => index.search(runner, parseQuery(q), {}, { offset: 0, limit: 10 });
      const ranked = (outcome: Awaited<ReturnType<typeof search>>) => outcome.hits.map((hit) => [hit.rowid, hit.matched]);
      const known = await search('lisdodde paludicultuur fietsenstalling');
      expect(known.mode).toBe('any');
      const typo = await search('lisdodde paludicultuur fietsenstalling xyzzyplof');
      expect(typo.mode).toBe('any');
      expect(ranked(typo)).toEqual(ranked(known));
      expect(typo.hits[0]).toMatchObject({ rowid: 1, matched: 2 });
      expect(await search('xyzzyplof plofxyzzy')).toMatchObject({ mode: 'any', total: 0, hits: [] });
      // A replaced document's new words are known at once (the update trigger on PostgreSQL, fts5vocab on SQLite).
      await index.index(runner, { rowid: 2, fields: ['Lisdodde', 'Een gewas voor xyzzyplof.'], tags: [] });
      expect(ranked(await search('xyzzyplof plofxyzzy'))).toEqual([[2, 1]]);
      if (dataSource.options.type === 'postgres') {
        const expected = ['fietsenstalling', 'lisdodde', 'xyzzyplof'].map(stem).sort();
        const terms = await runner.query(`SELECT term FROM terms_probe_fts_terms WHERE term = ANY($1) ORDER BY term`, [expected]);
        expect(terms.map((row: { term: string }) => row.term)).toEqual(expected);
      }
    } finally {
      await dropSearchTermsTable(runner, definition);
      await dropSearchTable(runner, definition);
      await runner.release();
    }
  });
});
