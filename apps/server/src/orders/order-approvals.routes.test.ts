import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let otherManager: Session;
let rep: Session;
let orphanRep: Session;
let tea: number;
let customerId: number;
let settingsVersion = 0;

const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });

async function customer(name: string, ownerId: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`);
  return Number(c!.id);
}

async function setRule(amountThreshold: string | null, discountRateThreshold: string | null) {
  const res = await t.request(admin, { method: 'PUT', url: '/api/v1/order-approval-settings', payload: { amountThreshold, discountRateThreshold, version: settingsVersion } });
  expect(res.statusCode).toBe(200);
  settingsVersion = res.json().version;
}

async function draft(s: Session, cust: number, lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const res = await post(s, '/api/v1/orders', { customerId: cust, lines, ...extra });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; version: number; number: string; total: string };
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const [dept] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('华东销售部') returning id`);
  const departmentId = Number(dept!.id);
  manager = await t.userWithRole('manager', { departmentId });
  otherManager = await t.userWithRole('manager', { departmentId });
  rep = await t.userWithRole('sales', { departmentId, managerId: manager.userId });
  orphanRep = await t.userWithRole('sales');
  tea = (await post(admin, '/api/v1/products', { sku: 'TEA-A', name: '龙井', listPrice: '100.00', cost: '60.00' })).json().id;
  customerId = await customer('杭州云帆科技有限公司', rep.userId);
});
afterAll(() => t.close());

describe('order approval settings', () => {
  it('starts off, is set only with sales.manage, validates and versions', async () => {
    const initial = (await get(rep, '/api/v1/order-approval-settings')).json();
    expect(initial).toMatchObject({ amountThreshold: null, discountRateThreshold: null, version: 0 });
    const denied = await t.request(rep, { method: 'PUT', url: '/api/v1/order-approval-settings', payload: { amountThreshold: '1', discountRateThreshold: null, version: 0 } });
    expect(denied.statusCode).toBe(403);
    const bad = await t.request(admin, { method: 'PUT', url: '/api/v1/order-approval-settings', payload: { amountThreshold: '1', discountRateThreshold: '1.5', version: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('discountRateThreshold');
    const first = await t.request(manager, { method: 'PUT', url: '/api/v1/order-approval-settings', payload: { amountThreshold: '1000', discountRateThreshold: null, version: 0 } });
    expect(first.json()).toMatchObject({ amountThreshold: '1000.00', discountRateThreshold: null, version: 1 });
    const stale = await t.request(admin, { method: 'PUT', url: '/api/v1/order-approval-settings', payload: { amountThreshold: '5', discountRateThreshold: null, version: 0 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { version: 1, amountThreshold: '1000.00' } });
    settingsVersion = 1;
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'order_approval_settings'`);
    expect(audit).toHaveLength(1);
  });
});

describe('order approvals', () => {
  it('confirms directly below the thresholds and asks for approval at or above them', async () => {
    await setRule('1000.00', '0.2');
    const small = await draft(rep, customerId, [{ productId: tea, quantity: '9.999' }]); // 999.90
    const c = (await post(rep, `/api/v1/orders/${small.id}/confirm`, { version: small.version })).json();
    expect(c).toMatchObject({ status: 'confirmed', approvalStatus: 'none', approverId: null });

    const atAmount = await draft(rep, customerId, [{ productId: tea, quantity: '10' }]); // exactly 1000.00
    const p = (await post(rep, `/api/v1/orders/${atAmount.id}/confirm`, { version: atAmount.version })).json();
    expect(p).toMatchObject({ status: 'draft', approvalStatus: 'pending', approverId: manager.userId });
    expect(p.approvalRequestedAt).not.toBeNull();

    const discounted = await draft(rep, customerId, [{ productId: tea, quantity: '1', discountRate: '0.2' }]); // 80.00 but 20 % off
    const d = (await post(rep, `/api/v1/orders/${discounted.id}/confirm`, { version: discounted.version })).json();
    expect(d).toMatchObject({ status: 'draft', approvalStatus: 'pending' });
    const justBelow = await draft(rep, customerId, [{ productId: tea, quantity: '1', discountRate: '0.1999' }]);
    expect((await post(rep, `/api/v1/orders/${justBelow.id}/confirm`, { version: justBelow.version })).json().status).toBe('confirmed');

    const tasks = await t.database.rows<{ assignee_id: number; kind: string; done_at: string | null }>(
      sql`select assignee_id, kind, done_at from tasks where source_key like ${`order_approval:${atAmount.id}:%`}`,
    );
    expect(tasks).toEqual([{ assignee_id: manager.userId, kind: 'approval', done_at: null }]);
  });

  it('blocks line edits and a second confirm while pending, lists it for the approver, and 403s anyone else', async () => {
    await setRule('500', null);
    const o = await draft(rep, customerId, [{ productId: tea, quantity: '6' }]);
    const pending = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    const edit = await t.request(rep, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: pending.version, lines: [{ productId: tea, quantity: '1' }] } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.details[0]).toMatchObject({ path: 'lines', code: 'approval_pending' });
    expect((await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: pending.version })).statusCode).toBe(409);

    const mine = (await get(manager, '/api/v1/orders?filter[approval]=pending&filter[approverId]=me')).json();
    expect(mine.data.map((x: { id: number }) => x.id)).toContain(o.id);
    expect(mine.data.every((x: { approvalStatus: string; approverId: number }) => x.approvalStatus === 'pending' && x.approverId === manager.userId)).toBe(true);
    expect(mine.total).toBe(mine.data.length);
    expect((await get(otherManager, '/api/v1/orders?filter[approval]=pending&filter[approverId]=me')).json().total).toBe(0);

    // the rep may not approve their own order; another manager who can see it may not either
    for (const who of [rep, otherManager]) {
      const res = await t.request(who, { method: 'POST', url: `/api/v1/orders/${o.id}/approve`, payload: { version: pending.version }, headers: { 'accept-language': 'zh-CN' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toContain('审批人');
    }
    const en = await t.request(otherManager, { method: 'POST', url: `/api/v1/orders/${o.id}/approve`, payload: { version: pending.version }, headers: { 'accept-language': 'en' } });
    expect(en.json().error.message).toMatch(/approver/);

    const stale = await post(manager, `/api/v1/orders/${o.id}/approve`, { version: pending.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
  });

  it('approve confirms the order, sets the last deal date, closes the task and shows on the timeline', async () => {
    await setRule('500', null);
    const cust = await customer('approve test', rep.userId);
    const o = await draft(rep, cust, [{ productId: tea, quantity: '7' }]);
    const pending = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    const before = await t.database.rows<{ last_deal_at: string | null }>(sql`select last_deal_at from customers where id = ${cust}`);
    expect(before[0]!.last_deal_at).toBeNull();
    const res = await post(manager, `/api/v1/orders/${o.id}/approve`, { version: pending.version, note: '价格已核实' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', approvalStatus: 'approved', approvalNote: '价格已核实', approverId: manager.userId });
    expect(res.json().confirmedAt).not.toBeNull();
    const [c] = await t.database.rows<{ last_deal_at: string | null }>(sql`select last_deal_at from customers where id = ${cust}`);
    expect(c!.last_deal_at).not.toBeNull();
    const [task] = await t.database.rows<{ done_at: string | null }>(sql`select done_at from tasks where source_key like ${`order_approval:${o.id}:%`}`);
    expect(task!.done_at).not.toBeNull();
    expect((await post(manager, `/api/v1/orders/${o.id}/approve`, { version: res.json().version })).statusCode).toBe(409);

    const tl = (await get(rep, `/api/v1/customers/${cust}/timeline?filter[type]=order_approval`)).json();
    expect(tl.data.map((i: { data: { action: string } }) => i.data.action)).toEqual(['approved', 'requested']);
    expect(tl.data[0]).toMatchObject({ actor: { id: manager.userId }, data: { orderId: o.id, number: o.number, note: '价格已核实' } });
    expect(tl.data[1].data.approverId).toBe(manager.userId);
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'order' and entity_id = ${String(o.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'request_approval', 'approve']);
  });

  it('reject needs a note, leaves a draft that can be edited and asked again', async () => {
    await setRule('500', null);
    const o = await draft(rep, customerId, [{ productId: tea, quantity: '8' }]);
    const pending = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    const noNote = await post(manager, `/api/v1/orders/${o.id}/reject`, { version: pending.version });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.details[0].path).toBe('note');
    const rejected = (await post(manager, `/api/v1/orders/${o.id}/reject`, { version: pending.version, note: '折扣太高' })).json();
    expect(rejected).toMatchObject({ status: 'draft', approvalStatus: 'rejected', approvalNote: '折扣太高' });
    // back to an editable draft: below the threshold now it confirms directly
    const edited = (await t.request(rep, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: rejected.version, lines: [{ productId: tea, quantity: '2' }] } })).json();
    const confirmed = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: edited.version })).json();
    expect(confirmed).toMatchObject({ status: 'confirmed', approvalStatus: 'none' });
    const tl = (await get(rep, `/api/v1/customers/${customerId}/timeline?filter[type]=order_approval`)).json();
    expect(tl.data.some((i: { data: { action: string; note: string } }) => i.data.action === 'rejected' && i.data.note === '折扣太高')).toBe(true);
  });

  it("falls back to an administrator when the owner has no manager, and the admin may stand in for an approver", async () => {
    await setRule('500', null);
    const cust = await customer('orphan', orphanRep.userId);
    const o = await draft(orphanRep, cust, [{ productId: tea, quantity: '9' }]);
    const pending = (await post(orphanRep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    expect(pending.approverId).toBe(admin.userId);
    const approved = await post(admin, `/api/v1/orders/${o.id}/approve`, { version: pending.version });
    expect(approved.json().status).toBe('confirmed');

    const o2 = await draft(rep, customerId, [{ productId: tea, quantity: '9' }]);
    const p2 = (await post(rep, `/api/v1/orders/${o2.id}/confirm`, { version: o2.version })).json();
    expect(p2.approverId).toBe(manager.userId);
    expect((await post(admin, `/api/v1/orders/${o2.id}/reject`, { version: p2.version, note: '代审：暂缓' })).json().approvalStatus).toBe('rejected');
  });

  it('lets the approver read and decide an order outside their data scope, but nothing else', async () => {
    await setRule('500', null);
    // a manager without a department sees only their own rows
    const lonelyManager = await t.userWithRole('manager');
    const rep2 = await t.userWithRole('sales', { managerId: lonelyManager.userId });
    const cust = await customer('scope test', rep2.userId);
    const o = await draft(rep2, cust, [{ productId: tea, quantity: '9' }]);
    const pending = (await post(rep2, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    expect((await get(lonelyManager, `/api/v1/orders/${o.id}`)).statusCode).toBe(200);
    expect((await t.request(lonelyManager, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: pending.version, notes: 'x' } })).statusCode).toBe(404);
    expect((await get(otherManager, `/api/v1/orders/${o.id}`)).statusCode).toBe(404);
    expect((await post(lonelyManager, `/api/v1/orders/${o.id}/approve`, { version: pending.version })).json().status).toBe('confirmed');
  });

  it('cancelling a pending order withdraws the request and closes the task', async () => {
    await setRule('500', null);
    const o = await draft(rep, customerId, [{ productId: tea, quantity: '9' }]);
    const pending = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    const cancelled = (await post(rep, `/api/v1/orders/${o.id}/cancel`, { version: pending.version })).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', approvalStatus: 'none', approverId: null });
    const [task] = await t.database.rows<{ done_at: string | null }>(sql`select done_at from tasks where source_key like ${`order_approval:${o.id}:%`}`);
    expect(task!.done_at).not.toBeNull();
  });
});

describe('orders and opportunities', () => {
  async function deal(s: Session, cust: number, name: string): Promise<number> {
    const res = await post(s, '/api/v1/opportunities', { name, customerId: cust, amount: '5000' });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  it('links only a visible deal of the same customer (400 opportunityId otherwise)', async () => {
    const other = await customer('other customer', rep.userId);
    const foreign = await deal(rep, other, '别家的商机');
    const wrong = await post(rep, '/api/v1/orders', { customerId, opportunityId: foreign, lines: [] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0]).toMatchObject({ path: 'opportunityId', code: 'other_customer' });
    const missing = await post(rep, '/api/v1/orders', { customerId, opportunityId: 99999999, lines: [] });
    expect(missing.json().error.details[0].path).toBe('opportunityId');
    const orphanCustomer = await customer('orphan deal', orphanRep.userId);
    const invisible = await deal(orphanRep, orphanCustomer, '看不见的商机');
    const o = await draft(rep, customerId, []);
    const patch = await t.request(rep, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: o.version, opportunityId: invisible } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details[0].path).toBe('opportunityId');
  });

  it('wins the linked deal when the order is confirmed directly', async () => {
    await setRule(null, null);
    const cust = await customer('deal direct', rep.userId);
    const opp = await deal(rep, cust, '年度采购');
    const o = await draft(rep, cust, [{ productId: tea, quantity: '3' }], { opportunityId: opp });
    expect(o).toMatchObject({ opportunityId: opp });
    await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version });
    const won = (await get(rep, `/api/v1/opportunities/${opp}`)).json();
    expect(won.status).toBe('won');
    expect(won.amount).toBe('300.00');
  });

  it('wins the linked deal when the approver approves, not before', async () => {
    await setRule('500', null);
    const cust = await customer('deal approved', rep.userId);
    const opp = await deal(rep, cust, '大单');
    const o = await draft(rep, cust, [{ productId: tea, quantity: '12' }], { opportunityId: opp });
    const pending = (await post(rep, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
    expect((await get(rep, `/api/v1/opportunities/${opp}`)).json().status).toBe('open');
    await post(manager, `/api/v1/orders/${o.id}/approve`, { version: pending.version });
    const won = (await get(rep, `/api/v1/opportunities/${opp}`)).json();
    expect(won).toMatchObject({ status: 'won', amount: '1200.00' });
  });
});
