import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { chinesePerson, chineseCompany, mobile, place } from './generate.js';
import { loadDemo, type DemoResult } from './load-demo.js';
import { mulberry32 } from './random.js';

let t: TestContext;
let demo: DemoResult;
beforeAll(async () => {
  t = await createTestContext();
  demo = await loadDemo(t.database, { customers: 600, seed: 7 });
});
afterAll(() => t.close());

describe('demo company', () => {
  it('loads the expected numbers of users, customers, contacts, follow-ups and tasks', async () => {
    expect(demo.counts.customers).toBe(600);
    expect(demo.counts.users).toBe(14);
    expect(demo.counts.contacts).toBeGreaterThan(600);
    expect(demo.counts.followUps).toBeGreaterThan(600 * 4);
    expect(demo.counts.pool).toBeGreaterThan(30);
    const [depts] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from departments where name in ('总部', '华东销售部', '华南销售部', '客户服务部')`);
    expect(depts!.n).toBe(4);
    const [rules] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from pool_rules where active`);
    expect(rules!.n).toBe(2);
  });

  it('every owned customer’s last follow-up matches its follow-up records', async () => {
    const [bad] = await t.database.rows<{ n: number }>(sql`
      select count(*)::int as n from customers c
      where c.last_follow_up_at is distinct from (select max(occurred_at) from follow_ups f where f.customer_id = c.id)`);
    expect(bad!.n).toBe(0);
  });

  it('a demo login works and the rep has reminders due today and overdue', async () => {
    const rep = demo.users.find((u) => u.role === 'sales')!;
    const s = await t.login(rep.email, demo.password);
    const reminders = (await t.request(s, { method: 'GET', url: '/api/v1/home/reminders' })).json();
    expect(reminders.counts.dueToday).toBeGreaterThan(0);
    expect(reminders.counts.overdue).toBeGreaterThan(0);
    const pool = (await t.request(s, { method: 'GET', url: '/api/v1/pool?limit=5' })).json();
    expect(pool.total).toBe(demo.counts.pool);
  });

  it('refuses to load into a database that already has customers', async () => {
    await expect(loadDemo(t.database)).rejects.toThrow(/already has customers/);
  });

  it('is deterministic for a seed and produces mainland-looking data', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const one = Array.from({ length: 20 }, () => [chinesePerson(a).name, mobile(a)]);
    const two = Array.from({ length: 20 }, () => [chinesePerson(b).name, mobile(b)]);
    expect(one).toEqual(two);
    const r = mulberry32(1);
    for (let i = 0; i < 200; i++) {
      expect(mobile(r)).toMatch(/^1(3\d|5[0-35-9]|7[35-8]|8\d|9[13589])\d{8}$/);
      expect(chinesePerson(r).name).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(chineseCompany(r, place(r)).name).toMatch(/有限公司$/);
    }
  });
});
