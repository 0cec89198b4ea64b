import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';

export const ROLES = ['requester', 'expert', 'coordinator', 'secretariat'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: Role[] = ['expert', 'coordinator', 'secretariat'];

/** Whether someone with these roles works for the taskforce (the one rule behind every "staff" check). */
export function hasStaffRole(roles: readonly Role[]): boolean {
  return roles.some((role) => STAFF_ROLES.includes(role));
}

export const ACCESS_KEY = 'vraagbaak:access';
export type AccessRule = { kind: 'public' } | { kind: 'authenticated'; roles: Role[] | 'any' };

/**
 * Every route declares who may call it; the access guard denies routes without a declaration.
 * `@Public()` is a declaration too.
 */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);

/** Callers holding at least one of these roles. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'authenticated', roles } satisfies AccessRule),
    ApiBearerAuth(),
    ApiCookieAuth(),
  );

/** Any signed-in user, whatever their roles. */
export const SignedIn = () =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'authenticated', roles: 'any' } satisfies AccessRule),
    ApiBearerAuth(),
    ApiCookieAuth(),
  );
