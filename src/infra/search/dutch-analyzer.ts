/**
 * Dutch text analysis for the knowledge-base search (SQLite FTS5 and PostgreSQL tsvector 'simple').
 *
 * Neither database can stem Dutch here (node sqlite3 cannot register an FTS5 tokenizer), so the app
 * stems: at write time store `indexText(text)` (= `analyze(text).join(' ')`) in the indexed column on
 * both databases, at query time build the MATCH / to_tsquery string with `parseQuery` + `toFts5Match`
 * / `toTsQuery`. Both sides run the same code, so they always agree.
 *
 * Pipeline per token: fold accents and case (as `foldText`), split on non-alphanumerics, drop stopwords
 * (on the folded surface form, before stemming), stem with the classic Snowball Dutch stemmer
 * (`@orama/stemmers/dutch`) and normalise its result further (see `stem`).
 *
 * Stopwords: a modest list of ~70 function words. They are dropped identically at index and query time,
 * so a phrase keeps working: "water en bodem" indexes as `water bodem` (adjacent) and the phrase query
 * "water en bodem" becomes the phrase `water bodem`, which matches. The price: a phrase cannot tell
 * "water en bodem" from "water of bodem". Content words that look like function words in other senses
 * ("meer" = lake, "peil", "even") are deliberately NOT in the list. A query of stopwords only is empty.
 *
 * Compounds: Dutch writes compounds as one word (grondwateronttrekkingen). A query term matches words
 * it begins, via prefix queries on the stem (FTS5 `"stem"*`, PostgreSQL `stem:*`); `stem` keeps that
 * property (the stem of a word is a prefix of the stem of a compound that starts with it) by only ever
 * shortening words at their end, and by collapsing doubled letters everywhere, not only at the end.
 */
import { stemmer as snowballDutch } from '@orama/stemmers/dutch';
import { InvalidInputError } from '../../common/domain-errors.js';

/** Folded (lowercase, unaccented) Dutch function words that are never indexed or searched. */
export const DUTCH_STOPWORDS: ReadonlySet<string> = new Set([
  // articles, conjunctions
  'de', 'het', 'een', 'en', 'of', 'maar', 'dan', 'als', 'dat', 'die', 'dit', 'deze', 'want', 'omdat',
  // prepositions (spatial ones that matter in water/soil text, like binnen/buiten/onder, are kept)
  'van', 'in', 'op', 'te', 'voor', 'met', 'aan', 'bij', 'door', 'om', 'over', 'naar', 'uit', 'tot', 'per',
  // pronouns
  'ik', 'je', 'u', 'uw', 'hij', 'zij', 'ze', 'wij', 'we', 'hun', 'haar', 'hem', 'ons', 'onze', 'mijn', 'zich', 'men',
  // auxiliaries and very frequent verbs
  'is', 'zijn', 'was', 'waren', 'wordt', 'worden', 'werd', 'heeft', 'hebben', 'had', 'kan', 'kunnen', 'zal',
  'zullen', 'moet', 'moeten', 'mag',
  // adverbs, question words
  'er', 'ook', 'nog', 'al', 'wel', 'niet', 'geen', 'zo', 'toe', 'hoe', 'wat', 'wie', 'welke', 'waar', 'dus',
  // remnants of apostrophes: auto's → auto s, 't → t
  's', 't',
]);

/** Tokens longer than this are not words (hashes, base64, run-together garbage) and are not indexed. */
const MAX_TOKEN_LENGTH = 60;
/** At most this many terms and phrases are taken from one query (keeps generated SQL bounded). */
export const MAX_QUERY_TERMS = 24;
/** Stems shorter than this are matched exactly, not as prefixes (`ze*` would match half the index). */
export const MIN_PREFIX_LENGTH = 3;

/**
 * Singulars that end in consonant + "es" and must not lose their "s" (the plural rule keuzes → keuze
 * would otherwise turn proces into proce). Matched as whole words, and `LONG_ES_SINGULARS` also at the
 * end of compounds (besluitvormingsproces).
 */
const SHORT_ES_SINGULARS = new Set(['les', 'mes', 'bes', 'fles', 'nes', 'kles', 'tes', 'des']);
const LONG_ES_SINGULARS = ['proces', 'congres', 'adres', 'succes', 'exces', 'abces', 'expres', 'kompres'];

/** Folds like `foldText` (NFKD, strip marks, lowercase) and splits into alphanumeric words. */
export function foldWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

const stemCache = new Map<string, StemResult>();
const STEM_CACHE_LIMIT = 20_000;

interface StemResult {
  stem: string;
  /** Extra prefix forms: the stem before the final f/v, s/z unification, when the stem is not its prefix. */
  alternatives: string[];
}

/**
 * The index/search stem of one word. Folds accents and case first (any non-alphanumerics are removed),
 * words with a digit are kept verbatim (2026, n2000, co2).
 *
 * On top of classic Snowball Dutch (which leaves several plural and inflection pairs apart):
 * - before: `-ieën`/`-ies` → `-ie` (locaties → locatie, industrieën → industrie), `-eeën` → `-ee`
 *   (zeeën → zee, ideeën → idee), consonant + `-es` →
 *   `-e` (keuzes → keuze) except singulars like proces/adres/les;
 * - after: `-dt` → `-d` (beïnvloedt = beïnvloeden), every doubled letter collapsed (klimaat/klimaten →
 *   klimat, waterschap/waterschappen → waterschap, gemeente/gemeenten → gement; doing it everywhere keeps
 *   klimat a prefix of klimatadaptatie), final `v` → `f` and `z` → `s` (klimaatadaptieve = klimaatadaptief,
 *   huizen = huis), a final `s` after a consonant other than j dropped (Snowball makes kans → kan but
 *   kansen → kans; both become kan).
 */
export function stem(word: string): string {
  return stemWithAlternatives(word).stem;
}

function stemWithAlternatives(word: string): StemResult {
  const folded = foldWords(word).join('');
  const cached = stemCache.get(folded);
  if (cached) return cached;
  const result = computeStem(folded);
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(folded, result);
  return result;
}

function computeStem(word: string): StemResult {
  if (word.length <= 2 || /[0-9]/.test(word)) return { stem: word, alternatives: [] };
  let w = word;
  if (/[ie]een$/.test(w)) w = w.slice(0, -2);
  else if (w.length >= 6 && w.endsWith('ies')) w = w.slice(0, -1);
  else if (w.length >= 5 && /[^aeiouy]es$/.test(w) && !isEsSingular(w)) w = w.slice(0, -1);

  let s = snowballDutch(w);
  s = s.replace(/dt$/, 'd');
  s = s.replace(/([a-z])\1+/g, '$1');
  const beforeAlternation = s;
  s = s.replace(/v$/, 'f').replace(/z$/, 's');
  if (s.length >= 4 && /[^aeiouyj]s$/.test(s)) s = s.slice(0, -1);
  const alternatives = beforeAlternation.startsWith(s) ? [] : [beforeAlternation];
  return { stem: s, alternatives };
}

function isEsSingular(word: string): boolean {
  return SHORT_ES_SINGULARS.has(word) || LONG_ES_SINGULARS.some((singular) => word.endsWith(singular));
}

function isIndexable(word: string): boolean {
  return word.length <= MAX_TOKEN_LENGTH && !DUTCH_STOPWORDS.has(word);
}

/** Index tokens of a text, in order (positions matter for phrase search). */
export function analyze(text: string): string[] {
  const tokens: string[] = [];
  for (const word of foldWords(text)) {
    if (!isIndexable(word)) continue;
    const stemmed = stemWithAlternatives(word).stem;
    if (stemmed) tokens.push(stemmed);
  }
  return tokens;
}

/** The text to store in the indexed column (FTS5 table column / `to_tsvector('simple', …)` input). */
export function indexText(text: string): string {
  return analyze(text).join(' ');
}

// ---------------------------------------------------------------------------------------------------
// Queries

export interface QueryTerm {
  /** The stem, only [a-z0-9]. */
  stem: string;
  /** Match words that begin with the stem (compounds); false for short stems and numbers. */
  prefix: boolean;
  /** The folded word as typed. */
  original: string;
  /**
   * Extra stems that are OR-ed with `stem` (prefix terms only). Non-empty only when `stem` unified a
   * final f/v or s/z that compounds keep: keuze → stem `keus`, alternative `keuz` (finds keuzemoment).
   */
  alternatives: string[];
}

export interface ParsedQuery {
  /** Free terms, distinct by stem, in query order. */
  terms: QueryTerm[];
  /** Quoted phrases as stem sequences (stopwords removed). A quoted single word is an exact (non-prefix) term. */
  phrases: string[][];
}

export type MatchMode = 'all' | 'any';

/** The search text has no searchable word left (empty, operators/punctuation only, stopwords only). */
export class EmptyQueryError extends InvalidInputError {
  constructor() {
    super(
      [{ name: 'q', reason: 'bevat geen doorzoekbaar woord' }],
      'Geef minstens één zoekwoord op (lidwoorden, voegwoorden en leestekens tellen niet mee).',
    );
  }
}

/** Upper-case operator words of FTS5 / web search syntax; taken as noise, never as syntax or as terms. */
const OPERATOR_WORDS = /\b(?:AND|OR|NOT|NEAR)\b/g;

/**
 * Parses a free-text search. Nothing in it is syntax except double quotes, which make a phrase: AND, OR,
 * NOT, NEAR (upper case) are dropped, every other symbol (- * ( ) : ^ + …) separates words. An unmatched
 * quote is ignored. At most MAX_QUERY_TERMS terms and phrases are kept.
 * @throws EmptyQueryError when no searchable word remains.
 */
export function parseQuery(q: string): ParsedQuery {
  const input = String(q ?? '').replace(OPERATOR_WORDS, ' ');
  const terms: QueryTerm[] = [];
  const phrases: string[][] = [];
  const seenTerms = new Set<string>();
  const seenPhrases = new Set<string>();
  const parts = input.split('"');
  // Even parts are outside quotes, odd parts inside; an unmatched last quote leaves an odd count of quotes.
  const balanced = parts.length % 2 === 1;
  parts.forEach((part, index) => {
    const quoted = index % 2 === 1 && (balanced || index < parts.length - 1);
    if (quoted) {
      const stems = foldWords(part)
        .filter(isIndexable)
        .map((word) => stemWithAlternatives(word).stem)
        .filter((s) => s.length > 0);
      const key = stems.join(' ');
      if (stems.length > 0 && !seenPhrases.has(key)) {
        seenPhrases.add(key);
        phrases.push(stems);
      }
      return;
    }
    for (const word of foldWords(part)) {
      if (!isIndexable(word)) continue;
      const { stem: s, alternatives } = stemWithAlternatives(word);
      if (!s || seenTerms.has(s)) continue;
      seenTerms.add(s);
      const prefix = s.length >= MIN_PREFIX_LENGTH && !/[0-9]/.test(s);
      terms.push({ stem: s, prefix, original: word, alternatives: prefix ? [...alternatives] : [] });
    }
  });
  const keptPhrases = phrases.slice(0, MAX_QUERY_TERMS);
  const keptTerms = terms.slice(0, Math.max(0, MAX_QUERY_TERMS - keptPhrases.length));
  if (keptTerms.length === 0 && keptPhrases.length === 0) throw new EmptyQueryError();
  return { terms: keptTerms, phrases: keptPhrases };
}

/** Keeps only stem characters; stems never contain anything else, this is defence in depth. */
function safeStem(value: string): string {
  return value.replace(/[^a-z0-9]/g, '');
}

function nonEmpty(values: string[]): string[] {
  return values.filter((value) => value.length > 0);
}

function assertSearchable(parts: string[]): string[] {
  if (parts.length === 0) throw new EmptyQueryError();
  return parts;
}

/**
 * SQLite FTS5 MATCH expression: prefix terms as `"stem"*`, exact ones as `"stem"`, alternatives as
 * `("keus"* OR "keuz"*)`, phrases as `"a b"`, joined by AND ('all') or OR ('any'). Bind it as a parameter.
 */
export function toFts5Match(parsed: ParsedQuery, mode: MatchMode = 'all'): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const parts: string[] = [];
  for (const term of parsed.terms) {
    const forms = nonEmpty([term.stem, ...term.alternatives].map(safeStem));
    if (forms.length === 0) continue;
    const rendered = forms.map((form) => (term.prefix ? `${quote(form)}*` : quote(form)));
    parts.push(rendered.length === 1 ? rendered[0] : `(${rendered.join(' OR ')})`);
  }
  for (const phrase of parsed.phrases) {
    const stems = nonEmpty(phrase.map(safeStem));
    if (stems.length > 0) parts.push(quote(stems.join(' ')));
  }
  return assertSearchable(parts).join(mode === 'all' ? ' AND ' : ' OR ');
}

/**
 * PostgreSQL `to_tsquery('simple', $1)` input: prefix terms as `'stem':*`, alternatives as
 * `('keus':* | 'keuz':*)`, phrases as `('a' <-> 'b')`, joined by `&` ('all') or `|` ('any').
 * Bind it as a parameter; never interpolate it into SQL.
 */
export function toTsQuery(parsed: ParsedQuery, mode: MatchMode = 'all'): string {
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const parts: string[] = [];
  for (const term of parsed.terms) {
    const forms = nonEmpty([term.stem, ...term.alternatives].map(safeStem));
    if (forms.length === 0) continue;
    const rendered = forms.map((form) => (term.prefix ? `${quote(form)}:*` : quote(form)));
    parts.push(rendered.length === 1 ? rendered[0] : `(${rendered.join(' | ')})`);
  }
  for (const phrase of parsed.phrases) {
    const stems = nonEmpty(phrase.map(safeStem));
    if (stems.length === 1) parts.push(quote(stems[0]));
    else if (stems.length > 1) parts.push(`(${stems.map(quote).join(' <-> ')})`);
  }
  return assertSearchable(parts).join(mode === 'all' ? ' & ' : ' | ');
}

// ---------------------------------------------------------------------------------------------------
// Highlighting

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

interface Matcher {
  prefixes: string[];
  exact: Set<string>;
  /** The first characters (char codes) of every prefix and exact stem: a word starting otherwise cannot match. */
  initials: Set<number>;
}

function matcherOf(parsed: ParsedQuery): Matcher {
  const prefixes: string[] = [];
  const exact = new Set<string>();
  for (const term of parsed.terms) {
    if (term.prefix) prefixes.push(term.stem, ...term.alternatives);
    else exact.add(term.stem);
  }
  for (const phrase of parsed.phrases) for (const s of phrase) exact.add(s);
  const nonEmpty = prefixes.filter((p) => p.length > 0);
  return { prefixes: nonEmpty, exact, initials: new Set([...nonEmpty, ...exact].map((stem) => stem.charCodeAt(0))) };
}

/** A word of a text being highlighted: `text[start, end)`, `ascii` when all its characters are ASCII. */
export interface SurfaceWord {
  start: number;
  end: number;
  ascii: boolean;
}

/**
 * False when the word cannot match: an ASCII word folds to itself in lower case, and stemming keeps its
 * first letter, so its first letter must begin some stem. Words with other characters are left to the
 * full test (folding may split them). Most words of a snippet fail here without being sliced, hashed or stemmed.
 */
function mayMatch(text: string, word: SurfaceWord, matcher: Matcher): boolean {
  if (!word.ascii) return true;
  const first = text.charCodeAt(word.start);
  return matcher.initials.has(first >= 65 && first <= 90 ? first + 32 : first);
}

/** Stems of surface words as highlighting sees them; bounded, because snippets come from any text. */
const SURFACE_STEMS = new Map<string, string[]>();
const SURFACE_STEMS_MAX = 50_000;

function surfaceStems(word: string): string[] {
  let stems = SURFACE_STEMS.get(word);
  if (stems === undefined) {
    stems = foldWords(word)
      .filter(isIndexable)
      .map((folded) => stemWithAlternatives(folded).stem);
    if (SURFACE_STEMS.size >= SURFACE_STEMS_MAX) SURFACE_STEMS.clear();
    SURFACE_STEMS.set(word, stems);
  }
  return stems;
}

function wordMatches(word: string, matcher: Matcher): boolean {
  return surfaceStems(word).some((s) => matcher.exact.has(s) || matcher.prefixes.some((prefix) => s.startsWith(prefix)));
}

/** Whether a code unit is white space as `\s` and `String.prototype.trim` see it. */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * `text.replace(/\s+/g, ' ').trim()` in one char-code pass that copies only around the runs it changes: the
 * regular expression took a fifth of a snippet's time.
 */
export function collapseWhitespace(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isSpace(text.charCodeAt(i))) continue;
    let j = i + 1;
    while (j < text.length && isSpace(text.charCodeAt(j))) j++;
    if (j - i > 1 || text.charCodeAt(i) !== 32) {
      out += text.slice(copied, i) + ' ';
      copied = j;
    }
    i = j - 1;
  }
  out = copied === 0 ? text : out + text.slice(copied);
  return out.trim();
}

const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
/** Per BMP code unit above ASCII: 0 not yet known, 1 a word character, 2 not one. */
const BMP_WORD_CHARS = new Uint8Array(0x10000);

/**
 * The number of code units of the word character (letter, mark or digit, as `[\p{L}\p{M}\p{N}]` with the
 * `u` flag) at `text[i]`, or 0. A char-code test instead of a Unicode regular expression per word: the
 * snippets of a search page read ~15,000 characters, and the expression was a third of their cost.
 */
function wordCharWidth(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ? 1 : 0;
  if (code >= 0xd800 && code <= 0xdbff) {
    const point = text.codePointAt(i)!;
    return point > 0xffff && WORD_CHAR.test(String.fromCodePoint(point)) ? 2 : 0;
  }
  let known = BMP_WORD_CHARS[code];
  if (known === 0) BMP_WORD_CHARS[code] = known = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
  return known === 1 ? 1 : 0;
}

/** The first word (a run of `[\p{L}\p{M}\p{N}]`, as that expression with the `u` flag finds it) at or after `from`. */
export function wordAt(text: string, from: number): SurfaceWord | undefined {
  let i = from;
  let width = 0;
  while (i < text.length && (width = wordCharWidth(text, i)) === 0) i++;
  if (i >= text.length) return undefined;
  const word = { start: i, end: i, ascii: true };
  do {
    if (text.charCodeAt(i) > 127) word.ascii = false;
    i += width;
  } while (i < text.length && (width = wordCharWidth(text, i)) > 0);
  word.end = i;
  return word;
}

/**
 * An HTML-safe snippet of at most `maxLength` characters of `text` (whitespace collapsed), starting a
 * little before the first matching word, with matching words wrapped in `<mark>…</mark>` and `…` where
 * the text was cut. A word matches when its stem begins with a prefix term's stem (so compounds light
 * up) or equals an exact term or a phrase word (phrase words are marked individually). All text is
 * HTML-escaped; `<mark>` and `</mark>` are the only markup the result can contain.
 */
export function highlight(text: string, parsed: ParsedQuery, maxLength = 240): string {
  const clean = collapseWhitespace(String(text ?? ''));
  const limit = Math.max(1, Math.floor(maxLength));
  const matcher = matcherOf(parsed);
  // Stemming every word of a long text is the costly part (it runs for every hit of every search), so a
  // word is only tested up to the first match and inside the snippet, and each distinct word once.
  const tested = new Map<string, boolean>();
  const isMatch = (word: SurfaceWord): boolean => {
    if (!mayMatch(clean, word, matcher)) return false;
    const surface = clean.slice(word.start, word.end);
    let match = tested.get(surface);
    if (match === undefined) tested.set(surface, (match = wordMatches(surface, matcher)));
    return match;
  };
  // Words are read lazily, up to the end of the snippet: the rest of a long text is never split.
  const words: SurfaceWord[] = [];
  let exhausted = false;
  const nextWord = (): SurfaceWord | undefined => {
    const word = exhausted ? undefined : wordAt(clean, words.length === 0 ? 0 : words[words.length - 1].end);
    if (!word) {
      exhausted = true;
      return undefined;
    }
    words.push(word);
    return word;
  };
  /** Reads words until one starts at or after `position` (or the text ends). */
  const readUntil = (position: number): void => {
    while (!exhausted && (words.length === 0 || words[words.length - 1].start < position)) nextWord();
  };

  let start = 0;
  let first: SurfaceWord | undefined;
  for (let word = nextWord(); word && !first; word = nextWord()) if (isMatch(word)) first = word;
  if (first && clean.length > limit) {
    // Some context before the first hit, but never so much that the hit falls off the end.
    const lead = Math.min(Math.floor(limit / 4), Math.max(0, limit - (first.end - first.start)));
    start = Math.max(0, first.start - lead);
    if (start > 0) {
      const boundary = words.find((word) => word.start >= start);
      start = boundary && boundary.start <= first.start ? boundary.start : first.start;
    }
    // Use the space that remains at the end for more context before the hit.
    if (clean.length - start < limit) start = Math.max(0, clean.length - limit);
  }
  let end = Math.min(clean.length, start + limit);
  readUntil(end);
  if (end < clean.length) {
    // Cut before the word that would be cut (a single word longer than the limit is cut hard).
    const cutWord = words.find((word) => word.start < end && word.end > end);
    if (cutWord && cutWord.start > start) end = cutWord.start;
  }
  // A word cut at `start` (only possible when we moved start to fit the end) is dropped as well.
  const startWord = words.find((word) => word.start < start && word.end > start);
  if (startWord && startWord.end < end) start = startWord.end;
  // No dangling punctuation or space next to an ellipsis (trimmed before escaping, so entities stay whole).
  if (start > 0) while (start < end && /[\s.,;:!?]/.test(clean[start])) start++;
  if (end < clean.length) while (end > start && /[\s,;:]/.test(clean[end - 1])) end--;

  let out = '';
  let cursor = start;
  for (const word of words) {
    if (word.start < start || word.end > end || !isMatch(word)) continue;
    out += escapeHtml(clean.slice(cursor, word.start)) + '<mark>' + escapeHtml(clean.slice(word.start, word.end)) + '</mark>';
    cursor = word.end;
  }
  out += escapeHtml(clean.slice(cursor, end));
  if (start > 0) out = '…' + out;
  if (end < clean.length) out += '…';
  return out;
}
