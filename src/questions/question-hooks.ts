import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ForbiddenError } from '../common/domain-errors.js';
import type { Page } from '../common/pagination.js';
import type { Principal } from '../accounts/principal.js';
import type { Question, QuestionEvent } from './question.entities.js';
import type { QuestionDto, QuestionQuery } from './questions.dto.js';
import type { QuestionScope } from './question-visibility.js';

/**
 * What the writer of an event has at hand, so extensions need not read it back: the question
 * as it is after the event and, on submission, its keuzes.
 */
export interface EventContext {
  question?: Question;
  keuzes?: { keuzeId: number; themeId: number }[];
}

/**
 * Where other modules plug into the question lifecycle without the questions module depending
 * on them: the knowledge base (deflection, answering by reference, staff search) and service
 * levels (priority changes). Each hook runs inside the question's transaction.
 */
export interface QuestionExtension {
  /** Every timeline event, in the transaction that writes it (service levels start, pause and stop clocks here). */
  afterEvent?(m: EntityManager, event: QuestionEvent, context: EventContext): Promise<void>;
  /**
   * `afterEvent` for events written together (a batch of submissions), so an extension can write
   * its rows for all of them at once; without it `afterEvent` runs once per event.
   */
  afterEvents?(m: EntityManager, events: { event: QuestionEvent; context: EventContext }[]): Promise<void>;
  afterSubmit?(m: EntityManager, q: Question): Promise<void>;
  validateArticles?(m: EntityManager, articleIds: string[]): Promise<void>;
  recordReuse?(m: EntityManager, questionId: string, articleIds: string[]): Promise<void>;
  afterPriorityChange?(m: EntityManager, q: Question, now: Date): Promise<void>;
  /** Staff search; `visible` is the caller's visibility rule, which every hit and the total must respect. */
  search?(principal: Principal, query: QuestionQuery, toDtos: (rows: Question[]) => Promise<QuestionDto[]>, visible: QuestionScope): Promise<Page<QuestionDto>>;
}

@Injectable()
export class QuestionHooks {
  private readonly extensions: QuestionExtension[] = [];

  register(extension: QuestionExtension): void {
    this.extensions.push(extension);
  }

  async afterEvent(m: EntityManager, event: QuestionEvent, context: EventContext = {}): Promise<void> {
    for (const e of this.extensions) await e.afterEvent?.(m, event, context);
  }

  async afterEvents(m: EntityManager, events: { event: QuestionEvent; context: EventContext }[]): Promise<void> {
    for (const e of this.extensions) {
      if (e.afterEvents) await e.afterEvents(m, events);
      else for (const { event, context } of events) await e.afterEvent?.(m, event, context);
    }
  }

  async afterSubmit(m: EntityManager, q: Question): Promise<void> {
    for (const e of this.extensions) await e.afterSubmit?.(m, q);
  }

  async validateArticles(m: EntityManager, articleIds: string[]): Promise<void> {
    const validators = this.extensions.filter((e) => e.validateArticles);
    if (!validators.length) throw new ForbiddenError('Antwoorden met verwijzing naar artikelen is niet beschikbaar.');
    for (const e of validators) await e.validateArticles!(m, articleIds);
  }

  async recordReuse(m: EntityManager, questionId: string, articleIds: string[]): Promise<void> {
    for (const e of this.extensions) await e.recordReuse?.(m, questionId, articleIds);
  }

  async afterPriorityChange(m: EntityManager, q: Question, now: Date): Promise<void> {
    for (const e of this.extensions) await e.afterPriorityChange?.(m, q, now);
  }

  search(principal: Principal, query: QuestionQuery, toDtos: (rows: Question[]) => Promise<QuestionDto[]>, visible: QuestionScope): Promise<Page<QuestionDto>> {
    const engine = this.extensions.find((e) => e.search);
    if (!engine) throw new ForbiddenError('Zoeken in vragen is niet beschikbaar.');
    return engine.search!(principal, query, toDtos, visible);
  }
}
