import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APP_ROOT } from '../src/infra/app-root.js';
import { TestApp, freshDatabase, startTestApp } from './support/test-app.js';

const run = promisify(execFile);

describe('foundation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('WBS catalog', () => {
    it('lists the 8 themes in document order', async () => {
      const res = await t.http.get('/api/v1/themes').expect(200);
      expect(res.body.page).toEqual({ number: 1, size: 100, total: 8 });
      expect(res.body.data.map((x: { id: number }) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(res.body.data[0].title).toBe('Voldoende water');
      expect(res.body.data[5].title).toBe('Laagveengebieden');
    });

    it('lists the 33 keuzes with their theme', async () => {
      const res = await t.http.get('/api/v1/keuzes').expect(200);
      expect(res.body.data).toHaveLength(33);
      expect(res.body.data.map((k: { id: number }) => k.id)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
      const k25 = res.body.data[24];
      expect(k25).toEqual({
        id: 25,
        title: 'Grondwaterstand verhogen om bodemdaling en veenoxidatie te voorkomen',
        theme: { id: 6, title: 'Laagveengebieden' },
      });
      // PDF ligature artefacts are repaired ("toekomstge" → "toekomstige").
      expect(res.body.data[21].title).toContain('toekomstige');
      expect(JSON.stringify(res.body)).not.toMatch(/locates|toekomstge|verziltng/);
    });

    it('filters keuzes by theme and pages them', async () => {
      const res = await t.http.get('/api/v1/keuzes?themeId=8').expect(200);
      expect(res.body.data.map((k: { id: number }) => k.id)).toEqual([30, 31, 32, 33]);
      const page2 = await t.http.get('/api/v1/keuzes?page=2&pageSize=10').expect(200);
      expect(page2.body.page).toEqual({ number: 2, size: 10, total: 33 });
      expect(page2.body.data[0].id).toBe(11);
    });

    it('gets one keuze, 404 for an unknown one and 400 for a malformed id', async () => {
      const ok = await t.http.get('/api/v1/keuzes/21').expect(200);
      expect(ok.body.theme).toEqual({ id: 5, title: 'Bebouwd gebied' });
      const missing = await t.http.get('/api/v1/keuzes/34').expect(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/api/v1/keuzes/34' });
      for (const id of ['abc', '1.5', '-1', '0', '99999999999999999999']) {
        const bad = await t.http.get(`/api/v1/keuzes/${id}`).expect(400);
        expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(bad.body.invalidParams[0].name).toBe('id');
      }
    });

    it('lists the measures of section 4 with their keuze where named', async () => {
      const res = await t.http.get('/api/v1/maatregelen').expect(200);
      expect(res.body.page.total).toBeGreaterThanOrEqual(50);
      expect(res.body.data[0]).toMatchObject({ code: 'M1.1.1', theme: { id: 1, title: 'Voldoende water' } });
      const sk12 = await t.http.get('/api/v1/maatregelen?keuzeId=12').expect(200);
      expect(sk12.body.data.map((m: { code: string }) => m.code)).toContain('M99-SK12');
      expect(sk12.body.data[0].keuzeId).toBe(12);
      for (const m of res.body.data) expect(Object.keys(m).sort()).toEqual(['borging', 'code', 'followUp', 'keuzeId', 'nextStep', 'theme', 'title']);
    });
  });

  describe('organisations', () => {
    it('has every municipality, province, water board and central government', async () => {
      const count = async (type: string) => (await t.http.get(`/api/v1/organisations?type=${type}&pageSize=1`).expect(200)).body.page.total;
      expect(await count('municipality')).toBe(342);
      expect(await count('province')).toBe(12);
      expect(await count('water_board')).toBe(21);
      expect(await count('central_government')).toBeGreaterThanOrEqual(10);
      expect(await count('other')).toBeGreaterThanOrEqual(1);
    });

    it.each([
      ['sudwest', 'GM1900'],
      ['SÚDWEST', 'GM1900'],
      ['Den Haag', 'GM0518'],
      ["'s-Gravenhage", 'GM0518'],
      ['Friesland', 'PV21'],
      ['amsterdam', 'GM0363'],
    ])('finds %s', async (q, code) => {
      const res = await t.http.get('/api/v1/organisations').query({ q }).expect(200);
      expect(res.body.data[0].code).toBe(code);
    });

    it('gets one organisation by code, case-insensitively', async () => {
      const res = await t.http.get('/api/v1/organisations/gm0363').expect(200);
      expect(res.body).toMatchObject({ code: 'GM0363', type: 'municipality', name: 'Amsterdam', provinceCode: 'PV27' });
      await t.http.get('/api/v1/organisations/GM9999').expect(404);
      await t.http.get('/api/v1/organisations/%3Cscript%3E').expect(400);
    });

    it('filters by validity date', async () => {
      const before = await t.http.get('/api/v1/organisations?validOn=2020-01-01&type=municipality').expect(200);
      expect(before.body.page.total).toBe(0);
      await t.http.get('/api/v1/organisations?validOn=2026-02-30').expect(400);
      await t.http.get('/api/v1/organisations?type=company').expect(400);
    });
  });

  describe('API conventions', () => {
    it('echoes a request id and states the API version', async () => {
      const res = await t.http.get('/api/v1/themes').set('X-Request-Id', 'trace-123').expect(200);
      expect(res.headers['x-request-id']).toBe('trace-123');
      expect(res.headers['api-version']).toBe('1.0.0');
      const generated = await t.http.get('/api/v1/themes').set('X-Request-Id', 'bad id with spaces').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers unknown routes and trailing slashes with 404 problem+json', async () => {
      for (const path of ['/api/v1/nothing-here', '/api/v1/keuzes/', '/nope']) {
        const res = await t.http.get(path).expect(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
      }
    });

    it.each([
      ['page=0', 'page'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['page=1.5', 'page'],
      ['themeId=x', 'themeId'],
      ['unknownFilter=1', 'unknownFilter'],
    ])('rejects ?%s with a 400 naming the parameter', async (query, name) => {
      const res = await t.http.get(`/api/v1/keuzes?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain(name);
    });

    it('rejects NUL bytes and over-long values with 400, never 500', async () => {
      const nul = await t.http.get('/api/v1/organisations?q=ams%00terdam').expect(400);
      expect(nul.body.invalidParams[0].name).toBe('q');
      const long = await t.http.get(`/api/v1/organisations?q=${'a'.repeat(101)}`).expect(400);
      expect(long.body.invalidParams[0].name).toBe('q');
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const res = await t.http.post('/api/v1/themes').set('Content-Type', 'application/json').send('{"broken":').expect((r) => {
        expect([400, 404]).toContain(r.status);
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('reports liveness and readiness outside the API', async () => {
      await t.http.get('/health').expect(200);
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body.info.database.status).toBe('up');
    });
  });

  describe('OpenAPI document', () => {
    let document: Record<string, any>;
    beforeAll(async () => {
      document = (await t.http.get('/api/v1/openapi.json').expect(200)).body;
    });

    it('describes /api/v1 with OpenAPI 3 and excludes health', () => {
      expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(document.servers[0].url).toMatch(/\/api\/v1$/);
      expect(document.paths['/keuzes/{id}'].get).toBeDefined();
      expect(Object.keys(document.paths).some((p) => p.includes('health'))).toBe(false);
    });

    it('documents every operation and schema field', () => {
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, op] of Object.entries(item as Record<string, any>)) {
          expect([path, method, op.summary]).toEqual([path, method, expect.any(String)]);
        }
      }
      for (const [name, schema] of Object.entries(document.components.schemas as Record<string, any>)) {
        for (const [field, prop] of Object.entries((schema.properties ?? {}) as Record<string, any>)) {
          expect([name, field, prop.description ?? prop.$ref ?? prop.allOf]).toEqual([name, field, expect.anything()]);
        }
      }
    });

    it('passes the Dutch API Design Rules ruleset (Spectral)', async () => {
      const file = join(t.config.dataPath, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const spectral = join(APP_ROOT, 'node_modules', '.bin', 'spectral');
      const { stdout } = await run(spectral, ['lint', '-r', join(APP_ROOT, 'docs', 'adr-spectral.yml'), file, '-f', 'json', '--quiet', '--fail-severity', 'hint']).catch(
        (error: { stdout: string }) => ({ stdout: error.stdout }),
      );
      const findings = JSON.parse(stdout || '[]') as { code: string; message: string; path: string[]; severity: number }[];
      // Explained in the README: the server URL is PUBLIC_URL, which is https in production only.
      const explained = (f: { code: string }) => f.code === 'nlgov:servers-use-https' && t.config.publicUrl.startsWith('http://');
      expect(findings.filter((f) => !explained(f)).map((f) => `${f.code}: ${f.message} at ${f.path.join('.')}`)).toEqual([]);
      expect(findings.filter(explained)).toHaveLength(1);
    }, 60_000);

    it('serves the docs UI', async () => {
      const res = await t.http.get('/api/docs').expect(200);
      expect(res.text).toContain('swagger');
    });
  });

  it('starts twice at once on an empty database: one migrates, the other waits', async () => {
    const db = await freshDatabase();
    try {
      const apps = await Promise.all([startTestApp({}, db), startTestApp({}, db)]);
      for (const app of apps) {
        const res = await app.http.get('/api/v1/keuzes?pageSize=1').expect(200);
        expect(res.body.page.total).toBe(33);
      }
      await Promise.all(apps.map((app) => app.close()));
    } finally {
      await db.drop();
    }
  });

  it('starts twice on the same database without re-running migrations or seeds', async () => {
    const db = await freshDatabase();
    try {
      const first = await startTestApp({}, db);
      await first.close();
      const second = await startTestApp({}, db);
      const res = await second.http.get('/api/v1/organisations?type=province').expect(200);
      expect(res.body.page.total).toBe(12);
      await second.close();
    } finally {
      await db.drop();
    }
  });
});
