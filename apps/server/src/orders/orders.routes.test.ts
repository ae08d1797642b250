import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { nextOrderNumber, renderDateTokens } from './order-number.js';

let t: TestContext;
let admin: Session;
let repA: Session;
let repB: Session;
let customerA: number;
let customerB: number;
let tea: number;
let cup: number;

async function customer(name: string, ownerId: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`);
  return Number(c!.id);
}
const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  repA = await t.userWithRole('sales');
  repB = await t.userWithRole('sales');
  customerA = await customer('杭州云帆科技有限公司', repA.userId);
  customerB = await customer('深圳启明贸易有限公司', repB.userId);
  tea = (await post(admin, '/api/v1/products', { sku: 'TEA-1', name: '龙井', listPrice: '19.99', cost: '12.50' })).json().id;
  cup = (await post(admin, '/api/v1/products', { sku: 'CUP-1', name: '茶杯', listPrice: '0.10' })).json().id;
});
afterAll(() => t.close());

describe('orders', () => {
  it('computes line and order totals exactly in SQL numeric: 3 × 19.99 at 10% off is 53.97', async () => {
    const res = await post(repA, '/api/v1/orders', {
      customerId: customerA,
      lines: [
        { productId: tea, quantity: '3', discountRate: '0.1' },
        { productId: cup, quantity: '3' }, // 3 × 0.10: 0.30, never 0.30000000000000004
      ],
    });
    expect(res.statusCode).toBe(201);
    const o = res.json();
    expect(o.number).toMatch(/^SO\d{8}-\d{4}$/);
    expect(o).toMatchObject({ status: 'draft', ownerId: repA.userId, customerName: '杭州云帆科技有限公司' });
    expect(o.lines[0]).toMatchObject({ quantity: '3.000', unitPrice: '19.99', discountRate: '0.1000', grossAmount: '59.97', discountAmount: '6.00', amount: '53.97', unitCost: '12.50', cost: '37.50' });
    expect(o.lines[1]).toMatchObject({ grossAmount: '0.30', amount: '0.30', unitCost: '0.00', cost: '0.00' });
    expect(o).toMatchObject({ subtotal: '60.27', discountAmount: '6.00', total: '54.27', cost: '37.50', grossMargin: '16.77' });
  });

  it('refuses bad quantities, rates and prices with the failing field named', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ productId: tea, quantity: '0' }, 'lines.0.quantity'],
      [{ productId: tea, quantity: 1.5 }, 'lines.0.quantity'],
      [{ productId: tea, quantity: '1', discountRate: '1.5' }, 'lines.0.discountRate'],
      [{ productId: tea, quantity: '1', unitPrice: '-2' }, 'lines.0.unitPrice'],
      [{ productId: 999999, quantity: '1' }, 'lines.0.productId'],
    ];
    for (const [line, path] of cases) {
      const res = await post(repA, '/api/v1/orders', { customerId: customerA, lines: [line] });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.details[0].path).toBe(path);
    }
  });

  it('replaces the lines of a draft, then refuses line changes once confirmed (409, bilingual)', async () => {
    const o = (await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '1' }] })).json();
    const patched = await t.request(repA, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 1, lines: [{ productId: cup, quantity: '2.5', unitPrice: '4.00' }] } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2, total: '10.00', lines: [{ productId: cup, amount: '10.00' }] });
    expect(patched.json().lines).toHaveLength(1);

    const confirmed = await post(repA, `/api/v1/orders/${o.id}/confirm`, { version: 2 });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', version: 3 });
    expect(confirmed.json().confirmedAt).not.toBeNull();

    const refused = await t.request(repA, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 3, lines: [] } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'lines', code: 'not_draft' }] });
    const zh = await t.request(repA, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 3, lines: [] }, headers: { 'accept-language': 'zh-CN' } });
    expect(zh.json().error.message).toContain('草稿');
    const notes = await t.request(repA, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 3, notes: '已签合同' } });
    expect(notes.statusCode).toBe(200);
  });

  it('moves draft → confirmed → fulfilled, refuses other moves, and cancels keeping totals', async () => {
    const o = (await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '2' }] })).json();
    expect((await post(repA, `/api/v1/orders/${o.id}/fulfil`, { version: 1 })).statusCode).toBe(409);
    expect((await post(repA, `/api/v1/orders/${o.id}/confirm`, { version: 7 })).statusCode).toBe(409);
    const c = (await post(repA, `/api/v1/orders/${o.id}/confirm`, { version: 1 })).json();
    const f = await post(repA, `/api/v1/orders/${o.id}/fulfil`, { version: c.version });
    expect(f.json().status).toBe('fulfilled');
    const cancelFulfilled = await post(repA, `/api/v1/orders/${o.id}/cancel`, { version: f.json().version });
    expect(cancelFulfilled.statusCode).toBe(409);
    expect(cancelFulfilled.json().error.details[0]).toMatchObject({ path: 'status', code: 'invalid_transition' });

    const d = (await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '1' }] })).json();
    const cancelled = (await post(repA, `/api/v1/orders/${d.id}/cancel`, { version: 1 })).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', total: '19.99' });
    expect((await post(repA, `/api/v1/orders/${d.id}/confirm`, { version: cancelled.version })).statusCode).toBe(409);

    const empty = (await post(repA, '/api/v1/orders', { customerId: customerA })).json();
    const refused = await post(repA, `/api/v1/orders/${empty.id}/confirm`, { version: 1 });
    expect(refused.statusCode).toBe(400);

    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'order' and entity_id = ${String(o.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'confirm', 'fulfil']);
  });

  it("sets the customer's last deal date on confirm without bumping its version", async () => {
    const cust = await customer('last deal test', repA.userId);
    const o = (await post(repA, '/api/v1/orders', { customerId: cust, lines: [{ productId: tea, quantity: '1' }] })).json();
    await post(repA, `/api/v1/orders/${o.id}/confirm`, { version: 1 });
    const [row] = await t.database.rows<{ last_deal_at: string | null; version: number }>(sql`select last_deal_at, version from customers where id = ${cust}`);
    expect(row!.last_deal_at).not.toBeNull();
    expect(row!.version).toBe(1);
  });

  it("keeps rep B out of rep A's orders (404) and out of ordering for A's customer", async () => {
    const o = (await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '1' }] })).json();
    expect((await t.request(repB, { method: 'GET', url: `/api/v1/orders/${o.id}` })).statusCode).toBe(404);
    expect((await post(repB, `/api/v1/orders/${o.id}/confirm`, { version: 1 })).statusCode).toBe(404);
    expect((await t.request(repB, { method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 1, notes: 'x' } })).statusCode).toBe(404);
    const list = (await t.request(repB, { method: 'GET', url: '/api/v1/orders' })).json();
    expect(list.data.some((x: { id: number }) => x.id === o.id)).toBe(false);
    const forA = await post(repB, '/api/v1/orders', { customerId: customerA, lines: [] });
    expect(forA.statusCode).toBe(400);
    expect(forA.json().error.details[0].path).toBe('customerId');
    expect((await t.request(repB, { method: 'GET', url: `/api/v1/customers/${customerA}/purchase-summary` })).statusCode).toBe(404);
  });

  it('lists orders with filters, sort and pages', async () => {
    for (const orderDate of ['2025-06-01', '2025-07-01', '2025-06-01']) await post(repA, '/api/v1/orders', { customerId: customerA, orderDate, lines: [] });
    const first = await t.request(repA, { method: 'GET', url: `/api/v1/orders?filter[customerId]=${customerA}&filter[status]=draft&sort=number&limit=1` });
    const body = first.json();
    expect(body.total).toBeGreaterThanOrEqual(2);
    const second = (await t.request(repA, { method: 'GET', url: `/api/v1/orders?filter[customerId]=${customerA}&filter[status]=draft&sort=number&limit=1&cursor=${body.nextCursor}` })).json();
    expect(second.data[0].number > body.data[0].number).toBe(true);
    const byDate = async (cursor?: string) =>
      (await t.request(repA, { method: 'GET', url: `/api/v1/orders?sort=-orderDate&limit=2${cursor ? `&cursor=${cursor}` : ''}` })).json() as { data: Array<{ id: number; orderDate: string }>; nextCursor: string | null };
    const seen: Array<{ id: number; orderDate: string }> = [];
    for (let page = await byDate(), n = 0; n < 50; n++) {
      seen.push(...page.data);
      if (!page.nextCursor) break;
      page = await byDate(page.nextCursor);
    }
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length);
    expect(seen.length).toBe((await t.request(repA, { method: 'GET', url: '/api/v1/orders' })).json().total);
    expect(seen.map((o) => o.orderDate)).toEqual([...seen.map((o) => o.orderDate)].sort().reverse());
    const q = (await t.request(admin, { method: 'GET', url: '/api/v1/orders?q=启明' })).json();
    expect(q.total).toBe(0);
  });

  it('sums only confirmed and fulfilled orders in the purchase summary', async () => {
    const cust = await customer('summary test', repA.userId);
    const mk = async (date: string, qty: string, then: Array<'confirm' | 'fulfil' | 'cancel'>) => {
      let o = (await post(repA, '/api/v1/orders', { customerId: cust, orderDate: date, lines: [{ productId: tea, quantity: qty }] })).json();
      for (const a of then) o = (await post(repA, `/api/v1/orders/${o.id}/${a}`, { version: o.version })).json();
    };
    await mk('2026-01-05', '1', ['confirm']); // 19.99, margin 7.49
    await mk('2026-03-01', '2', ['confirm', 'fulfil']); // 39.98, margin 14.98
    await mk('2026-04-01', '5', ['confirm', 'cancel']);
    await mk('2025-12-01', '9', []);
    const s = (await t.request(repA, { method: 'GET', url: `/api/v1/customers/${cust}/purchase-summary` })).json();
    expect(s).toEqual({ customerId: cust, orderCount: 2, firstPurchaseOn: '2026-01-05', lastPurchaseOn: '2026-03-01', totalAmount: '59.97', totalMargin: '22.47' });
    const none = (await t.request(repA, { method: 'GET', url: `/api/v1/customers/${customerA}/purchase-summary` })).json();
    expect(none.totalAmount).toMatch(/^\d+\.\d{2}$/);
  });

  it("shows orders on the customer's timeline", async () => {
    const cust = await customer('timeline test', repA.userId);
    const o = (await post(repA, '/api/v1/orders', { customerId: cust, lines: [{ productId: tea, quantity: '1' }] })).json();
    const tl = (await t.request(repA, { method: 'GET', url: `/api/v1/customers/${cust}/timeline?filter[type]=order` })).json();
    expect(tl.data).toHaveLength(1);
    expect(tl.data[0]).toMatchObject({ type: 'order', data: { number: o.number, status: 'draft', total: '19.99' } });
  });

  it('refuses amounts too large for the books, hostile queries and ids with 4xx, never 500', async () => {
    const huge = await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '99999999999', unitPrice: '999999999999.99' }] });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.details[0]).toMatchObject({ path: 'lines', code: 'too_big' });
    for (const url of ['/api/v1/orders?filter[customerId]=99999999999999999999', '/api/v1/orders?sort=cost', '/api/v1/orders?cursor=%00', '/api/v1/orders/99999999999999999999', '/api/v1/orders?filter[status]=paid']) {
      const res = await t.request(admin, { method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    const sqlish = await t.request(admin, { method: 'GET', url: `/api/v1/orders?q=${encodeURIComponent("%' OR '1'='1")}` });
    expect(sqlish.json().total).toBe(0);
  });

  it('documents the routes in OpenAPI without trailing slashes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/orders/{id}/confirm', '/api/v1/orders/{id}/fulfil', '/api/v1/orders/{id}/cancel', '/api/v1/products', '/api/v1/products/{id}', '/api/v1/customers/{id}/purchase-summary']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('numbers orders from a pattern with a per-period sequence', async () => {
    const at = new Date('2026-11-23T20:00:00Z'); // already the 24th in Shanghai
    expect(renderDateTokens('SO{yyyyMMdd}-{seq:4}', at, 'Asia/Shanghai')).toBe('SO20261124-{seq:4}');
    const next = () => t.database.db.transaction((tx) => nextOrderNumber(t.database, tx, { pattern: 'HT{yyMM}/{seq:3}', timeZone: 'Asia/Shanghai', at }));
    expect([await next(), await next()]).toEqual(['HT2611/001', 'HT2611/002']);
  });

  it.runIf(process.env.GUANXI_TEST_DB === 'postgres')('gives 10 concurrent creates unique sequential numbers', async () => {
    const cust = await customer('concurrency test', repA.userId);
    const results = await Promise.all(Array.from({ length: 10 }, () => post(repA, '/api/v1/orders', { customerId: cust, lines: [{ productId: tea, quantity: '1' }] })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const seqs = results.map((r) => Number((r.json().number as string).split('-')[1])).sort((a, b) => a - b);
    const start = seqs[0]!;
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => start + i));
  });

  it('gives the final number, never the provisional one, to the stored order and its audit entry', async () => {
    const o = (await post(repA, '/api/v1/orders', { customerId: customerA, lines: [{ productId: tea, quantity: '1' }] })).json();
    expect(o.number).toMatch(/^SO\d{8}-\d{4}$/);
    const [row] = await t.database.rows<{ number: string }>(sql`select number from orders where id = ${o.id}`);
    expect(row!.number).toBe(o.number);
    const [audit] = await t.database.rows<{ changes: { number: { old: unknown; new: unknown } } }>(
      sql`select changes from audit_log where entity = 'order' and entity_id = ${String(o.id)} and action = 'create'`,
    );
    expect(audit!.changes.number).toEqual({ old: null, new: o.number });
    expect((await t.request(repA, { method: 'GET', url: `/api/v1/orders/${o.id}` })).json().number).toBe(o.number);
  });

  it.runIf(process.env.GUANXI_TEST_DB === 'postgres')('numbers 10 parallel creates consecutively and uniquely, taking the number last', async () => {
    const cust = await customer('parallel numbering test', repA.userId);
    const lines = Array.from({ length: 20 }, (_, i) => ({ productId: i % 2 ? tea : cup, quantity: String(i + 1) }));
    const results = await Promise.all(Array.from({ length: 10 }, () => post(repA, '/api/v1/orders', { customerId: cust, lines })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const created = results.map((r) => r.json() as { id: number; number: string });
    const numbers = created.map((o) => o.number);
    expect(new Set(numbers).size).toBe(10);
    const prefixes = new Set(numbers.map((n) => n.split('-')[0]));
    expect(prefixes.size).toBe(1);
    const seqs = numbers.map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));
    const stored = await t.database.rows<{ id: number; number: string; audited: string | null }>(
      sql`select o.id, o.number, (select a.changes->'number'->>'new' from audit_log a where a.entity = 'order' and a.entity_id = o.id::text and a.action = 'create') as audited
          from orders o where o.customer_id = ${cust}`,
    );
    expect(stored).toHaveLength(10);
    for (const s of stored) {
      const o = created.find((c) => c.id === Number(s.id))!;
      expect(s.number).toBe(o.number);
      expect(s.audited).toBe(o.number);
    }
    const [counter] = await t.database.rows<{ last_value: number }>(sql`select last_value from order_number_counters where scope = ${[...prefixes][0] + '-{seq:4}'}`);
    expect(Number(counter!.last_value)).toBeGreaterThanOrEqual(seqs[9]!);
    expect((await t.database.rows(sql`select 1 from orders where number like '~%'`)).length).toBe(0);
  });
});
