// Requests to the server-rendered pages, as a browser sends them: `Accept: text/html`, signed in
// with the session cookie (the page's CSRF token in the `csrf` field, or in the query for a
// multipart form) or anonymous. The pages are not in the OpenAPI document, so they are listed here.
import { HOSTILE_QUERY_VALUES, HOSTILE_SEGMENTS, HOSTILE_STRINGS, multipart } from './generator.mjs';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Text that must never reach an HTML answer unescaped: run.mjs fails any page that shows `<fz-x`. */
export const MARKER = /<fz-x/i;
const MARKED = [
  ['marker', '<fz-x>'],
  ['marker closing an attribute', '"><fz-x>'],
  ['marker closing a single-quoted attribute', "'><fz-x>"],
  ['marker closing a textarea', '</textarea><fz-x>'],
  ['marker closing the title', '</title><fz-x>'],
  ['marker in Markdown', '**vet** [link](javascript:alert(1)) <fz-x onclick=alert(1)>'],
  ['marker in a Markdown link', '[<fz-x>](https://example.nl/"><fz-x>)'],
  ['marker with NUL', 'a\u0000<fz-x>'],
];

/** The actions of `/vragen/{id}/{action}` (src/web/question-pages.controller.ts) and their fields. */
const ACTIONS = {
  accept: [],
  decline: ['reason'],
  'clarification-request': ['message'],
  answer: ['body'],
  messages: ['body', 'internal'],
  confirm: ['consent'],
  reopen: ['reason'],
  rating: ['score', 'comment', 'consent'],
  withdraw: ['confirm'],
  refer: ['to', 'reason'],
};
/** The actions of the taskforce: their forms carry the question's version (vraag.njk's versionFields). */
const STAFF_ACTIONS = ['accept', 'decline', 'clarification-request', 'answer', 'refer'];

/** Days as the date fields take them (JJJJ-MM-DD), and ones they must refuse. */
const DAYS = ['2026-01-01', '2026-04-01', '2026-06-30', '2026-10-01', '2026-12-31', '2027-03-31'];
const FUTURE_DAYS = ['2027-01-04', '2027-02-15', '2027-04-27', '2027-05-05', '2027-12-27', '2028-01-03'];
const ODD_DAYS = ['2026-02-30', '2026-13-01', '01-01-2026', '2026-1-1', '20260101', '0000-01-01', '99999-01-01', 'gisteren', '2026-01-01T00:00:00Z', ' '];
const ROLE_VALUES = ['requester', 'expert', 'coordinator', 'secretariat'];
const ODD_ROLES = ['admin', 'Expert', 'secretariaat', '', 'requester,expert', '__proto__'];
const ORGANISATION_CODES = ['GM0363', 'GM0599', 'MIN-IENW', 'PV25', 'WS0155'];
const ODD_ORGANISATION_CODES = ['G', 'gm 0363', 'GM0363!', 'x'.repeat(21), '--', ''];
/** A loaded-at time for a staff form whose page the fuzzer did not see (vraag.njk's hidden `geladen`). */
const SOME_LOADED_AT = '2026-12-01T09:00:00.000Z';

/** Where a page may send people back to after signing in: good ones and ones that must be refused. */
const RETURN_PATHS = ['/vragen', '/kennisbank?q=dijk', '/vragen/nieuw', '//evil.example/', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example', 'javascript:alert(1)', '/vragen/../../etc', '"><fz-x>'];

/** UTF-8 percent-encoding that never throws: a lone surrogate goes as U+FFFD, like a browser sends it. */
export function enc(value) {
  let out = '';
  for (const byte of Buffer.from(String(value), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query string or urlencoded body from [name, value] pairs; a `{ raw }` value is sent as is. */
function encodePairs(pairs) {
  return pairs.map(([name, value]) => `${name.raw ?? enc(name)}=${value && typeof value === 'object' && 'raw' in value ? value.raw : enc(value)}`).join('&');
}

export class PageGenerator {
  /** `actors`: the fuzzer's people with `browsers` (cookie + CSRF token; the first for the pages, the rest for signing out). */
  constructor({ rng, pools, actors }) {
    this.rng = rng;
    this.pools = pools;
    this.actors = actors;
    this.signOuts = Object.fromEntries(Object.entries(actors).map(([role, a]) => [role, a.browsers.slice(1)]));
    this.routes = {
      'GET /': 2,
      'GET /kennisbank': 10,
      'GET /kennisbank/{id}': 6,
      'GET /themas/{id}': 3,
      'GET /keuzes/{nummer}': 3,
      'GET /inloggen': 3,
      'GET /toegankelijkheid': 1,
      'GET /vragen': 4,
      'GET /vragen/nieuw': 3,
      'GET /vragen/{id}': 10,
      'GET /vragen/{id}/ingediend': 3,
      'GET /auth/callback': 3,
      'GET /auth/signed-in': 1,
      'GET /reports/evaluation': 1,
      'POST /auth/sign-in-link': 4,
      'POST /auth/callback': 2,
      'POST /uitloggen': 1.5,
      'POST /vragen/nieuw/vervolg': 6,
      'POST /vragen/nieuw': 8,
      'POST /vragen/{id}/{action}': 22,
      'POST /vragen/{id}/bijlagen': 5,
      'GET /profiel': 3,
      'POST /profiel/afwezigheden': 3,
      'POST /profiel/afwezigheden/{id}/verwijderen': 1,
      'POST /profiel/mail': 2,
      'POST /profiel/tweede-factor': 1,
      'POST /profiel/tweede-factor/bevestigen': 2,
      'POST /profiel/tokens': 2,
      'POST /profiel/tokens/{id}/intrekken': 1,
      'GET /artikelen': 4,
      'GET /artikelen/{id}': 4,
      'GET /artikelen/{id}/bewerken': 3,
      'POST /artikelen/{id}/bewerken': 5,
      'POST /artikelen/{id}/indienen': 1.5,
      'POST /artikelen/uit-vraag': 2,
      // The taskforce: work lists and the staff forms of the question page.
      'GET /werkvoorraad': 3,
      'GET /triage': 3,
      'POST /vragen/{id}/toewijzen': 3,
      'POST /vragen/{id}/prioriteit': 2,
      'POST /vragen/{id}/answer (editor)': 4,
      // Public figures and the printable reports.
      'GET /dashboard': 1.5,
      'GET /dashboard/open-data.csv': 1,
      'GET /reports/quarterly': 1.5,
      // The secretariat's console.
      'GET /secretariaat': 1.5,
      'GET /secretariaat/statistieken': 2.5,
      'GET /api/v1/statistics/export (download link)': 1,
      'GET /secretariaat/artikelen': 1,
      'GET /secretariaat/kennishiaten': 1.5,
      'GET /secretariaat/gebruikers': 1.5,
      'GET /secretariaat/gebruikers/{id}': 1.5,
      'GET /secretariaat/kalender': 1,
      'GET /secretariaat/audit': 2,
      'GET /secretariaat/audit.csv': 1,
      'GET /secretariaat/mails': 1,
      'GET /secretariaat/toegangsverzoeken': 1,
      'GET /secretariaat/aanmelddomeinen': 1,
      'POST /secretariaat/gebruikers': 2.5,
      'POST /secretariaat/gebruikers/{id}': 1,
      'POST /secretariaat/gebruikers/{id}/afwezigheid': 1,
      'POST /secretariaat/gebruikers/{id}/afwezigheid/{absenceId}/verwijderen': 0.5,
      'POST /secretariaat/gebruikers/{id}/{action}': 1,
      'POST /secretariaat/kalender/sluitingsdagen': 1.5,
      'POST /secretariaat/kalender/sluitingsdagen/{day}/verwijderen': 1,
      'POST /secretariaat/kalender/normen/{priority}': 1.5,
      'POST /secretariaat/artikelen/{id}/publiceren': 1,
      'POST /secretariaat/artikelen/{id}/terugsturen': 1,
      'POST /secretariaat/artikelen/{id}/archiveren': 0.5,
      'POST /secretariaat/toegangsverzoeken/{id}/goedkeuren': 1,
      'POST /secretariaat/toegangsverzoeken/{id}/afwijzen': 0.5,
      'POST /secretariaat/aanmelddomeinen': 1,
      'POST /secretariaat/aanmelddomeinen/{domain}/verwijderen': 1,
      'POST /secretariaat/mails/opnieuw': 0.5,
      'POST /secretariaat/kennishiaten/artikel': 1,
    };
  }

  // -- values --

  /** Hostile text: the API fuzzer's strings or one carrying the marker. */
  hostile() {
    const rng = this.rng;
    return rng.chance(0.5) ? rng.pick(MARKED) : rng.pick(HOSTILE_STRINGS);
  }

  /** A form or query value: mostly what a person would type, else hostile; `[label, value]`. */
  field(valid, hostileShare = 0.35) {
    return this.rng.chance(hostileShare) ? this.hostile() : ['valid', valid];
  }

  questionId() {
    const rng = this.rng;
    if (rng.chance(0.05)) return rng.pick(HOSTILE_SEGMENTS)[1];
    const id = (rng.chance(0.3) && this.pools.pick(rng, 'pageQuestion')) || this.pools.pick(rng, 'question') || rng.uuid();
    return rng.chance(0.05) ? rng.uuid() : id;
  }

  /** Mostly a question whose page the taskforce loaded (a form posts what its page showed), else any. */
  staffQuestionId() {
    const loaded = this.rng.chance(0.7) ? (this.pools.kinds.get('questionVersion')?.list ?? []) : [];
    return loaded.length ? this.rng.pick(loaded).owner : this.questionId();
  }

  role() {
    return this.rng.weighted({ anonymous: 15, requester: 40, otherRequester: 8, expert: 20, coordinator: 10, secretariat: 7 });
  }

  /** Mostly the role a route is for, else any role, so the 401 and 403 answers are asked for too. */
  roleFor(allowed, share = 0.75) {
    return this.rng.chance(share) ? allowed : this.role();
  }

  /**
   * A field as `[name, value, label]`: mostly one of `valid` (what the form offers or a person
   * types), sometimes one of `odd` (what it must refuse) or hostile text.
   */
  opt(name, valid, odd, oddShare = 0.2) {
    const rng = this.rng;
    if (!rng.chance(oddShare)) return [name, rng.pick(valid), 'valid'];
    if (!odd.length || rng.chance(0.3)) {
      const [label, value] = this.hostile();
      return [name, value, label];
    }
    const value = rng.pick(odd);
    return [name, value, JSON.stringify(value).slice(0, 40)];
  }

  /** A real id of the first of `kinds` that has one (else a made-up one), or a hostile segment; `[segment, label]`. */
  idOf(kinds, hostileShare = 0.08) {
    const rng = this.rng;
    if (rng.chance(hostileShare)) {
      const [label, segment] = rng.pick(HOSTILE_SEGMENTS);
      return [segment, label];
    }
    for (const kind of kinds) {
      const value = rng.chance(0.9) ? this.pools.pick(rng, kind) : undefined;
      if (value !== undefined) return [String(value), 'valid'];
    }
    return [rng.uuid(), 'unknown id'];
  }

  /**
   * The hidden fields of a staff form on the question page (vraag.njk's `versionFields`): the
   * version the page showed and when it was loaded, as harvested from the staff's own page views;
   * sometimes stale (a 409 with what changed since), missing or garbage.
   */
  versionFields(questionId) {
    const rng = this.rng;
    const seen = this.pools.latest('questionVersion', questionId);
    const version = seen?.version ?? rng.int(1, 6);
    const loadedAt = seen?.loadedAt ?? SOME_LOADED_AT;
    const mode = rng.weighted({ loaded: 70, stale: 10, missing: 7, garbage: 13 });
    if (mode === 'missing') return [];
    if (mode === 'stale') return [['version', String(Math.max(0, version - rng.int(1, 3))), 'stale version'], ['geladen', new Date(Date.parse(loadedAt) - 3_600_000).toISOString(), 'stale']];
    if (mode === 'garbage') {
      return [
        ['version', rng.pick(['', 'x', '-1', '1.5', '1e3', '9999999999', '0x1', '<fz-x>', String(version + 50)]), 'garbage version'],
        ['geladen', rng.pick([loadedAt, '', 'gisteren', '2026-02-30T25:00:00Z', '0', '"><fz-x>']), 'garbage'],
      ];
    }
    return [['version', String(version), seen ? 'valid' : 'guessed version'], ['geladen', loadedAt, 'valid']];
  }

  /** A form post to a path with a made-up or hostile segment: that label first in the note. */
  postTo(page, role, path, fields, pathLabel = 'valid') {
    const request = this.post(page, role, path, fields);
    request.note = [pathLabel === 'valid' ? '' : pathLabel, request.note].filter(Boolean).join(', ');
    return request;
  }

  // -- building --

  /** The request shell; signed in with the role's browser session (unless anonymous). */
  request(page, role, method, path, note = '', session = role === 'anonymous' ? undefined : this.actors[role].browsers[0]) {
    const headers = { accept: this.rng.chance(0.9) ? BROWSER_ACCEPT : 'text/html' };
    if (session) headers.cookie = session.cookie;
    return { page, role, variant: 'page', method, path, headers, note, session };
  }

  /** A query string with odd spellings: repeated names, `name[]`, `name[a]`, raw bytes. */
  query(pairs) {
    const rng = this.rng;
    const out = [...pairs];
    const notes = [];
    if (out.length && rng.chance(0.25)) {
      const i = rng.int(0, out.length - 1);
      const [name] = out[i];
      const [label, raw] = rng.pick(HOSTILE_QUERY_VALUES);
      out[i] = [name, { raw }];
      notes.push(`?${name}: ${label}`);
    }
    if (out.length && rng.chance(0.1)) {
      const [name, value] = rng.pick(out);
      const odd = rng.pick(['repeated', 'brackets', 'key', 'proto']);
      if (odd === 'repeated') out.push([name, value]);
      if (odd === 'brackets') out.push([{ raw: `${name}[]` }, 'x']);
      if (odd === 'key') out.push([{ raw: `${name}[a]` }, 'x']);
      if (odd === 'proto') out.push([{ raw: `__proto__[${name}]` }, 'x']);
      notes.push(`?${name} ${odd}`);
    }
    return { query: out.length ? `?${encodePairs(out)}` : '', note: notes.join(', ') };
  }

  /** A GET with `[name, value]` pairs (or `opt()`'s `[name, value, label]`, whose odd labels go in the note). */
  get(page, role, base, pairs = [], note = '') {
    const given = pairs.filter(([, v]) => v !== undefined);
    const labels = given.filter(([, , label]) => label && label !== 'valid').map(([name, , label]) => `${name}: ${label}`);
    const { query, note: queryNote } = this.query(given.map(([name, value]) => [name, value]));
    return this.request(page, role, 'GET', base + query, [note, ...labels, queryNote].filter(Boolean).join(', '));
  }

  /**
   * A form post: urlencoded with the CSRF token in `csrf`, or multipart (`parts`) with it in the
   * query. Sometimes the token is missing or wrong, or the body is odd: duplicate and nested
   * fields, another content type, bytes that are not UTF-8, more than the body limit.
   */
  post(page, role, path, fields, { parts, session } = {}) {
    const rng = this.rng;
    const request = this.request(page, role, 'POST', path, '', session);
    const notes = fields.filter(([, , label]) => label && label !== 'valid').map(([name, , label]) => `${name}: ${label}`);
    const csrfMode = rng.weighted({ field: 85, missing: 5, wrong: 4, header: 3, twice: 3 });
    const csrf = request.session?.csrf;
    if (csrfMode !== 'field') notes.push(`csrf ${csrfMode}`);
    const token = csrfMode === 'wrong' ? 'fz-wrong-token' : csrf;
    if (csrfMode === 'header' && csrf) request.headers['x-csrf-token'] = csrf;
    let pairs = fields.map(([name, value]) => [name, value]);
    const odd = rng.weighted({ none: 75, duplicate: 5, nested: 5, arrays: 5, rawBytes: 4, contentType: 4, huge: 0.3, empty: 2 });
    if (odd !== 'none') notes.push(`body ${odd}`);
    if (odd === 'duplicate' && pairs.length) pairs.push([rng.pick(pairs)[0], 'tweede waarde']);
    if (odd === 'nested' && pairs.length) pairs = pairs.map(([name, value], i) => (i === 0 ? [{ raw: `${name}[b]` }, value] : [name, value]));
    if (odd === 'arrays' && pairs.length) pairs = pairs.flatMap(([name, value]) => [[{ raw: `${name}[]` }, value], [{ raw: `${name}[]` }, 'nog een']]);
    if (odd === 'rawBytes' && pairs.length) pairs[0] = [pairs[0][0], { raw: rng.pick(['%ED%A0%80', '%C0%AF', '%', '%FF%FE', '%00']) }];
    if (odd === 'huge') pairs.push(['groot', 'y'.repeat(1_100_000)]);
    if (parts) {
      const boundary = `fzpage${rng.int(100000, 999999)}`;
      const fieldParts = pairs.map(([name, value]) => ({ name: name.raw ?? name, data: value && typeof value === 'object' && 'raw' in value ? Buffer.from(decodeURIComponentLoose(value.raw), 'latin1') : value }));
      if (odd === 'rawBytes') fieldParts.push({ name: 'title', data: Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf]) });
      if (csrfMode === 'twice' && token) request.path += `${request.path.includes('?') ? '&' : '?'}csrf=${enc(token)}&csrf=x`;
      else if (token && csrfMode !== 'missing' && csrfMode !== 'header') request.path += `${request.path.includes('?') ? '&' : '?'}csrf=${enc(token)}`;
      const allParts = odd === 'empty' ? [] : [...fieldParts, ...parts];
      request.headers['content-type'] = odd === 'contentType' ? rng.pick(['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain']) : `multipart/form-data; boundary=${boundary}`;
      request.body = multipart(boundary, allParts);
    } else {
      if (token && csrfMode !== 'missing' && csrfMode !== 'header') pairs.unshift(['csrf', token]);
      if (csrfMode === 'twice' && token) pairs.push(['csrf', 'x']);
      if (odd === 'empty') pairs = [];
      if (odd === 'contentType') {
        const [label, type, body] = rng.pick([
          ['JSON', 'application/json', JSON.stringify(Object.fromEntries(pairs.map(([n, v]) => [n.raw ?? n, typeof v === 'object' ? v.raw : v])))],
          ['text/plain', 'text/plain', encodePairs(pairs)],
          ['none', undefined, encodePairs(pairs)],
          ['multipart without boundary', 'multipart/form-data', encodePairs(pairs)],
        ]);
        if (type) request.headers['content-type'] = type;
        request.body = body;
        notes.push(label);
      } else {
        request.headers['content-type'] = 'application/x-www-form-urlencoded';
        request.body = encodePairs(pairs);
      }
    }
    request.note = notes.join(', ');
    return request;
  }

  /** Files as a browser would send them, and odd ones. */
  files(name) {
    const rng = this.rng;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const file = (extra = {}) => ({ name, filename: 'plan.pdf', contentType: 'application/pdf', data: pdf, ...extra });
    return rng.pick([
      ['no file', []],
      ['a PDF', [file()]],
      ['a PDF', [file()]],
      ['an empty file (no file chosen)', [file({ filename: '', contentType: 'application/octet-stream', data: Buffer.alloc(0) })]],
      ['two PDFs', [file(), file({ filename: 'b.pdf' })]],
      ['six files', Array.from({ length: 6 }, (_, i) => file({ filename: `${i}.pdf` }))],
      ['HTML as PDF', [file({ data: '<html><fz-x></html>' })]],
      ['marker in the file name', [file({ filename: '"><fz-x>.pdf' })]],
      ['executable', [file({ filename: 'setup.exe', contentType: 'application/x-msdownload', data: Buffer.from('MZ\x90\x00') })]],
      ['traversal file name', [file({ filename: '../../etc/passwd.pdf' })]],
      ['invalid UTF-8 file name', [file({ filename: Buffer.from([0xed, 0xa0, 0x80, 0x2e, 0x70, 0x64, 0x66]) })]],
      ['NUL in the file name', [file({ filename: 'a\u0000b.pdf' })]],
      ['file as a text field', [{ name, data: 'geen bestand' }]],
    ]);
  }

  // -- the routes --

  /** The next page request. */
  next() {
    const rng = this.rng;
    const route = rng.weighted(this.routes);
    let role = this.role();
    const [method] = route.split(' ');
    const id = () => this.questionId();
    const text = (valid) => this.field(valid);
    switch (route) {
      case 'GET /':
        return this.get(route, role, '/');
      case 'GET /kennisbank': {
        const [ql, q] = text(rng.pick(['bouwen uiterwaarden', 'dijk', 'peilbeheer grondwater', '', 'x']));
        const pairs = [['q', q]];
        if (rng.chance(0.3)) pairs.push(['themeId', String(rng.int(0, 9))]);
        if (rng.chance(0.3)) pairs.push(['keuzeId', String(rng.int(0, 34))]);
        if (rng.chance(0.3)) pairs.push(['pagina', rng.pick(['1', '2', '0', '-1', '99999', 'abc', '1.5'])]);
        return this.get(route, role, '/kennisbank', pairs, ql === 'valid' ? '' : `q: ${ql}`);
      }
      case 'GET /kennisbank/{id}': {
        const search = rng.chance(0.3) ? this.pools.pick(rng, 'searchPair') : undefined;
        const suggestion = !search && rng.chance(0.3) ? this.pools.pick(rng, 'suggestionPair') : undefined;
        const article = search?.articleId ?? suggestion?.articleId ?? this.pools.pick(rng, 'article') ?? rng.uuid();
        const segment = rng.chance(0.1) ? rng.pick(HOSTILE_SEGMENTS)[1] : article;
        const pairs = [];
        if (search || rng.chance(0.1)) pairs.push(['zoekopdracht', search?.id ?? rng.pick(['x', rng.uuid(), '<fz-x>'])]);
        if (suggestion || rng.chance(0.1)) pairs.push(['suggestie', suggestion?.id ?? rng.pick(['x', rng.uuid(), '<fz-x>'])]);
        return this.get(route, role, `/kennisbank/${segment}`, pairs);
      }
      case 'GET /themas/{id}':
      case 'GET /keuzes/{nummer}': {
        const valid = String(route.includes('themas') ? rng.int(1, 8) : rng.int(1, 33));
        const [label, segment] = rng.chance(0.3) ? rng.pick(HOSTILE_SEGMENTS) : ['valid', valid];
        return this.get(route, role, `/${route.includes('themas') ? 'themas' : 'keuzes'}/${segment}`, [], label === 'valid' ? '' : label);
      }
      case 'GET /inloggen':
        return this.get(route, role, '/inloggen', [['next', rng.pick(RETURN_PATHS)], ...(rng.chance(0.2) ? [['uitgelogd', '']] : [])]);
      case 'GET /toegankelijkheid':
        return this.get(route, role, '/toegankelijkheid');
      case 'GET /vragen':
        return this.get(route, role, '/vragen', rng.chance(0.5) ? [['pagina', rng.pick(['1', '2', '0', '-3', '1e3', 'abc', '99999999999', ''])]] : []);
      case 'GET /vragen/nieuw': {
        const [label, q] = text('Bouwen in de uiterwaarden');
        return this.get(route, role, '/vragen/nieuw', rng.chance(0.7) ? [['q', q]] : [], label === 'valid' ? '' : `q: ${label}`);
      }
      case 'GET /vragen/{id}':
        return this.get(route, role, `/vragen/${id()}`, rng.chance(0.3) ? [['gelukt', rng.pick([...Object.keys(ACTIONS), 'bijlagen', 'x', '<fz-x>'])]] : []);
      case 'GET /vragen/{id}/ingediend':
        return this.get(route, role, `/vragen/${id()}/ingediend`, rng.chance(0.3) ? [['bijlagen', rng.pick(['onvolledig', 'x'])]] : []);
      case 'GET /auth/callback': {
        const token = rng.chance(0.6) ? this.pools.pick(rng, 'signInToken') : rng.pick(['vbl_junk', '', 'x'.repeat(300), '<fz-x>']);
        return this.get(route, 'anonymous', '/auth/callback', [['token', token ?? 'vbl_none'], ['next', rng.pick(RETURN_PATHS)]]);
      }
      case 'GET /auth/signed-in':
        return this.get(route, role, '/auth/signed-in');
      case 'GET /reports/evaluation':
        return this.get(route, rng.chance(0.6) ? 'secretariat' : role, '/reports/evaluation', rng.chance(0.5) ? [['from', rng.pick(['2026-01-01', '2026-02-30', 'x'])], ['to', rng.pick(['2026-12-31', '0000-01-01', '<fz-x>'])]] : []);
      case 'POST /auth/sign-in-link': {
        const [label, email] = text(rng.pick([this.actors.requester.email, 'iemand@onbekend.example', `fz${rng.int(1, 50)}@gemeente.example.nl`]));
        return this.post(route, rng.chance(0.8) ? 'anonymous' : role, '/auth/sign-in-link', [['email', email, label], ['returnTo', rng.pick(RETURN_PATHS)]]);
      }
      case 'POST /auth/callback': {
        // Mostly a link's page as a browser opened it (its login cookie and form field), so the sign-in is tried.
        const opened = rng.chance(0.7) ? this.pools.pick(rng, 'signInPage') : undefined;
        const token = opened?.token ?? this.pools.pick(rng, 'signInToken') ?? 'vbl_none';
        const login = opened && rng.chance(0.9) ? opened.nonce : rng.pick(['', 'x', '<fz-x>']);
        const request = this.post(route, 'anonymous', '/auth/callback', [['token', token], ['login', login], ['next', rng.pick(RETURN_PATHS)], ['code', rng.pick(['', '', '123456', '<fz-x>'])]]);
        if (opened) request.headers.cookie = `vraagbaak_login=${opened.nonce}`;
        return request;
      }
      case 'POST /uitloggen': {
        // Signing out ends the session: it spends one of the role's spare browser sessions.
        if (role === 'anonymous') role = 'requester';
        const spare = this.signOuts[role].shift();
        return this.post(route, spare ? role : 'anonymous', '/uitloggen', [], spare ? { session: spare } : {});
      }
      case 'POST /vragen/nieuw/vervolg': {
        const [tl, title] = text('Bouwen in de uiterwaarden');
        const [bl, body] = text('Mogen wij woningen bouwen in de uiterwaarden van de IJssel?');
        return this.post(route, rng.chance(0.8) ? 'requester' : role, '/vragen/nieuw/vervolg', [['title', title, tl], ['body', body, bl]]);
      }
      case 'POST /vragen/nieuw': {
        const [tl, title] = text('Bouwen in de uiterwaarden');
        const [bl, body] = text('Mogen wij woningen bouwen in de uiterwaarden van de IJssel?');
        const fields = [['title', title, tl], ['body', body, bl]];
        const keuzes = rng.chance(0.7) ? rng.some(['21', '22', '25', '3', '10'], 1, 3) : rng.some(['21', '0', '99', '', 'x', '<fz-x>', '1.5'], 0, 3);
        for (const keuze of keuzes) fields.push(['keuzeIds', keuze, /^(21|22|25|3)$/.test(keuze) ? 'valid' : `keuze ${keuze}`]);
        if (rng.chance(0.4)) fields.push(['desiredAnswerDate', rng.pick(['2027-03-01', '2026-02-30', '', 'morgen', '<fz-x>']), 'date']);
        if (rng.chance(0.4)) {
          const [cl, context] = text('Zutphen');
          fields.push(['context', context, cl]);
        }
        if (rng.chance(0.3)) fields.push(['suggestionId', this.pools.pick(rng, 'suggestion') ?? rng.pick(['x', rng.uuid()]), 'suggestion']);
        const [fileLabel, parts] = this.files('bijlagen');
        const request = this.post(route, rng.chance(0.85) ? 'requester' : role, '/vragen/nieuw', fields, { parts });
        request.note = [request.note, fileLabel].filter(Boolean).join(', ');
        return request;
      }
      case 'GET /profiel':
        return this.get(route, role, '/profiel', rng.chance(0.3) ? [['gelukt', rng.pick(['afwezigheid', 'mail', 'token-ingetrokken', 'x', '<fz-x>'])]] : []);
      case 'POST /profiel/afwezigheden': {
        const day = () => rng.pick(['2027-03-01', '2027-03-05', '2026-02-30', '2020-01-01', '', 'morgen', '<fz-x>', '20270301']);
        const [nl, note] = text('Vakantie');
        return this.post(route, rng.chance(0.7) ? 'expert' : role, '/profiel/afwezigheden', [['startsOn', day(), 'date'], ['endsOn', day(), 'date'], ['note', note, nl]]);
      }
      case 'POST /profiel/afwezigheden/{id}/verwijderen':
      case 'POST /profiel/tokens/{id}/intrekken': {
        const [label, segment] = rng.chance(0.3) ? rng.pick(HOSTILE_SEGMENTS) : ['valid', rng.uuid()];
        const base = route.includes('tokens') ? 'tokens' : 'afwezigheden';
        const action = route.includes('tokens') ? 'intrekken' : 'verwijderen';
        const request = this.post(route, rng.chance(0.6) ? 'expert' : role, `/profiel/${base}/${segment}/${action}`, []);
        request.note = [label === 'valid' ? '' : label, request.note].filter(Boolean).join(', ');
        return request;
      }
      case 'POST /profiel/mail':
        return this.post(route, rng.chance(0.6) ? 'expert' : role, '/profiel/mail', [['mailPreference', rng.pick(['immediate', 'daily', 'weekly', '', '<fz-x>']), 'preference']]);
      case 'POST /profiel/tweede-factor':
        return this.post(route, role, '/profiel/tweede-factor', []);
      case 'POST /profiel/tweede-factor/bevestigen':
        return this.post(route, role, '/profiel/tweede-factor/bevestigen', [['code', rng.pick(['123456', '000000', '12345', '', 'abcdef', '<fz-x>']), 'code']]);
      case 'POST /profiel/tokens': {
        const [nl, name] = text('Koppeling zaaksysteem');
        return this.post(route, role, '/profiel/tokens', [['name', name, nl], ['expiresOn', rng.pick(['2027-06-30', '', '2020-01-01', '2026-02-30', 'nooit', '<fz-x>']), 'date']]);
      }
      case 'GET /artikelen': {
        const [ql, q] = text(rng.pick(['dijk', 'peilbeheer', '', 'x']));
        const pairs = [['q', q]];
        if (rng.chance(0.6)) pairs.push(['status', rng.pick(['concept', 'ter-beoordeling', 'gepubliceerd', 'gearchiveerd', '', 'draft', '<fz-x>'])]);
        if (rng.chance(0.3)) pairs.push(['pagina', rng.pick(['1', '2', '0', 'abc', '99999'])]);
        return this.get(route, rng.chance(0.7) ? 'expert' : role, '/artikelen', pairs, ql === 'valid' ? '' : `q: ${ql}`);
      }
      case 'GET /artikelen/{id}':
      case 'GET /artikelen/{id}/bewerken': {
        const article = this.pools.pick(rng, 'article') ?? rng.uuid();
        const [label, segment] = rng.chance(0.1) ? rng.pick(HOSTILE_SEGMENTS) : ['valid', article];
        const edit = route.endsWith('bewerken');
        const pairs = !edit && rng.chance(0.4) ? [['van', rng.pick(['1', '2', '0', 'x', '<fz-x>'])], ['naar', rng.pick(['2', '3', '99', ''])]] : [];
        return this.get(route, rng.chance(0.7) ? 'expert' : role, `/artikelen/${segment}${edit ? '/bewerken' : ''}`, pairs, label === 'valid' ? '' : label);
      }
      case 'POST /artikelen/{id}/bewerken': {
        const article = this.pools.pick(rng, 'article') ?? rng.uuid();
        const [tl, title] = text('Bouwen in de uiterwaarden');
        const [ql, question] = text('Mag dat?');
        const [al, answer] = text('Ja, **onder voorwaarden**.');
        const fields = [['version', rng.pick(['1', '2', '', 'x', '0']), 'version'], ['title', title, tl], ['question', question, ql], ['answer', answer, al]];
        for (const keuze of rng.some(['21', '25', '0', '99', 'x', '<fz-x>'], 0, 2)) fields.push(['keuzeIds', keuze, 'keuze']);
        if (rng.chance(0.3)) fields.push(['relatedArticleIds', this.pools.pick(rng, 'article') ?? rng.pick(['x', rng.uuid(), '<fz-x>']), 'related']);
        if (rng.chance(0.3)) fields.push(['addRelated', rng.pick([`/kennisbank/${this.pools.pick(rng, 'article') ?? rng.uuid()}`, 'geen link', '<fz-x>']), 'related']);
        return this.post(route, rng.chance(0.7) ? 'expert' : role, `/artikelen/${article}/bewerken`, fields);
      }
      case 'POST /artikelen/{id}/indienen':
        return this.post(route, rng.chance(0.7) ? 'expert' : role, `/artikelen/${this.pools.pick(rng, 'article') ?? rng.uuid()}/indienen`, []);
      case 'POST /artikelen/uit-vraag':
        return this.post(route, rng.chance(0.7) ? 'expert' : role, '/artikelen/uit-vraag', [['questionId', rng.chance(0.8) ? id() : rng.pick(['x', '<fz-x>', ''])]]);
      case 'POST /vragen/{id}/bijlagen': {
        const [fileLabel, parts] = this.files('file');
        const request = this.post(route, role, `/vragen/${id()}/bijlagen`, [], { parts });
        request.note = [request.note, fileLabel].filter(Boolean).join(', ');
        return request;
      }
      // ---- the taskforce ----
      case 'GET /werkvoorraad':
      case 'GET /triage': {
        const triage = route === 'GET /triage';
        const pairs = [];
        const groups = triage ? ['niet-te-routeren', 'overdracht', 'niet-geaccepteerd', 'termijn'] : ['nieuw', 'in-behandeling', 'wacht', 'beantwoord'];
        if (rng.chance(0.5)) pairs.push(this.opt(triage ? 'reden' : 'groep', ['', ...groups], ['alles', 'NIEUW', 'unroutable', 'in_progress', triage ? 'nieuw' : 'termijn']));
        if (rng.chance(0.4)) pairs.push(this.opt('prioriteit', ['', 'normaal', 'spoed'], ['urgent', 'normal', 'SPOED', 'x']));
        if (rng.chance(0.3)) pairs.push(this.opt('keuze', ['', String(rng.int(1, 33)), '21', '25'], ['0', '34', '9999', '99999', '-1', '1.5', '1e3', 'abc', ' 21']));
        if (rng.chance(0.5)) pairs.push(this.opt('sorteer', ['termijn', 'oudste', 'nieuwste', 'prioriteit', ''], ['deadline', 'TERMIJN', 'x', 'constructor']));
        return this.get(route, this.roleFor(triage ? 'coordinator' : 'expert'), triage ? '/triage' : '/werkvoorraad', pairs);
      }
      case 'POST /vragen/{id}/toewijzen': {
        const question = this.staffQuestionId();
        const expert = rng.chance(0.7) ? this.actors.expert.id : rng.chance(0.5) ? (this.pools.pick(rng, 'user') ?? rng.uuid()) : rng.uuid();
        const fields = [this.opt('expertId', [expert], ['', 'x', expert.toUpperCase(), `${expert}x`, this.actors.requester.id, '00000000-0000-0000-0000-000000000000']), ...this.versionFields(question)];
        return this.post(route, this.roleFor('coordinator'), `/vragen/${question}/toewijzen`, fields);
      }
      case 'POST /vragen/{id}/prioriteit': {
        const question = this.staffQuestionId();
        const fields = [this.opt('priority', ['normal', 'urgent'], ['', 'spoed', 'normaal', 'URGENT', 'high']), ...this.versionFields(question)];
        return this.post(route, this.roleFor('coordinator'), `/vragen/${question}/prioriteit`, fields);
      }
      case 'POST /vragen/{id}/answer (editor)': {
        // The answer editor's buttons that show the form again: preview, both searches, inserting a
        // link to an article or an earlier answer; the assignee presses them.
        const question = this.staffQuestionId();
        const [bl, body] = text(rng.pick(['Ja, **onder voorwaarden**: zie keuze 21.', '', 'Zie [dit artikel](/kennisbank/' + (this.pools.pick(rng, 'article') ?? rng.uuid()) + ').']));
        const fields = [['body', body, bl]];
        const step = rng.weighted({ voorbeeld: 4, artikelen: 3, eerder: 3, invoegen: 2, overnemen: 2 });
        if (['voorbeeld', 'artikelen', 'eerder'].includes(step)) fields.push(this.opt('stap', [step], ['', 'versturen ', 'VOORBEELD'], 0.1));
        if (step === 'artikelen' || step === 'invoegen' || rng.chance(0.3)) fields.push(this.opt('artikelzoek', ['bouwen uiterwaarden', 'dijk', 'rivier', ''], ['x'.repeat(300)], 0.3));
        if (step === 'eerder' || step === 'overnemen' || rng.chance(0.3)) fields.push(this.opt('eerderzoek', ['uiterwaarden', 'bouwen', ''], ['x'.repeat(300)], 0.3));
        if (step === 'invoegen') fields.push(this.opt('invoegen', [this.pools.pick(rng, 'article') ?? rng.uuid()], ['x', rng.uuid(), '../../etc', '00000000-0000-0000-0000-00000000000g'], 0.3));
        if (step === 'overnemen') fields.push(this.opt('overnemen', [this.pools.pick(rng, 'question') ?? rng.uuid()], ['x', rng.uuid(), question], 0.3));
        fields.push(...this.versionFields(question));
        return this.post(route, this.roleFor('expert', 0.8), `/vragen/${question}/answer`, fields);
      }

      // ---- public figures and reports ----
      case 'GET /dashboard':
        return this.get(route, role, '/dashboard');
      case 'GET /dashboard/open-data.csv':
        return this.get(route, role, '/dashboard/open-data.csv');
      case 'GET /reports/quarterly': {
        const pairs = [];
        if (rng.chance(0.8)) pairs.push(this.opt('year', ['2025', '2026', '2027', String(rng.int(2000, 2100))], ['1999', '2101', '0', '-1', '2026.5', 'abc', '', '1e3', '02026'], 0.3));
        if (rng.chance(0.8)) pairs.push(this.opt('quarter', ['1', '2', '3', '4'], ['0', '5', '-1', '1.5', 'Q1', '', 'vier', '01'], 0.3));
        return this.get(route, this.roleFor('secretariat'), '/reports/quarterly', pairs);
      }

      // ---- the secretariat's pages ----
      case 'GET /secretariaat':
        return this.get(route, this.roleFor('secretariat'), '/secretariaat');
      case 'GET /secretariaat/statistieken':
      case 'GET /api/v1/statistics/export (download link)': {
        // The explorer's filters; the download links carry the same query string to the API's export.
        const download = route.startsWith('GET /api/');
        const pairs = [];
        if (rng.chance(0.7)) pairs.push(this.opt('from', DAYS, ODD_DAYS));
        if (rng.chance(0.7)) pairs.push(this.opt('to', DAYS, ODD_DAYS));
        if (rng.chance(0.25)) pairs.push(this.opt('keuzeId', ['', '1', '21', '33'], ['0', '34', '1.5', 'abc', '-1']));
        if (rng.chance(0.25)) pairs.push(this.opt('themeId', ['', '1', '4', '8'], ['0', '9', '1e1', 'x']));
        if (rng.chance(0.2)) pairs.push(this.opt('organisationType', ['', 'municipality', 'province', 'water_board', 'central_government', 'other'], ['gemeente', 'Municipality', 'x']));
        if (rng.chance(0.2)) pairs.push(this.opt('provinceCode', ['', 'PV20', 'PV25', 'PV31'], ['PV19', 'PV32', 'pv25', 'NH', 'PV2']));
        if (download || rng.chance(0.7)) pairs.push(this.opt('by', ['theme', 'keuze', 'organisationType', 'province', 'month', 'quarter', 'expert'], ['', 'thema', 'Theme', 'week']));
        if (download) pairs.push(this.opt('format', ['csv', 'json'], ['', 'xml', 'CSV']));
        return this.get(route, this.roleFor('secretariat'), download ? '/api/v1/statistics/export' : '/secretariaat/statistieken', pairs);
      }
      case 'GET /secretariaat/artikelen':
      case 'GET /secretariaat/kalender':
      case 'GET /secretariaat/toegangsverzoeken':
      case 'GET /secretariaat/aanmelddomeinen': {
        const done = { artikelen: ['gepubliceerd', 'teruggestuurd', 'gearchiveerd'], kalender: ['gesloten', 'geopend', 'norm'], toegangsverzoeken: ['goedgekeurd', 'afgewezen'], aanmelddomeinen: ['toegevoegd', 'verwijderd'] }[route.split('/')[2]];
        return this.get(route, this.roleFor('secretariat'), route.split(' ')[1], rng.chance(0.3) ? [this.opt('gelukt', done, ['x', 'constructor'])] : []);
      }
      case 'GET /secretariaat/kennishiaten': {
        const pairs = [];
        if (rng.chance(0.4)) pairs.push(this.opt('from', DAYS, ODD_DAYS));
        if (rng.chance(0.4)) pairs.push(this.opt('to', DAYS, ODD_DAYS));
        if (rng.chance(0.3)) pairs.push(this.opt('themeId', ['', '1', '5', '8'], ['0', '9', 'x', '1.5']));
        return this.get(route, this.roleFor('secretariat'), '/secretariaat/kennishiaten', pairs);
      }
      case 'GET /secretariaat/gebruikers': {
        const pairs = [];
        if (rng.chance(0.5)) {
          const [ql, q] = text(rng.pick(['Fuzz', 'expert', 'ienw.example.nl', 'collega', '']));
          pairs.push(['q', q, ql]);
        }
        if (rng.chance(0.4)) pairs.push(this.opt('rol', ['', ...ROLE_VALUES], ODD_ROLES));
        if (rng.chance(0.2)) pairs.push(this.opt('gelukt', ['uitgenodigd', 'gedeactiveerd', 'geactiveerd', 'tweede-factor'], ['x']));
        return this.get(route, this.roleFor('secretariat'), '/secretariaat/gebruikers', pairs);
      }
      case 'GET /secretariaat/gebruikers/{id}': {
        const own = rng.chance(0.3) ? this.actors[rng.pick(['requester', 'expert', 'coordinator', 'secretariat'])].id : undefined;
        const [segment, label] = own ? [own, 'valid'] : this.idOf(['pageUser', 'user']);
        const pairs = rng.chance(0.2) ? [this.opt('gelukt', ['opgeslagen', 'afwezig', 'verwijderd'], ['x'])] : [];
        return this.get(route, this.roleFor('secretariat'), `/secretariaat/gebruikers/${segment}`, pairs, label === 'valid' ? '' : label);
      }
      case 'GET /secretariaat/audit':
      case 'GET /secretariaat/audit.csv': {
        // The CSV is the page's filters as a download: mostly narrowed, as people use it.
        const pairs = [];
        const csv = route.endsWith('.csv');
        if (rng.chance(csv ? 0.6 : 0.4)) pairs.push(this.opt('action', ['auth.', 'question.', 'knowledge.article', 'user.', 'sla.', 'a'], ['x'.repeat(300), '%', '_']));
        if (rng.chance(0.25)) pairs.push(this.opt('objectType', ['user', 'question', 'article', 'session', ''], ['x'.repeat(300), 'User']));
        if (rng.chance(0.2)) pairs.push(this.opt('objectId', [this.pools.pick(rng, 'question') ?? rng.uuid(), this.actors.expert.id, ''], ['x', 'x'.repeat(300)]));
        if (rng.chance(csv ? 0.5 : 0.3)) pairs.push(this.opt('actor', ['Fuzz', 'secretariaat', 'fuzz-expert@ienw.example.nl', this.actors.secretariat.id, this.actors.expert.id.toUpperCase(), 'onbekende naam'], ['a'.repeat(255), '%', '_', '\\']));
        if (rng.chance(0.3)) pairs.push(this.opt('result', ['', 'success', 'failure', 'denied'], ['gelukt', 'ok', 'SUCCESS']));
        if (rng.chance(0.3)) pairs.push(this.opt('from', DAYS, ODD_DAYS));
        if (rng.chance(0.3)) pairs.push(this.opt('to', [...DAYS, '2027-12-31'], ODD_DAYS));
        return this.get(route, this.roleFor('secretariat'), csv ? '/secretariaat/audit.csv' : '/secretariaat/audit', pairs);
      }
      case 'GET /secretariaat/mails':
        return this.get(route, this.roleFor('secretariat'), '/secretariaat/mails', rng.chance(0.3) ? [this.opt('opnieuw', ['0', '1', '3'], ['x', '9999999', '-1', '1.5'])] : []);

      // ---- the secretariat's forms ----
      case 'POST /secretariaat/gebruikers': {
        const [el, email] = text(rng.chance(0.8) ? `fz-nieuw${rng.int(1, 300)}@ienw.example.nl` : rng.pick([this.actors.expert.email, 'geen-adres', 'a@b']));
        const [nl, name] = text(rng.pick(['Jan de Vries', 'Fatima el Amrani', 'X']));
        const fields = [['email', email, el], ['displayName', name, nl]];
        for (const r of rng.chance(0.85) ? rng.some(ROLE_VALUES, 1, 2) : rng.some([...ROLE_VALUES, ...ODD_ROLES], 0, 2)) fields.push(['roles', r, ROLE_VALUES.includes(r) ? 'valid' : 'role']);
        if (rng.chance(0.5)) fields.push(this.opt('organisationCode', ORGANISATION_CODES, ODD_ORGANISATION_CODES));
        for (const k of rng.some(['5', '21', '33'], 0, 2)) fields.push(this.opt('keuzeIds', [k], ['0', '34', 'x', '1.5'], 0.1));
        for (const t of rng.some(['1', '4', '8'], 0, 1)) fields.push(this.opt('themeIds', [t], ['0', '9', 'x'], 0.1));
        if (rng.chance(0.6)) fields.push(this.opt('capacity', ['', '0', '5', '10000'], ['-1', '10001', '1.5', 'veel', '1e3', ' 5 ']));
        return this.post(route, this.roleFor('secretariat'), '/secretariaat/gebruikers', fields);
      }
      case 'POST /secretariaat/gebruikers/{id}': {
        // Neither pool holds the fuzzer's own people (Pools and harvestPage leave them out): every role stays usable.
        const [segment, label] = this.idOf(['pageUser', 'user']);
        const fields = [];
        for (const r of rng.chance(0.85) ? rng.some(ROLE_VALUES, 1, 2) : rng.some([...ROLE_VALUES, ...ODD_ROLES], 0, 2)) fields.push(['roles', r, ROLE_VALUES.includes(r) ? 'valid' : 'role']);
        for (const k of rng.some(['5', '21', '33'], 0, 2)) fields.push(this.opt('keuzeIds', [k], ['0', '34', 'x'], 0.1));
        for (const t of rng.some(['1', '4', '8'], 0, 1)) fields.push(this.opt('themeIds', [t], ['0', '9', 'x'], 0.1));
        fields.push(this.opt('capacity', ['', '3', '10'], ['-1', '10001', '1.5', 'veel']));
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/gebruikers/${segment}`, fields, label);
      }
      case 'POST /secretariaat/gebruikers/{id}/afwezigheid': {
        const [segment, label] = this.idOf(['pageUser', 'user']);
        const [nl, note] = text('Vakantie');
        const fields = [this.opt('startsOn', FUTURE_DAYS, ODD_DAYS), this.opt('endsOn', FUTURE_DAYS, ODD_DAYS), ['note', note, nl]];
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/gebruikers/${segment}/afwezigheid`, fields, label);
      }
      case 'POST /secretariaat/gebruikers/{id}/afwezigheid/{absenceId}/verwijderen': {
        // Mostly a row of a member's page (`user/absence`) or an absence the API showed of a member.
        const ofMembers = (this.pools.kinds.get('absence')?.list ?? []).filter((e) => /^[0-9a-f-]{36}$/.test(e.owner)).map((e) => `${e.owner}/${e.value}`);
        const shown = rng.chance(0.8) ? (this.pools.pick(rng, 'pageAbsence') ?? (ofMembers.length ? rng.pick(ofMembers) : undefined)) : undefined;
        const [segment, label] = shown ? [shown.split('/')[0], 'valid'] : this.idOf(['pageUser', 'user']);
        const absence = shown?.split('/')[1] ?? (rng.chance(0.2) ? rng.pick(HOSTILE_SEGMENTS)[1] : rng.uuid());
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/gebruikers/${segment}/afwezigheid/${absence}/verwijderen`, [], label);
      }
      case 'POST /secretariaat/gebruikers/{id}/{action}': {
        const [segment, label] = this.idOf(['pageUser', 'user']);
        const action = rng.chance(0.95) ? rng.pick(['deactiveren', 'activeren', 'activeren', 'tweede-factor']) : rng.pick(['verwijderen', '<fz-x>', 'ACTIVEREN']);
        const request = this.postTo(route, this.roleFor('secretariat'), `/secretariaat/gebruikers/${segment}/${enc(action)}`, [], label);
        request.note = [action, request.note].filter(Boolean).join(': ');
        return request;
      }
      case 'POST /secretariaat/kalender/sluitingsdagen': {
        const [rl, reason] = text(rng.pick(['Kerstavond', 'Kantoor gesloten', '']));
        return this.post(route, this.roleFor('secretariat'), '/secretariaat/kalender/sluitingsdagen', [this.opt('day', FUTURE_DAYS, [...ODD_DAYS, '2020-01-01']), ['reason', reason, rl]]);
      }
      case 'POST /secretariaat/kalender/sluitingsdagen/{day}/verwijderen': {
        const [label, segment] = rng.chance(0.1) ? rng.pick(HOSTILE_SEGMENTS) : ['valid', (rng.chance(0.7) && (this.pools.pick(rng, 'pageClosureDay') ?? this.pools.pick(rng, 'closureDay'))) || rng.pick([...FUTURE_DAYS, '2026-02-30', '2026-1-1'])];
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/kalender/sluitingsdagen/${segment}/verwijderen`, [], label);
      }
      case 'POST /secretariaat/kalender/normen/{priority}': {
        const [label, segment] = rng.chance(0.1) ? rng.pick([...HOSTILE_SEGMENTS, ['Dutch name', 'spoed'], ['constructor', 'constructor']]) : ['valid', rng.pick(['normal', 'urgent'])];
        const fields = [
          this.opt('firstResponseDays', ['1', '2', '0,5', '1.5', '3'], ['0', '0,1', '-1', '61', '1,2345', 'x', '', '1,5,5']),
          this.opt('answerDays', ['5', '10', '7,5', '15'], ['0', '251', '1e2', 'tien', '', 'NaN']),
        ];
        if (rng.chance(0.6)) fields.push(this.opt('reminderPct', ['50', '75', '80', ''], ['9', '100', '80.5', 'x']));
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/kalender/normen/${segment}`, fields, label);
      }
      case 'POST /secretariaat/artikelen/{id}/publiceren':
      case 'POST /secretariaat/artikelen/{id}/terugsturen':
      case 'POST /secretariaat/artikelen/{id}/archiveren': {
        const action = route.split('/')[4];
        const [segment, label] = this.idOf(action === 'archiveren' ? ['pagePublishedArticle', 'article'] : ['pageReviewArticle', 'article']);
        const fields = [];
        if (action === 'terugsturen') {
          const [cl, comment] = this.field(rng.pick(['Graag de bron bij keuze 21 toevoegen.', 'Te lang; kort het antwoord in.']), 0.3);
          fields.push(['comment', rng.chance(0.1) ? rng.pick(['', '   ']) : comment, cl]);
        }
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/artikelen/${segment}/${action}`, fields, label);
      }
      case 'POST /secretariaat/toegangsverzoeken/{id}/goedkeuren':
      case 'POST /secretariaat/toegangsverzoeken/{id}/afwijzen': {
        const approve = route.endsWith('goedkeuren');
        const [segment, label] = this.idOf(['pageAccessRequest', 'accessRequest']);
        const fields = approve ? [this.opt('organisationCode', ORGANISATION_CODES, ODD_ORGANISATION_CODES), ...(rng.chance(0.3) ? [this.opt('allowDomain', ['ja'], ['on', 'nee', ''])] : [])] : [];
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/toegangsverzoeken/${segment}/${approve ? 'goedkeuren' : 'afwijzen'}`, fields, label);
      }
      case 'POST /secretariaat/aanmelddomeinen': {
        const fields = [
          this.opt('domain', [`fz${rng.int(1, 200)}.example.nl`, 'gemeente-fuzz.example.nl', 'FZ-Hoofdletters.Example.NL'], ['http://x.nl', '@x.nl', 'a..b', 'localhost', 'x', '-x.nl', 'é.nl', 'x'.repeat(254)]),
          this.opt('organisationCode', ORGANISATION_CODES, ODD_ORGANISATION_CODES),
        ];
        return this.post(route, this.roleFor('secretariat'), '/secretariaat/aanmelddomeinen', fields);
      }
      case 'POST /secretariaat/aanmelddomeinen/{domain}/verwijderen': {
        const [label, segment] = rng.chance(0.15)
          ? rng.pick([...HOSTILE_SEGMENTS, ['encoded @', 'a%40b.nl'], ['domain of 254 characters', 'a'.repeat(254)]])
          : ['valid', enc((rng.chance(0.7) && (this.pools.pick(rng, 'pageDomain') ?? this.pools.pick(rng, 'domain'))) || `fz${rng.int(1, 200)}.example.nl`)];
        return this.postTo(route, this.roleFor('secretariat'), `/secretariaat/aanmelddomeinen/${segment}/verwijderen`, [], label);
      }
      case 'POST /secretariaat/mails/opnieuw': {
        // All of them (no id), or the ones of the list's rows.
        const fields = [];
        for (let i = rng.int(0, 2); i > 0; i--) fields.push(this.opt('id', [this.pools.pick(rng, 'pageFailedMail') ?? rng.uuid()], ['x', '', '1', rng.uuid().toUpperCase() + 'x']));
        return this.post(route, this.roleFor('secretariat'), '/secretariaat/mails/opnieuw', fields);
      }
      case 'POST /secretariaat/kennishiaten/artikel': {
        const [ql, q] = this.field(this.pools.pick(rng, 'pageGap') ?? rng.pick(['bouwen in de uiterwaarden', 'zonneweide op de dijk']), 0.25);
        const fields = [['q', q, ql], this.opt('keuzeId', ['1', '5', '21', '33'], ['0', '34', '', 'x', '1.5'])];
        return this.post(route, this.roleFor('secretariat'), '/secretariaat/kennishiaten/artikel', fields);
      }

      default: {
        const action = rng.chance(0.95) ? rng.pick(Object.keys(ACTIONS)) : rng.pick(['onbekend', '<fz-x>', '..', 'ACCEPT']);
        const fields = (ACTIONS[action] ?? ['body']).map((name) => {
          if (['internal', 'consent', 'confirm'].includes(name)) return [name, rng.pick(['on', 'on', '', 'off', 'true']), 'checkbox'];
          if (name === 'score') return [name, rng.pick(['1', '4', '5', '0', '6', '4.5', 'x', '', '1e3']), 'score'];
          const [label, value] = text(rng.pick(name === 'to' ? ['IPLO', 'Waterschap Rivierenland', 'x'] : ['Graag meer uitleg over de locatie.', 'Ja, **onder voorwaarden**: zie keuze 21.', 'x']));
          return [name, value, label];
        });
        // Mostly the person whose turn the action is, so that requests get past the 403 to the form's checks.
        if (rng.chance(0.6)) role = STAFF_ACTIONS.includes(action) ? (action === 'refer' && rng.chance(0.4) ? 'coordinator' : 'expert') : 'requester';
        // The taskforce's forms carry the version their page was loaded at (also the messages form).
        const staff = ['expert', 'coordinator', 'secretariat'].includes(role);
        const question = staff ? this.staffQuestionId() : id();
        if (staff) fields.push(...this.versionFields(question));
        const request = this.post('POST /vragen/{id}/{action}', role, `/vragen/${question}/${enc(action)}`, fields);
        request.note = [action, request.note].filter(Boolean).join(': ');
        return request;
      }
    }
  }
}

/**
 * What a page answer shows that later page requests can use: a new question, a sign-in link's
 * login nonce, the version a staff form of a question carries, and the ids of the secretariat's
 * lists (in pools of their own, so the API requests pick as they did before).
 */
export function harvestPage(pools, request, answer) {
  const location = String(answer.headers.location ?? '');
  const created = answer.status === 303 && location.match(/^\/vragen\/([0-9a-f-]{36})\/ingediend/);
  if (created) pools.add('pageQuestion', created[1]);
  if (request.page === 'GET /auth/callback' && answer.status === 200) {
    const nonce = [].concat(answer.headers['set-cookie'] ?? []).join(';').match(/vraagbaak_login=([^;]+)/)?.[1];
    const token = request.path.match(/[?&]token=([^&]*)/)?.[1];
    if (nonce && token) pools.add('signInPage', { token: decodeURIComponent(token), nonce });
  }
  if (!String(answer.headers['content-type'] ?? '').startsWith('text/html')) return;
  const question = request.path.match(/^\/vragen\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?]|$)/)?.[1];
  const lists = HARVESTED[request.page];
  if (!question && !lists) return;
  const html = answer.body.toString('utf8');
  if (question) {
    const form = html.match(/name="version" value="(\d+)"><input type="hidden" name="geladen" value="([^"]+)"/);
    if (form) pools.add('questionVersion', { version: Number(form[1]), loadedAt: form[2] }, question);
  }
  for (const [kind, pattern] of lists ?? []) {
    for (const match of html.matchAll(pattern)) {
      // The domain of a form's address is percent-encoded (`| urlencode`): kept as the domain itself.
      const value = kind === 'pageDomain' ? decodeURIComponentLoose(unescapeHtml(match[1])) : unescapeHtml(match[1]);
      if (!(kind === 'pageUser' && pools.protectedUserIds.has(value))) pools.add(kind, value);
    }
  }
}

/** The ids the secretariat's pages list, by page: the pool and where the page shows them. */
const HARVESTED = {
  'GET /kennisbank': [['pagePublishedArticle', /href="\/kennisbank\/([0-9a-f-]{36})\?/g]],
  'GET /secretariaat/gebruikers': [['pageUser', /href="\/secretariaat\/gebruikers\/([0-9a-f-]{36})"/g]],
  'GET /secretariaat/gebruikers/{id}': [['pageAbsence', /action="\/secretariaat\/gebruikers\/([0-9a-f-]{36}\/afwezigheid\/[0-9a-f-]{36})\/verwijderen"/g]],
  'GET /secretariaat/toegangsverzoeken': [['pageAccessRequest', /action="\/secretariaat\/toegangsverzoeken\/([0-9a-f-]{36})\/goedkeuren"/g]],
  'GET /secretariaat/artikelen': [['pageReviewArticle', /action="\/secretariaat\/artikelen\/([0-9a-f-]{36})\/publiceren"/g]],
  'GET /secretariaat/kennishiaten': [['pageGap', /<input type="hidden" name="q" value="([^"]*)">/g]],
  'GET /secretariaat/mails': [['pageFailedMail', /name="id" value="([0-9a-f-]{36})"/g]],
  'GET /secretariaat/kalender': [['pageClosureDay', /\/sluitingsdagen\/(\d{4}-\d{2}-\d{2})\/verwijderen"/g]],
  'GET /secretariaat/aanmelddomeinen': [['pageDomain', /\/aanmelddomeinen\/([^/"]+)\/verwijderen"/g]],
};

/** Text as an HTML attribute showed it (Nunjucks' escapes), back as typed. */
function unescapeHtml(text) {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]);
}

/** %XX sequences to bytes (as latin1 text) without failing on invalid UTF-8; a lone % stays. */
function decodeURIComponentLoose(raw) {
  return raw.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}
