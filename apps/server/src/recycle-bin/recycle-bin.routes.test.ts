import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let rep: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  manager = await t.userWithRole('manager');
  rep = await t.userWithRole('sales');
});
afterAll(() => t.close());

const req = (s: Session, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown) => t.request(s, { method, url, ...(payload ? { payload } : {}) });

async function customerWithLinks() {
  const tag = (await req(admin, 'POST', '/api/v1/tags', { name: `标签${Math.random().toString(36).slice(2, 6)}` })).json();
  const c = (await req(admin, 'POST', '/api/v1/customers', { kind: 'organization', relationshipType: 'partner', name: '回收站公司', tagIds: [tag.id] })).json();
  const contact = (await req(admin, 'POST', '/api/v1/contacts', { name: '回收站联系人', customers: [{ customerId: c.id, isPrimary: true }] })).json();
  await req(admin, 'POST', '/api/v1/follow-ups', { customerId: c.id, channel: 'phone', summary: '电话', nextFollowUpAt: '2026-06-01T00:00:00.000Z' });
  return { c, tag, contact };
}

describe('recycle bin', () => {
  it('restores a deleted customer with its tags and contact links', async () => {
    const { c, tag, contact } = await customerWithLinks();
    expect((await req(admin, 'DELETE', `/api/v1/customers/${c.id}`)).statusCode).toBe(204);
    expect((await req(admin, 'GET', `/api/v1/contacts/${contact.id}`)).json().customers).toEqual([]);
    expect((await req(rep, 'GET', '/api/v1/recycle-bin')).statusCode).toBe(403);
    expect((await req(admin, 'POST', `/api/v1/recycle-bin/customer/${c.id}/restore`)).statusCode).toBe(204);
    const back = (await req(admin, 'GET', `/api/v1/customers/${c.id}`)).json();
    expect(back.tags.map((x: { id: number }) => x.id)).toEqual([tag.id]);
    expect((await req(admin, 'GET', `/api/v1/customers/${c.id}/contacts`)).json().data.map((x: { id: number }) => x.id)).toEqual([contact.id]);
    const actions = (await req(admin, 'GET', `/api/v1/audit-log?filter[entity]=customer&filter[entityId]=${c.id}`)).json().data.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['delete', 'restore']));
  });

  it('purge is for administrators only, removes the record and what hangs on it, and is audited', async () => {
    const { c } = await customerWithLinks();
    await req(admin, 'DELETE', `/api/v1/customers/${c.id}`);
    expect((await req(manager, 'DELETE', `/api/v1/recycle-bin/customer/${c.id}`)).statusCode).toBe(403);
    expect((await req(admin, 'DELETE', `/api/v1/recycle-bin/customer/${c.id}`)).statusCode).toBe(204);
    expect(await t.database.rows(sql`select 1 from customers where id = ${c.id}`)).toHaveLength(0);
    expect(await t.database.rows(sql`select 1 from follow_ups where customer_id = ${c.id}`)).toHaveLength(0);
    expect(await t.database.rows(sql`select 1 from tasks where customer_id = ${c.id}`)).toHaveLength(0);
    expect((await req(admin, 'GET', '/api/v1/recycle-bin?filter[entity]=customer')).json().data.some((i: { id: number }) => i.id === c.id)).toBe(false);
    const audit = (await req(admin, 'GET', `/api/v1/audit-log?filter[entity]=customer&filter[entityId]=${c.id}`)).json().data;
    expect(audit.find((a: { action: string }) => a.action === 'purge')).toMatchObject({ changes: { name: { old: '回收站公司', new: null } } });
    expect((await req(admin, 'POST', `/api/v1/recycle-bin/customer/${c.id}/restore`)).statusCode).toBe(404);
  });

  it('lists deleted contacts and restores them; a live record cannot be "restored"', async () => {
    const contact = (await req(admin, 'POST', '/api/v1/contacts', { name: '被删联系人' })).json();
    expect((await req(admin, 'POST', `/api/v1/recycle-bin/contact/${contact.id}/restore`)).statusCode).toBe(404);
    await req(admin, 'DELETE', `/api/v1/contacts/${contact.id}`);
    const bin = (await req(admin, 'GET', '/api/v1/recycle-bin?filter[entity]=contact')).json();
    expect(bin.data[0]).toMatchObject({ entity: 'contact', id: contact.id, name: '被删联系人', deletedBy: { id: admin.userId } });
    expect((await req(admin, 'POST', `/api/v1/recycle-bin/contact/${contact.id}/restore`)).statusCode).toBe(204);
    expect((await req(admin, 'GET', `/api/v1/contacts/${contact.id}`)).statusCode).toBe(200);
  });
});
