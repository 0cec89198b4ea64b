import { CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule } from '../common/access.js';
import { ForbiddenError, UnauthenticatedError } from '../common/domain-errors.js';
import { AppSecrets } from '../infra/secrets.js';
import { AuthService } from './auth.service.js';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestWithPrincipal } from './principal.js';

export const SESSION_COOKIE = 'vraagbaak_session';
export const CSRF_COOKIE = 'vraagbaak_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const MFA_PENDING_KEY = 'vraagbaak:mfa-pending-allowed';
/** Routes a staff member may use before enrolling a second factor (enrolment itself, /me, sign-out). */
export const AllowDuringMfaEnrolment = () => SetMetadata(MFA_PENDING_KEY, true);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads a credential from a request: a Bearer header wins over the session cookie. */
export function credentialOf(request: RequestWithPrincipal): { bearer?: string; cookie?: string } {
  const header = request.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const cookie = (request.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  return bearer ? { bearer } : cookie ? { cookie } : {};
}

const AUTHENTICATION = Symbol('vraagbaak.authentication');

/**
 * The caller's verified principal, looked up once per request and kept on it: the rate limiter
 * (which runs first, in a Fastify hook) keys on it and the access guard authorises with it.
 * Resolves to null without a credential; rejects with UnauthenticatedError for one that is not
 * (or no longer) valid.
 */
export function authenticateRequest(request: FastifyRequest, auth: AuthService): Promise<Principal | null> {
  const holder = request as FastifyRequest & { [AUTHENTICATION]?: Promise<Principal | null> };
  holder[AUTHENTICATION] ??= auth.authenticate(credentialOf(request as RequestWithPrincipal));
  return holder[AUTHENTICATION];
}

/**
 * Default deny: every route must declare who may call it (@Public, @SignedIn, @Roles).
 * Authenticates the caller, checks roles, the second factor and CSRF for cookie sessions.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly secrets: AppSecrets,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets);
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    if (!rule) {
      this.logger.error(`Route ${request.method} ${request.url} declares no access rule; denied.`);
      throw new ForbiddenError();
    }
    if (rule.kind === 'public') {
      // Public routes still recognise a valid caller (e.g. staff views), but never fail on a bad one.
      request.principal = (await authenticateRequest(request, this.auth).catch(() => null)) ?? undefined;
      if (request.principal && !request.principal.mfaSatisfied) request.principal = undefined;
      return true;
    }
    const principal = await authenticateRequest(request, this.auth);
    if (!principal) throw new UnauthenticatedError();
    request.principal = principal;
    if (!principal.mfaSatisfied && !this.reflector.getAllAndOverride<boolean>(MFA_PENDING_KEY, targets)) {
      throw new ForbiddenError('Stel eerst uw tweede factor (authenticator-app) in.');
    }
    if (principal.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      // Scripts send the header; the server-rendered forms (no scripts) send a `csrf` field, or —
      // a multipart form, whose fields are read only after this check — a `csrf` query parameter.
      const given = request.headers[CSRF_HEADER] ?? (request.body as { csrf?: unknown } | undefined)?.csrf ?? multipartCsrf(request);
      if (!this.secrets.verifyCsrfToken(principal.sessionTokenHash!, typeof given === 'string' ? given : undefined)) {
        throw new ForbiddenError('De CSRF-controle is mislukt; stuur de header X-CSRF-Token mee.');
      }
    }
    if (rule.roles !== 'any' && !rule.roles.some((role) => principal.user.roles.includes(role))) {
      throw new ForbiddenError();
    }
    return true;
  }
}

/** The `csrf` query parameter of a multipart/form-data request (never of another kind of request). */
function multipartCsrf(request: RequestWithPrincipal): unknown {
  if (!String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) return undefined;
  return (request.query as { csrf?: unknown } | undefined)?.csrf;
}
