import type { TestApp } from './test-app.js';

/*
 * Page requests as a browser sends them, and the checks every server-rendered page must pass.
 */

/** Text that must reach every page escaped, never as markup. */
export const HOSTILE = '<script>alert(1)</script>';
export const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

/** How often `pattern` occurs in `text`. */
export const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern, 'g'))].length;

/** A whole Dutch page with one heading, and no value on it unescaped. */
export function expectPage(text: string): void {
  expect(text).toMatch(/^<!doctype html>\s*<html lang="nl">/);
  expect(count(text, /<h1[ >]/)).toBe(1);
  expect(text).not.toContain(HOSTILE);
}

/** The Accept header of a browser asking for a page. */
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A page request as a browser sends it: signed in with `who`'s cookie, or anonymous (null). */
export function pageGet(t: TestApp, who: { cookie: string } | null, path: string) {
  const req = t.http.get(path).set('Accept', BROWSER_ACCEPT);
  return who ? req.set('Cookie', who.cookie) : req;
}

/** A form post as a browser sends it: `who`'s cookie, and its CSRF token in the form. */
export function pagePost(t: TestApp, who: { cookie: string; csrf: string }, path: string, form: Record<string, string | string[]>) {
  return t.http.post(path).set('Accept', BROWSER_ACCEPT).set('Cookie', who.cookie).type('form').send({ csrf: who.csrf, ...form });
}
