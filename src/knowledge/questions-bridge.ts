import { Injectable, OnModuleInit } from '@nestjs/common';
import { QuestionEvents } from '../questions/index.js';
import { KnowledgeService } from './knowledge.service.js';

/**
 * Where the knowledge base follows the questions (a QuestionEvents subscriber, in the question's
 * transaction): deflection by suggestions, and answering by reference — an answer's articles must be
 * published ones (else the answer is refused, InvalidInputError on `articleIds[i]`) and each counts
 * as reused. The questions module does not depend on the knowledge base.
 */
@Injectable()
export class QuestionsBridge implements OnModuleInit {
  constructor(
    private readonly events: QuestionEvents,
    private readonly knowledge: KnowledgeService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (m, recorded) => {
      for (const { event, question } of recorded) {
        if (event.type === 'submitted' && question.suggestionId) await this.knowledge.markSuggestionSubmitted(m, question.suggestionId);
        const articleIds = event.type === 'answered' ? event.details?.articleIds : undefined;
        if (Array.isArray(articleIds) && articleIds.length > 0) await this.knowledge.recordReuse(m, question.id, articleIds.map(String));
      }
    });
  }
}
