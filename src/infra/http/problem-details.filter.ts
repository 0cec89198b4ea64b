import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeReturnPath } from './return-path.js';
import { DomainError, InvalidInputError } from '../../common/domain-errors.js';
import { logCompletedRequest } from '../logging.js';
import { HTML_CONTENT_TYPE, PageRenderer, wantsPage } from './pages.js';
import { PROBLEM_CONTENT_TYPE, Problem, problemType, statusTitle } from './problem-details.js';
import { type HeaderList, REQUEST_ID, applyHeaders, headersOutsideRoutes } from './response-headers.js';

/** How long a rejected request may go on sending before its connection is cut. */
const BROKEN_REQUEST_DRAIN_MS = 5_000;
/** How much of an over-long request head is read to find its Accept header, and for how long. */
const BROKEN_REQUEST_HEAD_MAX = 256 * 1024;
const BROKEN_REQUEST_HEAD_WAIT_MS = 1_000;

/** Dutch details for the HTTP-level failures that do not come from a domain service. */
const DEFAULT_DETAILS: Record<number, string> = {
  400: 'De aanvraag is ongeldig.',
  401: 'Log in om dit te doen.',
  403: 'U hebt geen toegang tot deze functie.',
  404: 'Deze bron bestaat niet.',
  405: 'Deze methode is hier niet toegestaan.',
  408: 'De aanvraag duurde te lang.',
  413: 'De aanvraag is te groot.',
  414: 'Het adres is te lang.',
  415: 'Dit type inhoud wordt niet ondersteund.',
  429: 'Te veel verzoeken; probeer het later opnieuw.',
  431: 'De headers van de aanvraag zijn te groot.',
  500: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.',
};

/** What a person reads on an error page: a heading and what to do next, per status. */
const PAGE_TEXTS: Record<number, { heading: string; advice: string }> = {
  400: { heading: 'Deze aanvraag klopt niet', advice: 'Controleer het adres of het formulier en probeer het opnieuw.' },
  401: { heading: 'Log in om verder te gaan', advice: 'Vraagbaak werkt zonder wachtwoord: u krijgt een inloglink per e-mail.' },
  403: { heading: 'Geen toegang', advice: 'U bent ingelogd, maar uw rol geeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? Neem contact op met het secretariaat.' },
  404: { heading: 'Deze pagina bestaat niet', advice: 'Misschien is het adres verkeerd overgenomen, of bestaat de pagina niet meer.' },
  405: { heading: 'Dit kan hier niet', advice: 'Deze pagina ondersteunt deze handeling niet.' },
  409: { heading: 'Dit kan nu niet', advice: 'De gegevens zijn intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.' },
  413: { heading: 'Te groot', advice: 'De aanvraag of het bestand is te groot.' },
  414: { heading: 'Het adres is te lang', advice: 'Controleer het adres en probeer het opnieuw.' },
  415: { heading: 'Dit type inhoud wordt niet ondersteund', advice: 'Verstuur het formulier opnieuw vanaf de pagina.' },
  431: { heading: 'Het adres is te lang', advice: 'Het adres (bijvoorbeeld een zoekopdracht) is te lang. Maak het korter en probeer het opnieuw.' },
  429: { heading: 'Even geduld', advice: 'Er kwamen te veel verzoeken tegelijk binnen.' },
  500: { heading: 'Er ging iets mis', advice: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.' },
  503: { heading: 'Tijdelijk niet beschikbaar', advice: 'Vraagbaak is even niet bereikbaar. Probeer het over een paar minuten opnieuw.' },
};

/**
 * The single place where errors become responses, whoever raises them: domain services, Nest
 * (guards, pipes, unknown routes), Fastify's body parsers, and — through `respondOutsideRoute`
 * and `respondToBrokenRequest` — the router and the HTTP parser, which answer before any hook
 * runs. API calls and other clients get `application/problem+json` (RFC 9457); a browser asking
 * for a page outside `/api/` gets the same status as a Dutch HTML page (401: a sign-in form that
 * returns to the page). Unknown errors are logged and answered with a generic 500 that reveals
 * nothing of the internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  /**
   * @param pages renders the HTML error pages (without it, every error is problem+json)
   * @param securityHeaders the security headers of every response, for the ones sent outside routes
   */
  constructor(
    private readonly pages?: PageRenderer,
    private readonly securityHeaders: HeaderList = [],
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  respond(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const problem = this.toProblem(error, request.url.split('?')[0]);
    if (problem.status >= 500) this.logger.error({ err: error, reqId: request.id }, 'Unhandled error');
    if (reply.sent || reply.raw.headersSent) return;
    if (error instanceof DomainError) reply.headers(error.headers);
    if (this.pages && wantsPage(request)) {
      const retryAfter = Number(reply.getHeader('retry-after'));
      const page = this.renderPage(problem, request.id, {
        // The signed-in person, when the error came after the access guard let them in (403, 404…).
        ...(reply as FastifyReply & { locals?: Record<string, unknown> }).locals,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
        returnTo: problem.status === 401 ? safeReturnPath(request.url) : null,
      });
      reply.status(problem.status).type(HTML_CONTENT_TYPE).header('Cache-Control', 'no-store').send(page);
      return;
    }
    reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  }

  /**
   * Fastify's `frameworkErrors`: a malformed URL (400) or an over-long path parameter (414) is
   * answered by the router before any hook runs, so this response adds the headers the hooks
   * would have added, and logs the request as the request log would have.
   */
  respondOutsideRoute(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    applyHeaders(reply, headersOutsideRoutes(this.securityHeaders, request.id));
    reply.raw.once('finish', () => logCompletedRequest(request, reply));
    this.respond(error, request, reply);
  }

  /**
   * Fastify's `clientErrorHandler`: the HTTP parser rejected the bytes (a malformed request line
   * or header, headers too large, a timeout), so there is no request to route or to answer
   * through Fastify; the answer is written to the socket with the usual headers. What the parser
   * read of the request (usually all of it) still says who asked: a browser (a search of a few
   * thousand characters makes too long an address) gets a page, and the caller's request id.
   */
  respondToBrokenRequest(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (!socket.writable) {
      socket.destroy(error);
      return;
    }
    // The rest of the request is read and dropped, and the connection closed gently: closing a
    // socket with unread bytes resets it, and the client may lose the answer.
    setTimeout(() => socket.destroy(), BROKEN_REQUEST_DRAIN_MS).unref();
    let head = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      socket.off('data', collect);
      if (socket.writable) socket.end(this.brokenRequestAnswer(status, head));
    };
    // Headers too large: the rest of the head (the Accept header) may still be on its way.
    const collect = (chunk: Buffer) => {
      if (head.length < BROKEN_REQUEST_HEAD_MAX) head = Buffer.concat([head, chunk]);
      if (head.length >= BROKEN_REQUEST_HEAD_MAX || head.includes('\r\n\r\n')) answer();
    };
    if (status === 431 && !head.includes('\r\n\r\n')) {
      socket.on('data', collect);
      setTimeout(answer, BROKEN_REQUEST_HEAD_WAIT_MS).unref();
    } else answer();
    socket.resume();
  }

  /** The raw HTTP answer to a request the parser rejected: a page for a browser, else problem+json. */
  private brokenRequestAnswer(status: number, head: Buffer): string {
    const seen = readBrokenRequest(head);
    const requestId = seen.requestId ?? randomUUID();
    const problem = this.generic(status, '');
    const page = this.pages !== undefined && wantsPage(seen);
    const body = page ? this.renderPage(problem, requestId) : JSON.stringify(problem);
    const headers: HeaderList = [
      ['Content-Type', page ? HTML_CONTENT_TYPE : PROBLEM_CONTENT_TYPE],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
      ...(page ? [['Cache-Control', 'no-store'] as const] : []),
      ...headersOutsideRoutes(this.securityHeaders, requestId),
    ];
    return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
  }

  toProblem(error: unknown, instance: string): Problem {
    if (error instanceof DomainError) {
      return {
        type: problemType(error.kind),
        title: statusTitle(error.status),
        status: error.status,
        detail: error.message,
        instance,
        ...(error instanceof InvalidInputError ? { invalidParams: error.invalidParams } : {}),
        ...error.extensions,
      };
    }
    if (error instanceof HttpException) {
      return this.generic(error.getStatus(), instance);
    }
    // Errors raised by Fastify itself (bad JSON, body too large, wrong content type, bad URL…).
    const fastify = error as { statusCode?: number; code?: string; message?: string };
    if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return this.generic(fastify.statusCode, instance, fastifyDetail(fastify.code));
    }
    return this.generic(500, instance);
  }

  private generic(status: number, instance: string, detail?: string): Problem {
    return {
      type: problemType(),
      title: statusTitle(status),
      status,
      detail: detail ?? DEFAULT_DETAILS[status] ?? statusTitle(status),
      instance,
    };
  }

  /** The error page of `problem`; `context`: what the request adds (who is signed in, when to retry, where to return). */
  private renderPage(problem: Problem, requestId: string, context: Record<string, unknown> = {}): string {
    const texts = PAGE_TEXTS[problem.status] ?? PAGE_TEXTS[problem.status >= 500 ? 500 : 400];
    return this.pages!.render('error.njk', {
      retryAfterSeconds: null,
      returnTo: null,
      ...context,
      status: problem.status,
      heading: texts.heading,
      advice: texts.advice,
      // The generic detail says what the heading says; a specific one (from a service) adds to it.
      detail: problem.detail === DEFAULT_DETAILS[problem.status] ? null : problem.detail,
      invalidParams: problem.invalidParams ?? [],
      path: readablePath(problem.instance),
      requestId,
    });
  }
}

/** The target and the headers that matter of a request the HTTP parser rejected, as far as it read them. */
function readBrokenRequest(raw: Buffer): { url: string; headers: { accept?: string }; requestId?: string } {
  const [requestLine = '', ...lines] = raw.toString('latin1').split('\r\n\r\n')[0].split('\r\n');
  const target = requestLine.split(' ')[1] ?? '';
  const header = (name: string) => lines.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const requestId = header('x-request-id');
  return { url: target.startsWith('/') ? target : '', headers: { accept: header('accept') }, requestId: requestId && REQUEST_ID.test(requestId) ? requestId : undefined };
}

/** The path as a person typed it (decoded where it decodes); the page escapes it. */
function readablePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function fastifyDetail(code?: string): string | undefined {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'De aanvraag bevat geen geldige JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'De aanvraag is te groot.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Dit type inhoud wordt niet ondersteund; gebruik application/json.';
    case 'FST_ERR_BAD_URL':
      return 'Het adres bevat een ongeldige codering (%-teken).';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'Een deel van het adres is te lang.';
    default:
      return undefined;
  }
}
