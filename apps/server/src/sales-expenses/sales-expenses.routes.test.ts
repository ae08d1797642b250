import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';

let t: TestContext;
let admin: Session;
let mgr: Session;
let rep: Session;
let rep2: Session;
let analyst: Session;
let customerId: number;
let otherCustomerId: number;

const post = (s: Session, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url: '/api/v1/sales-expenses', payload });
const list = async (s: Session, query = '') => {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/sales-expenses?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Array<{ id: number; userId: number; amount: string; customerName: string | null; version: number }>; total: number; totalAmount: string };
};

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const dept = await t.database.db.transaction((tx) => insertDepartment(tx, null, { name: '华东大区' }));
  mgr = await t.userWithRole('manager', { departmentId: dept });
  rep = await t.userWithRole('sales', { departmentId: dept, managerId: mgr.userId });
  rep2 = await t.userWithRole('sales', { departmentId: dept, managerId: mgr.userId });
  analyst = await t.userWithRole('analyst');
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '杭州云帆科技有限公司', ${rep.userId}) returning id`);
  customerId = Number(c!.id);
  const [c2] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '别人的客户', ${rep2.userId}) returning id`);
  otherCustomerId = Number(c2!.id);
});
afterAll(() => t.close());

describe('sales expenses', () => {
  it('refuses a negative, zero or malformed amount and unknown fields, naming the field', async () => {
    for (const [payload, path] of [
      [{ spentOn: '2026-05-03', amount: '-10.00', category: 'travel' }, 'amount'],
      [{ spentOn: '2026-05-03', amount: '0.00', category: 'travel' }, 'amount'],
      [{ spentOn: '2026-05-03', amount: '12.345', category: 'travel' }, 'amount'],
      [{ spentOn: '2026-05-03', amount: 12.5, category: 'travel' }, 'amount'],
      [{ spentOn: '2026-13-03', amount: '12.50', category: 'travel' }, 'spentOn'],
      [{ spentOn: '2026-05-03', amount: '12.50', category: 'yacht' }, 'category'],
    ] as const) {
      const res = await post(rep, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const extra = await post(rep, { spentOn: '2026-05-03', amount: '12.50', category: 'travel', userId: rep2.userId });
    expect(extra.statusCode).toBe(400);
  });

  it('records one’s own expense as a money string, audited, for a visible customer only', async () => {
    const res = await post(rep, { spentOn: '2026-05-03', amount: '1280.5', category: 'entertainment', customerId, note: '客户晚宴' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ userId: rep.userId, amount: '1280.50', category: 'entertainment', customerId, customerName: '杭州云帆科技有限公司', version: 1 });
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'sales_expense' and entity_id = ${String(res.json().id)}`);
    expect(audit.map((a) => a.action)).toEqual(['create']);
    const foreign = await post(rep, { spentOn: '2026-05-03', amount: '10.00', category: 'gift', customerId: otherCustomerId });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details[0]).toMatchObject({ path: 'customerId' });
    // the analyst reads everything but records nothing (no sales.write)
    expect((await post(analyst, { spentOn: '2026-05-03', amount: '10.00', category: 'gift' })).statusCode).toBe(403);
  });

  it('lists by data scope: a rep sees only their own, the manager the team, with the exact sum', async () => {
    await post(rep2, { spentOn: '2026-05-04', amount: '300.00', category: 'travel' });
    await post(rep2, { spentOn: '2026-05-20', amount: '0.10', category: 'other' });
    const mine = await list(rep);
    expect(mine.data.every((e) => e.userId === rep.userId)).toBe(true);
    expect(mine.totalAmount).toBe('1280.50');
    const other = await list(rep2);
    expect(other.total).toBe(2);
    expect(other.totalAmount).toBe('300.10');
    const team = await list(mgr);
    expect(team.total).toBe(3);
    expect(team.totalAmount).toBe('1580.60');
    expect((await list(mgr, `filter[userId]=${rep2.userId}&filter[from]=2026-05-10`)).totalAmount).toBe('0.10');
    // another rep's expense is not found, not forbidden
    const id = other.data[0]!.id;
    expect((await t.request(rep, { method: 'GET', url: `/api/v1/sales-expenses/${id}` })).statusCode).toBe(404);
    expect((await t.request(rep, { method: 'DELETE', url: `/api/v1/sales-expenses/${id}` })).statusCode).toBe(404);
  });

  it('corrects with the version and deletes softly; the list forgets deleted ones', async () => {
    const [e] = (await list(rep)).data;
    const ok = await t.request(rep, { method: 'PATCH', url: `/api/v1/sales-expenses/${e!.id}`, payload: { amount: '1200.00', version: e!.version } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ amount: '1200.00', version: e!.version + 1 });
    const stale = await t.request(rep, { method: 'PATCH', url: `/api/v1/sales-expenses/${e!.id}`, payload: { amount: '1.00', version: e!.version } });
    expect(stale.statusCode).toBe(409);
    const neg = await t.request(rep, { method: 'PATCH', url: `/api/v1/sales-expenses/${e!.id}`, payload: { amount: '-1.00', version: e!.version + 1 } });
    expect(neg.statusCode).toBe(400);
    expect((await t.request(rep, { method: 'DELETE', url: `/api/v1/sales-expenses/${e!.id}` })).statusCode).toBe(204);
    expect((await list(rep)).total).toBe(0);
    const row = await t.database.rows<{ deleted: boolean }>(sql`select deleted_at is not null as deleted from sales_expenses where id = ${e!.id}`);
    expect(row[0]!.deleted).toBe(true);
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'sales_expense' and entity_id = ${String(e!.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
  });

  it('lets a manager correct a rep’s expense in scope, but not a rep another’s', async () => {
    const [e] = (await list(rep2)).data;
    const byMgr = await t.request(mgr, { method: 'PATCH', url: `/api/v1/sales-expenses/${e!.id}`, payload: { note: '核对后', version: e!.version } });
    expect(byMgr.statusCode, byMgr.body).toBe(200);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/sales-expenses/${e!.id}` })).json()).toMatchObject({ note: '核对后', updatedBy: mgr.userId });
  });
});
