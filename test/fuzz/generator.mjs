// Requests generated from the app's OpenAPI document: valid-looking ones (with real ids, so they get
// past 404s) and hostile ones derived from the same schemas.
import { Secret, TOTP } from 'otpauth';
import { ROLES } from './target.mjs';

export const API = '/api/v1';

// ---- the document ----------------------------------------------------------------------------

/** Every operation of the document with its parameters and (resolved) JSON or multipart body schema. */
export function operationsOf(doc) {
  const resolve = (schema, depth = 0) => {
    if (!schema || depth > 20) return schema ?? {};
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()], depth + 1);
    if (schema.allOf) {
      const merged = { ...schema, allOf: undefined };
      for (const part of schema.allOf) Object.assign(merged, resolve(part, depth + 1));
      return merged;
    }
    const out = { ...schema };
    if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)]));
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    return out;
  };
  const operations = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      operations.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        secured: (op.security?.length ?? 0) > 0,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: resolve(p.schema) })),
        contentType,
        bodySchema: contentType ? resolve(content[contentType].schema) : undefined,
      });
    }
  }
  return operations;
}

// ---- real ids --------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Values seen in responses, by kind (question, user, article, …), oldest first, at most 300 each. */
export class Pools {
  constructor(protectedUserIds) {
    this.kinds = new Map();
    this.protectedUserIds = new Set(protectedUserIds);
  }

  add(kind, value, owner = '') {
    if (value === undefined || value === null || value === '') return;
    if (kind === 'user' && this.protectedUserIds.has(value)) return; // the fuzzer's own people stay usable
    let pool = this.kinds.get(kind);
    if (!pool) this.kinds.set(kind, (pool = { list: [], seen: new Set() }));
    const key = `${owner}|${typeof value === 'object' ? JSON.stringify(value) : value}`;
    if (pool.seen.has(key)) return;
    pool.seen.add(key);
    pool.list.push({ value, owner });
    if (pool.list.length > 300) pool.seen.delete(`${pool.list[0].owner}|${JSON.stringify(pool.list.shift().value)}`);
  }

  /** The value of `kind` (of `owner`) seen last, or undefined. */
  latest(kind, owner) {
    return (this.kinds.get(kind)?.list ?? []).filter((e) => owner === undefined || e.owner === owner).at(-1)?.value;
  }

  /** A value of `kind` (of `owner` when given and any exist), or undefined. */
  pick(rng, kind, owner) {
    const list = this.kinds.get(kind)?.list ?? [];
    const owned = owner === undefined ? list : list.filter((e) => e.owner === owner);
    const from = owned.length > 0 ? owned : list;
    return from.length > 0 ? rng.pick(from).value : undefined;
  }
}

/** The kind of a response's top-level ids, by the route's resource. */
function resourceKind(template) {
  if (template.startsWith('/questions/{id}/attachments')) return 'attachment';
  if (template.startsWith('/questions')) return 'question';
  if (template.startsWith('/users/{id}/absences') || template.startsWith('/me/absences')) return 'absence';
  if (template.startsWith('/users')) return 'user';
  if (template.startsWith('/me/tokens')) return 'token';
  if (template.startsWith('/articles/{id}/versions')) return null;
  if (template.startsWith('/articles')) return 'article';
  if (template.startsWith('/access-requests')) return 'accessRequest';
  return null;
}

const ID_FIELDS = {
  questionId: 'question',
  articleId: 'article',
  suggestionId: 'suggestion',
  searchId: 'search',
  expertId: 'user',
  assigneeId: 'user',
  requesterId: 'user',
  userId: 'user',
  actorId: 'user',
  relatedArticleIds: 'article',
  articleIds: 'article',
};

/** Collects the ids (and codes, domains, days, secrets) a successful response shows. */
export function harvest(pools, request, json) {
  if (!json || typeof json !== 'object') return;
  const { op, pathValues, role } = request;
  const top = resourceKind(op.template);
  const owner = op.template.startsWith('/me/') ? role : op.template.startsWith('/users/{id}/absences') ? pathValues.id : '';
  const visit = (value, key, parentKey, depth) => {
    if (depth > 8 || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 50)) visit(item, key, parentKey, depth + 1);
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k, key, depth + 1);
      // Resources nested in another: attachments of a question, absences of a user.
      const id = typeof value.id === 'string' && UUID.test(value.id) ? value.id : undefined;
      if (id && Array.isArray(value.attachments)) {
        for (const a of value.attachments) if (a && typeof a.id === 'string') pools.add('attachment', { questionId: id, id: a.id });
      }
      if (id && Array.isArray(value.absences)) {
        for (const a of value.absences) if (a && typeof a.id === 'string') pools.add('absence', a.id, op.template.startsWith('/me') ? role : id);
      }
      if (id && ['assignee', 'requester', 'actor', 'expert'].includes(key)) pools.add('user', id);
      return;
    }
    if (typeof value !== 'string') {
      if (key === 'version' && typeof value === 'number' && top === 'article') pools.add('articleVersion', value);
      return;
    }
    if (ID_FIELDS[key] && UUID.test(value)) pools.add(ID_FIELDS[key], value);
    if (key === 'code' && op.template.startsWith('/organisations')) pools.add('organisation', value);
    if (key === 'domain' && op.template.startsWith('/sign-in-domains')) pools.add('domain', value);
    if (key === 'day' && op.template.startsWith('/calendar/closures')) pools.add('closureDay', value);
    if (key === 'email' && (op.template.startsWith('/users') || op.template.startsWith('/access-requests'))) pools.add('email', value);
    if (key === 'secret' && op.template === '/me/totp') pools.add('totpSecret', value, role);
    if (key === 'id' && UUID.test(value) && top && (parentKey === undefined || parentKey === 'data')) {
      if (top === 'attachment') pools.add('attachment', { questionId: pathValues.id, id: value });
      else pools.add(top, value, top === 'absence' || top === 'token' ? owner : '');
    }
  };
  visit(json, undefined, undefined, 0);
  // Suggestions and searches remember which articles they showed: a click names one of those.
  const shown = (kind, id) => {
    if (typeof id === 'string' && Array.isArray(json.data)) for (const hit of json.data.slice(0, 5)) if (hit?.id) pools.add(kind, { id, articleId: hit.id });
  };
  if (op.key === 'GET /articles/suggestions') shown('suggestionPair', json.suggestionId);
  if (op.key === 'GET /articles') shown('searchPair', json.meta?.searchId);
}

// ---- values ----------------------------------------------------------------------------------

const WORDS = ('bouwen uiterwaarden peilbeheer bodemdaling waterschap gemeente dijk polder veen grondwater ' +
  'rivier klimaat woningbouw zoetwater droogte overstroming natuur landbouw keuze structurerend').split(' ');

function text(rng, max, min = 1) {
  const words = [];
  const target = Math.max(min, Math.min(max, rng.int(min, Math.min(max, 120))));
  while (words.join(' ').length < target) words.push(rng.pick(WORDS));
  const out = words.join(' ').slice(0, target).trim();
  return out.length >= min ? out : 'x'.repeat(min);
}

const pad = (n) => String(n).padStart(2, '0');
function futureDay(rng) {
  return `${rng.int(2026, 2027)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
}

/** Hostile strings, each with what it is. */
export const HOSTILE_STRINGS = [
  ['unpaired high surrogate', '\ud800'],
  ['unpaired low surrogate in text', 'a\udc00b'],
  ['reversed surrogate pair', '\udc00\ud800'],
  ['NUL byte', '\u0000'],
  ['NUL inside', 'ab\u0000cd'],
  ['empty', ''],
  ['spaces', '   '],
  ['10k characters', 'x'.repeat(10_000)],
  ['10k multi-byte characters', 'é'.repeat(10_000)],
  ['emoji', '😀'.repeat(50)],
  ['right-to-left and zero-width', '\u202eabc\u200b\u2028\u2029'],
  ['control characters', '\u0001\u0007\u001b[31m'],
  ['SQL', "' OR 1=1; DROP TABLE users; --"],
  ['HTML', '<script>alert(1)</script><img src=x onerror=alert(1)>'],
  ['template', '{{7*7}}${7*7}<%= 7*7 %>'],
  ['path traversal', '../../../../etc/passwd'],
  ['percent sequence', '%C0%AF%00%'],
  ['numeric string', '12345'],
  ['huge number string', '1e309'],
  ['date-like nonsense', '2026-02-30'],
  ['date out of range', '99999-12-31'],
  ['date-time nonsense', '2026-13-45T25:61:61Z'],
  ['uuid upper case', 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE'],
  ['uuid nil', '00000000-0000-0000-0000-000000000000'],
  ['email without domain', 'a@'],
  ['email very long', `${'a'.repeat(300)}@example.nl`],
  ['email with NUL', 'a\u0000@example.nl'],
  ['email with surrogate', '\ud800@example.nl'],
  ['email IDN', 'jan@bücher.example'],
  ['email quoted local part', '"a b"@example.nl'],
  ['email IP literal', 'a@[127.0.0.1]'],
  ['__proto__', '__proto__'],
];

/** Hostile JSON values (as raw JSON text where JSON.stringify cannot express them). */
export const HOSTILE_VALUES = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['negative', -1],
  ['float', 1.5],
  ['tiny float', 1e-7],
  ['int32 + 1', 2147483648],
  ['2^53 + 1', { raw: '9007199254740993' }],
  ['30 digits', { raw: '123456789012345678901234567890' }],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['1e999 (Infinity)', { raw: '1e999' }],
  ['-0', { raw: '-0' }],
  ['empty array', []],
  ['empty object', {}],
  ['array of null', [null]],
  ['nested array', [[1, 2], [3]]],
  ['1000-item array', Array.from({ length: 1000 }, (_, i) => i)],
  ['object', { a: 1 }],
  ['__proto__ object', { raw: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' }],
  ['array nested 1500 deep', { raw: '['.repeat(1500) + ']'.repeat(1500) }],
  ['object nested 1500 deep', { raw: '{"a":'.repeat(1500) + '1' + '}'.repeat(1500) }],
  ['array nested 60 deep', { raw: '['.repeat(60) + '1' + ']'.repeat(60) }],
];

/** Raw path-segment replacements (already in URL form). */
export const HOSTILE_SEGMENTS = [
  ['overlong UTF-8 slash', '%C0%AF'],
  ['lone percent', '%'],
  ['percent with junk', '%ZZ'],
  ['truncated escape', '%E0%A4%A'],
  ['encoded surrogate', '%ED%A0%80'],
  ['encoded NUL', '%00'],
  ['encoded slash', '..%2F..%2Fusers'],
  ['dot dot', '..'],
  ['encoded dots', '%2e%2e'],
  ['201 characters', 'a'.repeat(201)],
  ['5000 characters', 'a'.repeat(5000)],
  ['negative', '-1'],
  ['zero', '0'],
  ['float', '1.5'],
  ['1e308', '1e308'],
  ['20 digits', '99999999999999999999'],
  ['int32 + 1', '2147483648'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['hex', '0x10'],
  ['encoded space', '%20'],
  ['null', 'null'],
  ['uuid with junk', '0190a5c4-1b2c-7d3e-8f40-123456789abcx'],
  ['uuid in braces', '%7B0190a5c4-1b2c-7d3e-8f40-123456789abc%7D'],
  ['emoji', '%F0%9F%98%80'],
  ['SQL', "1'%20OR%20'1'%3D'1"],
  ['HTML', '%3Cscript%3E'],
  ['semicolon parameter', 'x;jsessionid=1'],
];

/** Raw query values (already in URL form). */
export const HOSTILE_QUERY_VALUES = [
  ['overlong UTF-8', '%C0%AF'],
  ['lone percent', '%'],
  ['encoded NUL', '%00'],
  ['encoded surrogate', '%ED%A0%80'],
  ['negative', '-1'],
  ['zero', '0'],
  ['float', '1.5'],
  ['1e308', '1e308'],
  ['20 digits', '99999999999999999999'],
  ['NaN', 'NaN'],
  ['word', 'abc'],
  ['empty', ''],
  ['10k characters', 'x'.repeat(10_000)],
  ['true', 'true'],
  ['array syntax', '[]'],
  ['date nonsense', '2026-02-30'],
  ['date-time nonsense', '2026-01-01T99:00:00Z'],
  ['year 0', '0000-01-01'],
];

// ---- requests --------------------------------------------------------------------------------

export class Generator {
  constructor({ doc, rng, pools, actors }) {
    this.operations = operationsOf(doc);
    this.rng = rng;
    this.pools = pools;
    this.actors = actors;
    this.counter = 0;
    /** Per operation and role: 'in' (got past authorization) or 'out' (401/403 to a valid request). */
    this.access = new Map();
    this.spareUsed = Object.fromEntries(ROLES.map((r) => [r, 0]));
  }

  // -- roles --

  learn(request, status) {
    if (request.variant !== 'valid' && request.variant !== 'duplicate') return;
    const known = this.access.get(request.op.key) ?? {};
    if (status === 401 || status === 403) known[request.role] = known[request.role] === 'in' ? 'in' : 'out';
    else if (status < 500) known[request.role] = 'in';
    this.access.set(request.op.key, known);
  }

  chooseRole(op) {
    const known = this.access.get(op.key) ?? {};
    const admitted = ROLES.filter((r) => known[r] === 'in');
    if (!op.secured && this.rng.chance(0.5)) return 'anonymous';
    if (admitted.length > 0 && this.rng.chance(0.8)) return this.rng.pick(admitted);
    return this.rng.pick(ROLES);
  }

  // -- values --

  uuidFor(kind) {
    return (this.rng.chance(0.9) && this.pools.pick(this.rng, kind)) || this.rng.uuid();
  }

  /** A valid-looking value for a field or parameter. */
  value(schema = {}, name = '', ctx = {}) {
    const rng = this.rng;
    if (schema.enum) return rng.pick(schema.enum);
    const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : 'string');
    if (type === 'array') {
      if (name === 'keuzeIds') return rng.some(Array.from({ length: 33 }, (_, i) => i + 1), 1, 3);
      if (name === 'themeIds') return rng.some([1, 2, 3, 4, 5, 6, 7, 8], 0, 2);
      if (name === 'roles') return rng.some(schema.items?.enum ?? ['requester'], 1, 2);
      if (name === 'relatedArticleIds' || name === 'articleIds') return Array.from({ length: rng.int(0, 2) }, () => this.uuidFor('article'));
      return Array.from({ length: rng.int(0, 3) }, () => this.value(schema.items ?? {}, name, ctx));
    }
    if (type === 'object') return this.object(schema, ctx);
    if (type === 'boolean') return rng.chance(0.5);
    if (type === 'number' || type === 'integer') {
      if (name === 'version') return this.pools.pick(rng, 'articleVersion') ?? rng.int(1, 3);
      const min = schema.minimum ?? 1;
      const max = Math.min(schema.maximum ?? 50, min + 100);
      if (name === 'page') return rng.int(1, 3);
      if (Number.isInteger(min) && (type === 'integer' || rng.chance(0.8))) return rng.int(Math.ceil(min), Math.floor(max));
      return Math.round((min + rng.next() * (max - min)) * 8) / 8;
    }
    // strings
    if (schema.format === 'uuid' || /Id$/.test(name)) {
      const kind = { questionId: 'question', articleId: 'article', suggestionId: 'suggestion', searchId: 'search', expertId: 'user', actorId: 'user' }[name];
      if (name === 'expertId' && rng.chance(0.5)) return this.actors.expert.id;
      return kind ? this.uuidFor(kind) : rng.uuid();
    }
    if (schema.format === 'date') {
      if (name === 'endsOn' && ctx.startsOn) return ctx.startsOn.replace(/-(\d\d)$/, (_, d) => `-${pad(Math.min(28, Number(d) + rng.int(0, 5)))}`);
      if (name === 'from') return `2026-${pad(rng.int(1, 6))}-01`;
      if (name === 'to') return `2026-${pad(rng.int(7, 12))}-28`;
      return futureDay(rng);
    }
    if (schema.format === 'date-time') {
      if (name === 'expiresAt') return `${rng.int(2027, 2030)}-0${rng.int(1, 9)}-15T12:00:00.000Z`;
      return `2026-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}T${pad(rng.int(0, 23))}:00:00Z`;
    }
    switch (name) {
      case 'email': {
        const known = this.pools.pick(rng, 'email');
        if (known && rng.chance(0.3)) return known;
        if (rng.chance(0.15)) return rng.pick(Object.values(this.actors)).email;
        const domain = rng.pick(['gemeente.example.nl', 'ienw.example.nl', this.pools.pick(rng, 'domain') ?? 'fuzz.example.nl', 'onbekend.example']);
        return `fz${rng.int(1, 400)}@${domain}`;
      }
      case 'returnTo':
        return rng.pick([`/vragen/${this.uuidFor('question')}`, '/reports/evaluation', '//evil.example/', 'https://evil.example/', '/vragen/../admin']);
      case 'token':
        return this.pools.pick(rng, 'signInToken') ?? `vbl_${rng.uuid().replace(/-/g, '')}`;
      case 'totp':
      case 'code':
        return String(rng.int(0, 999999)).padStart(6, '0');
      case 'organisationCode':
        return this.pools.pick(rng, 'organisation') ?? rng.pick(['GM0363', 'GM0599', 'PV27', 'WS0155']);
      case 'domain':
        return rng.chance(0.3) && this.pools.pick(rng, 'domain') ? this.pools.pick(rng, 'domain') : `fz${rng.int(1, 200)}.example.nl`;
      case 'provinceCode':
        return rng.pick(['PV20', 'PV25', 'PV27', 'PV99']);
      case 'day':
        return this.pools.pick(rng, 'closureDay') && rng.chance(0.3) ? this.pools.pick(rng, 'closureDay') : futureDay(rng);
      default:
        break;
    }
    return text(rng, schema.maxLength ?? 200, schema.minLength ?? 1);
  }

  object(schema, ctx = {}) {
    const out = {};
    const required = new Set(schema.required ?? []);
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      if (!required.has(name) && !this.rng.chance(0.55)) continue;
      out[name] = this.value(prop, name, out);
    }
    return out;
  }

  // -- building --

  pathOf(op, values) {
    return API + op.template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  }

  /** Real (or plausible) values of the path parameters, as raw URL segments. */
  pathValues(op, role) {
    const rng = this.rng;
    const values = {};
    const raw = {};
    const t = op.template;
    if (t.includes('{attachmentId}')) {
      const pair = rng.chance(0.85) ? this.pools.pick(rng, 'attachment') : undefined;
      raw.id = pair?.questionId ?? this.uuidFor('question');
      raw.attachmentId = pair?.id ?? rng.uuid();
    }
    for (const { name, schema } of op.pathParams) {
      if (raw[name] !== undefined) continue;
      if (schema.enum) raw[name] = rng.pick(schema.enum);
      else if (t.startsWith('/keuzes')) raw[name] = String(rng.int(1, 33));
      else if (name === 'code') raw[name] = this.pools.pick(rng, 'organisation') ?? 'GM0363';
      else if (name === 'domain') raw[name] = this.pools.pick(rng, 'domain') ?? `fz${rng.int(1, 200)}.example.nl`;
      else if (name === 'day') raw[name] = this.pools.pick(rng, 'closureDay') ?? futureDay(rng);
      else if (name === 'tokenId') raw[name] = this.pools.pick(rng, 'token', role) ?? rng.uuid();
      else if (name === 'absenceId') raw[name] = this.pools.pick(rng, 'absence', t.startsWith('/me/') ? role : raw.id) ?? rng.uuid();
      else if (name === 'suggestionId' || name === 'searchId') {
        const pair = rng.chance(0.8) ? this.pools.pick(rng, name === 'suggestionId' ? 'suggestionPair' : 'searchPair') : undefined;
        raw[name] = pair?.id ?? this.uuidFor(name === 'suggestionId' ? 'suggestion' : 'search');
        if (pair) raw._articleId = pair.articleId;
      }
      else if (t.startsWith('/questions')) raw[name] = this.uuidFor('question');
      else if (t.startsWith('/users')) raw[name] = this.uuidFor('user');
      else if (t.startsWith('/articles')) raw[name] = this.uuidFor('article');
      else if (t.startsWith('/access-requests')) raw[name] = this.uuidFor('accessRequest');
      else raw[name] = String(this.value(schema, name));
    }
    for (const [name, value] of Object.entries(raw)) values[name] = encodeURIComponent(value);
    return { values, raw };
  }

  queryOf(op) {
    const parts = [];
    for (const { name, required, schema } of op.queryParams) {
      if (!required && !this.rng.chance(0.3)) continue;
      parts.push(`${name}=${encodeURIComponent(String(this.value(schema, name)))}`);
    }
    return parts;
  }

  /** A valid-looking request for `op` as `role`. */
  valid(op, role) {
    const { values, raw } = this.pathValues(op, role);
    const query = this.queryOf(op);
    const request = { op, role, variant: 'valid', method: op.method, pathValues: raw, headers: {}, note: '' };
    request.path = this.pathOf(op, values) + (query.length ? `?${query.join('&')}` : '');
    if (op.contentType === 'application/json') {
      request.json = this.specialBody(op, role, raw) ?? this.object(op.bodySchema);
      request.headers['content-type'] = 'application/json';
      request.body = JSON.stringify(request.json);
    } else if (op.contentType === 'multipart/form-data') {
      Object.assign(request, this.multipartValid());
    }
    if (op.key === 'POST /users/{id}/absences') request.subjectUserId = raw.id;
    // Signing out ends the session: such requests (and ten copies at once) use one spare session.
    if (op.key === 'DELETE /auth/sessions/current' && role !== 'anonymous') request.spareSession = `${role}-${this.counter}`;
    return request;
  }

  /** Bodies that need more than the schema to be accepted. */
  specialBody(op, role, raw) {
    const rng = this.rng;
    if (raw._articleId && rng.chance(0.9)) return { articleId: raw._articleId };
    if (op.key === 'POST /me/totp/confirm') {
      const secret = this.pools.latest('totpSecret', role); // a new enrolment replaces the pending secret
      if (secret && rng.chance(0.5)) return { code: new TOTP({ secret: Secret.fromBase32(secret) }).generate() };
    }
    if (op.key === 'POST /articles' && rng.chance(0.5)) return { questionId: this.uuidFor('question') };
    if (op.key === 'POST /users') {
      const roles = rng.some(['requester', 'expert', 'coordinator', 'secretariat'], 1, 2);
      return {
        email: `fz-user${rng.int(1, 300)}@${rng.pick(['ienw.example.nl', 'gemeente.example.nl'])}`,
        displayName: text(rng, 40),
        roles,
        ...(roles.includes('requester') ? { organisationCode: this.value({}, 'organisationCode') } : {}),
        ...(roles.includes('expert') ? { expertise: { keuzeIds: rng.some([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 3), themeIds: rng.some([1, 2, 3], 0, 1) }, capacity: rng.int(0, 10) } : {}),
      };
    }
    return undefined;
  }

  multipartValid() {
    const rng = this.rng;
    const file = rng.pick([
      ['plan.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')],
      ['kaart.png', 'image/png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000dIHDR')])],
    ]);
    const boundary = `fuzz${rng.int(100000, 999999)}`;
    return {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipart(boundary, [{ name: 'file', filename: file[0], contentType: file[1], data: file[2] }]),
      note: `multipart ${file[0]}`,
    };
  }

  // -- hostile variants --

  /** One schema property (or a made-up one) of the body, with its schema. */
  field(op) {
    const props = Object.entries(op.bodySchema?.properties ?? {});
    return props.length ? this.rng.pick(props) : ['fuzz', {}];
  }

  mutateBody(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'hostile-body-field';
    const body = typeof request.json === 'object' && request.json !== null ? { ...request.json } : {};
    const raws = {};
    const put = (name, value, label) => {
      if (value && typeof value === 'object' && 'raw' in value) {
        const marker = `__FUZZ_RAW_${Object.keys(raws).length}__`;
        raws[marker] = value.raw;
        body[name] = marker;
      } else body[name] = value;
      request.note = `${name}: ${label}`;
    };
    const kind = rng.weighted({ null: 4, allNull: 1, missing: 2, unknown: 2, wrongType: 4, long: 3, string: 5, value: 5, deepField: 1 });
    const [name, schema] = this.field(op);
    switch (kind) {
      case 'null':
        put(name, null, 'null');
        break;
      case 'allNull':
        for (const key of Object.keys(op.bodySchema?.properties ?? {})) body[key] = null;
        request.note = 'every field null';
        break;
      case 'missing': {
        const required = op.bodySchema?.required ?? [];
        const gone = required.length ? rng.pick(required) : name;
        delete body[gone];
        request.note = `${gone}: missing`;
        break;
      }
      case 'unknown':
        put(rng.pick(['fuzzUnknown', 'id', 'roles', 'isAdmin', 'status', 'constructor']), rng.pick([1, 'x', true, { a: 1 }]), 'unknown field');
        break;
      case 'wrongType': {
        const type = schema.type ?? 'object';
        const wrong = type === 'string' ? rng.pick([123, true, ['a'], { a: 'b' }]) : type === 'array' ? rng.pick(['1,2', 5, { 0: 1 }]) : type === 'boolean' ? rng.pick(['true', 1, 'ja']) : type === 'number' || type === 'integer' ? rng.pick(['5', '', true, [5]]) : rng.pick(['x', 1, [1]]);
        put(name, wrong, `wrong type ${JSON.stringify(wrong).slice(0, 20)}`);
        break;
      }
      case 'long': {
        const length = schema.maxLength ? rng.pick([schema.maxLength + 1, schema.maxLength * 2, 10_000]) : 10_000;
        put(name, rng.pick(['x', 'é', '😀']).repeat(length), `${length} characters`);
        break;
      }
      case 'string': {
        const [label, value] = rng.pick(HOSTILE_STRINGS);
        if (schema.type === 'array') put(name, [value], `[${label}]`);
        else put(name, value, label);
        break;
      }
      case 'value': {
        const [label, value] = rng.pick(HOSTILE_VALUES);
        if (schema.type === 'array' && rng.chance(0.5) && !(value && typeof value === 'object' && 'raw' in value)) put(name, [value], `[${label}]`);
        else put(name, value, label);
        break;
      }
      case 'deepField':
        put(name, { raw: rng.chance(0.5) ? '['.repeat(1500) + ']'.repeat(1500) : '{"a":'.repeat(1500) + 'null' + '}'.repeat(1500) }, 'nested 1500 deep');
        break;
    }
    let textBody = JSON.stringify(body);
    for (const [marker, raw] of Object.entries(raws)) textBody = textBody.replace(`"${marker}"`, raw);
    request.body = textBody;
    request.json = undefined;
    request.headers['content-type'] = 'application/json';
    return request;
  }

  hostileBody(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'hostile-body';
    const [label, bodyOf] = rng.pick([
      ['array nested 1500 deep', () => '['.repeat(1500) + ']'.repeat(1500)],
      ['object nested 1500 deep', () => '{"a":'.repeat(1500) + '1' + '}'.repeat(1500)],
      ['object nested 1500 deep (arrays)', () => '{"a":['.repeat(1500) + ']}'.repeat(1500)],
      ['null', () => 'null'],
      ['number', () => '1'],
      ['string', () => '"x"'],
      ['array', () => '[]'],
      ['empty object', () => '{}'],
      ['true', () => 'true'],
      ['invalid JSON', () => '{'],
      ['invalid JSON value', () => '{"a":}'],
      ['single quotes', () => "{'a':1}"],
      ['trailing garbage', () => '{"a":1}x'],
      ['empty body', () => ''],
      ['NUL byte', () => '\u0000'],
      ['BOM then JSON', () => '\ufeff{}'],
      ['duplicate keys', () => '{"email":"a@example.nl","email":"b@example.nl"}'],
      ['escaped unpaired surrogate everywhere', () => JSON.stringify(Object.fromEntries(Object.keys(op.bodySchema?.properties ?? { a: 1 }).map((k) => [k, '\ud800'])))],
      ['every field 10k characters', () => JSON.stringify(Object.fromEntries(Object.keys(op.bodySchema?.properties ?? { a: 1 }).map((k) => [k, 'x'.repeat(10_000)])))],
      ['every field null', () => JSON.stringify(Object.fromEntries(Object.keys(op.bodySchema?.properties ?? { a: 1 }).map((k) => [k, null])))],
      ['invalid UTF-8', () => Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe]), Buffer.from('@example.nl"}')])],
      ['larger than the body limit', () => `{"x":"${'y'.repeat(1_100_000)}"}`],
    ]);
    const body = bodyOf();
    request.body = body;
    request.json = undefined;
    request.headers['content-type'] = 'application/json';
    request.note = label;
    return request;
  }

  contentType(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'content-type';
    if (request.body === undefined) request.body = JSON.stringify(this.object(op.bodySchema ?? {}));
    const [label, type, body] = rng.pick([
      ['text/plain', 'text/plain', undefined],
      ['form', 'application/x-www-form-urlencoded', 'email=a%40example.nl&title=x'],
      ['xml', 'application/xml', '<a>1</a>'],
      ['multipart to a JSON route', 'multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X--\r\n'],
      ['none', undefined, undefined],
      ['charset utf-16', 'application/json; charset=utf-16', undefined],
      ['charset latin1', 'application/json; charset=latin1', undefined],
      ['vendor JSON', 'application/vnd.api+json', undefined],
      ['upper case', 'APPLICATION/JSON', undefined],
      ['two types', 'application/json, text/plain', undefined],
      ['garbage', ';;;', undefined],
      ['octet-stream', 'application/octet-stream', undefined],
    ]);
    if (type === undefined) delete request.headers['content-type'];
    else request.headers['content-type'] = type;
    if (body !== undefined) request.body = body;
    request.note = `content-type ${label}`;
    return request;
  }

  hostilePath(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'hostile-path';
    const { values } = this.pathValues(op, role);
    const param = rng.pick(op.pathParams).name;
    const [label, segment] = rng.pick(HOSTILE_SEGMENTS);
    values[param] = segment;
    request.path = this.pathOf(op, values);
    request.note = `${param}: ${label}`;
    return request;
  }

  hostileQuery(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'hostile-query';
    const base = request.path.split('?')[0];
    const params = op.queryParams;
    const kind = rng.weighted({ value: 6, repeated: 1, unknown: 1, brackets: 1, many: 0.3, raw: 1 });
    let query;
    if (kind === 'value' && params.length) {
      const { name } = rng.pick(params);
      const [label, value] = rng.pick(HOSTILE_QUERY_VALUES);
      query = `${this.queryOf(op).filter((p) => !p.startsWith(`${name}=`)).concat(`${name}=${value}`).join('&')}`;
      request.note = `?${name}: ${label}`;
    } else if (kind === 'repeated' && params.length) {
      const { name, schema } = rng.pick(params);
      query = `${name}=${encodeURIComponent(String(this.value(schema, name)))}&${name}=${encodeURIComponent(String(this.value(schema, name)))}`;
      request.note = `?${name} twice`;
    } else if (kind === 'brackets' && params.length) {
      const { name } = rng.pick(params);
      query = rng.pick([`${name}[]=1`, `${name}[a]=1`, `${name}[__proto__]=1`, `__proto__[${name}]=1`]);
      request.note = `?${query}`;
    } else if (kind === 'many') {
      query = Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&');
      request.note = '1000 query parameters';
    } else if (kind === 'raw') {
      query = rng.pick(['%', '&&&', '=', 'a=%E0%A4%A', '%00=1', 'a=1&=2']);
      request.note = `raw query ${query}`;
    } else {
      query = `${this.queryOf(op).join('&')}${params.length ? '&' : ''}fuzzUnknown=1`;
      request.note = 'unknown query parameter';
    }
    request.path = `${base}?${query}`;
    return request;
  }

  hostileAuth(op) {
    const rng = this.rng;
    const request = this.valid(op, 'anonymous');
    request.variant = 'hostile-auth';
    const [label, headers] = rng.pick([
      ['junk bearer', { authorization: `Bearer junk${rng.int(1, 1e6)}` }],
      ['long bearer', { authorization: `Bearer ${'x'.repeat(5000)}` }],
      ['basic', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['token-shaped bearer', { authorization: `Bearer vbp_${rng.uuid().replace(/-/g, '')}` }],
      ['junk session cookie', { cookie: 'vraagbaak_session=junk; vraagbaak_csrf=junk' }],
      ['cookie with surrogate-ish bytes', { cookie: 'vraagbaak_session=%ED%A0%80' }],
    ]);
    Object.assign(request.headers, headers);
    request.note = label;
    return request;
  }

  /** Malformed and odd multipart bodies for the attachments route. */
  hostileMultipart(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'hostile-multipart';
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const part = (extra = {}) => ({ name: 'file', filename: 'plan.pdf', contentType: 'application/pdf', data: pdf, ...extra });
    const cases = [
      ['wrong boundary', 'multipart/form-data; boundary=BOUNDARY', multipart('WRONG', [part()])],
      ['no boundary', 'multipart/form-data', multipart('X', [part()])],
      ['empty boundary', 'multipart/form-data; boundary=', multipart('X', [part()])],
      ['quoted boundary', 'multipart/form-data; boundary="q b"', multipart('q b', [part()])],
      ['boundary of 80 characters', `multipart/form-data; boundary=${'b'.repeat(80)}`, multipart('b'.repeat(80), [part()])],
      ['empty body', 'multipart/form-data; boundary=X', Buffer.alloc(0)],
      ['no closing boundary', 'multipart/form-data; boundary=X', multipart('X', [part()]).subarray(0, -8)],
      ['only the closing boundary', 'multipart/form-data; boundary=X', Buffer.from('--X--\r\n')],
      ['field instead of a file', 'multipart/form-data; boundary=X', multipart('X', [{ name: 'file', data: 'tekst' }])],
      ['file under another name', 'multipart/form-data; boundary=X', multipart('X', [part({ name: 'bijlage' })])],
      ['two files', 'multipart/form-data; boundary=X', multipart('X', [part(), part({ filename: 'b.pdf' })])],
      ['six files', 'multipart/form-data; boundary=X', multipart('X', Array.from({ length: 6 }, (_, i) => part({ filename: `${i}.pdf` })))],
      ['25 fields', 'multipart/form-data; boundary=X', multipart('X', [...Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, data: 'x' })), part()])],
      ['empty file', 'multipart/form-data; boundary=X', multipart('X', [part({ data: Buffer.alloc(0) })])],
      ['text as PDF', 'multipart/form-data; boundary=X', multipart('X', [part({ data: '<script>alert(1)</script>' })])],
      ['traversal file name', 'multipart/form-data; boundary=X', multipart('X', [part({ filename: '../../../etc/passwd.pdf' })])],
      ['NUL in file name', 'multipart/form-data; boundary=X', multipart('X', [part({ filename: 'a\u0000b.pdf' })])],
      ['invalid UTF-8 file name', 'multipart/form-data; boundary=X', multipart('X', [part({ filename: Buffer.from([0xed, 0xa0, 0x80, 0x2e, 0x70, 0x64, 0x66]) })])],
      ['1000-character file name', 'multipart/form-data; boundary=X', multipart('X', [part({ filename: `${'n'.repeat(1000)}.pdf` })])],
      ['no content-disposition', 'multipart/form-data; boundary=X', Buffer.from('--X\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--X--\r\n')],
      ['header without colon', 'multipart/form-data; boundary=X', Buffer.from('--X\r\nContent-Disposition form-data name=file\r\n\r\n%PDF-1.4\r\n--X--\r\n')],
      ['JSON to the upload route', 'application/json', Buffer.from('{"file":"x"}')],
      ['form to the upload route', 'application/x-www-form-urlencoded', Buffer.from('file=x')],
      ['no content type', undefined, multipart('X', [part()])],
    ];
    if (rng.chance(0.02)) cases.push(['file over 10 MB', 'multipart/form-data; boundary=X', multipart('X', [part({ data: Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024 + 10, 0x20)]) })])]);
    const [label, type, body] = rng.pick(cases);
    request.headers = type ? { 'content-type': type } : {};
    request.body = body;
    request.note = label;
    return request;
  }

  /** Odd spellings of a valid URL. */
  oddUrl(op, role) {
    const rng = this.rng;
    const request = this.valid(op, role);
    request.variant = 'odd-url';
    const [path, query = ''] = request.path.split('?');
    const [label, odd] = rng.pick([
      ['trailing slash', `${path}/`],
      ['double slash', path.replace(API, `${API}/`)],
      ['upper-case prefix', path.replace(API, '/API/V1')],
      ['encoded slash', path.replace(/\/([^/]+)$/, '%2F$1')],
      ['dot segment', path.replace(API, `${API}/./`)],
      ['encoded dot segment', path.replace(API, `${API}/%2e%2e${API}`)],
      ['matrix parameter', `${path};a=1`],
      ['fragment-like', `${path}%23x`],
      ['question mark only', `${path}?`],
    ]);
    request.path = odd + (query ? `${odd.includes('?') ? '&' : '?'}${query}` : '');
    request.note = label;
    return request;
  }

  /** The next item: one request, or ten identical create requests sent at once. */
  next() {
    const rng = this.rng;
    const op = rng.pick(this.operations);
    const role = this.chooseRole(op);
    const hasJson = op.contentType === 'application/json';
    const isUpload = op.contentType === 'multipart/form-data';
    const variant = rng.weighted({
      valid: 30,
      body: hasJson ? 26 : 0,
      wholeBody: hasJson ? 8 : op.method === 'GET' ? 0 : 1,
      contentType: hasJson ? 5 : 0,
      path: op.pathParams.length ? 10 : 0,
      query: op.queryParams.length ? 8 : 1,
      auth: 2,
      url: 2,
      multipart: isUpload ? 60 : 0,
      duplicates: isCreate(op) ? 1.5 : op.method !== 'GET' ? 0.4 : 0,
    });
    this.counter++;
    switch (variant) {
      case 'body':
        return [this.mutateBody(op, role)];
      case 'wholeBody':
        return [this.hostileBody(op, role)];
      case 'contentType':
        return [this.contentType(op, role)];
      case 'path':
        return [this.hostilePath(op, role)];
      case 'query':
        return [this.hostileQuery(op, role)];
      case 'auth':
        return [this.hostileAuth(op)];
      case 'url':
        return [this.oddUrl(op, role)];
      case 'multipart':
        return [rng.chance(0.25) ? this.valid(op, role) : this.hostileMultipart(op, role)];
      case 'duplicates': {
        const request = this.valid(op, role);
        request.variant = 'duplicate';
        request.note = '10 identical at once';
        return Array.from({ length: 10 }, () => ({ ...request, headers: { ...request.headers } }));
      }
      default:
        return [this.valid(op, role)];
    }
  }
}

/** Routes that create something: where ten identical requests at once race for the same row. */
function isCreate(op) {
  return op.method === 'POST' && (op.pathParams.length === 0 || /\/(messages|absences|attachments|approve)$/.test(op.template));
}

/** A multipart/form-data body; `filename` and `data` may be Buffers (for invalid bytes). */
export function multipart(boundary, parts) {
  const chunks = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`));
    if (part.filename !== undefined) chunks.push(Buffer.from('; filename="'), Buffer.from(part.filename), Buffer.from('"'));
    chunks.push(Buffer.from('\r\n'));
    if (part.contentType) chunks.push(Buffer.from(`Content-Type: ${part.contentType}\r\n`));
    chunks.push(Buffer.from('\r\n'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
