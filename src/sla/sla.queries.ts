import type { DatabaseKind } from '../config/app-config.js';

/*
 * Published query objects of the sla module (design D2): other modules (statistics) read the
 * clocks through these derived tables. They are plain projections, flattened into the caller's
 * statement by SQLite and PostgreSQL; on SQLite the caller may name the index to read (the
 * breakdowns read an index in (kind, group, measured_days) order, so SQLite neither sorts nor
 * builds a temporary B-tree), which the flattened query keeps.
 */

/** Indexes of question_sla: one per statistics dimension, and two for the totals. */
export type SlaClockIndex = 'organisation_type' | 'province_code' | 'period_month' | 'period_quarter' | 'assignee_id' | 'percentiles';
/** Indexes of question_sla_keuzes: by keuze, by theme, and each within one quarter of submission. */
export type SlaKeuzeClockIndex = 'keuze' | 'theme' | 'keuze_quarter' | 'theme_quarter';

/**
 * Derived table, one row per clock: question_id, kind, round, measured_days (working days, NULL
 * until stopped), met (NULL without a verdict), due_at, paused_since, stopped_at, and copies of the
 * question's submitted_at and organisation_code plus the statistics dimensions organisation_type,
 * province_code, period_month (YYYYMM), period_quarter (YYYYQ), assignee_id.
 */
export function slaClockRows(kind: DatabaseKind, index?: SlaClockIndex): string {
  const hint = kind === 'sqlite' && index ? ` INDEXED BY idx_question_sla_${index}` : '';
  return `(SELECT question_id, kind, round, measured_days, met, due_at, paused_since, stopped_at, submitted_at, organisation_code,
      organisation_type, province_code, period_month, period_quarter, assignee_id FROM question_sla${hint})`;
}

/**
 * Derived table, one row per clock and keuze of its question: question_id, kind, round, keuze_id,
 * theme_id, theme_first (the question's lowest keuze of that theme), measured_days, met,
 * submitted_at, organisation_code, period_quarter (YYYYQ).
 */
export function slaKeuzeClockRows(kind: DatabaseKind, index?: SlaKeuzeClockIndex): string {
  const hint = kind === 'sqlite' && index ? ` INDEXED BY idx_question_sla_keuzes_${index}` : '';
  return `(SELECT question_id, kind, round, keuze_id, theme_id, theme_first, measured_days, met, submitted_at, organisation_code, period_quarter FROM question_sla_keuzes${hint})`;
}
