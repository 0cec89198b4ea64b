import { DomainError, InvalidInputError } from '../common/domain-errors.js';

/**
 * One line of a page's error summary (the errorSummary macro: "label: reason", linked to the
 * field with `id`), and the same text next to the field.
 */
export interface PageError {
  /** The field's name on the form (the API's name), or null for a problem with the whole form. */
  name: string | null;
  /** The id of the input the summary links to. */
  id: string | null;
  label: string;
  reason: string;
}

/** A field of a page's form: its label in the error summary and the id of its input. */
export interface PageField {
  label: string;
  id: string;
  /** A plainer reason than the API's rule for this field (such as for a list of checkboxes). */
  reason?: string;
}

/** The label of a refusal that concerns the whole form (a conflict, a missing right). */
const FORM_PROBLEM = 'Niet gelukt';

/**
 * The errors of a failed form action as the page shows them: each invalid field (by the API's
 * name, `keuzeIds[2]` counting as `keuzeIds`) linked to its input, any other domain error (a
 * conflict, a refusal) as one line about the whole form.
 */
export function pageErrors(error: DomainError, fields: Record<string, PageField>): PageError[] {
  const whole = (reason: string): PageError => ({ name: null, id: null, label: FORM_PROBLEM, reason });
  if (!(error instanceof InvalidInputError)) return [whole(error.message)];
  const errors: PageError[] = [];
  for (const param of error.invalidParams) {
    const name = param.name.replace(/[[.].*$/, '');
    const field = fields[name];
    if (!field) {
      errors.push(whole(`${param.name} ${param.reason}`));
    } else if (!errors.some((e) => e.name === name)) {
      errors.push({ name, id: field.id, label: field.label, reason: field.reason ?? param.reason });
    }
  }
  return errors.length ? errors : [whole(error.message)];
}

/** The error text of each field by name, for the `error` parameter of the field macros. */
export function fieldErrors(errors: PageError[]): Record<string, string> {
  return Object.fromEntries(errors.filter((e) => e.name).map((e) => [e.name, `${e.label}: ${e.reason}`]));
}

/** Throws the 400 of a form whose required fields are empty. */
export function requireFilled(values: Record<string, string>): void {
  const missing = Object.entries(values).filter(([, value]) => value.trim() === '');
  if (missing.length) throw new InvalidInputError(missing.map(([name]) => ({ name, reason: 'vul dit veld in' })));
}

/** A form field's text: a string as posted (the first of a repeated field), or ''. */
export function textOf(body: Record<string, unknown> | undefined, name: string): string {
  const value = body?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}
