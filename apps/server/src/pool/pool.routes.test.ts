import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';

let t: TestContext;
let admin: Session;
let mgr: Session;
const dept: Record<string, number> = {};
let n = 0;

async function poolCustomer(over: { ownerId?: number | null; importance?: string } = {}): Promise<number> {
  const [row] = await t.database.rows<{ id: number }>(sql`
    insert into customers (kind, relationship_type, name, mobile, email, province, city, importance, owner_id, owner_since, pool_since)
    values ('organization', 'business', ${`测试客户${++n}有限公司`}, ${`138${String(10_000_000 + n).slice(-8)}`}, ${`c${n}@example.com`}, '浙江省', '杭州市',
            ${over.importance ?? 'ordinary'}, ${over.ownerId ?? null}, ${over.ownerId ? sql`now()` : sql`null`}, ${over.ownerId ? sql`null` : sql`now()`})
    returning id`);
  return Number(row!.id);
}
const claim = (s: Session, id: number) => t.request(s, { method: 'POST', url: `/api/v1/customers/${id}/claim` });
async function setLimits(patch: Record<string, unknown>): Promise<void> {
  const current = (await t.request(admin, { method: 'GET', url: '/api/v1/pool-settings' })).json();
  const res = await t.request(admin, { method: 'PATCH', url: '/api/v1/pool-settings', payload: { ...patch, version: current.version } });
  expect(res.statusCode).toBe(200);
}
const rep = () => t.userWithRole('sales', { departmentId: dept.east! });

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  await t.database.db.transaction(async (tx) => {
    dept.hq = await insertDepartment(tx, null, { name: '总部' });
    dept.east = await insertDepartment(tx, null, { name: '华东销售部', parentId: dept.hq });
    dept.south = await insertDepartment(tx, null, { name: '华南销售部', parentId: dept.hq });
  });
  mgr = await t.userWithRole('manager', { departmentId: dept.east! });
  await setLimits({ dailyClaimLimit: null, maxOwnedPerUser: null, reclaimBlockDays: 7 });
});
afterAll(() => t.close());

describe('public pool', () => {
  it('lists only unowned customers, with contact details masked', async () => {
    const a = await rep();
    const inPool = await poolCustomer();
    const owned = await poolCustomer({ ownerId: a.userId });
    const res = await t.request(a, { method: 'GET', url: '/api/v1/pool?limit=500' });
    expect(res.statusCode).toBe(200);
    const ids = (res.json().data as Array<{ id: number }>).map((c) => c.id);
    expect(ids).toContain(inPool);
    expect(ids).not.toContain(owned);
    const item = (res.json().data as Array<{ id: number; mobile: string; email: string }>).find((c) => c.id === inPool)!;
    expect(item.mobile).toMatch(/^138\*{4}\d{4}$/);
    expect(item.email).toMatch(/^c\*\*\*@example\.com$/);
    const filtered = await t.request(a, { method: 'GET', url: `/api/v1/pool?q=${encodeURIComponent(`测试客户${n - 1}有限`)}&filter[province]=${encodeURIComponent('浙江省')}&sort=name` });
    expect(filtered.json().data.map((c: { id: number }) => c.id)).toEqual([inPool]);
    expect(filtered.json().total).toBe(1);
  });

  it('pages through the pool with cursors', async () => {
    const s = await rep();
    for (let i = 0; i < 5; i++) await poolCustomer();
    const seen = new Set<number>();
    let cursor: string | null = null;
    let total = 0;
    do {
      const url: string = `/api/v1/pool?limit=2&sort=name${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request(s, { method: 'GET', url })).json() as { data: Array<{ id: number }>; nextCursor: string | null; total: number };
      page.data.forEach((c) => seen.add(c.id));
      total = page.total;
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(total);
  });

  it('a claim makes the claimer the owner, bumps the version and records the move', async () => {
    const a = await rep();
    const id = await poolCustomer();
    const res = await claim(a, id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, ownerId: a.userId, poolSince: null, version: 2 });
    const [event] = await t.database.rows<{ kind: string; actor_id: number; to_user_id: number }>(sql`select kind, actor_id, to_user_id from customer_events where customer_id = ${id}`);
    expect(event).toMatchObject({ kind: 'claimed', actor_id: a.userId, to_user_id: a.userId });
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'customer' and entity_id = ${String(id)}`);
    expect(audit.map((r) => r.action)).toEqual(['claim']);
    const again = await claim(await rep(), id);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].code).toBe('already_owned');
  });

  it('of ten simultaneous claims on one customer exactly one wins and the others get 409', async () => {
    const reps = await Promise.all(Array.from({ length: 10 }, () => rep()));
    const id = await poolCustomer();
    const results = await Promise.all(reps.map((s) => claim(s, id)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, ...Array<number>(9).fill(409)]);
    const winner = results.find((r) => r.statusCode === 200)!.json().ownerId as number;
    const [row] = await t.database.rows<{ owner_id: number; version: number }>(sql`select owner_id, version from customers where id = ${id}`);
    expect(row).toMatchObject({ owner_id: winner, version: 2 });
    const events = await t.database.rows(sql`select 1 from customer_events where customer_id = ${id} and kind = 'claimed'`);
    expect(events).toHaveLength(1);
  });

  it('the daily claim limit holds when one user claims many customers at once', async () => {
    await setLimits({ dailyClaimLimit: 3 });
    try {
      const a = await rep();
      const ids = await Promise.all(Array.from({ length: 8 }, () => poolCustomer()));
      const results = await Promise.all(ids.map((id) => claim(a, id)));
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
      const refused = results.filter((r) => r.statusCode === 409);
      expect(refused).toHaveLength(5);
      expect(refused.every((r) => r.json().error.details[0].code === 'daily_claim_limit')).toBe(true);
      const [owned] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customers where owner_id = ${a.userId}`);
      expect(owned!.n).toBe(3);
    } finally {
      await setLimits({ dailyClaimLimit: null });
    }
  });

  it('the ownership cap holds under concurrent claims', async () => {
    const a = await rep();
    await poolCustomer({ ownerId: a.userId });
    await poolCustomer({ ownerId: a.userId });
    await setLimits({ maxOwnedPerUser: 4 });
    try {
      const ids = await Promise.all(Array.from({ length: 6 }, () => poolCustomer()));
      const results = await Promise.all(ids.map((id) => claim(a, id)));
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2);
      expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().error.details[0].code === 'ownership_cap')).toBe(true);
      const [owned] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customers where owner_id = ${a.userId}`);
      expect(owned!.n).toBe(4);
    } finally {
      await setLimits({ maxOwnedPerUser: null });
    }
  });

  it('a release needs a reason, returns the customer to the pool and blocks the previous owner from re-claiming', async () => {
    const a = await rep();
    const b = await rep();
    const id = await poolCustomer();
    expect((await claim(a, id)).statusCode).toBe(200);
    const noReason = await t.request(a, { method: 'POST', url: `/api/v1/customers/${id}/release`, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect((await t.request(b, { method: 'POST', url: `/api/v1/customers/${id}/release`, payload: { reason: '不是我的' } })).statusCode).toBe(404);
    const released = await t.request(a, { method: 'POST', url: `/api/v1/customers/${id}/release`, payload: { reason: '客户暂无需求' } });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ ownerId: null, previousOwnerId: a.userId, version: 3 });
    expect(released.json().poolSince).not.toBeNull();
    const [event] = await t.database.rows<{ kind: string; from_user_id: number; data: { reason: string } }>(
      sql`select kind, from_user_id, data from customer_events where customer_id = ${id} and kind = 'released'`,
    );
    expect(event).toMatchObject({ kind: 'released', from_user_id: a.userId, data: { reason: '客户暂无需求' } });
    const reclaim = await claim(a, id);
    expect(reclaim.statusCode).toBe(409);
    expect(reclaim.json().error.details[0].code).toBe('reclaim_blocked');
    expect((await claim(b, id)).statusCode).toBe(200);
  });

  it('the re-claim block ends after the configured days', async () => {
    const a = await rep();
    const id = await poolCustomer();
    await claim(a, id);
    await t.request(a, { method: 'POST', url: `/api/v1/customers/${id}/release`, payload: { reason: '测试' } });
    await t.database.db.execute(sql`update customers set released_at = now() - interval '8 days' where id = ${id}`);
    expect((await claim(a, id)).statusCode).toBe(200);
  });

  it('a manager assigns to users in their scope, and is refused outside it', async () => {
    const a = await rep();
    const south = await t.userWithRole('sales', { departmentId: dept.south! });
    const id = await poolCustomer();
    const res = await t.request(mgr, { method: 'POST', url: `/api/v1/customers/${id}/assign`, payload: { userId: a.userId } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ownerId: a.userId, version: 2 });
    const [event] = await t.database.rows<{ kind: string; actor_id: number; to_user_id: number }>(sql`select kind, actor_id, to_user_id from customer_events where customer_id = ${id}`);
    expect(event).toMatchObject({ kind: 'assigned', actor_id: mgr.userId, to_user_id: a.userId });
    const outside = await t.request(mgr, { method: 'POST', url: `/api/v1/customers/${id}/assign`, payload: { userId: south.userId } });
    expect(outside.statusCode).toBe(403);
    const theirs = await poolCustomer({ ownerId: south.userId });
    expect((await t.request(mgr, { method: 'POST', url: `/api/v1/customers/${theirs}/assign`, payload: { userId: a.userId } })).statusCode).toBe(404);
    expect((await t.request(a, { method: 'POST', url: `/api/v1/customers/${id}/assign`, payload: { userId: a.userId } })).statusCode).toBe(403);
  });

  it('pool settings are versioned and only pool managers change them', async () => {
    const s = (await t.request(admin, { method: 'GET', url: '/api/v1/pool-settings' })).json();
    const stale = await t.request(admin, { method: 'PATCH', url: '/api/v1/pool-settings', payload: { reclaimBlockDays: 3, version: s.version - 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.current).toMatchObject({ version: s.version });
    const a = await rep();
    expect((await t.request(a, { method: 'PATCH', url: '/api/v1/pool-settings', payload: { reclaimBlockDays: 3, version: s.version } })).statusCode).toBe(403);
    expect((await t.request(a, { method: 'POST', url: '/api/v1/pool-rules', payload: { name: 'x', kind: 'no_follow_up', days: { default: 30 } } })).statusCode).toBe(403);
  });
});
