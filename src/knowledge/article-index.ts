import { SearchDocument, SearchIndexDefinition, searchTag } from '../infra/search/search-index.js';
import type { Article } from './knowledge.entities.js';
import type { ArticleStatus } from './article-vocabulary.js';

/** The articles' search index: title weighs four times the question and answer. */
export const ARTICLE_INDEX: SearchIndexDefinition = {
  table: 'article_fts',
  fields: [
    { name: 'title', weight: 4 },
    { name: 'body', weight: 1 },
  ],
  postgresTerms: true, // migration 1795823380090
};

export const statusTag = (status: ArticleStatus | string) => searchTag('status', status);
export const keuzeTag = (keuzeId: number) => searchTag('keuze', keuzeId);
export const themeTag = (themeId: number) => searchTag('theme', themeId);

/** What the index holds of an article: stemmed title, question + answer text, status/keuze/theme tags. */
export function articleSearchDocument(article: Pick<Article, 'seq' | 'title' | 'question' | 'answerText' | 'status' | 'keuzeIds' | 'themeIds'>): SearchDocument {
  return {
    rowid: article.seq,
    fields: [article.title, `${article.question}\n${article.answerText}`],
    tags: [statusTag(article.status), ...article.keuzeIds.map(keuzeTag), ...article.themeIds.map(themeTag)],
  };
}
