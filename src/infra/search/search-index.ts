/**
 * A Dutch full-text search index on SQLite (FTS5) and PostgreSQL (tsvector + GIN), driven by the
 * analyzer in `../text/dutch-analyzer.ts`: the app stems, both databases only match stems. One
 * `SearchIndex` per indexed kind of document (articles now, questions later), each in its own table.
 *
 * Storage (see `createSearchTable`):
 * - SQLite: a contentless FTS5 table `<table>(f1, …, fn, tags)` (contentless_delete=1, prefix indexes
 *   for every length in `SQLITE_PREFIX_LENGTHS`) whose rowid is the document's integer key, the text columns holding `indexText()` of each
 *   field, `tags` holding filter tokens; the persistent rank is `bm25(weights…, 0)`. An `fts5vocab`
 *   table `<table>_vocab` gives document frequencies.
 * - PostgreSQL: a table `<table>(rowid integer primary key, document tsvector, tags text[])` with GIN
 *   indexes on both; `document` is `setweight(to_tsvector('simple', indexText(field)), A…D) || …`.
 *
 * Queries are bounded, because ranking every match of a common term is what makes search slow:
 * - Ranking happens within the *analysis window*: the `window` most recent matches (highest rowids).
 *   Below that size (the usual case) ranking is exact; above it, the best matches among the most recent
 *   `window` come first and older matches follow by recency.
 * - The match is evaluated once per query (`matchWindow`): one rowid-DESC scan with LIMIT window + 1
 *   returns the window together with its scores (FTS5 `rank`, PostgreSQL `ts_rank_cd`), sorted in JS.
 *   Every extra evaluation costs as much again (an FTS5 prefix term first merges the doclists of every
 *   term with that prefix), so the total needs a `count` only when the window is full, and facets count
 *   the window's rowids (`SearchOutcome.window`) instead of running the MATCH once more.
 * - Totals are exact up to `totalLimit` (1,000) matches; above it the total is that limit and
 *   `totalExact` is false ("more than 1,000", as Elasticsearch's `track_total_hits`). The count reads
 *   matches in rowid order and stops there: a term in 87 % of 100,000 articles counts in 0.7 ms
 *   instead of 57 ms on PostgreSQL (the primary key walked backwards instead of every match fetched).
 * - All terms are preferred; when that finds fewer than `minResults`, the any-term fallback ranks by
 *   the number of matched query parts, then relevance, from bounded candidate lists: every query with
 *   one part left out (up to 6 parts), then — if still short — each part's own window; one single-pass
 *   query per list.
 * - Reads may go to a separate read-only connection (`Queryable` with `kind`, see Database.reader).
 */
import type { QueryRunner } from 'typeorm';
import { MatchMode, ParsedQuery, QueryTerm, indexText, toFts5Match, toTsQuery } from './dutch-analyzer.js';
import { Queryable, SqlParams, databaseKindOf } from '../database/sql.js';

export interface SearchIndexDefinition {
  /** Table name (SQLite FTS5 virtual table, PostgreSQL table); [a-z_] only. */
  table: string;
  /** Indexed text fields in order with their ranking weight (title before body, say). At most 4 on PostgreSQL. */
  fields: { name: string; weight: number }[];
  /**
   * PostgreSQL: the index has a table of its lexemes (`<table>_terms`, see `createSearchTermsTable`), so the
   * any-term fallback drops a word that occurs nowhere before building its lists, as SQLite does with
   * fts5vocab. Without it, each list that keeps such a word still builds the GIN bitmaps of its other prefixes.
   */
  postgresTerms?: boolean;
}

export interface SearchIndexOptions {
  /** Size of the analysis window (see the file comment). */
  window?: number;
  /** The fallback never returns more than this many results. */
  anyModeLimit?: number;
  /** Totals are exact up to this many matches (see the file comment). */
  totalLimit?: number;
}

export interface SearchDocument {
  /** Integer key of the document; becomes the FTS5 rowid / the PostgreSQL primary key. */
  rowid: number;
  /** Raw text per field, in the order of the definition; the index stems it. */
  fields: string[];
  /** Filter tokens (see `searchTag`). */
  tags: string[];
}

export interface SearchFilter {
  /** Only documents carrying every one of these tags (cheap for rare tags; see `restrict` for common cases). */
  tags?: string[];
  /**
   * An extra SQL condition on `rowid`, e.g. `rowid NOT IN (SELECT seq FROM articles WHERE status <> ${p.add('published')})`.
   * Use it instead of a tag that nearly every document carries: FTS5 would have to walk that tag's
   * whole doclist in every query, while a small exclusion list costs next to nothing.
   */
  restrict?: (p: SqlParams) => string;
}

export interface RankedHit {
  rowid: number;
  /** Relevance, higher is better; comparable within one result list only. 0 beyond the window. */
  score: number;
  /** Number of query parts (terms and phrases) the document matches. */
  matched: number;
}

/** The set of matching documents that aggregates (facets) should count. */
export type MatchSet =
  | { kind: 'query'; sql: string; params: SqlParams }
  | { kind: 'rowids'; rowids: number[] };

export interface SearchOutcome {
  mode: MatchMode;
  /** All matches ('all' mode) or all fallback candidates ('any' mode); at most `totalLimit`. */
  total: number;
  /** False when there are more matches than `total` says (more than `totalLimit`). */
  totalExact: boolean;
  /** The requested page. */
  hits: RankedHit[];
  /** Number of query parts (terms + phrases). */
  parts: number;
  /** Describes the match set for aggregates; for 'all' it is the analysis window. */
  matchSet: MatchSet;
  /** False when the match set is only the window of a larger set of matches. */
  complete: boolean;
  /** The rowids of the match set, when known: aggregates count these instead of evaluating `matchSet` again. */
  window?: number[];
  /** 'any' mode: how many of the candidates match every part (they rank first); 'all' mode: `total`. */
  allPartsTotal: number;
}

/** The analysis window of one query: its most recent matches, best first. */
export interface MatchWindow {
  /** At most `window` matches, by score descending, then rowid descending. */
  hits: { rowid: number; score: number }[];
  /** True when there are more matches than the window holds. */
  full: boolean;
  /** The matches, when counted in the same pass (PostgreSQL `withTotal`), up to `totalLimit` + 1. */
  total?: number;
}

/** A filter token: lower-case letters and digits only, e.g. searchTag('status', 'in_review') = 'statusinreview'. */
export function searchTag(name: string, value: string | number): string {
  return `${name}${value}`.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const PG_WEIGHT_LABELS = ['A', 'B', 'C', 'D'];
/** FTS5 merges a level's segments once this many exist (its default), and during a bulk load. */
const FTS5_DEFAULT_AUTOMERGE = 4;
const BULK_AUTOMERGE = 16;

/**
 * SQLite: the lengths FTS5 keeps a prefix index for. Every query term is a prefix term (compounds), and
 * FTS5 uses a prefix index only for a prefix of exactly its length; any other length merges the doclists
 * of every term that begins with it, in each of the match's evaluations. With an index per usual stem
 * length a term reads one precomputed doclist: engine CPU per query 3.2 → 2.1 ms on 100,000 articles,
 * for ~20 % more file (docs/benchmarks.md, "Search").
 */
export const SQLITE_PREFIX_LENGTHS: readonly number[] = Array.from({ length: 19 }, (_, i) => i + 2);

/** Creates the index table(s) of a definition; for migrations (older ones pass the prefix lengths they created). */
export async function createSearchTable(runner: QueryRunner, definition: SearchIndexDefinition, prefixLengths: readonly number[] = SQLITE_PREFIX_LENGTHS): Promise<void> {
  checkDefinition(definition);
  const { table, fields } = definition;
  if (databaseKindOf(runner) === 'postgres') {
    await runner.query(`CREATE TABLE ${table} (rowid integer PRIMARY KEY, document tsvector NOT NULL, tags text[] NOT NULL DEFAULT '{}')`);
    await runner.query(`CREATE INDEX ${table}_document_idx ON ${table} USING gin (document)`);
    await runner.query(`CREATE INDEX ${table}_tags_idx ON ${table} USING gin (tags)`);
    return;
  }
  const columns = [...fields.map((f) => f.name), 'tags'].join(', ');
  if (!prefixLengths.every((length) => Number.isInteger(length) && length >= 1 && length <= 999)) throw new Error(`Invalid FTS5 prefix lengths: ${prefixLengths.join(' ')}`);
  await runner.query(`CREATE VIRTUAL TABLE ${table} USING fts5(${columns}, content='', contentless_delete=1, prefix='${prefixLengths.join(' ')}')`);
  const weights = [...fields.map((f) => f.weight.toFixed(2)), '0.0'].join(', ');
  await runner.query(`INSERT INTO ${table}(${table}, rank) VALUES ('rank', 'bm25(${weights})')`);
  await runner.query(`CREATE VIRTUAL TABLE ${table}_vocab USING fts5vocab(${table}, row)`);
}

/**
 * PostgreSQL: `<table>_terms`, every lexeme that was ever indexed (filled now and kept up to date by
 * statement triggers; a lexeme whose documents are gone stays, which only costs the fallback the work it
 * did before). Byte order (COLLATE "C"), so a prefix's terms are one range. A no-op on SQLite (fts5vocab).
 */
export async function createSearchTermsTable(runner: QueryRunner, definition: SearchIndexDefinition): Promise<void> {
  checkDefinition(definition);
  if (databaseKindOf(runner) !== 'postgres') return;
  const { table } = definition;
  await runner.query(`CREATE TABLE ${table}_terms (term text COLLATE "C" PRIMARY KEY)`);
  // Sorted, so two transactions adding the same new lexemes take their index locks in one order.
  const addTerms = (source: string) => `INSERT INTO ${table}_terms (term) SELECT DISTINCT unnest(tsvector_to_array(document)) FROM ${source} ORDER BY 1 ON CONFLICT DO NOTHING`;
  await runner.query(addTerms(table));
  await runner.query(`CREATE FUNCTION ${table}_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${addTerms('new_rows')}; RETURN NULL; END $$`);
  // A trigger with a transition table has one event.
  for (const event of ['INSERT', 'UPDATE']) {
    await runner.query(
      `CREATE TRIGGER ${table}_terms_${event.toLowerCase()} AFTER ${event} ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_terms_add()`,
    );
  }
}

export async function dropSearchTermsTable(runner: QueryRunner, definition: SearchIndexDefinition): Promise<void> {
  checkDefinition(definition);
  if (databaseKindOf(runner) !== 'postgres') return;
  const { table } = definition;
  for (const event of ['insert', 'update']) await runner.query(`DROP TRIGGER IF EXISTS ${table}_terms_${event} ON ${table}`);
  await runner.query(`DROP FUNCTION IF EXISTS ${table}_terms_add()`);
  await runner.query(`DROP TABLE IF EXISTS ${table}_terms`);
}

export async function dropSearchTable(runner: QueryRunner, definition: SearchIndexDefinition): Promise<void> {
  checkDefinition(definition);
  if (databaseKindOf(runner) !== 'postgres') await runner.query(`DROP TABLE IF EXISTS ${definition.table}_vocab`);
  await runner.query(`DROP TABLE IF EXISTS ${definition.table}`);
}

/**
 * SQLite: recreates a contentless index with other prefix lengths and indexes every document again (an
 * FTS5 table's options cannot be altered, and a contentless one cannot be read back); `documents` yields
 * them in batches. For migrations; a no-op on PostgreSQL, which has no prefix indexes.
 */
export async function rebuildSearchTable(
  runner: QueryRunner,
  definition: SearchIndexDefinition,
  documents: AsyncIterable<SearchDocument[]>,
  prefixLengths: readonly number[] = SQLITE_PREFIX_LENGTHS,
): Promise<void> {
  if (databaseKindOf(runner) === 'postgres') return;
  await dropSearchTable(runner, definition);
  await createSearchTable(runner, definition, prefixLengths);
  const index = new SearchIndex(definition);
  await index.beginBulkLoad(runner);
  for await (const batch of documents) await index.indexMany(runner, batch);
  await index.endBulkLoad(runner);
}

function checkDefinition(definition: SearchIndexDefinition): void {
  const names = [definition.table, ...definition.fields.map((f) => f.name)];
  if (!names.every((name) => IDENTIFIER.test(name)) || definition.fields.some((f) => f.name === 'tags' || f.name === 'rowid')) {
    throw new Error(`Invalid search index definition: ${names.join(', ')}`);
  }
  if (definition.fields.length === 0 || definition.fields.length > PG_WEIGHT_LABELS.length) {
    throw new Error('A search index has 1 to 4 text fields');
  }
}

/** Splits a parsed query into its parts: each term and each phrase on its own. */
export function queryParts(parsed: ParsedQuery): ParsedQuery[] {
  return [...parsed.terms.map((term) => ({ terms: [term], phrases: [] })), ...parsed.phrases.map((phrase) => ({ terms: [], phrases: [phrase] }))];
}

function withoutPart(parsed: ParsedQuery, index: number): ParsedQuery {
  const parts = queryParts(parsed).filter((_, i) => i !== index);
  return { terms: parts.flatMap((p) => p.terms), phrases: parts.flatMap((p) => p.phrases) };
}

export class SearchIndex {
  readonly window: number;
  readonly anyModeLimit: number;
  readonly totalLimit: number;
  private readonly pgWeights: string;

  constructor(
    readonly definition: SearchIndexDefinition,
    options: SearchIndexOptions = {},
  ) {
    checkDefinition(definition);
    this.window = options.window ?? 250;
    this.anyModeLimit = options.anyModeLimit ?? 200;
    this.totalLimit = Math.max(options.totalLimit ?? 1000, this.window);
    // ts_rank_cd weights are given as {D, C, B, A}; field i gets label A, B, C, D.
    const byLabel = [1, 1, 1, 1].map((_, labelIndex) => definition.fields[labelIndex]?.weight ?? 0);
    const max = Math.max(...byLabel);
    this.pgWeights = `{${[3, 2, 1, 0].map((i) => (byLabel[i] / max).toFixed(3)).join(',')}}`;
  }

  get table(): string {
    return this.definition.table;
  }

  // -------------------------------------------------------------------------------------------------
  // Writing (call inside the transaction that changes the document)

  /** Adds or replaces a document; `fresh`: its rowid was never indexed, so there is nothing to replace. */
  async index(db: Queryable, document: SearchDocument, options: { fresh?: boolean } = {}): Promise<void> {
    const kind = databaseKindOf(db);
    const texts = this.definition.fields.map((_, i) => indexText(document.fields[i] ?? ''));
    const tags = [...new Set(document.tags.map((tag) => searchTag(tag, '')))].filter((tag) => tag.length > 0);
    if (kind === 'postgres') {
      const p = new SqlParams(kind);
      const rowid = p.add(document.rowid);
      const vector = texts.map((text, i) => `setweight(to_tsvector('simple', ${p.add(text)}), '${PG_WEIGHT_LABELS[i]}')`).join(' || ');
      const tagArray = p.add(tags);
      await db.query(
        `INSERT INTO ${this.table} (rowid, document, tags) VALUES (${rowid}, ${vector}, ${tagArray}::text[])
         ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document, tags = EXCLUDED.tags`,
        p.values,
      );
      return;
    }
    if (!options.fresh) await db.query(`DELETE FROM ${this.table} WHERE rowid = ?1`, [document.rowid]);
    const p = new SqlParams(kind);
    const values = [p.add(document.rowid), ...texts.map((text) => p.add(text)), p.add(tags.join(' '))];
    const columns = ['rowid', ...this.definition.fields.map((f) => f.name), 'tags'];
    await db.query(`INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${values.join(', ')})`, p.values);
  }

  /** Adds many new documents at once (bulk loads; the rowids must not be indexed yet). */
  async indexMany(db: Queryable, documents: SearchDocument[], chunk = 200): Promise<void> {
    const kind = databaseKindOf(db);
    for (let start = 0; start < documents.length; start += chunk) {
      const slice = documents.slice(start, start + chunk);
      const p = new SqlParams(kind);
      const tuples = slice.map((document) => {
        const texts = this.definition.fields.map((_, i) => indexText(document.fields[i] ?? ''));
        const tags = [...new Set(document.tags.map((tag) => searchTag(tag, '')))].filter((tag) => tag.length > 0);
        if (kind === 'postgres') {
          const vector = texts.map((text, i) => `setweight(to_tsvector('simple', ${p.add(text)}), '${PG_WEIGHT_LABELS[i]}')`).join(' || ');
          return `(${p.add(document.rowid)}, ${vector}, ${p.add(tags)}::text[])`;
        }
        return `(${[p.add(document.rowid), ...texts.map((text) => p.add(text)), p.add(tags.join(' '))].join(', ')})`;
      });
      const columns = kind === 'postgres' ? ['rowid', 'document', 'tags'] : ['rowid', ...this.definition.fields.map((f) => f.name), 'tags'];
      await db.query(`INSERT INTO ${this.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, p.values);
    }
  }

  async remove(db: Queryable, rowid: number): Promise<void> {
    const p = new SqlParams(databaseKindOf(db));
    await db.query(`DELETE FROM ${this.table} WHERE rowid = ${p.add(rowid)}`, p.values);
  }

  /** Merges FTS5 segments (after bulk loads); a no-op on PostgreSQL. */
  async optimize(db: Queryable): Promise<void> {
    if (databaseKindOf(db) === 'sqlite') await db.query(`INSERT INTO ${this.table}(${this.table}) VALUES ('optimize')`);
  }

  /**
   * Before indexing many documents (a rebuild, a bulk load): on SQLite, FTS5 merges its segments less
   * often while they are written (`automerge` 16 instead of 4), since `endBulkLoad` merges them all at
   * once anyway — 20–25 % less time for 30,000 articles (docs/benchmarks.md, "Search").
   */
  async beginBulkLoad(db: Queryable): Promise<void> {
    if (databaseKindOf(db) === 'sqlite') await this.setAutomerge(db, BULK_AUTOMERGE);
  }

  /** After a bulk load: merges the segments into one and restores FTS5's default merging. */
  async endBulkLoad(db: Queryable): Promise<void> {
    if (databaseKindOf(db) !== 'sqlite') return;
    await this.optimize(db);
    await this.setAutomerge(db, FTS5_DEFAULT_AUTOMERGE);
  }

  private async setAutomerge(db: Queryable, segments: number): Promise<void> {
    await db.query(`INSERT INTO ${this.table}(${this.table}, rank) VALUES ('automerge', ${Math.floor(segments)})`);
  }

  // -------------------------------------------------------------------------------------------------
  // Matching

  /** The WHERE condition (without alias) selecting documents that match `parsed` in `mode` and carry the tags. */
  private condition(p: SqlParams, parsed: ParsedQuery, mode: MatchMode, filter: SearchFilter, tsquery?: string): string {
    const tags = (filter.tags ?? []).map((tag) => searchTag(tag, '')).filter((tag) => tag.length > 0);
    const restrict = filter.restrict ? ` AND ${filter.restrict(p)}` : '';
    if (p.kind === 'postgres') {
      const tagCondition = tags.length > 0 ? ` AND tags @> ${p.add(tags)}::text[]` : '';
      return `document @@ to_tsquery('simple', ${tsquery ?? p.add(toTsQuery(parsed, mode))})${tagCondition}${restrict}`;
    }
    const columns = this.definition.fields.map((f) => f.name).join(' ');
    const tagExpression = tags.map((tag) => ` AND tags : "${tag}"`).join('');
    return `${this.table} MATCH ${p.add(`{${columns}} : (${toFts5Match(parsed, mode)})${tagExpression}`)}${restrict}`;
  }

  /** SQL selecting `columns` of the `limit` most recent documents (highest rowids) meeting `condition`, after skipping `offset`. */
  private recentMatches(p: SqlParams, condition: string, limit: number, columns = 'rowid', offset?: number): string {
    const top = p.add(limit);
    const skip = offset === undefined ? '' : ` OFFSET ${p.add(offset)}`;
    return `SELECT ${columns} FROM ${this.table} WHERE ${condition} ORDER BY rowid DESC LIMIT ${top}${skip}`;
  }

  /** SQL selecting the rowids of the analysis window (the `window` most recent matches). */
  windowSql(p: SqlParams, parsed: ParsedQuery, mode: MatchMode, filter: SearchFilter): string {
    return this.recentMatches(p, this.condition(p, parsed, mode, filter), this.window);
  }

  /** Number of matching documents; with `upTo`, counting stops there (reading matches in rowid order). */
  async count(db: Queryable, parsed: ParsedQuery, mode: MatchMode, filter: SearchFilter = {}, upTo?: number): Promise<number> {
    const p = new SqlParams(databaseKindOf(db));
    const condition = this.condition(p, parsed, mode, filter);
    const sql =
      upTo === undefined
        ? `SELECT count(*) AS n FROM ${this.table} WHERE ${condition}`
        : `SELECT count(*) AS n FROM (${this.recentMatches(p, condition, upTo)}) m`;
    const rows = await db.query(sql, p.values);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The analysis window in one pass: the `window` most recent matches with their scores, sorted by
   * score. Reading window + 1 rows tells whether there are more matches than the window holds.
   * `withTotal` (PostgreSQL) counts the matches up to `totalLimit` + 1 in the same statement, for when
   * the caller needs the total anyway: one scan instead of a window scan plus a count scan.
   */
  async matchWindow(db: Queryable, parsed: ParsedQuery, mode: MatchMode, filter: SearchFilter = {}, withTotal = false): Promise<MatchWindow> {
    const p = new SqlParams(databaseKindOf(db));
    let rows: { rowid: number | string; score: number | string; total?: number | string }[];
    if (p.kind === 'postgres') {
      const tsquery = p.add(toTsQuery(parsed, mode));
      const rank = `ts_rank_cd('${this.pgWeights}'::float4[], f.document, to_tsquery('simple', ${tsquery}), 2)`;
      const condition = this.condition(p, parsed, mode, filter, tsquery);
      // Ranks only the window: the inner query picks it by rowid, ts_rank_cd runs on those rows alone.
      // With the total, the matches are read up to the total limit (the planner walks the primary key
      // backwards for a common term, or takes a bitmap scan and a top-N sort for a rare one) and the
      // window is the most recent of them.
      const window = withTotal
        ? `WITH m AS (${this.recentMatches(p, condition, this.totalLimit + 1)})
           SELECT w.rowid, (SELECT count(*) FROM m) AS total, ${rank} AS score
             FROM (SELECT rowid FROM m ORDER BY rowid DESC LIMIT ${p.add(this.window + 1)}) w
             JOIN ${this.table} f ON f.rowid = w.rowid`
        : `SELECT f.rowid, NULL::bigint AS total, ${rank} AS score
             FROM (${this.recentMatches(p, condition, this.window + 1, 'rowid, document')}) f`;
      // One row of JSON arrays (see the SQLite branch).
      const [packed] = await db.query(
        `SELECT coalesce(json_agg(x.rowid), '[]') AS rowids, coalesce(json_agg(x.score), '[]') AS scores, max(x.total) AS total FROM (${window}) x`,
        p.values,
      );
      rows = (packed.rowids as number[]).map((rowid, i) => ({ rowid, score: (packed.scores as number[])[i], ...(packed.total !== null ? { total: packed.total } : {}) }));
    } else {
      // One row of two JSON arrays instead of window + 1 rows: the driver builds a JS object per row on
      // the event loop, which under load cost more than the query itself.
      const [packed] = await db.query(
        `SELECT json_group_array(rowid) AS rowids, json_group_array(score) AS scores
           FROM (${this.recentMatches(p, this.condition(p, parsed, mode, filter), this.window + 1, 'rowid, -rank AS score')})`,
        p.values,
      );
      const rowids: number[] = JSON.parse(packed.rowids);
      const scores: number[] = JSON.parse(packed.scores);
      rows = rowids.map((rowid, i) => ({ rowid, score: scores[i] }));
    }
    const full = rows.length > this.window;
    const hits = rows
      .map((row) => ({ rowid: Number(row.rowid), score: Number(row.score) }))
      .sort((a, b) => b.rowid - a.rowid)
      .slice(0, this.window)
      .sort((a, b) => b.score - a.score || b.rowid - a.rowid);
    const total = rows[0]?.total;
    return { hits, full, ...(total !== undefined ? { total: Number(total) } : {}) };
  }

  /**
   * One page of matches in rank order: by relevance within the analysis window, then by recency.
   * `known` (the window, if already read) saves evaluating the match again.
   */
  async rank(db: Queryable, parsed: ParsedQuery, mode: MatchMode, filter: SearchFilter, limit: number, offset = 0, known?: MatchWindow): Promise<RankedHit[]> {
    const matched = mode === 'all' ? queryParts(parsed).length : 1;
    const hits: RankedHit[] = [];
    let full = known?.full ?? true;
    if (offset < this.window) {
      const window = known ?? (await this.matchWindow(db, parsed, mode, filter));
      full = window.full;
      hits.push(...window.hits.slice(offset, offset + limit).map((hit) => ({ ...hit, matched })));
    }
    if (offset + limit > this.window && full) {
      // Beyond the window: older matches by recency.
      const p = new SqlParams(databaseKindOf(db));
      const beyondOffset = Math.max(0, offset - this.window);
      const rows = await db.query(
        this.recentMatches(p, this.condition(p, parsed, mode, filter), limit - hits.length, 'rowid', this.window + beyondOffset),
        p.values,
      );
      hits.push(...rows.map((row: { rowid: number }) => ({ rowid: Number(row.rowid), score: 0, matched })));
    }
    return hits;
  }

  // -------------------------------------------------------------------------------------------------
  // Searching

  /**
   * All terms first; with fewer than `minResults` matches (and more than one query part) the bounded
   * any-term fallback. Returns one page plus what aggregates need. The total is counted (up to
   * `totalLimit` + 1) only when the window is full and the database did not count in the same pass (SQLite).
   */
  async search(
    db: Queryable,
    parsed: ParsedQuery,
    filter: SearchFilter,
    page: { offset: number; limit: number },
    minResults = 3,
  ): Promise<SearchOutcome> {
    const kind = databaseKindOf(db);
    const parts = queryParts(parsed).length;
    const window = await this.matchWindow(db, parsed, 'all', filter, kind === 'postgres');
    const counted = window.full ? (window.total ?? (await this.count(db, parsed, 'all', filter, this.totalLimit + 1))) : window.hits.length;
    const total = Math.min(counted, this.totalLimit);
    if (total >= minResults || parts < 2) {
      const hits = total > page.offset ? await this.rank(db, parsed, 'all', filter, page.limit, page.offset, window) : [];
      const p = new SqlParams(kind);
      return {
        mode: 'all',
        total,
        totalExact: counted <= this.totalLimit,
        hits,
        parts,
        matchSet: { kind: 'query', sql: this.windowSql(p, parsed, 'all', filter), params: p },
        complete: !window.full,
        window: window.hits.map((hit) => hit.rowid),
        allPartsTotal: total,
      };
    }
    const candidates = await this.anyCandidates(db, parsed, filter, Math.max(page.offset + page.limit, 20), window);
    const rowids = candidates.map((hit) => hit.rowid);
    return {
      mode: 'any',
      total: candidates.length,
      totalExact: true,
      hits: candidates.slice(page.offset, page.offset + page.limit),
      parts,
      matchSet: { kind: 'rowids', rowids },
      complete: true,
      window: rowids,
      allPartsTotal: candidates.filter((hit) => hit.matched === parts).length,
    };
  }

  /**
   * The any-term fallback, ranked by matched parts, then score: documents matching all parts, then
   * every query with one part left out (2–6 parts), then each part's own window when that found
   * fewer than 3. Each list is one single-pass window query; `allWindow` is the all-parts window if known.
   */
  async anyCandidates(db: Queryable, parsed: ParsedQuery, filter: SearchFilter, needed: number, allWindow?: MatchWindow, checkParts = true): Promise<RankedHit[]> {
    const parts = queryParts(parsed);
    const k = Math.min(Math.max(needed, 20), this.anyModeLimit);
    if (checkParts && parts.length >= 2 && (databaseKindOf(db) === 'sqlite' || this.definition.postgresTerms)) {
      // A part that occurs nowhere (a typo, an unknown word) adds to no document's count: drop it first.
      // Otherwise every leave-one-out list that keeps it would pay for the other terms' prefix merges
      // and find nothing. (On PostgreSQL only with the lexeme table: asking the GIN index instead is
      // planned as a sequential scan for an unknown word, 40–63 ms.)
      const present = await this.presentParts(db, parts);
      const kept = parts.filter((_, i) => present[i]);
      if (kept.length === 0) return [];
      if (kept.length < parts.length) {
        const reduced: ParsedQuery = { terms: kept.flatMap((p) => p.terms), phrases: kept.flatMap((p) => p.phrases) };
        const window = await this.matchWindow(db, reduced, 'all', filter);
        if (window.hits.length >= 3 || kept.length < 2) {
          return window.hits.slice(0, k).map((hit) => ({ ...hit, matched: kept.length }));
        }
        return this.anyCandidates(db, reduced, filter, needed, window, false);
      }
    }
    const best = new Map<number, RankedHit>();
    const offer = (hit: RankedHit) => {
      const known = best.get(hit.rowid);
      if (!known || hit.matched > known.matched || (hit.matched === known.matched && hit.score > known.score)) best.set(hit.rowid, hit);
    };
    const all = allWindow ?? (await this.matchWindow(db, parsed, 'all', filter));
    for (const hit of all.hits.slice(0, k)) offer({ ...hit, matched: parts.length });
    if (parts.length >= 2 && parts.length <= 6) {
      for (let i = 0; i < parts.length; i++) {
        const window = await this.matchWindow(db, withoutPart(parsed, i), 'all', filter);
        for (const hit of window.hits.slice(0, k)) offer({ ...hit, matched: parts.length - 1 });
      }
    }
    // Each part's own list only when leaving one part out found (almost) nothing: those lists are the
    // expensive ones for common words.
    if (best.size < 3 || parts.length > 6) {
      for (const hit of await this.combinedParts(db, parts, filter, k)) offer(hit);
    }
    return [...best.values()]
      .sort((a, b) => b.matched - a.matched || b.score - a.score || b.rowid - a.rowid)
      .slice(0, this.anyModeLimit);
  }

  /**
   * Whether each part can match at all (in any column, ignoring filters, so `true` may still find
   * nothing), from the first indexed term at or after each stem: SQLite's fts5vocab table (one doclist
   * scan, never a merge of all the terms with that prefix) or PostgreSQL's `<table>_terms` (one statement).
   */
  private async presentParts(db: Queryable, parts: ParsedQuery[]): Promise<boolean[]> {
    // Per part, the stems that must exist: a term needs one of its forms, a phrase all of its words.
    const needs = parts.map((part) =>
      part.terms.length > 0
        ? [part.terms[0].stem, ...part.terms[0].alternatives].map((form) => ({ form, prefix: part.terms[0].prefix }))
        : part.phrases[0].map((form) => ({ form, prefix: false })),
    );
    const forms = [...new Set(needs.flat().map((need) => need.form))];
    const found = new Map<string, string>();
    if (databaseKindOf(db) === 'postgres') {
      const rows: { form: string; term: string | null }[] = await db.query(
        `SELECT f.form, (SELECT t.term FROM ${this.table}_terms t WHERE t.term >= f.form ORDER BY t.term LIMIT 1) AS term FROM unnest($1::text[]) AS f(form)`,
        [forms],
      );
      for (const row of rows) found.set(row.form, row.term ?? '');
    } else {
      for (const form of forms) {
        const [row] = await db.query(`SELECT term FROM ${this.table}_vocab WHERE term >= ?1 ORDER BY term LIMIT 1`, [form]);
        found.set(form, row?.term ?? '');
      }
    }
    const exists = (need: { form: string; prefix: boolean }) => (need.prefix ? found.get(need.form)!.startsWith(need.form) : found.get(need.form) === need.form);
    return parts.map((part, i) => (part.terms.length > 0 ? needs[i].some(exists) : needs[i].every(exists)));
  }

  /** Each part's best `k` within its window, combined: matched = number of parts, score = sum of scores. */
  private async combinedParts(db: Queryable, parts: ParsedQuery[], filter: SearchFilter, k: number): Promise<RankedHit[]> {
    const seen = new Map<number, RankedHit>();
    for (const part of parts) {
      for (const hit of (await this.matchWindow(db, part, 'all', filter)).hits.slice(0, k)) {
        const entry = seen.get(hit.rowid) ?? { rowid: hit.rowid, matched: 0, score: 0 };
        entry.matched += 1;
        entry.score += hit.score;
        seen.set(hit.rowid, entry);
      }
    }
    return [...seen.values()];
  }

  /** Number of documents containing each stem exactly (a rarity estimate; prefixes are not expanded). */
  async documentFrequencies(db: Queryable, stems: string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(stems.filter((stem) => /^[a-z0-9]+$/.test(stem)))];
    const result = new Map<string, number>(distinct.map((stem) => [stem, 0]));
    if (distinct.length === 0) return result;
    const kind = databaseKindOf(db);
    const p = new SqlParams(kind);
    const rows: { term: string; doc: number | string }[] =
      kind === 'postgres'
        ? await db.query(
            `SELECT s.term, (SELECT count(*) FROM (SELECT 1 FROM ${this.table} f WHERE f.document @@ to_tsquery('simple', s.term) LIMIT ${p.add(this.window * 10)}) x) AS doc
               FROM unnest(${p.add(distinct)}::text[]) AS s(term)`,
            p.values,
          )
        : await db.query(`SELECT term, doc FROM ${this.table}_vocab WHERE term IN (${p.list(distinct)})`, p.values);
    for (const row of rows) result.set(row.term, Number(row.doc));
    return result;
  }

  /**
   * "More like this text": the `maxTerms` rarest terms that occur in the index (rarity by document
   * frequency), matched in any-term mode, best `limit` first.
   */
  async similar(db: Queryable, terms: QueryTerm[], filter: SearchFilter, limit: number, maxTerms = 8): Promise<RankedHit[]> {
    const frequencies = await this.documentFrequencies(db, terms.map((term) => term.stem));
    const informative = terms
      .map((term, position) => ({ term, position, df: frequencies.get(term.stem) ?? 0 }))
      .filter((entry) => entry.df > 0 || entry.term.prefix)
      .sort((a, b) => (a.df || Number.MAX_SAFE_INTEGER) - (b.df || Number.MAX_SAFE_INTEGER) || a.position - b.position)
      .slice(0, maxTerms)
      .map((entry) => entry.term);
    if (informative.length === 0) return [];
    const parsed: ParsedQuery = { terms: informative, phrases: [] };
    const seen = await this.combinedParts(db, queryParts(parsed), filter, Math.max(limit * 4, 20));
    return seen.sort((a, b) => b.matched - a.matched || b.score - a.score || b.rowid - a.rowid).slice(0, limit);
  }
}
