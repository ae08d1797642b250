import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
let otherRep: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  otherRep = await t.userWithRole('sales');
});
afterAll(() => t.close());

const post = (s: Session, url: string, payload: unknown) => t.request(s, { method: 'POST', url, payload });
const newCustomer = async (s: Session, name: string) => (await post(s, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name })).json() as { id: number; version: number };

describe('follow-ups', () => {
  it('a follow-up with a next date updates the customer and creates exactly one reminder task for the owner', async () => {
    const c = await newCustomer(rep, '杭州云帆科技有限公司');
    const occurredAt = '2026-03-02T02:00:00.000Z';
    const nextFollowUpAt = '2026-03-09T01:00:00.000Z';
    const res = await post(rep, '/api/v1/follow-ups', { customerId: c.id, channel: 'visit', direction: 'outbound', occurredAt, summary: '上门拜访，演示产品', outcome: '有意向', nextFollowUpAt });
    expect(res.statusCode, res.body).toBe(201);
    const f = res.json();
    expect(f).toMatchObject({ customerId: c.id, customerName: '杭州云帆科技有限公司', channel: 'visit', authorId: rep.userId, nextFollowUpAt });
    const customer = (await t.request(rep, { method: 'GET', url: `/api/v1/customers/${c.id}` })).json();
    expect(customer).toMatchObject({ lastFollowUpAt: occurredAt, nextFollowUpAt, version: c.version });
    const tasks = await t.database.rows<{ kind: string; assignee_id: number; due_at: Date; source_key: string; customer_id: number }>(sql`select * from tasks where customer_id = ${c.id} and deleted_at is null`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'follow_up', assignee_id: rep.userId, source_key: `follow_up:${f.id}`, customer_id: c.id });
    expect(new Date(tasks[0]!.due_at).toISOString()).toBe(nextFollowUpAt);
    // Moving the date moves the task; it does not add another.
    const moved = await t.request(rep, { method: 'PATCH', url: `/api/v1/follow-ups/${f.id}`, payload: { nextFollowUpAt: '2026-03-10T01:00:00.000Z', version: f.version } });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = await t.database.rows<{ due_at: Date }>(sql`select due_at from tasks where customer_id = ${c.id} and deleted_at is null`);
    expect(after.map((r) => new Date(r.due_at).toISOString())).toEqual(['2026-03-10T01:00:00.000Z']);
  });

  it('a follow-up without a next date makes no task; the reminder goes to the owner when a collaborator writes it', async () => {
    const c = (await post(rep, '/api/v1/customers', { kind: 'individual', relationshipType: 'consumer', name: '赵敏', collaboratorIds: [otherRep.userId] })).json();
    expect((await post(otherRep, '/api/v1/follow-ups', { customerId: c.id, channel: 'phone', summary: '电话沟通' })).statusCode).toBe(201);
    expect(await t.database.rows(sql`select 1 from tasks where customer_id = ${c.id}`)).toHaveLength(0);
    await post(otherRep, '/api/v1/follow-ups', { customerId: c.id, channel: 'wechat', summary: '微信跟进', nextFollowUpAt: '2026-04-01T00:00:00.000Z' });
    const [task] = await t.database.rows<{ assignee_id: number }>(sql`select assignee_id from tasks where customer_id = ${c.id}`);
    expect(Number(task!.assignee_id)).toBe(rep.userId);
  });

  it('refuses follow-ups on customers outside the caller’s scope and bad input', async () => {
    const c = await newCustomer(rep, '别人的客户');
    const res = await post(otherRep, '/api/v1/follow-ups', { customerId: c.id, channel: 'phone', summary: '偷偷跟进' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'customerId', code: 'not_found' });
    const bad = await post(rep, '/api/v1/follow-ups', { customerId: c.id, channel: 'pigeon', summary: '' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().error.details as Array<{ path: string }>).map((d) => d.path)).toEqual(expect.arrayContaining(['channel', 'summary']));
    const list = (await t.request(otherRep, { method: 'GET', url: `/api/v1/follow-ups?filter[customerId]=${c.id}` })).json();
    expect(list.total).toBe(0);
  });

  it('lists a customer’s follow-ups newest first', async () => {
    const c = await newCustomer(rep, '列表客户');
    for (const [i, at] of ['2026-01-01', '2026-01-03', '2026-01-02'].entries()) {
      await post(rep, '/api/v1/follow-ups', { customerId: c.id, channel: 'email', summary: `第${i + 1}次`, occurredAt: `${at}T08:00:00.000Z` });
    }
    const list = (await t.request(rep, { method: 'GET', url: `/api/v1/follow-ups?filter[customerId]=${c.id}` })).json();
    expect(list.total).toBe(3);
    expect(list.data.map((f: { summary: string }) => f.summary)).toEqual(['第2次', '第3次', '第1次']);
  });
});

describe('timeline', () => {
  it('shows follow-ups, field changes and ownership moves newest first, in pages', async () => {
    const c = await newCustomer(rep, '时间线客户');
    const db = t.database.db;
    // Pin the creation audit in the past so the order is certain.
    await db.execute(sql`update audit_log set at = '2026-01-01T00:00:00Z' where entity = 'customer' and entity_id = ${String(c.id)}`);
    await post(rep, '/api/v1/follow-ups', { customerId: c.id, channel: 'phone', summary: '首次电话', occurredAt: '2026-01-02T00:00:00.000Z' });
    await db.execute(sql`insert into customer_events (customer_id, at, kind, actor_id, from_user_id, to_user_id) values (${c.id}, '2026-01-03T00:00:00Z', 'assign', ${admin.userId}, null, ${rep.userId})`);
    await t.request(rep, { method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { importance: 'vip', version: c.version } });
    await db.execute(sql`update audit_log set at = '2026-01-04T00:00:00Z' where entity = 'customer' and entity_id = ${String(c.id)} and action = 'update'`);

    const all = (await t.request(rep, { method: 'GET', url: `/api/v1/customers/${c.id}/timeline` })).json();
    expect(all.data.map((i: { type: string }) => i.type)).toEqual(['change', 'ownership', 'follow_up', 'change']);
    expect(all.data[0]).toMatchObject({ at: '2026-01-04T00:00:00.000Z', actor: { id: rep.userId }, data: { action: 'update', changes: { importance: { old: null, new: 'vip' } } } });
    expect(all.data[1]).toMatchObject({ type: 'ownership', data: { kind: 'assign', toUserId: rep.userId }, actor: { id: admin.userId } });
    expect(all.data[2]).toMatchObject({ type: 'follow_up', data: { summary: '首次电话', channel: 'phone' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = (await t.request(rep, { method: 'GET', url: `/api/v1/customers/${c.id}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}` })).json();
      seen.push(...page.data.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((i: { id: string }) => i.id));
    expect((await t.request(otherRep, { method: 'GET', url: `/api/v1/customers/${c.id}/timeline` })).statusCode).toBe(404);
  });
});
