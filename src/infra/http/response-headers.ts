import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import helmet from 'helmet';
import { AppConfig } from '../../config/app-config.js';
import { API_VERSION } from './openapi.js';

/**
 * The headers every response carries: the security headers (helmet), `API-Version` and
 * `X-Request-Id`. Routed requests get them from hooks; the few responses Fastify writes before
 * any hook runs (a malformed URL, an over-long path parameter, a request the HTTP parser
 * rejects) get the very same headers from `headersOutsideRoutes`.
 */
export function securityHeaderOptions(config: AppConfig): FastifyHelmetOptions {
  return {
    // Swagger UI needs its own inline styles; nothing loads from other origins.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.isHttpsPublicUrl ? [] : null,
      },
    },
    strictTransportSecurity: config.isHttpsPublicUrl,
  };
}

/** An `X-Request-Id` the caller may choose (it is logged and echoed); anything else gets a new id. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** The security headers helmet sets for these options (they do not depend on the request). */
export function securityHeaderList(config: AppConfig): HeaderList {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  // The same library @fastify/helmet runs, with the same options (its types are the CommonJS copy).
  helmet(securityHeaderOptions(config) as Parameters<typeof helmet>[0])({} as IncomingMessage, recorder, () => undefined);
  return headers;
}

export async function registerResponseHeaders(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  await fastify.register(fastifyHelmet, securityHeaderOptions(config));
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('API-Version', API_VERSION);
    reply.header('X-Request-Id', request.id);
  });
}

/** For a response sent outside the route lifecycle (no hooks run): the same headers as any other. */
export function headersOutsideRoutes(security: HeaderList, requestId: string): HeaderList {
  return [...security, ['API-Version', API_VERSION], ['X-Request-Id', requestId]];
}

export function applyHeaders(reply: FastifyReply, headers: HeaderList): void {
  for (const [name, value] of headers) reply.header(name, value);
}
