import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError, InvalidParam } from '../../common/domain-errors.js';

/** Flattens class-validator errors to `invalidParams`, naming nested fields by dotted path. */
export function toInvalidParams(errors: ValidationError[], prefix = ''): InvalidParam[] {
  const params: InvalidParam[] = [];
  for (const error of errors) {
    const name = prefix ? (/^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`) : error.property;
    for (const reason of Object.values(error.constraints ?? {})) params.push({ name, reason });
    if (error.children?.length) params.push(...toInvalidParams(error.children, name));
  }
  return params;
}

/** Whitelisting, transforming validation; unknown fields are rejected, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInputError(toInvalidParams(errors)),
  });
}

/** NUL bytes are never legitimate text; reject them before they reach a database driver. */
@Injectable()
export class RejectNulBytesPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const path = findNul(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (path !== undefined) {
      throw new InvalidInputError([{ name: path || metadata.type, reason: 'mag geen NUL-teken bevatten' }]);
    }
    return value;
  }
}

function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path}.${key}` : key;
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = findNul(child, childPath, depth + 1);
    if (found !== undefined) return found;
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
