/*
 * The public entry of questions (README "Architecture", D1). Not published: the entities
 * (question.entities.ts); their vocabulary (statuses, priorities, event types) is.
 */
export { QuestionsModule } from './questions.module.js';
export { QuestionIntake } from './question-intake.service.js';
export { QuestionLifecycle } from './question-lifecycle.service.js';
export { QuestionReader } from './question-reader.service.js';
export { QuestionMails } from './question-mails.js';
export { QuestionWork, RECENT_VIEW_MS, TRIAGE_REASONS, WORK_GROUPS, type RecentViewer, type TriageReason, type WorkFilter, type WorkGroup, type WorkItem } from './question-work.service.js';
export type { Candidate as RoutingCandidate } from './routing/router.service.js';
export { acceptanceDue } from './acceptance.js';
export { AttachmentsService, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES } from './attachments.service.js';
export { QuestionEvents, type QuestionEventHandler, type QuestionEventRecord, type QuestionSnapshot, type RecordedQuestionEvent } from './question-events.js';
export * from './question.queries.js';
export {
  FINAL_STATUSES,
  OPEN_LOAD_STATUSES,
  PRIORITIES,
  QUESTION_EVENT_TYPES,
  QUESTION_STATUSES,
  type Priority,
  type QuestionEventType,
  type QuestionStatus,
} from './question-vocabulary.js';
export { seesAllQuestions, type QuestionScope } from './question-visibility.js';
export { EVENT_TEXT, REQUESTER_TODO, STATUS_TEXT, dutchDateTime } from './question-texts.js';
export {
  AnswerDto,
  MessageBodyDto,
  PostMessageDto,
  PriorityDto,
  ReferDto,
  AssignDto,
  QuestionDetailDto,
  QuestionDto,
  QuestionQuery,
  RateDto,
  ReasonDto,
  SubmitQuestionDto,
} from './questions.dto.js';
