import { diffWords } from 'diff';
import { ANONYMISATION_LABELS, type RemovedKind } from '../knowledge/index.js';

/** A piece of a compared text: unchanged, or added/removed by the newer version. */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Beyond this many edits the comparison stops: a rewritten 100,000-character answer must not stall the page. */
const MAX_EDIT_LENGTH = 1_000;
/** And the comparison gives up after this many milliseconds, whatever the texts. */
const MAX_DIFF_MS = 250;

/**
 * The words `after` added to and removed from `before`, in reading order (jsdiff's word diff,
 * whitespace kept), or null when the texts differ too much to compare word by word.
 */
export function wordDiff(before: string, after: string): DiffPart[] | null {
  if (before === after) return [{ kind: 'same', text: after }];
  const changes = diffWords(before, after, { maxEditLength: MAX_EDIT_LENGTH, timeout: MAX_DIFF_MS });
  if (!changes) return null;
  return changes.map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** A piece of an anonymised text: as written, or one of the anonymiser's placeholders (`[naam]`). */
export interface MarkedPart {
  text: string;
  /** Set for a placeholder: the kind of personal datum it replaced. */
  kind: RemovedKind | null;
}

const LABEL_KINDS = new Map(Object.entries(ANONYMISATION_LABELS).map(([kind, label]) => [label, kind as RemovedKind]));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PLACEHOLDERS = new RegExp(`(${[...LABEL_KINDS.keys()].map(escapeRegExp).join('|')})`);

/** Splits an anonymised text at the anonymiser's placeholders, so the page can highlight each. */
export function markPlaceholders(text: string): MarkedPart[] {
  return text
    .split(PLACEHOLDERS)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, kind: LABEL_KINDS.get(part) ?? null }));
}

/** What each kind of removed datum is called on the page, and what replaced it. */
export const REMOVED_KIND_NAMES: Record<RemovedKind, string> = {
  email: 'e-mailadres',
  phone: 'telefoonnummer',
  url: 'persoonlijke link',
  postcode: 'postcode',
  address: 'adres',
  name: 'naam',
  organisation: 'organisatie',
};

export function replacementOf(kind: RemovedKind): string {
  return ANONYMISATION_LABELS[kind];
}
