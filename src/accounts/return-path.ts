/**
 * Where a sign-in link leads after signing in: a page of this app that a mail or a sign-in form
 * pointed at (a question, the evaluation report). Only these local paths pass, so a crafted link
 * can never send someone to another site (no scheme, no `//host`, no backslash, no `..`).
 */
export const RETURN_PATH_PATTERN = /^\/(?:vragen\/[0-9a-fA-F-]{36}(?:#[a-z-]{1,30})?|reports\/evaluation(?:\?[A-Za-z0-9=&_-]{0,100})?)$/;

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
