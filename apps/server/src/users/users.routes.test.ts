import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let salesRoleId: number;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const roles = (await t.request(admin, { method: 'GET', url: '/api/v1/roles' })).json().data as Array<{ id: number; key: string }>;
  salesRoleId = roles.find((r) => r.key === 'sales')!.id;
});
afterAll(() => t.close());

const newUser = (over: Record<string, unknown> = {}) => ({ email: `u${Math.random().toString(36).slice(2, 8)}@test.local`, name: '张伟', password: 'Start-Pass-123', roleId: salesRoleId, ...over });

describe('users', () => {
  it('creates a user who can then log in and must change the password', async () => {
    const body = newUser({ email: 'Zhang.Wei@Example.com', phone: '+86 138 0013 8000' });
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: body });
    expect(res.statusCode).toBe(201);
    const u = res.json();
    expect(u).toMatchObject({ email: 'zhang.wei@example.com', name: '张伟', roleName: '销售代表', active: true, version: 1 });
    expect(u).not.toHaveProperty('passwordHash');
    const s = await t.login('zhang.wei@example.com', 'Start-Pass-123');
    const me = await t.request(s, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.json().user.mustChangePassword).toBe(true);
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    const email = 'dup@test.local';
    expect((await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ email }) })).statusCode).toBe(201);
    const again = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ email: 'DUP@test.local' }) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].path).toBe('email');
  });

  it('answers bad input with field-level details', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'not-an-email', name: '', password: 'short', roleId: 'x', extra: 1 } });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().error.details as Array<{ path: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['email', 'name', 'password', 'roleId']));
    expect(JSON.stringify(res.json())).toMatch(/extra/);
    const unknownRole = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ roleId: 999999 }) });
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().error.details[0]).toMatchObject({ path: 'roleId', code: 'not_found' });
  });

  it('gives field messages in the caller’s language, our own rules included', async () => {
    const zh = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ phone: 'call me' }), headers: { 'accept-language': 'zh-CN' } });
    expect(zh.json().error.details).toEqual([expect.objectContaining({ path: 'phone', message: '电话号码格式不正确' })]);
    const en = await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ phone: 'call me' }), headers: { 'accept-language': 'en' } });
    expect(en.json().error.details).toEqual([expect.objectContaining({ path: 'phone', message: 'not a phone number' })]);
  });

  it('refuses a stale edit with 409 and the current record', async () => {
    const u = (await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser() })).json();
    const first = await t.request(admin, { method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { name: '李娜', version: u.version } });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(u.version + 1);
    const stale = await t.request(admin, { method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { name: '王芳', version: u.version } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect(stale.json().error.current).toMatchObject({ name: '李娜', version: u.version + 1 });
    expect(stale.json().error.current).not.toHaveProperty('passwordHash', expect.any(String));
  });

  it('deactivating a user ends their sessions and blocks login', async () => {
    const body = newUser();
    const u = (await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: body })).json();
    const s = await t.login(body.email, body.password);
    const off = await t.request(admin, { method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { active: false, version: u.version } });
    expect(off.json().active).toBe(false);
    expect((await t.request(s, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: body.email, password: body.password } });
    expect(login.statusCode).toBe(401);
  });

  it('an admin cannot deactivate themselves', async () => {
    const me = (await t.request(admin, { method: 'GET', url: `/api/v1/users/${admin.userId}` })).json();
    const r = await t.request(admin, { method: 'PATCH', url: `/api/v1/users/${admin.userId}`, payload: { active: false, version: me.version } });
    expect(r.statusCode).toBe(409);
  });

  it('audits user changes with old and new values, never the password', async () => {
    const u = (await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ name: '赵磊' }) })).json();
    await t.request(admin, { method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { name: '赵磊磊', version: u.version } });
    await t.request(admin, { method: 'POST', url: `/api/v1/users/${u.id}/reset-password`, payload: { password: 'Another-Pass-1' } });
    const log = (await t.request(admin, { method: 'GET', url: `/api/v1/audit-log?filter[entity]=user&filter[entityId]=${u.id}` })).json();
    const actions = log.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['reset_password', 'update', 'create']);
    expect(log.data[1].changes).toEqual({ name: { old: '赵磊', new: '赵磊磊' } });
    expect(log.data[1].actorId).toBe(admin.userId);
    expect(log.data[1].requestId).toBeTruthy();
    expect(JSON.stringify(log)).not.toMatch(/argon2|Another-Pass/);
  });

  it('pages through users with a cursor, sorted, with a total', async () => {
    for (let i = 0; i < 5; i++) await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ name: `Page ${i}` }) });
    const seen: string[] = [];
    let cursor: string | null = null;
    let total = 0;
    do {
      const url: string = `/api/v1/users?limit=2&sort=-name${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request(admin, { method: 'GET', url })).json();
      total = page.total;
      seen.push(...page.data.map((u: { name: string }) => u.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(total);
    expect([...seen].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(seen);
    const bad = await t.request(admin, { method: 'GET', url: '/api/v1/users?cursor=garbage' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('cursor');
  });

  it('lets any logged-in user look users up for pickers, without admin data', async () => {
    await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ name: '查找测试员' }) });
    const rep = await t.userWithRole('sales');
    const res = await t.request(rep, { method: 'GET', url: `/api/v1/users/lookup?q=${encodeURIComponent('查找')}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([expect.objectContaining({ name: '查找测试员', active: true })]);
    expect(Object.keys(res.json().data[0]).sort()).toEqual(['active', 'departmentId', 'departmentName', 'email', 'id', 'name']);
    const byIds = await t.request(rep, { method: 'GET', url: `/api/v1/users/lookup?ids=${admin.userId}` });
    expect(byIds.json().data.map((u: { id: number }) => u.id)).toEqual([admin.userId]);
    expect((await t.request(rep, { method: 'GET', url: '/api/v1/users/lookup?ids=1;drop' })).statusCode).toBe(400);
  });

  it('is closed to roles without users.manage', async () => {
    const rep = await t.userWithRole('sales');
    expect((await t.request(rep, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/users', payload: newUser() })).statusCode).toBe(403);
  });
});

describe('departments and roles', () => {
  it('builds a department tree, refuses cycles and deleting a department in use', async () => {
    const hq = (await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: { name: '总部' } })).json();
    const east = (await t.request(admin, { method: 'POST', url: '/api/v1/departments', payload: { name: '华东销售部', parentId: hq.id } })).json();
    expect(east.parentId).toBe(hq.id);
    const cycle = await t.request(admin, { method: 'PATCH', url: `/api/v1/departments/${hq.id}`, payload: { parentId: east.id, version: hq.version } });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.details[0]).toMatchObject({ path: 'parentId', code: 'cycle' });
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/departments/${hq.id}` })).statusCode).toBe(409);
    // the user count and manager name belong to each department
    const boss = (await t.request(admin, { method: 'POST', url: '/api/v1/users', payload: newUser({ name: '部门经理', departmentId: hq.id }) })).json();
    const hqNow = (await t.request(admin, { method: 'GET', url: `/api/v1/departments/${hq.id}` })).json();
    await t.request(admin, { method: 'PATCH', url: `/api/v1/departments/${hq.id}`, payload: { managerId: boss.id, version: hqNow.version } });
    const counted = (await t.request(admin, { method: 'GET', url: '/api/v1/departments' })).json().data as Array<{ id: number; userCount: number; managerName: string | null }>;
    expect(counted.find((d) => d.id === hq.id)).toMatchObject({ userCount: 1, managerName: '部门经理' });
    expect(counted.find((d) => d.id === east.id)).toMatchObject({ userCount: 0, managerName: null });
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/departments/${east.id}` })).statusCode).toBe(204);
    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/departments' })).json();
    expect(list.data.map((d: { name: string }) => d.name)).not.toContain('华东销售部');
  });

  it('creates a custom role, keeps the admin role whole and built-in roles undeletable', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/roles', payload: { key: 'key_account', name: '大客户经理', dataScope: 'own_subordinates', permissions: ['customers.read', 'customers.write'] } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ builtIn: false, dataScope: 'own_subordinates' });
    const roles = (await t.request(admin, { method: 'GET', url: '/api/v1/roles' })).json().data as Array<{ id: number; key: string; version: number }>;
    expect(roles.map((r) => r.key)).toEqual(expect.arrayContaining(['admin', 'manager', 'sales', 'service', 'marketing', 'analyst', 'key_account']));
    const adminRole = roles.find((r) => r.key === 'admin')!;
    const strip = await t.request(admin, { method: 'PATCH', url: `/api/v1/roles/${adminRole.id}`, payload: { permissions: [], version: adminRole.version } });
    expect(strip.statusCode).toBe(409);
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/roles/${adminRole.id}` })).statusCode).toBe(409);
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/roles/${res.json().id}` })).statusCode).toBe(204);
    const badScope = await t.request(admin, { method: 'POST', url: '/api/v1/roles', payload: { key: 'x1', name: 'x', dataScope: 'everything', permissions: ['fly'] } });
    expect(badScope.statusCode).toBe(400);
  });

  it('the analyst role reads but changes nothing', async () => {
    const analyst = await t.userWithRole('analyst');
    expect((await t.request(analyst, { method: 'GET', url: '/api/v1/departments' })).statusCode).toBe(200);
    const write = await t.request(analyst, { method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'x', scopes: ['read'] } });
    expect(write.statusCode).toBe(403);
    expect((await t.request(analyst, { method: 'PATCH', url: '/api/v1/auth/me', payload: { locale: 'en' } })).statusCode).toBe(200);
  });
});
