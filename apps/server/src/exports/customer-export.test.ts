import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, ADMIN, type Session, type TestContext } from '../test/test-app.js';
import { readXlsx } from '../tabular/xlsx.js';

let t: TestContext;
let admin: Session;
let sales: Session;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gx-export-'));
  t = await createTestContext({ dataDir: dir });
  admin = await t.login(ADMIN.email, ADMIN.password);
  sales = await t.userWithRole('sales');
  const make = (s: Session, body: Record<string, unknown>) => t.request(s, { method: 'POST', url: '/api/v1/customers', payload: body });
  expect((await make(admin, { kind: 'organization', relationshipType: 'business', name: '=cmd|\' /C calc\'!A0', mobile: '13800001111', city: '杭州市', importance: 'vip' })).statusCode).toBe(201);
  expect((await make(admin, { kind: 'individual', relationshipType: 'consumer', name: '张伟', mobile: '13800002222', email: 'zhang.wei@example.com', city: '杭州市' })).statusCode).toBe(201);
  expect((await make(sales, { kind: 'individual', relationshipType: 'consumer', name: '销售自己的客户', mobile: '13800003333', city: '南京市' })).statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (body: string) => body.replace(/^\uFEFF/, '').trim().split('\r\n');

describe('customer export', () => {
  it('streams the list with its filters, sort and columns as CSV with a BOM, formulas neutralised, audited', async () => {
    const r = await t.request(admin, { method: 'GET', url: `/api/v1/customers/export?format=csv&columns=name,mobile,importance,city&sort=name&filter[city]=${encodeURIComponent('杭州市')}` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    expect(lines(r.body)).toEqual(['客户名称,手机,重要程度,城市', "'=cmd|' /C calc'!A0,13800001111,贵宾,杭州市", '张伟,13800002222,,杭州市']);
    const [audit] = await t.database.rows<{ changes: { rows: { new: number }; complete: { new: boolean } } }>(sql`select changes from audit_log where entity = 'customer_export' order by id desc limit 1`);
    expect(audit!.changes.rows.new).toBe(2);
    expect(audit!.changes.complete.new).toBe(true);
  });

  it('masks personal data for a role without personal_data.view and keeps to the data scope', async () => {
    const analyst = await t.userWithRole('analyst');
    const a = await t.request(analyst, { method: 'GET', url: '/api/v1/customers/export?columns=name,mobile,email&sort=name', headers: { 'accept-language': 'en' } });
    expect(a.statusCode).toBe(200);
    expect(lines(a.body)).toContain('张伟,138****2222,z***@example.com');
    expect(a.body).not.toContain('13800002222');
    const s = await t.request(sales, { method: 'GET', url: '/api/v1/customers/export?columns=name' });
    expect(s.statusCode).toBe(403); // sales reps may not export by default
    const mk = await t.userWithRole('manager');
    const m = await t.request(mk, { method: 'GET', url: '/api/v1/customers/export?columns=name' });
    expect(lines(m.body)).toEqual(['客户名称']); // a manager without a department sees only their own (none)
    const bad = await t.request(admin, { method: 'GET', url: '/api/v1/customers/export?columns=name,password' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ path: 'columns' }] } });
    const badFilter = await t.request(admin, { method: 'GET', url: '/api/v1/customers/export?filter[nope]=1' });
    expect(badFilter.statusCode).toBe(400);
  });

  it('writes an xlsx workbook our reader (and Excel) opens, across several cursor fetches', async () => {
    // more rows than one FETCH (5,000): the stream has to go back to the cursor
    await t.database.db.execute(sql`insert into customers (kind, relationship_type, name, owner_id) select 'individual', 'consumer', '批量客户' || g, ${admin.userId} from generate_series(1, 5200) g`);
    const r = await t.request(admin, { method: 'GET', url: '/api/v1/customers/export?format=xlsx&columns=id,name&sort=id' });
    expect(r.statusCode).toBe(200);
    const file = join(dir, 'out.xlsx');
    writeFileSync(file, r.rawPayload);
    const sheet = readXlsx(file);
    expect(sheet.rows[0]).toEqual(['客户编号', '客户名称']);
    expect(sheet.rows.length).toBe(1 + 3 + 5200);
    expect(sheet.rows[1]![1]).toBe("=cmd|' /C calc'!A0"); // a text cell in xlsx is never a formula
    const ids = sheet.rows.slice(1).map((x) => Number(x[0]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('streams every row once in the list order as CSV, masked, and audits the count', async () => {
    const analyst = await t.userWithRole('analyst');
    const r = await t.request(analyst, { method: 'GET', url: '/api/v1/customers/export?format=csv&columns=name,mobile&sort=-name' });
    expect(r.statusCode).toBe(200);
    const body = lines(r.body).slice(1);
    expect(body.length).toBe(3 + 5200);
    // the database's collation decides the order, as on the list page
    const order = await t.database.rows<{ name: string }>(sql`select name from customers where deleted_at is null order by name desc, id desc`);
    expect(body.map((l) => l.split(',')[0]!.replace(/^'/, ''))).toEqual(order.map((o) => o.name));
    expect(body).toContain('张伟,138****2222');
    expect(r.body).not.toContain('13800002222');
    const [audit] = await t.database.rows<{ changes: { rows: { new: number }; complete: { new: boolean } } }>(sql`select changes from audit_log where entity = 'customer_export' order by id desc limit 1`);
    expect(audit!.changes).toMatchObject({ rows: { new: 3 + 5200 }, complete: { new: true } });
  });
});
