import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
let vipTag: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  vipTag = (await t.request(admin, { method: 'POST', url: '/api/v1/tags', payload: { name: '重点' } })).json().id;
  await t.request(admin, { method: 'POST', url: '/api/v1/custom-fields', payload: { entity: 'customer', key: 'channel_level', label: '渠道等级', type: 'select', options: [{ value: 'gold', label: '金牌' }, { value: 'silver', label: '银牌' }] } });
  await t.request(admin, { method: 'POST', url: '/api/v1/custom-fields', payload: { entity: 'customer', key: 'seats', label: '席位数', type: 'number' } });
  // 120 customers owned by the rep, created a day apart from 2025-01-01 (seeded in SQL: the
  // create path has its own tests, and 120 requests would only slow this file down).
  await t.database.db.execute(sql`
    insert into customers (kind, relationship_type, name, importance, city, registered_capital, custom, owner_id, owner_since, created_by, created_at)
    select case when i % 2 = 1 then 'organization' else 'individual' end, 'business', '客户' || lpad(i::text, 3, '0'),
      (array['vip', 'important', 'ordinary'])[i % 3 + 1], case when i % 4 = 0 then '杭州' else '苏州' end, i * 10000,
      jsonb_build_object('channel_level', case when i % 2 = 1 then 'gold' else 'silver' end, 'seats', i),
      ${rep.userId}, now(), ${rep.userId}, '2025-01-01T00:00:00Z'::timestamptz + i * interval '1 day'
    from generate_series(0, 119) i`);
  await t.database.db.execute(sql`
    insert into customer_tags (customer_id, tag_id) select id, ${vipTag} from customers where name ~ '^客户[0-9]{2}0$'`);
  for (let i = 0; i < 5; i++) await t.request(admin, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'individual', relationshipType: 'consumer', name: `管理员客户${i}` } });
});
afterAll(() => t.close());

const list = async (session: Session, qs: string) => {
  const res = await t.request(session, { method: 'GET', url: `/api/v1/customers?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Array<Record<string, unknown> & { id: number; name: string }>; nextCursor: string | null; total: number };
};

describe('customer lists', () => {
  it('pages through every customer exactly once with keyset cursors, in any sort', async () => {
    for (const sort of ['name', '-name', '-createdAt', 'registeredCapital', '-importance', 'city']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(rep, `sort=${sort}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.total).toBe(120);
        seen.push(...page.data.map((c) => c.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen).toHaveLength(120);
      expect(new Set(seen).size).toBe(120);
    }
    const byName = await list(rep, 'sort=-name&limit=3');
    expect(byName.data.map((c) => c.name)).toEqual(['客户119', '客户118', '客户117']);
  });

  it('combines text, in, range, tag, owner and custom-field filters with AND', async () => {
    expect((await list(rep, 'filter[importance]=vip,important')).total).toBe(80);
    expect((await list(rep, 'filter[importance]=vip&filter[city]=杭州')).total).toBe(10); // i ≡ 0 mod 12
    expect((await list(rep, 'filter[name]=客户01')).total).toBe(10);
    expect((await list(rep, 'filter[registeredCapital][gte]=1000000&filter[registeredCapital][lte]=1090000')).total).toBe(10);
    expect((await list(rep, 'filter[createdAt][gte]=2025-01-11&filter[createdAt][lte]=2025-01-20')).total).toBe(10);
    expect((await list(rep, `filter[tagId]=${vipTag}`)).total).toBe(12);
    expect((await list(admin, 'filter[ownerId]=me')).total).toBe(5);
    expect((await list(rep, 'filter[ownerId]=me')).total).toBe(120);
    expect((await list(rep, 'filter[custom.channel_level]=gold')).total).toBe(60);
    expect((await list(rep, 'filter[custom.seats][gte]=100&filter[custom.channel_level]=gold')).total).toBe(10);
  });

  it('sees only its own customers while an admin sees all', async () => {
    expect((await list(admin, 'limit=1')).total).toBe(125);
  });

  it('refuses unknown filters, bad values and unknown options with field errors', async () => {
    for (const [qs, path] of [
      ['filter[importance]=gold', 'filter[importance]'],
      ['filter[custom.channel_level]=platinum', 'filter[custom.channel_level]'],
      ['filter[custom.nope]=1', 'filter[custom.nope]'],
      ['filter[createdAt][gte]=yesterday', 'filter[createdAt][gte]'],
      ['filter[bogus]=1', 'filter[bogus]'],
      ['cursor=notacursor', 'cursor'],
    ] as const) {
      const res = await t.request(rep, { method: 'GET', url: `/api/v1/customers?${qs}` });
      expect(res.statusCode, qs).toBe(400);
      expect((res.json().error.details as Array<{ path: string }>).map((d) => d.path), qs).toContain(path);
    }
  });
});

describe('custom fields', () => {
  it('only admins define fields; everyone reads them', async () => {
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/custom-fields', payload: { entity: 'customer', key: 'x1', label: 'X', type: 'text' } })).statusCode).toBe(403);
    const fields = (await t.request(rep, { method: 'GET', url: '/api/v1/custom-fields?filter[entity]=customer' })).json().data;
    expect(fields.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['channel_level', 'seats']));
  });

  it('validates values by type and option, at custom.<key>', async () => {
    const bad = await t.request(rep, {
      method: 'POST',
      url: '/api/v1/customers',
      payload: { kind: 'individual', relationshipType: 'consumer', name: '自定义字段测试', custom: { channel_level: 'platinum', seats: 'many', nope: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'custom.channel_level', code: 'invalid_option' }),
        expect.objectContaining({ path: 'custom.seats', code: 'invalid_type' }),
        expect.objectContaining({ path: 'custom.nope', code: 'unknown_field' }),
      ]),
    );
  });

  it('merges custom values on edit and clears one with null', async () => {
    const c = (await t.request(rep, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'individual', relationshipType: 'consumer', name: '合并测试', custom: { channel_level: 'gold', seats: 3 } } })).json();
    const res = await t.request(rep, { method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { custom: { seats: null }, version: c.version } });
    expect(res.json().custom).toEqual({ channel_level: 'gold' });
  });

  it('requires a required field on create', async () => {
    await t.request(admin, { method: 'POST', url: '/api/v1/custom-fields', payload: { entity: 'contact', key: 'wechat_group', label: '微信群', type: 'boolean', required: true } });
    const res = await t.request(rep, { method: 'POST', url: '/api/v1/contacts', payload: { name: '李雷' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'custom.wechat_group', code: 'required' });
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/contacts', payload: { name: '李雷', custom: { wechat_group: true } } })).statusCode).toBe(201);
  });
});
