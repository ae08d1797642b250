import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API tokens', () => {
  it('shows the secret once, stores only a hash, and acts with the user’s permissions without CSRF', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'ERP sync', scopes: ['read', 'write'] } });
    expect(res.statusCode).toBe(201);
    const { token, id } = res.json();
    expect(token).toMatch(/^gx_/);
    const stored = await t.database.rows<{ token_hash: string }>(sql`select token_hash from api_tokens where id = ${id}`);
    expect(stored[0]!.token_hash).not.toBe(token);
    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/api-tokens' })).json();
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) })).statusCode).toBe(200);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: bearer(token), payload: { name: 'Via token' } });
    expect(created.statusCode).toBe(201);
  });

  it('a read-scoped token cannot write', async () => {
    const { token } = (await t.request(admin, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'BI', scopes: ['read'] } })).json();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: bearer(token) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: bearer(token), payload: { name: 'x' } })).statusCode).toBe(403);
  });

  it('a revoked, expired or made-up token gets 401', async () => {
    const { token, id } = (await t.request(admin, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'tmp', scopes: ['read'], expiresInDays: 1 } })).json();
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/api-tokens/${id}` })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: bearer(token) })).statusCode).toBe(401);
    const other = (await t.request(admin, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'old', scopes: ['read'] } })).json();
    await t.database.db.execute(sql`update api_tokens set expires_at = now() - interval '1 day' where id = ${other.id}`);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: bearer(other.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: bearer('gx_madeup') })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
  });

  it('a user cannot revoke someone else’s token', async () => {
    const { id } = (await t.request(admin, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'mine', scopes: ['read'] } })).json();
    const rep = await t.userWithRole('sales');
    expect((await t.request(rep, { method: 'DELETE', url: `/api/v1/api-tokens/${id}` })).statusCode).toBe(404);
  });
});
