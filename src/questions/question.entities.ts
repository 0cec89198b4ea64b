import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';
import type { Priority, QuestionEventType, QuestionStatus } from './question-vocabulary.js';

@Entity('questions')
@Index(['status', 'submittedAt'])
@Index(['assigneeId', 'status'])
export class Question {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  /** Human number per year: WBS-2026-00042. */
  @Index({ unique: true })
  @Column('varchar', { length: 30 })
  reference: string;

  @Column('varchar', { length: 200 })
  title: string;

  @Column('text')
  body: string;

  /** Location or project name. */
  @Column('varchar', { length: 200, nullable: true })
  context: string | null;

  @Index()
  @Column('varchar', { length: 20 })
  organisationCode: string;

  @Index()
  @Column('varchar', { length: 36 })
  requesterId: string;

  @Column('varchar', { length: 20 })
  status: QuestionStatus;

  @Column('varchar', { length: 10, default: 'normal' })
  priority: Priority;

  @Column('varchar', { length: 36, nullable: true })
  assigneeId: string | null;

  @Column('date', { nullable: true })
  desiredAnswerDate: string | null;

  /** Why the router chose (or could not choose) an expert; shown to coordinators. */
  @JsonColumn({ nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON
  routingNote: Record<string, any> | null;

  /** Number of assignments so far; part of notification event keys, so each assignment mails once. */
  @Column('integer', { default: 0 })
  assignmentCount: number;

  /** Raised when the assignee became unavailable while working on it. */
  @Column('boolean', { default: false })
  needsHandover: boolean;

  @Column('text', { nullable: true })
  answerBody: string | null;

  @Column('varchar', { length: 200, nullable: true })
  referredTo: string | null;

  @Column('integer', { default: 0 })
  reopenCount: number;

  /** A submitted question that came after knowledge-base suggestions (deflection statistics). */
  @Column('varchar', { length: 36, nullable: true })
  suggestionId: string | null;

  /** Requester allowed publishing their organisation's name with an article based on this question. */
  @Column('boolean', { default: false })
  consentToNameOrganisation: boolean;

  @TimestampColumn()
  submittedAt: Date;

  @TimestampColumn({ nullable: true })
  assignedAt: Date | null;

  @TimestampColumn({ nullable: true })
  answeredAt: Date | null;

  @TimestampColumn({ nullable: true })
  closedAt: Date | null;

  /** When an answered question closes by itself (10 working days after the answer). */
  @Index()
  @TimestampColumn({ nullable: true })
  autoCloseAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;

  /** Optimistic lock: every change bumps it; a change based on an old version loses with 409. */
  @Column('integer', { default: 1 })
  version: number;
}

@Entity('question_keuzes')
export class QuestionKeuze {
  @PrimaryColumn('varchar', { length: 36 })
  questionId: string;

  @PrimaryColumn('integer')
  keuzeId: number;

  @Index()
  @Column('integer')
  themeId: number;
}

/** One entry on a question's timeline: who did what, when and why. */
@Entity('question_events')
@Index(['questionId', 'occurredAt'])
export class QuestionEvent {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 36 })
  questionId: string;

  @Column('varchar', { length: 30 })
  type: QuestionEventType;

  /** Null for the system (routing, automatic close). */
  @Column('varchar', { length: 36, nullable: true })
  actorId: string | null;

  @Column('varchar', { length: 20, nullable: true })
  fromStatus: QuestionStatus | null;

  @Column('varchar', { length: 20, nullable: true })
  toStatus: QuestionStatus | null;

  @Column('text', { nullable: true })
  reason: string | null;

  /** Staff-only detail (routing explanation, expert ids). */
  @JsonColumn({ nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON
  details: Record<string, any> | null;

  @TimestampColumn()
  occurredAt: Date;
}

@Entity('question_messages')
@Index(['questionId', 'createdAt'])
export class QuestionMessage {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 36 })
  questionId: string;

  @Column('varchar', { length: 36 })
  authorId: string;

  @Column('text')
  body: string;

  /** Visible to experts, coordinators and the secretariat only — never to requesters or in mails. */
  @Column('boolean', { default: false })
  internal: boolean;

  @TimestampColumn()
  createdAt: Date;
}

@Entity('question_attachments')
export class QuestionAttachment {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  questionId: string;

  @Column('varchar', { length: 255 })
  filename: string;

  /** Detected from the content, not taken from the upload. */
  @Column('varchar', { length: 120 })
  contentType: string;

  @Column('integer')
  size: number;

  @Column('varchar', { length: 64 })
  sha256: string;

  @Column('varchar', { length: 36 })
  uploadedBy: string;

  @TimestampColumn()
  createdAt: Date;
}

@Entity('question_ratings')
export class QuestionRating {
  @PrimaryColumn('varchar', { length: 36 })
  questionId: string;

  @Column('integer')
  score: number;

  @Column('text', { nullable: true })
  comment: string | null;

  @TimestampColumn()
  createdAt: Date;
}

/**
 * When a member of staff last had a question's page open ("<naam> bekeek deze vraag 2 minuten
 * geleden"): one row per question and person, raised by an upsert on every staff view. Requesters'
 * views are never recorded.
 */
@Entity('question_views')
@Index(['questionId', 'lastSeenAt'])
export class QuestionView {
  @PrimaryColumn('varchar', { length: 36 })
  questionId: string;

  @PrimaryColumn('varchar', { length: 36 })
  userId: string;

  @TimestampColumn()
  lastSeenAt: Date;
}
