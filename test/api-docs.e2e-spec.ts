import { runInNewContext } from 'node:vm';
import { AuthService } from '../src/accounts/auth.service.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../src/accounts/access.guard.js';
import { Clock } from '../src/common/clock.js';
import { Database } from '../src/infra/database/database.service.js';
import { AppSecrets } from '../src/infra/secrets.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { signInAs } from './support/auth.js';

type Interceptor = (request: { method: string; url?: string; headers: Record<string, string> }) => { headers: Record<string, string> };

describe('API docs UI (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  /** Runs the served Swagger UI start script as a browser would, with these cookies; returns Swagger UI's options. */
  async function swaggerOptions(cookie: string): Promise<{ requestInterceptor?: Interceptor }> {
    const page = await t.http.get('/api/docs').expect(200);
    const src = page.text.match(/<script src=["']([^"']*swagger-ui-init\.js)["']/)![1];
    const script = await t.http.get(new URL(src, 'http://vraagbaak.test/api/docs/').pathname).expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    let options: { requestInterceptor?: Interceptor } = {};
    const SwaggerUIBundle = Object.assign((given: typeof options) => ((options = given), { initOAuth() {}, authActions: { authorize() {} } }), {
      presets: { apis: {} },
      plugins: { DownloadUrl: {} },
    });
    const window: { onload?: () => void; location: { search: string; origin: string } } = { location: { search: '', origin: 'http://vraagbaak.test' } };
    const context = { window, location: { href: 'http://vraagbaak.test/api/docs', origin: 'http://vraagbaak.test' }, document: { cookie }, URL, SwaggerUIBundle, SwaggerUIStandalonePreset: {} };
    runInNewContext(script.text, context);
    runInNewContext('window.onload()', context);
    return options;
  }

  it('sends the CSRF header on writes, so a browser session can use it', async () => {
    const { user } = await signInAs(t, { roles: ['requester'], displayName: 'Voor' });
    const { sessionToken, session } = await t.app
      .get(Database)
      .transaction((m) => t.app.get(AuthService).startSession(m, user.id, 'cookie', true, '127.0.0.1', t.app.get(Clock).now()));
    const jar = `${SESSION_COOKIE}=${sessionToken}; ${CSRF_COOKIE}=${t.app.get(AppSecrets).csrfToken(session.tokenHash)}`;

    const { requestInterceptor } = await swaggerOptions(`theme=dark; ${jar}`);
    expect(typeof requestInterceptor).toBe('function');
    expect(requestInterceptor!({ method: 'GET', headers: {} }).headers).toEqual({});
    const headers = requestInterceptor!({ method: 'PATCH', headers: { 'Content-Type': 'application/json' } }).headers;
    expect(headers['X-CSRF-Token']).toBe(t.app.get(AppSecrets).csrfToken(session.tokenHash));
    expect(requestInterceptor!({ method: 'POST', url: '/api/v1/questions', headers: {} }).headers['X-CSRF-Token']).toBe(headers['X-CSRF-Token']);
    // Never to another host the document might name.
    expect(requestInterceptor!({ method: 'POST', url: 'https://elders.example/api', headers: {} }).headers).toEqual({});

    // The write Swagger UI then sends succeeds; without the header it would be a 403.
    await t.http.patch('/api/v1/me').set('Cookie', jar).send({ displayName: 'Na' }).expect(403);
    const res = await t.http.patch('/api/v1/me').set('Cookie', jar).set(headers).send({ displayName: 'Na' }).expect(200);
    expect(res.body.displayName).toBe('Na');
  });

  it('adds no header without a session', async () => {
    const { requestInterceptor } = await swaggerOptions('');
    expect(requestInterceptor!({ method: 'POST', headers: {} }).headers).toEqual({});
  });

  it('describes bearer tokens as the opaque tokens they are, not JWTs', async () => {
    const document = (await t.http.get('/api/v1/openapi.json').expect(200)).body;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
    expect(JSON.stringify(document.components.securitySchemes)).not.toMatch(/JWT/);
  });
});
