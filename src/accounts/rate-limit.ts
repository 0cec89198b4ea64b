import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { sha256 } from '../infra/secrets.js';
import { credentialOf } from './access.guard.js';
import type { RequestWithPrincipal } from './principal.js';

/**
 * General request limits, per session or token for signed-in callers and per IP for anonymous
 * ones (a whole office may share one IP, hence the generous default). Counters live in Redis
 * when configured, so every instance shares them. Built on @fastify/rate-limit: @nestjs/throttler
 * is CommonJS and require()s the ESM-only NestJS 12, which Jest's loader cannot do on Node 20.
 * Sign-in links have their own, stricter limits in AuthService, counted in the database.
 */
export async function registerRateLimits(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const credential = (req: FastifyRequest) => {
    const c = credentialOf(req as RequestWithPrincipal);
    return c.bearer ?? c.cookie;
  };
  // The shared counters' connection: errors are skipped (skipOnError) rather than crashing, and it
  // closes with the server, or a closed app would keep reconnecting.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1 }) : undefined;
  if (redis) {
    redis.on('error', () => undefined);
    fastify.addHook('onClose', async () => redis.disconnect());
  }
  await fastify.register(fastifyRateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (req) => (credential(req) ? config.rateLimitAuthenticatedPerMinute : config.rateLimitAnonymousPerMinute),
    keyGenerator: (req) => {
      const secret = credential(req);
      return secret ? `c:${sha256(secret)}` : `ip:${req.ip}`;
    },
    allowList: (req) => req.url.startsWith('/health'),
    ...(redis ? { redis, nameSpace: 'vraagbaak:rate:', skipOnError: true } : {}),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    // Thrown into Nest's exception filter, which answers 429 problem+json; Retry-After is already set.
    errorResponseBuilder: (_req, context) => ({ statusCode: 429, message: `rate limited for ${context.after}` }),
  });
}
