import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Question } from '../question.entities.js';
import { OPEN_LOAD_STATUSES } from '../question-vocabulary.js';
import { SqlParams, parseSqlTime, queryRows } from '../../infra/database/sql.js';
import { Database } from '../../infra/database/database.service.js';
import { routingCandidatesSql } from '../../accounts/index.js';

export interface Candidate {
  expertId: string;
  displayName: string;
  matchingKeuzes: number;
  openLoad: number;
  capacity: number | null;
  lastAssignedAt: string | null;
}

/** Assignments made in the caller's transaction that the database does not show yet, per expert. */
export type PendingAssignments = ReadonlyMap<string, { count: number; at: string }>;

export interface RoutingDecision {
  chosen: Candidate | null;
  /** Why: shown to coordinators on the question. */
  note: {
    rule: string;
    candidates: number;
    considered: Candidate[];
    excluded: string[];
    chosenExpertId: string | null;
  };
}

/**
 * Picks the expert for a question, in SQL on both databases. An expert fits when active, not
 * absent today, under capacity, not among those who declined it, and their expertise covers at
 * least one of the question's keuzes (directly or through the keuze's theme). Among those:
 * most matching keuzes, then lowest open load, then longest since their last assignment.
 */
@Injectable()
export class RouterService {
  constructor(private readonly db: Database) {}

  /** `pending`: assignments decided but not yet written (a batch), counted as if they were. */
  async candidates(m: EntityManager, questionId: string, exclude: string[], today: string, pending?: PendingAssignments): Promise<Candidate[]> {
    return (await this.scored(m, questionId, exclude, today, false, pending)).filter((c) => c.matchingKeuzes > 0 && (c.capacity === null || c.openLoad < c.capacity));
  }

  /**
   * For a coordinator assigning by hand: every active expert present today, with the router's
   * own figures (matching keuzes, open load, capacity) and whether the router itself would take
   * them (`fits`), in the router's order — those it would take first. `exclude`: who declined it.
   */
  async ranking(m: EntityManager, questionId: string, exclude: string[], today: string): Promise<(Candidate & { fits: boolean })[]> {
    const all = await this.scored(m, questionId, [], today, true);
    return all
      .map((c) => ({ ...c, fits: c.matchingKeuzes > 0 && (c.capacity === null || c.openLoad < c.capacity) && !exclude.includes(c.expertId) }))
      .sort((a, b) => Number(b.fits) - Number(a.fits) || byRouterRule(a, b));
  }

  /** The experts with their figures, in the router's order; `anyExpertise`: also those matching no keuze. */
  private async scored(m: EntityManager, questionId: string, exclude: string[], today: string, anyExpertise: boolean, pending?: PendingAssignments): Promise<Candidate[]> {
    const sql = new SqlParams(this.db.kind);
    const keuzes = `(SELECT keuze_id, theme_id FROM question_keuzes WHERE question_id = ${sql.add(questionId)})`;
    // The open load is counted only for experts who know one of the question's keuzes (the candidates
    // query keeps those): counting every expert's open questions for every routing was most of its cost.
    const candidates = routingCandidatesSql(sql, { keuzes, exclude, day: today, anyExpertise });
    const rows = await queryRows<{ expertId: string; displayName: string; capacity: number | null; lastAssignedAt: string | Date | null; matchingKeuzes: string | number; openLoad: string | number }>(
      m,
      `SELECT c.*, (SELECT COUNT(*) FROM questions oq WHERE oq.assignee_id = c."expertId" AND oq.status IN (${sql.list(OPEN_LOAD_STATUSES)})) AS "openLoad"
         FROM ${candidates} c`,
      sql.values,
    );
    return rows
      .map((r) => ({
        expertId: r.expertId,
        displayName: r.displayName,
        capacity: r.capacity === null ? null : Number(r.capacity),
        lastAssignedAt: r.lastAssignedAt === null ? null : parseSqlTime(r.lastAssignedAt).toISOString(),
        matchingKeuzes: Number(r.matchingKeuzes),
        openLoad: Number(r.openLoad),
      }))
      .map((c) => {
        const extra = pending?.get(c.expertId);
        return extra ? { ...c, openLoad: c.openLoad + extra.count, lastAssignedAt: extra.at } : c;
      })
      .sort(byRouterRule);
  }

  /** Open questions per expert, counted as `candidates` counts them (capacity re-checks after a batch decision). */
  async openLoads(m: EntityManager, expertIds: string[]): Promise<Map<string, number>> {
    const rows = await m
      .createQueryBuilder(Question, 'q')
      .select('q.assignee_id', 'assigneeId')
      .addSelect('COUNT(*)', 'load')
      .where('q.assignee_id IN (:...expertIds) AND q.status IN (:...open)', { expertIds, open: OPEN_LOAD_STATUSES })
      .groupBy('q.assignee_id')
      .getRawMany<{ assigneeId: string; load: string | number }>();
    return new Map(rows.map((r) => [r.assigneeId, Number(r.load)]));
  }

  async decide(m: EntityManager, questionId: string, exclude: string[], today: string, pending?: PendingAssignments): Promise<RoutingDecision> {
    const candidates = await this.candidates(m, questionId, exclude, today, pending);
    const chosen = candidates[0] ?? null;
    return {
      chosen,
      note: {
        rule: 'meeste overeenkomende keuzes, dan laagste werkvoorraad, dan langst geleden toegewezen',
        candidates: candidates.length,
        considered: candidates.slice(0, 5),
        excluded: exclude,
        chosenExpertId: chosen?.expertId ?? null,
      },
    };
  }
}


/** The router's rule: most matching keuzes, then lowest open load, then longest since the last assignment. */
function byRouterRule(a: Candidate, b: Candidate): number {
  return b.matchingKeuzes - a.matchingKeuzes || a.openLoad - b.openLoad || (a.lastAssignedAt ?? '').localeCompare(b.lastAssignedAt ?? '') || a.expertId.localeCompare(b.expertId);
}
