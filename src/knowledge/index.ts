/* The public entry of knowledge (README "Architecture", D1). */
export { KnowledgeModule } from './knowledge.module.js';
export { KnowledgeService } from './knowledge.service.js';
export { KnowledgeSearchService } from './knowledge-search.service.js';
export { ArticleQuery, ArticleSearchResultDto, MostOpenedQuery, type ArticleHitDto } from './knowledge.dto.js';
