/**
 * Domain errors: services throw these; ProblemDetailsFilter maps them to RFC 9457 responses.
 * Messages are Dutch because they reach people (the `detail` of a problem).
 */
export interface InvalidParam {
  name: string;
  reason: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Short machine-readable kind; becomes the problem `type` (`urn:vraagbaak:problem:<kind>`). */
  abstract readonly kind: string;
  readonly extensions: Record<string, unknown> = {};
  /** Response headers that belong to this problem (e.g. Retry-After). */
  readonly headers: Record<string, string> = {};
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly kind = 'not-found';
  constructor(resource: string, id: string | number) {
    super(`${resource} ${JSON.stringify(String(id))} bestaat niet.`);
  }
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly kind = 'invalid-input';
  constructor(
    readonly invalidParams: InvalidParam[],
    detail = 'De aanvraag bevat ongeldige gegevens.',
  ) {
    super(detail);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly kind: string;
  constructor(detail: string, kind = 'conflict') {
    super(detail);
    this.kind = kind;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  readonly kind = 'unauthenticated';
  constructor(detail = 'Log in om dit te doen.') {
    super(detail);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly kind = 'forbidden';
  constructor(detail = 'U hebt geen toegang tot deze functie.') {
    super(detail);
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly kind = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly kind = 'unsupported-media-type';
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly kind = 'rate-limited';
  constructor(retryAfterSeconds: number, detail = 'Te veel verzoeken; probeer het later opnieuw.') {
    super(detail);
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
