/**
 * Every background job, by name. Each name has exactly one handler (checked at startup).
 * Jobs carry ids only: the database is the source of truth, handlers reload and are idempotent.
 */
export enum JobName {
  /** Deliver one outbox row (one mail for one recipient). */
  SendNotification = 'send-notification',
  /** Find an expert for a submitted question, or route again when its assignee became unavailable. */
  RouteQuestion = 'route-question',
  /** Flag an in-progress question whose assignee became unavailable, for the coordinators. */
  FlagHandover = 'flag-handover',
  /** Close an answered question 10 working days after the answer. */
  AutoCloseQuestion = 'auto-close-question',
  /** Remind about an assignment nobody accepted (stage 1: the expert; stage 2: the coordinators). */
  RemindAssignment = 'remind-assignment',
  /** Recompute the SLA clocks touched by a closure-day change (`scope: 'closure'`, key = day) or a policy change (`'policy'`, key = priority). */
  RecomputeSla = 'recompute-sla',
  /** Send a question's due SLA reminder (to the expert, at 80 %) or breach notice (to the coordinators). */
  SlaAlarm = 'sla-alarm',
  /** Bring the pre-aggregated statistics cells of the days marked dirty up to date. */
  RefreshStatistics = 'refresh-statistics',
  /** Process one stored inbound mail (a reply by e-mail, a bounce, an auto-reply). */
  ProcessInboundMail = 'process-inbound-mail',
  /** Mail the secretariat the link to the quarterly overview of the quarter that just ended (`quarter` = YYYY-Qn). */
  QuarterlyReportMail = 'quarterly-report-mail',
}

export interface JobPayloads {
  [JobName.SendNotification]: { outboxId: string };
  [JobName.RouteQuestion]: { questionId: string };
  [JobName.FlagHandover]: { questionId: string };
  [JobName.AutoCloseQuestion]: { questionId: string };
  [JobName.RemindAssignment]: { questionId: string; assignment: number; stage: 1 | 2 };
  [JobName.RecomputeSla]: { scope: 'closure' | 'policy'; key: string };
  [JobName.SlaAlarm]: { questionId: string };
  [JobName.RefreshStatistics]: Record<string, never>;
  [JobName.ProcessInboundMail]: { inboundId: string };
  [JobName.QuarterlyReportMail]: { quarter: string };
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Deduplication key: while a job with this id is waiting, another enqueue with the same id
   * is a no-op. The reconciler re-enqueues with a fresh id so a re-run really runs.
   */
  jobId?: string;
}
