import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';
import { calendarFor, resumeClock, startClock } from './sla-clock.js';
import { addBusinessMinutes, businessMinutesBetween } from './business-time.js';

let t: TestContext;
let admin: Session;
let teamA: number;
let managerA: Session;
let agentA: Session;
let vipCustomer: number;
const tz = 'Asia/Shanghai';
const at = (s: string) => new Date(s);

async function policy(body: Record<string, unknown>) {
  const res = await t.request(admin, { method: 'POST', url: '/api/v1/sla-policies', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number };
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  managerA = await t.userWithRole('manager');
  const [d] = await t.database.rows<{ id: number }>(sql`insert into departments (name, manager_id) values ('客服一组', ${managerA.userId}) returning id`);
  teamA = Number(d!.id);
  await t.database.db.execute(sql`update users set department_id = ${teamA} where id = ${managerA.userId}`);
  agentA = await t.userWithRole('service', { departmentId: teamA, managerId: managerA.userId });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, importance) values ('organization', 'business', '华为云', 'vip') returning id`);
  vipCustomer = Number(c!.id);
  await policy({ name: 'catch-all', firstResponseMinutes: 240, resolutionMinutes: 2400 });
  await policy({ name: 'VIP', importance: 'vip', firstResponseMinutes: 120, resolutionMinutes: 960 });
  await policy({ name: 'VIP urgent', importance: 'vip', priority: 'urgent', firstResponseMinutes: 60, resolutionMinutes: 480 });
  await policy({ name: 'urgent', priority: 'urgent', firstResponseMinutes: 90, resolutionMinutes: 600 });
  await policy({ name: 'urgent (preferred)', priority: 'urgent', firstResponseMinutes: 80, resolutionMinutes: 600, precedence: 5 });
});
afterAll(async () => t.close());

describe('business calendars', () => {
  it('seeds the default calendar with the 2026 holidays and make-up days, editable through the API', async () => {
    const list = await t.request(agentA, { method: 'GET', url: '/api/v1/business-calendars' });
    expect(list.statusCode).toBe(200);
    const cals = list.json().data as Array<{ id: number; isDefault: boolean; timeZone: string }>;
    expect(cals.filter((c) => c.isDefault)).toHaveLength(1);
    const id = cals[0]!.id;
    const detail = (await t.request(agentA, { method: 'GET', url: `/api/v1/business-calendars/${id}?year=2026` })).json();
    const days = detail.days as Array<{ date: string; kind: string }>;
    expect(days.find((d) => d.date === '2026-10-01')?.kind).toBe('holiday');
    expect(days.find((d) => d.date === '2026-01-04')?.kind).toBe('workday');
    expect(days.filter((d) => d.kind === 'holiday')).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    // agents read, only settings managers change
    expect((await t.request(agentA, { method: 'PUT', url: `/api/v1/business-calendars/${id}/days/2026-12-24`, payload: { kind: 'holiday' } })).statusCode).toBe(403);
    const put = await t.request(admin, { method: 'PUT', url: `/api/v1/business-calendars/${id}/days/2026-12-24`, payload: { kind: 'holiday', name: '平安夜' } });
    expect(put.statusCode, put.body).toBe(200);
    const bad = await t.request(admin, { method: 'PUT', url: `/api/v1/business-calendars/${id}/days/2026-13-01`, payload: { kind: 'holiday' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('date');
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/business-calendars/${id}/days/2026-12-24` })).statusCode).toBe(204);
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'business_calendar' and entity_id = ${String(id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['set_day', 'unset_day']);
  });

  it('validates working hours (order of spans, HH:MM)', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/business-calendars', payload: { name: 'x', workingHours: [{ start: '13:00', end: '18:00' }, { start: '09:00', end: '12:00' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('workingHours.1.start');
    const res2 = await t.request(admin, { method: 'POST', url: '/api/v1/business-calendars', payload: { name: 'x', workingHours: [{ start: '9am', end: '18:00' }] } });
    expect(res2.json().error.details[0].path).toBe('workingHours.0.start');
  });
});

describe('SLA policies', () => {
  it('picks the most specific match, then precedence', async () => {
    const match = async (q: string) => (await t.request(agentA, { method: 'GET', url: `/api/v1/sla-policies/match?${q}` })).json().policy?.name;
    expect(await match('importance=vip&priority=urgent')).toBe('VIP urgent');
    expect(await match('importance=vip&priority=low')).toBe('VIP');
    expect(await match('importance=ordinary&priority=urgent')).toBe('urgent (preferred)');
    expect(await match('priority=urgent')).toBe('urgent (preferred)');
    expect(await match('importance=important&priority=normal')).toBe('catch-all');
  });

  it('refuses a resolution target shorter than the first response, naming the field', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/sla-policies', payload: { name: 'bad', firstResponseMinutes: 100, resolutionMinutes: 50 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('resolutionMinutes');
  });
});

describe('SLA clock', () => {
  it('gives a VIP urgent ticket opened Friday 17:30 before 清明 due times on Tuesday', async () => {
    const clock = await startClock(t.database.db, { importance: 'vip', priority: 'urgent', start: at('2026-04-03T17:30:00+08:00'), pausedMinutes: 0 }, tz);
    // 30 minutes on Friday, then Saturday–Monday are the holiday: 30 more on Tuesday morning
    expect(clock.firstResponseDueAt?.toISOString()).toBe(at('2026-04-07T09:30:00+08:00').toISOString());
    // 480 = 30 Friday + 180 Tuesday morning + 270 Tuesday afternoon
    expect(clock.resolutionDueAt?.toISOString()).toBe(at('2026-04-07T18:00:00+08:00').toISOString());
    // warning at 80%: 48 minutes in
    expect(clock.firstResponseWarnAt?.toISOString()).toBe(at('2026-04-07T09:18:00+08:00').toISOString());
  });

  it('moves due times by the business time spent waiting on the customer', async () => {
    const cal = await calendarFor(t.database.db, null, tz);
    const due = at('2026-03-05T12:00:00+08:00');
    const state = {
      slaPolicyId: null,
      pausedSince: at('2026-03-04T17:00:00+08:00'),
      pausedMinutes: 15,
      firstResponseDueAt: at('2026-03-04T16:00:00+08:00'), // already past when the pause began: stays
      firstResponseWarnAt: null,
      resolutionDueAt: due,
      resolutionWarnAt: null,
    };
    const resumed = await resumeClock(t.database.db, state, null, at('2026-03-06T10:00:00+08:00'), tz);
    // paused Wed 17:00 → Fri 10:00: 60 + 450 + 60 business minutes
    expect(resumed.pausedMinutes).toBe(15 + 570);
    expect(resumed.pausedSince).toBeNull();
    expect(resumed.firstResponseDueAt?.toISOString()).toBe(state.firstResponseDueAt.toISOString());
    // 240 business minutes were left at 17:00 Wednesday (60 + 180); counted from Friday 10:00
    const left = businessMinutesBetween(cal, state.pausedSince, due);
    expect(left).toBe(240);
    expect(resumed.resolutionDueAt?.toISOString()).toBe(addBusinessMinutes(cal, at('2026-03-06T10:00:00+08:00'), 240).toISOString());
    expect(resumed.resolutionDueAt?.toISOString()).toBe(at('2026-03-06T15:30:00+08:00').toISOString());
  });

  it('pauses on pending_customer and resumes on the customer’s reply through the API', async () => {
    const created = await t.request(agentA, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', customerId: vipCustomer, channel: 'phone', subject: '发票问题', priority: 'urgent' } });
    expect(created.statusCode, created.body).toBe(201);
    const tk = created.json();
    expect(tk.sla.policyId).not.toBeNull();
    expect(tk.sla.customerTier).toBe('vip');
    const paused = await t.request(agentA, { method: 'POST', url: `/api/v1/tickets/${tk.id}/status`, payload: { status: 'pending_customer', version: tk.version } });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().sla.pausedSince).not.toBeNull();
    // pretend the pause began two working days ago
    await t.database.db.execute(sql`update tickets set paused_since = paused_since - interval '2 days' where id = ${tk.id}`);
    const before = (await t.database.rows<{ due: Date }>(sql`select resolution_due_at as due from tickets where id = ${tk.id}`))[0]!.due;
    const reply = await t.request(agentA, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'inbound', body: '这是发票号码' } });
    expect(reply.statusCode, reply.body).toBe(201);
    const after = (await t.request(agentA, { method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    expect(after.status).toBe('open');
    expect(after.sla.pausedSince).toBeNull();
    expect(new Date(after.sla.resolutionDueAt).getTime()).toBeGreaterThan(new Date(before).getTime());
  });
});

describe('the sla-check job', () => {
  it('flags near breach, marks breach once and escalates once to the team manager', async () => {
    const mk = async (subject: string) => {
      const r = await t.request(agentA, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', customerId: vipCustomer, channel: 'phone', subject, priority: 'high', assigneeId: agentA.userId } });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as number;
    };
    // only this test's tickets are open, so the counts are exact
    await t.database.db.execute(sql`update tickets set deleted_at = now() where deleted_at is null`);
    const late = await mk('已超时');
    const soon = await mk('快超时');
    const paused = await mk('等待客户');
    const asOf = at('2030-01-10T10:00:00+08:00');
    await t.database.db.execute(sql`update tickets set first_response_due_at = ${at('2030-01-10T09:00:00+08:00')}, first_response_warn_at = ${at('2030-01-10T08:00:00+08:00')},
      resolution_due_at = ${at('2030-01-11T09:00:00+08:00')}, resolution_warn_at = ${at('2030-01-11T08:00:00+08:00')} where id = ${late}`);
    await t.database.db.execute(sql`update tickets set first_response_due_at = ${at('2030-01-10T11:00:00+08:00')}, first_response_warn_at = ${at('2030-01-10T09:30:00+08:00')},
      resolution_due_at = ${at('2030-01-12T09:00:00+08:00')}, resolution_warn_at = ${at('2030-01-12T08:00:00+08:00')} where id = ${soon}`);
    // due passed only while waiting on the customer: not a breach
    await t.database.db.execute(sql`update tickets set status = 'pending_customer', paused_since = ${at('2030-01-10T08:00:00+08:00')},
      first_response_due_at = ${at('2030-01-10T09:00:00+08:00')}, first_response_warn_at = ${at('2030-01-10T07:00:00+08:00')},
      resolution_due_at = ${at('2030-01-10T09:30:00+08:00')}, resolution_warn_at = ${at('2030-01-10T07:00:00+08:00')} where id = ${paused}`);

    const first = await runJob(t.database, jobs['sla-check']!, { asOf });
    expect(first.status).toBe('succeeded');
    if (first.status !== 'succeeded') return;
    expect(first.result).toMatchObject({ firstResponseBreached: 1, resolutionBreached: 0, nearBreach: 1 });
    const rows = await t.database.rows<{ id: number; sla_first_response: string; near_breach: boolean; escalated_at: Date | null }>(
      sql`select id, sla_first_response, near_breach, escalated_at from tickets where id in (${late}, ${soon}, ${paused}) order by id`,
    );
    expect(rows.map((r) => [r.sla_first_response, r.near_breach, r.escalated_at !== null])).toEqual([
      ['breached', false, true],
      ['pending', true, false],
      ['pending', false, false],
    ]);
    const second = await runJob(t.database, jobs['sla-check']!, { asOf });
    expect(second.status === 'succeeded' && second.result).toMatchObject({ firstResponseBreached: 0, resolutionBreached: 0, nearBreach: 0 });

    const tasks = await t.database.rows<{ assignee_id: number; kind: string }>(sql`select assignee_id, kind from tasks where related_type = 'ticket' and related_id = ${late}`);
    expect(tasks).toEqual([{ assignee_id: managerA.userId, kind: 'sla_escalation' }]);
    const notes = await t.request(managerA, { method: 'GET', url: '/api/v1/notifications?filter[unread]=true', headers: { 'accept-language': 'en' } });
    expect(notes.statusCode).toBe(200);
    expect(notes.json().unread).toBe(1);
    const note = notes.json().data[0];
    expect(note.link).toBe(`/tickets/${late}`);
    expect(note.textZh).toContain('首次响应超时');
    // only the addressee marks it read
    expect((await t.request(agentA, { method: 'POST', url: `/api/v1/notifications/${note.id}/read` })).statusCode).toBe(404);
    const read = await t.request(managerA, { method: 'POST', url: `/api/v1/notifications/${note.id}/read` });
    expect(read.json().readAt).not.toBeNull();

    // the queues show them
    const breached = (await t.request(agentA, { method: 'GET', url: '/api/v1/tickets?filter[queue]=breached' })).json();
    expect(breached.data.map((x: { id: number }) => x.id)).toEqual([late]);
    const soonQ = (await t.request(agentA, { method: 'GET', url: '/api/v1/tickets?filter[queue]=breaching_soon' })).json();
    expect(soonQ.data.map((x: { id: number }) => x.id)).toEqual([soon]);

    // a reply after the due time keeps the verdict; answering the near-breach one achieves it and clears the flag
    const soonTicket = (await t.request(agentA, { method: 'GET', url: `/api/v1/tickets/${soon}` })).json();
    expect(soonTicket.sla.nearBreach).toBe(true);
    await t.database.db.execute(sql`update tickets set first_response_due_at = now() + interval '1 hour' where id = ${soon}`);
    await t.request(agentA, { method: 'POST', url: `/api/v1/tickets/${soon}/replies`, payload: { direction: 'outbound', body: '您好，已收到' } });
    const answered = (await t.request(agentA, { method: 'GET', url: `/api/v1/tickets/${soon}` })).json();
    expect(answered.sla.firstResponse).toBe('achieved');
    expect(answered.status).toBe('open');
    const third = await runJob(t.database, jobs['sla-check']!, { asOf });
    expect(third.status === 'succeeded' && third.result.nearBreachCleared).toBe(1);
  });
});
