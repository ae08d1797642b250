import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';
import { expectedPercent, parsePeriod } from './target-period.js';

let t: TestContext;
let admin: Session;
let mgr: Session;
let rep: Session;
let rep2: Session;
let southRep: Session;
let depts: { east: number; eastA: number; south: number };
let customerId: number;

let orderSeq = 0;
async function order(ownerId: number, date: string, status: string, total: string, extra: { returned?: string; deleted?: boolean } = {}): Promise<number> {
  const [row] = await t.database.rows<{ id: number }>(sql`
    insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total, returned_amount, deleted_at)
    values (${`T-${++orderSeq}`}, ${customerId}, ${ownerId}, ${date}::date, ${status}, ${total}::numeric, ${total}::numeric, ${extra.returned ?? '0'}::numeric,
      ${extra.deleted ? sql`now()` : sql`null`})
    returning id`);
  return Number(row!.id);
}

const post = (s: Session, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url: '/api/v1/targets', payload });
const progress = async (s: Session, query: string) => {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/targets/progress?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    expectedPercent: number;
    periodStart: string;
    periodEnd: string;
    data: Array<{ target: { id: number; subject: string; userId: number | null; departmentId: number | null }; actualAmount: string; actualCount: number; amountPercent: number | null; countPercent: number | null; behind: boolean }>;
  };
};

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  depts = await t.database.db.transaction(async (tx) => {
    const east = await insertDepartment(tx, null, { name: '华东大区' });
    const eastA = await insertDepartment(tx, null, { name: '杭州销售一组', parentId: east });
    const south = await insertDepartment(tx, null, { name: '华南大区' });
    return { east, eastA, south };
  });
  mgr = await t.userWithRole('manager', { departmentId: depts.east });
  rep = await t.userWithRole('sales', { departmentId: depts.eastA, managerId: mgr.userId });
  rep2 = await t.userWithRole('sales', { departmentId: depts.east, managerId: mgr.userId });
  southRep = await t.userWithRole('sales', { departmentId: depts.south });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '杭州云帆科技有限公司', ${rep.userId}) returning id`);
  customerId = Number(c!.id);

  // November 2026 for rep: two sales (one partly returned), and orders that must not count.
  await order(rep.userId, '2026-11-03', 'confirmed', '1000.00', { returned: '200.50' });
  await order(rep.userId, '2026-11-20', 'fulfilled', '500.25');
  await order(rep.userId, '2026-11-05', 'cancelled', '9999.00');
  await order(rep.userId, '2026-11-06', 'draft', '777.00');
  await order(rep.userId, '2026-11-07', 'confirmed', '4444.00', { deleted: true });
  await order(rep.userId, '2026-12-01', 'confirmed', '123.00');
  await order(rep.userId, '2026-10-31', 'confirmed', '50.00');
  await order(rep2.userId, '2026-11-10', 'confirmed', '300.00');
  await order(southRep.userId, '2026-11-10', 'confirmed', '8000.00');
});
afterAll(() => t.close());

describe('periods', () => {
  it('parses months and quarters and measures time progress in calendar days', () => {
    expect(parsePeriod('2026-11', '2026-01-01')).toMatchObject({ kind: 'month', start: '2026-11-01', end: '2026-11-30', next: '2026-12-01' });
    expect(parsePeriod('2026-Q4', '2026-01-01')).toMatchObject({ kind: 'quarter', start: '2026-10-01', end: '2026-12-31', next: '2027-01-01' });
    expect(parsePeriod('quarter', '2028-02-29')).toMatchObject({ label: '2028-Q1', start: '2028-01-01', end: '2028-03-31' });
    expect(parsePeriod('month', '2028-02-10')).toMatchObject({ label: '2028-02', end: '2028-02-29' });
    const nov = parsePeriod('2026-11', '2026-01-01');
    expect(expectedPercent(nov, '2026-10-31')).toBe(0);
    expect(expectedPercent(nov, '2026-11-01')).toBe(3.3);
    expect(expectedPercent(nov, '2026-11-15')).toBe(50);
    expect(expectedPercent(nov, '2026-11-30')).toBe(100);
    expect(expectedPercent(nov, '2027-03-01')).toBe(100);
  });
});

describe('targets', () => {
  it('validates period starts, the measures and the subject, naming the field', async () => {
    const bad = async (payload: Record<string, unknown>, path: string) => {
      const res = await post(admin, payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    };
    await bad({ subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-15', amountTarget: '100' }, 'periodStart');
    await bad({ subject: 'user', userId: rep.userId, period: 'quarter', periodStart: '2026-11-01', amountTarget: '100' }, 'periodStart');
    await bad({ subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-01' }, 'amountTarget');
    await bad({ subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-01', amountTarget: '-5' }, 'amountTarget');
    await bad({ subject: 'user', period: 'month', periodStart: '2026-11-01', countTarget: 3 }, 'userId');
    await bad({ subject: 'department', userId: rep.userId, period: 'month', periodStart: '2026-11-01', countTarget: 3 }, 'departmentId');
    await bad({ subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-01', countTarget: 0 }, 'countTarget');
  });

  it('creates with the default basis, refuses a second live target for the subject and period, and audits', async () => {
    const res = await post(mgr, { subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-01', amountTarget: '2000', countTarget: 4 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ subject: 'user', userId: rep.userId, subjectName: expect.any(String), period: 'month', periodStart: '2026-11-01', periodEnd: '2026-11-30', amountTarget: '2000.00', countTarget: 4, basis: 'orders', version: 1 });
    const dup = await post(mgr, { subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-11-01', countTarget: 9 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'periodStart' }] });
    // a quarter target for the same user is another period
    expect((await post(mgr, { subject: 'user', userId: rep.userId, period: 'quarter', periodStart: '2026-10-01', amountTarget: '6000' })).statusCode).toBe(201);
    const audit = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where entity = 'sales_target' and action = 'create'`);
    expect(audit[0]!.n).toBe(2);
  });

  it('only sales.manage writes, and only for subjects in the writer’s scope', async () => {
    const asRep = await post(rep, { subject: 'user', userId: rep.userId, period: 'month', periodStart: '2026-12-01', amountTarget: '100' });
    expect(asRep.statusCode).toBe(403);
    const outside = await post(mgr, { subject: 'user', userId: southRep.userId, period: 'month', periodStart: '2026-11-01', amountTarget: '100' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details[0]).toMatchObject({ path: 'userId', code: 'out_of_scope' });
    const outsideDept = await post(mgr, { subject: 'department', departmentId: depts.south, period: 'month', periodStart: '2026-11-01', amountTarget: '100' });
    expect(outsideDept.json().error.details[0]).toMatchObject({ path: 'departmentId', code: 'out_of_scope' });
  });

  it('reps read their own targets only; managers read their team’s; others are 404', async () => {
    const other = (await post(mgr, { subject: 'user', userId: rep2.userId, period: 'month', periodStart: '2026-11-01', amountTarget: '1000' })).json();
    const south = (await post(admin, { subject: 'user', userId: southRep.userId, period: 'month', periodStart: '2026-11-01', amountTarget: '1000' })).json();
    expect((await t.request(rep, { method: 'GET', url: `/api/v1/targets/${other.id}` })).statusCode).toBe(404);
    expect((await t.request(mgr, { method: 'GET', url: `/api/v1/targets/${other.id}` })).statusCode).toBe(200);
    expect((await t.request(mgr, { method: 'GET', url: `/api/v1/targets/${south.id}` })).statusCode).toBe(404);
    const mine = (await t.request(rep, { method: 'GET', url: '/api/v1/targets?limit=100' })).json();
    expect(mine.data.every((x: { userId: number }) => x.userId === rep.userId)).toBe(true);
    expect(mine.total).toBe(2);
    const team = (await t.request(mgr, { method: 'GET', url: '/api/v1/targets?filter[period]=month&limit=100' })).json();
    expect(team.data.map((x: { userId: number }) => x.userId).sort()).toEqual([rep.userId, rep2.userId].sort());
    // a manager cannot change what they cannot see
    expect((await t.request(mgr, { method: 'PATCH', url: `/api/v1/targets/${south.id}`, payload: { amountTarget: '1', version: 1 } })).statusCode).toBe(404);
  });

  it('updates with a version, keeps at least one measure, and soft-deletes so the period can be set again', async () => {
    const created = (await post(admin, { subject: 'department', departmentId: depts.south, period: 'month', periodStart: '2026-12-01', amountTarget: '500' })).json();
    const none = await t.request(admin, { method: 'PATCH', url: `/api/v1/targets/${created.id}`, payload: { amountTarget: null, version: 1 } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].path).toBe('amountTarget');
    const ok = await t.request(admin, { method: 'PATCH', url: `/api/v1/targets/${created.id}`, payload: { countTarget: 7, amountTarget: null, version: 1 } });
    expect(ok.json()).toMatchObject({ amountTarget: null, countTarget: 7, version: 2 });
    const stale = await t.request(admin, { method: 'PATCH', url: `/api/v1/targets/${created.id}`, payload: { countTarget: 8, version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { version: 2 } });
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/targets/${created.id}` })).statusCode).toBe(204);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/targets/${created.id}` })).statusCode).toBe(404);
    expect((await post(admin, { subject: 'department', departmentId: depts.south, period: 'month', periodStart: '2026-12-01', amountTarget: '600' })).statusCode).toBe(201);
  });
});

describe('progress (orders basis)', () => {
  it('sums confirmed and fulfilled orders in the period net of returns, in SQL, with percentages', async () => {
    const report = await progress(mgr, 'period=2026-11&asOf=2026-11-15&filter[subject]=user');
    expect(report).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30', expectedPercent: 50 });
    const mine = report.data.find((x) => x.target.userId === rep.userId)!;
    // 1000.00 − 200.50 + 500.25; the cancelled, draft, deleted and out-of-period orders do not count
    expect(mine).toMatchObject({ actualAmount: '1299.75', actualCount: 2, amountPercent: 65, countPercent: 50, behind: false });
    const other = report.data.find((x) => x.target.userId === rep2.userId)!;
    expect(other).toMatchObject({ actualAmount: '300.00', actualCount: 1, amountPercent: 30, countPercent: null, behind: true });
  });

  it('flags behind schedule against the elapsed share of the period and the tolerance', async () => {
    const at = async (asOf: string) => (await progress(mgr, `period=2026-11&asOf=${asOf}&filter[userId]=${rep.userId}`)).data[0]!;
    // 65 % of the amount, 50 % of the count: expected 10 % on the 3rd, 50 % on the 15th, 100 % at the end
    expect((await at('2026-11-03')).behind).toBe(false);
    expect((await at('2026-11-18')).behind).toBe(false); // expected 60, threshold 50: count at 50 is not below
    expect((await at('2026-11-19')).behind).toBe(true); // expected 63.3, threshold 53.3: count at 50 is
    expect((await at('2026-11-30')).behind).toBe(true);
    expect((await at('2026-10-20')).behind).toBe(false); // not started
  });

  it('counts the quarter from its own dates', async () => {
    const report = await progress(rep, 'period=2026-Q4&asOf=2026-11-15');
    expect(report.data).toHaveLength(1);
    // Oct 31 (50.00) and Dec 1 (123.00) are in the quarter
    expect(report.data[0]).toMatchObject({ actualAmount: '1472.75', actualCount: 4, amountPercent: 24.5 });
  });

  it('department targets sum the members of the department and its sub-departments', async () => {
    await post(mgr, { subject: 'department', departmentId: depts.east, period: 'month', periodStart: '2026-11-01', amountTarget: '3000', countTarget: 3 });
    await post(mgr, { subject: 'department', departmentId: depts.eastA, period: 'month', periodStart: '2026-11-01', amountTarget: '1000' });
    await post(admin, { subject: 'department', departmentId: depts.south, period: 'month', periodStart: '2026-11-01', amountTarget: '10000' });
    const report = await progress(mgr, 'period=2026-11&asOf=2026-11-15&filter[subject]=department');
    const byDept = new Map(report.data.map((x) => [x.target.departmentId, x]));
    expect(byDept.get(depts.east)).toMatchObject({ actualAmount: '1599.75', actualCount: 3, amountPercent: 53.3, countPercent: 100, behind: false });
    expect(byDept.get(depts.eastA)).toMatchObject({ actualAmount: '1299.75', actualCount: 2, amountPercent: 130 });
    expect(byDept.has(depts.south)).toBe(false); // outside the manager's scope
    const all = await progress(admin, 'period=2026-11&asOf=2026-11-15&filter[subject]=department');
    expect(all.data.find((x) => x.target.departmentId === depts.south)).toMatchObject({ actualAmount: '8000.00', amountPercent: 80 });
  });

  it('a rep’s progress shows their own targets; /progress/me gives this month and quarter', async () => {
    const report = await progress(rep, 'period=2026-11&asOf=2026-11-15');
    expect(report.data.map((x) => x.target.userId)).toEqual([rep.userId]);
    const me = await t.request(rep, { method: 'GET', url: '/api/v1/targets/progress/me?asOf=2026-11-15' });
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body.month).toMatchObject({ period: '2026-11', data: [{ actualAmount: '1299.75' }] });
    expect(body.quarter).toMatchObject({ period: '2026-Q4', data: [{ actualAmount: '1472.75' }] });
    expect((await t.request(rep, { method: 'GET', url: '/api/v1/targets/progress?period=2026-13' })).statusCode).toBe(400);
  });
});

describe('progress (payments basis)', () => {
  it('sums live payments received in the period on orders of the target’s owners', async () => {
    const [rep2Order] = await t.database.rows<{ id: number }>(sql`select id from orders where owner_id = ${rep2.userId} and status = 'confirmed' limit 1`);
    const [repOrder] = await t.database.rows<{ id: number }>(sql`select id from orders where owner_id = ${rep.userId} and status = 'fulfilled' limit 1`);
    const pay = (orderId: number, amount: string, on: string, voided = false) =>
      t.database.rows(sql`insert into payments (order_id, customer_id, amount, received_on, method, deleted_at)
        values (${orderId}, ${customerId}, ${amount}::numeric, ${on}::date, 'bank_transfer', ${voided ? sql`now()` : sql`null`})`);
    await pay(Number(rep2Order!.id), '100.00', '2026-12-02');
    await pay(Number(rep2Order!.id), '50.50', '2026-12-20');
    await pay(Number(rep2Order!.id), '999.00', '2026-12-05', true); // voided
    await pay(Number(rep2Order!.id), '70.00', '2026-11-30'); // before the period
    await pay(Number(repOrder!.id), '200.25', '2026-12-31');
    await post(mgr, { subject: 'user', userId: rep2.userId, period: 'month', periodStart: '2026-12-01', amountTarget: '301', countTarget: 2, basis: 'payments' });
    await post(mgr, { subject: 'department', departmentId: depts.east, period: 'month', periodStart: '2026-12-01', amountTarget: '1000', basis: 'payments' });
    const report = await progress(mgr, 'period=2026-12&asOf=2026-12-16');
    expect(report.expectedPercent).toBe(51.6);
    const user = report.data.find((x) => x.target.userId === rep2.userId)!;
    expect(user).toMatchObject({ actualAmount: '150.50', actualCount: 1, amountPercent: 50, countPercent: 50, behind: false });
    const dept = report.data.find((x) => x.target.departmentId === depts.east)!;
    expect(dept).toMatchObject({ actualAmount: '350.75', actualCount: 2, amountPercent: 35.1, behind: true });
    // the rep sees only the payments of their own target
    expect((await progress(rep, 'period=2026-12&asOf=2026-12-16')).data).toHaveLength(0);
  });
});

describe('target settings', () => {
  it('changes the tolerance and default basis (sales.manage, versioned, audited)', async () => {
    const current = (await t.request(rep, { method: 'GET', url: '/api/v1/target-settings' })).json();
    expect(current).toMatchObject({ defaultBasis: 'orders', tolerancePoints: 10, version: 1 });
    expect((await t.request(rep, { method: 'PUT', url: '/api/v1/target-settings', payload: { tolerancePoints: 50, version: 1 } })).statusCode).toBe(403);
    const changed = await t.request(mgr, { method: 'PUT', url: '/api/v1/target-settings', payload: { tolerancePoints: 40, defaultBasis: 'payments', version: 1 } });
    expect(changed.json()).toMatchObject({ tolerancePoints: 40, defaultBasis: 'payments', version: 2 });
    expect((await t.request(mgr, { method: 'PUT', url: '/api/v1/target-settings', payload: { tolerancePoints: 5, version: 1 } })).statusCode).toBe(409);
    // with 40 points of tolerance the 19th (expected 63.3, threshold 23.3) is on schedule again
    const mid = (await progress(mgr, `period=2026-11&asOf=2026-11-19&filter[userId]=${rep.userId}`)).data[0]!;
    expect(mid).toMatchObject({ countPercent: 50, behind: false });
    const end = (await progress(mgr, `period=2026-11&asOf=2026-11-30&filter[userId]=${rep.userId}`)).data[0]!;
    expect(end).toMatchObject({ countPercent: 50, behind: true });
    const created = await post(mgr, { subject: 'user', userId: rep2.userId, period: 'month', periodStart: '2027-01-01', amountTarget: '100' });
    expect(created.json().basis).toBe('payments');
    const audit = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where entity = 'target_settings'`);
    expect(audit[0]!.n).toBe(1);
    await t.request(mgr, { method: 'PUT', url: '/api/v1/target-settings', payload: { tolerancePoints: 10, defaultBasis: 'orders', version: 2 } });
  });
});
