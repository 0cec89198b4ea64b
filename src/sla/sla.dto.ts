import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { IsCalendarDate, IsDecimalNumber, OptionalField } from '../common/validators.js';
import { PRIORITIES } from '../questions/index.js';
import { CLOCK_KINDS, SLA_EVENT_TYPES, type ClockKind, type SlaEventType } from './sla.entities.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SlaPolicyDto {
  @ApiProperty({ description: 'Priority the policy applies to.', enum: PRIORITIES, example: 'normal' })
  priority: string;
  @ApiProperty({ description: 'First response within this many working days (8 office hours = 1).', example: 2 })
  firstResponseDays: number;
  @ApiProperty({ description: 'Answer within this many working days, time waiting for the requester excluded.', example: 10 })
  answerDays: number;
  @ApiProperty({ description: 'The expert is reminded when this percentage of the target has passed.', example: 80 })
  reminderPct: number;
  @ApiProperty({ description: 'Last change.', format: 'date-time' })
  updatedAt: string;
}

export class UpdateSlaPolicyDto {
  @ApiProperty({ description: 'First response target in working days (may be fractional: 0.5 = 4 office hours).', minimum: 0.125, maximum: 60, example: 2 })
  @Type(() => Number) @IsDecimalNumber(3) @Min(0.125) @Max(60)
  firstResponseDays: number;

  @ApiProperty({ description: 'Answer target in working days.', minimum: 0.125, maximum: 250, example: 10 })
  @Type(() => Number) @IsDecimalNumber(3) @Min(0.125) @Max(250)
  answerDays: number;

  @ApiPropertyOptional({ description: 'Reminder at this percentage of the target (default: unchanged, initially 80).', minimum: 10, maximum: 99, example: 80 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(10) @Max(99)
  reminderPct?: number;
}

export class ClosureDto {
  @ApiProperty({ description: 'The closed day (Europe/Amsterdam).', format: 'date', example: '2026-12-24' })
  day: string;
  @ApiProperty({ description: 'Why the office is closed.', nullable: true, type: String, example: 'Kerstavond: kantoor gesloten' })
  reason: string | null;
  @ApiProperty({ description: 'When the closure was added.', format: 'date-time' })
  createdAt: string;
  @ApiProperty({ description: 'Whether the questions touching this day are still being recomputed.' })
  recomputePending: boolean;
}

export class CreateClosureDto {
  @ApiProperty({ description: 'The day to close (YYYY-MM-DD, Europe/Amsterdam), in the years 2000–2100.', format: 'date', example: '2026-12-24' })
  @IsCalendarDate()
  day: string;

  @ApiPropertyOptional({ description: 'Why the office is closed.', maxLength: 200, example: 'Kerstavond: kantoor gesloten' })
  @OptionalField() @Transform(trim) @IsString() @MaxLength(200)
  reason?: string;
}

export class ClosureQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only closures on or after this day.', format: 'date' })
  @OptionalField() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Only closures on or before this day.', format: 'date' })
  @OptionalField() @IsCalendarDate()
  to?: string;
}

export class SlaClockDto {
  @ApiProperty({ enum: CLOCK_KINDS, description: 'first_response, answer, or reopen_answer (round n = after the n-th reopening).' })
  kind: ClockKind;
  @ApiProperty({ description: '0, or the reopening this answer clock belongs to.' })
  round: number;
  @ApiProperty({ description: 'Priority whose policy set the target.' })
  priority: string;
  @ApiProperty({ description: 'Target in working days.' })
  targetDays: number;
  @ApiProperty({ format: 'date-time', description: 'When the clock started.' })
  startedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the target is reached; null while paused.' })
  dueAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Paused (waiting for the requester) since.' })
  pausedSince: string | null;
  @ApiProperty({ description: 'Working days spent waiting for the requester (finished pauses).' })
  pausedDays: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the clock stopped.' })
  stoppedAt: string | null;
  @ApiProperty({ description: 'Stopped because the question was withdrawn (no verdict).' })
  cancelled: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Measured working days (when stopped).' })
  measuredDays: number | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Within the target; false also for a running clock past its due time.' })
  met: boolean | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the target was missed, if it was.' })
  breachedAt: string | null;
}

export class SlaEventDto {
  @ApiProperty({ enum: CLOCK_KINDS, description: 'Which clock.' })
  kind: ClockKind;
  @ApiProperty({ description: '0, or the reopening the clock belongs to.' })
  round: number;
  @ApiProperty({ enum: SLA_EVENT_TYPES, description: 'What happened to the clock.' })
  type: SlaEventType;
  @ApiProperty({ format: 'date-time', description: 'When.' })
  occurredAt: string;
}

export class QuestionSlaDto {
  @ApiProperty({ format: 'uuid', description: 'The question.' })
  questionId: string;
  @ApiProperty({ enum: PRIORITIES, description: 'Its priority.' })
  priority: string;
  @ApiProperty({ type: [SlaClockDto], description: 'Its clocks.' })
  clocks: SlaClockDto[];
  @ApiProperty({ type: [SlaEventDto], description: 'Every start, pause, resume, stop and breach, oldest first.' })
  events: SlaEventDto[];
}
