import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock, amsterdamDay, amsterdamMidnight, shiftDay } from '../common/clock.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { Database } from '../infra/database/database.service.js';
import { keuzeThemes } from '../catalog/index.js';
import { isStaff, type Principal } from '../accounts/index.js';
import { keuzeTag, statusTag, themeTag } from './article-index.js';
import {
  ArticleHitDto,
  ArticlePublicDto,
  ArticleQuery,
  ArticleSearchResultDto,
  ArticleStaffDto,
  FacetCountDto,
  FacetsDto,
  GapDto,
  GapQuery,
  MostOpenedArticleDto,
  MostOpenedQuery,
  SuggestionsDto,
} from './knowledge.dto.js';
import type { ArticleStatus } from './article-vocabulary.js';
import { Article, ArticleSuggestion, ArticleSuggestionOpen, KnowledgeSearch, KnowledgeSearchClick } from './knowledge.entities.js';
import { KnowledgeService } from './knowledge.service.js';
import { SearchLog } from './search-log.js';
import { RankedHit, SearchFilter } from '../infra/search/search-index.js';
import { Queryable, SqlParams, parseSqlTime } from '../infra/database/sql.js';
import { EmptyQueryError, ParsedQuery, QueryTerm, foldWords, highlight, parseQuery } from '../infra/search/dutch-analyzer.js';

const SUGGESTIONS = 5;
const SUGGESTION_TERMS = 8;
const SNIPPET_LENGTH = 240;
const NO_QUERY: ParsedQuery = { terms: [], phrases: [] };

/** Search, suggestions while asking, and the search analytics of the knowledge base. */
@Injectable()
export class KnowledgeSearchService {
  private readonly logger = new Logger(KnowledgeSearchService.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly articles: KnowledgeService,
    private readonly log: SearchLog,
  ) {}

  private get index() {
    return this.articles.index;
  }

  // -------------------------------------------------------------------------------------------------
  // Search

  /**
   * GET /articles. Readers search published articles; staff all, optionally by status. With `q`:
   * relevance (all words, falling back to most words); without: most recent first. Facets count the
   * matches per theme and keuze in SQL. Every search is logged without identity.
   */
  async search(query: ArticleQuery, principal: Principal | undefined): Promise<ArticleSearchResultDto> {
    const staff = isStaff(principal);
    if (!staff && query.status !== undefined && query.status !== 'published') {
      throw new ForbiddenError('Alleen medewerkers van de taskforce zien artikelen die niet gepubliceerd zijn.');
    }
    const status: ArticleStatus | undefined = staff ? query.status : 'published';
    const parsed = query.q === undefined ? null : parseQuery(query.q);
    const m = this.db.manager;
    const page = { offset: query.offset, limit: query.pageSize };

    let hits: RankedHit[];
    let total: number;
    let totalExact = true;
    let matchMode: 'all' | 'any' | null = null;
    let allWordsTotal: number | null = null;
    let facets: FacetsDto;
    let data: ArticleHitDto[];
    if (parsed) {
      const filter: SearchFilter = {
        // Nearly every article is published: that filter is a small exclusion list, not a tag (see SearchFilter).
        tags: [
          ...(status && status !== 'published' ? [statusTag(status)] : []),
          ...(query.keuzeId !== undefined ? [keuzeTag(query.keuzeId)] : []),
          ...(query.themeId !== undefined ? [themeTag(query.themeId)] : []),
        ],
        restrict: status === 'published' ? publishedOnly : undefined,
      };
      // Search reads go to the read connections (parallel on SQLite); the match is evaluated once and
      // the facets count the rowids it returned.
      const reader = this.db.reader;
      const outcome = await this.index.search(reader, parsed, filter, page);
      ({ hits, total, totalExact } = outcome);
      matchMode = outcome.mode;
      allWordsTotal = outcome.allPartsTotal;
      // Facets and the page's articles are independent reads: both at once.
      [facets, data] = await Promise.all([
        total === 0 ? { themes: [], keuzes: [], complete: true } : this.facets(reader, outcome.window ?? [], outcome.complete),
        this.hitsOf(reader, hits, parsed, true),
      ]);
    } else {
      ({ hits, total, facets } = await this.list(m, query, status));
      data = await this.hitsOf(this.db.reader, hits, NO_QUERY, false);
    }

    const searchId = randomUUID();
    this.log.add({
      id: searchId,
      searchedAt: this.clock.now(),
      queryText: query.q?.trim().slice(0, 200) ?? null,
      queryKey: parsed ? queryKey(parsed) : null,
      keuzeId: query.keuzeId ?? null,
      themeId: query.themeId ?? null,
      statusFilter: query.status ?? null,
      matchMode,
      resultCount: total,
      gapThemeId: await this.gapTheme(query, data),
      staff,
    });
    return { ...pageOf(data, total, query, totalExact), facets, meta: { searchId, matchMode, allWordsTotal } };
  }

  /**
   * The newest published articles, optionally of one theme or keuze, and how many there are: the
   * listing of GET /articles without `q` as a reader gets it, without facets and without logging a
   * search (start, theme and keuze pages show these on every visit; they are not searches).
   */
  async latestPublished(filter: { themeId?: number; keuzeId?: number }, limit: number): Promise<{ data: ArticleHitDto[]; total: number }> {
    const query = Object.assign(new ArticleQuery(), { themeId: filter.themeId, keuzeId: filter.keuzeId, pageSize: limit });
    const { hits, total } = await this.list(this.db.reader, query, 'published', false);
    return { data: await this.hitsOf(this.db.reader, hits, NO_QUERY, false), total };
  }

  /** Listing without search text: by publication (readers, published) or by last change (staff). */
  private async list(m: Queryable, query: ArticleQuery, status: ArticleStatus | undefined, withFacets = true): Promise<{ hits: RankedHit[]; total: number; facets: FacetsDto }> {
    const conditions = (p: SqlParams, seq: string, statusColumn: string): string => {
      const where: string[] = [];
      if (status) where.push(`${statusColumn} = ${p.add(status)}`);
      if (query.keuzeId !== undefined) where.push(`${seq} IN (SELECT article_seq FROM article_keuzes WHERE keuze_id = ${p.add(query.keuzeId)})`);
      if (query.themeId !== undefined) where.push(`${seq} IN (SELECT article_seq FROM article_keuzes WHERE theme_id = ${p.add(query.themeId)})`);
      return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    };
    const p = new SqlParams(this.db.kind);
    const where = conditions(p, 'a.seq', 'a.status');
    const [{ n }] = await m.query(`SELECT count(*) AS n FROM articles a ${where}`, p.values);
    const order = status === 'published' ? 'a.published_at DESC, a.seq DESC' : 'a.updated_at DESC, a.seq DESC';
    const rows: { seq: number }[] = await m.query(
      `SELECT a.seq FROM articles a ${where} ORDER BY ${order} LIMIT ${p.add(query.pageSize)} OFFSET ${p.add(query.offset)}`,
      p.values,
    );
    const hits = rows.map((row) => ({ rowid: Number(row.seq), score: 0, matched: 0 }));
    if (!withFacets) return { hits, total: Number(n), facets: { themes: [], keuzes: [], complete: false } };
    const f = new SqlParams(this.db.kind);
    const facets = await this.facetQuery(m, `FROM article_keuzes ak ${conditions(f, 'ak.article_seq', 'ak.status')}`, f.values, true);
    return { hits, total: Number(n), facets };
  }

  /** Keuze and theme counts of the given articles (the window), counted in SQL: a few rows come back, not one per article. */
  private async facets(reader: Queryable, seqs: number[], complete: boolean): Promise<FacetsDto> {
    if (seqs.length === 0) return { themes: [], keuzes: [], complete };
    const p = new SqlParams(this.db.kind);
    return this.facetQuery(reader, `FROM article_keuzes ak WHERE ak.article_seq ${p.inIntegers(seqs)}`, p.values, complete);
  }

  /** Keuze and theme counts over `from` (which selects rows of article_keuzes `ak`). */
  private async facetQuery(m: Queryable, from: string, params: unknown[], complete: boolean): Promise<FacetsDto> {
    const rows: { kind: string; id: number; n: number | string }[] = await m.query(
      `SELECT 'k' AS kind, ak.keuze_id AS id, count(*) AS n ${from} GROUP BY ak.keuze_id
       UNION ALL
       SELECT 't' AS kind, ak.theme_id AS id, count(DISTINCT ak.article_seq) AS n ${from} GROUP BY ak.theme_id`,
      params,
    );
    const sorted = (kind: string): FacetCountDto[] =>
      rows
        .filter((row) => row.kind === kind)
        .map((row) => ({ id: Number(row.id), count: Number(row.n) }))
        .sort((a, b) => b.count - a.count || a.id - b.id);
    return { themes: sorted('t'), keuzes: sorted('k'), complete };
  }

  /** The page's articles with snippets; raw SQL on the reader, because this runs on every search. */
  private async hitsOf(reader: Queryable, hits: RankedHit[], parsed: ParsedQuery, withQuery: boolean): Promise<ArticleHitDto[]> {
    if (hits.length === 0) return [];
    const seqs = hits.map((hit) => hit.rowid);
    const p = new SqlParams(this.db.kind);
    const rows: ArticleHitRow[] = await reader.query(
      `SELECT seq, id, title, question, answer_text, status, keuze_ids, theme_ids, organisation_type, published_at FROM articles WHERE seq ${p.inIntegers(seqs)}`,
      p.values,
    );
    const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
    return hits
      .map((hit) => ({ hit, article: bySeq.get(hit.rowid) }))
      .filter((entry): entry is { hit: RankedHit; article: ArticleHitRow } => entry.article !== undefined)
      .map(({ hit, article }) => ({
        id: article.id,
        title: article.title,
        snippet: highlight(`${article.question} ${article.answer_text}`, parsed, SNIPPET_LENGTH),
        status: article.status,
        keuzeIds: JSON.parse(article.keuze_ids) as number[],
        themeIds: JSON.parse(article.theme_ids) as number[],
        organisationType: article.organisation_type,
        publishedAt: article.published_at === null ? null : parseSqlTime(article.published_at),
        matchedTerms: withQuery ? hit.matched : null,
      }));
  }

  /** The theme a search is about: its filter's, else the most frequent theme among the best matches. */
  private async gapTheme(query: ArticleQuery, hits: ArticleHitDto[]): Promise<number | null> {
    if (query.themeId !== undefined) return query.themeId;
    if (query.keuzeId !== undefined) return (await keuzeThemes(this.db.manager)).get(query.keuzeId) ?? null;
    const counts = new Map<number, number>();
    for (const hit of hits.slice(0, 3)) for (const theme of hit.themeIds) counts.set(theme, (counts.get(theme) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? null;
  }

  // -------------------------------------------------------------------------------------------------
  // Suggestions while asking (deflection)

  /** The most similar published articles for a question being drafted, by its most informative words. */
  async suggestions(text: string): Promise<SuggestionsDto> {
    const terms = informativeTerms(text);
    if (terms.length === 0) {
      throw new InvalidInputError([{ name: 'text', reason: 'bevat geen doorzoekbaar woord' }], new EmptyQueryError().message);
    }
    const reader = this.db.reader;
    const hits = await this.index.similar(reader, terms, { restrict: publishedOnly }, SUGGESTIONS, SUGGESTION_TERMS);
    const data = await this.hitsOf(reader, hits, { terms, phrases: [] }, true);
    const suggestion: ArticleSuggestion = { id: randomUUID(), createdAt: this.clock.now(), articleIds: data.map((hit) => hit.id), submittedAt: null };
    await this.db.transaction((tx) => tx.insert(ArticleSuggestion, suggestion));
    return { suggestionId: suggestion.id, data, page: { number: 1, size: SUGGESTIONS, total: data.length } };
  }

  async suggestionOpened(suggestionId: string, articleId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const suggestion = await m.findOneBy(ArticleSuggestion, { id: suggestionId });
      if (!suggestion) throw new NotFoundError('Suggestie', suggestionId);
      if (!suggestion.articleIds.includes(articleId)) {
        throw new InvalidInputError([{ name: 'articleId', reason: 'was geen van deze suggesties' }]);
      }
      await m.insert(ArticleSuggestionOpen, { id: randomUUID(), suggestionId, articleId, openedAt: this.clock.now() });
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Opens of articles ("most opened")

  /**
   * Counts one open of a published article (its page, or GET /articles/{id}): a single upsert of
   * the article's counter for today (Europe/Amsterdam), without identity. Counting must never
   * cost the reader the article, so a failure is logged, not thrown.
   */
  async recordOpenOf(article: ArticlePublicDto | ArticleStaffDto): Promise<void> {
    // Staff also open drafts and articles in review; only a published article's opens count.
    if ('status' in article && article.status !== 'published') return;
    await this.recordOpen(article.id);
  }

  private async recordOpen(articleId: string): Promise<void> {
    const p = new SqlParams(this.db.kind);
    const sql = `INSERT INTO article_opens (article_id, day, opens) VALUES (${p.add(articleId)}, ${p.add(amsterdamDay(this.clock.now()))}, 1)
      ON CONFLICT (article_id, day) DO UPDATE SET opens = article_opens.opens + 1`;
    try {
      await this.db.statement((m) => m.query(sql, p.values));
    } catch (error) {
      this.logger.error({ err: error, articleId }, 'Could not count an article open');
    }
  }

  /**
   * GET /articles/most-opened: the published articles opened most often in the last `days` days
   * (today included, Europe/Amsterdam), most opens first; ties go to the newer article. Published
   * only, for everyone: the rule of the readers' listing, so staff see the same ranking.
   */
  async mostOpened(query: MostOpenedQuery): Promise<Page<MostOpenedArticleDto>> {
    const today = amsterdamDay(this.clock.now());
    const p = new SqlParams(this.db.kind);
    // Sum the window's counters first and join the (few) opened articles after: joined the other
    // way round, SQLite walks every published article to look up its counters.
    const from = `FROM (SELECT article_id, sum(opens) AS opens FROM article_opens WHERE day >= ${p.add(shiftDay(today, 1 - query.days))} GROUP BY article_id) o
      JOIN articles a ON a.id = o.article_id WHERE a.status = ${p.add('published')}`;
    const fromValues = [...p.values];
    const reader = this.db.reader;
    // One pass: the window count is the number of articles ranked, before LIMIT.
    const rows: { seq: number | string; id: string; opens: number | string; n: number | string }[] = await reader.query(
      `SELECT a.seq AS seq, a.id AS id, o.opens AS opens, count(*) OVER () AS n ${from}
        ORDER BY o.opens DESC, a.published_at DESC, a.seq DESC
        LIMIT ${p.add(query.pageSize)} OFFSET ${p.add(query.offset)}`,
      p.values,
    );
    // Past the last page no row carries the count.
    const total =
      rows.length > 0 ? Number(rows[0].n) : query.offset === 0 ? 0 : Number((await reader.query(`SELECT count(*) AS n ${from}`, fromValues))[0].n);
    const opens = new Map(rows.map((row) => [row.id, Number(row.opens)]));
    const hits = await this.hitsOf(reader, rows.map((row) => ({ rowid: Number(row.seq), score: 0, matched: 0 })), NO_QUERY, false);
    return pageOf(
      hits.map((hit) => ({ ...hit, opens: opens.get(hit.id) ?? 0 })),
      total,
      query,
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Search analytics

  async searchClicked(searchId: string, articleId: string): Promise<void> {
    await this.log.written(searchId);
    await this.db.transaction(async (m) => {
      if (!(await m.existsBy(KnowledgeSearch, { id: searchId }))) throw new NotFoundError('Zoekopdracht', searchId);
      const article = await m.findOne(Article, { select: { id: true, status: true }, where: { id: articleId } });
      if (!article) throw new InvalidInputError([{ name: 'articleId', reason: 'artikel bestaat niet' }]);
      await m.insert(KnowledgeSearchClick, { id: randomUUID(), searchId, articleId, clickedAt: this.clock.now() });
    });
  }

  /**
   * What to write next: readers' searches in the period that found nothing, only partial matches, or
   * that nobody clicked, grouped by theme and by their words, most frequent first.
   */
  async gaps(query: GapQuery): Promise<Page<GapDto>> {
    await this.log.flush();
    const toDay = query.to ?? amsterdamDay(this.clock.now());
    const fromDay = query.from ?? shiftDay(toDay, -29);
    if (fromDay > toDay) throw new InvalidInputError([{ name: 'from', reason: 'ligt na to' }]);
    const p = new SqlParams(this.db.kind);
    const from = p.time(amsterdamMidnight(fromDay));
    const to = p.time(amsterdamMidnight(shiftDay(toDay, 1)));
    const staff = p.bool(false);
    const theme = query.themeId !== undefined ? ` AND s.gap_theme_id = ${p.add(query.themeId)}` : '';
    const gap = `sum(CASE WHEN s.result_count = 0 OR s.match_mode = 'any' OR c.search_id IS NULL THEN 1 ELSE 0 END)`;
    const grouped = `
      SELECT s.gap_theme_id AS theme_id, s.query_key AS query_key, max(s.query_text) AS query, count(*) AS searches,
             sum(CASE WHEN s.result_count = 0 THEN 1 ELSE 0 END) AS zero_results,
             sum(CASE WHEN c.search_id IS NULL THEN 1 ELSE 0 END) AS unclicked,
             sum(CASE WHEN s.match_mode = 'any' THEN 1 ELSE 0 END) AS partial,
             ${gap} AS gaps, max(s.searched_at) AS last_searched_at
        FROM knowledge_searches s
        LEFT JOIN (SELECT DISTINCT search_id FROM knowledge_search_clicks) c ON c.search_id = s.id
       WHERE s.searched_at >= ${from} AND s.searched_at < ${to} AND s.query_key IS NOT NULL AND s.staff = ${staff}${theme}
       GROUP BY s.gap_theme_id, s.query_key
      HAVING ${gap} > 0`;
    const m = this.db.manager;
    const [{ n }] = await m.query(`SELECT count(*) AS n FROM (${grouped}) g`, p.values);
    const rows: Record<string, unknown>[] = await m.query(
      `${grouped} ORDER BY gaps DESC, searches DESC, query_key ASC LIMIT ${p.add(query.pageSize)} OFFSET ${p.add(query.offset)}`,
      p.values,
    );
    return pageOf(
      rows.map((row) => ({
        themeId: row.theme_id === null ? null : Number(row.theme_id),
        query: String(row.query),
        searches: Number(row.searches),
        zeroResultSearches: Number(row.zero_results),
        unclickedSearches: Number(row.unclicked),
        partialMatchSearches: Number(row.partial),
        lastSearchedAt: parseSqlTime(row.last_searched_at),
      })),
      Number(n),
      query,
    );
  }
}

// ---------------------------------------------------------------------------------------------------

/** An articles row as `hitsOf` selects it (JSON columns are text on both databases). */
interface ArticleHitRow {
  seq: number | string;
  id: string;
  title: string;
  question: string;
  answer_text: string;
  status: ArticleStatus;
  keuze_ids: string;
  theme_ids: string;
  organisation_type: string | null;
  published_at: Date | string | null;
}

/** Search-index condition: published articles only (the few others are excluded by their rowid). */
export const publishedOnly = (p: SqlParams): string =>
  `rowid NOT IN (SELECT seq FROM articles WHERE status IN (${p.list(UNPUBLISHED)}))`;
const UNPUBLISHED: ArticleStatus[] = ['draft', 'in_review', 'archived'];

/** Searches with the same stems group together, whatever the word forms and order. */
export function queryKey(parsed: ParsedQuery): string {
  return [...parsed.terms.map((term) => term.stem), ...parsed.phrases.map((phrase) => `"${phrase.join(' ')}"`)].sort().join(' ').slice(0, 300);
}

/** Distinct searchable terms of a longer text, in order of first occurrence (at most 200). */
export function informativeTerms(text: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const word of new Set(foldWords(text))) {
    if (terms.length >= 200) break;
    let term: QueryTerm | undefined;
    try {
      term = parseQuery(word).terms[0];
    } catch {
      continue; // a stopword
    }
    if (!term || seen.has(term.stem) || term.stem.length < 2) continue;
    seen.add(term.stem);
    terms.push(term);
  }
  return terms;
}

