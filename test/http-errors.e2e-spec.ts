import { type AddressInfo, connect } from 'node:net';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every error response, whoever raises it (router, body parser, Nest, a service), leaves the same way. */
describe('error responses (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  /** Bytes straight onto a socket (for what the HTTP parser rejects), and the answer's head, headers and body. */
  const sendRaw = async (request: string) => {
    if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
      // The server closes at once, unread bytes and all: the reset may come after its answer.
      socket.on('error', (error) => (data ? resolve(data) : reject(error)));
    });
    const [head, body] = raw.split('\r\n\r\n');
    const headers = Object.fromEntries(head.split('\r\n').slice(1).map((line) => [line.split(':')[0].toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    return { head, headers, body };
  };

  const expectCommonHeaders = (res: { headers: Record<string, string> }, requestId: string) => {
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.headers['api-version']).toBe('1.0.0');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  };

  describe('as problem+json from the API', () => {
    it.each([
      ['bad percent-encoding in a path parameter', 'get', '/api/v1/users/%C0%AF', undefined, undefined, 400],
      ['a path parameter over 200 characters', 'get', `/api/v1/keuzes/${'9'.repeat(201)}`, undefined, undefined, 414],
      ['an unknown route', 'get', '/api/v1/nothing-here', undefined, undefined, 404],
      ['malformed JSON', 'post', '/api/v1/auth/sign-in-links', 'application/json', '{"email":', 400],
      ['a content type the route does not read', 'post', '/api/v1/auth/sign-in-links', 'text/csv', 'email\na@b.nl', 415],
    ])('%s', async (_name, method, path, contentType, body, status) => {
      const requestId = `probe-${status}-${method}`;
      let request = (method === 'get' ? t.http.get(path) : t.http.post(path)).set('X-Request-Id', requestId);
      if (contentType) request = request.set('Content-Type', contentType).send(body);
      const res = await request;
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), instance: path.split('?')[0] });
      expectCommonHeaders(res, requestId);
    });

    it('a request the HTTP parser rejects (no request to route at all)', async () => {
      const { head, headers, body } = await sendRaw('GET /api/v1/themes HTTP/1.1\r\nHost: vraagbaak.test\r\nBad Header: 1\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(body)).toMatchObject({ status: 400, title: 'Bad Request', detail: 'De aanvraag is ongeldig.' });
      expectCommonHeaders({ headers }, headers['x-request-id']);
      expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('as an HTML page for a browser', () => {
    it('a search too long for the HTTP parser (no request to route) answers with a page, not problem+json', async () => {
      // The knowledge base's search form is a GET form: a long paste makes a too long address.
      const search = `/kennisbank?q=${encodeURIComponent('<fz-x>'.repeat(10_000))}`;
      const accept = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
      const { head, headers, body } = await sendRaw(`GET ${search} HTTP/1.1\r\nHost: vraagbaak.test\r\nAccept: ${accept}\r\nX-Request-Id: probe-long-search\r\n\r\n`);
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(headers['content-type']).toBe('text/html; charset=utf-8');
      expect(body).toContain('<html lang="nl"');
      expect(body).toContain('Het adres is te lang');
      expect(body).not.toContain('<fz-x');
      expectCommonHeaders({ headers }, 'probe-long-search');
    });
  });
});
