// Every route of the OpenAPI document gets malformed and hostile input; each must answer 4xx with
// details (never 500) and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let routes: Array<{ method: string; url: string; hasBody: boolean }>;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), url: path.replace(/\{id\}/g, '1'), hasBody: op.requestBody !== undefined })),
  );
});
afterAll(() => t.close());

const hostileStrings = [
  "' OR 1=1; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  '\u0000\u0001',
  'x'.repeat(100_000),
  '../../etc/passwd',
];
const wrongTypes: unknown[] = [null, 42, true, [], 'string', { nested: { deep: [1, 2, 3] } }];

async function counts() {
  const [r] = await t.database.rows<{ users: number; departments: number; roles: number; tokens: number }>(sql`
    select (select count(*)::int from users) as users, (select count(*)::int from departments) as departments,
           (select count(*)::int from roles) as roles, (select count(*)::int from api_tokens) as tokens`);
  return r;
}

describe('hostile input', () => {
  it('the OpenAPI document lists the API routes', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.some((r) => r.url === '/api/v1/users' && r.method === 'POST')).toBe(true);
  });

  it('bodies of the wrong type, unknown fields and hostile strings get 4xx with details, never 500', async () => {
    const before = await counts();
    for (const r of routes.filter((x) => x.hasBody && x.url.startsWith('/api/v1/') && !x.url.endsWith('/logout'))) {
      const payloads: unknown[] = [
        ...wrongTypes,
        { unknownField: 1 },
        ...hostileStrings.map((s) => ({ email: s, name: s, password: s, key: s, q: s, version: s, roleId: s, parentId: s })),
      ];
      for (const payload of payloads) {
        const res = await t.request(admin, { method: r.method as 'POST', url: r.url, payload: payload as object });
        expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(payload).slice(0, 60)} → ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
        const body = res.json();
        expect(body.error.code).toBeTruthy();
        if (res.statusCode === 400) expect(body.error.details?.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('malformed JSON, oversized bodies and wrong content types get 400/413/415', async () => {
    const broken = await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: '{"name": "x"', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('BAD_REQUEST');
    const huge = await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: '<name>x</name>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    const proto = await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: '{"name":"ok","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } });
    expect(proto.statusCode).toBe(400);
  });

  it('hostile query strings and path parameters get 4xx, never 500', async () => {
    const urls = [
      '/api/v1/users?sort=password_hash',
      '/api/v1/users?limit=100000',
      '/api/v1/users?limit=-1',
      '/api/v1/users?filter[roleId]=abc',
      '/api/v1/users?unknown=1',
      `/api/v1/users?q=${'x'.repeat(5000)}`,
      '/api/v1/users/abc',
      '/api/v1/users/1.5',
      '/api/v1/users/99999999999999999999',
      '/api/v1/users/-1',
      '/api/v1/audit-log?cursor=%00%00',
    ];
    for (const url of urls) {
      const res = await t.request(admin, { method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    const sqlish = await t.request(admin, { method: 'GET', url: `/api/v1/users?q=${encodeURIComponent("%' OR '1'='1")}` });
    expect(sqlish.statusCode).toBe(200);
    expect(sqlish.json().total).toBe(0);
  });

  it('stores script-like text as text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: { name } });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe(name);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('an unknown route answers 404 in the envelope with a request id', async () => {
    const res = await t.request(admin, { method: 'GET', url: '/api/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.requestId).toBeTruthy();
  });
});
