/**
 * Where a sign-in link leads after signing in: a page of this app that a mail, a sign-in form or
 * a 401 page pointed at (a question, the ask form, the knowledge base, the reports, the profile, the articles,
 * the work lists, the secretariat's pages).
 * Only these local paths pass, with a query of plain characters, so a crafted link can never
 * send someone to another site (no scheme, no `//host`, no backslash, no `..` in the path).
 */
export const RETURN_PATH_PATTERN =
  /^\/(?:(?:vragen(?:\/nieuw|\/[0-9a-fA-F-]{36})?|kennisbank(?:\/[0-9a-fA-F-]{36})?|themas\/\d{1,4}|keuzes\/\d{1,4}|toegankelijkheid|dashboard|secretariaat(?:\/[a-z]{1,30})?|reports\/(?:evaluation|quarterly)|profiel|werkvoorraad|triage|artikelen(?:\/[0-9a-fA-F-]{36}(?:\/bewerken)?)?)(?:\?[A-Za-z0-9=&_%+.-]{0,150})?(?:#[a-z-]{1,30})?)?$/;

export function safeReturnPath(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 200 && RETURN_PATH_PATTERN.test(value) ? value : null;
}

/** The page to show once signed in: the return path, or the signed-in page. */
export function afterSignIn(returnTo: string | null): string {
  return returnTo ?? '/auth/signed-in';
}

/** `url` with the return path as its `next` parameter (unchanged without one). */
export function withReturnTo(url: string, returnTo: string | null): string {
  return returnTo ? `${url}${url.includes('?') ? '&' : '?'}next=${encodeURIComponent(returnTo)}` : url;
}
