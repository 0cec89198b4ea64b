import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../infra/database/columns.js';
import type { RemovedItem } from './text/anonymiser.js';
import type { ArticleStatus, ArticleVersionAction } from './article-vocabulary.js';

/**
 * A knowledge-base article: an anonymised, generalised question with its answer. `seq` is the
 * integer key of the search index (FTS5 rowid / PostgreSQL key); `id` is the public UUID.
 */
@Entity('articles')
export class Article {
  @PrimaryGeneratedColumn('increment')
  seq: number;

  @Index({ unique: true })
  @Column('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 300 })
  title: string;

  /** The question, rewritten for a general reader. */
  @Column('text')
  question: string;

  /** Markdown source of the answer (staff). */
  @Column('text')
  answer: string;

  /** The answer rendered and sanitised (everyone). */
  @Column('text')
  answerHtml: string;

  /** The answer as plain text (search snippets and indexing). */
  @Column('text')
  answerText: string;

  @Index()
  @Column('varchar', { length: 20 })
  status: ArticleStatus;

  @JsonColumn()
  keuzeIds: number[];

  /** Derived from the keuzes through the catalog. */
  @JsonColumn()
  themeIds: number[];

  @JsonColumn()
  relatedArticleIds: string[];

  @Column('varchar', { length: 30, nullable: true })
  organisationType: string | null;

  /** Only when the asking organisation agreed to be named. */
  @Column('varchar', { length: 200, nullable: true })
  organisationName: string | null;

  @Index()
  @Column('varchar', { length: 36, nullable: true })
  sourceQuestionId: string | null;

  /** What the anonymiser took out, for the editors (staff only; it is personal data). */
  @JsonColumn()
  removedPersonalData: RemovedItem[];

  /** Number of the current version (1 at creation, +1 per change or transition). */
  @Column('integer')
  version: number;

  @Column('varchar', { length: 36, nullable: true })
  createdBy: string | null;

  /** Who last changed the content; may not publish it (four eyes). */
  @Column('varchar', { length: 36, nullable: true })
  lastAuthorId: string | null;

  @TimestampColumn()
  createdAt: Date;

  @Index()
  @TimestampColumn()
  updatedAt: Date;

  @Index()
  @TimestampColumn({ nullable: true })
  publishedAt: Date | null;

  @Column('varchar', { length: 36, nullable: true })
  publishedBy: string | null;

  @TimestampColumn({ nullable: true })
  lastReviewedAt: Date | null;

  @TimestampColumn({ nullable: true })
  archivedAt: Date | null;
}

/** Keuze (and its theme) of an article, with the article's status: filters and facets in SQL. */
@Entity('article_keuzes')
@Index(['keuzeId', 'articleSeq'])
@Index(['themeId', 'articleSeq'])
@Index(['status', 'keuzeId'])
@Index(['status', 'themeId'])
export class ArticleKeuze {
  @PrimaryColumn('varchar', { length: 36 })
  articleId: string;

  @PrimaryColumn('integer')
  keuzeId: number;

  @Column('integer')
  themeId: number;

  @Index()
  @Column('integer')
  articleSeq: number;

  @Column('varchar', { length: 20 })
  status: ArticleStatus;
}

export interface ArticleSnapshot {
  title: string;
  question: string;
  answer: string;
  keuzeIds: number[];
  relatedArticleIds: string[];
  organisationType: string | null;
  organisationName: string | null;
  status: ArticleStatus;
  /** Why the secretariat sent the article back to its author (the 'returned' version only). */
  reviewComment?: string;
}

/** One entry of an article's history: who did what when, and the article as it was afterwards. */
@Entity('article_versions')
@Index(['articleId', 'version'], { unique: true })
export class ArticleVersion {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar', { length: 36 })
  articleId: string;

  @Column('integer')
  version: number;

  @Column('varchar', { length: 20 })
  action: ArticleVersionAction;

  @Column('varchar', { length: 36, nullable: true })
  actorId: string | null;

  @TimestampColumn()
  changedAt: Date;

  /** Names of the fields that changed. */
  @JsonColumn()
  changedFields: string[];

  @JsonColumn()
  snapshot: ArticleSnapshot;
}

/** An answer to a question that referred to an article instead of (or besides) writing anew. */
@Entity('article_reuse')
@Index(['questionId', 'articleId'], { unique: true })
export class ArticleReuse {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  articleId: string;

  @Column('varchar', { length: 36 })
  questionId: string;

  @TimestampColumn()
  reusedAt: Date;
}

/** Suggestions shown while someone drafts a question (deflection); no text, no identity stored. */
@Entity('article_suggestions')
export class ArticleSuggestion {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @TimestampColumn()
  createdAt: Date;

  @JsonColumn()
  articleIds: string[];

  /** Set when the questions module reports that the question was submitted after all. */
  @TimestampColumn({ nullable: true })
  submittedAt: Date | null;
}

@Entity('article_suggestion_opens')
export class ArticleSuggestionOpen {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  suggestionId: string;

  @Column('varchar', { length: 36 })
  articleId: string;

  @TimestampColumn()
  openedAt: Date;
}

/** One search of the knowledge base, without identity: for the secretariat's gap analysis. */
@Entity('knowledge_searches')
export class KnowledgeSearch {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @TimestampColumn()
  searchedAt: Date;

  /** The text as typed (trimmed), null for a listing without `q`. */
  @Column('varchar', { length: 200, nullable: true })
  queryText: string | null;

  /** Sorted stems: searches that differ only in form or order group together. */
  @Column('varchar', { length: 300, nullable: true })
  queryKey: string | null;

  @Column('integer', { nullable: true })
  keuzeId: number | null;

  @Column('integer', { nullable: true })
  themeId: number | null;

  @Column('varchar', { length: 20, nullable: true })
  statusFilter: string | null;

  /** 'all', 'any' (fallback) or null without `q`. */
  @Column('varchar', { length: 3, nullable: true })
  matchMode: string | null;

  @Column('integer')
  resultCount: number;

  /** Theme the search is about: the filter's, else the main theme of the best (partial) matches. */
  @Index()
  @Column('integer', { nullable: true })
  gapThemeId: number | null;

  /** Searches by staff are kept apart from the readers' in the gap report. */
  @Column('boolean')
  staff: boolean;
}

@Entity('knowledge_search_clicks')
export class KnowledgeSearchClick {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Index()
  @Column('varchar', { length: 36 })
  searchId: string;

  @Column('varchar', { length: 36 })
  articleId: string;

  @TimestampColumn()
  clickedAt: Date;
}

/**
 * How often an article was opened on one day (Europe/Amsterdam): a counter per article and day,
 * raised by one upsert per open, for "most opened". Nothing about who opened it.
 */
@Entity('article_opens')
@Index(['day', 'articleId'])
export class ArticleOpen {
  @PrimaryColumn('varchar', { length: 36 })
  articleId: string;

  /** 'YYYY-MM-DD' in Europe/Amsterdam: compares as text. */
  @PrimaryColumn('varchar', { length: 10 })
  day: string;

  @Column('integer')
  opens: number;
}

export const KNOWLEDGE_ENTITIES = [
  Article,
  ArticleKeuze,
  ArticleVersion,
  ArticleReuse,
  ArticleSuggestion,
  ArticleSuggestionOpen,
  KnowledgeSearch,
  KnowledgeSearchClick,
  ArticleOpen,
];
