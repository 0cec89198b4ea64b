import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArticlesController, KnowledgeController } from './knowledge.controller.js';
import { KNOWLEDGE_ENTITIES } from './knowledge.entities.js';
import { KnowledgeSearchService } from './knowledge-search.service.js';
import { KnowledgeService } from './knowledge.service.js';
import { SearchLog } from './search-log.js';
import { QuestionsModule } from '../questions/index.js';
import { QuestionsBridge } from './questions-bridge.js';

/**
 * The knowledge base: anonymised articles, their workflow and history, Dutch full-text search with
 * facets, suggestions while asking, and search analytics. It follows the questions through their
 * events (QuestionsBridge) and drafts articles from them through QuestionReader.forPublication.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KNOWLEDGE_ENTITIES), QuestionsModule],
  controllers: [ArticlesController, KnowledgeController],
  providers: [KnowledgeService, KnowledgeSearchService, SearchLog, QuestionsBridge],
  exports: [KnowledgeService, KnowledgeSearchService],
})
export class KnowledgeModule {}
