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
    // more rows than one FETCH (1,000): the stream has to go back to the cursor, and reads ahead
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

  it('writes custom fields, coded values in the reader\'s language and masked contact fields', async () => {
    const field = (payload: Record<string, unknown>) => t.request(admin, { method: 'POST', url: '/api/v1/custom-fields', payload: { entity: 'customer', ...payload } });
    expect((await field({ key: 'key_account', label: '重点客户', labelEn: 'Key account', type: 'boolean' })).statusCode).toBe(201);
    expect((await field({ key: 'channels', label: '渠道', type: 'multiselect', options: [{ value: 'web', label: '网站' }, { value: 'shop', label: '门店' }] })).statusCode).toBe(201);
    const created = await t.request(admin, {
      method: 'POST',
      url: '/api/v1/customers',
      payload: { kind: 'individual', relationshipType: 'consumer', name: '导出字段客户', importance: 'important', wechat: 'wx_zhang', address: '西湖区文三路 100 号', custom: { key_account: true, channels: ['web', 'shop'] } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/v1/customers/export?columns=name,kind,importance,wechat,address,custom.key_account,custom.channels&q=${encodeURIComponent('导出字段客户')}`;
    const en = await t.request(admin, { method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(en.statusCode, en.body).toBe(200);
    expect(lines(en.body)[1]).toBe('导出字段客户,individual,important,wx_zhang,西湖区文三路 100 号,yes,"web, shop"');
    const zh = await t.request(admin, { method: 'GET', url });
    expect(lines(zh.body)[1]).toBe('导出字段客户,个人,重要,wx_zhang,西湖区文三路 100 号,是,"web, shop"');
    const analyst = await t.userWithRole('analyst');
    const masked = await t.request(analyst, { method: 'GET', url });
    expect(lines(masked.body)[1]).toBe('导出字段客户,个人,重要,w***,西***,是,"web, shop"');
  });

  it('exports the scores of the last analytics run when the list shows them, by their labels, sorted by a score', async () => {
    const make = async (name: string) => {
      const r = await t.request(admin, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'individual', relationshipType: 'consumer', name } });
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as { id: number }).id;
    };
    const high = await make('评分导出甲');
    const low = await make('评分导出乙');
    await make('评分导出丙'); // never scored: empty score cells
    for (const [id, segment, stage, tier, churn, clv] of [[high, 'at_risk', 'decline', 'vip', 'high', '12000.50'], [low, 'champions', 'maturity', 'ordinary', 'low', '800.00']] as const) {
      await t.database.db.execute(sql`
        insert into customer_metrics (customer_id, run_id, as_of, recency_days, frequency, monetary, margin, rfm_segment, abc_class, lifecycle_stage, tier, loyalty_class, p_alive, clv, churn_score, churn_level)
        values (${id}, 1, '2026-11-01', 40, 3, '5000.00', '0', ${segment}, 'A', ${stage}, ${tier}, 'butterflies', 0.5, ${clv}, 0.8, ${churn})`);
    }
    const url = `/api/v1/customers/export?columns=name,rfmSegment,lifecycleStage,tier,loyaltyClass,churnLevel,clv&sort=-clv&q=${encodeURIComponent('评分导出')}`;
    const zh = await t.request(admin, { method: 'GET', url });
    expect(zh.statusCode, zh.body).toBe(200);
    expect(lines(zh.body)).toEqual([
      '客户名称,RFM 细分,生命周期阶段,客户分级,行为忠诚（Reinartz & Kumar）,流失风险,预测终身价值（CLV）',
      '评分导出甲,高危客户,衰退期,贵宾型,蝴蝶,高,12000.50',
      '评分导出乙,冠军客户,成熟期,普通型,蝴蝶,低,800.00',
      '评分导出丙,,,,,,',
    ]);
    const en = await t.request(admin, { method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(lines(en.body).slice(0, 2)).toEqual([
      expect.stringMatching(/^[^,]+,RFM segment,Lifecycle stage,Tier,Behavioural loyalty \(Reinartz & Kumar\),Churn risk,Predicted lifetime value \(CLV\)$/) as string,
      '评分导出甲,At risk,Decline,VIP,Butterflies,High,12000.50',
    ]);
    // not part of the default (every customer field), and still checked
    const all = await t.request(admin, { method: 'GET', url: `/api/v1/customers/export?q=${encodeURIComponent('评分导出')}` });
    expect(lines(all.body)[0]).not.toContain('RFM');
    expect((await t.request(admin, { method: 'GET', url: '/api/v1/customers/export?columns=name,rfm' })).statusCode).toBe(400);
  });
});
