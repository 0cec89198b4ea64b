import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInputError, InvalidParam } from '../../common/domain-errors.js';
import { dutchReason } from './validation-messages.js';

/** Flattens class-validator errors to `invalidParams` with Dutch reasons, naming nested fields by dotted path. */
export function toInvalidParams(errors: ValidationError[], prefix = ''): InvalidParam[] {
  const params: InvalidParam[] = [];
  for (const error of errors) {
    // A body that is no object at all fails as a whole (class-validator leaves the property out).
    const property = error.property ?? 'body';
    const name = prefix ? (/^\d+$/.test(property) ? `${prefix}[${property}]` : `${prefix}.${property}`) : property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      const reason = dutchReason(error, constraint, message);
      if (!params.some((p) => p.name === name && p.reason === reason)) params.push({ name, reason });
    }
    if (error.children?.length) params.push(...toInvalidParams(error.children, name));
  }
  return params;
}

/**
 * Whitelisting, transforming validation; unknown fields are rejected, not silently dropped.
 * Rules without a message of their own get a Dutch reason (validation-messages.ts), never
 * class-validator's English default; the failing object stays on the error (`target`) only so
 * that the reason can name the rule's arguments — it never leaves the process.
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
  dismissDefaultMessages: true,
  validationError: { target: true, value: false },
  exceptionFactory: (errors: ValidationError[]) => new InvalidInputError(toInvalidParams(errors)),
};

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe(VALIDATION_OPTIONS);
}

/**
 * Deepest nesting of objects and arrays accepted in any input. Real bodies nest two or three
 * levels; class-transformer and class-validator recurse per level, so an unbounded depth
 * would overflow the stack (a 3 KB body of brackets did).
 */
export const MAX_INPUT_DEPTH = 20;

function tooDeep(name: string): InvalidInputError {
  return new InvalidInputError([{ name, reason: `mag hoogstens ${MAX_INPUT_DEPTH} niveaus diep genest zijn` }], 'De aanvraag is te diep genest.');
}

/** Whether `value` nests objects or arrays more than `limit` levels deep (recursion bounded by `limit`). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (nestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}

type JsonParser = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * The JSON body parser of every route: Fastify's own (prototype poisoning is an error), then
 * bounded in depth, so that no JSON route ever hands a deeper structure to validation.
 */
export function boundedJsonParser(fastify: FastifyInstance): JsonParser {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig as { onProtoPoisoning?: 'error' | 'remove' | 'ignore'; onConstructorPoisoning?: 'error' | 'remove' | 'ignore' };
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error') as unknown as JsonParser;
  return (request, body, done) =>
    parse(request, body, (error, value) => {
      if (error) done(error);
      else if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) done(tooDeep('body'));
      else done(null, value);
    });
}

const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
const toWellFormed = (text: string) => (text as string & { toWellFormed(): string }).toWellFormed();

/** Why a piece of text is not acceptable, if it is not. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'mag geen NUL-teken bevatten';
  if (!isWellFormed(text)) return 'mag alleen geldige Unicode-tekst bevatten (geen losse surrogaten)';
  return undefined;
}

/**
 * Input every route receives as well-formed text before anything else looks at it: no NUL
 * bytes (never legitimate, and PostgreSQL refuses them), no lone UTF-16 surrogates (the JSON
 * escape `\ud800`, which validators such as isEmail throw on and databases store mangled), in
 * any string or key of a body, query or path parameter — and no structure deeper than
 * {@link MAX_INPUT_DEPTH}, whatever parser produced it. A body declared as a DTO must be an
 * object (or absent).
 */
@Injectable()
export class WellFormedInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'body' ? '' : (metadata.data ?? '');
    if (metadata.type === 'body' && isDtoClass(metadata.metatype) && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new InvalidInputError([{ name: 'body', reason: 'moet een JSON-object zijn' }]);
    }
    const problem = findProblem(value, root, MAX_INPUT_DEPTH);
    if (problem) throw problem.name === undefined ? tooDeep(root || metadata.type) : new InvalidInputError([{ name: problem.name || metadata.type, reason: problem.reason }]);
    return value;
  }
}

function isDtoClass(metatype: unknown): boolean {
  return typeof metatype === 'function' && ![Object, String, Number, Boolean, Array].includes(metatype as never);
}

/** The first bad string or key under `value`; `name: undefined` when it nests too deep. */
function findProblem(value: unknown, path: string, depthLeft: number): { name?: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { name: path, reason } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depthLeft === 0) return { reason: 'te diep genest' };
  const isArray = Array.isArray(value);
  for (const [key, child] of Object.entries(value)) {
    const childPath = isArray ? `${path}[${key}]` : path ? `${path}.${toWellFormed(key)}` : toWellFormed(key);
    const keyReason = isArray ? undefined : textProblem(key);
    if (keyReason) return { name: childPath, reason: keyReason };
    const found = findProblem(child, childPath, depthLeft - 1);
    if (found) return found;
  }
  return undefined;
}

const MAX_INT32 = 2_147_483_647;

/** Path parameter that must be a positive 32-bit integer (larger values would overflow SQL integers). */
@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const number = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(number) || number < 1 || number > MAX_INT32) {
      throw new InvalidInputError([{ name: metadata.data ?? 'id', reason: `moet een positief geheel getal zijn (tot ${MAX_INT32})` }]);
    }
    return number;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path parameter that must be a UUID; answered with 400 (not 404) when malformed. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!UUID.test(value)) throw new InvalidInputError([{ name: metadata.data ?? 'id', reason: 'moet een UUID zijn' }]);
    return value.toLowerCase();
  }
}

/** Path parameter holding a short code such as an organisation code (GM0518); upper-cased. */
@Injectable()
export class CodePipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!/^[A-Za-z0-9-]{2,20}$/.test(value)) {
      throw new InvalidInputError([{ name: metadata.data ?? 'code', reason: 'moet een code van 2–20 letters, cijfers of streepjes zijn' }]);
    }
    return value.toUpperCase();
  }
}
