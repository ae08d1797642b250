import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type TestContext } from '../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('auth', () => {
  it('logs in with a httpOnly SameSite=Lax session cookie and returns the user and a CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ADMIN@test.local', password: ADMIN.password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'gx_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const body = res.json();
    expect(body.user.email).toBe(ADMIN.email);
    expect(body.user.roleKey).toBe('admin');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    // the cookie is stored hashed: the raw value is not in the sessions table
    const rows = await t.database.rows<{ id: string }>(sql`select id from sessions`);
    expect(rows.map((r) => r.id)).not.toContain(cookie!.value);
  });

  it('gives the same answer for an unknown account and a wrong password', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@test.local', password: 'whatever-123' } });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x-' + ADMIN.email, password: 'wrong-password' } });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
  });

  it('refuses requests without a session with 401', async () => {
    for (const url of ['/api/v1/auth/me', '/api/v1/users', '/api/v1/roles', '/api/v1/departments', '/api/v1/audit-log', '/api/v1/api-tokens']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a state-changing request with a missing or forged CSRF token', async () => {
    const s = await t.login(ADMIN.email, ADMIN.password);
    const payload = { name: 'Sales East' };
    const missing = await t.request(s, { method: 'POST', url: '/api/v1/departments', payload, headers: { 'x-csrf-token': '' } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('CSRF_FAILED');
    const forged = await t.request(s, { method: 'POST', url: '/api/v1/departments', payload, headers: { 'x-csrf-token': 'forged-token-value-000000000000' } });
    expect(forged.statusCode).toBe(403);
    const ok = await t.request(s, { method: 'POST', url: '/api/v1/departments', payload });
    expect(ok.statusCode).toBe(201);
  });

  it('rotates the session on login and ends it on logout', async () => {
    const first = await t.login(ADMIN.email, ADMIN.password);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN.email, password: ADMIN.password }, headers: { cookie: `gx_session=${first.cookie}` } });
    const second = again.cookies.find((c) => c.name === 'gx_session')!.value;
    expect(second).not.toBe(first.cookie);
    expect((await t.request(first, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const s2 = { ...first, cookie: second, csrfToken: again.json().csrfToken };
    expect((await t.request(s2, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect((await t.request(s2, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await t.request(s2, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('ends a session after the idle timeout and after the absolute lifetime', async () => {
    const s = await t.login(ADMIN.email, ADMIN.password);
    await t.database.db.execute(sql`update sessions set last_seen_at = now() - interval '9 hours'`);
    expect((await t.request(s, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const s2 = await t.login(ADMIN.email, ADMIN.password);
    await t.database.db.execute(sql`update sessions set expires_at = now() - interval '1 second'`);
    expect((await t.request(s2, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('slows down password guessing: after 5 failures even the right password waits', async () => {
    const victim = await t.userWithRole('sales', { email: 'victim@test.local' });
    expect(victim.userId).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'victim@test.local', password: `guess-${i}-xxxx` }, remoteAddress: `10.0.0.${i + 1}` });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'victim@test.local', password: 'User-Pass-1234' }, remoteAddress: '10.0.0.99' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failures per client address across accounts', async () => {
    for (let i = 0; i < 20; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `spray${i}@test.local`, password: 'password-123' }, remoteAddress: '10.9.9.9' });
    }
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN.email, password: ADMIN.password }, remoteAddress: '10.9.9.9' });
    expect(r.statusCode).toBe(429);
  });

  it('makes a user with a reset password change it before anything else', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const rep = await t.userWithRole('sales');
    await t.request(admin, { method: 'POST', url: `/api/v1/users/${rep.userId}/reset-password`, payload: { password: 'Temp-Pass-0001' } });
    const me = await t.request(admin, { method: 'GET', url: `/api/v1/users/${rep.userId}` });
    const s = await t.login(me.json().email, 'Temp-Pass-0001');
    const blocked = await t.request(s, { method: 'GET', url: '/api/v1/api-tokens' });
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const change = await t.request(s, { method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: 'Temp-Pass-0001', newPassword: 'Brand-New-Pass-9' } });
    expect(change.statusCode).toBe(204);
    expect((await t.request(s, { method: 'GET', url: '/api/v1/api-tokens' })).statusCode).toBe(200);
  });

  it('rejects a wrong current password with a field error', async () => {
    const s = await t.userWithRole('sales');
    const r = await t.request(s, { method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: 'nope-nope-nope', newPassword: 'Brand-New-Pass-9' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('currentPassword');
  });

  it('saves the language choice on the profile and answers errors in it', async () => {
    const s = await t.userWithRole('sales');
    const r = await t.request(s, { method: 'PATCH', url: '/api/v1/auth/me', payload: { locale: 'en' } });
    expect(r.json().user.locale).toBe('en');
    const forbidden = await t.request(s, { method: 'GET', url: '/api/v1/users' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.message).toMatch(/not allowed/);
    await t.request(s, { method: 'PATCH', url: '/api/v1/auth/me', payload: { locale: 'zh-CN' } });
    const zh = await t.request(s, { method: 'GET', url: '/api/v1/users' });
    expect(zh.json().error.message).toBe('您没有执行此操作的权限。');
  });

  it('sets security headers on every response', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.json()).toMatchObject({ status: 'ok', database: { up: true } });
  });
});
