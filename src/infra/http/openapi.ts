import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { InvalidParamDto, ProblemDto } from './problem-details.js';

export const API_VERSION = '1.0.0';
export const API_PREFIX = 'api/v1';

type Operation = { parameters?: { in: string }[]; requestBody?: unknown; security?: unknown[]; responses: Record<string, unknown> };

/**
 * The OpenAPI 3 document of `/api/v1`, generated from the controllers and DTOs, then completed
 * with what every operation shares (version header, problem responses) so each controller
 * states only what is particular to it.
 */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Vraagbaak WBS API')
    .setDescription(
      'Vragen en casussen van de Taskforce Water en Bodem Sturend (WBS): de 33 structurerende keuzes, ' +
        'organisaties, vragen, routering en de kennisbank. Fouten volgen RFC 9457 (application/problem+json).',
    )
    .setVersion(API_VERSION)
    .setContact('Secretariaat Taskforce WBS', `${config.publicUrl}/api/docs`, 'vraagbaak@minienw.nl')
    .setLicense('EUPL-1.2', 'https://eupl.eu/1.2/nl/')
    .addServer(`${config.publicUrl}/${API_PREFIX}`)
    // Our tokens are opaque random strings looked up in the database, not JWTs: no bearerFormat
    // (addBearerAuth would otherwise claim JWT).
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'Access token from POST /auth/sessions, or a personal API token (opaque random strings).' })
    .addCookieAuth('vraagbaak_session', { type: 'apiKey', in: 'cookie', name: 'vraagbaak_session' });
  const document = SwaggerModule.createDocument(app, builder.build(), {
    ignoreGlobalPrefix: true,
    extraModels: [ProblemDto, InvalidParamDto],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return completeOperations(document);
}

function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } } };
}

function completeOperations(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.schemas ??= {};
  components.headers = {
    ...components.headers,
    'API-Version': { description: 'Full version of the API that answered.', schema: { type: 'string', example: API_VERSION } },
    'X-Request-Id': { description: 'Id of this request, as given by the client or generated; appears in the logs.', schema: { type: 'string' } },
  };
  components.responses = {
    ...components.responses,
    BadRequest: problemResponse('Invalid input; `invalidParams` names each invalid field.'),
    Unauthorized: problemResponse('Not signed in, or the session or token is no longer valid.'),
    Forbidden: problemResponse('Signed in, but without a role that may do this.'),
    NotFound: problemResponse('The resource does not exist.'),
    TooManyRequests: problemResponse('Rate limit exceeded; see the Retry-After header.'),
    InternalServerError: problemResponse('Unexpected error; the request id in the logs tells what happened.'),
  };
  if (!components.schemas.ProblemDto) throw new Error('ProblemDto missing from the OpenAPI components');

  const headers = { 'API-Version': { $ref: '#/components/headers/API-Version' }, 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = value as Operation;
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^[23]/.test(status)) (response as { headers?: object }).headers = { ...headers, ...(response as { headers?: object }).headers };
      }
      const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
      const add = (status: string, name: string) => (op.responses[status] ??= ref(name));
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined || method !== 'get';
      if (hasInput) add('400', 'BadRequest');
      if (op.security?.length) {
        add('401', 'Unauthorized');
        add('403', 'Forbidden');
      }
      if (path.includes('{')) add('404', 'NotFound');
      add('429', 'TooManyRequests');
      add('500', 'InternalServerError');
    }
  }
  return document;
}

/**
 * Serves the document at /api/v1/openapi.json and the interactive docs at /api/docs. Swagger UI
 * calls the API with the browser's session cookie, so its writes need the CSRF header like any
 * other page's: `sendCsrfHeader` goes into `/api/docs/swagger-ui-init.js`, a script of this origin
 * (the CSP allows no inline script).
 */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: `${API_PREFIX}/openapi.json`,
    yamlDocumentUrl: `${API_PREFIX}/openapi.yaml`,
    customSiteTitle: 'Vraagbaak WBS API',
    swaggerOptions: { persistAuthorization: false, requestInterceptor: sendCsrfHeader },
  });
}

/**
 * Swagger UI's `requestInterceptor`, run in the browser: echoes the `vraagbaak_csrf` cookie
 * (CSRF_COOKIE) in `X-CSRF-Token` on every POST, PATCH, PUT and DELETE. Swagger UI receives its
 * source text, so it must not use anything outside itself.
 */
export function sendCsrfHeader(request: { method?: string; url?: string; headers: Record<string, string> }) {
  // Only to our own origin: the token must never travel to another host the document names.
  const page = (globalThis as unknown as { location?: { href: string; origin: string } }).location;
  if (page && request.url && new URL(request.url, page.href).origin !== page.origin) return request;
  const method = String(request.method || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    const cookies = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
    const match = /(?:^|;\s*)vraagbaak_csrf=([^;]+)/.exec(cookies);
    if (match) request.headers['X-CSRF-Token'] = decodeURIComponent(match[1]);
  }
  return request;
}
