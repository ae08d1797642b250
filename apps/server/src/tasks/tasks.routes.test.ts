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
