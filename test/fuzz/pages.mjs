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
};

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

  role() {
    return this.rng.weighted({ anonymous: 15, requester: 40, otherRequester: 8, expert: 20, coordinator: 10, secretariat: 7 });
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

  get(page, role, base, pairs = [], note = '') {
    const { query, note: queryNote } = this.query(pairs.filter(([, v]) => v !== undefined));
    return this.request(page, role, 'GET', base + query, [note, queryNote].filter(Boolean).join(', '));
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
      default: {
        const action = rng.chance(0.95) ? rng.pick(Object.keys(ACTIONS)) : rng.pick(['onbekend', '<fz-x>', '..', 'ACCEPT']);
        const fields = (ACTIONS[action] ?? ['body']).map((name) => {
          if (['internal', 'consent', 'confirm'].includes(name)) return [name, rng.pick(['on', 'on', '', 'off', 'true']), 'checkbox'];
          if (name === 'score') return [name, rng.pick(['1', '4', '5', '0', '6', '4.5', 'x', '', '1e3']), 'score'];
          const [label, value] = text(rng.pick(['Graag meer uitleg over de locatie.', 'Ja, **onder voorwaarden**: zie keuze 21.', 'x']));
          return [name, value, label];
        });
        // Mostly the person whose turn the action is, so that requests get past the 403 to the form's checks.
        if (rng.chance(0.6)) role = ['accept', 'decline', 'clarification-request', 'answer'].includes(action) ? 'expert' : 'requester';
        const request = this.post('POST /vragen/{id}/{action}', role, `/vragen/${id()}/${enc(action)}`, fields);
        request.note = [action, request.note].filter(Boolean).join(': ');
        return request;
      }
    }
  }
}

/** What a page answer shows that later page requests can use: a new question, a sign-in link's login nonce. */
export function harvestPage(pools, request, answer) {
  const location = String(answer.headers.location ?? '');
  const created = answer.status === 303 && location.match(/^\/vragen\/([0-9a-f-]{36})\/ingediend/);
  if (created) pools.add('pageQuestion', created[1]);
  if (request.page === 'GET /auth/callback' && answer.status === 200) {
    const nonce = [].concat(answer.headers['set-cookie'] ?? []).join(';').match(/vraagbaak_login=([^;]+)/)?.[1];
    const token = request.path.match(/[?&]token=([^&]*)/)?.[1];
    if (nonce && token) pools.add('signInPage', { token: decodeURIComponent(token), nonce });
  }
}

/** %XX sequences to bytes (as latin1 text) without failing on invalid UTF-8; a lone % stays. */
function decodeURIComponentLoose(raw) {
  return raw.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}
