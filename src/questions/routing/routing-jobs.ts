import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock, amsterdamDay } from '../../common/clock.js';
import { ConflictError } from '../../common/domain-errors.js';
import { Batcher } from '../../common/batcher.js';
import { ExpertDirectory } from '../../accounts/index.js';
import { Database } from '../../infra/database/database.service.js';
import { JobHandler } from '../../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../../infra/jobs/job-names.js';
import { Question, QuestionEvent } from '../question.entities.js';
import { OPEN_LOAD_STATUSES } from '../question-vocabulary.js';
import { QuestionLifecycle } from '../question-lifecycle.service.js';
import { QuestionMails } from '../question-mails.js';
import { retryOnConflict } from '../retry-on-conflict.js';
import { RouterService } from './router.service.js';

/**
 * The route job: assigns a submitted question to an expert (RouterService), re-routes an assigned
 * one whose expert became unavailable, or puts it in triage for the coordinators. Reloads the
 * question and checks its state, so running twice changes nothing the second time.
 */
@Injectable()
export class RoutingJobs {
  private readonly logger = new Logger(RoutingJobs.name);
  /** Route jobs running at the same time, routed together. */
  private readonly routing = new Batcher<string, { error?: unknown }>((ids) => this.routeBatch(ids), 32);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly router: RouterService,
    private readonly lifecycle: QuestionLifecycle,
    private readonly mails: QuestionMails,
    private readonly experts: ExpertDirectory,
  ) {}

  @JobHandler(JobName.RouteQuestion)
  async route({ questionId }: JobPayloads[JobName.RouteQuestion]): Promise<void> {
    const outcome = await this.routing.run(questionId);
    if (outcome.error !== undefined) throw outcome.error;
  }

  /**
   * Routes the questions whose jobs run at the same time: their first routings together in one
   * transaction (routeFirstTimes), everything else (re-routing, triage, a batch that hit a
   * concurrent change) one by one as `routeOne`. Each job gets its own question's outcome.
   */
  private async routeBatch(ids: string[]): Promise<{ error?: unknown }[]> {
    let handled = new Set<string>();
    try {
      ({ handled } = await this.db.transaction((m) => this.routeFirstTimes(m, [...new Set(ids)])));
    } catch (error) {
      if (!(error instanceof ConflictError)) this.logger.warn(`Routing ${ids.length} question(s) together failed, one by one now: ${(error as Error).message}`);
    }
    const outcomes = new Map<string, Promise<{ error?: unknown }>>();
    for (const id of ids) {
      if (handled.has(id) || outcomes.has(id)) continue;
      outcomes.set(id, this.routeOne(id).then(() => ({}), (error: unknown) => ({ error })));
    }
    return Promise.all(ids.map((id) => outcomes.get(id) ?? {}));
  }

  /**
   * First routings (a `submitted` question never assigned) decided one after another, each
   * counting the experts chosen before it in this batch, and written together
   * (QuestionLifecycle.routeMany). Questions without a candidate are left to `routeOne` (triage).
   */
  private async routeFirstTimes(m: EntityManager, ids: string[]): Promise<{ handled: Set<string> }> {
    const now = this.clock.now();
    const today = amsterdamDay(now);
    const questions = await m.find(Question, { where: { id: In(ids) } });
    const pending = new Map<string, { count: number; at: string }>();
    const decided: { q: Question; expertId: string; note: Record<string, unknown> }[] = [];
    for (const q of ids.map((id) => questions.find((x) => x.id === id)).filter((q): q is Question => !!q)) {
      if (q.status !== 'submitted' || q.assignmentCount !== 0) continue;
      const decision = await this.router.decide(m, q.id, [], today, pending);
      if (!decision.chosen) continue;
      const expertId = decision.chosen.expertId;
      pending.set(expertId, { count: (pending.get(expertId)?.count ?? 0) + 1, at: now.toISOString() });
      decided.push({ q, expertId, note: decision.note });
    }
    if (decided.length === 0) return { handled: new Set() };
    // Take the experts' rows (row locks on PostgreSQL), then re-check capacity there: questions
    // routed elsewhere at the same time must not take an expert's last free places as well.
    const experts = new Map((await this.experts.claimForAssignment(m, [...pending.keys()], now)).map((e) => [e.id, e]));
    // SQLite runs write transactions one at a time, so the loads the router counted are exact.
    const loads = this.db.kind === 'sqlite' ? null : await this.router.openLoads(m, [...pending.keys()]);
    for (const [expertId, { count }] of pending) {
      const expert = experts.get(expertId);
      if (!expert) throw new Error(`expert ${expertId} vanished`);
      if (loads && expert.capacity !== null && (loads.get(expertId) ?? 0) + count > expert.capacity) throw new ConflictError('capacity taken meanwhile', 'concurrent-change');
    }
    await this.lifecycle.routeMany(m, decided.map(({ q, expertId, note }) => ({ q, expert: experts.get(expertId)!, note })), now);
    return { handled: new Set(decided.map(({ q }) => q.id)) };
  }

  /** Routes (or re-routes) one question in a transaction of its own. */
  private async routeOne(questionId: string): Promise<void> {
    const now = this.clock.now();
    const today = amsterdamDay(now);
    await retryOnConflict(this.logger, () =>
      this.db.transaction(async (m) => {
        const q = await m.findOneBy(Question, { id: questionId });
        if (!q) return [];
        const rerouting = q.status === 'assigned' && !!q.assigneeId && (await this.experts.isUnavailable(m, q.assigneeId, today));
        if (q.status !== 'submitted' && !rerouting) return [];
        // Only an assigned question can have been declined: a first routing has nothing to read.
        const declined = q.assignmentCount === 0 ? [] : await m.find(QuestionEvent, { select: { details: true }, where: { questionId, type: 'declined' } });
        const exclude = [...new Set(declined.map((e) => String(e.details?.expertId)).concat(rerouting ? [q.assigneeId!] : []))];
        for (;;) {
          const decision = await this.router.decide(m, questionId, exclude, today);
          if (!decision.chosen) {
            await this.lifecycle.apply(m, q, { to: 'triage', event: 'unroutable', details: decision.note, set: { routingNote: decision.note, assigneeId: null, assignedAt: null } }, null, now);
            return this.mails.mailCoordinators(m, q, 'question-unroutable', `unroutable:${q.version}`, { reason: 'Geen beschikbare expert met passende expertise.' });
          }
          // Take the expert's row (a row lock on PostgreSQL), then re-check capacity: two
          // questions routed at once must not both take an expert's last free place.
          const [expert] = await this.experts.claimForAssignment(m, [decision.chosen.expertId], now);
          if (!expert) throw new Error(`expert ${decision.chosen.expertId} vanished`);
          // SQLite runs write transactions one at a time, so the load the router just counted is
          // still exact; PostgreSQL counts again under the expert's row lock.
          const load = this.db.kind === 'sqlite' ? decision.chosen.openLoad : await m.count(Question, { where: { assigneeId: expert.id, status: In(OPEN_LOAD_STATUSES) } });
          if (expert.capacity !== null && load >= expert.capacity) {
            exclude.push(expert.id);
            continue;
          }
          await this.lifecycle.apply(
            m,
            q,
            {
              to: 'assigned',
              event: rerouting ? 'assigned' : 'routed',
              details: decision.note,
              set: { assigneeId: expert.id, assignedAt: now, assignmentCount: q.assignmentCount + 1, routingNote: decision.note, needsHandover: false },
            },
            null,
            now,
          );
          return [await this.mails.mailAssignment(m, q, expert)];
        }
      }),
    );
  }
}
