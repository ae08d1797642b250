import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';

let t: TestContext;
let admin: Session;
let agent: Session;
let other: Session;
let customer: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const [d] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('客服') returning id`);
  const [d2] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('其他') returning id`);
  agent = await t.userWithRole('service', { departmentId: Number(d!.id) });
  other = await t.userWithRole('service', { departmentId: Number(d2!.id) });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('individual', 'consumer', '韩梅梅', ${agent.userId}) returning id`);
  customer = Number(c!.id);
});
afterAll(async () => t.close());

describe('return visits', () => {
  it('schedules a visit when a ticket closes, by rule, with a task for the assignee', async () => {
    const rule = await t.request(admin, { method: 'POST', url: '/api/v1/return-visit-rules', payload: { name: '售后结单回访', trigger: 'ticket_closed', ticketType: 'after_sales', delayDays: 2, assignTo: 'ticket_assignee' } });
    expect(rule.statusCode, rule.body).toBe(201);
    const bad = await t.request(admin, { method: 'POST', url: '/api/v1/return-visit-rules', payload: { name: 'x', trigger: 'order_fulfilled', assignTo: 'ticket_assignee' } });
    expect(bad.json().error.details[0].path).toBe('assignTo');
    const tk = (await t.request(agent, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'after_sales', subtype: 'repair', channel: 'phone', subject: '维修', customerId: customer, assigneeId: agent.userId } })).json();
    const inquiry = (await t.request(agent, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', channel: 'phone', subject: '问价', customerId: customer, assigneeId: agent.userId } })).json();
    const closed = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/status`, payload: { status: 'closed', version: tk.version } });
    expect(closed.statusCode, closed.body).toBe(200);
    await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${inquiry.id}/status`, payload: { status: 'closed', version: inquiry.version } });
    const list = (await t.request(agent, { method: 'GET', url: '/api/v1/return-visits?filter[status]=scheduled' })).json();
    expect(list.data).toHaveLength(1);
    const v = list.data[0];
    expect(v).toMatchObject({ ticketId: tk.id, ticketNumber: tk.number, assigneeId: agent.userId, customerName: '韩梅梅' });
    const [{ expected }] = (await t.database.rows<{ expected: string }>(sql`select to_char((now() at time zone 'Asia/Shanghai')::date + 2, 'YYYY-MM-DD') as expected`)) as [{ expected: string }];
    expect(v.scheduledOn).toBe(expected);
    expect((await t.request(other, { method: 'GET', url: `/api/v1/return-visits/${v.id}` })).statusCode).toBe(404);
    const done = await t.request(agent, { method: 'POST', url: `/api/v1/return-visits/${v.id}/complete`, payload: { satisfaction: 5, wouldRecommend: 10, comment: '满意', version: v.version } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', satisfaction: 5, wouldRecommend: 10 });
    const [task] = await t.database.rows<{ done: boolean }>(sql`select done_at is not null as done from tasks where source_key = ${`return_visit:${v.id}`}`);
    expect(task?.done).toBe(true);
    const again = await t.request(agent, { method: 'POST', url: `/api/v1/return-visits/${v.id}/complete`, payload: { satisfaction: 5, wouldRecommend: 10, version: done.json().version } });
    expect(again.statusCode).toBe(409);
  });

  it('the daily job schedules one visit per fulfilled order, idempotently', async () => {
    const rule = await t.request(admin, { method: 'POST', url: '/api/v1/return-visit-rules', payload: { name: '发货后回访', trigger: 'order_fulfilled', delayDays: 3, assignTo: 'customer_owner' } });
    expect(rule.statusCode).toBe(201);
    await t.database.db.execute(sql`insert into orders (number, customer_id, owner_id, order_date, status, fulfilled_at) values
      ('F1', ${customer}, ${agent.userId}, current_date, 'fulfilled', now() - interval '4 days'),
      ('F2', ${customer}, ${agent.userId}, current_date, 'fulfilled', now() - interval '1 day'),
      ('F3', ${customer}, ${agent.userId}, current_date, 'confirmed', null)`);
    const first = await runJob(t.database, jobs['return-visit-schedule']!, { timeZone: 'Asia/Shanghai' });
    expect(first.status === 'succeeded' && first.result.scheduled).toBe(1);
    const second = await runJob(t.database, jobs['return-visit-schedule']!, { timeZone: 'Asia/Shanghai' });
    expect(second.status === 'succeeded' && second.result.scheduled).toBe(0);
    // two days later the second order is due too
    const later = await runJob(t.database, jobs['return-visit-schedule']!, { timeZone: 'Asia/Shanghai', asOf: new Date(Date.now() + 2 * 86_400_000) });
    expect(later.status === 'succeeded' && later.result.scheduled).toBe(1);
    const visits = await t.database.rows<{ number: string; assignee_id: number }>(sql`select o.number, v.assignee_id from return_visits v join orders o on o.id = v.order_id order by o.number`);
    expect(visits).toEqual([{ number: 'F1', assignee_id: agent.userId }, { number: 'F2', assignee_id: agent.userId }]);
    const tasks = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from tasks where kind = 'return_visit' and related_type = 'order'`);
    expect(tasks[0]!.n).toBe(2);
  });
});
