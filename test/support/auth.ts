import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/common/access.js';
import { AuthService } from '../../src/accounts/auth.service.js';
import { UsersService } from '../../src/accounts/users.service.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.service.js';
import type { UserDto } from '../../src/accounts/accounts.dto.js';
import { Database } from '../../src/infra/database/database.service.js';
import { Clock } from '../../src/common/clock.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/accounts/access.guard.js';
import { AppSecrets } from '../../src/infra/secrets.js';
import type { TestApp } from './test-app.js';

export interface TestUser {
  user: UserDto;
  /** `Authorization: Bearer …` for supertest's `.set()`. */
  auth: { Authorization: string };
}

export interface TestUserOptions {
  roles: Role[];
  email?: string;
  displayName?: string;
  organisationCode?: string;
  keuzeIds?: number[];
  themeIds?: number[];
  capacity?: number;
}

/**
 * Creates (or updates) a user and a bearer session for it, without the mail round-trip that
 * the sign-in tests cover. Requesters get an organisation by default.
 */
export async function signInAs(t: TestApp, options: TestUserOptions): Promise<TestUser> {
  const users = t.app.get(UsersService);
  const auth = t.app.get(AuthService);
  const db = t.app.get(Database);
  const email = options.email ?? `${options.roles.join('-')}-${randomBytes(4).toString('hex')}@test.example.nl`;
  const { user } = await users.upsert(
    {
      email,
      displayName: options.displayName ?? email.split('@')[0],
      roles: options.roles,
      organisationCode: options.organisationCode ?? (options.roles.includes('requester') ? 'GM0363' : null),
      expertise: options.keuzeIds || options.themeIds ? { keuzeIds: options.keuzeIds ?? [], themeIds: options.themeIds ?? [] } : undefined,
      capacity: options.capacity ?? null,
    },
    SYSTEM_ACTOR,
  );
  const { sessionToken } = await db.transaction((m) => auth.startSession(m, user.id, 'bearer', true, '127.0.0.1', t.app.get(Clock).now()));
  return { user, auth: { Authorization: `Bearer ${sessionToken}` } };
}

/** The four roles of a question's life, the expert knowing `expertKeuzeIds` (capacity 20). */
export async function signInCast(
  t: TestApp,
  expertKeuzeIds: number[],
): Promise<{ requester: TestUser; expert: TestUser; coordinator: TestUser; secretariat: TestUser }> {
  return {
    requester: await signInAs(t, { roles: ['requester'] }),
    expert: await signInAs(t, { roles: ['expert'], keuzeIds: expertKeuzeIds, capacity: 20 }),
    coordinator: await signInAs(t, { roles: ['coordinator'] }),
    secretariat: await signInAs(t, { roles: ['secretariat'] }),
  };
}

/** Cookies from Set-Cookie headers, by name. */
export function cookiesOf(res: { headers: Record<string, unknown> }): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? [])) {
    const [pair] = line.split(';');
    const [name, ...value] = pair.split('=');
    jar[name.trim()] = value.join('=');
  }
  return jar;
}

/** A cookie jar as a Cookie header value. */
export const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

/** A browser's sign-in: the session and form-token cookies a page request sends, and the form token its forms post. */
export interface BrowserSession {
  user: TestUser['user'];
  /** The same person's API credentials. */
  api: TestUser;
  cookie: string;
  csrf: string;
}

/** Starts a cookie session for `user` (second factor satisfied), as signing in through the pages does. */
export async function browserSession(t: TestApp, user: TestUser): Promise<BrowserSession> {
  const { session, sessionToken } = await t.app
    .get(Database)
    .transaction((m) => t.app.get(AuthService).startSession(m, user.user.id, 'cookie', true, '127.0.0.1', t.app.get(Clock).now()));
  const csrf = t.app.get(AppSecrets).csrfToken(session.tokenHash);
  return { user: user.user, api: user, cookie: `${SESSION_COOKIE}=${sessionToken}; ${CSRF_COOKIE}=${csrf}`, csrf };
}
