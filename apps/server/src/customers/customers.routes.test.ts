import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
let otherRep: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  otherRep = await t.userWithRole('sales');
});
afterAll(() => t.close());

const org = (over: Record<string, unknown> = {}) => ({ kind: 'organization', relationshipType: 'business', name: '北京张伟科技有限公司', ...over });
async function create(session: Session, body: Record<string, unknown>) {
  const res = await t.request(session, { method: 'POST', url: '/api/v1/customers', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; version: number } & Record<string, unknown>;
}
const get = (session: Session, url: string) => t.request(session, { method: 'GET', url });

describe('customers', () => {
  it('creates a customer owned by the caller, with profile, classification and tags', async () => {
    const tag = (await t.request(rep, { method: 'POST', url: '/api/v1/tags', payload: { name: '展会客户', color: '#1677ff' } })).json();
    const c = await create(rep, org({ mobile: '+86 138-0013-8000', email: 'Boss@ZhangWei.cn', creditCode: '91350100m000100y43', registeredCapital: 5_000_000, foundedOn: '2015-03-01', importance: 'vip', valueBehavior: 'lighthouse', tagIds: [tag.id] }));
    expect(c).toMatchObject({ ownerId: rep.userId, mobile: '13800138000', email: 'boss@zhangwei.cn', creditCode: '91350100M000100Y43', importance: 'vip', importanceSource: 'manual', version: 1, foundedOn: '2015-03-01' });
    expect(c.tags).toEqual([{ id: tag.id, name: '展会客户', color: '#1677ff' }]);
    expect((await get(rep, `/api/v1/customers/${c.id}`)).json()).toMatchObject({ id: c.id, name: '北京张伟科技有限公司' });
  });

  it('refuses bad input with field-level messages', async () => {
    const res = await t.request(rep, {
      method: 'POST',
      url: '/api/v1/customers',
      payload: org({ name: 'x'.repeat(10_000), mobile: '12345', email: 'nope', creditCode: '91350100M000100Y44', importance: 'gold', surprise: 1 }),
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'mobile', 'email', 'creditCode', 'importance']));
    expect(res.body).toMatch(/surprise/);
    const control = await t.request(rep, { method: 'POST', url: '/api/v1/customers', payload: org({ name: '坏\u0007名字' }) });
    expect(control.statusCode).toBe(400);
    expect(control.json().error.details[0].path).toBe('name');
  });

  it('accepts international mobiles and stores hostile names as plain text', async () => {
    const c = await create(rep, org({ name: '<script>alert(1)</script><img src=x onerror=alert(2)>', mobile: '+44 7911 123456' }));
    expect(c.name).toBe('<script>alert(1)</script><img src=x onerror=alert(2)>');
    expect(c.mobile).toBe('+447911123456');
  });

  it('refuses a stale edit with 409 and the current record, and audits the change', async () => {
    const c = await create(rep, org({ name: '上海远航贸易有限公司' }));
    const first = await t.request(rep, { method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { loyalty: 'loyal', city: '上海', version: 1 } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ loyalty: 'loyal', city: '上海', version: 2 });
    const stale = await t.request(rep, { method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { loyalty: 'new', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { loyalty: 'loyal', version: 2 } });
    const audit = (await get(admin, `/api/v1/audit-log?filter[entity]=customer&filter[entityId]=${c.id}`)).json();
    const update = (audit.data as Array<{ action: string; changes: Record<string, unknown> }>).find((a) => a.action === 'update');
    expect(update?.changes).toMatchObject({ loyalty: { old: null, new: 'loyal' }, city: { old: null, new: '上海' } });
  });

  it('soft-deletes: a deleted customer is gone from get and list but sits in the recycle bin', async () => {
    const c = await create(admin, org({ name: '待删除客户' }));
    expect((await t.request(rep, { method: 'DELETE', url: `/api/v1/customers/${c.id}` })).statusCode).toBe(403); // reps lack customers.delete
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/customers/${c.id}` })).statusCode).toBe(204);
    expect((await get(admin, `/api/v1/customers/${c.id}`)).statusCode).toBe(404);
    const bin = (await get(admin, '/api/v1/recycle-bin?filter[entity]=customer')).json();
    expect(bin.data).toContainEqual(expect.objectContaining({ entity: 'customer', id: c.id, name: '待删除客户', deletedBy: expect.objectContaining({ id: expect.any(Number) }) }));
  });

  it('creating for another owner or into the pool needs customers.assign', async () => {
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/customers', payload: org({ ownerId: otherRep.userId }) })).statusCode).toBe(403);
    const pooled = await create(admin, org({ name: '公海客户', ownerId: null }));
    expect(pooled).toMatchObject({ ownerId: null, poolSince: expect.any(String) });
  });
});

describe('data scope', () => {
  it('another rep cannot list, count, search, get, edit or see the timeline of a rep’s customer', async () => {
    const mine = await create(rep, org({ name: '独家秘密客户有限公司', mobile: '13912340001' }));
    const asOther = (url: string) => get(otherRep, url);
    expect((await asOther(`/api/v1/customers/${mine.id}`)).statusCode).toBe(404);
    expect((await asOther(`/api/v1/customers/${mine.id}/timeline`)).statusCode).toBe(404);
    expect((await t.request(otherRep, { method: 'PATCH', url: `/api/v1/customers/${mine.id}`, payload: { name: '改', version: 1 } })).statusCode).toBe(404);
    const list = (await asOther('/api/v1/customers?filter[name]=独家秘密')).json();
    expect(list).toMatchObject({ data: [], total: 0 });
    expect((await asOther('/api/v1/search?q=独家秘密')).json().data).toEqual([]);
    expect((await asOther('/api/v1/search?q=0001')).json().data).toEqual([]);
    expect((await get(rep, '/api/v1/customers?filter[name]=独家秘密')).json().total).toBe(1);
  });

  it('a collaborator sees the customer; pool customers are hidden from scoped roles but not from admins', async () => {
    const shared = await create(rep, org({ name: '协作客户', collaboratorIds: [otherRep.userId] }));
    expect((await get(otherRep, `/api/v1/customers/${shared.id}`)).statusCode).toBe(200);
    const pooled = await create(admin, org({ name: '公海里的客户', ownerId: null }));
    expect((await get(rep, `/api/v1/customers/${pooled.id}`)).statusCode).toBe(404);
    expect((await get(admin, `/api/v1/customers/${pooled.id}`)).statusCode).toBe(200);
  });
});

describe('masking', () => {
  it('analyst and marketing roles see personal data masked everywhere', async () => {
    const c = await create(admin, { kind: 'individual', relationshipType: 'consumer', name: '王芳', mobile: '13812345678', phone: '010-12345678', email: 'wang.fang@example.com', wechat: 'wangfang88', address: '朝阳区建国路88号' });
    for (const role of ['analyst', 'marketing']) {
      const s = await t.userWithRole(role);
      const one = (await get(s, `/api/v1/customers/${c.id}`)).json();
      expect(one).toMatchObject({ mobile: '138****5678', phone: '010****5678', email: 'w***@example.com', wechat: 'w***', address: '朝***' });
      const listed = (await get(s, '/api/v1/customers?filter[name]=王芳')).json().data[0];
      expect(listed.mobile).toBe('138****5678');
      const hit = (await get(s, '/api/v1/search?q=王芳')).json().data[0];
      expect(hit.subtitle).toContain('138****5678');
      expect(JSON.stringify((await get(s, `/api/v1/customers/${c.id}/timeline`)).json())).not.toContain('13812345678');
    }
    expect((await get(admin, `/api/v1/customers/${c.id}`)).json().mobile).toBe('13812345678');
  });
});
