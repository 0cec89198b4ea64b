import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { AppModule } from '../../app.module.js';
import { AppConfig } from '../../config/app-config.js';
import { API_PREFIX, buildOpenApiDocument, serveOpenApi } from './openapi.js';
import { PageRenderer, registerPages } from './pages.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { REQUEST_ID, registerResponseHeaders, securityHeaderList } from './response-headers.js';
import { PinoNestLogger, createRootLogger, logRequests } from '../logging.js';
import { WellFormedInputPipe, boundedJsonParser, createValidationPipe } from './validation.js';

/** Routes outside the versioned API: health checks, HTML pages (the start page at `/`) and sign-in callbacks. */
export const NON_API_ROUTES = [
  { path: '/', method: RequestMethod.GET },
  { path: 'health', method: RequestMethod.ALL },
  { path: 'health/{*rest}', method: RequestMethod.ALL },
  { path: 'auth/callback', method: RequestMethod.ALL },
  { path: 'auth/signed-in', method: RequestMethod.ALL },
  { path: 'auth/second-factor', method: RequestMethod.ALL },
  { path: 'auth/sign-in-link', method: RequestMethod.ALL },
  { path: 'inloggen', method: RequestMethod.GET },
  { path: 'uitloggen', method: RequestMethod.POST },
  { path: 'toegankelijkheid', method: RequestMethod.GET },
  { path: 'kennisbank', method: RequestMethod.GET },
  { path: 'kennisbank/{*rest}', method: RequestMethod.GET },
  { path: 'themas/{*rest}', method: RequestMethod.GET },
  // Exactly the keuze page's route pattern (an escaped colon is literal): a wildcard would also take
  // GET keuzes/:id, the API's route, out of /api/v1.
  { path: 'keuzes/\\:nummer', method: RequestMethod.GET },
  { path: 'vragen', method: RequestMethod.ALL },
  { path: 'vragen/{*rest}', method: RequestMethod.ALL },
  { path: 'reports/{*rest}', method: RequestMethod.ALL },
  { path: 'profiel', method: RequestMethod.ALL },
  { path: 'profiel/{*rest}', method: RequestMethod.ALL },
  { path: 'artikelen', method: RequestMethod.ALL },
  { path: 'artikelen/{*rest}', method: RequestMethod.ALL },
  { path: 'werkvoorraad', method: RequestMethod.GET },
  { path: 'triage', method: RequestMethod.GET },
  { path: 'dashboard', method: RequestMethod.GET },
  { path: 'dashboard/{*rest}', method: RequestMethod.GET },
  { path: 'secretariaat', method: RequestMethod.ALL },
  { path: 'secretariaat/{*rest}', method: RequestMethod.ALL },
];

/** Builds the HTTP application exactly as production runs it; tests use the same function. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config);
  const pages = new PageRenderer();
  const errors = new ProblemDetailsFilter(pages, securityHeaderList(config));
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Our own one-line request log (logRequests) replaces Fastify's two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: 200 },
    // The router (bad URL, over-long parameter) and the HTTP parser answer before any hook runs:
    // their errors leave through the same mapping as every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => errors.respondOutsideRoute(error, request, reply),
    clientErrorHandler: (error, socket) => errors.respondToBrokenRequest(error, socket),
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
  await registerResponseHeaders(fastify, config);
  await app.register(fastifyCookie);
  // The feature modules' hooks (accounts: rate limits, no-store answers), as the composition root lists them.
  for (const setup of AppModule.httpSetup) await setup(app, config);
  // Replaces the default JSON parser (before init registers it): the same parser, depth-bounded.
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimit }, boundedJsonParser(fastify));
  await app.register(fastifyMultipart, { limits: { fileSize: 10 * 1024 * 1024, files: 5, fields: 20 } });
  await registerPages(app, pages);

  app.setGlobalPrefix(API_PREFIX, { exclude: NON_API_ROUTES });
  app.useGlobalPipes(new WellFormedInputPipe(), createValidationPipe());
  app.useGlobalFilters(errors);

  serveOpenApi(app, buildOpenApiDocument(app, config));
  return app;
}
