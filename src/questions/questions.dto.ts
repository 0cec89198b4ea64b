import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { IsCalendarDate, OptionalField } from '../common/validators.js';
import { PRIORITIES, QUESTION_EVENT_TYPES, QUESTION_STATUSES, type Priority, type QuestionEventType, type QuestionStatus } from './question-vocabulary.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NOT_BLANK = /\S/;

export class SubmitQuestionDto {
  @ApiProperty({ description: 'Short title of the question.', minLength: 1, maxLength: 200, example: 'Mogen we bouwen in de uiterwaarden bij Zutphen?' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) @Matches(NOT_BLANK, { message: 'mag niet leeg zijn' })
  title: string;

  @ApiProperty({ description: 'The question in plain text.', minLength: 1, maxLength: 20000 })
  @IsString() @MinLength(1) @MaxLength(20000) @Matches(NOT_BLANK, { message: 'mag niet leeg zijn' })
  body: string;

  @ApiProperty({ description: 'The keuzes (1–33) the question is about: one to five.', type: [Number], example: [10, 22] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(2_147_483_647, { each: true })
  keuzeIds: number[];

  @ApiPropertyOptional({ description: 'Organisation asking; defaults to the requester’s own.', example: 'GM0301' })
  @OptionalField() @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode?: string;

  @ApiPropertyOptional({ description: 'When an answer would help most.', format: 'date', example: '2027-01-15' })
  @OptionalField() @IsCalendarDate()
  desiredAnswerDate?: string;

  @ApiPropertyOptional({ description: 'Location or project the question is about.', maxLength: 200, example: 'Woonwijk De Mars, Zutphen' })
  @OptionalField() @Transform(trim) @IsString() @MaxLength(200)
  context?: string;

  @ApiPropertyOptional({ description: 'The suggestion response (GET /articles/suggestions) shown before submitting, for deflection statistics.', format: 'uuid' })
  @OptionalField() @IsUUID()
  suggestionId?: string;
}

export class PersonRefDto {
  @ApiProperty({ description: 'User id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Display name.' })
  displayName: string;
}

export class QuestionDto {
  @ApiProperty({ description: 'Question id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Human reference, unique per year.', example: 'WBS-2026-00042' })
  reference: string;
  @ApiProperty({ description: 'Title.' })
  title: string;
  @ApiProperty({ description: 'The question in plain text.' })
  body: string;
  @ApiProperty({ description: 'Location or project.', nullable: true, type: String })
  context: string | null;
  @ApiProperty({ description: 'Lifecycle status.', enum: QUESTION_STATUSES })
  status: QuestionStatus;
  @ApiProperty({ description: 'Priority (set by a coordinator).', enum: PRIORITIES })
  priority: Priority;
  @ApiProperty({ description: 'Keuzes the question is about.', type: [Number] })
  keuzeIds: number[];
  @ApiProperty({ description: 'Themes of those keuzes.', type: [Number] })
  themeIds: number[];
  @ApiProperty({ description: 'Organisation that asked.', example: 'GM0363' })
  organisationCode: string;
  @ApiProperty({ description: 'Who asked.', type: PersonRefDto })
  requester: PersonRefDto;
  @ApiProperty({ description: 'The expert handling it.', type: PersonRefDto, nullable: true })
  assignee: PersonRefDto | null;
  @ApiProperty({ description: 'When an answer would help most.', nullable: true, type: String, format: 'date' })
  desiredAnswerDate: string | null;
  @ApiProperty({ description: 'The latest answer.', nullable: true, type: String })
  answer: string | null;
  @ApiProperty({ description: 'Body the question was referred to.', nullable: true, type: String })
  referredTo: string | null;
  @ApiProperty({ description: 'How often the requester reopened it.' })
  reopenCount: number;
  @ApiProperty({ description: 'When it was submitted.', format: 'date-time' })
  submittedAt: string;
  @ApiProperty({ description: 'When it was last assigned.', nullable: true, type: String, format: 'date-time' })
  assignedAt: string | null;
  @ApiProperty({ description: 'When it was last answered.', nullable: true, type: String, format: 'date-time' })
  answeredAt: string | null;
  @ApiProperty({ description: 'When it was closed.', nullable: true, type: String, format: 'date-time' })
  closedAt: string | null;
  @ApiProperty({ description: 'When an answered question closes by itself.', nullable: true, type: String, format: 'date-time' })
  autoCloseAt: string | null;
  @ApiProperty({ description: 'When its status or details last changed.', format: 'date-time' })
  updatedAt: string;
  @ApiPropertyOptional({ description: 'Staff: the assignee became unavailable while working on it.' })
  needsHandover?: boolean;
  @ApiPropertyOptional({ description: 'Coordinators and secretariat: why the router chose this expert (or none).', type: 'object', additionalProperties: true, nullable: true })
  routingNote?: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'Staff search: the matching passage, HTML-escaped with <mark> around matches.' })
  snippet?: string;
  @ApiProperty({ description: 'Optimistic lock: every change raises it (pages send it back so a change on an old version gets 409).' })
  version: number;
}

export class TimelineEventDto {
  @ApiProperty({ description: 'Event id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'What happened.', enum: QUESTION_EVENT_TYPES, example: 'accepted' })
  type: QuestionEventType;
  @ApiProperty({ description: 'Who did it; null for the system.', type: PersonRefDto, nullable: true })
  actor: PersonRefDto | null;
  @ApiProperty({ description: 'Status before.', nullable: true, enum: QUESTION_STATUSES })
  fromStatus: QuestionStatus | null;
  @ApiProperty({ description: 'Status after.', nullable: true, enum: QUESTION_STATUSES })
  toStatus: QuestionStatus | null;
  @ApiProperty({ description: 'Why, as given.', nullable: true, type: String })
  reason: string | null;
  @ApiPropertyOptional({ description: 'Staff-only detail.', type: 'object', additionalProperties: true, nullable: true })
  details?: Record<string, unknown> | null;
  @ApiProperty({ description: 'When.', format: 'date-time' })
  occurredAt: string;
}

export class MessageDto {
  @ApiProperty({ description: 'Message id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Author.', type: PersonRefDto })
  author: PersonRefDto;
  @ApiProperty({ description: 'Text.' })
  body: string;
  @ApiProperty({ description: 'Internal note, visible to staff only.' })
  internal: boolean;
  @ApiProperty({ description: 'When.', format: 'date-time' })
  createdAt: string;
}

export class AttachmentDto {
  @ApiProperty({ description: 'Attachment id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'File name as uploaded (sanitised).' })
  filename: string;
  @ApiProperty({ description: 'Type detected from the content.', example: 'application/pdf' })
  contentType: string;
  @ApiProperty({ description: 'Size in bytes.' })
  size: number;
  @ApiProperty({ description: 'When it was uploaded.', format: 'date-time' })
  createdAt: string;
}

export class RatingDto {
  @ApiProperty({ description: 'Score 1–5.', minimum: 1, maximum: 5 })
  score: number;
  @ApiProperty({ description: 'Comment.', nullable: true, type: String })
  comment: string | null;
  @ApiProperty({ description: 'When.', format: 'date-time' })
  createdAt: string;
}

export class QuestionDetailDto extends QuestionDto {
  @ApiProperty({ description: 'Timeline: every change, oldest first.', type: [TimelineEventDto] })
  timeline: TimelineEventDto[];
  @ApiProperty({ description: 'Messages the caller may see, oldest first.', type: [MessageDto] })
  messages: MessageDto[];
  @ApiProperty({ description: 'Attachments.', type: [AttachmentDto] })
  attachments: AttachmentDto[];
  @ApiProperty({ description: 'The requester’s rating, if given.', type: RatingDto, nullable: true })
  rating: RatingDto | null;
}

export class QuestionQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only questions in this status.', enum: QUESTION_STATUSES })
  @OptionalField() @IsIn(QUESTION_STATUSES)
  status?: QuestionStatus;

  @ApiPropertyOptional({ description: 'Only questions about this keuze.', minimum: 1 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  keuzeId?: number;

  @ApiPropertyOptional({ description: 'Only questions about this theme.', minimum: 1 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  themeId?: number;

  @ApiPropertyOptional({ description: 'Only questions of this organisation.', example: 'GM0363' })
  @OptionalField() @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode?: string;

  @ApiPropertyOptional({ description: 'Only questions assigned to the caller.', enum: ['me'] })
  @OptionalField() @IsIn(['me'])
  assignee?: 'me';

  @ApiPropertyOptional({ description: 'Staff: full-text search over titles, questions and answers.', maxLength: 200 })
  @OptionalField() @IsString() @MinLength(1) @MaxLength(200)
  q?: string;
}

export class ReasonDto {
  @ApiProperty({ description: 'Why.', minLength: 1, maxLength: 2000 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(2000)
  reason: string;
}

export class AssignDto {
  @ApiProperty({ description: 'The expert to assign.', format: 'uuid' })
  @IsUUID()
  expertId: string;
}

export class MessageBodyDto {
  @ApiProperty({ description: 'The message.', minLength: 1, maxLength: 2000 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(2000)
  message: string;
}

export class AnswerDto {
  @ApiProperty({ description: 'The answer (plain text or Markdown).', minLength: 1, maxLength: 20000 })
  @IsString() @MinLength(1) @MaxLength(20000) @Matches(NOT_BLANK, { message: 'mag niet leeg zijn' })
  body: string;

  @ApiPropertyOptional({ description: 'Knowledge-base articles the answer refers to (counted as reuse).', type: [String] })
  @OptionalField() @IsArray() @ArrayMaxSize(10) @ArrayUnique() @IsUUID('all', { each: true })
  articleIds?: string[];
}

export class ReferDto {
  @ApiProperty({ description: 'The body that owns the question, e.g. "IPLO" or "Waterschap Rivierenland".', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  to: string;

  @ApiProperty({ description: 'Why it belongs there.', maxLength: 2000 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(2000)
  reason: string;
}

export class PostMessageDto {
  @ApiProperty({ description: 'The message.', minLength: 1, maxLength: 20000 })
  @IsString() @MinLength(1) @MaxLength(20000) @Matches(NOT_BLANK, { message: 'mag niet leeg zijn' })
  body: string;

  @ApiPropertyOptional({ description: 'Staff: an internal note, never shown to the requester or mailed.', default: false })
  @OptionalField() @IsBoolean()
  internal?: boolean;
}

export class ConfirmDto {
  @ApiPropertyOptional({ description: 'May an anonymised article based on this question name your organisation?', default: false })
  @OptionalField() @IsBoolean()
  consentToNameOrganisation?: boolean;
}

export class RateDto extends ConfirmDto {
  @ApiProperty({ description: 'How useful was the answer, 1 (not) to 5 (very).', minimum: 1, maximum: 5 })
  @IsInt() @Min(1) @Max(5)
  score: number;

  @ApiPropertyOptional({ description: 'Comment.', maxLength: 2000 })
  @OptionalField() @Transform(trim) @IsString() @MaxLength(2000)
  comment?: string;
}

export class PriorityDto {
  @ApiProperty({ description: 'New priority.', enum: PRIORITIES })
  @IsIn(PRIORITIES)
  priority: Priority;
}
