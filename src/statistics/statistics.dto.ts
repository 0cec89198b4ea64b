import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate, OptionalField } from '../common/validators.js';
import { ORGANISATION_TYPES, type OrganisationType } from '../organisations/index.js';

export const BREAKDOWN_DIMENSIONS = ['keuze', 'theme', 'organisationType', 'province', 'month', 'quarter', 'expert'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
export const EXPORT_FORMATS = ['csv', 'json'] as const;

/** Filters every statistics endpoint takes. A question belongs to the period in which it was submitted. */
export class StatisticsQuery {
  @ApiPropertyOptional({ description: 'First day of the period (inclusive, Europe/Amsterdam); default: all time.', format: 'date', example: '2026-01-01' })
  @OptionalField() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last day of the period (inclusive); default: today.', format: 'date', example: '2026-12-31' })
  @OptionalField() @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Only questions about this keuze (1–33).', minimum: 1, maximum: 33 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(33)
  keuzeId?: number;

  @ApiPropertyOptional({ description: 'Only questions about a keuze of this theme (1–8).', minimum: 1, maximum: 8 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(8)
  themeId?: number;

  @ApiPropertyOptional({ description: 'Only questions from this kind of organisation.', enum: ORGANISATION_TYPES })
  @OptionalField() @IsIn(ORGANISATION_TYPES)
  organisationType?: OrganisationType;

  @ApiPropertyOptional({ description: 'Only questions from this province or a municipality in it (PV20–PV31).', example: 'PV25' })
  @OptionalField() @Matches(/^PV(2\d|3[01])$/, { message: 'moet een provinciecode zijn (PV20–PV31)' })
  provinceCode?: string;
}

export class BreakdownQuery extends StatisticsQuery {
  @ApiProperty({ description: 'Group by this dimension; every group is listed, also without questions.', enum: BREAKDOWN_DIMENSIONS })
  @IsIn(BREAKDOWN_DIMENSIONS)
  by: BreakdownDimension;
}

export class ExportQuery extends StatisticsQuery {
  @ApiPropertyOptional({ description: 'Group by this dimension; without it one row with the totals.', enum: BREAKDOWN_DIMENSIONS })
  @OptionalField() @IsIn(BREAKDOWN_DIMENSIONS)
  by?: BreakdownDimension;

  @ApiPropertyOptional({ description: 'csv (Dutch Excel: UTF-8 with BOM, `;`, decimal comma, CRLF) or json.', enum: EXPORT_FORMATS, default: 'csv' })
  @OptionalField() @IsIn(EXPORT_FORMATS)
  format?: (typeof EXPORT_FORMATS)[number];
}

export class PercentilesDto {
  @ApiProperty({ description: 'Median (nearest rank: the value at position ⌈n/2⌉ of the sorted values), in working days.', nullable: true, type: Number })
  median: number | null;
  @ApiProperty({ description: '90th percentile (nearest rank: position ⌈0.9·n⌉), in working days.', nullable: true, type: Number })
  p90: number | null;
  @ApiProperty({ description: 'Number of measured clocks.' })
  count: number;
}

export class SlaMetDto {
  @ApiProperty({ description: 'Percentage of first-response clocks with a verdict that met the target.', nullable: true, type: Number })
  firstResponse: number | null;
  @ApiProperty({ description: 'Percentage of answer clocks with a verdict that met the target.', nullable: true, type: Number })
  answer: number | null;
  @ApiProperty({ description: 'Percentage of answer clocks after reopenings that met the target.', nullable: true, type: Number })
  reopenAnswer: number | null;
}

export class RatingSummaryDto {
  @ApiProperty({ description: 'Mean score (1–5).', nullable: true, type: Number })
  mean: number | null;
  @ApiProperty({ description: 'Number of ratings.' })
  count: number;
  @ApiProperty({ description: 'Ratings as a percentage of answered questions.', nullable: true, type: Number })
  responseRate: number | null;
}

export class MeasuresDto {
  @ApiProperty({ description: 'Questions submitted in the period, whatever their status.' })
  received: number;
  @ApiProperty({ description: 'Of those, still open (submitted, triage, assigned, in progress, awaiting the requester).' })
  open: number;
  @ApiProperty({ description: 'Answered, waiting for confirmation.' })
  answered: number;
  @ApiProperty({ description: 'Closed (confirmed or closed automatically).' })
  closed: number;
  @ApiProperty({ description: 'Referred to another body.' })
  referred: number;
  @ApiProperty({ description: 'Withdrawn by the requester.' })
  withdrawn: number;
  @ApiProperty({ type: PercentilesDto, description: 'First response time in working days.' })
  firstResponseDays: PercentilesDto;
  @ApiProperty({ type: PercentilesDto, description: 'Answer time in working days, time waiting for the requester excluded.' })
  answerDays: PercentilesDto;
  @ApiProperty({ type: PercentilesDto, description: 'Answer time after a reopening, in working days (reported apart from the first answer).' })
  reopenAnswerDays: PercentilesDto;
  @ApiProperty({ type: SlaMetDto })
  slaMetPct: SlaMetDto;
  @ApiProperty({ description: 'Percentage of answered questions that were reopened at least once.', nullable: true, type: Number })
  reopenRate: number | null;
  @ApiProperty({ description: 'Number of reopenings.' })
  reopens: number;
  @ApiProperty({ type: RatingSummaryDto })
  rating: RatingSummaryDto;
  @ApiProperty({ description: 'Knowledge-base articles published in the period.' })
  articlesPublished: number;
  @ApiProperty({ description: 'Answers to questions of the period that referred to a knowledge-base article.' })
  articleReuse: number;
}

export class PeriodDto {
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'First day; null: since the first question.' })
  from: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Last day; null: up to now.' })
  to: string | null;
}

export class OverviewDto extends MeasuresDto {
  @ApiProperty({ type: PeriodDto })
  period: PeriodDto;
}

export class GroupMeasuresDto extends MeasuresDto {
  @ApiProperty({ description: 'Group key: keuze or theme number, organisation type, province code, YYYY-MM, YYYY-Qn or user id.' })
  key: string;
  @ApiProperty({ description: 'Readable name of the group.' })
  label: string;
}

export class BreakdownTotalsDto extends MeasuresDto {
  @ApiProperty({ description: 'True: a question with several keuzes (themes) counts once in each of their groups, so the groups add up to more than these totals.' })
  countsQuestionsOncePerGroup: boolean;
  @ApiProperty({ description: 'How groups relate to the totals, in Dutch.' })
  note: string;
}

export class BreakdownDto {
  @ApiProperty({ enum: BREAKDOWN_DIMENSIONS, description: 'The dimension the groups are of.' })
  by: BreakdownDimension;
  @ApiProperty({ type: PeriodDto })
  period: PeriodDto;
  @ApiProperty({ type: [GroupMeasuresDto], description: 'The measures per group, every group included.' })
  groups: GroupMeasuresDto[];
  @ApiProperty({ type: BreakdownTotalsDto, description: 'The same measures over all questions of the filter, each counted once.' })
  totals: BreakdownTotalsDto;
}

/** The statuses of a question still being handled (the `open` measure, the backlog). */
export const OPEN_STATUSES = ['submitted', 'triage', 'assigned', 'in_progress', 'awaiting_requester'] as const;

export const AGE_BUCKETS = ['0-2', '3-5', '6-10', '>10'] as const;

export class BacklogRowDto {
  @ApiProperty({ description: 'Status.' })
  status: string;
  @ApiProperty({ description: 'Open questions in this status.' })
  total: number;
  @ApiProperty({ description: 'By age in whole working days since submission: 0–2, 3–5, 6–10, more than 10.', example: { '0-2': 4, '3-5': 2, '6-10': 1, '>10': 0 } })
  ages: Record<(typeof AGE_BUCKETS)[number], number>;
}

export class BacklogDto {
  @ApiProperty({ format: 'date-time', description: 'Ages are measured at this moment.' })
  asOf: string;
  @ApiProperty({ type: [String], example: AGE_BUCKETS, description: 'Age buckets in working days since submission.' })
  buckets: string[];
  @ApiProperty({ type: [BacklogRowDto], description: 'Open questions per status and age bucket.' })
  byStatus: BacklogRowDto[];
  @ApiProperty({ type: BacklogRowDto, description: 'All open questions.' })
  total: BacklogRowDto;
}
