/**
 * Dutch words for the demo data: people, WBS topics per keuze, projects and sentences. Only used by
 * `demo:seed`; every name is made up.
 */

export const FIRST_NAMES = [
  'Anne', 'Bas', 'Carolien', 'Daan', 'Eva', 'Floor', 'Gert', 'Hanneke', 'Ingrid', 'Jeroen', 'Karin', 'Lars', 'Marieke', 'Niels',
  'Olga', 'Pieter', 'Quinten', 'Roos', 'Sander', 'Tessa', 'Ueli', 'Vera', 'Willem', 'Yvonne', 'Zeger', 'Annelies', 'Bram', 'Charlotte',
  'Dirk', 'Esther', 'Frank', 'Gerda', 'Hugo', 'Iris', 'Joost', 'Kees', 'Linda', 'Maarten', 'Nadia', 'Otto', 'Petra', 'Ruud', 'Sanne',
  'Thijs', 'Ursula', 'Vincent', 'Wendy', 'Youssef', 'Fatima', 'Mehmet', 'Sarita', 'Rik', 'Marloes', 'Jelle', 'Femke', 'Sjoerd',
];

export const LAST_NAMES = [
  'de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos',
  'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van der Linden',
  'Kok', 'Jacobs', 'de Haan', 'Vermeulen', 'van den Heuvel', 'van der Veen', 'van den Broek', 'de Bruijn', 'de Jong', 'Schouten',
  'van Dijk', 'Hoekstra', 'Postma', 'Koster', 'Prins', 'Huisman', 'Kuipers', 'Veenstra', 'Wouters', 'Yilmaz', 'El Amrani', 'Tjon',
];

/** Per keuze (1–33): short topics as they appear in questions. */
export const KEUZE_TOPICS: Record<number, string[]> = {
  1: ['droogte in het hoofdwatersysteem', 'zoetwaterverdeling bij lage rivierafvoer'],
  2: ['grondwateronttrekkingen', 'een robuust grondwatersysteem'],
  3: ['nieuwe drinkwaterbronnen', 'een nieuwe drinkwaterwinning'],
  4: ['het terugdringen van drinkwatergebruik', 'waterbesparing in nieuwbouw'],
  5: ['de KRW-doelen voor waterkwaliteit', 'nutriënten in het oppervlaktewater'],
  6: ['koelwaterlozingen', 'warmtelozing op de rivier'],
  7: ['ruimte voor waterberging', 'vasthouden en bergen van regenwater'],
  8: ['peilfluctuaties in het IJsselmeergebied', 'een flexibel peil in het IJsselmeer'],
  9: ['landwinning in het IJsselmeergebied', 'buitendijkse ontwikkeling aan het IJsselmeer'],
  10: ['bouwen in de uiterwaarden', 'bebouwing in het winterbed van de rivier'],
  11: ['reserveringszones voor primaire keringen', 'ruimte voor toekomstige dijkversterking'],
  12: ['biodiversiteit bij dijken', 'natuurvriendelijk dijkbeheer'],
  13: ['waterberging in diepe polders', 'het reserveren van diepe polders'],
  14: ['kustuitbreiding', 'buitendijkse kustontwikkeling'],
  15: ['regie op de ondergrond', 'de inrichting van de ondergrond'],
  16: ['bodembedekking in het landelijk gebied', 'verharding op boerenerven'],
  17: ['verharding in stedelijk gebied', 'compact bouwen en bodemgebruik'],
  18: ['het behoud van waardevolle landbouwgrond', 'goede landbouwgronden bij woningbouw'],
  19: ['ontgravingen en bodemverstoring', 'zandwinning en ontgronding'],
  20: ['de aanpak van bodemverontreiniging', 'PFAS in de bodem'],
  21: ['woningbouwlocaties en het watersysteem', 'de locatiekeuze voor nieuwbouw'],
  22: ['bouwen op locaties voor toekomstige waterberging', 'vrijhouden van ruimte voor rivierafvoer'],
  23: ['de maatlat klimaatadaptief bouwen', 'natuurinclusief en klimaatadaptief bouwen'],
  24: ['het beperken van verharding', 'afkoppelen en ontharden'],
  25: ['het verhogen van de grondwaterstand in veenweiden', 'bodemdaling en veenoxidatie'],
  26: ['de aanvoer van gebiedsvreemd water', 'wateraanvoer in het veenweidegebied'],
  27: ['duurzaam beheer van landbouwgrond in veengebied', 'natte teelten in het veen'],
  28: ['verzilting en doorspoelen', 'zoetwater voor doorspoeling tegen verzilting'],
  29: ['eigen maatregelen van watergebruikers tegen verzilting', 'zoetwaterbuffers bij agrariërs'],
  30: ['water langer vasthouden op de hoge zandgronden', 'sponswerking van de zandgronden'],
  31: ['het verhogen van grondwaterpeilen', 'peilopzet op de hoge zandgronden'],
  32: ['herstel van beekdalen', 'beekherstel en hermeandering'],
  33: ['grondwateronttrekkingen rond Natura 2000-gebieden', 'verdroging van Natura 2000-gebieden'],
};

export const PROJECTS = [
  'de nieuwbouwwijk',
  'het nieuwe bedrijventerrein',
  'de dijkversterking',
  'de herinrichting van het centrum',
  'een zonnepark',
  'de uitbreiding van de kern',
  'een datacenter',
  'de herstructurering van de wijk',
  'een nieuwe waterwinning',
  'de beekverlegging',
  'het omgevingsplan',
  'de omgevingsvisie',
  'een glastuinbouwgebied',
  'de woondeal',
  'een distributiecentrum',
];

export const ACTORS = ['gemeente', 'provincie', 'waterschap', 'omgevingsdienst', 'regio'];

export const TITLE_TEMPLATES = [
  'Hoe gaan we om met {topic} bij {project} in {place}?',
  'Mag {project} in {place} doorgaan gezien {topic}?',
  'Wat betekent keuze {keuze} voor {project}?',
  'Vraag over {topic} in het omgevingsplan van {place}',
  'Welke rol heeft de {actor} bij {topic}?',
  '{Topic}: waar moeten wij als {actor} op letten?',
  'Afwegingskader voor {topic} bij {project}',
  'Hoe verhoudt {topic} zich tot {project}?',
];

export const BODY_SENTENCES = [
  'Wij werken aan {project} in {place} en lopen aan tegen {topic}.',
  'In het kader van Water en Bodem Sturend willen wij weten welke ruimte er is voor maatwerk.',
  'De raad vraagt om een onderbouwing die aansluit bij de structurerende keuzes.',
  'Is er al ervaring opgedaan bij andere overheden met een vergelijkbare situatie?',
  'Graag horen wij welke stappen het Rijk van ons verwacht en wie wij daarbij moeten betrekken.',
  'Het waterschap heeft zorgen geuit over de gevolgen op lange termijn.',
];

export const ANSWER_SENTENCES = [
  'Water en Bodem Sturend vraagt om {topic} vroeg in het planproces mee te wegen.',
  'Voor {topic} is de {actor} aan zet, in overleg met de andere overheden in het gebied.',
  'De structurerende keuze laat ruimte voor maatwerk, mits de afweging expliciet wordt gemaakt (pas toe of leg uit).',
  'Betrek het waterschap via de watertoets en leg de afspraken vast in het omgevingsplan.',
  'Elders is goede ervaring opgedaan met een gebiedsgerichte aanpak; wij brengen u graag in contact.',
  'Houd rekening met de kosten op lange termijn en voorkom afwenteling naar andere gebieden of generaties.',
];

export const CLARIFICATIONS = [
  'Kunt u aangeven om welke locatie het precies gaat?',
  'Is het waterschap al betrokken bij het plan?',
  'Welke planfase heeft het project op dit moment?',
  'Kunt u de kaart van het plangebied meesturen?',
];

export const REOPEN_REASONS = ['Dank, maar hoe zit het met de bestaande bebouwing?', 'Geldt dit ook voor tijdelijke woningen?', 'Wat als de provincie een andere lijn kiest?'];

export const REFERRAL_TARGETS = [
  ['Informatiepunt Leefomgeving (IPLO)', 'De vraag gaat over de toepassing van de Omgevingswet.'],
  ['het waterschap in het gebied', 'Het waterschap is bevoegd gezag voor deze watervergunning.'],
  ['de provincie', 'De provincie stelt de instructieregels voor dit gebied vast.'],
  ['Rijkswaterstaat', 'Het gaat om het beheer van het hoofdwatersysteem.'],
  ['de omgevingsdienst', 'De vraag betreft bodemsanering en valt onder de omgevingsdienst.'],
  ['het Expertisecentrum Verdroging', 'Voor deze specifieke verdrogingsvraag is daar meer kennis.'],
] as const;

export const GAP_SEARCHES = [
  ['tijdelijke woningen uiterwaarden', 3],
  ['drijvende woningen', 3],
  ['datacenter koelwater', 2],
  ['zonnepark waterberging', 3],
  ['kosten peilverhoging veenweide', 6],
  ['beregeningsverbod zandgronden', 8],
  ['pfas grondverzet', 4],
  ['tiny houses waterbergingsgebied', 5],
  ['mijnbouw ondergrond regie', 4],
  ['zoutwaterindringing polder', 7],
  ['compensatie landbouwgrond', 4],
  ['hittestress schoolplein', 5],
] as const;

export function fill(template: string, slots: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    const value = String(slots[key] ?? '');
    return name.charAt(0) === name.charAt(0).toUpperCase() ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  });
}
