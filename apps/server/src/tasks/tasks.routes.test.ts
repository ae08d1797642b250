import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';

let t: TestContext;
let mgr: Session;
let rep: Session;
let otherRep: Session;
let customerId: number;

const day = 86_400_000;
async function task(assignee: number, dueAt: Date, kind = 'manual', done = false): Promise<number> {
  const [row] = await t.database.rows<{ id: number }>(sql`
    insert into tasks (kind, title, due_at, assignee_id, customer_id, done_at)
    values (${kind}, ${`${kind} task`}, ${dueAt.toISOString()}::timestamptz, ${assignee}, ${customerId}, ${done ? sql`now()` : sql`null`}) returning id`);
  return Number(row!.id);
}
/** Noon today in Asia/Shanghai (the default company time zone), so "today" is unambiguous. */
function noonToday(): Date {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return new Date(`${ymd}T12:00:00+08:00`);
}

beforeAll(async () => {
  t = await createTestContext();
  const depts = await t.database.db.transaction(async (tx) => ({
    east: await insertDepartment(tx, null, { name: '华东销售部' }),
    south: await insertDepartment(tx, null, { name: '华南销售部' }),
  }));
  mgr = await t.userWithRole('manager', { departmentId: depts.east });
  rep = await t.userWithRole('sales', { departmentId: depts.east });
  otherRep = await t.userWithRole('sales', { departmentId: depts.south });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '杭州云帆科技有限公司', ${rep.userId}) returning id`);
  customerId = Number(c!.id);
});
afterAll(() => t.close());

describe('tasks and reminders', () => {
  it('reminders list my open tasks due today and overdue, with the customer name', async () => {
    const noon = noonToday();
    const today = await task(rep.userId, noon, 'follow_up');
    const late = await task(rep.userId, new Date(noon.getTime() - 3 * day), 'pool_warning');
    await task(rep.userId, new Date(noon.getTime() + 2 * day));
    await task(rep.userId, new Date(noon.getTime() - 1 * day), 'manual', true);
    await task(otherRep.userId, noon);
    const res = await t.request(rep, { method: 'GET', url: '/api/v1/home/reminders' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.dueToday.map((x: { id: number }) => x.id)).toEqual([today]);
    expect(body.overdue.map((x: { id: number }) => x.id)).toEqual([late]);
    expect(body.counts).toEqual({ dueToday: 1, overdue: 1, upcoming: 1 });
    expect(body.dueToday[0]).toMatchObject({ kind: 'follow_up', customerId, customerName: '杭州云帆科技有限公司', done: false });
  });

  it('filters the task list by due, assignee and done', async () => {
    const list = async (s: Session, q: string) => ((await t.request(s, { method: 'GET', url: `/api/v1/tasks?${q}` })).json() as { data: Array<{ assigneeId: number; done: boolean }>; total: number });
    const overdue = await list(rep, 'filter[due]=overdue&filter[assigneeId]=me');
    expect(overdue.total).toBe(1);
    const open = await list(rep, 'filter[done]=false');
    expect(open.data.every((x) => !x.done && x.assigneeId === rep.userId)).toBe(true);
    expect((await list(rep, 'filter[due]=upcoming')).total).toBe(1);
  });

  it('reps see their own tasks only; managers see their scope but not other departments', async () => {
    const repIds = new Set((await t.request(rep, { method: 'GET', url: '/api/v1/tasks?limit=500' })).json().data.map((x: { assigneeId: number }) => x.assigneeId));
    expect([...repIds]).toEqual([rep.userId]);
    const mgrView = (await t.request(mgr, { method: 'GET', url: `/api/v1/tasks?filter[assigneeId]=${rep.userId}` })).json();
    expect(mgrView.total).toBeGreaterThan(0);
    const outside = (await t.request(mgr, { method: 'GET', url: `/api/v1/tasks?filter[assigneeId]=${otherRep.userId}` })).json();
    expect(outside.total).toBe(0);
  });

  it('creates, completes with a version and soft-deletes a manual task', async () => {
    const created = await t.request(rep, { method: 'POST', url: '/api/v1/tasks', payload: { title: '回访报价', dueAt: noonToday().toISOString(), customerId } });
    expect(created.statusCode).toBe(201);
    const tk = created.json();
    expect(tk).toMatchObject({ kind: 'manual', assigneeId: rep.userId, customerName: '杭州云帆科技有限公司', version: 1 });
    const done = await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${tk.id}`, payload: { done: true, version: 1 } });
    expect(done.json()).toMatchObject({ done: true, version: 2 });
    expect((await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${tk.id}`, payload: { done: false, version: 1 } })).statusCode).toBe(409);
    expect((await t.request(otherRep, { method: 'GET', url: `/api/v1/tasks/${tk.id}` })).statusCode).toBe(404);
    expect((await t.request(rep, { method: 'DELETE', url: `/api/v1/tasks/${tk.id}` })).statusCode).toBe(204);
    expect((await t.request(rep, { method: 'GET', url: `/api/v1/tasks/${tk.id}` })).statusCode).toBe(404);
  });

  it('refuses tasks for users or customers outside the caller’s scope', async () => {
    const r1 = await t.request(rep, { method: 'POST', url: '/api/v1/tasks', payload: { title: 'x', dueAt: new Date().toISOString(), assigneeId: otherRep.userId } });
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error.details[0]).toMatchObject({ path: 'assigneeId', code: 'out_of_scope' });
    const r2 = await t.request(otherRep, { method: 'POST', url: '/api/v1/tasks', payload: { title: 'x', dueAt: new Date().toISOString(), customerId } });
    expect(r2.statusCode).toBe(400);
    const r3 = await t.request(mgr, { method: 'POST', url: '/api/v1/tasks', payload: { title: '请跟进', dueAt: new Date().toISOString(), assigneeId: rep.userId, customerId } });
    expect(r3.statusCode).toBe(201);
  });
});

describe('related records and team lists', () => {
  async function insertOrder(ownerId: number): Promise<number> {
    const [o] = await t.database.rows<{ id: number }>(sql`
      insert into orders (number, customer_id, owner_id, order_date, status) values (${`SO-REL-${ownerId}`}, ${customerId}, ${ownerId}, '2026-11-02', 'confirmed') returning id`);
    return Number(o!.id);
  }

  it('links a task to an order: the label is the order number and the customer is filled in', async () => {
    const orderId = await insertOrder(rep.userId);
    const res = await t.request(rep, { method: 'POST', url: '/api/v1/tasks', payload: { title: '催签合同', dueAt: noonToday().toISOString(), relatedType: 'order', relatedId: orderId, priority: 'high' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ relatedType: 'order', relatedId: orderId, relatedLabel: `SO-REL-${rep.userId}`, customerId, customerName: '杭州云帆科技有限公司', priority: 'high' });
    const listed = (await t.request(rep, { method: 'GET', url: `/api/v1/tasks?filter[relatedType]=order&filter[relatedId]=${orderId}` })).json();
    expect(listed.data.map((x: { id: number }) => x.id)).toEqual([res.json().id]);
    // the order is outside the other rep's scope
    const refused = await t.request(otherRep, { method: 'POST', url: '/api/v1/tasks', payload: { title: 'x', dueAt: noonToday().toISOString(), relatedType: 'order', relatedId: orderId } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0]).toMatchObject({ path: 'relatedId', code: 'not_found' });
    const half = await t.request(rep, { method: 'POST', url: '/api/v1/tasks', payload: { title: 'x', dueAt: noonToday().toISOString(), relatedType: 'order' } });
    expect(half.json().error.details[0].path).toBe('relatedId');
  });

  it('treats a task with only a customer (follow-ups, pool warnings) as related to that customer', async () => {
    const id = await task(rep.userId, noonToday(), 'follow_up');
    const one = (await t.request(rep, { method: 'GET', url: `/api/v1/tasks/${id}` })).json();
    expect(one).toMatchObject({ relatedType: 'customer', relatedId: customerId, relatedLabel: '杭州云帆科技有限公司' });
    const listed = (await t.request(rep, { method: 'GET', url: `/api/v1/tasks?filter[relatedType]=customer&filter[relatedId]=${customerId}&limit=500` })).json();
    expect(listed.data.some((x: { id: number }) => x.id === id)).toBe(true);
    expect(listed.data.every((x: { relatedType: string }) => x.relatedType === 'customer')).toBe(true);
  });

  it('re-links a task on edit, checking the new record', async () => {
    const created = (await t.request(rep, { method: 'POST', url: '/api/v1/tasks', payload: { title: '准备方案', dueAt: noonToday().toISOString() } })).json();
    expect(created).toMatchObject({ relatedType: null, relatedId: null, relatedLabel: null });
    const linked = await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${created.id}`, payload: { customerId, version: created.version } });
    expect(linked.json()).toMatchObject({ relatedType: 'customer', relatedId: customerId, customerName: '杭州云帆科技有限公司', version: 2 });
    const audit = await t.database.rows<{ changes: Record<string, unknown> }>(sql`select changes from audit_log where entity = 'task' and entity_id = ${String(created.id)} and action = 'update'`);
    expect(Object.keys(audit[0]!.changes)).toContain('customerId');
    const bad = await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${created.id}`, payload: { relatedType: 'order', relatedId: 999_999, version: 2 } });
    expect(bad.statusCode).toBe(400);
  });

  it('mine and team: team is the others in my scope; a rep has no team', async () => {
    const mine = (await t.request(mgr, { method: 'GET', url: '/api/v1/tasks?filter[scope]=mine&limit=500' })).json();
    expect(mine.data.every((x: { assigneeId: number }) => x.assigneeId === mgr.userId)).toBe(true);
    const team = (await t.request(mgr, { method: 'GET', url: '/api/v1/tasks?filter[scope]=team&limit=500' })).json();
    const assignees = new Set(team.data.map((x: { assigneeId: number }) => x.assigneeId));
    expect(assignees.has(rep.userId)).toBe(true);
    expect(assignees.has(mgr.userId)).toBe(false);
    expect(assignees.has(otherRep.userId)).toBe(false);
    expect((await t.request(rep, { method: 'GET', url: '/api/v1/tasks?filter[scope]=team' })).json().total).toBe(0);
    const high = (await t.request(rep, { method: 'GET', url: '/api/v1/tasks?filter[priority]=high&limit=500' })).json();
    expect(high.total).toBeGreaterThan(0);
    expect(high.data.every((x: { priority: string }) => x.priority === 'high')).toBe(true);
  });

  it('team reminders count open tasks per assignee in my scope', async () => {
    const res = await t.request(mgr, { method: 'GET', url: '/api/v1/home/reminders?scope=team' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const [expected] = await t.database.rows<{ today: number; overdue: number }>(sql`
      select count(*) filter (where due_at >= date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'
                                and due_at < (date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '1 day') at time zone 'Asia/Shanghai')::int as today,
             count(*) filter (where due_at < date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')::int as overdue
      from tasks where assignee_id = ${rep.userId} and done_at is null and deleted_at is null`);
    expect(body.byAssignee).toEqual([{ userId: rep.userId, name: expect.any(String), dueToday: expected!.today, overdue: expected!.overdue, upcoming: expect.any(Number) }]);
    expect(body.counts.dueToday).toBe(expected!.today);
    expect(body.dueToday.every((x: { assigneeId: number }) => x.assigneeId === rep.userId)).toBe(true);
    const mine = (await t.request(mgr, { method: 'GET', url: '/api/v1/home/reminders' })).json();
    expect(mine.byAssignee).toBeUndefined();
  });
});
