import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { defaultAnalyticsSettings } from '@guanxi/contracts';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';
import { syncCustomerWarnings } from './warnings.service.js';

let t: TestContext;
let admin: Session;
let mgr: Session;
let rep: Session;
let rep2: Session;
let southRep: Session;
let marketer: Session;
let depts: { east: number; south: number };
const cust: Record<'a' | 'b' | 'c' | 'd', number> = { a: 0, b: 0, c: 0, d: 0 };

let orderSeq = 0;
async function order(customerId: number, ownerId: number, date: string, total: string): Promise<number> {
  const [o] = await t.database.rows<{ id: number }>(sql`
    insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total)
    values (${`EW-${++orderSeq}`}, ${customerId}, ${ownerId}, ${date}::date, 'confirmed', ${total}::numeric, ${total}::numeric) returning id`);
  return Number(o!.id);
}
async function overdue(customerId: number, ownerId: number, amount: string, daysAgo: number): Promise<void> {
  const orderId = await order(customerId, ownerId, '2025-03-01', amount);
  const [p] = await t.database.rows<{ id: number }>(sql`insert into payment_plans (order_id) values (${orderId}) returning id`);
  await t.database.db.execute(sql`
    insert into payment_instalments (plan_id, order_id, owner_id, customer_id, seq, due_date, amount)
    values (${p!.id}, ${orderId}, ${ownerId}, ${customerId}, 1, (now() at time zone 'Asia/Shanghai')::date - ${daysAgo}::int, ${amount}::numeric)`);
}
async function customer(name: string, ownerId: number, importance: string | null): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`
    insert into customers (kind, relationship_type, name, owner_id, importance, importance_source) values ('organization', 'business', ${name}, ${ownerId}, ${importance}, 'computed') returning id`);
  return Number(c!.id);
}
async function metrics(customerId: number, level: string, score: number, clv: string): Promise<void> {
  const reasons = { churn: { signals: [{ signal: 'falling_spend', contribution: 0.3 }] } };
  await t.database.db.execute(sql`insert into customer_metrics (customer_id, run_id, as_of, churn_level, churn_score, tier, clv, margin, reasons)
    values (${customerId}, 1, '2026-11-01', ${level}, ${score}, 'vip', ${clv}::numeric, 100, ${JSON.stringify(reasons)}::jsonb)`);
}
async function expense(s: Session, spentOn: string, amount: string): Promise<void> {
  const res = await t.request(s, { method: 'POST', url: '/api/v1/sales-expenses', payload: { spentOn, amount, category: 'travel' } });
  expect(res.statusCode, res.body).toBe(201);
}
async function get<T = Record<string, unknown>>(s: Session, url: string): Promise<T> {
  const res = await t.request(s, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

type Rows<R> = { rows: R[]; truncated: boolean } & Record<string, unknown>;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  depts = await t.database.db.transaction(async (tx) => ({ east: await insertDepartment(tx, null, { name: '华东大区' }), south: await insertDepartment(tx, null, { name: '华南大区' }) }));
  mgr = await t.userWithRole('manager', { departmentId: depts.east });
  rep = await t.userWithRole('sales', { departmentId: depts.east, managerId: mgr.userId });
  rep2 = await t.userWithRole('sales', { departmentId: depts.east, managerId: mgr.userId });
  southRep = await t.userWithRole('sales', { departmentId: depts.south });
  marketer = await t.userWithRole('marketing');

  cust.a = await customer('甲公司', rep.userId, 'vip');
  cust.b = await customer('乙公司', rep2.userId, 'ordinary');
  cust.c = await customer('丙公司', southRep.userId, 'vip');
  cust.d = await customer('丁公司', rep.userId, 'vip');
  // overdue: A 12,000 for 40 days (over both thresholds), B 3,000 for 10 days, C 50,000 for 100 days
  await overdue(cust.a, rep.userId, '12000.00', 40);
  await overdue(cust.b, rep2.userId, '3000.00', 10);
  await overdue(cust.c, southRep.userId, '50000.00', 100);
  // January 2026: rep sells 30,000 against 100,000 (behind), rep2 12,000 against 10,000
  await order(cust.a, rep.userId, '2026-01-10', '30000.00');
  await order(cust.b, rep2.userId, '2026-01-12', '12000.00');
  for (const [s, amount] of [[rep, '100000'], [rep2, '10000']] as const) {
    const res = await t.request(mgr, { method: 'POST', url: '/api/v1/targets', payload: { subject: 'user', userId: s.userId, period: 'month', periodStart: '2026-01-01', amountTarget: amount } });
    expect(res.statusCode, res.body).toBe(201);
  }
  // expenses in January: rep 4,000 (13.33% of revenue), rep2 500 (4.17%), southRep 100 with no revenue; one in February
  await expense(rep, '2026-01-05', '3000.00');
  await expense(rep, '2026-01-31', '1000.00');
  await expense(rep, '2026-02-01', '9999.00');
  await expense(rep2, '2026-01-20', '500.00');
  await expense(southRep, '2026-01-20', '100.00');
  // churn: A high (CLV 9,000), B medium (CLV 1,000), C high, D low
  await metrics(cust.a, 'high', 0.7, '9000.00');
  await metrics(cust.b, 'medium', 0.4, '1000.00');
  await metrics(cust.c, 'high', 0.9, '70000.00');
  await metrics(cust.d, 'low', 0.1, '500.00');
});
afterAll(() => t.close());

describe('early warnings dashboard', () => {
  it('needs sales.read and a valid kind', async () => {
    expect((await t.request(marketer, { method: 'GET', url: '/api/v1/analytics/early-warnings?kind=churn' })).statusCode).toBe(403);
    for (const q of ['', 'kind=nope', 'kind=expense&period=2026-13', 'kind=overdue&filter[ownerId]=x']) {
      const res = await t.request(mgr, { method: 'GET', url: `/api/v1/analytics/early-warnings?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details.length).toBeGreaterThan(0);
    }
  });

  it('lists overdue receivables per customer within scope, flagged at the thresholds', async () => {
    type R = { customerName: string; ownerId: number; amount: string; daysOverdue: number; flagged: boolean; departmentName: string };
    const asMgr = await get<Rows<R> & { totalAmount: string; thresholds: unknown }>(mgr, '/api/v1/analytics/early-warnings?kind=overdue');
    expect(asMgr.rows.map((r) => [r.customerName, r.amount, r.daysOverdue, r.flagged])).toEqual([
      ['甲公司', '12000.00', 40, true],
      ['乙公司', '3000.00', 10, false],
    ]);
    expect(asMgr.totalAmount).toBe('15000.00');
    expect(asMgr.thresholds).toEqual({ amount: '10000.00', days: 30 });
    expect(asMgr.rows[0]).toMatchObject({ ownerId: rep.userId, departmentName: '华东大区' });
    const asRep = await get<Rows<R>>(rep, '/api/v1/analytics/early-warnings?kind=overdue');
    expect(asRep.rows.map((r) => r.customerName)).toEqual(['甲公司']);
    const all = await get<Rows<R> & { totalAmount: string }>(admin, '/api/v1/analytics/early-warnings?kind=overdue');
    expect(all.totalAmount).toBe('65000.00');
    expect(all.rows[0]!.customerName).toBe('丙公司');
    const south = await get<Rows<R>>(admin, `/api/v1/analytics/early-warnings?kind=overdue&filter[departmentId]=${depts.south}`);
    expect(south.rows.map((r) => r.customerName)).toEqual(['丙公司']);
    const minDays = await get<Rows<R>>(mgr, '/api/v1/analytics/early-warnings?kind=overdue&filter[minDays]=30');
    expect(minDays.rows.map((r) => r.customerName)).toEqual(['甲公司']);
  });

  it('lists sales progress against target with the behind-schedule flag of the targets', async () => {
    type R = { subjectName: string; actualAmount: string; amountPercent: number; behind: boolean };
    const res = await get<Rows<R> & { expectedPercent: number }>(mgr, '/api/v1/analytics/early-warnings?kind=progress&period=2026-01');
    expect(res.expectedPercent).toBe(100);
    expect(res.rows.map((r) => [r.actualAmount, r.amountPercent, r.behind])).toEqual([
      ['30000.00', 30, true],
      ['12000.00', 120, false],
    ]);
    const own = await get<Rows<R>>(rep2, '/api/v1/analytics/early-warnings?kind=progress&period=2026-01');
    expect(own.rows).toHaveLength(1);
    expect(own.rows[0]!.behind).toBe(false);
  });

  it('compares expenses with revenue per owner for the period and flags the ratio above the setting', async () => {
    type R = { ownerId: number; expenses: string; revenue: string; ratio: string | null; flagged: boolean };
    const res = await get<Rows<R> & { expenseRatio: number; periodStart: string }>(mgr, '/api/v1/analytics/early-warnings?kind=expense&period=2026-01');
    expect(res.expenseRatio).toBe(defaultAnalyticsSettings.warnings.expenseRatio);
    expect(res.rows.map((r) => [r.ownerId, r.expenses, r.revenue, r.ratio, r.flagged])).toEqual([
      [rep.userId, '4000.00', '30000.00', '0.1333', true],
      [rep2.userId, '500.00', '12000.00', '0.0417', false],
    ]);
    const all = await get<Rows<R>>(admin, '/api/v1/analytics/early-warnings?kind=expense&period=2026-01');
    expect(all.rows[0]).toMatchObject({ ownerId: southRep.userId, revenue: '0.00', ratio: null, flagged: true });
    const rep2Only = await get<Rows<R>>(rep2, '/api/v1/analytics/early-warnings?kind=expense&period=2026-01');
    expect(rep2Only.rows.map((r) => r.ownerId)).toEqual([rep2.userId]);
    const quarter = await get<Rows<R>>(rep, '/api/v1/analytics/early-warnings?kind=expense&period=2026-Q1');
    expect(quarter.rows[0]).toMatchObject({ expenses: '13999.00' });
  });

  it('lists churn risk with owner, CLV at stake and signals, within the customer scope', async () => {
    type R = { customerName: string; level: string; clv: string; tier: string; signals: Array<{ signal: string; contribution: number }>; ownerName: string };
    const res = await get<Rows<R> & { clvAtStake: string }>(mgr, '/api/v1/analytics/early-warnings?kind=churn');
    expect(res.rows.map((r) => [r.customerName, r.level, r.clv])).toEqual([
      ['甲公司', 'high', '9000.00'],
      ['乙公司', 'medium', '1000.00'],
    ]);
    expect(res.clvAtStake).toBe('10000.00');
    expect(res.rows[0]!.signals).toEqual([{ signal: 'falling_spend', contribution: 0.3 }]);
    expect(res.rows[0]!.tier).toBe('vip');
    const high = await get<Rows<R>>(mgr, '/api/v1/analytics/early-warnings?kind=churn&filter[level]=high');
    expect(high.rows.map((r) => r.customerName)).toEqual(['甲公司']);
    const asRep2 = await get<Rows<R>>(rep2, '/api/v1/analytics/early-warnings?kind=churn');
    expect(asRep2.rows.map((r) => r.customerName)).toEqual(['乙公司']);
  });
});

describe('open warnings by owner', () => {
  it('groups open warnings per owner with counts and overdue amounts, with their tasks, in scope', async () => {
    await syncCustomerWarnings(t.database, { runId: 1, asOf: '2026-11-01', settings: defaultAnalyticsSettings, timeZone: 'Asia/Shanghai' });
    type W = { byOwner: Array<{ ownerId: number; churn: number; overdue: number; overdueAmount: string }>; total: { churn: number; overdue: number; overdueAmount: string }; data: Array<{ kind: string; customerName: string; task: { title: string; done: boolean } | null }> };
    const asMgr = await get<W>(mgr, '/api/v1/analytics/warnings');
    expect(asMgr.byOwner).toEqual([{ ownerId: rep.userId, ownerName: expect.any(String), churn: 1, overdue: 1, overdueAmount: '12000.00' }]);
    expect(asMgr.total).toEqual({ churn: 1, overdue: 1, overdueAmount: '12000.00' });
    expect(asMgr.data.map((w) => [w.kind, w.customerName, w.task?.done]).sort()).toEqual([
      ['churn', '甲公司', false],
      ['overdue', '甲公司', false],
    ]);
    expect(asMgr.data.find((w) => w.kind === 'overdue')!.task!.title).toBe('外欠款预警：甲公司');
    const all = await get<W>(admin, '/api/v1/analytics/warnings');
    expect(all.total).toEqual({ churn: 2, overdue: 2, overdueAmount: '62000.00' });
    expect(all.byOwner[0]).toMatchObject({ ownerId: southRep.userId, overdueAmount: '50000.00' });
    // a rep sees only their own warnings
    expect((await get<W>(rep2, '/api/v1/analytics/warnings')).data).toEqual([]);
    expect((await get<W>(southRep, '/api/v1/analytics/warnings')).total).toEqual({ churn: 1, overdue: 1, overdueAmount: '50000.00' });
    const churnOnly = await get<W>(admin, '/api/v1/analytics/warnings?filter[kind]=churn');
    expect(churnOnly.data.every((w) => w.kind === 'churn')).toBe(true);
    // the task shows in the owner's own task list with its kind
    const tasks = await get<{ data: Array<{ kind: string }> }>(rep, '/api/v1/tasks?filter[kind]=churn_warning');
    expect(tasks.data.map((x) => x.kind)).toEqual(['churn_warning']);
  });
});

describe('overdue list owner filters', () => {
  it("filters by the customer's owner, else by the owner of the oldest overdue instalment, after totalling every instalment in scope", async () => {
    type R = { customerId: number; ownerId: number | null; amount: string; instalments: number; daysOverdue: number };
    // rep2's customer, owed on orders rep sold: listed under rep2, with rep's instalments in the total
    const sharedCust = await customer('戊公司', rep2.userId, null);
    await overdue(sharedCust, rep.userId, '700.00', 20);
    await overdue(sharedCust, rep2.userId, '300.00', 5);
    // a pool customer: its owner is the oldest overdue instalment's (southRep's, 60 days, not rep's, 15)
    const [pool] = await t.database.rows<{ id: number }>(sql`
      insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '己公司', null) returning id`);
    const poolCust = Number(pool!.id);
    await overdue(poolCust, rep.userId, '400.00', 15);
    await overdue(poolCust, southRep.userId, '600.00', 60);
    const list = async (s: Session, q: string) => (await get<Rows<R>>(s, `/api/v1/analytics/early-warnings?kind=overdue${q}`)).rows;
    const ofRep2 = await list(admin, `&filter[ownerId]=${rep2.userId}`);
    expect(ofRep2.find((r) => r.customerId === sharedCust)).toMatchObject({ ownerId: rep2.userId, amount: '1000.00', instalments: 2, daysOverdue: 20 });
    expect((await list(admin, `&filter[ownerId]=${rep.userId}`)).map((r) => r.customerId)).not.toContain(sharedCust);
    expect((await list(admin, `&filter[ownerId]=${southRep.userId}`)).find((r) => r.customerId === poolCust)).toMatchObject({ ownerId: southRep.userId, amount: '1000.00', instalments: 2 });
    expect((await list(admin, `&filter[ownerId]=${rep.userId}`)).map((r) => r.customerId)).not.toContain(poolCust);
    expect((await list(admin, `&filter[departmentId]=${depts.south}`)).map((r) => r.customerId)).toContain(poolCust);
    // minDays narrows the instalments first: only southRep's 60-day one counts, and rep's 15-day one is not the oldest anyway
    expect((await list(admin, `&filter[minDays]=30&filter[ownerId]=${southRep.userId}`)).find((r) => r.customerId === poolCust)).toMatchObject({ amount: '600.00', instalments: 1 });
    // the manager (east, rep and rep2 below) sees only the east instalments of the pool customer; its oldest of those is rep's
    const asMgr = await list(mgr, `&filter[ownerId]=${rep.userId}`);
    expect(asMgr.find((r) => r.customerId === poolCust)).toMatchObject({ ownerId: rep.userId, amount: '400.00', instalments: 1 });
    // a plain rep never sees the pool customer's instalments of other owners
    expect((await list(southRep, '')).find((r) => r.customerId === poolCust)).toMatchObject({ amount: '600.00' });
    // after the filters, the page's total is the sum of every listed customer's amount
    const page = await get<Rows<R> & { totalAmount: string }>(admin, `/api/v1/analytics/early-warnings?kind=overdue&filter[ownerId]=${rep2.userId}`);
    const cents = page.rows.reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0);
    expect(page.truncated).toBe(false);
    expect(Math.round(Number(page.totalAmount) * 100)).toBe(cents);
  });
});
