import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let repA: Session;
let repB: Session;
let box: number;
let tea: number;

const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });

async function customer(name: string, ownerId: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`);
  return Number(c!.id);
}

type Line = { id: number; amount: string; cost: string; returnedQuantity: string };
type O = { id: number; version: number; status: string; total: string; returnedAmount: string; grossMargin: string; lines: Line[]; returns: Array<{ id: number; amount: string; cost: string; reason: string; lines: Array<{ orderLineId: number; quantity: string; amount: string }> }> };

async function confirmedOrder(s: Session, cust: number, lines: Array<Record<string, unknown>>, orderDate?: string): Promise<O> {
  const o = (await post(s, '/api/v1/orders', { customerId: cust, lines, ...(orderDate ? { orderDate } : {}) })).json() as O;
  const c = await post(s, `/api/v1/orders/${o.id}/confirm`, { version: o.version });
  expect(c.statusCode).toBe(200);
  return c.json() as O;
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  repA = await t.userWithRole('sales');
  repB = await t.userWithRole('sales');
  // 10.00 a box with a 3.35 unit cost: thirds of a line do not divide to the cent
  box = (await post(admin, '/api/v1/products', { sku: 'BOX-1', name: '礼盒', listPrice: '10.00', cost: '3.35' })).json().id;
  tea = (await post(admin, '/api/v1/products', { sku: 'TEA-R', name: '龙井', listPrice: '19.99', cost: '12.50' })).json().id;
});
afterAll(() => t.close());

describe('order returns', () => {
  it('gives back exact cent shares in numeric: 3 × 10.00 returned one by one is 3.33 + 3.34 + 3.33', async () => {
    const cust = await customer('returns math', repA.userId);
    // 3 × 4.00 = 12.00 at 16.67 % off: 2.00 off, 10.00 for 3 units; cost 3 × 1.01 = 3.03
    let o = await confirmedOrder(repA, cust, [{ productId: box, quantity: '3', unitPrice: '4.00', discountRate: '0.1667', unitCost: '1.01' }]);
    expect(o.lines[0]).toMatchObject({ amount: '10.00', cost: '3.03' });
    const lineId = o.lines[0]!.id;
    const amounts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: `第${i + 1}件破损`, lines: [{ lineId, quantity: '1' }], version: o.version, returnedOn: '2026-02-01' });
      expect(res.statusCode).toBe(201);
      o = res.json() as O;
      amounts.push(o.returns[i]!.amount);
    }
    expect(amounts).toEqual(['3.33', '3.34', '3.33']);
    expect(o.returnedAmount).toBe('10.00');
    expect(o.lines[0]!.returnedQuantity).toBe('3.000');
    expect(o.returns.map((r) => r.cost)).toEqual(['1.01', '1.01', '1.01']);

    const o2 = await confirmedOrder(repA, cust, [{ productId: box, quantity: '3' }]); // 30.00, cost 10.05
    let cur = o2;
    const parts: string[] = [];
    const costs: string[] = [];
    for (const q of ['1', '1', '1']) {
      cur = (await post(repA, `/api/v1/orders/${o2.id}/returns`, { reason: '退货', lines: [{ lineId: o2.lines[0]!.id, quantity: q }], version: cur.version })).json() as O;
      parts.push(cur.returns[cur.returns.length - 1]!.amount);
      costs.push(cur.returns[cur.returns.length - 1]!.cost);
    }
    expect(parts).toEqual(['10.00', '10.00', '10.00']);
    expect(costs).toEqual(['3.35', '3.35', '3.35']);

    const o3 = await confirmedOrder(repA, cust, [{ productId: box, quantity: '3', unitPrice: '3.34' }]); // 10.02 over 3 units
    cur = o3;
    const thirds: string[] = [];
    for (const q of ['1', '1', '1']) {
      cur = (await post(repA, `/api/v1/orders/${o3.id}/returns`, { reason: '退货', lines: [{ lineId: o3.lines[0]!.id, quantity: q }], version: cur.version })).json() as O;
      thirds.push(cur.returns[cur.returns.length - 1]!.amount);
    }
    expect(thirds).toEqual(['3.34', '3.34', '3.34']);

    // 7 × 19.99 at 15 % off = 139.93 − 20.99 = 118.94; returning 0.5 of 7 gives back 8.50 (118.94 × 0.5 / 7 = 8.4957… → 8.50)
    const o4 = await confirmedOrder(repA, cust, [{ productId: tea, quantity: '7', discountRate: '0.15' }]);
    expect(o4.lines[0]).toMatchObject({ amount: '118.94', cost: '87.50' });
    const half = (await post(repA, `/api/v1/orders/${o4.id}/returns`, { reason: '半盒', lines: [{ lineId: o4.lines[0]!.id, quantity: '0.5' }], version: o4.version })).json() as O;
    expect(half.returns[0]).toMatchObject({ amount: '8.50', cost: '6.25' });
    // the rest: 6.5 units give back exactly what remains, 118.94 − 8.50 = 110.44
    const rest = (await post(repA, `/api/v1/orders/${o4.id}/returns`, { reason: '余下', lines: [{ lineId: o4.lines[0]!.id, quantity: '6.5' }], version: half.version })).json() as O;
    expect(rest.returns[1]).toMatchObject({ amount: '110.44', cost: '81.25' });
    expect(rest.returnedAmount).toBe('118.94');
    // the order keeps its returns' cost beside their amount (the analytics' margin net of returns reads both)
    const [kept] = await t.database.rows<{ amount: string; cost: string }>(sql`select returned_amount::text as amount, returned_cost::text as cost from orders where id = ${o4.id}`);
    expect(kept).toEqual({ amount: '118.94', cost: '87.50' });
  });

  it('refuses returning more than was bought minus earlier returns, naming lines.N.quantity', async () => {
    const cust = await customer('over return', repA.userId);
    const o = await confirmedOrder(repA, cust, [
      { productId: tea, quantity: '2' },
      { productId: box, quantity: '5' },
    ]);
    const [l0, l1] = o.lines;
    const first = (await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: '部分退货', lines: [{ lineId: l1!.id, quantity: '4.5' }], version: o.version })).json() as O;
    const over = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: '超量', lines: [{ lineId: l0!.id, quantity: '1' }, { lineId: l1!.id, quantity: '0.501' }], version: first.version });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.details[0]).toMatchObject({ path: 'lines.1.quantity', code: 'too_big' });
    expect(over.json().error.details[0].message).toContain('0.500');
    // nothing of the refused return was kept
    const after = (await get(repA, `/api/v1/orders/${o.id}`)).json() as O;
    expect(after.returns).toHaveLength(1);
    expect(after.returnedAmount).toBe('45.00');

    const dup = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: 'x', lines: [{ lineId: l0!.id, quantity: '1' }, { lineId: l0!.id, quantity: '1' }], version: first.version });
    expect(dup.json().error.details[0].path).toBe('lines.1.lineId');
    const foreign = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: 'x', lines: [{ lineId: 99999999, quantity: '1' }], version: first.version });
    expect(foreign.json().error.details[0].path).toBe('lines.0.lineId');
    const badQty = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: 'x', lines: [{ lineId: l0!.id, quantity: '0' }], version: first.version });
    expect(badQty.json().error.details[0].path).toBe('lines.0.quantity');
    const noReason = await post(repA, `/api/v1/orders/${o.id}/returns`, { lines: [{ lineId: l0!.id, quantity: '1' }], version: first.version });
    expect(noReason.json().error.details[0].path).toBe('reason');
    const stale = await post(repA, `/api/v1/orders/${o.id}/returns`, { reason: 'x', lines: [{ lineId: l0!.id, quantity: '1' }], version: o.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { version: first.version } });
  });

  it('takes returns only on confirmed and fulfilled orders, within the data scope', async () => {
    const cust = await customer('return status', repA.userId);
    const d = (await post(repA, '/api/v1/orders', { customerId: cust, lines: [{ productId: tea, quantity: '1' }] })).json() as O;
    const onDraft = await post(repA, `/api/v1/orders/${d.id}/returns`, { reason: 'x', lines: [{ lineId: d.lines[0]!.id, quantity: '1' }], version: d.version });
    expect(onDraft.statusCode).toBe(409);
    const c = await confirmedOrder(repA, cust, [{ productId: tea, quantity: '1' }]);
    const f = (await post(repA, `/api/v1/orders/${c.id}/fulfil`, { version: c.version })).json() as O;
    expect((await post(repB, `/api/v1/orders/${c.id}/returns`, { reason: 'x', lines: [{ lineId: c.lines[0]!.id, quantity: '1' }], version: f.version })).statusCode).toBe(404);
    const ok = await post(repA, `/api/v1/orders/${c.id}/returns`, { reason: '质量问题', lines: [{ lineId: c.lines[0]!.id, quantity: '1' }], version: f.version });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'fulfilled', returnedAmount: '19.99' });
    const audit = await t.database.rows<{ action: string; changes: { returnedAmount: { new: string } } }>(sql`select action, changes from audit_log where entity = 'order' and entity_id = ${String(c.id)} order by id desc limit 1`);
    expect(audit[0]).toMatchObject({ action: 'return', changes: { returnedAmount: { new: '19.99' } } });
  });

  it('nets returns out of the purchase summary: amount less returned, margin less the returned margin', async () => {
    const cust = await customer('summary net', repA.userId);
    const a = await confirmedOrder(repA, cust, [{ productId: tea, quantity: '3' }], '2026-01-10'); // 59.97, cost 37.50, margin 22.47
    await confirmedOrder(repA, cust, [{ productId: box, quantity: '2' }], '2026-02-10'); // 20.00, cost 6.70, margin 13.30
    await post(repA, `/api/v1/orders/${a.id}/returns`, { reason: '退一件', lines: [{ lineId: a.lines[0]!.id, quantity: '1' }], version: a.version }); // 19.99 back, cost 12.50
    const s = (await get(repA, `/api/v1/customers/${cust}/purchase-summary`)).json();
    // 59.97 + 20.00 − 19.99 = 59.98; 22.47 + 13.30 − (19.99 − 12.50) = 28.28
    expect(s).toEqual({ customerId: cust, orderCount: 2, firstPurchaseOn: '2026-01-10', lastPurchaseOn: '2026-02-10', totalAmount: '59.98', totalMargin: '28.28' });
  });

  it('refuses to cancel a confirmed order with live payments, and a cancel restores the last deal date', async () => {
    const cust = await customer('cancel with payments', repA.userId);
    const first = await confirmedOrder(repA, cust, [{ productId: tea, quantity: '1' }]);
    const [{ last_deal_at: afterFirst }] = (await t.database.rows<{ last_deal_at: string }>(sql`select last_deal_at::text from customers where id = ${cust}`)) as [{ last_deal_at: string }];
    const second = await confirmedOrder(repA, cust, [{ productId: tea, quantity: '2' }]);
    const [pay] = await t.database.rows<{ id: number }>(
      sql`insert into payments (order_id, customer_id, amount, received_on, method) values (${second.id}, ${cust}, '10.00', '2026-03-01', 'bank_transfer') returning id`,
    );
    const refused = await t.request(repA, { method: 'POST', url: `/api/v1/orders/${second.id}/cancel`, payload: { version: second.version }, headers: { 'accept-language': 'zh-CN' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ details: [{ path: 'status', code: 'has_payments' }] });
    expect(refused.json().error.message).toContain('已收款 10.00');
    await t.database.rows(sql`update payments set deleted_at = now(), voided_reason = '录错' where id = ${pay!.id}`);
    const cancelled = await post(repA, `/api/v1/orders/${second.id}/cancel`, { version: second.version });
    expect(cancelled.json().status).toBe('cancelled');
    const [{ last_deal_at: afterCancel }] = (await t.database.rows<{ last_deal_at: string }>(sql`select last_deal_at::text from customers where id = ${cust}`)) as [{ last_deal_at: string }];
    expect(afterCancel).toBe(afterFirst);
    const s = (await get(repA, `/api/v1/customers/${cust}/purchase-summary`)).json();
    expect(s).toMatchObject({ orderCount: 1, totalAmount: first.total });
  });
});
