import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { isValidCreditCode } from '@guanxi/contracts';
import { runJob, jobs } from '../jobs/run-job.js';
import { createTestContext, ADMIN, type Session, type TestContext } from '../test/test-app.js';
import { invalidSql } from './quality-rules.js';

let t: TestContext;
let admin: Session;
const create = async (s: Session, body: Record<string, unknown>) => {
  const r = await t.request(s, { method: 'POST', url: '/api/v1/customers', payload: { relationshipType: 'business', kind: 'organization', ...body } });
  if (r.statusCode !== 201) throw new Error(r.body);
  return r.json() as { id: number; version: number };
};
const get = async <T>(s: Session, url: string) => {
  const r = await t.request(s, { method: 'GET', url });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.body}`);
  return r.json() as T;
};

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

describe('validity', () => {
  it('checks credit codes by their GB 32100-2015 check digit, in TypeScript and SQL alike', async () => {
    const codes = ['91110000600037341L', '91350100M000100Y43', '911100001000000000', '91110000600037341X', '9111000060003734', 'ABC', '91110000600037341l'];
    expect(codes.map(isValidCreditCode)).toEqual([true, true, false, false, false, false, false]);
    for (const code of codes) {
      const [r] = await t.database.rows<{ bad: boolean }>(sql`select ${sql.raw(invalidSql.creditCode('x'))} as bad from (select ${code}::text as credit_code) x`);
      expect(r!.bad, code).toBe(!isValidCreditCode(code));
    }
  });

  it('refuses invalid values on every write, naming the field, and stores phones as typed but matches them as E.164', async () => {
    const bad = await t.request(admin, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: { 'accept-language': 'zh-CN' },
      payload: { kind: 'organization', relationshipType: 'business', name: '坏数据', mobile: '1234', phone: '12345678', email: 'x@', creditCode: '911100001000000000', postalCode: '1000' },
    });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json().error.details as Array<{ path: string; message: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(['creditCode', 'email', 'mobile', 'phone', 'postalCode']);
    expect(bad.json().error.details.find((d: { path: string }) => d.path === 'phone').message).toContain('区号');
    const ok = await create(admin, { name: '好数据', mobile: '+86 138-1234-5678', phone: '021 1234 5678', postalCode: '200001' });
    const [row] = await t.database.rows<{ mobile: string; mobile_e164: string; phone_e164: string }>(sql`select mobile, mobile_e164, phone_e164 from customers where id = ${ok.id}`);
    expect(row).toEqual({ mobile: '13812345678', mobile_e164: '+8613812345678', phone_e164: '+862112345678' });
  });
});

describe('completeness, timeliness and the dashboard', () => {
  let rep: Session;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    rep = await t.userWithRole('sales', { email: 'rep-dq@test.local' });
    // an organisation with everything but a contact, website and email: 100 − 15 − 5 − 5
    ids.org = (await create(rep, {
      name: '青岛海润食品有限公司', creditCode: '91110000600037341L', phone: '0532-85678901', province: '山东省', city: '青岛市', address: '市南区香港中路 1 号',
      industry: '食品', companySize: '100-499', legalRepresentative: '刘海', source: '展会',
    })).id;
    ids.person = (await create(rep, { kind: 'individual', relationshipType: 'consumer', name: '周杰', mobile: '13900001111' })).id;
    ids.bare = (await create(rep, { name: '空壳公司' })).id;
    ids.adminOwn = (await create(admin, { name: '管理员的客户' })).id;
    // two years without an update, one of them verified last week
    await t.database.db.execute(sql`update customers set updated_at = now() - interval '730 days' where id in (${ids.person}, ${ids.bare})`);
    await t.database.db.execute(sql`update customers set verified_at = now() - interval '7 days' where id = ${ids.person}`);
    // a value written before today's rule (an old import)
    await t.database.db.execute(sql`update customers set postal_code = '1000', email = 'not-an-email' where id = ${ids.bare}`);
  });

  it('scores a customer by the fields that matter for its kind and lists what is missing', async () => {
    const q = await get<{ score: number; missing: Array<{ field: string; weight: number }>; invalid: string[]; stale: boolean }>(rep, `/api/v1/customers/${ids.org}/quality`);
    expect(q.score).toBe(75);
    expect(q.missing).toEqual([{ field: 'contact', weight: 15 }, { field: 'email', weight: 5 }, { field: 'website', weight: 5 }]);
    expect(q.invalid).toEqual([]);
    expect(q.stale).toBe(false);
    const p = await get<{ score: number; missing: Array<{ field: string }> }>(rep, `/api/v1/customers/${ids.person}/quality`);
    expect(p.score).toBe(25);
    const bare = await get<{ score: number; invalid: string[]; stale: boolean }>(rep, `/api/v1/customers/${ids.bare}/quality`);
    // the invalid email still counts as filled in: completeness and validity are separate measures
    expect(bare).toMatchObject({ score: 5, invalid: ['email', 'postalCode'], stale: true });
    expect((await t.request(rep, { method: 'GET', url: `/api/v1/customers/${ids.adminOwn}/quality` })).statusCode).toBe(404);
  });

  it('lists the least complete and the stale customers of an owner', async () => {
    const incomplete = await get<{ data: Array<{ id: number; score: number }> }>(rep, '/api/v1/data-quality/incomplete?filter[ownerId]=me&filter[maxScore]=100');
    expect(incomplete.data.map((r) => [r.id, r.score])).toEqual([[ids.bare, 5], [ids.person, 25], [ids.org, 75]]);
    const page1 = await get<{ data: Array<{ id: number }>; nextCursor: string }>(rep, '/api/v1/data-quality/incomplete?filter[maxScore]=100&limit=2');
    const page2 = await get<{ data: Array<{ id: number }>; nextCursor: string | null }>(rep, `/api/v1/data-quality/incomplete?filter[maxScore]=100&limit=2&cursor=${page1.nextCursor}`);
    expect([...page1.data, ...page2.data].map((r) => r.id)).toEqual([ids.bare, ids.person, ids.org]);
    const stale = await get<{ data: Array<{ id: number; idleDays: number }> }>(rep, '/api/v1/data-quality/stale');
    expect(stale.data.map((r) => r.id)).toEqual([ids.bare]);
    expect(stale.data[0]!.idleDays).toBeGreaterThanOrEqual(729);
    // with a 5-day period the verified one is stale too
    expect((await get<{ data: Array<{ id: number }> }>(rep, '/api/v1/data-quality/stale?filter[days]=5')).data.map((r) => r.id)).toEqual([ids.bare, ids.person]);
  });

  it('marks a record verified, which takes it off the stale list', async () => {
    const before = await get<{ version: number }>(rep, `/api/v1/customers/${ids.bare}`);
    const stale = await t.request(rep, { method: 'POST', url: `/api/v1/customers/${ids.bare}/verify`, payload: { version: before.version + 1 } });
    expect(stale.statusCode).toBe(409);
    const q = await t.request(rep, { method: 'POST', url: `/api/v1/customers/${ids.bare}/verify`, payload: { version: before.version } });
    expect(q.statusCode).toBe(200);
    expect(q.json()).toMatchObject({ stale: false });
    expect((await get<{ data: unknown[] }>(rep, '/api/v1/data-quality/stale')).data).toEqual([]);
    const [audit] = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'customer' and entity_id = ${String(ids.bare)} order by id desc limit 1`);
    expect(audit!.action).toBe('verify');
    await t.database.db.execute(sql`update customers set updated_at = now() - interval '730 days', verified_at = null where id = ${ids.bare}`);
  });

  it('sums duplicates, invalid values, completeness and stale records by owner and department', async () => {
    const dup = await create(rep, { kind: 'individual', relationshipType: 'consumer', name: '周杰伦', mobile: '139 0000 1111' });
    await runJob(t.database, jobs['duplicates-scan']!);
    const mine = await get<{ staleAfterDays: number; totals: Record<string, unknown>; groups: Array<{ id: number | null } & Record<string, unknown>> }>(rep, '/api/v1/data-quality/summary?groupBy=owner');
    expect(mine.staleAfterDays).toBe(180);
    expect(mine.groups).toHaveLength(1);
    expect(mine.totals).toEqual({
      customers: 4,
      duplicates: 2,
      invalid: { mobile: 0, phone: 0, email: 1, creditCode: 0, postalCode: 1 },
      completeness: { '0-19': 1, '20-39': 2, '40-59': 0, '60-79': 1, '80-100': 0 },
      averageScore: (75 + 25 + 5 + 25) / 4,
      stale: 1,
    });
    void dup;
    const all = await get<{ totals: { customers: number }; groups: Array<{ id: number | null; customers: number }> }>(admin, '/api/v1/data-quality/summary?groupBy=department');
    expect(all.totals.customers).toBe(6);
    expect(all.groups.reduce((n, g) => n + g.customers, 0)).toBe(6);
    const settings = await get<{ staleAfterDays: number; version: number }>(admin, '/api/v1/data-quality/settings');
    const put = await t.request(admin, { method: 'PUT', url: '/api/v1/data-quality/settings', payload: { staleAfterDays: 5, version: settings.version } });
    expect(put.json()).toMatchObject({ staleAfterDays: 5 });
    expect((await get<{ totals: { stale: number } }>(rep, '/api/v1/data-quality/summary')).totals.stale).toBe(2);
    expect((await t.request(rep, { method: 'PUT', url: '/api/v1/data-quality/settings', payload: { staleAfterDays: 9, version: 2 } })).statusCode).toBe(403);
  });
});
