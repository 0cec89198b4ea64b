import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArticlesController, KnowledgeController } from './knowledge.controller.js';
import { KNOWLEDGE_ENTITIES } from './knowledge.entities.js';
import { KnowledgeSearchService } from './knowledge-search.service.js';
import { KnowledgeService } from './knowledge.service.js';
import { QUESTION_SOURCE, QuestionSourceBinding } from './question-source.js';
import { SearchLog } from './search-log.js';
import { QuestionsModule } from '../questions/questions.module.js';
import { QuestionsBridge } from './questions-bridge.js';

/**
 * The knowledge base: anonymised articles, their workflow and history, Dutch full-text search with
 * facets, suggestions while asking, and search analytics. For the questions module it exports
 * KnowledgeService (recordReuse, markSuggestionSubmitted, createFromQuestion), QUESTION_SOURCE (bind
 * the question source) and, through `SearchIndex` in ./search/search-index.ts, the search engine.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KNOWLEDGE_ENTITIES), QuestionsModule],
  controllers: [ArticlesController, KnowledgeController],
  providers: [KnowledgeService, KnowledgeSearchService, SearchLog, QuestionsBridge, { provide: QUESTION_SOURCE, useClass: QuestionSourceBinding }],
  exports: [KnowledgeService, KnowledgeSearchService, QUESTION_SOURCE],
})
export class KnowledgeModule {}
