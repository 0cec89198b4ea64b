import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, found from this file's own location, so the app finds its
 * migrations data and templates whether it runs from `src/` (tests) or `dist/src/`, from any cwd.
 */
function findAppRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Vraagbaak package root');
    dir = parent;
  }
  return dir;
}

export const APP_ROOT = findAppRoot();
export const appPath = (...segments: string[]): string => join(APP_ROOT, ...segments);
