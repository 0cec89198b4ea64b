import type { QuestionEventType, QuestionStatus } from './question-vocabulary.js';

/** A question's status as the pages name it, in plain Dutch. */
export const STATUS_TEXT: Record<QuestionStatus, string> = {
  submitted: 'Ingediend',
  triage: 'Wordt verdeeld',
  assigned: 'Toegewezen aan een expert',
  in_progress: 'In behandeling',
  awaiting_requester: 'Wacht op uw reactie',
  answered: 'Beantwoord',
  closed: 'Afgesloten',
  referred: 'Doorverwezen',
  withdrawn: 'Ingetrokken',
};

/** What the requester is expected to do in a status, if anything. */
export const REQUESTER_TODO: Partial<Record<QuestionStatus, string>> = {
  awaiting_requester: 'Beantwoord de vraag van de expert',
  answered: 'Bevestig of beoordeel het antwoord',
};

/** A timeline event as the pages name it. */
export const EVENT_TEXT: Record<QuestionEventType, string> = {
  submitted: 'Vraag ingediend',
  routed: 'Toegewezen aan een expert',
  unroutable: 'Geen passende expert; naar de coördinator',
  assigned: 'Toegewezen',
  accepted: 'In behandeling genomen',
  declined: 'Teruggegeven door de expert',
  clarification_requested: 'Verduidelijking gevraagd',
  requester_replied: 'Vraagsteller heeft gereageerd',
  answered: 'Beantwoord',
  confirmed: 'Bevestigd door de vraagsteller',
  auto_closed: 'Automatisch afgesloten',
  reopened: 'Heropend',
  referred: 'Doorverwezen',
  withdrawn: 'Ingetrokken',
  priority_changed: 'Prioriteit gewijzigd',
  handover_needed: 'Overdracht nodig',
  rated: 'Beoordeeld',
};

const DUTCH_DATE_TIME = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'long', timeStyle: 'short' });

/** "7 december 2026 om 14:05": a moment as people in the Netherlands read it. */
export function dutchDateTime(value: Date | string): string {
  return DUTCH_DATE_TIME.format(new Date(value));
}
