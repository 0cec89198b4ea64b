import { DataSource, QueryRunner } from 'typeorm';
import { parseQuery, stem } from './dutch-analyzer.js';
import { SqlParams } from '../../infra/database/sql.js';
import { SQLITE_PREFIX_LENGTHS, SearchIndex, SearchIndexDefinition, createSearchTable, dropSearchTable, queryParts, rebuildSearchTable, searchTag } from './search-index.js';

const DEFINITION: SearchIndexDefinition = { table: 'doc_fts', fields: [{ name: 'title', weight: 4 }, { name: 'body', weight: 1 }] };

describe('SearchIndex on SQLite FTS5', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  let index: SearchIndex;

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'sqlite', database: ':memory:' }).initialize();
    runner = dataSource.createQueryRunner();
    await createSearchTable(runner, DEFINITION);
    index = new SearchIndex(DEFINITION, { window: 5, anyModeLimit: 50 });
  });
  afterEach(async () => {
    await runner.release();
    await dataSource.destroy();
  });

  const add = (rowid: number, title: string, body: string, tags: string[] = ['statuspublished']) => index.index(dataSource.manager, { rowid, fields: [title, body], tags });
  const rowids = (hits: { rowid: number }[]) => hits.map((hit) => hit.rowid);

  it('indexes stemmed text, replaces and removes documents', async () => {
    await add(1, 'Grondwateronttrekkingen in de Peel', 'Beregening uit grondwater.');
    await add(2, 'Waterberging', 'Diepe polders.');
    const m = dataSource.manager;
    expect(await index.count(m, parseQuery('grondwater'), 'all')).toBe(1);
    expect(await index.count(m, parseQuery('onttrekking'), 'all')).toBe(0); // prefixes start at the word start
    expect(await index.count(m, parseQuery('polder'), 'all')).toBe(1);
    await add(2, 'Waterberging', 'Grondwater en polders.');
    expect(await index.count(m, parseQuery('grondwater'), 'all')).toBe(2);
    await index.remove(m, 1);
    expect(await index.count(m, parseQuery('grondwater'), 'all')).toBe(1);
  });

  it('filters by tags, which never match search words', async () => {
    await add(1, 'Keuze 21 en woningbouw', 'tekst', ['statuspublished', searchTag('keuze', 21)]);
    await add(2, 'Woningbouw', 'tekst', ['statusdraft', searchTag('keuze', 21)]);
    const m = dataSource.manager;
    expect(await index.count(m, parseQuery('woningbouw'), 'all', { tags: ['statuspublished'] })).toBe(1);
    expect(await index.count(m, parseQuery('woningbouw'), 'all', { tags: ['keuze21'] })).toBe(2);
    expect(await index.count(m, parseQuery('statuspublished'), 'all')).toBe(0);
    expect(await index.count(m, parseQuery('keuze'), 'all')).toBe(1); // the title word, not the tag keuze21
  });

  it('rebuilds the index with other prefix lengths and finds the same documents', async () => {
    await add(1, 'Grondwateronttrekkingen in de Peel', 'Beregening uit grondwater.');
    await add(2, 'Waterberging', 'Diepe polders en peilbuizen.', ['statusdraft']);
    await add(3, 'Peilbesluit', 'Het peil in de polder.');
    const queries = ['grondwater', 'peil', 'polder', 'wa', '"diepe polders"'];
    const before = await Promise.all(queries.map((q) => index.rank(dataSource.manager, parseQuery(q), 'all', {}, 10)));
    const sql = async () => ((await runner.query(`SELECT sql FROM sqlite_master WHERE name = 'doc_fts'`)) as { sql: string }[])[0].sql;
    expect(await sql()).toContain(`prefix='${SQLITE_PREFIX_LENGTHS.join(' ')}'`);

    // Contentless: the documents come from their source again, in batches.
    async function* documents() {
      yield [{ rowid: 1, fields: ['Grondwateronttrekkingen in de Peel', 'Beregening uit grondwater.'], tags: ['statuspublished'] }];
      yield [
        { rowid: 2, fields: ['Waterberging', 'Diepe polders en peilbuizen.'], tags: ['statusdraft'] },
        { rowid: 3, fields: ['Peilbesluit', 'Het peil in de polder.'], tags: ['statuspublished'] },
      ];
    }
    await rebuildSearchTable(runner, DEFINITION, documents(), [3, 5, 7]);
    expect(await sql()).toContain(`prefix='3 5 7'`);
    const after = await Promise.all(queries.map((q) => index.rank(dataSource.manager, parseQuery(q), 'all', {}, 10)));
    expect(after).toEqual(before);
    expect(rowids(after[1])).toEqual(expect.arrayContaining([2, 3]));
    expect(await index.count(dataSource.manager, parseQuery('peil'), 'all', { tags: ['statusdraft'] })).toBe(1);
    await expect(createSearchTable(runner, { table: 'other_fts', fields: [{ name: 'a', weight: 1 }] }, [0])).rejects.toThrow('prefix');
  });

  it('weighs the title above the body', async () => {
    await add(1, 'Over iets anders', 'Bodemdaling in het veen.');
    await add(2, 'Bodemdaling', 'Over iets anders in het veen.');
    expect(rowids(await index.rank(dataSource.manager, parseQuery('bodemdaling'), 'all', {}, 10))).toEqual([2, 1]);
  });

  it('ranks within the window of the most recent matches, then continues by recency', async () => {
    // 12 matches; the best one (title hit) is old, outside the window of 5.
    await add(1, 'Verzilting', 'Verzilting verzilting.');
    for (let rowid = 2; rowid <= 12; rowid++) await add(rowid, `Artikel ${rowid}`, rowid === 11 ? 'Verzilting verzilting in de polder.' : 'Iets over verzilting.');
    const m = dataSource.manager;
    const parsed = parseQuery('verzilting');
    const page1 = await index.rank(m, parsed, 'all', {}, 3, 0);
    expect(page1[0].rowid).toBe(11); // best within the window 8–12
    expect(rowids(page1).every((id) => id >= 8)).toBe(true);
    const all = [...page1, ...(await index.rank(m, parsed, 'all', {}, 3, 3)), ...(await index.rank(m, parsed, 'all', {}, 6, 6))];
    expect(rowids(all).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1)); // every match exactly once
    expect(rowids(all).slice(5)).toEqual([7, 6, 5, 4, 3, 2, 1]); // beyond the window: by recency
    const outcome = await index.search(m, parsed, {}, { offset: 0, limit: 3 });
    expect(outcome).toMatchObject({ mode: 'all', total: 12, complete: false });
    expect(outcome.matchSet.kind).toBe('query');
    if (outcome.matchSet.kind === 'query') {
      const window = await m.query(outcome.matchSet.sql, outcome.matchSet.params.values);
      expect(window.map((row: { rowid: number }) => row.rowid)).toEqual([12, 11, 10, 9, 8]);
    }
  });

  it('falls back to any-term matching ranked by the number of matched parts', async () => {
    await add(1, 'Lisdodde op natte veengrond', 'Paludicultuur met lisdodde.');
    await add(2, 'Lisdodde', 'Een gewas.');
    await add(3, 'Paludicultuur', 'Natte teelten.');
    await add(4, 'Fietsenstalling', 'Bij het station.');
    const m = dataSource.manager;
    const outcome = await index.search(m, parseQuery('lisdodde paludicultuur fietsenstalling'), {}, { offset: 0, limit: 10 });
    expect(outcome.mode).toBe('any');
    expect(outcome.hits[0]).toMatchObject({ rowid: 1, matched: 2 });
    expect(rowids(outcome.hits).sort()).toEqual([1, 2, 3, 4]);
    expect(outcome.hits.slice(1).every((hit) => hit.matched === 1)).toBe(true);
    expect(outcome.total).toBe(4);
    // A word that occurs nowhere is dropped before the lists are built: the same ranking, by matched parts.
    const typo = await index.search(m, parseQuery('lisdodde paludicultuur fietsenstalling xyzzyplof'), {}, { offset: 0, limit: 10 });
    expect(typo.mode).toBe('any');
    expect(typo.hits[0]).toMatchObject({ rowid: 1, matched: 2 });
    expect(rowids(typo.hits).sort()).toEqual([1, 2, 3, 4]);
    expect(await index.search(m, parseQuery('xyzzyplof plofxyzzy'), {}, { offset: 0, limit: 10 })).toMatchObject({ mode: 'any', total: 0, hits: [] });
    // Enough results with all words: no fallback.
    const strict = await index.search(m, parseQuery('lisdodde'), {}, { offset: 0, limit: 10 }, 2);
    expect(strict).toMatchObject({ mode: 'all', total: 2 });
    // A single word never falls back.
    expect((await index.search(m, parseQuery('xyzzy'), {}, { offset: 0, limit: 10 })).mode).toBe('all');
  });

  it('matches quoted phrases as phrases', async () => {
    await add(1, 'Zoet water', 'Een tekort aan zoet water.');
    await add(2, 'Water', 'Zoet en zout water.');
    expect(rowids(await index.rank(dataSource.manager, parseQuery('"zoet water"'), 'all', {}, 10))).toEqual([1]);
  });

  it('finds similar documents by their rarest terms', async () => {
    await add(1, 'Koelwaterlozingen bij hittegolf', 'Energiecentrale en rivier.');
    await add(2, 'Waterberging', 'De rivier en de polder.');
    await add(3, 'Rivier', 'De rivier.');
    const m = dataSource.manager;
    const frequencies = await index.documentFrequencies(m, [stem('rivier'), stem('hittegolf'), 'xyz']);
    expect(Object.fromEntries(frequencies)).toEqual({ [stem('rivier')]: 3, [stem('hittegolf')]: 1, xyz: 0 });
    const terms = parseQuery('wij hebben een energiecentrale aan de rivier en een hittegolf').terms;
    const hits = await index.similar(m, terms, {}, 2, 2);
    expect(hits[0]).toMatchObject({ rowid: 1, matched: 2 });
  });

  it('bulk-loads, optimizes and drops', async () => {
    const m = dataSource.manager;
    const automerge = async () => (await m.query(`SELECT v FROM ${DEFINITION.table}_config WHERE k = 'automerge'`))[0]?.v;
    const segments = async () => (await m.query(`SELECT count(*) AS n FROM ${DEFINITION.table}_data WHERE id > 10`))[0].n as number;
    await index.beginBulkLoad(m);
    expect(await automerge()).toBe(16); // merges held back while loading
    for (let batch = 0; batch < 3; batch++) {
      await index.indexMany(m, Array.from({ length: 150 }, (_, i) => ({ rowid: batch * 150 + i + 1, fields: [`Titel ${i}`, i % 2 ? 'bodemdaling' : 'verzilting'], tags: [] })));
    }
    const beforeMerge = await segments();
    await index.endBulkLoad(m);
    expect(await automerge()).toBe(4); // FTS5's default again
    expect(await segments()).toBeLessThan(beforeMerge); // merged
    expect(await index.count(m, parseQuery('bodemdaling'), 'all')).toBe(225);
    await dropSearchTable(runner, DEFINITION);
    await expect(index.count(dataSource.manager, parseQuery('bodemdaling'), 'all')).rejects.toThrow();
  });
});

describe('search-index helpers', () => {
  it('numbers placeholders per driver', () => {
    const sqlite = new SqlParams('sqlite');
    expect([sqlite.add(1), sqlite.add('x')]).toEqual(['?1', '?2']);
    const pg = new SqlParams('postgres');
    expect([pg.add(1), pg.add('x')]).toEqual(['$1', '$2']);
    expect(pg.values).toEqual([1, 'x']);
  });

  it('builds IN lists and CASE … WHEN mappings with numbered placeholders', () => {
    const p = new SqlParams('postgres');
    expect(p.list(['a', 'b'])).toBe('$1, $2');
    expect(p.caseOf('id', [['a', 1], ['b', 2]])).toBe('CASE id WHEN $3 THEN $4 WHEN $5 THEN $6 END');
    expect(p.values).toEqual(['a', 'b', 'a', 1, 'b', 2]);
  });

  it('folds tags and splits queries into parts', () => {
    expect(searchTag('status', 'in_review')).toBe('statusinreview');
    expect(queryParts(parseQuery('dijk "zoet water" peil')).map((p) => [p.terms.length, p.phrases.length])).toEqual([[1, 0], [1, 0], [0, 1]]);
  });

  it('rejects unsafe definitions', () => {
    expect(() => new SearchIndex({ table: 'x; DROP TABLE y', fields: [{ name: 'a', weight: 1 }] })).toThrow();
    expect(() => new SearchIndex({ table: 'x', fields: [{ name: 'tags', weight: 1 }] })).toThrow();
    expect(() => new SearchIndex({ table: 'x', fields: [] })).toThrow();
  });
});
