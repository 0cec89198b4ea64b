#!/usr/bin/env node
/*
 * `npm run lint`, part 2 (README "Architecture", rule D2): lists every place where the non-test
 * source of one module names another module's table in SQL, as `file:line table (owned by X)`,
 * and exits 1 if there is any. The table → module map comes from the `@Entity('…')` declarations
 * plus MIGRATION_TABLES in scripts/table-ownership.mjs.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTableOwnership } from './table-ownership.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

async function sourceFiles(dir) {
  const files = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts') || entry.name.endsWith('.d.ts')) continue;
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
    files.push({ path, source: await readFile(join(root, path), 'utf8') });
  }
  return files;
}

const violations = checkTableOwnership(await sourceFiles('src'));
for (const v of violations) console.log(`${v.path}:${v.line} ${v.table} (owned by ${v.owner})`);
if (violations.length > 0) {
  console.log(`\n✘ ${violations.length} SQL references to another module's table (rule D2: call the owner's service or compose its published query object).`);
  process.exit(1);
}
console.log('✔ every table is named in SQL by its own module only');
