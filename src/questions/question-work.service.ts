import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { ForbiddenError } from '../common/domain-errors.js';
import { ExpertDirectory, isStaff, type Principal } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams } from '../infra/database/sql.js';
import { acceptanceDue } from './acceptance.js';
import { Question, QuestionEvent, QuestionKeuze, QuestionView } from './question.entities.js';
import { OPEN_LOAD_STATUSES, PRIORITIES, type Priority, type QuestionStatus } from './question-vocabulary.js';
import { QuestionReader } from './question-reader.service.js';
import { RouterService, type Candidate } from './routing/router.service.js';

/** The groups of an expert's work, in the order the page shows them. */
export const WORK_GROUPS = ['new', 'in_progress', 'waiting', 'answered'] as const;
export type WorkGroup = (typeof WORK_GROUPS)[number];
const GROUP_STATUSES: Record<WorkGroup, QuestionStatus[]> = {
  new: ['assigned'],
  in_progress: ['in_progress'],
  waiting: ['awaiting_requester'],
  answered: ['answered'],
};
/** How long an answered question stays on the expert's list. */
const RECENTLY_ANSWERED_DAYS = 14;
/** How far back another person's view of a question counts as "had it open". */
export const RECENT_VIEW_MS = 10 * 60_000;

/** The reasons a question is on the coordinators' triage list. */
export const TRIAGE_REASONS = ['unroutable', 'handover', 'not_accepted', 'clock'] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

/** One question on a work list: what the lists show of it, without its texts. */
export interface WorkItem {
  id: string;
  reference: string;
  title: string;
  status: QuestionStatus;
  priority: Priority;
  keuzeIds: number[];
  organisationCode: string;
  assignee: { id: string; displayName: string } | null;
  submittedAt: Date;
  assignedAt: Date | null;
  answeredAt: Date | null;
  /** For an assignment not yet accepted: before when it should be (acceptance.ts). */
  acceptBy: Date | null;
  needsHandover: boolean;
}

export interface WorkFilter {
  group?: WorkGroup;
  priority?: Priority;
  keuzeId?: number;
}

/** Someone else of the staff who had the question open lately. */
export interface RecentViewer {
  displayName: string;
  lastSeenAt: Date;
}

/**
 * The staff's lists of work (an expert's own questions, the coordinators' triage), who else has a
 * question open, and what changed on a question since a version. Reads only what the caller may
 * see; the texts of a question come from QuestionReader.get.
 */
@Injectable()
export class QuestionWork {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly directory: ExpertDirectory,
    private readonly reader: QuestionReader,
    private readonly router: RouterService,
  ) {}

  /**
   * The experts a coordinator may assign the question to, with the router's own figures and order
   * (RouterService.ranking); those who declined it do not fit.
   */
  async candidates(principal: Principal, id: string): Promise<(Candidate & { fits: boolean })[]> {
    if (!principal.user.roles.includes('coordinator')) throw new ForbiddenError('Alleen coördinatoren wijzen vragen toe.');
    const m = this.db.manager;
    await this.reader.findVisible(m, principal, id);
    const declined = await m.find(QuestionEvent, { select: { details: true }, where: { questionId: id, type: 'declined' } });
    const exclude = [...new Set(declined.map((e) => String(e.details?.expertId)))];
    return this.router.ranking(m, id, exclude, amsterdamDay(this.clock.now()));
  }

  /**
   * An expert's work: assignments to accept, in progress, waiting for the requester and answered
   * in the last two weeks, oldest assignment first. One indexed read on (assignee_id, status).
   */
  async expertWork(principal: Principal, filter: WorkFilter = {}): Promise<WorkItem[]> {
    if (!principal.user.roles.includes('expert')) throw new ForbiddenError('De werkvoorraad is voor experts.');
    const statuses = filter.group ? GROUP_STATUSES[filter.group] : WORK_GROUPS.flatMap((g) => GROUP_STATUSES[g]);
    const qb = this.db.manager
      .createQueryBuilder(Question, 'q')
      .where('q.assignee_id = :me AND q.status IN (:...statuses)', { me: principal.user.id, statuses })
      .andWhere("(q.status <> 'answered' OR q.answered_at >= :since)", { since: new Date(this.clock.now().getTime() - RECENTLY_ANSWERED_DAYS * 86_400_000) });
    this.filtered(qb, filter);
    qb.orderBy('q.assigned_at', 'ASC').addOrderBy('q.id', 'ASC');
    return this.items(await qb.getMany());
  }

  /** How many of an expert's questions need them: to accept or in progress (the navigation's count). */
  async expertCount(principal: Principal): Promise<number> {
    return this.db.manager.count(Question, { where: { assigneeId: principal.user.id, status: In(['assigned', 'in_progress']) } });
  }

  /**
   * What needs a coordinator: unroutable questions, assignees gone (handover), assignments not
   * accepted after the expert's reminder, and `atRisk` (questions whose service-level clock is at
   * risk or breached, from service levels). Each question once, with its reasons; oldest first.
   */
  async triage(principal: Principal, atRisk: readonly string[], filter: Omit<WorkFilter, 'group'> & { reason?: TriageReason } = {}): Promise<{ item: WorkItem; reasons: TriageReason[] }[]> {
    if (!principal.user.roles.includes('coordinator')) throw new ForbiddenError('Triage is voor coördinatoren.');
    const now = this.clock.now();
    const latestAssigned = this.overdueBound(now);
    const reasons = filter.reason ? [filter.reason] : [...TRIAGE_REASONS];
    const or: string[] = [];
    const params: Record<string, unknown> = { latestAssigned, open: OPEN_LOAD_STATUSES };
    if (reasons.includes('unroutable')) or.push("q.status = 'triage'");
    if (reasons.includes('handover')) or.push('(q.needs_handover = :handover AND q.status IN (:...open))');
    if (reasons.includes('not_accepted')) or.push("(q.status = 'assigned' AND q.assigned_at <= :latestAssigned)");
    if (reasons.includes('clock') && atRisk.length) or.push('q.id IN (:...atRisk)');
    if (or.length === 0) return [];
    params.handover = true;
    if (atRisk.length) params.atRisk = atRisk;
    const qb = this.db.manager.createQueryBuilder(Question, 'q').where(`(${or.join(' OR ')})`, params);
    this.filtered(qb, filter);
    qb.orderBy('q.submitted_at', 'ASC').addOrderBy('q.id', 'ASC');
    const rows = await qb.getMany();
    const risky = new Set(atRisk);
    const items = await this.items(rows);
    return items.map((item, i) => {
      const q = rows[i];
      const why: TriageReason[] = [];
      if (q.status === 'triage') why.push('unroutable');
      if (q.needsHandover && OPEN_LOAD_STATUSES.includes(q.status)) why.push('handover');
      if (q.status === 'assigned' && item.acceptBy && item.acceptBy.getTime() <= now.getTime()) why.push('not_accepted');
      if (risky.has(q.id) && !['answered', 'closed', 'referred', 'withdrawn'].includes(q.status)) why.push('clock');
      return { item, reasons: why.filter((r) => reasons.includes(r)) };
    }).filter((x) => x.reasons.length > 0);
  }

  /**
   * How many questions are on the triage list (the navigation's count for coordinators, on every
   * page): the ids of the stuck and at-risk ones, and the assignment times of old assignments.
   */
  async triageCount(atRisk: readonly string[]): Promise<number> {
    const m = this.db.manager;
    const now = this.clock.now();
    const risky = atRisk.length ? ' OR (q.id IN (:...atRisk) AND q.status IN (:...running))' : '';
    const [stuck, assigned] = await Promise.all([
      m
        .createQueryBuilder(Question, 'q')
        .select('q.id')
        .where(`(q.status = 'triage' OR (q.needs_handover = :handover AND q.status IN (:...open))${risky})`, {
          handover: true,
          open: OPEN_LOAD_STATUSES,
          atRisk,
          running: ['submitted', 'triage', ...OPEN_LOAD_STATUSES],
        })
        .getMany(),
      m.createQueryBuilder(Question, 'q').select(['q.id', 'q.assignedAt']).where("q.status = 'assigned' AND q.assigned_at <= :bound", { bound: this.overdueBound(now) }).getMany(),
    ]);
    const ids = new Set(stuck.map((q) => q.id));
    for (const q of assigned) if (q.assignedAt && acceptanceDue(this.calendar, q.assignedAt).getTime() <= now.getTime()) ids.add(q.id);
    return ids.size;
  }

  /**
   * An assignment can be overdue only when made at least one working day of office time ago, so
   * at least that much wall-clock time ago: the bound the query filters on before the exact
   * deadline (acceptanceDue) decides.
   */
  private overdueBound(now: Date): Date {
    return new Date(now.getTime() - this.calendar.workingDayMs);
  }

  /**
   * Records that a member of staff has a question open (one upsert; requesters are not recorded)
   * and returns the others of the staff who had it open in the last ten minutes, latest first.
   */
  async viewed(principal: Principal, questionId: string): Promise<RecentViewer[]> {
    if (!isStaff(principal)) return [];
    const now = this.clock.now();
    const m = this.db.manager;
    const p = new SqlParams(this.db.kind);
    await m.query(
      `INSERT INTO question_views (question_id, user_id, last_seen_at) VALUES (${p.add(questionId)}, ${p.add(principal.user.id)}, ${p.time(now)})
       ON CONFLICT (question_id, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
      p.values,
    );
    const views = await m
      .createQueryBuilder(QuestionView, 'v')
      .where('v.question_id = :questionId AND v.user_id <> :me AND v.last_seen_at >= :since', { questionId, me: principal.user.id, since: new Date(now.getTime() - RECENT_VIEW_MS) })
      .orderBy('v.last_seen_at', 'DESC')
      .limit(5)
      .getMany();
    const names = await this.directory.displayNames(m, views.map((v) => v.userId));
    return views.map((v) => ({ displayName: names.get(v.userId) ?? 'Onbekend', lastSeenAt: v.lastSeenAt }));
  }

  /**
   * A question's current version as the caller may see it (404 otherwise): the page's forms carry
   * it, and a change based on an older one is refused (QuestionLifecycle's `expectedVersion`).
   */
  async version(principal: Principal, id: string): Promise<number> {
    return (await this.reader.findVisible(this.db.manager, principal, id)).version;
  }

  /** The questions as work items (keuzes and the assignee's name read once for all). */
  private async items(rows: Question[]): Promise<WorkItem[]> {
    if (rows.length === 0) return [];
    const m = this.db.manager;
    const keuzes = await this.keuzesOf(m, rows.map((q) => q.id));
    const names = await this.directory.displayNames(m, rows.map((q) => q.assigneeId));
    return rows.map((q) => ({
      id: q.id,
      reference: q.reference,
      title: q.title,
      status: q.status,
      priority: q.priority,
      keuzeIds: keuzes.get(q.id) ?? [],
      organisationCode: q.organisationCode,
      assignee: q.assigneeId ? { id: q.assigneeId, displayName: names.get(q.assigneeId) ?? 'Onbekend' } : null,
      submittedAt: q.submittedAt,
      assignedAt: q.assignedAt,
      answeredAt: q.answeredAt,
      acceptBy: q.status === 'assigned' && q.assignedAt ? acceptanceDue(this.calendar, q.assignedAt) : null,
      needsHandover: q.needsHandover,
    }));
  }

  private async keuzesOf(m: EntityManager, ids: string[]): Promise<Map<string, number[]>> {
    const byQuestion = new Map<string, number[]>();
    // Chunks keep the IN list under SQLite's and PostgreSQL's parameter limits on long lists.
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await m.find(QuestionKeuze, { select: { questionId: true, keuzeId: true }, where: { questionId: In(ids.slice(i, i + 500)) }, order: { keuzeId: 'ASC' } });
      for (const r of rows) byQuestion.set(r.questionId, [...(byQuestion.get(r.questionId) ?? []), r.keuzeId]);
    }
    return byQuestion;
  }

  private filtered(qb: ReturnType<EntityManager['createQueryBuilder']>, filter: { priority?: Priority; keuzeId?: number }): void {
    if (filter.priority && (PRIORITIES as readonly string[]).includes(filter.priority)) qb.andWhere('q.priority = :priority', { priority: filter.priority });
    if (filter.keuzeId) qb.andWhere('EXISTS (SELECT 1 FROM question_keuzes wk WHERE wk.question_id = q.id AND wk.keuze_id = :keuzeId)', { keuzeId: filter.keuzeId });
  }

}
