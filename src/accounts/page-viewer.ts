import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { isApiPath } from '../infra/http/pages.js';
import { hasStaffRole, type Role } from '../common/access.js';
import { AuthService } from './auth.service.js';
import type { Principal, RequestWithPrincipal } from './principal.js';

/** Roles as the navigation names them. */
export const ROLE_NAMES: Record<Role, string> = {
  requester: 'vraagsteller',
  expert: 'expert',
  coordinator: 'coördinator',
  secretariat: 'secretariaat',
};

/** Who is looking at a page, as the layout shows it: name, roles, and the token its sign-out form posts. */
export interface PageViewer {
  displayName: string;
  roles: string;
  isRequester: boolean;
  isStaff: boolean;
  isSecretariat: boolean;
  /** The CSRF token of a cookie session (forms post it as `csrf`); absent for bearer callers. */
  csrf: string | null;
}

export function pageViewer(principal: Principal, csrf: string | null): PageViewer {
  const roles = principal.user.roles;
  return {
    displayName: principal.user.displayName,
    roles: roles.map((role) => ROLE_NAMES[role]).join(', '),
    isRequester: roles.includes('requester'),
    isStaff: hasStaffRole(roles),
    isSecretariat: roles.includes('secretariat'),
    csrf,
  };
}

/**
 * Hands every page the signed-in person (`viewer`) and the path it was asked for (`currentPath`,
 * for `aria-current` in the navigation) through @fastify/view's `reply.locals`, so no page
 * controller passes them by hand. Runs after the access guard, which resolved the principal.
 */
@Injectable()
export class PageViewerInterceptor implements NestInterceptor {
  constructor(private readonly auth: AuthService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const http = context.switchToHttp();
      const request = http.getRequest<RequestWithPrincipal>();
      const reply = http.getResponse<FastifyReply & { locals?: Record<string, unknown> }>();
      // API calls render no page: they skip the CSRF token's HMAC.
      if (reply.locals && !isApiPath(request.url)) {
        reply.locals.currentPath = request.url.split('?')[0];
        if (request.principal) reply.locals.viewer = pageViewer(request.principal, this.auth.csrfTokenFor(request.principal) ?? null);
      }
    }
    return next.handle();
  }
}
