import { ConflictError, InvalidInputError } from '../common/domain-errors.js';
import { fieldErrors, pageErrors, requireFilled, textOf } from './page-form.js';

const FIELDS = { keuzeIds: { label: 'Keuzes', id: 'keuzes', reason: 'kies één tot vijf keuzes' }, title: { label: 'Titel', id: 'title' } };

describe('page form errors', () => {
  it('links each invalid field once, with the page reason where one is given', () => {
    const error = new InvalidInputError([
      { name: 'keuzeIds[0]', reason: 'keuze 99 bestaat niet' },
      { name: 'keuzeIds[1]', reason: 'keuze 98 bestaat niet' },
      { name: 'title', reason: 'mag niet leeg zijn' },
    ]);
    const errors = pageErrors(error, FIELDS);
    expect(errors).toEqual([
      { name: 'keuzeIds', id: 'keuzes', label: 'Keuzes', reason: 'kies één tot vijf keuzes' },
      { name: 'title', id: 'title', label: 'Titel', reason: 'mag niet leeg zijn' },
    ]);
    expect(fieldErrors(errors)).toEqual({ keuzeIds: 'Keuzes: kies één tot vijf keuzes', title: 'Titel: mag niet leeg zijn' });
  });

  it('shows a field the page does not have, and any other refusal, as a problem of the whole form', () => {
    expect(pageErrors(new InvalidInputError([{ name: 'extra', reason: 'is geen bekend veld' }]), FIELDS)).toEqual([
      { name: null, id: null, label: 'Niet gelukt', reason: 'extra is geen bekend veld' },
    ]);
    const conflict = new ConflictError('U hebt deze vraag al beoordeeld.', 'already-rated');
    expect(pageErrors(conflict, FIELDS)).toEqual([{ name: null, id: null, label: 'Niet gelukt', reason: 'U hebt deze vraag al beoordeeld.' }]);
  });

  it('refuses blank required fields and reads the first of a repeated field', () => {
    expect(() => requireFilled({ title: 'x', body: '  ' })).toThrow(InvalidInputError);
    expect(() => requireFilled({ title: 'x' })).not.toThrow();
    expect(textOf({ a: ['een', 'twee'], b: 3 }, 'a')).toBe('een');
    expect(textOf({ b: 3 }, 'b')).toBe('');
    expect(textOf(undefined, 'a')).toBe('');
  });
});
