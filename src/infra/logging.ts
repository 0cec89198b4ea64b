import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import { AppConfig } from '../config/app-config.js';

/** Structured JSON logs; each request line carries the request id that X-Request-Id echoes. */
export function loggerOptions(config: AppConfig, output: 'stdout' | 'stderr' = 'stdout'): Params {
  return {
    pinoHttp: {
      stream: output === 'stderr' ? pino.destination(2) : undefined,
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Never log credentials or personal mail addresses in request metadata.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'req.headers["x-csrf-token"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      quietReqLogger: true,
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
    },
  };
}
