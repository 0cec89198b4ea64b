import { DomainError, InvalidInputError } from '../common/domain-errors.js';

/** One line of a page's error summary; `href` links it to its field (GOV.UK pattern). */
export interface PageError {
  /** The field's name on the form, or null for a problem with the form as a whole. */
  name: string | null;
  /** The whole sentence, as the summary and the field show it. */
  reason: string;
  href: string | null;
}

/** A field of a page's form: its label as a sentence starts with it, and the id of its input. */
export interface PageField {
  label: string;
  id: string;
  /** A plainer reason than the API's rule for this field (such as for a list of checkboxes). */
  reason?: string;
}

/**
 * The errors of a failed form action as the page shows them: each invalid field (by the API's
 * name, `keuzeIds[2]` counting as `keuzeIds`) as a sentence linked to its input, any other
 * domain error (a conflict, a refusal) as one sentence for the whole form.
 */
export function pageErrors(error: DomainError, fields: Record<string, PageField>): PageError[] {
  if (!(error instanceof InvalidInputError)) return [{ name: null, reason: error.message, href: null }];
  const errors: PageError[] = [];
  for (const param of error.invalidParams) {
    const name = param.name.replace(/[[.].*$/, '');
    const field = fields[name];
    if (field && errors.some((e) => e.name === name)) continue;
    errors.push(field ? { name, reason: `${field.label} ${field.reason ?? param.reason}.`, href: `#${field.id}` } : { name: null, reason: `${param.name}: ${param.reason}.`, href: null });
  }
  return errors.length ? errors : [{ name: null, reason: error.message, href: null }];
}

/** The error of each field by name, for the `error` parameter of the field macros. */
export function fieldErrors(errors: PageError[]): Record<string, string> {
  return Object.fromEntries(errors.filter((e) => e.name).map((e) => [e.name, e.reason]));
}

/** Throws the 400 of a form whose required fields are empty ("De reden is niet ingevuld."). */
export function requireFilled(values: Record<string, string>): void {
  const missing = Object.entries(values).filter(([, value]) => value.trim() === '');
  if (missing.length) throw new InvalidInputError(missing.map(([name]) => ({ name, reason: 'is niet ingevuld' })));
}

/** A form field's text: a string as posted (the first of a repeated field), or ''. */
export function textOf(body: Record<string, unknown> | undefined, name: string): string {
  const value = body?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}
