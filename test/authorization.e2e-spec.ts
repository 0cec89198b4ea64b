import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule, ROLES, Role } from '../src/common/access.js';
import { NON_API_ROUTES } from '../src/infra/http/create-app.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

interface Route {
  method: string;
  path: string;
  rule: AccessRule | undefined;
  name: string;
}

/** Every route the app serves through Nest controllers, with its access declaration. */
function collectRoutes(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const reflector = t.app.get(Reflector);
  // An escaped colon in an exclusion is a literal one (the keuze page's exact pattern).
  const excluded = new Set(NON_API_ROUTES.map((r) => r.path.replace('/{*rest}', '').replace(/\\/g, '')));
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as { new (...args: unknown[]): unknown; name: string } | undefined;
    if (!controller || !wrapper.instance) continue;
    const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '')[0];
    const prototype = Object.getPrototypeOf(wrapper.instance);
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName];
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (requestMethod === undefined) continue;
      const sub = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '')[0];
      const relative = [base, sub].filter((p) => p && p !== '/').join('/').replace(/^\/|\/$/g, '');
      const outsideApi = [...excluded].some((p) => relative === p || relative.startsWith(`${p}/`));
      const path = `/${outsideApi ? '' : 'api/v1/'}${relative}`.replace(/\/$/, '');
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [handler, controller]);
      routes.push({ method: RequestMethod[requestMethod], path, rule, name: `${controller.name}.${methodName}` });
    }
  }
  return routes;
}

/** A concrete URL for a route pattern: UUIDs for ids, numbers for catalog ids, codes for codes. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (/code/i.test(name)) return 'GM0363';
    if (/domain/i.test(name)) return 'example.nl';
    if ((name === 'id' || name === 'nummer') && /keuzes|themas/.test(path)) return '1';
    return '00000000-0000-4000-8000-000000000000';
  });
}

describe('authorization of every route (e2e)', () => {
  let t: TestApp;
  let routes: Route[];
  const users: Partial<Record<Role, TestUser>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    routes = collectRoutes(t);
    for (const role of ROLES) users[role] = await signInAs(t, { roles: [role] });
  });
  afterAll(() => t.close());

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/keuzes/:id');
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('GET /keuzes/:nummer');
  });

  it('has an access declaration on every route (@Public, @SignedIn or @Roles)', () => {
    const undeclared = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path} (${r.name})`);
    expect(undeclared).toEqual([]);
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind === 'authenticated')) {
      const res = await t.http[route.method.toLowerCase() as 'get'](concrete(route.path)).send({});
      if (res.status !== 401) wrong.push(`${route.method} ${route.path}: ${res.status}`);
      else expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to callers without a declared role', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      if (route.rule?.kind !== 'authenticated' || route.rule.roles === 'any') continue;
      const allowed = route.rule.roles;
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        checked++;
        const res = await t.http[route.method.toLowerCase() as 'get'](concrete(route.path)).set(users[role]!.auth).send({});
        if (res.status !== 403) wrong.push(`${route.method} ${route.path} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('never answers 401 or 403 on public routes', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind === 'public' && r.method === 'GET')) {
      const res = await t.http.get(concrete(route.path));
      if (res.status === 401 || res.status === 403) wrong.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('ignores an invalid credential on public routes but rejects it elsewhere', async () => {
    const bad = { Authorization: 'Bearer vbs_not-a-real-token' };
    await t.http.get('/api/v1/keuzes').set(bad).expect(200);
    await t.http.get('/api/v1/me').set(bad).expect(401);
  });
});
