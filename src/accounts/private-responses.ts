import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from './principal.js';
import { credentialOf } from './access.guard.js';

/** The sign-in routes (API and pages): their answers carry links, tokens and session cookies. */
const SIGN_IN_PATHS = /^\/(api\/v[0-9]+\/)?auth(\/|\?|$)/;

/** A response nobody may store: the request carried a credential, or it is about signing in. */
export function isPrivateRequest(request: FastifyRequest): boolean {
  const credential = credentialOf(request as RequestWithPrincipal);
  return credential.bearer !== undefined || credential.cookie !== undefined || SIGN_IN_PATHS.test(request.url);
}

/**
 * `Cache-Control: no-store` on every response to a request with a credential (session cookie,
 * bearer token or API token — whatever the route, status or outcome) and on every sign-in route:
 * what a signed-in person sees is theirs alone, and no browser cache or proxy may keep it.
 * Anonymous requests for public things (the public knowledge base, the catalog, the docs) keep
 * their default caching.
 */
export function registerPrivateResponses(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply) => {
    if (isPrivateRequest(request)) reply.header('Cache-Control', 'no-store');
  });
}
