import { isIP } from 'node:net';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { hasStaffRole, type Role } from '../common/access.js';
import type { AuditActor } from '../audit/index.js';
import type { User } from './user.entity.js';

/** The authenticated caller of a request. */
export interface Principal {
  user: User;
  via: 'cookie' | 'bearer' | 'api-token';
  sessionId?: string;
  sessionTokenHash?: string;
  apiTokenId?: string;
  /** False while a staff member has signed in but not yet enrolled a second factor. */
  mfaSatisfied: boolean;
}

export interface RequestWithPrincipal extends FastifyRequest {
  principal?: Principal;
}

export function hasAnyRole(principal: Principal | undefined, roles: Role[]): boolean {
  return !!principal && roles.some((role) => principal.user.roles.includes(role));
}

/** A signed-in member of the taskforce (expert, coordinator or secretariat). */
export function isStaff(principal: Principal | undefined): boolean {
  return !!principal && hasStaffRole(principal.user.roles);
}

/** The signed-in caller (routes declared with @Roles or @SignedIn always have one). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
});

/**
 * Where a request comes from: the TCP peer, or the client a trusted proxy (TRUST_PROXY) names in
 * X-Forwarded-For — `request.ip` after Fastify's trust decision (the peer when a proxy passed on
 * something that is no IP address). Rate limits, sign-in link limits and the audit trail use this.
 */
export function clientAddress(request: FastifyRequest): string | null {
  const ip = request.ip;
  if (ip && isIP(ip)) return ip;
  return request.socket?.remoteAddress ?? null;
}

/** Actor and origin for the audit trail. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): AuditActor => {
  const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
  return { actorId: request.principal?.user.id ?? null, ip: clientAddress(request) };
});
