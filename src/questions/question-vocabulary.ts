/*
 * The words of a question's life: statuses, priorities and timeline event types. Kept out of the
 * entity file so other modules can use them through the public entry (index.ts) without the entities.
 */

export const QUESTION_STATUSES = [
  'submitted',
  'triage',
  'assigned',
  'in_progress',
  'awaiting_requester',
  'answered',
  'closed',
  'referred',
  'withdrawn',
] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** Statuses in which a question counts against its expert's capacity. */
export const OPEN_LOAD_STATUSES: QuestionStatus[] = ['assigned', 'in_progress', 'awaiting_requester'];
export const FINAL_STATUSES: QuestionStatus[] = ['referred', 'withdrawn'];
export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const QUESTION_EVENT_TYPES = [
  'submitted',
  'routed',
  'unroutable',
  'assigned',
  'accepted',
  'declined',
  'clarification_requested',
  'requester_replied',
  'answered',
  'confirmed',
  'auto_closed',
  'reopened',
  'referred',
  'withdrawn',
  'priority_changed',
  'handover_needed',
  'rated',
] as const;
export type QuestionEventType = (typeof QUESTION_EVENT_TYPES)[number];
