import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError } from '../../common/domain-errors.js';
import { PROBLEM_CONTENT_TYPE, Problem, problemType, statusTitle } from './problem-details.js';

/** Dutch details for the HTTP-level failures that do not come from a domain service. */
const DEFAULT_DETAILS: Record<number, string> = {
  400: 'De aanvraag is ongeldig.',
  401: 'Log in om dit te doen.',
  403: 'U hebt geen toegang tot deze functie.',
  404: 'Deze bron bestaat niet.',
  405: 'Deze methode is hier niet toegestaan.',
  413: 'De aanvraag is te groot.',
  415: 'Dit type inhoud wordt niet ondersteund.',
  429: 'Te veel verzoeken; probeer het later opnieuw.',
  500: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.',
};

/**
 * The single place where errors become responses: every error leaves as
 * `application/problem+json` (RFC 9457). Unknown errors are logged and answered with a
 * generic 500 that reveals nothing of the internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(error, request.url.split('?')[0]);
    if (problem.status >= 500) this.logger.error({ err: error, reqId: request.id }, 'Unhandled error');
    if (reply.sent) return;
    if (error instanceof DomainError) reply.headers(error.headers);
    reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
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
    // Errors raised by Fastify itself (bad JSON, body too large, wrong content type…).
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
    default:
      return undefined;
  }
}
