import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { authenticateRequest } from './access.guard.js';
import type { AuthService } from './auth.service.js';
import { clientAddress } from './principal.js';

const USER_KEY = 'u:';

/**
 * General request limits: per user for callers whose credential checks out, per IP otherwise (a
 * whole office may share one IP, hence the generous default). The credential is verified here
 * (once per request: the access guard reuses the result), so a made-up or expired token counts
 * against its IP like any anonymous request instead of opening a bucket of its own. The IP is the
 * TCP peer unless TRUST_PROXY names the proxies that may forward it (clientAddress), so rotating
 * X-Forwarded-For headers buys nothing. Counters live in Redis when configured, so every instance
 * shares them. Built on @fastify/rate-limit: @nestjs/throttler is CommonJS and require()s the
 * ESM-only NestJS 12; Node runs that, but Jest's loader fails on it (on Node 26: "Cannot require()
 * ES Module … in a cycle"; see README, Architecture). Sign-in links have their own, stricter
 * limits in AuthService, counted in the database.
 */
export async function registerRateLimits(fastify: FastifyInstance, config: AppConfig, auth: AuthService): Promise<void> {
  // The shared counters' connection: errors are skipped (skipOnError) rather than crashing, and it
  // closes with the server, or a closed app would keep reconnecting.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1 }) : undefined;
  if (redis) {
    redis.on('error', () => undefined);
    fastify.addHook('onClose', async () => redis.disconnect());
  }
  const keyOf = async (req: FastifyRequest): Promise<string> => {
    const principal = await authenticateRequest(req, auth).catch(() => null);
    return principal ? `${USER_KEY}${principal.user.id}` : `ip:${clientAddress(req)}`;
  };
  await fastify.register(fastifyRateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: keyOf,
    max: (_req, key) => (key.startsWith(USER_KEY) ? config.rateLimitAuthenticatedPerMinute : config.rateLimitAnonymousPerMinute),
    allowList: (req) => req.url.startsWith('/health'),
    ...(redis ? { redis, nameSpace: 'vraagbaak:rate:', skipOnError: true } : {}),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    // Thrown into Nest's exception filter, which answers 429 problem+json; Retry-After is already set.
    errorResponseBuilder: (_req, context) => ({ statusCode: 429, message: `rate limited for ${context.after}` }),
  });
}
