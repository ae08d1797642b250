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

const post = (s: Session, url: string, payload: unknown) => t.request(s, { method: 'POST', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });
const org = async (s: Session, name: string) => (await post(s, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name })).json().id as number;

describe('contacts', () => {
  it('links one person to several organisations with a title, one primary contact per customer', async () => {
    const a = await org(rep, '甲公司');
    const b = await org(rep, '乙公司');
    const first = (await post(rep, '/api/v1/contacts', { name: '孙丽', customers: [{ customerId: a, title: '总经理', isPrimary: true }] })).json();
    const res = await post(rep, '/api/v1/contacts', { name: '周杰', mobile: '13711112222', customers: [{ customerId: a, title: '财务', isPrimary: true }, { customerId: b, title: '顾问' }] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().customers).toEqual([
      { customerId: a, customerName: '甲公司', title: '财务', isPrimary: true },
      { customerId: b, customerName: '乙公司', title: '顾问', isPrimary: false },
    ]);
    const ofA = (await get(rep, `/api/v1/customers/${a}/contacts`)).json().data;
    expect(ofA.map((c: { name: string }) => c.name)).toEqual(['周杰', '孙丽']);
    expect((await get(rep, `/api/v1/contacts/${first.id}`)).json().customers[0].isPrimary).toBe(false);
    expect((await get(rep, `/api/v1/contacts?filter[customerId]=${b}`)).json().total).toBe(1);
  });

  it('a contact is visible only through a visible customer or to its owner', async () => {
    const mine = await org(rep, '私有公司');
    const c = (await post(rep, '/api/v1/contacts', { name: '吴磊', customers: [{ customerId: mine }] })).json();
    expect((await get(otherRep, `/api/v1/contacts/${c.id}`)).statusCode).toBe(404);
    expect((await get(otherRep, '/api/v1/contacts?filter[name]=吴磊')).json().total).toBe(0);
    const link = await post(otherRep, '/api/v1/contacts', { name: '冒名', customers: [{ customerId: mine }] });
    expect(link.statusCode).toBe(400);
    expect(link.json().error.details[0].path).toBe('customers.0.customerId');
    expect((await get(admin, `/api/v1/contacts/${c.id}`)).statusCode).toBe(200);
  });

  it('validates and version-checks edits, and masks for analysts', async () => {
    const c = (await post(rep, '/api/v1/contacts', { name: '郑爽', email: 'zs@example.com', mobile: '13522223333' })).json();
    expect((await post(rep, '/api/v1/contacts', { name: '坏号码', mobile: '2345' })).statusCode).toBe(400);
    const ok = await t.request(rep, { method: 'PATCH', url: `/api/v1/contacts/${c.id}`, payload: { department: '采购部', version: 1 } });
    expect(ok.json()).toMatchObject({ department: '采购部', version: 2 });
    const stale = await t.request(rep, { method: 'PATCH', url: `/api/v1/contacts/${c.id}`, payload: { department: '销售部', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.current).toMatchObject({ department: '采购部' });
    const analyst = await t.userWithRole('analyst');
    expect((await get(analyst, `/api/v1/contacts/${c.id}`)).json()).toMatchObject({ mobile: '135****3333', email: 'z***@example.com' });
  });
});
