import type { SqlParams } from '../infra/database/sql.js';

/*
 * Published query objects of the knowledge module (design D2): other modules read `articles`,
 * `article_keuzes`, `article_reuse` and `knowledge_searches` through these fragments, embedded in
 * their own statement with the values added to their SqlParams. The derived tables are plain
 * projections (with at most a filter), which SQLite and PostgreSQL flatten into the outer query.
 */

/** Derived table, one row per published article: id, published_at, source_question_id (the question it was written from, or NULL). */
export function publishedArticleRows(): string {
  return `(SELECT id, published_at, source_question_id FROM articles WHERE status = 'published' AND published_at IS NOT NULL)`;
}

/** Derived table, one row per keuze of an article: article_id, keuze_id, theme_id. */
export function articleKeuzeRows(): string {
  return '(SELECT article_id, keuze_id, theme_id FROM article_keuzes)';
}

/** Condition: the article whose id is `articleId` (a column expression) has keuze `keuzeId`. */
export function articleHasKeuze(p: SqlParams, articleId: string, keuzeId: number): string {
  return `EXISTS (SELECT 1 FROM article_keuzes fk WHERE fk.article_id = ${articleId} AND fk.keuze_id = ${p.add(keuzeId)})`;
}

/** Condition: the article whose id is `articleId` has a keuze of theme `themeId`. */
export function articleHasTheme(p: SqlParams, articleId: string, themeId: number): string {
  return `EXISTS (SELECT 1 FROM article_keuzes ft WHERE ft.article_id = ${articleId} AND ft.theme_id = ${p.add(themeId)})`;
}

/** Derived table, one row per reuse of an article in an answer: question_id (the question answered). */
export function articleReuseRows(): string {
  return '(SELECT question_id FROM article_reuse)';
}

/**
 * Derived table of the readers' searches (staff searches left out) of the knowledge base that
 * found nothing, optionally within [start, end) and for a theme: query_key, query_text,
 * gap_theme_id (the theme the search was about, or NULL).
 */
export function readerSearchGaps(p: SqlParams, filter: { start?: Date | null; end?: Date | null; themeId?: number }): string {
  const where = ['result_count = 0', 'query_key IS NOT NULL', `staff = ${p.add(p.kind === 'postgres' ? false : 0)}`];
  if (filter.start) where.push(`searched_at >= ${p.time(filter.start)}`);
  if (filter.end) where.push(`searched_at < ${p.time(filter.end)}`);
  if (filter.themeId !== undefined) where.push(`gap_theme_id = ${p.add(filter.themeId)}`);
  return `(SELECT query_key, query_text, gap_theme_id FROM knowledge_searches WHERE ${where.join(' AND ')})`;
}
