import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import { AuthService } from '../../accounts/auth.service.js';
import { registerPrivateResponses } from '../../accounts/private-responses.js';
import { registerRateLimits } from '../../accounts/rate-limit.js';
import { AppModule } from '../../app.module.js';
import { AppConfig } from '../../config/app-config.js';
import { API_PREFIX, API_VERSION, buildOpenApiDocument, serveOpenApi } from './openapi.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { PinoNestLogger, createRootLogger, logRequests } from '../logging.js';
import { WellFormedInputPipe, boundedJsonParser, createValidationPipe } from './validation.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Routes outside the versioned API: health checks, HTML pages and sign-in callbacks. */
export const NON_API_ROUTES = [
  { path: 'health', method: RequestMethod.ALL },
  { path: 'health/{*rest}', method: RequestMethod.ALL },
  { path: 'auth/callback', method: RequestMethod.ALL },
  { path: 'auth/signed-in', method: RequestMethod.ALL },
  { path: 'auth/second-factor', method: RequestMethod.ALL },
  { path: 'auth/sign-in-link', method: RequestMethod.ALL },
  { path: 'vragen/{*rest}', method: RequestMethod.ALL },
  { path: 'reports/{*rest}', method: RequestMethod.ALL },
];

/** Builds the HTTP application exactly as production runs it; tests use the same function. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Our own one-line request log (logRequests) replaces Fastify's two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: 200 },
    // A client-supplied id is kept when it is harmless, so a call can be traced across systems.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
    // X-Forwarded-For only from the proxies TRUST_PROXY names (default none): the rate limits and
    // the audit trail see the real peer, not an address the client picked.
    trustProxy: config.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify);
  await app.register(fastifyHelmet, {
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
  });
  await app.register(fastifyCookie);
  await registerRateLimits(fastify, config, app.get(AuthService));
  registerPrivateResponses(fastify);
  // Replaces the default JSON parser (before init registers it): the same parser, depth-bounded.
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimit }, boundedJsonParser(fastify));
  await app.register(fastifyMultipart, { limits: { fileSize: 10 * 1024 * 1024, files: 5, fields: 20 } });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('API-Version', API_VERSION);
    reply.header('X-Request-Id', request.id);
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: NON_API_ROUTES });
  app.useGlobalPipes(new WellFormedInputPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  serveOpenApi(app, buildOpenApiDocument(app, config));
  return app;
}
