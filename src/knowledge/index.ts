/* The public entry of knowledge (README "Architecture", D1). */
export { KnowledgeModule } from './knowledge.module.js';
export { ARTICLE_AUTHOR_ROLES, KnowledgeService } from './knowledge.service.js';
export { KnowledgeSearchService } from './knowledge-search.service.js';
export { ArticleQuery, ArticleSearchResultDto, CreateArticleDto, GapQuery, MostOpenedQuery, SendBackArticleDto, UpdateArticleDto, type ArticleHitDto, type ArticleStaffDto, type ArticleVersionDto } from './knowledge.dto.js';
export { ARTICLE_STATUSES, type ArticleStatus, type ArticleVersionAction } from './article-vocabulary.js';
// What the anonymiser removes, named for the article pages' word diff.
export { ANONYMISATION_LABELS, type RemovedKind } from './text/anonymiser.js';
export * from './article.queries.js';
