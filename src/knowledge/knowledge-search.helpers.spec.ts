import { SqlParams } from '../infra/database/sql.js';
import { amsterdamMidnight } from '../common/clock.js';
import { informativeTerms, publishedOnly, queryKey } from './knowledge-search.service.js';
import { parseQuery, stem } from '../infra/search/dutch-analyzer.js';

describe('knowledge search helpers', () => {
  it('groups searches by their stems, whatever the form and order', () => {
    expect(queryKey(parseQuery('Woningbouwlocaties veenweidegebied'))).toBe(queryKey(parseQuery('veenweidegebieden woningbouwlocatie')));
    expect(queryKey(parseQuery('"zoet water" tekort'))).toBe(`"${stem('zoet')} ${stem('water')}" ${stem('tekort')}`);
  });

  it('takes the distinct searchable words of a draft question', () => {
    const terms = informativeTerms('Hoe gaan wij als gemeente om met de verzilting van polders? De polder verzilt.');
    expect(terms.map((term) => term.stem)).toEqual(['gan', 'gemeente', 'verzilting', 'polder', 'verzilt'].map(stem).filter((s, i, all) => all.indexOf(s) === i));
    expect(informativeTerms('de het een en van')).toEqual([]);
  });

  it('finds the start of a day in Europe/Amsterdam, in winter and summer time', () => {
    expect(amsterdamMidnight('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(amsterdamMidnight('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(amsterdamMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // DST starts that night
  });

  it('excludes unpublished articles by an indexable IN list', () => {
    const p = new SqlParams('postgres');
    expect(publishedOnly(p)).toBe('rowid NOT IN (SELECT seq FROM articles WHERE status IN ($1, $2, $3))');
    expect(p.values).toEqual(['draft', 'in_review', 'archived']);
  });
});
