import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { insertRows } from '../infra/database/sql.js';
import { QuestionEvent } from './question.entities.js';
import type { Priority, QuestionEventType, QuestionStatus } from './question-vocabulary.js';

/**
 * A question as it is right after an event (what subscribers and other modules may read; they must
 * not change it). A plain type of its own, so the entity (question.entities.ts) stays inside the module.
 */
export interface QuestionSnapshot {
  readonly id: string;
  readonly reference: string;
  readonly title: string;
  readonly body: string;
  readonly context: string | null;
  readonly organisationCode: string;
  readonly requesterId: string;
  readonly status: QuestionStatus;
  readonly priority: Priority;
  readonly assigneeId: string | null;
  readonly desiredAnswerDate: string | null;
  readonly routingNote: Readonly<Record<string, unknown>> | null;
  readonly assignmentCount: number;
  readonly needsHandover: boolean;
  readonly answerBody: string | null;
  readonly referredTo: string | null;
  readonly reopenCount: number;
  readonly suggestionId: string | null;
  readonly consentToNameOrganisation: boolean;
  readonly submittedAt: Date;
  readonly assignedAt: Date | null;
  readonly answeredAt: Date | null;
  readonly closedAt: Date | null;
  readonly autoCloseAt: Date | null;
  readonly updatedAt: Date;
  readonly version: number;
}

/** One timeline event. */
export interface QuestionEventRecord {
  readonly id: string;
  readonly questionId: string;
  readonly type: QuestionEventType;
  readonly actorId: string | null;
  readonly fromStatus: QuestionStatus | null;
  readonly toStatus: QuestionStatus | null;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
  readonly occurredAt: Date;
}

/**
 * An event as written, with what its writer has at hand so subscribers need not read it back: the
 * question after the event and, on submission, its keuzes.
 */
export interface RecordedQuestionEvent {
  readonly event: QuestionEventRecord;
  readonly question: QuestionSnapshot;
  readonly keuzes?: readonly { keuzeId: number; themeId: number }[];
}

/**
 * Runs inside the transaction that writes the events (all of those written together: a batch of
 * submissions or routings); throwing refuses them, and the transaction rolls back.
 */
export type QuestionEventHandler = (m: EntityManager, recorded: readonly RecordedQuestionEvent[]) => Promise<void>;

/**
 * The one way other modules (service levels, the knowledge base) and the question index follow the
 * lifecycle without the questions module depending on them: every timeline event is written here
 * and handed to the subscribers in the same transaction.
 */
@Injectable()
export class QuestionEvents {
  private readonly handlers: QuestionEventHandler[] = [];

  subscribe(handler: QuestionEventHandler): void {
    this.handlers.push(handler);
  }

  /** Writes the events (one insert) and runs the subscribers, in the caller's transaction. */
  async record(m: EntityManager, recorded: readonly RecordedQuestionEvent[]): Promise<void> {
    if (recorded.length === 0) return;
    await insertRows(m, QuestionEvent, recorded.map((r) => r.event as QuestionEvent));
    for (const handler of this.handlers) await handler(m, recorded);
  }
}
