/*
 * Table ownership (README "Architecture", rule D2): the module that declares a table is the only one
 * whose code names it in SQL. The logic of scripts/check-table-ownership.mjs, apart so that
 * scripts/table-ownership.spec.mjs can test it.
 */
import { createRequire } from 'node:module';

const { FEATURES, COMPOSITION_ROOTS } = createRequire(import.meta.url)('./architecture.cjs');

export { FEATURES, COMPOSITION_ROOTS };

/**
 * Tables that no `@Entity` declares, made by migrations, with their owning module. Each search
 * index also has `<table>_vocab` (SQLite) and `<table>_terms` (PostgreSQL); see `withIndexTables`.
 */
export const MIGRATION_TABLES = {
  reference_counters: 'questions',
  question_assignees: 'questions',
  // The staff search over questions belongs to questions (D3), wherever its code lives today.
  question_fts: 'questions',
  question_search_keys: 'questions',
  article_fts: 'knowledge',
  statistics_cells: 'statistics',
  statistics_dirty: 'statistics',
};

const SEARCH_INDEX_TABLES = ['article_fts', 'question_fts'];

/** The feature module of a repository path (`src/<module>/…`), or null for shared code and roots. */
export function moduleOf(path) {
  const match = /^src\/([^/]+)\//.exec(path);
  return match && FEATURES.includes(match[1]) ? match[1] : null;
}

export function isCompositionRoot(path) {
  return COMPOSITION_ROOTS.some((pattern) => new RegExp(pattern).test(path));
}

/** Who may name tables in SQL: the module of a path, 'shared' for common/infra/config, null for roots. */
export function ownerScopeOf(path) {
  if (isCompositionRoot(path)) return null;
  return moduleOf(path) ?? 'shared';
}

/** The tables a source file declares with `@Entity('name')` or `@Entity({ name: 'name' })`. */
export function entityTables(source) {
  const tables = [];
  for (const match of source.matchAll(/@Entity\(\s*(?:\{\s*name:\s*)?['"]([a-z0-9_]+)['"]/g)) tables.push(match[1]);
  return tables;
}

/** Adds the companion tables of the search indexes (`_vocab`, `_terms`) to a table → module map. */
export function withIndexTables(owners) {
  const all = new Map(owners);
  for (const table of SEARCH_INDEX_TABLES) {
    const owner = all.get(table);
    if (owner) for (const suffix of ['_vocab', '_terms']) all.set(`${table}${suffix}`, owner);
  }
  return all;
}

/**
 * The string and template literals of a TypeScript source, each as `{ text, offset }`; in a
 * template, an interpolation of a plain identifier stays `${NAME}` (a table-name constant, say),
 * any other interpolation becomes `${}` and is scanned as code in its own right.
 */
export function stringLiterals(source) {
  const literals = [];
  let i = 0;
  // Whether a `/` here starts a regular expression (after an operator) or divides (after a value).
  let regexAllowed = true;

  const readQuoted = (quote) => {
    const start = i++;
    let text = '';
    while (i < source.length && source[i] !== quote && source[i] !== '\n') {
      if (source[i] === '\\') i++;
      text += source[i++];
    }
    i++;
    literals.push({ text, offset: start + 1 });
  };

  const readTemplate = () => {
    const start = ++i;
    let text = '';
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') {
        text += source[i + 1] ?? '';
        i += 2;
      } else if (source[i] === '$' && source[i + 1] === '{') {
        const exprStart = i + 2;
        i = exprStart;
        scanCode('}');
        const expr = source.slice(exprStart, i - 1).trim();
        // Pad so that offsets in `text` stay offsets in the source.
        const marker = /^[A-Za-z_$][\w$]*$/.test(expr) ? `\${${expr}}` : '${}';
        text += marker + ' '.repeat(Math.max(0, i - exprStart + 2 - marker.length));
      } else {
        text += source[i++];
      }
    }
    i++;
    literals.push({ text, offset: start });
  };

  const readRegex = () => {
    i++;
    let inClass = false;
    while (i < source.length && source[i] !== '\n') {
      const c = source[i];
      if (c === '\\') i++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      i++;
    }
    i++;
  };

  // Scans code until the unmatched `close` (or the end), collecting literals on the way.
  function scanCode(close) {
    let depth = 0;
    while (i < source.length) {
      const c = source[i];
      if (c === '/' && source[i + 1] === '/') {
        while (i < source.length && source[i] !== '\n') i++;
      } else if (c === '/' && source[i + 1] === '*') {
        const end = source.indexOf('*/', i + 2);
        i = end < 0 ? source.length : end + 2;
      } else if (c === "'" || c === '"') {
        readQuoted(c);
        regexAllowed = false;
      } else if (c === '`') {
        readTemplate();
        regexAllowed = false;
      } else if (c === '/' && regexAllowed) {
        readRegex();
        regexAllowed = false;
      } else {
        if (c === '{') depth++;
        if (c === '}') {
          if (depth === 0 && close === '}') {
            i++;
            return;
          }
          depth--;
        }
        if (!/\s/.test(c)) regexAllowed = /[(,=:[!&|?{};+\-*%<>~^]/.test(c) || /\b(return|typeof|case|of|in)$/.test(source.slice(Math.max(0, i - 6), i + 1));
        i++;
      }
    }
  }

  scanCode(null);
  return literals;
}

// Upper case only: SQL here is written in upper case, prose ("from the questions") is not.
const SQL_TABLE_CONTEXT = /\b(FROM|JOIN|INTO|UPDATE|TABLE|EXISTS)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:ONLY\s+)?["`]?(?:([a-z_][a-z0-9_]*)\b|\$\{([A-Za-z_$][\w$]*)\})/g;

/**
 * The tables a source names in SQL: `{ table, offset }` for each FROM/JOIN/INTO/UPDATE/TABLE/EXISTS
 * followed by a known table, or by `${CONSTANT}` whose value is one (`constants`: identifier → table).
 */
export function sqlTableReferences(source, tables, constants = new Map()) {
  const found = [];
  for (const literal of stringLiterals(source)) {
    for (const match of literal.text.matchAll(SQL_TABLE_CONTEXT)) {
      const table = match[2] ?? constants.get(match[3]);
      if (table && tables.has(table)) found.push({ table, offset: literal.offset + match.index });
    }
  }
  return found;
}

/** `const NAME = 'table'` declarations of known tables (table-name constants used in templates). */
export function tableConstants(source, tables) {
  const constants = new Map();
  for (const match of source.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*['"]([a-z0-9_]+)['"]/g)) {
    if (tables.has(match[2])) constants.set(match[1], match[2]);
  }
  return constants;
}

export function lineOf(source, offset) {
  let line = 1;
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The violations in a set of files (`{ path, source }`, repository paths): every place where code of
 * one module (or shared code) names a table another module owns.
 */
export function checkTableOwnership(files) {
  const declared = new Map(Object.entries(MIGRATION_TABLES));
  for (const { path, source } of files) {
    const owner = moduleOf(path);
    if (owner) for (const table of entityTables(source)) declared.set(table, owner);
  }
  const owners = withIndexTables(declared);
  const tables = new Set(owners.keys());
  // Table-name constants are exported and imported (QUESTION_KEYS_TABLE); a file's own win.
  const exported = new Map();
  for (const { source } of files) for (const [name, table] of tableConstants(source, tables)) exported.set(name, table);

  const violations = [];
  for (const { path, source } of files) {
    const scope = ownerScopeOf(path);
    if (scope === null) continue;
    const constants = new Map([...exported, ...tableConstants(source, tables)]);
    for (const { table, offset } of sqlTableReferences(source, tables, constants)) {
      const owner = owners.get(table);
      if (owner !== scope) violations.push({ path, line: lineOf(source, offset), table, owner, scope });
    }
  }
  return violations;
}
