import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
});
afterAll(() => t.close());

const create = (s: Session, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url: '/api/v1/products', payload });

describe('products', () => {
  it('creates, reads, lists, edits with version and soft-deletes a product, keeping money as exact strings', async () => {
    const res = await create(admin, { sku: 'TEA-001', name: '西湖龙井 250g', category: 'tea', unit: '盒', listPrice: '1234.5', cost: '0.30' });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ sku: 'TEA-001', listPrice: '1234.50', cost: '0.30', active: true, version: 1 });

    const got = await t.request(rep, { method: 'GET', url: `/api/v1/products/${p.id}` });
    expect(got.json().listPrice).toBe('1234.50');

    const patched = await t.request(admin, { method: 'PATCH', url: `/api/v1/products/${p.id}`, payload: { listPrice: '0.10', cost: '0.20', version: 1 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ listPrice: '0.10', cost: '0.20', version: 2 });

    const stale = await t.request(admin, { method: 'PATCH', url: `/api/v1/products/${p.id}`, payload: { name: 'x', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { version: 2 } });

    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'product' and entity_id = ${String(p.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);

    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/products/${p.id}` })).statusCode).toBe(204);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/products/${p.id}` })).statusCode).toBe(404);
  });

  it('refuses a second live product with the same SKU, but allows reusing a deleted one', async () => {
    const first = (await create(admin, { sku: 'DUP-1', name: 'A', listPrice: '1' })).json();
    const dup = await create(admin, { sku: 'DUP-1', name: 'B', listPrice: '2' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details[0]).toMatchObject({ path: 'sku', code: 'taken' });
    await t.request(admin, { method: 'DELETE', url: `/api/v1/products/${first.id}` });
    expect((await create(admin, { sku: 'DUP-1', name: 'C', listPrice: '3' })).statusCode).toBe(201);
  });

  it('refuses amounts that are numbers, negative or have more than 2 decimals, naming the field', async () => {
    for (const listPrice of [0.1 + 0.2, '-1', '1.005', 'abc', '']) {
      const res = await create(admin, { sku: `BAD-${String(listPrice)}`, name: 'bad', listPrice });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('listPrice');
    }
  });

  it('lets a sales rep read but only sales.write change products; analysts cannot write', async () => {
    expect((await create(rep, { sku: 'REP-1', name: 'rep made', listPrice: '5' })).statusCode).toBe(201);
    const analyst = await t.userWithRole('analyst');
    expect((await create(analyst, { sku: 'AN-1', name: 'no', listPrice: '5' })).statusCode).toBe(403);
    expect((await t.request(analyst, { method: 'GET', url: '/api/v1/products' })).statusCode).toBe(200);
  });

  it('lists with q, filter[category], filter[active], sort and keyset pages', async () => {
    for (const [sku, price, active] of [['LST-3', '30.00', true], ['LST-1', '10.00', true], ['LST-2', '20.00', false]] as const) {
      await create(admin, { sku, name: `list ${sku}`, category: 'list-cat', listPrice: price, active });
    }
    const all = await t.request(admin, { method: 'GET', url: '/api/v1/products?filter[category]=list-cat&sort=-listPrice&limit=2' });
    expect(all.json().total).toBe(3);
    expect(all.json().data.map((p: { sku: string }) => p.sku)).toEqual(['LST-3', 'LST-2']);
    const next = await t.request(admin, { method: 'GET', url: `/api/v1/products?filter[category]=list-cat&sort=-listPrice&limit=2&cursor=${all.json().nextCursor}` });
    expect(next.json().data.map((p: { sku: string }) => p.sku)).toEqual(['LST-1']);
    const active = await t.request(admin, { method: 'GET', url: '/api/v1/products?filter[category]=list-cat&filter[active]=true&q=lst' });
    expect(active.json().data.map((p: { sku: string }) => p.sku)).toEqual(['LST-1', 'LST-3']);
  });
});
