/* An article's statuses and history actions, outside the entity file so other modules may use them (index.ts). */

export const ARTICLE_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export type ArticleVersionAction = 'created' | 'updated' | 'submitted' | 'returned' | 'published' | 'archived';
