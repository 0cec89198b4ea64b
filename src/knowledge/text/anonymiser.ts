/**
 * Removes personal data from a question or answer before it is published in the knowledge base.
 * It is a heuristic aid for the editor, who checks the result (`removed` lists what was taken out).
 *
 * Passes, in this order (each replaces its matches by an internal marker that later passes cannot see,
 * the markers become the Dutch labels at the end):
 * 1. URLs → `[link]`, only when personal (see `isPersonalUrl`); public pages stay.
 * 2. E-mail addresses (also `mailto:`, `naam(at)domein.nl`, `naam [at] domein.nl`) → `[e-mailadres]`.
 * 3. Dutch phone numbers → `[telefoonnummer]`: national (10 digits from the leading 0: 06-12345678,
 *    020-1234567, (010) 123 45 67, 0501-234567), service numbers 0800/0900/0906/0909 (4 or 7 digits
 *    after), international +31 / 0031 with 9 digits (+31 6 1234 5678, +31 (0)20 123 4567). Dates like
 *    01-02-2026, times and decimals are not phone numbers; a number running into another one
 *    ("06-12345678 2026") loses the extra group.
 * 4. Postcodes `1234 AB` / `1234AB` (capitals only; not SA/SD/SS, and not unit or acronym pairs such as
 *    `2026 EU`, `1500 MW`) → `[postcode]`.
 * 5. Addresses → `[adres]`: a capitalised word ending in a street suffix (…straat, …weg, …laan, …plein,
 *    …gracht, …kade, …singel, …dijk, …pad, …dreef, …hof, …steeg, …markt, …wal, …plantsoen, …boulevard),
 *    or a street word followed by particles and a name (Laan van Meerdervoort), then a house number with
 *    an optional letter or addition (12a, 3-5, 12-14 hs); also `Postbus 123`. Words before the street
 *    word come only from a closed list (Burgemeester, Oude, Prins, …) and particles. A 4-digit number
 *    1900-2099 is a year ("Afsluitdijk 2032", "Lekdijk 2024-2030") unless a postcode follows; a number
 *    followed by a unit (km, m, ha, jaar, euro, …) is no house number.
 * 6. The given person names → `[naam]`: the full name case-insensitively; initials + surname
 *    ("J. de Vries"); the surname with its particles ("De Vries", "van Dijk"); hyphenated parts
 *    (Anne-Marie) and each name part of at least 3 letters that is not a particle (Jan, Vries). Partial
 *    matches must start with a capital in the text, so the surnames Bos or Van Dijk do not eat the words
 *    "bos" and "dijk"; a lone part that is also an ordinary word (Bos, Dijk, Water, Visser, Maas, …) is
 *    only removed after a title or salutation ("dhr. Bos", "mevrouw Van Dijk"). Proper names of the WBS
 *    domain ("Water en Bodem Sturend", "Kaderrichtlijn Water", …) are never touched. Accents are ignored.
 * 7. Unless `keepOrganisation`, the organisation names → `[organisatie]`: the full name
 *    case-insensitively, and the name without its generic head (Gemeente, Waterschap, Provincie, …),
 *    when capitalised: "Gemeente Hoeksche Waard" also removes "Hoeksche Waard".
 *
 * Not detected: names that were not given, IBANs (an IBAN's digit groups may be taken for a phone
 * number), lower-case postcodes, free-form addresses without a street suffix.
 */

export type RemovedKind = 'email' | 'phone' | 'url' | 'postcode' | 'address' | 'name' | 'organisation';

export interface RemovedItem {
  kind: RemovedKind;
  value: string;
}

export interface AnonymiseContext {
  /** Full person names as known to the app ("Jan de Vries"). */
  names: string[];
  /** Names of the organisation(s) involved ("Gemeente Hoeksche Waard"). */
  organisationNames: string[];
  /** Keep organisation names (the organisation agreed to be named). */
  keepOrganisation?: boolean;
}

export interface AnonymiseResult {
  text: string;
  /** What was removed, distinct by kind and value, in order of the passes, then of position. */
  removed: RemovedItem[];
}

export const ANONYMISATION_LABELS: Readonly<Record<RemovedKind, string>> = {
  email: '[e-mailadres]',
  phone: '[telefoonnummer]',
  url: '[link]',
  postcode: '[postcode]',
  address: '[adres]',
  name: '[naam]',
  organisation: '[organisatie]',
};

const KINDS = Object.keys(ANONYMISATION_LABELS) as RemovedKind[];
// Markers are private-use characters: no later pattern (words, digits, @) can match inside them.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const marker = (kind: RemovedKind) => MARK_OPEN + String.fromCharCode(0xe010 + KINDS.indexOf(kind)) + MARK_CLOSE;
const PRIVATE_USE = /[\uE000-\uE0FF]/g;
const MARKERS = /\uE000([\uE010-\uE01F])\uE001/g;

const PARTICLES = new Set([
  'van', 'de', 'der', 'den', 'het', 'ten', 'ter', 'te', 'op', 'aan', 'in', 'bij', 't', "'t", '’t', 'la', 'le',
  'du', 'da', 'di', 'del', 'von', 'zu', 'vd', 'v.d.', 'v/d', 'en',
]);

interface Replacement {
  start: number;
  end: number;
}

class Redactor {
  text: string;
  readonly removed: RemovedItem[] = [];
  private readonly seen = new Set<string>();

  constructor(text: string) {
    this.text = text.replace(PRIVATE_USE, '');
  }

  /** Replaces the given ranges (of the current text, non-overlapping, any order) by the kind's marker. */
  apply(kind: RemovedKind, ranges: Replacement[]): void {
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    let out = '';
    let cursor = 0;
    for (const range of sorted) {
      if (range.start < cursor || range.end <= range.start) continue;
      const value = this.text.slice(range.start, range.end);
      this.record(kind, value);
      out += this.text.slice(cursor, range.start) + marker(kind);
      cursor = range.end;
    }
    this.text = out + this.text.slice(cursor);
  }

  /** Runs a global regex over the current text; `pick` returns the range to replace or null to keep. */
  scan(kind: RemovedKind, regex: RegExp, pick: (match: RegExpExecArray) => Replacement | null = defaultRange): void {
    const ranges: Replacement[] = [];
    regex.lastIndex = 0;
    for (let match = regex.exec(this.text); match; match = regex.exec(this.text)) {
      const range = pick(match);
      if (range) {
        ranges.push(range);
        regex.lastIndex = Math.max(range.end, match.index + 1);
      } else if (match[0].length === 0) {
        regex.lastIndex++;
      }
    }
    this.apply(kind, ranges);
  }

  private record(kind: RemovedKind, value: string): void {
    const readable = value.replace(MARKERS, (_, code: string) => ANONYMISATION_LABELS[KINDS[code.charCodeAt(0) - 0xe010]]).trim();
    const key = `${kind}\u0000${readable}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.removed.push({ kind, value: readable });
  }

  result(): AnonymiseResult {
    const text = this.text.replace(MARKERS, (_, code: string) => ANONYMISATION_LABELS[KINDS[code.charCodeAt(0) - 0xe010]]);
    return { text, removed: this.removed };
  }
}

function defaultRange(match: RegExpExecArray): Replacement {
  return { start: match.index, end: match.index + match[0].length };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lowercases and strips accents without changing the length, so indices map back to the original. */
function foldSameLength(text: string): string {
  let out = '';
  for (const char of text) {
    let folded = char.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
    if (folded.length !== char.length) folded = char.toLowerCase();
    out += folded.length === char.length ? folded : char;
  }
  return out;
}

/** Folded alphanumeric words, for comparing URL parts with names. */
function foldTokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
}

// ---------------------------------------------------------------------------------------------------
// URLs

const URL_PATTERN = /(?<![\p{L}\p{N}@.\-_])(?:https?:\/\/|www\.)[^\s<>"'`{}|\\^[\]]+/giu;

/** Hosts where any page below the root is about a person (profiles, posts). */
const PERSONAL_HOSTS = [
  'linkedin.com', 'facebook.com', 'fb.com', 'instagram.com', 'twitter.com', 'x.com', 'tiktok.com',
  'threads.net', 'mastodon.social', 'bsky.app', 'github.com', 'gitlab.com', 'medium.com', 'youtube.com',
  'wa.me', 'calendly.com', 'teams.microsoft.com', 'zoom.us',
];

/** Path segments that introduce a person (user pages, profiles, staff directories, author pages). */
const PERSONAL_SEGMENTS = new Set([
  'user', 'users', 'u', 'people', 'person', 'persons', 'personen', 'persoon', 'profile', 'profiles', 'profiel',
  'profielen', 'member', 'members', 'lid', 'leden', 'medewerker', 'medewerkers', 'employee', 'employees', 'staff',
  'author', 'authors', 'auteur', 'auteurs', 'account', 'accounts', 'mijn', 'my', 'me', 'in', 'contactpersoon',
]);

/** Query parameters that carry personal data or identify a person or session. */
const PERSONAL_PARAMS = new Set([
  'email', 'e-mail', 'mail', 'emailadres', 'e-mailadres', 'name', 'naam', 'firstname', 'first_name', 'lastname',
  'last_name', 'voornaam', 'achternaam', 'fullname', 'user', 'username', 'user_name', 'userid', 'user_id', 'uid',
  'id', 'personid', 'person_id', 'persoonid', 'contactid', 'contact_id', 'memberid', 'token', 'key', 'apikey',
  'api_key', 'session', 'sessionid', 'session_id', 'sid', 'auth', 'code', 'bsn', 'phone', 'tel', 'telefoon',
  'mobile', 'mobiel', 'address', 'adres', 'postcode', 'zip',
]);

interface PersonalUrlContext {
  nameParts: string[];
  compactNames: string[];
  organisationKeys: string[];
}

/**
 * A URL is personal (and replaced) when it: cannot be parsed; carries user info (user:pass@); contains
 * an @ or %40 after the host; points below the root of a social/personal platform (LinkedIn, …);
 * has a path segment that introduces a person (user, profile, medewerkers, in, ~name, @name, …); has a
 * query parameter that identifies a person or session (email, naam, id, uid, token, …); contains a name
 * part of a given person as a word, or a whole given name run together (jandevries); or, unless the
 * organisation is kept, names the organisation (utrecht.nl for "Gemeente Utrecht"). Everything else,
 * such as https://www.rijksoverheid.nl/onderwerpen/water, is public and stays.
 */
function isPersonalUrl(raw: string, context: PersonalUrlContext): boolean {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return true;
  }
  if (url.username || url.password) return true;
  const afterHost = raw.replace(/^(?:https?:\/\/)?[^/?#]*/i, '');
  if (/@|%40/i.test(afterHost)) return true;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  if (segments.length > 0 && PERSONAL_HOSTS.some((personal) => host === personal || host.endsWith(`.${personal}`))) {
    return true;
  }
  for (const segment of segments) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return true;
    }
    decoded = decoded.toLowerCase();
    if (decoded.startsWith('~') || decoded.startsWith('@') || PERSONAL_SEGMENTS.has(decoded)) return true;
  }
  for (const [name, value] of url.searchParams) {
    if (PERSONAL_PARAMS.has(name.toLowerCase()) || value.includes('@')) return true;
  }
  const tokens = new Set(foldTokens(`${url.pathname} ${url.search} ${url.hash}`));
  if (context.nameParts.some((part) => tokens.has(part))) return true;
  const compact = foldTokens(raw).join('');
  if (context.compactNames.some((name) => compact.includes(name))) return true;
  if (context.organisationKeys.some((key) => compact.includes(key))) return true;
  return false;
}

function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const trimmed = url.replace(/[.,;:!?'"]+$/, '');
    const unbalancedParen = trimmed.endsWith(')') && (trimmed.match(/\(/g)?.length ?? 0) < (trimmed.match(/\)/g)?.length ?? 0);
    const next = unbalancedParen ? trimmed.slice(0, -1) : trimmed;
    if (next === url) return url;
    url = next;
  }
}

// ---------------------------------------------------------------------------------------------------
// E-mail, phone, postcode, address

const EMAIL_PATTERN =
  /(?:mailto:)?(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+(?:@|\s?[[(]at[\])]\s?)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}-])/giu;

/** A phone number candidate: international (+31 / 0031) or national (0…, (0…)), digits with single separators. */
const PHONE_PATTERN =
  /(?<![\p{L}\p{N}+\-/.,])(?:(?:\+|00)\s?31[\s.-]*(?:\(0\)[\s.-]*)?\d(?:[\s.-]?\d)+|(?:\(0\d{1,3}\)|0\d{1,4})(?:\s?[-/.]\s?|\s)?\d(?:[\s.-]?\d)+)/gu;

function phoneRange(match: RegExpExecArray, text: string): Replacement | null {
  let candidate = match[0];
  if (/^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}/.test(candidate)) return null;
  const international = /^(?:\+|00)/.test(candidate);
  for (;;) {
    if (isPhoneNumber(candidate, international)) {
      const end = match.index + candidate.length;
      // 030.1234567,5 or 0612345678.9 are not phone numbers.
      if (/^[.,]\d/.test(text.slice(end, end + 2))) return null;
      return { start: match.index, end };
    }
    // Drop the last group (the number may run into an unrelated number: "06-12345678 2026").
    const cut = candidate.search(/[\s.\-/]+\d+$/);
    if (cut <= 0) return null;
    candidate = candidate.slice(0, cut);
  }
}

function isPhoneNumber(candidate: string, international: boolean): boolean {
  if (international) {
    const digits = candidate.replace(/\(0\)/, '').replace(/\D/g, '').replace(/^(?:00)?31/, '');
    return digits.length === 9 && digits[0] !== '0';
  }
  const digits = candidate.replace(/\D/g, '');
  if (/^0(?:800|900|90[69])/.test(digits)) return digits.length === 8 || digits.length === 11;
  return digits.length === 10 && digits[1] !== '0';
}

/** Letter pairs after a 4-digit number that are units or acronyms, not postcode letters. */
const NOT_POSTCODE_LETTERS = new Set([
  'SA', 'SD', 'SS', 'EU', 'MW', 'KW', 'GW', 'TW', 'PJ', 'TJ', 'GJ', 'KB', 'MB', 'GB', 'TB', 'KM', 'CM', 'MM', 'HA',
  'NL', 'VS', 'UK', 'BV', 'NV', 'AD', 'BC', 'AM', 'PM', 'CO', 'OK',
]);
const POSTCODE_PATTERN = /(?<![\p{L}\p{N}])[1-9]\d{3} ?([A-Z]{2})(?![\p{L}\p{N}])/gu;

const STREET_SUFFIXES = [
  'straat', 'weg', 'laan', 'plein', 'gracht', 'kade', 'singel', 'dijk', 'pad', 'dreef', 'hof', 'steeg', 'markt',
  'wal', 'plantsoen', 'boulevard',
];
const CAPITALISED_SUFFIXES = STREET_SUFFIXES.map((suffix) => suffix[0].toUpperCase() + suffix.slice(1));
const PARTICLE_RE = "(?:van|de|der|den|het|ten|ter|te|op|aan|in|bij|'t|’t|la|le|Van|De|Den|Der|Het|Ten|Ter|Op|Aan|In)";
const CAP_WORD = "\\p{Lu}[\\p{L}'’.-]*";
/**
 * Words that may stand before the street word in a street name (Burgemeester de Withstraat, Oude Gracht,
 * Prins Hendrikkade). A closed list: any capitalised word would take "Versterking van de Lekdijk" along.
 */
const STREET_HEADS =
  '(?:Burgemeester|Burg\\.|Dokter|Dr\\.|Mr\\.|Ds\\.|Prins|Prinses|Koning|Koningin|Keizer|Graaf|Gravin|Hertog|' +
  'Jonkheer|Generaal|Admiraal|Pastoor|Pater|Kapitein|Professor|Prof\\.|Sint|St\\.|Oude|Nieuwe|Korte|Lange|Hoge|' +
  'Lage|Grote|Kleine|Brede|Noord|Zuid|Oost|West|Noorder|Zuider|Ooster|Wester|Binnen|Buiten|Achter|Voor|Boven|' +
  'Beneden|Eerste|Tweede|Derde|Vierde|Jan|Piet|Willem|Hendrik|Johan|Karel|Frederik|Maria|Juliana|Beatrix|' +
  'Wilhelmina|Emma)';
const HOUSE_NUMBER = "(\\d{1,5})(?:[ \\t]?-?[ \\t]?(?:\\d{1,4}(?!\\p{N})|bis|hs|zw|rd|[A-Za-z](?![\\p{L}\\p{N}]))){0,2}(?![\\p{L}\\p{N}]|[.,]\\d|\\s?(?:km|m|cm|mm|m2|m3|meter|kilometer|ha|hectare|jaar|uur|procent|%|keer|miljoen|miljard|euro)(?![\\p{L}\\p{N}]))";
const ADDRESS_PATTERN = new RegExp(
  [
    // Burgemeester de Withstraat 5, Oude Gracht 12, Dorpsstraat 12a, Kerkweg 3-5
    `(?<![\\p{L}\\p{N}])(?:(?:${STREET_HEADS}|${PARTICLE_RE})[^\\S\\r\\n]+){0,3}(?:\\p{Lu}[\\p{L}'’-]*?(?:${STREET_SUFFIXES.join('|')})|${CAPITALISED_SUFFIXES.join('|')})[^\\S\\r\\n]+${HOUSE_NUMBER}`,
    // Laan van Meerdervoort 1024, Plein de Vos 3
    `(?<![\\p{L}\\p{N}])(?:${CAPITALISED_SUFFIXES.join('|')})(?:[^\\S\\r\\n]+${PARTICLE_RE})+(?:[^\\S\\r\\n]+${CAP_WORD}){1,3}[^\\S\\r\\n]+${HOUSE_NUMBER}`,
    // Postbus 123
    `(?<![\\p{L}\\p{N}])Postbus[^\\S\\r\\n]+\\d{1,6}(?!\\p{N})`,
  ].join('|'),
  'gu',
);
/** Leading words an address match may have taken along that are not part of the street name. */
const ADDRESS_LABELS = new Set([
  'adres', 'bezoekadres', 'postadres', 'correspondentieadres', 'factuuradres', 'woonadres', 'vestigingsadres',
  'afzender', 'locatie', 'gevestigd', 'wonend', 'woonachtig', 'zie', 'hoek', 'nabij', 'tussen', 'langs', 'vanaf',
  'via', 'naar',
]);
/** Particles and prepositions before a street name; dropped in lower case, and capitalised when they
 * are no street-name head (Op de Markt 3 → Op de [adres], but De Ruijterstraat 3 → [adres]). */
const ADDRESS_LOWER_LEADS = new Set([
  'van', 'de', 'het', 'den', 'der', 'aan', 'op', 'bij', 'in', 'tot', 'over', 'te', 'ten', 'ter', 'en',
  'Op', 'Aan', 'In', 'Bij', 'Het',
]);

function addressRange(match: RegExpExecArray, text: string): Replacement | null {
  let start = match.index;
  let value = match[0];
  // Trim leading label words and particles ("Bezoekadres Dorpsstraat 12", "aan de Kerkweg 3").
  for (;;) {
    const lead = /^([\p{L}'’.-]+?)[.:]?[^\S\r\n]+/u.exec(value);
    if (!lead) break;
    const word = lead[1];
    if (!ADDRESS_LABELS.has(word.toLowerCase()) && !ADDRESS_LOWER_LEADS.has(word)) break;
    const rest = value.slice(lead[0].length);
    if (!new RegExp(`^(?:${ADDRESS_PATTERN.source})`, 'u').test(rest)) break;
    start += lead[0].length;
    value = rest;
  }
  const houseNumber = /(\d{1,5})(?:\s?-?\s?(?:\d{1,4}|bis|hs|zw|rd|[A-Za-z])){0,2}$/.exec(value);
  const numberText = houseNumber?.[0] ?? '';
  if (/^(?:19|20)\d\d(?!\d)/.test(numberText)) {
    const after = text.slice(start + value.length, start + value.length + 8);
    if (!new RegExp(`^,?\\s*${MARK_OPEN}`).test(after)) return null; // a year, unless a postcode follows
  }
  return { start, end: start + value.length };
}

// ---------------------------------------------------------------------------------------------------
// Names and organisations

const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}])';
const BOUNDARY_AFTER = '(?![\\p{L}\\p{N}])';

function tokensOf(name: string): string[] {
  return name
    .replace(PRIVATE_USE, '')
    .trim()
    .split(/\s+/)
    .filter((token) => token.length > 0);
}

function isParticle(token: string): boolean {
  return PARTICLES.has(foldSameLength(token));
}

function letterCount(token: string): number {
  return (token.match(/\p{L}/gu) ?? []).length;
}

function sequencePattern(tokens: string[]): string {
  return tokens.map((token) => escapeRegExp(foldSameLength(token))).join('\\s+');
}

interface NamePattern {
  regex: RegExp;
  /** Every word of the match that is not a particle or initial must start with a capital in the text. */
  requireCapitals: boolean;
  /** Only when a title or salutation precedes it (a lone name part that is also an ordinary word). */
  requireTitle: boolean;
}

interface PatternSpec {
  source: string;
  requireCapitals: boolean;
  requireTitle?: boolean;
  weight: number;
}

/**
 * Proper names of programmes, laws and bodies in the WBS domain; names and organisation passes never
 * touch them (a person called "Willem Water" must not turn "Water en Bodem Sturend" into "[naam] …").
 */
const PROTECTED_PHRASES = [
  'Water en Bodem Sturend', 'Kaderrichtlijn Water', 'Ruimte voor de Rivier', 'Nationaal Water Programma',
  'Nationaal Programma Landelijk Gebied', 'Programma Water en Bodem', 'Unie van Waterschappen',
  'Deltaprogramma Ruimtelijke Adaptatie', 'Deltaplan Ruimtelijke Adaptatie', 'Deltaplan Agrarisch Waterbeheer',
  'Bestuursakkoord Water', 'Besluit kwaliteit leefomgeving', 'Wet bodembescherming',
  'Natura 2000', 'Nationale Omgevingsvisie',
];
const PROTECTED_PATTERN = new RegExp(
  `${BOUNDARY_BEFORE}(?:${PROTECTED_PHRASES.map((phrase) => sequencePattern(phrase.split(' '))).join('|')})${BOUNDARY_AFTER}`,
  'gu',
);

/**
 * Name parts that are also ordinary Dutch words, mostly of the water and soil domain (Bos, Van Dijk,
 * De Boer, Van der Maas). Alone they are removed only after a title or salutation ("dhr. Bos",
 * "mevrouw Water"), so "het Bos" at the start of a sentence or "Kaderrichtlijn Water" survives; in a
 * full name or after initials they are always removed.
 */
const WORDLIKE_NAME_PARTS = new Set([
  'water', 'bodem', 'dijk', 'bos', 'berg', 'beek', 'veen', 'zand', 'klei', 'polder', 'rivier', 'zee', 'meer',
  'wal', 'kade', 'sloot', 'vaart', 'brug', 'dam', 'molen', 'sluis', 'boer', 'visser', 'bakker', 'smit', 'wit',
  'groen', 'koning', 'kok', 'dekker', 'schipper', 'veld', 'akker', 'weide', 'heuvel', 'duin', 'haven', 'vos',
  'haan', 'kuiper', 'brouwer', 'kramer', 'post', 'hoek', 'steen', 'boom', 'hout', 'linde', 'eik', 'maas', 'rijn',
  'waal', 'ijssel', 'schelde', 'vecht', 'lek', 'delta', 'regen', 'storm', 'wind', 'zon', 'jong', 'oud', 'nieuw',
  'bruin', 'zwart', 'rood', 'goud', 'koster', 'wolf', 'beer', 'bron', 'put', 'plas', 'ven', 'broek', 'hof', 'kamp',
  'graaf', 'burg', 'horst', 'laan', 'straat', 'weg', 'peil', 'grond', 'stroom', 'land', 'stad', 'dorp', 'kerk',
]);
const TITLE_BEFORE =
  /(?:^|[^\p{L}])(?:dhr|mevr|mw|hr|mr|dr|drs|ir|ing|prof|heer|mevrouw|meneer|collega|beste|geachte|beleidsadviseur|adviseur|wethouder|burgemeester|gedeputeerde|dijkgraaf|directeur|gesproken met|contactpersoon)\.?:?\s+$/iu;

/** Finds matches of the patterns in the folded text and returns ranges; earlier patterns win overlaps. */
function findNameRanges(text: string, patterns: NamePattern[]): Replacement[] {
  const folded = foldSameLength(text);
  const taken: (Replacement & { protectedPhrase?: boolean })[] = [];
  for (const match of folded.matchAll(PROTECTED_PATTERN)) {
    taken.push({ start: match.index, end: match.index + match[0].length, protectedPhrase: true });
  }
  for (const { regex, requireCapitals, requireTitle } of patterns) {
    for (const match of folded.matchAll(regex)) {
      const range = { start: match.index, end: match.index + match[0].length };
      if (taken.some((other) => range.start < other.end && other.start < range.end)) continue;
      if (requireCapitals && !capitalised(text.slice(range.start, range.end))) continue;
      if (requireTitle && !TITLE_BEFORE.test(text.slice(Math.max(0, range.start - 40), range.start))) continue;
      taken.push(range);
    }
  }
  return taken.filter((range) => !range.protectedPhrase);
}

/** Every word of the match that is not a particle or an initial starts with a capital letter. */
function capitalised(original: string): boolean {
  return original
    .split(/[\s-]+/)
    .filter((word) => word.length > 0 && !isParticle(word) && !/^\p{L}\.$/u.test(word))
    .every((word) => /^[\p{Lu}]/u.test(word.replace(/^['’]/, '')));
}

function personPatterns(names: string[]): NamePattern[] {
  const patterns: PatternSpec[] = [];
  for (const name of names) {
    const tokens = tokensOf(name);
    if (tokens.length === 0) continue;
    const content = tokens.filter((token) => !isParticle(token));
    // The full name, case-insensitively when it has two content words (one word could be a common word).
    patterns.push({
      source: sequencePattern(tokens),
      requireCapitals: content.length < 2,
      requireTitle: content.length < 2 && content.every(isWordlike),
      weight: 4,
    });
    if (tokens.length >= 2) {
      const surname = tokens.slice(1);
      const initials = '(?:\\p{L}\\.\\s?){1,4}\\s*';
      patterns.push({ source: initials + sequencePattern(surname), requireCapitals: true, weight: 3 });
      if (surname.length >= 2) {
        const surnameContent = surname.filter((token) => !isParticle(token));
        patterns.push({ source: sequencePattern(surname), requireCapitals: true, requireTitle: surnameContent.every(isWordlike), weight: 2 });
      }
    }
    for (const token of content) {
      if (token.includes('-')) patterns.push({ source: sequencePattern([token]), requireCapitals: true, weight: 1 });
      for (const part of token.split('-')) {
        if (letterCount(part) >= 3 && !isParticle(part)) {
          patterns.push({ source: escapeRegExp(foldSameLength(part)), requireCapitals: true, requireTitle: isWordlike(part), weight: 0 });
        }
      }
    }
  }
  return compile(patterns);
}

function isWordlike(token: string): boolean {
  return WORDLIKE_NAME_PARTS.has(foldTokens(token).join(''));
}

/** Generic heads of Dutch public-body names; the rest of the name identifies the body. */
const ORGANISATION_HEADS = new Set([
  'gemeente', 'provincie', 'waterschap', 'hoogheemraadschap', 'wetterskip', 'ministerie', 'omgevingsdienst',
  'veiligheidsregio', 'rijksdienst', 'regio', 'stichting', 'vereniging', 'van', 'de', 'het', 'der', 'voor',
]);

function organisationDistinctive(name: string): string[] {
  const tokens = tokensOf(name);
  let index = 0;
  while (index < tokens.length && ORGANISATION_HEADS.has(foldSameLength(tokens[index]))) index++;
  return tokens.slice(index);
}

function organisationPatterns(names: string[]): NamePattern[] {
  const patterns: PatternSpec[] = [];
  for (const name of names) {
    const tokens = tokensOf(name);
    if (tokens.length === 0) continue;
    patterns.push({ source: sequencePattern(tokens), requireCapitals: false, weight: 1 });
    const distinctive = organisationDistinctive(name);
    if (distinctive.length > 0 && distinctive.length < tokens.length && letterCount(distinctive.join('')) >= 3) {
      patterns.push({ source: sequencePattern(distinctive), requireCapitals: true, weight: 0 });
    }
  }
  return compile(patterns);
}

function compile(patterns: PatternSpec[]): NamePattern[] {
  return patterns
    .sort((a, b) => b.weight - a.weight || b.source.length - a.source.length)
    .map(({ source, requireCapitals, requireTitle }) => ({
      regex: new RegExp(`${BOUNDARY_BEFORE}(?:${source})${BOUNDARY_AFTER}`, 'gu'),
      requireCapitals,
      requireTitle: requireTitle ?? false,
    }));
}

// ---------------------------------------------------------------------------------------------------

/** Removes personal data from `text`; see the file comment for the rules. */
export function anonymise(text: string, context: AnonymiseContext): AnonymiseResult {
  const redactor = new Redactor(String(text ?? ''));
  const names = (context.names ?? []).filter((name) => name.trim().length > 0);
  const organisations = (context.organisationNames ?? []).filter((name) => name.trim().length > 0);
  const keepOrganisation = context.keepOrganisation ?? false;

  const nameParts = [
    ...new Set(
      names
        .flatMap(tokensOf)
        .flatMap((token) => foldTokens(token))
        .filter((token) => token.length >= 3 && !PARTICLES.has(token)),
    ),
  ];
  const compactNames = names.map((name) => foldTokens(name).join('')).filter((name) => name.length >= 6);
  const organisationKeys = keepOrganisation
    ? []
    : organisations
        .flatMap((name) => [foldTokens(name).join(''), foldTokens(organisationDistinctive(name).join(' ')).join('')])
        .filter((key) => key.length >= 5);

  redactor.scan('url', URL_PATTERN, (match) => {
    const raw = trimUrl(match[0]);
    if (!isPersonalUrl(raw, { nameParts, compactNames, organisationKeys })) return null;
    return { start: match.index, end: match.index + raw.length };
  });
  redactor.scan('email', EMAIL_PATTERN);
  redactor.scan('phone', PHONE_PATTERN, (match) => phoneRange(match, redactor.text));
  redactor.scan('postcode', POSTCODE_PATTERN, (match) =>
    NOT_POSTCODE_LETTERS.has(match[1]) ? null : defaultRange(match),
  );
  redactor.scan('address', ADDRESS_PATTERN, (match) => addressRange(match, redactor.text));
  redactor.apply('name', findNameRanges(redactor.text, personPatterns(names)));
  if (!keepOrganisation) {
    redactor.apply('organisation', findNameRanges(redactor.text, organisationPatterns(organisations)));
  }
  return redactor.result();
}
