import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  Matches,
  MinLength,
} from 'class-validator';
import { PageInfo, PageQuery } from '../common/pagination.js';
import { IsCalendarDate, NullableField, OptionalField } from '../common/validators.js';
import { ORGANISATION_TYPES } from '../organisations/index.js';
import { ARTICLE_STATUSES, type ArticleStatus, type ArticleVersionAction } from './article-vocabulary.js';
import type { Article, ArticleSnapshot, ArticleVersion } from './knowledge.entities.js';
import type { RemovedKind } from './text/anonymiser.js';

const MAX_INT = 2_147_483_647;
export const TITLE_MAX = 300;
export const QUESTION_MAX = 20_000;
export const ANSWER_MAX = 100_000;
const NOT_BLANK = /\S/;

/** An optional text field that may not be blank. */
function OptionalText(description: string, maxLength: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description, maxLength }), OptionalField(), IsString(), Matches(NOT_BLANK, { message: 'mag niet leeg zijn' }), MaxLength(maxLength));
}

/** Optional keuze ids: at least one, each 1–33 at most once. */
function OptionalKeuzeIds(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, type: [Number], example: [21, 25] }),
    OptionalField(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(33),
    ArrayUnique(),
    IsInt({ each: true }),
    Min(1, { each: true }),
    Max(MAX_INT, { each: true }),
  );
}

/** Optional related article ids (published articles, at most 20). */
function OptionalRelatedArticles(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'Related published articles.', type: [String], format: 'uuid' }),
    OptionalField(),
    IsArray(),
    ArrayMaxSize(20),
    ArrayUnique(),
    IsUUID(undefined, { each: true }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Input

/**
 * Either `{ questionId }` (a draft pre-filled from an answered question, anonymised) or
 * `{ title, question, answer, keuzeIds }` (a new article); never both.
 */
export class CreateArticleDto {
  @ApiPropertyOptional({ description: 'Answered question to pre-fill the draft from: one the caller handled (its assignee or the expert who answered it), or any for coordinators and the secretariat. Not together with the other fields.', format: 'uuid' })
  @OptionalField() @IsUUID()
  questionId?: string;

  @OptionalText('Title (required without questionId).', TITLE_MAX)
  title?: string;

  @OptionalText('The question, written for a general reader (required without questionId).', QUESTION_MAX)
  question?: string;

  @OptionalText('The answer in Markdown (required without questionId).', ANSWER_MAX)
  answer?: string;

  @OptionalKeuzeIds('Keuzes the article is about, 1–33 (at least one, required without questionId).')
  keuzeIds?: number[];

  @OptionalRelatedArticles()
  relatedArticleIds?: string[];

  @ApiPropertyOptional({ description: 'Kind of organisation that asked.', enum: ORGANISATION_TYPES })
  @OptionalField() @IsIn(ORGANISATION_TYPES)
  organisationType?: string;
}

export class UpdateArticleDto {
  @ApiPropertyOptional({ description: 'Version the change is based on; a different current version is a 409 conflict.', minimum: 1 })
  @OptionalField() @IsInt() @Min(1) @Max(MAX_INT)
  version?: number;

  @OptionalText('Title.', TITLE_MAX)
  title?: string;

  @OptionalText('The question, written for a general reader.', QUESTION_MAX)
  question?: string;

  @OptionalText('The answer in Markdown.', ANSWER_MAX)
  answer?: string;

  @OptionalKeuzeIds('Keuzes the article is about (at least one).')
  keuzeIds?: number[];

  @OptionalRelatedArticles()
  relatedArticleIds?: string[];

  @ApiPropertyOptional({ description: 'Kind of organisation that asked; null clears it.', enum: ORGANISATION_TYPES, nullable: true, type: String })
  @NullableField() @IsIn(ORGANISATION_TYPES)
  organisationType?: string | null;
}

export class ArticleQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Search text: Dutch words (stemmed, accents ignored, compounds match their parts), "quoted phrases". Without it: most recent first.', maxLength: 200 })
  @OptionalField() @IsString() @MinLength(1) @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Only articles about this keuze.', minimum: 1, maximum: 33 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  keuzeId?: number;

  @ApiPropertyOptional({ description: 'Only articles about this theme.', minimum: 1, maximum: 8 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  themeId?: number;

  @ApiPropertyOptional({ description: 'Only articles in this status (staff; readers only see published articles).', enum: ARTICLE_STATUSES })
  @OptionalField() @IsIn(ARTICLE_STATUSES)
  status?: ArticleStatus;
}

export class MostOpenedQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Count the opens of this many days, today included (Europe/Amsterdam).', minimum: 1, maximum: 365, default: 30 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(365)
  days: number = 30;
}

export class SuggestionQuery {
  @ApiProperty({ description: 'The question being drafted (title and text).', maxLength: 10_000 })
  @IsString() @MinLength(1) @MaxLength(10_000)
  text: string;
}

export class ArticleReferenceDto {
  @ApiProperty({ description: 'The article that was opened.', format: 'uuid' })
  @IsUUID()
  articleId: string;
}

export class GapQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'First day (Europe/Amsterdam), default 30 days before `to`.', format: 'date' })
  @OptionalField() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last day (inclusive, Europe/Amsterdam), default today.', format: 'date' })
  @OptionalField() @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Only searches about this theme.', minimum: 1, maximum: 8 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  themeId?: number;
}

// ---------------------------------------------------------------------------------------------------
// Output

export class RemovedPersonalDataDto {
  @ApiProperty({ description: 'Kind of personal data.', enum: ['email', 'phone', 'url', 'postcode', 'address', 'name', 'organisation'] })
  kind: RemovedKind;
  @ApiProperty({ description: 'The text that was removed.' })
  value: string;
}

/** What every reader sees of a published article. */
export class ArticlePublicDto {
  @ApiProperty({ description: 'Article id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Title.' })
  title: string;
  @ApiProperty({ description: 'The question, written for a general reader.' })
  question: string;
  @ApiProperty({ description: 'The answer as sanitised HTML (no scripts, event handlers or javascript: links).' })
  answerHtml: string;
  @ApiProperty({ description: 'Keuzes the article is about.', type: [Number], example: [25] })
  keuzeIds: number[];
  @ApiProperty({ description: 'Themes of those keuzes.', type: [Number], example: [6] })
  themeIds: number[];
  @ApiProperty({ description: 'Kind of organisation that asked.', nullable: true, type: String, enum: ORGANISATION_TYPES })
  organisationType: string | null;
  @ApiProperty({ description: 'Name of the organisation that asked, only when it agreed to be named.', nullable: true, type: String })
  organisationName: string | null;
  @ApiProperty({ description: 'Related articles.', type: [String], format: 'uuid' })
  relatedArticleIds: string[];
  @ApiProperty({ description: 'When the article was (last) published.', format: 'date-time', nullable: true, type: String })
  publishedAt: Date | null;
  @ApiProperty({ description: 'When the content was last reviewed by the secretariat.', format: 'date-time', nullable: true, type: String })
  lastReviewedAt: Date | null;

  static from(a: Article): ArticlePublicDto {
    return {
      id: a.id,
      title: a.title,
      question: a.question,
      answerHtml: a.answerHtml,
      keuzeIds: a.keuzeIds,
      themeIds: a.themeIds,
      organisationType: a.organisationType,
      organisationName: a.organisationName,
      relatedArticleIds: a.relatedArticleIds,
      publishedAt: a.publishedAt,
      lastReviewedAt: a.lastReviewedAt,
    };
  }
}

/** What staff see: everything, including the Markdown source, the workflow and the removed personal data. */
export class ArticleStaffDto extends ArticlePublicDto {
  @ApiProperty({ description: 'The answer in Markdown.' })
  answer: string;
  @ApiProperty({ description: 'Workflow status.', enum: ARTICLE_STATUSES })
  status: ArticleStatus;
  @ApiProperty({ description: 'Question the article was made from.', nullable: true, type: String, format: 'uuid' })
  sourceQuestionId: string | null;
  @ApiProperty({ description: 'What the anonymiser removed; check that nothing personal is left.', type: [RemovedPersonalDataDto] })
  removedPersonalData: RemovedPersonalDataDto[];
  @ApiProperty({ description: 'Current version number.', example: 3 })
  version: number;
  @ApiProperty({ description: 'Who created the article.', nullable: true, type: String, format: 'uuid' })
  createdBy: string | null;
  @ApiProperty({ description: 'Who last changed the content (may not publish it).', nullable: true, type: String, format: 'uuid' })
  lastAuthorId: string | null;
  @ApiProperty({ description: 'Who published it.', nullable: true, type: String, format: 'uuid' })
  publishedBy: string | null;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' })
  createdAt: Date;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' })
  updatedAt: Date;
  @ApiProperty({ description: 'When it was archived.', format: 'date-time', nullable: true, type: String })
  archivedAt: Date | null;
  @ApiProperty({ description: 'How many answers referred to this article.', example: 2 })
  reuseCount: number;

  static fromStaff(a: Article, reuseCount: number): ArticleStaffDto {
    return {
      ...ArticlePublicDto.from(a),
      answer: a.answer,
      status: a.status,
      sourceQuestionId: a.sourceQuestionId,
      removedPersonalData: a.removedPersonalData,
      version: a.version,
      createdBy: a.createdBy,
      lastAuthorId: a.lastAuthorId,
      publishedBy: a.publishedBy,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
      archivedAt: a.archivedAt,
      reuseCount,
    };
  }
}

export class ArticleHitDto {
  @ApiProperty({ description: 'Article id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Title.' })
  title: string;
  @ApiProperty({ description: 'Piece of the question and answer around the first match, HTML-escaped, matches in <mark>.' })
  snippet: string;
  @ApiProperty({ description: 'Workflow status (always published for readers).', enum: ARTICLE_STATUSES })
  status: ArticleStatus;
  @ApiProperty({ description: 'Keuzes the article is about.', type: [Number] })
  keuzeIds: number[];
  @ApiProperty({ description: 'Themes of those keuzes.', type: [Number] })
  themeIds: number[];
  @ApiProperty({ description: 'Kind of organisation that asked.', nullable: true, type: String, enum: ORGANISATION_TYPES })
  organisationType: string | null;
  @ApiProperty({ description: 'When the article was published.', format: 'date-time', nullable: true, type: String })
  publishedAt: Date | null;
  @ApiProperty({ description: 'How many of the search words and phrases the article matches (null without search text).', nullable: true, type: Number })
  matchedTerms: number | null;
}

export class MostOpenedArticleDto extends ArticleHitDto {
  @ApiProperty({ description: 'Times the article was opened in the period (its page or GET /articles/{id}).', example: 42 })
  opens: number;
}

export class FacetCountDto {
  @ApiProperty({ description: 'Keuze or theme number.', example: 25 })
  id: number;
  @ApiProperty({ description: 'Number of matching articles.', example: 12 })
  count: number;
}

export class FacetsDto {
  @ApiProperty({ description: 'Matching articles per theme.', type: [FacetCountDto] })
  themes: FacetCountDto[];
  @ApiProperty({ description: 'Matching articles per keuze.', type: [FacetCountDto] })
  keuzes: FacetCountDto[];
  @ApiProperty({ description: 'False when the counts cover only the most recent matches of a very large result (see the search documentation).' })
  complete: boolean;
}

export class SearchMetaDto {
  @ApiProperty({ description: 'Id of this search; report a click on a result with POST /articles/searches/{searchId}/clicks.', format: 'uuid' })
  searchId: string;
  @ApiProperty({ description: "'all': every word matched; 'any': too few such results, so articles matching most words; null without search text.", nullable: true, type: String, enum: ['all', 'any'] })
  matchMode: 'all' | 'any' | null;
  @ApiProperty({
    description: "How many results contain every word: in 'any' mode those few rank first (0 when none does); in 'all' mode the total; null without search text.",
    nullable: true,
    type: Number,
  })
  allWordsTotal: number | null;
}

export class ArticleSearchResultDto {
  @ApiProperty({ description: 'The articles of this page.', type: [ArticleHitDto] })
  data: ArticleHitDto[];
  @ApiProperty({ description: 'Paging.', type: PageInfo })
  page: PageInfo;
  @ApiProperty({ description: 'Counts per theme and keuze over all matches (not only this page).', type: FacetsDto })
  facets: FacetsDto;
  @ApiProperty({ description: 'About this search.', type: SearchMetaDto })
  meta: SearchMetaDto;
}

export class SuggestionsDto {
  @ApiProperty({ description: 'Id of these suggestions; report an opened one with POST /articles/suggestions/{suggestionId}/opened.', format: 'uuid' })
  suggestionId: string;
  @ApiProperty({ description: 'The most similar published articles, best first (at most 5).', type: [ArticleHitDto] })
  data: ArticleHitDto[];
  @ApiProperty({ description: 'Paging (one page).', type: PageInfo })
  page: PageInfo;
}

export class ArticleSnapshotDto implements ArticleSnapshot {
  @ApiProperty({ description: 'Title.' })
  title: string;
  @ApiProperty({ description: 'Question.' })
  question: string;
  @ApiProperty({ description: 'Answer (Markdown).' })
  answer: string;
  @ApiProperty({ description: 'Keuzes.', type: [Number] })
  keuzeIds: number[];
  @ApiProperty({ description: 'Related articles.', type: [String] })
  relatedArticleIds: string[];
  @ApiProperty({ description: 'Kind of organisation that asked.', nullable: true, type: String })
  organisationType: string | null;
  @ApiProperty({ description: 'Name of the organisation (with consent).', nullable: true, type: String })
  organisationName: string | null;
  @ApiProperty({ description: 'Status after this change.', enum: ARTICLE_STATUSES })
  status: ArticleStatus;
  @ApiPropertyOptional({ description: 'Why the secretariat sent the article back (versions with action `returned`).' })
  reviewComment?: string;
}

/** The secretariat sends an article in review back to its author, saying why. */
export class SendBackArticleDto {
  @ApiProperty({ description: 'What the author should change (shown with the version).', maxLength: 2000 })
  @IsString() @Matches(NOT_BLANK, { message: 'mag niet leeg zijn' }) @MaxLength(2000)
  comment: string;
}

export class ArticleVersionDto {
  @ApiProperty({ description: 'Version number, from 1.', example: 2 })
  version: number;
  @ApiProperty({ description: 'What happened.', enum: ['created', 'updated', 'submitted', 'returned', 'published', 'archived'] })
  action: ArticleVersionAction;
  @ApiProperty({ description: 'Who did it.', nullable: true, type: String, format: 'uuid' })
  actorId: string | null;
  @ApiProperty({ description: 'When.', format: 'date-time' })
  changedAt: Date;
  @ApiProperty({ description: 'Fields that changed.', type: [String], example: ['answer'] })
  changedFields: string[];
  @ApiProperty({ description: 'The article as it was after this change.', type: ArticleSnapshotDto })
  snapshot: ArticleSnapshotDto;

  static from(v: ArticleVersion): ArticleVersionDto {
    return { version: v.version, action: v.action, actorId: v.actorId, changedAt: v.changedAt, changedFields: v.changedFields, snapshot: v.snapshot };
  }
}

export class GapDto {
  @ApiProperty({ description: 'Theme the searches were about (filter, or the theme of the best partial matches); null if unknown.', nullable: true, type: Number })
  themeId: number | null;
  @ApiProperty({ description: 'The search as typed (one example of the group).', example: 'koelwater hittegolf' })
  query: string;
  @ApiProperty({ description: 'Searches in the period with the same words.', example: 14 })
  searches: number;
  @ApiProperty({ description: 'Of which without any result.', example: 3 })
  zeroResultSearches: number;
  @ApiProperty({ description: 'Of which nobody opened a result.', example: 9 })
  unclickedSearches: number;
  @ApiProperty({ description: 'Of which only partial matches were found (not every word).', example: 5 })
  partialMatchSearches: number;
  @ApiProperty({ description: 'Most recent such search.', format: 'date-time' })
  lastSearchedAt: Date;
}
