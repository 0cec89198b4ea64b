import type { ExpertVisibility } from '../config/app-config.js';
import { expertiseKeuzesSql, expertiseThemesSql, type Principal } from '../accounts/index.js';

/** Turns a value into a placeholder of the statement being built (the same placeholder may be used twice). */
export type Bind = (value: unknown) => string;

/** An SQL condition on a `questions` row under `alias`; null when every question qualifies. */
export type QuestionScope = (alias: string, bind: Bind) => string | null;

/** Coordinators and the secretariat see every question. */
export const seesAllQuestions = (principal: Principal): boolean => principal.user.roles.includes('coordinator') || principal.user.roles.includes('secretariat');

/**
 * THE rule of who sees which question. The list, the detail (and with it every action on one
 * question, its attachments and clocks) and the staff search all filter with this one condition, so
 * none of them can show what another hides:
 *
 * - coordinators and the secretariat: every question;
 * - requesters: the questions they submitted;
 * - experts: the questions they are or were assigned (`question_assignees`, kept by triggers on
 *   `questions.assignee_id`), and with `EXPERT_VISIBILITY=keuzes` also every answered or closed
 *   question about a keuze their expertise covers (the keuze itself or its whole theme), to reuse
 *   earlier answers.
 *
 * A user with several roles sees the union. Someone who may not see a question gets a 404 for it,
 * never a 403: its existence is not revealed.
 */
export function visibleQuestions(principal: Principal, expertVisibility: ExpertVisibility): QuestionScope {
  return (alias, bind) => {
    if (seesAllQuestions(principal)) return null;
    const roles = principal.user.roles;
    const me = bind(principal.user.id);
    const visible: string[] = [];
    if (roles.includes('requester')) visible.push(`${alias}.requester_id = ${me}`);
    if (roles.includes('expert')) {
      visible.push(`${alias}.id IN (SELECT vis_a.question_id FROM question_assignees vis_a WHERE vis_a.user_id = ${me})`);
      if (expertVisibility === 'keuzes') {
        visible.push(
          `(${alias}.status IN ('answered', 'closed') AND ${alias}.id IN (
             SELECT vis_k.question_id FROM question_keuzes vis_k
              WHERE vis_k.keuze_id IN (${expertiseKeuzesSql(me)})
                 OR vis_k.theme_id IN (${expertiseThemesSql(me)})))`,
        );
      }
    }
    return visible.length === 0 ? '1 = 0' : `(${visible.join(' OR ')})`;
  };
}
