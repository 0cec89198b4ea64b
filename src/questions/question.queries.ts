import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Queryable } from '../infra/database/sql.js';
import { parseSqlTime, type SqlParams } from '../infra/database/sql.js';
import { Question, QuestionEvent, QuestionKeuze } from './question.entities.js';
import type { Priority, QuestionEventType } from './question-vocabulary.js';
import type { QuestionSnapshot } from './question-events.js';

/*
 * Published query objects of the questions module (design D2): the only code outside this module
 * that reads `questions`, `question_keuzes`, `question_events` or `question_ratings` goes through
 * these. Fragments return SQL that the caller embeds in its own statement (so a cross-module
 * report stays one statement), with their values added to the caller's SqlParams; the derived
 * tables are plain projections, which SQLite and PostgreSQL flatten into the outer query, so the
 * plans are those of a direct join.
 */

/**
 * Derived table, one row per question: id, status, priority, submitted_at, organisation_code,
 * assignee_id, answered_at, reopen_count, referred_to.
 */
export function questionRows(): string {
  return '(SELECT id, status, priority, submitted_at, organisation_code, assignee_id, answered_at, reopen_count, referred_to FROM questions)';
}

/** Derived table, one row per keuze of a question: question_id, keuze_id, theme_id. */
export function questionKeuzeRows(): string {
  return '(SELECT question_id, keuze_id, theme_id FROM question_keuzes)';
}

/**
 * Derived table, one row per theme of a question (through its lowest keuze of that theme):
 * question_id, keuze_id, theme_id — a question counts once per theme.
 */
export function questionThemeRows(): string {
  return `(SELECT k.question_id AS question_id, k.keuze_id AS keuze_id, k.theme_id AS theme_id FROM question_keuzes k
    WHERE NOT EXISTS (SELECT 1 FROM question_keuzes k2 WHERE k2.question_id = k.question_id AND k2.theme_id = k.theme_id AND k2.keuze_id < k.keuze_id))`;
}

/** Derived table, one row per rating: question_id, score. */
export function questionRatingRows(): string {
  return '(SELECT question_id, score FROM question_ratings)';
}

/** Condition: the question whose id is `questionId` (a column expression) has keuze `keuzeId`. */
export function questionHasKeuze(p: SqlParams, questionId: string, keuzeId: number): string {
  return `EXISTS (SELECT 1 FROM question_keuzes fk WHERE fk.question_id = ${questionId} AND fk.keuze_id = ${p.add(keuzeId)})`;
}

/** Condition: the question whose id is `questionId` has a keuze of theme `themeId`. */
export function questionHasTheme(p: SqlParams, questionId: string, themeId: number): string {
  return `EXISTS (SELECT 1 FROM question_keuzes ft WHERE ft.question_id = ${questionId} AND ft.theme_id = ${p.add(themeId)})`;
}

/** Derived table of the ids (column `id`) of the questions of a priority. */
export function questionIdsWithPriority(p: SqlParams, priority: string): string {
  return `(SELECT id FROM questions WHERE priority = ${p.add(priority)})`;
}

/** When the first question was submitted, or null without questions. */
export async function firstSubmission(m: Queryable): Promise<Date | null> {
  const [row] = (await m.query('SELECT min(submitted_at) AS first FROM questions')) as { first: unknown }[];
  return row?.first === null || row?.first === undefined ? null : parseSqlTime(row.first);
}

/** What a question's service-level clocks depend on besides its timeline. */
export interface QuestionClockFacts {
  id: string;
  priority: Priority;
  submittedAt: Date;
  organisationCode: string;
  assigneeId: string | null;
}

/** The clock facts of a question, or null when it does not exist. */
export async function questionClockFacts(m: EntityManager, questionId: string): Promise<QuestionClockFacts | null> {
  return m.findOne(Question, { select: { id: true, priority: true, submittedAt: true, organisationCode: true, assigneeId: true }, where: { id: questionId } });
}

/** The events of a question's timeline of the given types (type and instant), in no particular order. */
export async function questionTimeline(m: EntityManager, questionId: string, types: readonly string[]): Promise<{ type: QuestionEventType; occurredAt: Date }[]> {
  return m.find(QuestionEvent, { select: { type: true, occurredAt: true }, where: { questionId, type: In([...types]) } });
}

/** The keuzes of a question, with their themes. */
export async function questionKeuzes(m: EntityManager, questionId: string): Promise<{ keuzeId: number; themeId: number }[]> {
  return m.find(QuestionKeuze, { select: { keuzeId: true, themeId: true }, where: { questionId } });
}

/** Reference and title of these questions (those that still exist), for a list that names them. */
export async function questionHeadings(m: EntityManager, questionIds: readonly string[]): Promise<{ id: string; reference: string; title: string }[]> {
  if (questionIds.length === 0) return [];
  return m.find(Question, { select: { id: true, reference: true, title: true }, where: { id: In([...questionIds]) } });
}

/**
 * A whole question, for the questions module's own services that take one (the mails). Callers
 * outside the module pass it on and read no more than the public facts above.
 */
export async function questionById(m: EntityManager, questionId: string): Promise<QuestionSnapshot | null> {
  return m.findOneBy(Question, { id: questionId });
}
