import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let repA: Session;
let repA2: Session;
let repB: Session;
let east: number;
let eastSub: number;
let west: number;
let customerA: number;
let customerB: number;
let product: number;

interface Order {
  id: number;
  number: string;
  version: number;
  total: string;
}

/** Today's calendar date in a time zone, and date arithmetic on YYYY-MM-DD without local-time surprises. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const today = () => todayIn('Asia/Shanghai');
/** Decimal strings to integer cents, so the test's own sums are exact too. */
const cents = (s: string) => BigInt(s.replace('.', ''));
const sumCents = (xs: string[]) => xs.reduce((a, x) => a + cents(x), 0n);

async function department(name: string, parentId: number | null = null): Promise<number> {
  const [d] = await t.database.rows<{ id: number }>(sql`insert into departments (name, parent_id) values (${name}, ${parentId}) returning id`);
  return Number(d!.id);
}
async function customer(name: string, ownerId: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`);
  return Number(c!.id);
}
const post = (s: Session, url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) => t.request(s, { method: 'POST', url, payload, headers });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });

/** A confirmed order of one line at `price`, through the orders API. */
async function confirmedOrder(s: Session, customerId: number, price: string, then: 'confirm' | 'draft' | 'cancel' | 'fulfil' = 'confirm'): Promise<Order> {
  const created = await post(s, '/api/v1/orders', { customerId, lines: [{ productId: product, quantity: '1', unitPrice: price }] });
  expect(created.statusCode, created.body).toBe(201);
  let o = created.json() as Order;
  if (then === 'draft') return o;
  o = (await post(s, `/api/v1/orders/${o.id}/confirm`, { version: o.version })).json();
  if (then === 'cancel' || then === 'fulfil') o = (await post(s, `/api/v1/orders/${o.id}/${then}`, { version: o.version })).json();
  return o;
}
async function plan(s: Session, orderId: number, instalments: Array<{ dueDate: string; amount: string }>) {
  const res = await post(s, '/api/v1/payment-plans', { orderId, instalments });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; version: number; instalments: Array<{ id: number; seq: number; dueDate: string; amount: string; paidAmount: string; openAmount: string; status: string; daysOverdue: number }> };
}
const pay = (s: Session, orderId: number, amount: string, extra: Record<string, unknown> = {}) =>
  post(s, '/api/v1/payments', { orderId, amount, receivedOn: today(), method: 'bank_transfer', ...extra });
const receivable = async (s: Session, orderId: number) => (await get(s, `/api/v1/orders/${orderId}/receivable`)).json();

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  east = await department('华东销售部');
  eastSub = await department('杭州组', east);
  west = await department('华南销售部');
  manager = await t.userWithRole('manager', { departmentId: east });
  repA = await t.userWithRole('sales', { departmentId: east, managerId: manager.userId });
  repA2 = await t.userWithRole('sales', { departmentId: eastSub, managerId: manager.userId });
  repB = await t.userWithRole('sales', { departmentId: west });
  customerA = await customer('杭州云帆科技有限公司', repA.userId);
  customerB = await customer('深圳启明贸易有限公司', repB.userId);
  product = (await post(admin, '/api/v1/products', { sku: 'SVC-1', name: '年度服务', listPrice: '1.00' })).json().id;
});
afterAll(() => t.close());

describe('payment plans', () => {
  it('splits 300.01 into 100.00 + 100.00 + 100.01 exactly and refuses a sum that is off, naming the difference', async () => {
    const o = await confirmedOrder(repA, customerA, '300.01');
    const short = await post(repA, '/api/v1/payment-plans', {
      orderId: o.id,
      instalments: ['100.00', '100.00', '100.00'].map((amount, i) => ({ dueDate: addDays(today(), 30 * (i + 1)), amount })),
    }, { 'accept-language': 'en' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details[0]).toMatchObject({ path: 'instalments', code: 'sum_mismatch' });
    expect(short.json().error.message).toContain('0.01 short of');
    expect(short.json().error.message).toContain('300.01');

    const over = await post(repA, '/api/v1/payment-plans', { orderId: o.id, instalments: [{ dueDate: today(), amount: '300.02' }] });
    expect(over.json().error.message).toContain('多 0.01');

    // given out of order: numbered by due date
    const p = await plan(repA, o.id, [
      { dueDate: addDays(today(), 90), amount: '100.01' },
      { dueDate: addDays(today(), 30), amount: '100.00' },
      { dueDate: addDays(today(), 60), amount: '100.00' },
    ]);
    expect(p.instalments.map((i) => [i.seq, i.amount, i.status])).toEqual([
      [1, '100.00', 'open'],
      [2, '100.00', 'open'],
      [3, '100.01', 'open'],
    ]);
    const r = await receivable(repA, o.id);
    expect(r).toMatchObject({ receivable: '300.01', paid: '0.00', balance: '300.01', overdueAmount: '0.00', daysOverdue: 0, planDifference: '0.00', plan: { id: p.id, version: 1 } });

    const again = await post(repA, '/api/v1/payment-plans', { orderId: o.id, instalments: [{ dueDate: today(), amount: '300.01' }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].code).toBe('plan_exists');

    const listed = (await get(repA, `/api/v1/payment-plans?filter[orderId]=${o.id}`)).json();
    expect(listed.total).toBe(1);
    expect(listed.data[0].instalments).toHaveLength(3);
  });

  it('refuses bad instalments with the field named', async () => {
    const o = await confirmedOrder(repA, customerA, '10.00');
    const cases: Array<[unknown, string]> = [
      [[{ dueDate: '2026-02-30', amount: '10.00' }], 'instalments.0.dueDate'],
      [[{ dueDate: today(), amount: '-10.00' }], 'instalments.0.amount'],
      [[{ dueDate: today(), amount: '0' }], 'instalments.0.amount'],
      [[{ dueDate: today(), amount: '5.001' }], 'instalments.0.amount'],
      [[], 'instalments'],
    ];
    for (const [instalments, path] of cases) {
      const res = await post(repA, '/api/v1/payment-plans', { orderId: o.id, instalments });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.details[0].path, JSON.stringify(instalments)).toBe(path);
    }
  });

  it('refuses plans and payments on draft and cancelled orders with a clear message', async () => {
    const draft = await confirmedOrder(repA, customerA, '50.00', 'draft');
    const cancelled = await confirmedOrder(repA, customerA, '50.00', 'cancel');
    for (const o of [draft, cancelled]) {
      const p = await post(repA, '/api/v1/payment-plans', { orderId: o.id, instalments: [{ dueDate: today(), amount: '50.00' }] }, { 'accept-language': 'zh-CN' });
      expect(p.statusCode).toBe(409);
      expect(p.json().error.message).toContain(o.number);
      const m = await pay(repA, o.id, '10.00');
      expect(m.statusCode).toBe(409);
      expect(m.json().error.details[0]).toMatchObject({ path: 'orderId', code: 'order_not_owed' });
    }
    const en = await post(repA, '/api/v1/payments', { orderId: cancelled.id, amount: '1.00', receivedOn: today(), method: 'cash' }, { 'accept-language': 'en' });
    expect(en.json().error.message).toMatch(/is cancelled: only confirmed or fulfilled orders can take payments/);
    const zh = await pay(repA, draft.id, '1.00');
    expect(zh.json().error.message).toContain('请先确认订单');
    // a fulfilled order is still owed
    const fulfilled = await confirmedOrder(repA, customerA, '20.00', 'fulfil');
    expect((await pay(repA, fulfilled.id, '20.00')).statusCode).toBe(201);
  });

  it('keeps paid instalments on edit, refuses to go below what was paid, and checks the version', async () => {
    const o = await confirmedOrder(repA, customerA, '200.00');
    const p = await plan(repA, o.id, [
      { dueDate: addDays(today(), 10), amount: '100.00' },
      { dueDate: addDays(today(), 40), amount: '100.00' },
    ]);
    const [first, second] = p.instalments;
    expect((await pay(repA, o.id, '60.00')).statusCode).toBe(201);

    const removed = await t.request(repA, { method: 'PATCH', url: `/api/v1/payment-plans/${p.id}`, payload: { version: 1, instalments: [{ dueDate: addDays(today(), 40), amount: '200.00' }] } });
    expect(removed.statusCode).toBe(400);
    expect(removed.json().error.details[0]).toMatchObject({ path: 'instalments', code: 'instalment_paid' });

    const below = await t.request(repA, {
      method: 'PATCH',
      url: `/api/v1/payment-plans/${p.id}`,
      payload: { version: 1, instalments: [{ id: first!.id, dueDate: first!.dueDate, amount: '50.00' }, { id: second!.id, dueDate: second!.dueDate, amount: '150.00' }] },
    });
    expect(below.statusCode).toBe(400);
    expect(below.json().error.details[0]).toMatchObject({ path: 'instalments.0.amount', code: 'below_paid' });

    const stale = await t.request(repA, { method: 'PATCH', url: `/api/v1/payment-plans/${p.id}`, payload: { version: 7, notes: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect(stale.json().error.current.id).toBe(p.id);

    const ok = await t.request(repA, {
      method: 'PATCH',
      url: `/api/v1/payment-plans/${p.id}`,
      payload: {
        version: 1,
        notes: '客户要求分三期',
        instalments: [
          { id: first!.id, dueDate: first!.dueDate, amount: '60.00' },
          { id: second!.id, dueDate: addDays(today(), 30), amount: '70.00' },
          { dueDate: addDays(today(), 60), amount: '70.00' },
        ],
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, notes: '客户要求分三期' });
    const owners = await t.database.rows<{ owner_id: string | number }>(sql`select owner_id from payment_instalments where plan_id = ${p.id}`);
    expect(owners.map((r) => Number(r.owner_id))).toEqual([repA.userId, repA.userId, repA.userId]);
    expect(ok.json().instalments.map((i: { amount: string; paidAmount: string; status: string }) => [i.amount, i.paidAmount, i.status])).toEqual([
      ['60.00', '60.00', 'paid'],
      ['70.00', '0.00', 'open'],
      ['70.00', '0.00', 'open'],
    ]);
    const [audit] = await t.database.rows<{ changes: { instalments?: unknown; notes?: unknown } }>(
      sql`select changes from audit_log where entity = 'payment_plan' and entity_id = ${String(p.id)} and action = 'update'`,
    );
    expect(audit?.changes.instalments).toBeDefined();
    expect(audit?.changes.notes).toEqual({ old: null, new: '客户要求分三期' });
  });

  it("stores the order's owner and customer on every instalment, and withdraws a cancelled order's plan from the overdue report", async () => {
    // admin writes an order of repB's customer: the order, and so its instalments, belong to repB
    const o = await confirmedOrder(admin, customerB, '90.00');
    const p = await plan(admin, o.id, [
      { dueDate: addDays(today(), -3), amount: '30.00' },
      { dueDate: addDays(today(), 100), amount: '60.00' },
    ]);
    const owners = async () =>
      (await t.database.rows<{ owner_id: string | number }>(sql`select owner_id from payment_instalments where plan_id = ${p.id} and deleted_at is null`)).map((r) => Number(r.owner_id));
    expect(await owners()).toEqual([repB.userId, repB.userId]);
    const edited = await t.request(admin, {
      method: 'PATCH',
      url: `/api/v1/payment-plans/${p.id}`,
      payload: { version: p.version, instalments: [{ id: p.instalments[0]!.id, dueDate: p.instalments[0]!.dueDate, amount: '30.00' }, { dueDate: addDays(today(), 100), amount: '60.00' }] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await owners()).toEqual([repB.userId, repB.userId]);
    const [customers] = await t.database.rows<{ ids: Array<string | number> }>(sql`select array_agg(distinct customer_id) as ids from payment_instalments where plan_id = ${p.id}`);
    expect(customers?.ids.map(Number)).toEqual([customerB]);
    const listed = async () => ((await get(admin, `/api/v1/receivables/overdue?limit=500&filter[ownerId]=${repB.userId}`)).json().data as Array<{ orderId: number; ownerId: number }>).filter((r) => r.orderId === o.id);
    expect((await listed()).map((r) => r.ownerId)).toEqual([repB.userId]);

    const current = (await get(admin, `/api/v1/orders/${o.id}`)).json();
    const cancelled = await post(admin, `/api/v1/orders/${o.id}/cancel`, { version: current.version });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await listed()).toEqual([]);
    // the plan goes with the order, kept for the record: soft-deleted with its instalments, and audited
    expect((await get(admin, `/api/v1/payment-plans/${p.id}`)).statusCode).toBe(404);
    const [live] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from payment_instalments where plan_id = ${p.id} and deleted_at is null`);
    expect(Number(live?.n)).toBe(0);
    const [withdrawn] = await t.database.rows<{ changes: { withdrawnBy?: { new: unknown }; instalments?: { old: unknown[] } } }>(
      sql`select changes from audit_log where entity = 'payment_plan' and entity_id = ${String(p.id)} and action = 'delete'`,
    );
    expect(withdrawn?.changes.withdrawnBy?.new).toBe('order_cancelled');
    expect(withdrawn?.changes.instalments?.old).toHaveLength(2);
    expect((await receivable(admin, o.id)) as unknown).toMatchObject({ plan: null, overdueAmount: '0.00', instalments: [] });
    const summary = (await get(admin, `/api/v1/receivables/overdue/summary?groupBy=owner&filter[ownerId]=${repB.userId}`)).json();
    const all = (await get(admin, `/api/v1/receivables/overdue?limit=500&filter[ownerId]=${repB.userId}`)).json().data as Array<{ openAmount: string }>;
    expect(summary.total.count).toBe(all.length);
  });

  it('allocates payments made before the plan once the plan is written, and frees them when it is deleted', async () => {
    const o = await confirmedOrder(repA, customerA, '100.00');
    const early = (await pay(repA, o.id, '30.00')).json();
    expect(early).toMatchObject({ unallocatedAmount: '30.00', allocations: [] });
    expect(await receivable(repA, o.id)).toMatchObject({ plan: null, paid: '30.00', balance: '70.00', overdueAmount: '0.00', instalments: [] });
    const p = await plan(repA, o.id, [
      { dueDate: addDays(today(), -5), amount: '20.00' },
      { dueDate: addDays(today(), 5), amount: '80.00' },
    ]);
    expect(p.instalments.map((i) => i.paidAmount)).toEqual(['20.00', '10.00']);
    expect((await get(repA, `/api/v1/payments/${early.id}`)).json()).toMatchObject({ unallocatedAmount: '0.00', allocations: [{ amount: '20.00' }, { amount: '10.00' }] });

    const del = await t.request(repA, { method: 'DELETE', url: `/api/v1/payment-plans/${p.id}` });
    expect(del.statusCode).toBe(204);
    expect((await get(repA, `/api/v1/payment-plans/${p.id}`)).statusCode).toBe(404);
    expect((await get(repA, `/api/v1/payments/${early.id}`)).json()).toMatchObject({ unallocatedAmount: '30.00' });
    expect(await receivable(repA, o.id)).toMatchObject({ plan: null, paid: '30.00', balance: '70.00' });
    // a new plan may be written and takes the money again
    const again = await plan(repA, o.id, [{ dueDate: addDays(today(), 1), amount: '100.00' }]);
    expect(again.instalments[0]).toMatchObject({ paidAmount: '30.00', status: 'partly_paid' });
  });
});

describe('payments', () => {
  it('allocates oldest due first, or as told, within each open amount', async () => {
    const o = await confirmedOrder(repA, customerA, '300.01');
    const p = await plan(repA, o.id, [
      { dueDate: addDays(today(), -20), amount: '100.00' },
      { dueDate: addDays(today(), 10), amount: '100.00' },
      { dueDate: addDays(today(), 40), amount: '100.01' },
    ]);
    const [i1, i2, i3] = p.instalments;
    const fifo = await pay(repA, o.id, '150.00', { method: 'wechat_pay', reference: 'WX-20260101-001' });
    expect(fifo.statusCode, fifo.body).toBe(201);
    expect(fifo.json()).toMatchObject({ amount: '150.00', method: 'wechat_pay', reference: 'WX-20260101-001', customerId: customerA, orderNumber: o.number, unallocatedAmount: '0.00' });
    expect(fifo.json().allocations.map((a: { instalmentId: number; amount: string }) => [a.instalmentId, a.amount])).toEqual([
      [i1!.id, '100.00'],
      [i2!.id, '50.00'],
    ]);

    const tooMuch = await pay(repA, o.id, '60.00', { allocations: [{ instalmentId: i2!.id, amount: '60.00' }] });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error.details[0]).toMatchObject({ path: 'allocations.0.amount', code: 'exceeds_open' });
    const notSum = await pay(repA, o.id, '60.00', { allocations: [{ instalmentId: i3!.id, amount: '50.00' }] });
    expect(notSum.statusCode).toBe(400);
    expect(notSum.json().error.details[0]).toMatchObject({ path: 'allocations', code: 'sum_mismatch' });
    const other = await confirmedOrder(repA, customerA, '10.00');
    const otherPlan = await plan(repA, other.id, [{ dueDate: today(), amount: '10.00' }]);
    const foreign = await pay(repA, o.id, '10.00', { allocations: [{ instalmentId: otherPlan.instalments[0]!.id, amount: '10.00' }] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details[0].path).toBe('allocations.0.instalmentId');
    // refused payments left nothing behind
    expect((await receivable(repA, o.id)).paid).toBe('150.00');

    const told = await pay(repA, o.id, '100.01', { allocations: [{ instalmentId: i3!.id, amount: '50.01' }, { instalmentId: i2!.id, amount: '50.00' }] });
    expect(told.statusCode, told.body).toBe(201);
    const r = await receivable(repA, o.id);
    expect(r).toMatchObject({ paid: '250.01', balance: '50.00', overdueAmount: '0.00' });
    expect(r.instalments.map((i: { paidAmount: string; openAmount: string; status: string }) => [i.paidAmount, i.openAmount, i.status])).toEqual([
      ['100.00', '0.00', 'paid'],
      ['100.00', '0.00', 'paid'],
      ['50.01', '50.00', 'partly_paid'],
    ]);
    const stored = await t.database.rows<{ ok: boolean }>(
      sql`select bool_and(i.paid_amount = coalesce((select sum(a.amount) from payment_allocations a where a.instalment_id = i.id and a.reversed_at is null), 0)) as ok
          from payment_instalments i where i.order_id = ${o.id}`,
    );
    expect(stored[0]?.ok).toBe(true);
  });

  it('refuses over-payment, negative, zero and malformed amounts with the field named', async () => {
    const o = await confirmedOrder(repA, customerA, '99.99');
    for (const amount of ['-5.00', '0', '0.00', '1.005', 'abc', '1e3', ' ']) {
      const res = await pay(repA, o.id, amount);
      expect(res.statusCode, amount).toBe(400);
      expect(res.json().error.details[0].path, amount).toBe('amount');
    }
    expect((await post(repA, '/api/v1/payments', { orderId: o.id, amount: 5, receivedOn: today(), method: 'cash' })).json().error.details[0].path).toBe('amount');
    expect((await pay(repA, o.id, '5.00', { method: 'bitcoin' })).json().error.details[0].path).toBe('method');
    expect((await pay(repA, o.id, '5.00', { receivedOn: '2026-13-01' })).json().error.details[0].path).toBe('receivedOn');
    expect((await pay(repA, o.id, '10.00')).statusCode).toBe(201);
    const over = await post(repA, '/api/v1/payments', { orderId: o.id, amount: '90.00', receivedOn: today(), method: 'cash' }, { 'accept-language': 'en' });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.details[0]).toMatchObject({ path: 'amount', code: 'exceeds_balance' });
    expect(over.json().error.message).toContain('89.99');
    expect((await pay(repA, o.id, '89.99')).statusCode).toBe(201);
    expect((await pay(repA, o.id, '0.01')).statusCode).toBe(400);
    expect(await receivable(repA, o.id)).toMatchObject({ paid: '99.99', balance: '0.00' });
  });

  it('voids a payment: its allocations are given back, the balance returns, and it is audited', async () => {
    const o = await confirmedOrder(repA, customerA, '120.00');
    await plan(repA, o.id, [
      { dueDate: addDays(today(), -3), amount: '60.00' },
      { dueDate: addDays(today(), 30), amount: '60.00' },
    ]);
    const p = (await pay(repA, o.id, '90.00')).json();
    expect((await receivable(repA, o.id)).overdueAmount).toBe('0.00');
    const stale = await post(repA, `/api/v1/payments/${p.id}/void`, { version: 9, reason: '重复登记' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect((await post(repA, `/api/v1/payments/${p.id}/void`, { version: 1, reason: '' })).json().error.details[0].path).toBe('reason');

    const voided = await post(repA, `/api/v1/payments/${p.id}/void`, { version: 1, reason: '重复登记' });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json()).toMatchObject({ voided: true, voidedReason: '重复登记', voidedBy: repA.userId, version: 2 });
    expect(voided.json().allocations.every((a: { reversed: boolean }) => a.reversed)).toBe(true);
    const r = await receivable(repA, o.id);
    expect(r).toMatchObject({ paid: '0.00', balance: '120.00', overdueAmount: '60.00', daysOverdue: 3 });
    expect(r.instalments.map((i: { paidAmount: string }) => i.paidAmount)).toEqual(['0.00', '0.00']);
    expect((await post(repA, `/api/v1/payments/${p.id}/void`, { version: 2, reason: 'again' })).statusCode).toBe(409);
    // voided payments are listed, marked, unless filtered out
    expect((await get(repA, `/api/v1/payments?filter[orderId]=${o.id}`)).json().data[0]).toMatchObject({ id: p.id, voided: true });
    expect((await get(repA, `/api/v1/payments?filter[orderId]=${o.id}&filter[voided]=false`)).json().total).toBe(0);
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'payment' and entity_id = ${String(p.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'void']);
  });

  it('never lets two concurrent payments together over-pay an order', async () => {
    const o = await confirmedOrder(repA, customerA, '100.00');
    await plan(repA, o.id, [{ dueDate: today(), amount: '100.00' }]);
    for (let round = 0; round < 3; round++) {
      const balance = (await receivable(repA, o.id)).balance as string;
      if (balance === '0.00') break;
      // each alone fits; both together exceed the balance
      const part = ((cents(balance) * 6n) / 10n).toString().padStart(3, '0');
      const amount = `${part.slice(0, -2)}.${part.slice(-2)}`;
      const results = await Promise.all([pay(repA, o.id, amount), pay(repA, o.id, amount)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 400]);
    }
    const r = await receivable(repA, o.id);
    expect(cents(r.paid)).toBeLessThanOrEqual(cents(r.receivable));
    expect(r.instalments[0].paidAmount).toBe(r.paid);
  });

  it('lists payments by order, customer and owner within the scope and pages them', async () => {
    const o = await confirmedOrder(repB, customerB, '30.00');
    for (const a of ['10.00', '10.00', '10.00']) expect((await pay(repB, o.id, a, { reference: `B-${a}` })).statusCode).toBe(201);
    const firstRes = await get(repB, '/api/v1/payments?filter[ownerId]=me&limit=2');
    expect(firstRes.statusCode, firstRes.body).toBe(200);
    const first = firstRes.json();
    expect(first.total).toBe(3);
    const second = (await get(repB, `/api/v1/payments?filter[ownerId]=me&limit=2&cursor=${first.nextCursor}`)).json();
    expect(new Set([...first.data, ...second.data].map((p: { id: number }) => p.id)).size).toBe(3);
    expect(second.nextCursor).toBeNull();
    expect((await get(repA, `/api/v1/payments?filter[customerId]=${customerB}`)).json().total).toBe(0);
    expect((await get(admin, `/api/v1/payments?filter[customerId]=${customerB}`)).json().total).toBe(3);
  });
});

describe('balances and the overdue list (外欠款预警)', () => {
  let overdueA: { orderId: number; instalmentId: number };

  beforeAll(async () => {
    // repA: 50.00 overdue by 12 days; repA2 (sub-department, same manager): 70.00 by 40; repB: 80.00 by 5
    const a = await confirmedOrder(repA, customerA, '150.00');
    const pa = await plan(repA, a.id, [
      { dueDate: addDays(today(), -12), amount: '50.00' },
      { dueDate: addDays(today(), 20), amount: '100.00' },
    ]);
    overdueA = { orderId: a.id, instalmentId: pa.instalments[0]!.id };
    const customerA2 = await customer('宁波海通物流有限公司', repA2.userId);
    const a2 = await confirmedOrder(repA2, customerA2, '70.00');
    await plan(repA2, a2.id, [{ dueDate: addDays(today(), -40), amount: '70.00' }]);
    const b = await confirmedOrder(repB, customerB, '100.00');
    await plan(repB, b.id, [
      { dueDate: addDays(today(), -5), amount: '80.00' },
      { dueDate: addDays(today(), 3), amount: '20.00' },
    ]);
  });

  const overdue = async (s: Session, query = '') => (await get(s, `/api/v1/receivables/overdue?limit=500${query}`)).json();

  it('counts days overdue from today in the company time zone', async () => {
    const r = await receivable(repA, overdueA.orderId);
    expect(r.instalments[0]).toMatchObject({ dueDate: addDays(today(), -12), status: 'overdue', daysOverdue: 12, openAmount: '50.00' });
    expect(r).toMatchObject({ overdueAmount: '50.00', daysOverdue: 12 });
    expect(r.instalments[1]).toMatchObject({ status: 'open', daysOverdue: 0 });

    // A company 14 hours ahead of UTC: its "today" is not UTC's for most of the day.
    const far = await createTestContext({ timeZone: 'Pacific/Kiritimati' });
    try {
      const s = await far.login(ADMIN.email, ADMIN.password);
      const [c] = await far.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', 'tz', ${s.userId}) returning id`);
      const prod = (await far.request(s, { method: 'POST', url: '/api/v1/products', payload: { sku: 'X', name: 'x', listPrice: '10.00' } })).json().id;
      let o = (await far.request(s, { method: 'POST', url: '/api/v1/orders', payload: { customerId: Number(c!.id), lines: [{ productId: prod, quantity: '1' }] } })).json();
      o = (await far.request(s, { method: 'POST', url: `/api/v1/orders/${o.id}/confirm`, payload: { version: o.version } })).json();
      const local = todayIn('Pacific/Kiritimati');
      const created = await far.request(s, {
        method: 'POST',
        url: '/api/v1/payment-plans',
        payload: { orderId: o.id, instalments: [{ dueDate: addDays(local, -1), amount: '4.00' }, { dueDate: local, amount: '6.00' }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().instalments.map((i: { status: string; daysOverdue: number }) => [i.status, i.daysOverdue])).toEqual([
        ['overdue', 1],
        ['open', 0],
      ]);
    } finally {
      await far.close();
    }
  });

  it('shows a rep only their own overdue instalments, a manager their team, an admin everyone', async () => {
    const mine = await overdue(repA);
    expect(mine.data.map((r: { ownerId: number }) => r.ownerId).every((id: number) => id === repA.userId)).toBe(true);
    expect(mine.data.find((r: { instalmentId: number }) => r.instalmentId === overdueA.instalmentId)).toMatchObject({
      orderId: overdueA.orderId,
      customerName: '杭州云帆科技有限公司',
      departmentId: east,
      departmentName: '华东销售部',
      daysOverdue: 12,
      openAmount: '50.00',
    });
    const team = await overdue(manager);
    const teamOwners = new Set(team.data.map((r: { ownerId: number }) => r.ownerId));
    expect(teamOwners).toEqual(new Set([repA.userId, repA2.userId]));
    const everyone = await overdue(admin);
    expect(new Set(everyone.data.map((r: { ownerId: number }) => r.ownerId))).toEqual(new Set([repA.userId, repA2.userId, repB.userId]));
    expect(everyone.total).toBe(everyone.data.length);
    // only instalments past due with money open
    for (const r of everyone.data as Array<{ daysOverdue: number; openAmount: string; dueDate: string }>) {
      expect(r.daysOverdue).toBeGreaterThan(0);
      expect(cents(r.openAmount)).toBeGreaterThan(0n);
      expect(r.dueDate < today()).toBe(true);
    }
    // most overdue first
    const days = everyone.data.map((r: { daysOverdue: number }) => r.daysOverdue);
    expect(days).toEqual([...days].sort((x: number, y: number) => y - x));
    expect(days[0]).toBe(40);

    expect((await overdue(manager, `&filter[departmentId]=${eastSub}`)).data.map((r: { ownerId: number }) => r.ownerId)).toEqual([repA2.userId]);
    expect(new Set((await overdue(manager, `&filter[departmentId]=${east}`)).data.map((r: { ownerId: number }) => r.ownerId))).toEqual(new Set([repA.userId, repA2.userId]));
    expect((await overdue(manager, '&filter[minDays]=30')).data.map((r: { daysOverdue: number }) => r.daysOverdue)).toEqual([40]);
    expect((await overdue(manager, `&filter[ownerId]=${repB.userId}`)).total).toBe(0);
    expect((await overdue(repB, '&filter[ownerId]=me')).data.every((r: { ownerId: number }) => r.ownerId === repB.userId)).toBe(true);
  });

  it('pages the overdue list with a keyset cursor in both sorts', async () => {
    for (const sort of ['-daysOverdue', '-overdueAmount', 'daysOverdue', 'overdueAmount']) {
      const all = await overdue(admin, `&sort=${sort}`);
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let n = 0; n < 100; n++) {
        const page = (await get(admin, `/api/v1/receivables/overdue?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`)).json();
        seen.push(...page.data.map((r: { instalmentId: number }) => r.instalmentId));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen, sort).toEqual(all.data.map((r: { instalmentId: number }) => r.instalmentId));
    }
    const byAmount = (await overdue(admin, '&sort=-overdueAmount')).data.map((r: { openAmount: string }) => cents(r.openAmount));
    expect(byAmount).toEqual([...byAmount].sort((x, y) => (x < y ? 1 : x > y ? -1 : 0)));
    expect((await get(admin, '/api/v1/receivables/overdue?cursor=%00')).statusCode).toBe(400);
    expect((await get(admin, '/api/v1/receivables/overdue?sort=customer')).json().error.details[0].path).toBe('sort');
  });

  it('sums the overdue summary per owner and department to exactly the visible rows', async () => {
    for (const s of [repA, manager, admin, repB]) {
      const rows = (await overdue(s)).data as Array<{ ownerId: number; departmentId: number | null; openAmount: string; daysOverdue: number }>;
      for (const groupBy of ['owner', 'department'] as const) {
        const summary = (await get(s, `/api/v1/receivables/overdue/summary?groupBy=${groupBy}`)).json();
        expect(summary.total.count).toBe(rows.length);
        expect(cents(summary.total.amount)).toBe(sumCents(rows.map((r) => r.openAmount)));
        expect(summary.total.oldestDays).toBe(Math.max(0, ...rows.map((r) => r.daysOverdue)));
        for (const g of summary.groups as Array<{ id: number | null; count: number; amount: string }>) {
          const mineRows = rows.filter((r) => (groupBy === 'owner' ? r.ownerId : r.departmentId) === g.id);
          expect(g.count).toBe(mineRows.length);
          expect(cents(g.amount)).toBe(sumCents(mineRows.map((r) => r.openAmount)));
        }
        expect(sumCents(summary.groups.map((g: { amount: string }) => g.amount))).toBe(cents(summary.total.amount));
      }
    }
    const team = (await get(manager, '/api/v1/receivables/overdue/summary?groupBy=department')).json();
    expect(team.groups.map((g: { id: number; name: string }) => [g.id, g.name])).toEqual(
      expect.arrayContaining([
        [east, '华东销售部'],
        [eastSub, '杭州组'],
      ]),
    );
    expect(team.groups.find((g: { id: number }) => g.id === eastSub)).toMatchObject({ count: 1, amount: '70.00', oldestDays: 40 });
  });

  it('summarises my and my team’s receivables for the home page', async () => {
    const me = (await get(repB, '/api/v1/receivables/summary?scope=me')).json();
    const rows = (await overdue(repB, '&filter[ownerId]=me')).data as Array<{ openAmount: string }>;
    expect(me.overdueCount).toBe(rows.length);
    expect(cents(me.overdueAmount)).toBe(sumCents(rows.map((r) => r.openAmount)));
    expect(cents(me.dueSoonAmount)).toBeGreaterThanOrEqual(cents('20.00'));
    const balances = await t.database.rows<{ b: string }>(sql`
      select (sum(o.total - o.returned_amount) - coalesce((select sum(p.amount) from payments p join orders x on x.id = p.order_id
        where x.owner_id = ${repB.userId} and x.status in ('confirmed', 'fulfilled') and p.deleted_at is null), 0))::text as b
      from orders o where o.owner_id = ${repB.userId} and o.status in ('confirmed', 'fulfilled') and o.deleted_at is null`);
    expect(me.openBalance).toBe(balances[0]!.b);
    const team = (await get(manager, '/api/v1/receivables/summary?scope=team')).json();
    const teamRows = (await overdue(manager)).data as Array<{ openAmount: string }>;
    expect(cents(team.overdueAmount)).toBe(sumCents(teamRows.map((r) => r.openAmount)));
    expect((await get(manager, '/api/v1/receivables/summary?scope=me')).json()).toMatchObject({ overdueCount: 0, overdueAmount: '0.00', openBalance: '0.00' });
    expect((await get(manager, '/api/v1/receivables/summary?scope=all')).statusCode).toBe(400);
  });

  it("gives a customer's receivables over the orders in scope", async () => {
    const cust = await customer('receivables customer', repA.userId);
    const o1 = await confirmedOrder(repA, cust, '100.00');
    await plan(repA, o1.id, [{ dueDate: addDays(today(), -2), amount: '100.00' }]);
    expect((await pay(repA, o1.id, '40.00')).statusCode).toBe(201);
    const o2 = await confirmedOrder(repA, cust, '25.50');
    expect((await pay(repA, o2.id, '25.50')).statusCode).toBe(201);
    await confirmedOrder(repA, cust, '999.00', 'draft');
    await confirmedOrder(repA, cust, '888.00', 'cancel');
    const r = (await get(repA, `/api/v1/customers/${cust}/receivables`)).json();
    expect(r).toMatchObject({ customerId: cust, receivable: '125.50', paid: '65.50', balance: '60.00', overdueAmount: '60.00' });
    expect(r.orders.map((o: { orderId: number; balance: string; daysOverdue: number }) => [o.orderId, o.balance, o.daysOverdue])).toEqual([
      [o1.id, '60.00', 2],
      [o2.id, '0.00', 0],
    ]);
    expect((await get(repB, `/api/v1/customers/${cust}/receivables`)).statusCode).toBe(404);
    expect((await get(manager, `/api/v1/customers/${cust}/receivables`)).json().balance).toBe('60.00');
  });

  it('answers 404 for plans, payments and balances outside the data scope', async () => {
    const o = await confirmedOrder(repA, customerA, '10.00');
    const p = await plan(repA, o.id, [{ dueDate: today(), amount: '10.00' }]);
    const m = (await pay(repA, o.id, '5.00')).json();
    for (const url of [`/api/v1/orders/${o.id}/receivable`, `/api/v1/payment-plans/${p.id}`, `/api/v1/payments/${m.id}`, '/api/v1/orders/99999999/receivable']) {
      expect((await get(repB, url)).statusCode, url).toBe(404);
    }
    expect((await t.request(repB, { method: 'PATCH', url: `/api/v1/payment-plans/${p.id}`, payload: { version: 1, notes: 'x' } })).statusCode).toBe(404);
    expect((await t.request(repB, { method: 'DELETE', url: `/api/v1/payment-plans/${p.id}` })).statusCode).toBe(404);
    expect((await post(repB, `/api/v1/payments/${m.id}/void`, { version: 1, reason: 'x' })).statusCode).toBe(404);
    const foreign = await pay(repB, o.id, '1.00');
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details[0]).toMatchObject({ path: 'orderId', code: 'not_found' });
    expect((await get(repB, `/api/v1/payment-plans?filter[orderId]=${o.id}`)).json().total).toBe(0);
    // the manager above repA sees it
    expect((await get(manager, `/api/v1/payments/${m.id}`)).statusCode).toBe(200);
  });

  it("shows payments on the customer's timeline", async () => {
    const cust = await customer('timeline payments', repA.userId);
    const o = await confirmedOrder(repA, cust, '12.00');
    const m = (await pay(repA, o.id, '12.00', { method: 'alipay', reference: 'ALI-1' })).json();
    const tl = (await get(repA, `/api/v1/customers/${cust}/timeline?filter[type]=payment`)).json();
    expect(tl.data).toHaveLength(1);
    expect(tl.data[0]).toMatchObject({ type: 'payment', id: `payment:${m.id}`, data: { amount: '12.00', method: 'alipay', reference: 'ALI-1', number: o.number, voided: false, receivedOn: today() } });
    const all = (await get(repA, `/api/v1/customers/${cust}/timeline`)).json();
    expect(all.data.map((i: { type: string }) => i.type)).toContain('payment');
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/payment-plans',
      '/api/v1/payment-plans/{id}',
      '/api/v1/payments',
      '/api/v1/payments/{id}',
      '/api/v1/payments/{id}/void',
      '/api/v1/receivables/overdue',
      '/api/v1/receivables/overdue/summary',
      '/api/v1/receivables/summary',
      '/api/v1/orders/{id}/receivable',
      '/api/v1/customers/{id}/receivables',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
