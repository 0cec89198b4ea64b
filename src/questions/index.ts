/*
 * The public entry of questions (README "Architecture", D1). Not published: the entities
 * (question.entities.ts), including the constants that live there today (OPEN_LOAD_STATUSES,
 * PRIORITIES), until they move to a file of their own.
 */
export { QuestionsModule } from './questions.module.js';
export { QuestionsService } from './questions.service.js';
export { AttachmentsService, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES } from './attachments.service.js';
export { QuestionHooks, type EventContext } from './question-hooks.js';
export { seesAllQuestions, type QuestionScope } from './question-visibility.js';
export { EVENT_TEXT, REQUESTER_TODO, STATUS_TEXT, dutchDateTime } from './question-texts.js';
export {
  AnswerDto,
  MessageBodyDto,
  PostMessageDto,
  QuestionDetailDto,
  QuestionDto,
  QuestionQuery,
  RateDto,
  ReasonDto,
  SubmitQuestionDto,
} from './questions.dto.js';
