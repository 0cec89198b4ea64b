import { InvalidInputError } from '../../common/domain-errors.js';
import {
  DUTCH_STOPWORDS,
  EmptyQueryError,
  analyze,
  collapseWhitespace,
  escapeHtml,
  highlight,
  indexText,
  parseQuery,
  stem,
  toFts5Match,
  toTsQuery,
  wordAt,
} from './dutch-analyzer.js';

describe('stem', () => {
  it.each([
    ['locatie', 'locaties'],
    ['organisatie', 'organisaties'],
    ['woningbouwlocatie', 'woningbouwlocaties'],
    ['kans', 'kansen'],
    ['klimaatadaptief', 'klimaatadaptieve'],
    ['gemeente', 'gemeenten'],
    ['gemeente', 'gemeentes'],
    ['waterschap', 'waterschappen'],
    ['keuze', 'keuzes'],
    ['maatregel', 'maatregelen'],
    ['bodem', 'bodems'],
    ['dijk', 'dijken'],
    ['beek', 'beken'],
    ['grondwaterstand', 'grondwaterstanden'],
    ['provincie', 'provincies'],
    ['overstroming', 'overstromingen'],
    ['woning', 'woningen'],
    ['peil', 'peilen'],
    ['verzilting', 'verziltingen'],
    ['bodemdaling', 'bodemdalingen'],
    ['industrie', 'industrieën'],
    ['zee', 'zeeën'],
    ['idee', 'ideeën'],
    ['huis', 'huizen'],
    ['prijs', 'prijzen'],
    ['grens', 'grenzen'],
    ['brief', 'brieven'],
    ['actief', 'actieve'],
    ['rivier', 'rivieren'],
    ['sloot', 'sloten'],
    ['klimaat', 'klimaten'],
    ['groot', 'grote'],
    ['droog', 'droge'],
    ['nat', 'natte'],
    ['duurzaam', 'duurzame'],
    ['gebied', 'gebieden'],
    ['plan', 'plannen'],
    ['regel', 'regels'],
    ['periode', 'periodes'],
    ['analyse', 'analyses'],
    ['mogelijkheid', 'mogelijkheden'],
    ['fonds', 'fondsen'],
    ['proces', 'processen'],
    ['adres', 'adressen'],
    ['ontwikkeling', 'ontwikkelingen'],
    ['beïnvloedt', 'beïnvloeden'],
    ['wordt', 'worden'],
  ])('%s and %s share a stem', (a, b) => {
    expect(stem(a)).toBe(stem(b));
    expect(stem(a)).toMatch(/^[a-z0-9]+$/);
  });

  it('folds accents and case before stemming', () => {
    expect(stem('beïnvloedt')).toBe(stem('beinvloedt'));
    expect(stem('BEÏNVLOEDT')).toBe(stem('beinvloedt'));
    expect(stem('Súdwest')).toBe(stem('sudwest'));
    expect(stem('financiële')).toBe(stem('financiele'));
  });

  it('keeps singulars ending in -es intact and numbers verbatim', () => {
    expect(stem('proces')).toBe('proces');
    expect(stem('besluitvormingsproces').endsWith('proces')).toBe(true);
    expect(stem('2026')).toBe('2026');
    expect(stem('N2000')).toBe('n2000');
    expect(stem('CO2')).toBe('co2');
  });

  it('keeps different words apart', () => {
    expect(stem('water')).not.toBe(stem('waterschap'));
    expect(stem('bodem')).not.toBe(stem('boom'));
    expect(stem('dijk')).not.toBe(stem('duin'));
  });

  it.each([
    ['grondwater', 'grondwateronttrekkingen'],
    ['grondwater', 'grondwaterstanden'],
    ['veenweide', 'veenweidegebied'],
    ['veenweide', 'veenweidegebieden'],
    ['water', 'waterberging'],
    ['water', 'waterschappen'],
    ['bodem', 'bodemdaling'],
    ['woningbouw', 'woningbouwlocaties'],
    ['klimaat', 'klimaatadaptatie'],
    ['klimaat', 'klimaatbestendige'],
    ['drinkwater', 'drinkwaterbronnen'],
    ['beek', 'beekdalen'],
    ['gemeente', 'gemeentehuis'],
    ['overstroming', 'overstromingsrisico'],
    ['dijk', 'dijkversterking'],
    ['waterschap', 'waterschapsbelasting'],
  ])('the stem of %s is a prefix of the stem of %s (compounds)', (word, compound) => {
    expect(stem(compound).startsWith(stem(word))).toBe(true);
  });
});

describe('analyze', () => {
  it('folds, splits, drops stopwords and stems, in text order', () => {
    expect(analyze('Water en Bodem Sturend: de grondwaterstanden in 2026!')).toEqual([
      stem('water'),
      stem('bodem'),
      stem('sturend'),
      stem('grondwaterstand'),
      '2026',
    ]);
  });

  it('gives the same tokens for accented and unaccented text', () => {
    expect(analyze('Dit beïnvloedt de financiële ruimte')).toEqual(analyze('dit BEINVLOEDT de financiele ruimte'));
  });

  it('drops apostrophe remnants, over-long tokens and empty input', () => {
    expect(analyze("auto's en foto's")).toEqual([stem('auto'), stem('foto')]);
    expect(analyze(`x ${'a'.repeat(61)} y`)).toEqual(['x', 'y']);
    expect(analyze('')).toEqual([]);
    expect(analyze(' -- ')).toEqual([]);
  });

  it('keeps the stopword list modest and free of WBS vocabulary', () => {
    expect(DUTCH_STOPWORDS.size).toBeGreaterThan(40);
    expect(DUTCH_STOPWORDS.size).toBeLessThan(90);
    for (const word of ['water', 'bodem', 'peil', 'meer', 'zee', 'dijk', 'binnen', 'buiten', 'onder', 'boven']) {
      expect(DUTCH_STOPWORDS.has(word)).toBe(false);
    }
  });

  it('indexText joins the tokens with spaces', () => {
    expect(indexText('De waterschappen en de provincies')).toBe(`${stem('waterschap')} ${stem('provincie')}`);
  });
});

describe('parseQuery', () => {
  it('turns free words into prefix terms, distinct by stem', () => {
    const parsed = parseQuery('Woningbouwlocaties in veenweidegebieden, woningbouwlocatie');
    expect(parsed.phrases).toEqual([]);
    expect(parsed.terms).toEqual([
      { stem: stem('woningbouwlocatie'), prefix: true, original: 'woningbouwlocaties', alternatives: [] },
      { stem: stem('veenweidegebied'), prefix: true, original: 'veenweidegebieden', alternatives: [] },
    ]);
  });

  it('reads quoted phrases as stem sequences without stopwords', () => {
    const parsed = parseQuery('"Water en Bodem Sturend" grondwater "keuze 3"');
    expect(parsed.phrases).toEqual([
      [stem('water'), stem('bodem'), stem('sturend')],
      [stem('keuze'), '3'],
    ]);
    expect(parsed.terms.map((term) => term.stem)).toEqual([stem('grondwater')]);
  });

  it('treats a quoted single word as an exact phrase and ignores an unmatched quote', () => {
    expect(parseQuery('"dijk"')).toEqual({ terms: [], phrases: [[stem('dijk')]] });
    expect(parseQuery('"dijk versterking').terms.map((term) => term.stem)).toEqual([stem('dijk'), stem('versterking')]);
    expect(parseQuery('"dijk versterking').phrases).toEqual([]);
  });

  it('does not use short stems and numbers as prefixes', () => {
    const [zee, year, dijk] = parseQuery('zee 2026 dijk').terms;
    expect(zee).toMatchObject({ stem: 'ze', prefix: false });
    expect(year).toMatchObject({ stem: '2026', prefix: false });
    expect(dijk).toMatchObject({ stem: 'dijk', prefix: true });
  });

  it('keeps the unified f/v and s/z form as an alternative prefix (keuze finds keuzemoment)', () => {
    const [keuze] = parseQuery('keuze').terms;
    expect(keuze.stem).toBe(stem('keuzes'));
    expect([keuze.stem, ...keuze.alternatives].some((form) => stem('keuzemoment').startsWith(form))).toBe(true);
  });

  it('strips operators and symbols instead of passing them through', () => {
    const parsed = parseQuery('water AND (bodem OR -zout*) NOT peil NEAR dijk ^2 +kade col:umn');
    expect(parsed.terms.map((term) => term.stem)).toEqual(
      ['water', 'bodem', 'zout', 'peil', 'dijk', '2', 'kade', 'col', 'umn'].map(stem),
    );
    for (const term of parsed.terms) expect(term.stem).toMatch(/^[a-z0-9]+$/);
  });

  it.each([[''], ['   '], ['AND OR NOT'], ['"" () * - : ^ + NEAR'], ['de het een en van'], ['"van de"'], ['…!?']])(
    'rejects %j with EmptyQueryError',
    (q) => {
      expect(() => parseQuery(q)).toThrow(EmptyQueryError);
    },
  );

  it('EmptyQueryError is a 400 invalid-input problem about q', () => {
    const error = new EmptyQueryError();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.status).toBe(400);
    expect(error.invalidParams).toEqual([{ name: 'q', reason: expect.any(String) }]);
  });

  it('bounds the number of terms', () => {
    const q = Array.from({ length: 100 }, (_, i) => `woord${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}x`).join(' ');
    expect(parseQuery(q).terms.length).toBeLessThanOrEqual(24);
  });
});

describe('toFts5Match / toTsQuery', () => {
  const parsed = parseQuery('grondwater "water en bodem" zee');

  it('builds an FTS5 MATCH expression with quoted prefix terms and phrases', () => {
    expect(toFts5Match(parsed, 'all')).toBe('"grondwater"* AND "ze" AND "water bodem"');
    expect(toFts5Match(parsed, 'any')).toBe('"grondwater"* OR "ze" OR "water bodem"');
  });

  it('builds a to_tsquery string with prefixes and <-> phrases', () => {
    expect(toTsQuery(parsed, 'all')).toBe("'grondwater':* & 'ze' & ('water' <-> 'bodem')");
    expect(toTsQuery(parsed, 'any')).toBe("'grondwater':* | 'ze' | ('water' <-> 'bodem')");
    expect(toTsQuery(parseQuery('"dijk"'), 'all')).toBe("'dijk'");
  });

  it('ORs alternatives of one term', () => {
    const keuze = parseQuery('keuzes dijk');
    expect(toFts5Match(keuze, 'all')).toBe('("keus"* OR "keuz"*) AND "dijk"*');
    expect(toTsQuery(keuze, 'all')).toBe("('keus':* | 'keuz':*) & 'dijk':*");
  });

  it('defaults to all', () => {
    expect(toFts5Match(parseQuery('dijk peil'))).toBe('"dijk"* AND "peil"*');
    expect(toTsQuery(parseQuery('dijk peil'))).toBe("'dijk':* & 'peil':*");
  });

  it('never lets syntax through, even from a hand-made ParsedQuery', () => {
    const evil = {
      terms: [{ stem: 'a"b\' OR x*', prefix: true, original: '', alternatives: ['c\\d'] }],
      phrases: [['e"f', "g'h"]],
    };
    const fts = toFts5Match(evil, 'all');
    expect(fts).toBe('("abx"* OR "cd"*) AND "ef gh"');
    expect(toTsQuery(evil, 'all')).toBe("('abx':* | 'cd':*) & ('ef' <-> 'gh')");
    expect(() => toFts5Match({ terms: [{ stem: '"*', prefix: true, original: '', alternatives: [] }], phrases: [] }, 'all')).toThrow(
      EmptyQueryError,
    );
    expect(() => toTsQuery({ terms: [], phrases: [['::']] }, 'any')).toThrow(EmptyQueryError);
  });
});

describe('index and query agree (token-level simulation of FTS5/tsvector prefix matching)', () => {
  /** True when every term has a token starting with (prefix) or equal to one of its forms, and every phrase occurs. */
  function matchesAll(document: string, q: string): boolean {
    const tokens = analyze(document);
    const { terms, phrases } = parseQuery(q);
    const termHit = terms.every((term) =>
      [term.stem, ...term.alternatives].some((form) =>
        tokens.some((token) => (term.prefix ? token.startsWith(form) : token === form)),
      ),
    );
    const phraseHit = phrases.every((phrase) =>
      tokens.some((_, i) => phrase.every((s, j) => tokens[i + j] === s)),
    );
    return termHit && phraseHit;
  }

  it.each([
    ['Er zijn nieuwe woningbouwlocaties aangewezen.', 'woningbouwlocatie'],
    ['De organisaties overleggen.', 'organisatie'],
    ['Grondwateronttrekkingen worden beperkt.', 'grondwater'],
    ['Het veenweidegebied daalt.', 'veenweide'],
    ['Klimaatadaptatie is nodig.', 'klimaat'],
    ['Een klimaatadaptieve inrichting', 'klimaatadaptief'],
    ['De keuzemomenten in het proces', 'keuze'],
    ['Kansen voor natuur', 'kans'],
    ['Het beïnvloedt de waterkwaliteit', 'beinvloeden water'],
    ['De brief Water en Bodem Sturend', '"water en bodem sturend"'],
    ['Hoe gaan gemeenten om met verzilting?', 'gemeente verzilting'],
  ])('%j is found by %j', (document, q) => {
    expect(matchesAll(document, q)).toBe(true);
  });

  it.each([
    ['Bodem en water', '"water en bodem"'],
    ['Het waterschap', '"water"'],
    ['Zeker niet', 'zee'],
  ])('%j is not found by %j', (document, q) => {
    expect(matchesAll(document, q)).toBe(false);
  });
});

describe('highlight', () => {
  const text =
    'Bij de keuze voor woningbouwlocaties telt de grondwaterstand mee. Grondwateronttrekkingen in veenweidegebieden ' +
    'zijn beperkt. De gemeenten en waterschappen stemmen de maatregelen af.';

  it('marks whole words whose stem starts with a query stem, including compounds and inflections', () => {
    const html = highlight(text, parseQuery('grondwater veenweide gemeente'), 1000);
    expect(html).toBe(
      'Bij de keuze voor woningbouwlocaties telt de <mark>grondwaterstand</mark> mee. <mark>Grondwateronttrekkingen</mark> ' +
        'in <mark>veenweidegebieden</mark> zijn beperkt. De <mark>gemeenten</mark> en waterschappen stemmen de maatregelen af.',
    );
  });

  it('marks accented words for unaccented queries and phrase words exactly', () => {
    expect(highlight('Dit beïnvloedt de Súdwest-Fryslân regio', parseQuery('beinvloeden sudwest'))).toBe(
      'Dit <mark>beïnvloedt</mark> de <mark>Súdwest</mark>-Fryslân regio',
    );
    expect(highlight('water waterschap', parseQuery('"water"'))).toBe('<mark>water</mark> waterschap');
    expect(highlight('keuze keuzemoment', parseQuery('keuzes'))).toBe('<mark>keuze</mark> <mark>keuzemoment</mark>');
  });

  it('marks words in any case, with digits, and words that folding splits (the first-letter shortcut never hides a match)', () => {
    expect(highlight('GRONDWATER Grondwater grondwater', parseQuery('grondwater'))).toBe(
      '<mark>GRONDWATER</mark> <mark>Grondwater</mark> <mark>grondwater</mark>',
    );
    expect(highlight('De CO2-uitstoot en 2050', parseQuery('co2 2050'))).toBe('De <mark>CO2</mark>-uitstoot en <mark>2050</mark>');
    // "Ærwater" folds to "rwater" after the Æ (not a-z) is dropped: no match on "water", as the index sees it;
    // "straßewater" splits into "stra", "ewater": neither begins with "water" either, but "Élan" folds to "elan".
    expect(highlight('Ærwater straßewater Élan', parseQuery('rwater elan'))).toBe('<mark>Ærwater</mark> straßewater <mark>Élan</mark>');
  });

  it('cuts long text around the first match with ellipses', () => {
    const long = `${'Aanloop zonder treffer. '.repeat(30)}Hier staat de bodemdaling centraal. ${'Uitloop zonder treffer. '.repeat(30)}`;
    const html = highlight(long, parseQuery('bodem'), 120);
    expect(html.startsWith('…')).toBe(true);
    expect(html.endsWith('…')).toBe(true);
    expect(html).toContain('<mark>bodemdaling</mark>');
    expect(html.replace(/<\/?mark>/g, '').length).toBeLessThanOrEqual(122);
  });

  it('returns the start of the text when nothing matches, and the whole short text unchanged', () => {
    expect(highlight('Kort stuk tekst.', parseQuery('dijk'))).toBe('Kort stuk tekst.');
    const html = highlight('woord '.repeat(100), parseQuery('dijk'), 50);
    expect(html.startsWith('woord')).toBe(true);
    expect(html.endsWith('…')).toBe(true);
  });

  it('escapes all HTML so nothing executable comes through', () => {
    const hostile =
      '<script>alert("x")</script> dijk <img src=x onerror=alert(1)> " onerror=alert(1) \' ' +
      '<a href="javascript:alert(1)">dijk</a> & javascript:alert(document.cookie)';
    const html = highlight(hostile, parseQuery('dijk script onerror javascript'), 1000);
    const withoutMarks = html.replace(/<\/?mark>/g, '');
    expect(withoutMarks).not.toMatch(/[<>"']/);
    expect(html).toContain('&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;');
    expect(html).toContain('&quot; <mark>onerror</mark>=alert(1) &#39;');
    expect(html).toContain('&amp; <mark>javascript</mark>:alert');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('keeps its guarantees on random hostile input (escaping, length, no empty marks)', () => {
    const pieces = ['dijk', 'water', ' ', ' ', '<', '>', '"', "'", '&', 'bodemdaling', 'é', '\n', 'x', 'grondwateronttrekkingen', '.', ','];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const parsed = parseQuery('dijk bodem grondwater');
    for (let i = 0; i < 1000; i++) {
      const text = Array.from({ length: Math.floor(random() * 200) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const maxLength = 1 + Math.floor(random() * 120);
      const html = highlight(text, parsed, maxLength);
      const plain = html.replace(/<\/?mark>/g, '');
      expect(plain).not.toMatch(/[<>"']/);
      expect(plain).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
      expect(plain.replace(/&(?:amp|lt|gt|quot|#39);/g, 'x').length).toBeLessThanOrEqual(maxLength + 2);
      expect(html).not.toContain('<mark></mark>');
    }
  });
});

describe('snippet text scanning (char-code versions of two regular expressions)', () => {
  // Every kind of white space `\s` knows, letters with accents, combining marks, digits, punctuation, an
  // astral letter (𝒜, U+1D49C), an astral symbol (🌊), and a lone surrogate.
  const ALPHABET = ['a', 'Z', 'ë', 'é', 'ĳ', '\u0301', '7', '٣', '.', ',', '-', '<', '&', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u200b', '𝒜', '🌊', '\ud800'];
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const samples = Array.from({ length: 3000 }, () => Array.from({ length: random(40) }, () => ALPHABET[random(ALPHABET.length)]).join(''));

  it('collapseWhitespace equals replace(/\\s+/g, " ").trim()', () => {
    for (const text of samples) expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' ').trim());
    expect(collapseWhitespace('al  goed\n')).toBe('al goed');
    expect(collapseWhitespace('niets te doen')).toBe('niets te doen');
  });

  it('wordAt finds the words /[\\p{L}\\p{M}\\p{N}]+/gu finds, and knows which are ASCII', () => {
    for (const text of samples) {
      const found: [number, number, boolean][] = [];
      for (let word = wordAt(text, 0); word; word = wordAt(text, word.end)) found.push([word.start, word.end, word.ascii]);
      const expected = [...text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)].map((m) => [m.index, m.index + m[0].length, /^[\x00-\x7f]*$/.test(m[0])]);
      expect(found).toEqual(expected);
    }
  });
});
