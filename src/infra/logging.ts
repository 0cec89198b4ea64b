import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';

/**
 * Structured JSON logs (pino) for the whole process. HTTP requests are logged by Fastify's own
 * pino integration — one line per request with its id — which costs far less per request than
 * an Express-style logging middleware with async context.
 */
export function createRootLogger(config: AppConfig, output: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      // Never log credentials in request metadata.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'], censor: '[redacted]' },
    },
    output === 'stderr' ? pino.destination(2) : pino.destination(1),
  );
}

/** One line per finished request (health checks excepted), at a level that follows the status. */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', async (request, reply) => logCompletedRequest(request, reply));
}

/** The request log line; also written for the few responses sent outside the route lifecycle. */
export function logCompletedRequest(request: FastifyRequest, reply: FastifyReply): void {
  if (request.url.startsWith('/health')) return;
  const status = reply.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  request.log[level](
    { req: { id: request.id, method: request.method, url: request.url.split('?')[0] }, res: { statusCode: status }, responseTime: Math.round(reply.elapsedTime || 0) },
    'request completed',
  );
}

/** Nest's logger interface on top of the root pino logger (application, worker and CLI logs). */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, params: unknown[]): void {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (message && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      const text = typeof msg === 'string' ? msg : params.length > 1 && typeof params[0] === 'string' ? params[0] : '';
      this.logger[level]({ context, ...rest }, text);
    } else {
      const stack = level === 'error' && typeof params[0] === 'string' && params.length > 1 ? params[0] : undefined;
      this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
}
