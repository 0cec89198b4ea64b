import { ANONYMISATION_LABELS, anonymise, type AnonymiseContext } from './anonymiser.js';

const none: AnonymiseContext = { names: [], organisationNames: [] };
const clean = (text: string, context: AnonymiseContext = none) => anonymise(text, context).text;

describe('anonymise', () => {
  describe('a municipal question with a signature block', () => {
    const question = [
      'Beste Vraagbaak,',
      '',
      'Gemeente Hoeksche Waard wil woningbouwlocaties ontwikkelen in een gebied met bodemdaling en verzilting.',
      'Hoe passen wij keuze 3 uit de brief Water en Bodem Sturend (november 2022) toe? In Hoeksche Waard ligt het',
      'grondwaterpeil hoog. Zie https://www.rijksoverheid.nl/onderwerpen/water-en-bodem-sturend en mijn profiel',
      'https://www.linkedin.com/in/jan-de-vries-12345/. Collega J. de Vries (geen familie) denkt mee.',
      '',
      'Met vriendelijke groet,',
      '',
      'Jan de Vries',
      'Beleidsadviseur water en bodem',
      'Gemeente Hoeksche Waard',
      'T 06-12345678 | 078 - 123 45 67',
      'E j.devries@hoekschewaard.nl',
      'Bezoekadres: Dorpsstraat 12, 3262 AB Oud-Beijerland',
      'https://www.hoekschewaard.nl/contact',
    ].join('\n');
    const context: AnonymiseContext = { names: ['Jan de Vries'], organisationNames: ['Gemeente Hoeksche Waard'] };

    it('removes every kind of personal data and keeps the substance', () => {
      const { text } = anonymise(question, context);
      expect(text).toBe(
        [
          'Beste Vraagbaak,',
          '',
          '[organisatie] wil woningbouwlocaties ontwikkelen in een gebied met bodemdaling en verzilting.',
          'Hoe passen wij keuze 3 uit de brief Water en Bodem Sturend (november 2022) toe? In [organisatie] ligt het',
          'grondwaterpeil hoog. Zie https://www.rijksoverheid.nl/onderwerpen/water-en-bodem-sturend en mijn profiel',
          '[link]. Collega [naam] (geen familie) denkt mee.',
          '',
          'Met vriendelijke groet,',
          '',
          '[naam]',
          'Beleidsadviseur water en bodem',
          '[organisatie]',
          'T [telefoonnummer] | [telefoonnummer]',
          'E [e-mailadres]',
          'Bezoekadres: [adres], [postcode] Oud-Beijerland',
          '[link]',
        ].join('\n'),
      );
    });

    it('lists what it removed, distinct, for the editor', () => {
      const { removed } = anonymise(question, context);
      expect(removed).toEqual([
        { kind: 'url', value: 'https://www.linkedin.com/in/jan-de-vries-12345/' },
        { kind: 'url', value: 'https://www.hoekschewaard.nl/contact' },
        { kind: 'email', value: 'j.devries@hoekschewaard.nl' },
        { kind: 'phone', value: '06-12345678' },
        { kind: 'phone', value: '078 - 123 45 67' },
        { kind: 'postcode', value: '3262 AB' },
        { kind: 'address', value: 'Dorpsstraat 12' },
        { kind: 'name', value: 'J. de Vries' },
        { kind: 'name', value: 'Jan de Vries' },
        { kind: 'organisation', value: 'Gemeente Hoeksche Waard' },
        { kind: 'organisation', value: 'Hoeksche Waard' },
      ]);
    });

    it('keeps the organisation when asked to', () => {
      const { text, removed } = anonymise(question, { ...context, keepOrganisation: true });
      expect(text).toContain('Gemeente Hoeksche Waard wil woningbouwlocaties');
      expect(text).toContain('In Hoeksche Waard ligt');
      expect(text).toContain('https://www.hoekschewaard.nl/contact');
      expect(text).toContain('E [e-mailadres]');
      expect(removed.some((item) => item.kind === 'organisation')).toBe(false);
    });
  });

  describe('e-mail addresses', () => {
    it.each([
      ['Mail naar jan.de.vries@gemeente-utrecht.nl graag.', 'Mail naar [e-mailadres] graag.'],
      ['Stuur het (a.bakker+wbs@waterschap.nl).', 'Stuur het ([e-mailadres]).'],
      ['Contact: mailto:info@hhnk.nl', 'Contact: [e-mailadres]'],
      ['Schrijf naar piet(at)provincie.nl of piet [at] provincie.nl', 'Schrijf naar [e-mailadres] of [e-mailadres]'],
      ['Mail José.Núñez@voorbeeld.nl.', 'Mail [e-mailadres].'],
    ])('%j', (input, expected) => {
      expect(clean(input)).toBe(expected);
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['Bel 06-12345678.', 'Bel [telefoonnummer].'],
      ['Bel 06 1234 5678 of 0612345678', 'Bel [telefoonnummer] of [telefoonnummer]'],
      ['Bel +31 6 1234 5678', 'Bel [telefoonnummer]'],
      ['Bel +31 (0)6 12345678', 'Bel [telefoonnummer]'],
      ['Bel +31-20-1234567', 'Bel [telefoonnummer]'],
      ['Bel 0031 6 12345678', 'Bel [telefoonnummer]'],
      ['Bel 020-1234567', 'Bel [telefoonnummer]'],
      ['Bel (010) 123 45 67', 'Bel [telefoonnummer]'],
      ['Bel 0501-234567', 'Bel [telefoonnummer]'],
      ['Bel 030 - 123 45 67 (werkdagen)', 'Bel [telefoonnummer] (werkdagen)'],
      ['Bel 0800-1234 of 0900-1234567', 'Bel [telefoonnummer] of [telefoonnummer]'],
      ['Mobiel: 06-12345678 2026 is het jaar', 'Mobiel: [telefoonnummer] 2026 is het jaar'],
      ['Tel: +31 (0)20 123 4567', 'Tel: [telefoonnummer]'],
      ['T: +31 6 12 34 56 78 / 06 12 34 56 78', 'T: [telefoonnummer] / [telefoonnummer]'],
    ])('%j', (input, expected) => {
      expect(clean(input)).toBe(expected);
    });

    it.each([
      ['Op 01-02-2026 om 10:00 uur.'],
      ['Vergadering 12-03-2025 10 deelnemers'],
      ['Keuze 3, 4 en 12 uit de brief van 2022.'],
      ['Het peil zakt 0,5 meter tot 2050.'],
      ['Artikel 2.12 en 1234567 euro subsidie, 123 456 789 m3'],
      ['Om 09.30 uur'],
    ])('leaves %j alone', (input) => {
      expect(clean(input)).toBe(input);
    });
  });

  describe('postcodes and addresses', () => {
    it.each([
      ['Dorpsstraat 12, 1234 AB Dorp', '[adres], [postcode] Dorp'],
      ['postcode 1234AB', 'postcode [postcode]'],
      ['We wonen aan de Kerkweg 3a in Almere.', 'We wonen aan de [adres] in Almere.'],
      ['Laan van Meerdervoort 1024, Den Haag', '[adres], Den Haag'],
      ['Adres: Burgemeester de Withstraat 5-7', 'Adres: [adres]'],
      ['Bezoekadres Oude Gracht 12 A', 'Bezoekadres [adres]'],
      ['Stationsplein 1', '[adres]'],
      ['Op de Markt 3 staat het stadhuis.', 'Op de [adres] staat het stadhuis.'],
      ['Prins Hendrikkade 12-14 hs', '[adres]'],
      ['Antwoordnummer? Nee: Postbus 20901, 2500 EX Den Haag', 'Antwoordnummer? Nee: [adres], [postcode] Den Haag'],
      ['Zeedijk 2032, 1012 AB Amsterdam', '[adres], [postcode] Amsterdam'],
    ])('%j', (input, expected) => {
      expect(clean(input)).toBe(expected);
    });

    it.each([
      ['In 2026 EU-breed en vanaf 2030 NL-breed.'],
      ['Een windpark van 1500 MW en 2500 ha.'],
      ['De Afsluitdijk 2032 is een programma.'],
      ['Keuze 2 gaat over de dijk 12 km verderop.'],
      ['Langs de Zuiderzeeweg 12 km en de Omringdijk 3 meter hoger.'],
      ['Versterking van de Lekdijk 2024-2030 en de Markermeerdijken 2019.'],
      ['Het Deltaprogramma 2026 en de Kaderrichtlijn Water 2027.'],
    ])('leaves %j alone', (input) => {
      expect(clean(input)).toBe(input);
    });
  });

  describe('links', () => {
    it.each([
      ['https://www.rijksoverheid.nl/onderwerpen/water'],
      ['Zie https://www.helpdeskwater.nl/onderwerpen/water-bodem-sturend/ voor meer.'],
      ['Zie www.pbl.nl/publicaties/2026-bodemdaling.'],
      ['(https://wetten.overheid.nl/BWBR0025458/2024-01-01)'],
      ['https://www.infomil.nl/onderwerpen/?q=grondwater&page=2'],
    ])('keeps the public page in %j', (input) => {
      expect(clean(input)).toBe(input);
    });

    it.each([
      ['https://www.linkedin.com/in/someone', '[link]'],
      ['https://intranet.gemeente.nl/medewerkers/4711', '[link]'],
      ['https://www.example.nl/~pietje/cv.html', '[link]'],
      ['https://mastodon.nl/@someone', '[link]'],
      ['https://example.nl/profiel/abc', '[link]'],
      ['https://example.nl/form?email=a%40b.nl&x=1', '[link]'],
      ['https://example.nl/zoek?naam=Bakker', '[link]'],
      ['https://example.nl/dossier?id=123', '[link]'],
      ['https://user:secret@example.nl/', '[link]'],
      ['https://example.nl/share/a@b.nl', '[link]'],
    ])('replaces the personal URL %j', (input, expected) => {
      expect(clean(input)).toBe(expected);
    });

    it('replaces URLs that carry a given name', () => {
      const context = { names: ['Anna Bakker'], organisationNames: [] };
      expect(clean('Zie https://www.example.nl/team/anna-bakker en https://www.example.nl/team.', context)).toBe(
        'Zie [link] en https://www.example.nl/team.',
      );
      expect(clean('www.annabakker.nl', context)).toBe('[link]');
    });
  });

  describe('names', () => {
    const context = { names: ['Jan de Vries', 'Anne-Marie van Dijk', 'Piet Bos'], organisationNames: [] };

    it.each([
      ['Vraag van Jan de Vries.', 'Vraag van [naam].'],
      ['vraag van jan de vries', 'vraag van [naam]'],
      ['Vraag van Ján de Vríes.', 'Vraag van [naam].'],
      ['Dhr. De Vries en mevrouw Van Dijk', 'Dhr. [naam] en mevrouw [naam]'],
      ['Groeten, Jan', 'Groeten, [naam]'],
      ['A.M. van Dijk belde.', '[naam] belde.'],
      ['Anne-Marie en Marie belden Vries.', '[naam] en [naam] belden [naam].'],
      ['Piet Bos vraagt het, dhr. Bos is ook bevoegd.', '[naam] vraagt het, dhr. [naam] is ook bevoegd.'],
      ['Gesproken met mevrouw Van Dijk en P. Bos.', 'Gesproken met mevrouw [naam] en [naam].'],
    ])('%j', (input, expected) => {
      expect(clean(input, context)).toBe(expected);
    });

    it('does not eat common words that are also name parts', () => {
      const input = 'Het bos langs de dijk, van dijk tot bos, met een jan-van-gent en de vries-kou.';
      expect(clean(input, context)).toBe(input);
      // Alone and without a title, a name part that is an ordinary word stays (Bos, Van Dijk as "Dijk").
      expect(clean('Bos en Dijk liggen aan de Maas.', context)).toBe('Bos en Dijk liggen aan de Maas.');
    });

    it('leaves names that were not given', () => {
      expect(clean('Klaas Visser vroeg het.', context)).toBe('Klaas Visser vroeg het.');
    });
  });

  describe('organisations', () => {
    const context = { names: [], organisationNames: ['Waterschap Rivierenland', 'Provincie Noord-Brabant'] };

    it('removes full and distinctive organisation names', () => {
      expect(clean('Het waterschap Rivierenland en Rivierenland zelf; de provincie Noord-Brabant.', context)).toBe(
        'Het [organisatie] en [organisatie] zelf; de [organisatie].',
      );
    });

    it('keeps generic words and other bodies', () => {
      const input = 'Het waterschap en de provincie overleggen met Rijkswaterstaat.';
      expect(clean(input, context)).toBe(input);
    });
  });

  describe('WBS text survives', () => {
    const wbs =
      'Water en Bodem Sturend (WBS) vraagt in keuze 3 en keuze 13 om het grondwaterpeil in veenweidegebieden te ' +
      'verhogen. Uiterlijk in 2026 leggen Provincies, Waterschappen en Gemeenten de Maatregelen vast; in 2030 en ' +
      '2050 volgt een evaluatie. Ruimte voor de Rivier, de Kaderrichtlijn Water (KRW), Natura 2000 en de Nationale ' +
      'Omgevingsvisie (NOVI) blijven leidend. Zie ook de brief van 25 november 2022 (kenmerk IENW/BSK-2022/283933), ' +
      'tabel 2.1 en artikel 3.4 van het Besluit kwaliteit leefomgeving. Een peilverhoging van 20 cm tot 0,6 m ' +
      'beperkt bodemdaling met 1-2 cm/jaar. Bergingsgebied Markerwaard 3 ligt achter de Westfriese Omringdijk.';

    it('is unchanged, even with names and organisations in the context', () => {
      const context = { names: ['Jan de Vries', 'Willem Water', 'Sanne Bodem'], organisationNames: ['Gemeente Utrecht'] };
      const result = anonymise(wbs, context);
      expect(result.text).toBe(wbs);
      expect(result.removed).toEqual([]);
    });
  });

  it('cannot be fooled by placeholders or private-use markers in the input', () => {
    const context = { names: ['Anna Link'], organisationNames: [] };
    expect(clean('Zie [link] en \uE000\uE010\uE001 van Anna Link', context)).toBe('Zie [link] en  van [naam]');
    expect(ANONYMISATION_LABELS.url).toBe('[link]');
  });

  it('handles empty input and context', () => {
    expect(anonymise('', none)).toEqual({ text: '', removed: [] });
    expect(anonymise('Gewone tekst.', { names: ['', '  '], organisationNames: [''] }).text).toBe('Gewone tekst.');
  });
});
