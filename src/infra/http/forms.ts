import { InvalidInputError } from '../../common/domain-errors.js';
import { WellFormedInputPipe, createValidationPipe } from './validation.js';

const pipes = [new WellFormedInputPipe(), createValidationPipe()];

/**
 * Validates the fields of a server-rendered form exactly as the API validates a body of `dto`
 * (the same pipes, rules and Dutch reasons), so that a form can never store what the API would
 * refuse — such as an address longer than its column. On failure it throws an
 * InvalidInputError (400) whose detail names each field by its label on the page, ready to
 * show: "Reden mag hoogstens 2000 tekens lang zijn."
 */
export async function validateForm<T extends object>(dto: new () => T, fields: Record<string, unknown>, labels: Record<string, string>): Promise<T> {
  let value: unknown = fields;
  try {
    for (const pipe of pipes) value = await pipe.transform(value, { type: 'body', metatype: dto, data: undefined });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const sentences = error.invalidParams.map((p) => `${labels[p.name] ?? p.name} ${p.reason}.`);
    throw new InvalidInputError(error.invalidParams, sentences.join(' '));
  }
  return value as T;
}
