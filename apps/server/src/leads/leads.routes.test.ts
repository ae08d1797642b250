import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';

let t: TestContext;
let admin: Session;
let repA: Session;
let repB: Session;
let manager: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  repA = await t.userWithRole('sales');
  repB = await t.userWithRole('sales');
  manager = await t.userWithRole('manager');
});
afterAll(() => t.close());

type LeadJson = { id: number; version: number; status: string; ownerId: number | null; mobile: string | null; email: string | null; lastActivityAt: string | null };
const post = (s: Session, url: string, payload?: unknown) => t.request(s, { method: 'POST', url, ...(payload === undefined ? {} : { payload }) });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });
const newLead = async (s: Session, body: Record<string, unknown>) => {
  const res = await post(s, '/api/v1/leads', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as LeadJson;
};
const paths = (body: string) => (JSON.parse(body).error.details as Array<{ path: string }>).map((d) => d.path);

describe('leads CRUD', () => {
  it('creates, reads, edits with optimistic locking, audits and soft-deletes a lead', async () => {
    const lead = await newLead(repA, { name: '张伟', companyName: '杭州云帆科技有限公司', title: '采购经理', mobile: '+86 138-0013-8000', email: 'Zhang.Wei@YunFan.cn', source: 'trade_show', province: '浙江省', city: '杭州市' });
    expect(lead).toMatchObject({ status: 'new', ownerId: repA.userId, mobile: '13800138000', email: 'zhang.wei@yunfan.cn', source: 'trade_show', version: 1 });

    const edited = await t.request(repA, { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { title: '采购总监', version: 1 } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ title: '采购总监', version: 2 });
    const stale = await t.request(repA, { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { title: '旧的', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { title: '采购总监', version: 2 } });

    const audit = await t.database.rows<{ action: string; changes: Record<string, { old: unknown; new: unknown }> }>(sql`select action, changes from audit_log where entity = 'lead' and entity_id = ${String(lead.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]!.changes).toEqual({ title: { old: '采购经理', new: '采购总监' } });

    expect((await t.request(repA, { method: 'DELETE', url: `/api/v1/leads/${lead.id}` })).statusCode).toBe(204);
    expect((await get(repA, `/api/v1/leads/${lead.id}`)).statusCode).toBe(404);
    const [row] = await t.database.rows<{ deleted_at: Date | null }>(sql`select deleted_at from leads where id = ${lead.id}`);
    expect(row!.deleted_at).not.toBeNull();
  });

  it('names each invalid field', async () => {
    const res = await post(repA, '/api/v1/leads', { name: '', mobile: '12345', email: 'not-an-email', phone: 'abc', source: 'billboard' });
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(expect.arrayContaining(['name', 'mobile', 'email', 'phone', 'source']));
    const en = await t.request(repA, { method: 'POST', url: '/api/v1/leads', payload: { name: '李雷', email: 'x@' }, headers: { 'accept-language': 'zh-CN' } });
    expect(en.json().error.details[0]).toMatchObject({ path: 'email' });
  });

  it('keeps reps to their own leads: another rep gets 404 and never sees them in lists or totals', async () => {
    const lead = await newLead(repA, { name: '王芳', mobile: '13900139000' });
    expect((await get(repB, `/api/v1/leads/${lead.id}`)).statusCode).toBe(404);
    expect((await t.request(repB, { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { notes: 'x', version: 1 } })).statusCode).toBe(404);
    expect((await post(repB, `/api/v1/leads/${lead.id}/follow-ups`, { channel: 'phone', summary: '偷看' })).statusCode).toBe(404);
    expect((await get(repB, `/api/v1/leads/${lead.id}/duplicates`)).statusCode).toBe(404);
    const listB = (await get(repB, '/api/v1/leads')).json();
    expect(listB.data.map((l: { id: number }) => l.id)).not.toContain(lead.id);
    const listA = (await get(repA, '/api/v1/leads?filter[ownerId]=me')).json();
    expect(listA.data.map((l: { id: number }) => l.id)).toContain(lead.id);
    expect(listA.total).toBe(listA.data.length);
    // A rep may not create leads for others or into the pool.
    expect((await post(repA, '/api/v1/leads', { name: '给别人', ownerId: repB.userId })).statusCode).toBe(403);
  });

  it('filters by status, source and text, and pages with a cursor', async () => {
    const s = await t.userWithRole('sales');
    for (const [i, source] of (['referral', 'campaign', 'referral'] as const).entries()) await newLead(s, { name: `筛选${i}`, companyName: `宁波海曙${i}号贸易`, source });
    const referral = (await get(s, '/api/v1/leads?filter[source]=referral')).json();
    expect(referral.total).toBe(2);
    const q = (await get(s, `/api/v1/leads?q=${encodeURIComponent('海曙1号')}`)).json();
    expect(q.data.map((l: { name: string }) => l.name)).toEqual(['筛选1']);
    const bad = await get(s, '/api/v1/leads?filter[status]=won');
    expect(bad.statusCode).toBe(400);
    expect(paths(bad.body)).toEqual(['filter[status]']);
    const page1 = (await get(s, '/api/v1/leads?limit=2&sort=name')).json();
    const page2 = (await get(s, `/api/v1/leads?limit=2&sort=name&cursor=${page1.nextCursor}`)).json();
    expect([...page1.data, ...page2.data].map((l: { name: string }) => l.name)).toEqual(['筛选0', '筛选1', '筛选2']);
    expect(page2.nextCursor).toBeNull();
  });
});

describe('lead status and follow-ups', () => {
  it('the first follow-up marks a new lead contacted and a next date makes a reminder task', async () => {
    const lead = await newLead(repA, { name: '陈静', companyName: '苏州工业园区星辰电子' });
    const res = await post(repA, `/api/v1/leads/${lead.id}/follow-ups`, { channel: 'phone', summary: '首次电话，了解需求', occurredAt: '2026-03-02T02:00:00.000Z', nextFollowUpAt: '2026-03-05T02:00:00.000Z' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ leadId: lead.id, customerId: null, authorId: repA.userId });
    const after = (await get(repA, `/api/v1/leads/${lead.id}`)).json();
    expect(after).toMatchObject({ status: 'contacted', lastActivityAt: '2026-03-02T02:00:00.000Z' });
    const tasks = await t.database.rows<{ kind: string; assignee_id: number; source_key: string; related_type: string; related_id: number }>(sql`select kind, assignee_id, source_key, related_type, related_id from tasks where source_key = ${`follow_up:${res.json().id}`}`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'follow_up', related_type: 'lead' });
    expect(Number(tasks[0]!.related_id)).toBe(lead.id);
    expect(Number(tasks[0]!.assignee_id)).toBe(repA.userId);
    const list = (await get(repA, `/api/v1/leads/${lead.id}/follow-ups`)).json();
    expect(list.total).toBe(1);
    expect(list.data[0].summary).toBe('首次电话，了解需求');
    // Lead follow-ups are not customer follow-ups: the customer API never lists them.
    expect((await get(repA, '/api/v1/follow-ups')).json().data.map((f: { id: number }) => f.id)).not.toContain(res.json().id);
  });

  it('qualifies, disqualifies only with a reason, and refuses impossible moves', async () => {
    const lead = await newLead(repA, { name: '刘洋' });
    const noReason = await post(repA, `/api/v1/leads/${lead.id}/status`, { status: 'disqualified', version: lead.version });
    expect(noReason.statusCode).toBe(400);
    expect(paths(noReason.body)).toEqual(['reason']);
    const dq = await post(repA, `/api/v1/leads/${lead.id}/status`, { status: 'disqualified', reason: '预算不足', version: lead.version });
    expect(dq.statusCode, dq.body).toBe(200);
    expect(dq.json()).toMatchObject({ status: 'disqualified', disqualifyReason: '预算不足' });
    const again = await post(repA, `/api/v1/leads/${lead.id}/status`, { status: 'disqualified', reason: '再次', version: dq.json().version });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0]).toMatchObject({ path: 'status', code: 'invalid_transition' });
    const q = await post(repA, `/api/v1/leads/${lead.id}/status`, { status: 'qualified', version: dq.json().version });
    expect(q.json()).toMatchObject({ status: 'qualified', disqualifyReason: null });
  });
});

describe('lead pool', () => {
  it('two reps claiming the same pool lead at once: exactly one wins', async () => {
    const lead = await newLead(admin, { name: '公海线索', companyName: '广州天河某公司', mobile: '13700137000', ownerId: null });
    expect(lead.ownerId).toBeNull();
    const pool = (await get(repA, '/api/v1/leads?filter[pool]=true')).json();
    const seen = pool.data.find((l: { id: number }) => l.id === lead.id);
    expect(seen.mobile).toBe('137****7000');
    // Reps cannot work a pool lead before claiming it.
    expect((await post(repA, `/api/v1/leads/${lead.id}/follow-ups`, { channel: 'phone', summary: '先跟进' })).statusCode).toBe(409);
    const results = await Promise.all([post(repA, `/api/v1/leads/${lead.id}/claim`), post(repB, `/api/v1/leads/${lead.id}/claim`)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const [row] = await t.database.rows<{ owner_id: number }>(sql`select owner_id from leads where id = ${lead.id}`);
    expect(Number(row!.owner_id)).toBe(winner.ownerId);
    expect(winner.mobile).toBe('13700137000');
    const claims = await t.database.rows(sql`select 1 from audit_log where entity = 'lead' and entity_id = ${String(lead.id)} and action = 'claim'`);
    expect(claims).toHaveLength(1);
  });

  it('releases to the pool, and assigning needs the assign permission', async () => {
    const lead = await newLead(repA, { name: '释放线索' });
    expect((await post(repA, `/api/v1/leads/${lead.id}/assign`, { ownerId: repB.userId })).statusCode).toBe(403);
    const released = await post(repA, `/api/v1/leads/${lead.id}/release`, { reason: '不是我负责的区域' });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ ownerId: null });
    const assigned = await post(admin, `/api/v1/leads/${lead.id}/assign`, { ownerId: repB.userId });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ ownerId: repB.userId });
    expect((await get(repB, `/api/v1/leads/${lead.id}`)).statusCode).toBe(200);
    // A manager whose scope does not reach the lead's owner does not see the lead at all.
    const toOutsider = await post(manager, `/api/v1/leads/${lead.id}/assign`, { ownerId: repA.userId });
    expect(toOutsider.statusCode).toBe(404);
  });

  it('the lead-pool-return job returns a neglected lead once, judged as of a date, and is idempotent', async () => {
    const rep = await t.userWithRole('sales');
    const stale = await newLead(rep, { name: '冷落的线索' });
    const worked = await newLead(rep, { name: '常跟进的线索' });
    const qualified = await newLead(rep, { name: '已确认的线索' });
    await post(rep, `/api/v1/leads/${qualified.id}/status`, { status: 'qualified', version: qualified.version });
    await t.database.db.execute(sql`update leads set owner_since = now() - interval '40 days', created_at = now() - interval '40 days' where id in (${stale.id}, ${worked.id}, ${qualified.id})`);
    await post(rep, `/api/v1/leads/${worked.id}/follow-ups`, { channel: 'wechat', summary: '微信沟通' });

    const first = await runJob(t.database, jobs['lead-pool-return']!);
    expect(first).toMatchObject({ status: 'succeeded', result: { returned: 1, returnAfterDays: 30 } });
    const rows = await t.database.rows<{ id: number; owner_id: number | null; previous_owner_id: number | null }>(sql`select id, owner_id, previous_owner_id from leads where id in (${stale.id}, ${worked.id}, ${qualified.id}) order by id`);
    expect(rows.map((r) => [Number(r.id), r.owner_id === null ? null : Number(r.owner_id)])).toEqual([
      [stale.id, null],
      [worked.id, rep.userId],
      [qualified.id, rep.userId],
    ]);
    expect(Number(rows[0]!.previous_owner_id)).toBe(rep.userId);
    const second = await runJob(t.database, jobs['lead-pool-return']!);
    expect(second).toMatchObject({ status: 'succeeded', result: { returned: 0 } });
    expect(await t.database.rows(sql`select 1 from audit_log where entity = 'lead' and entity_id = ${String(stale.id)} and action = 'return'`)).toHaveLength(1);

    // Judged 31 days ahead, the lead worked today is due as well; a shorter setting makes it sooner.
    const settings = (await get(admin, '/api/v1/lead-settings')).json();
    expect(settings.returnAfterDays).toBe(30);
    const changed = await t.request(admin, { method: 'PATCH', url: '/api/v1/lead-settings', payload: { returnAfterDays: 0, version: settings.version } });
    expect(changed.statusCode).toBe(400);
    expect(paths(changed.body)).toEqual(['returnAfterDays']);
    expect((await t.request(repA, { method: 'PATCH', url: '/api/v1/lead-settings', payload: { returnAfterDays: 5, version: settings.version } })).statusCode).toBe(403);
    const ahead = await runJob(t.database, jobs['lead-pool-return']!, { asOf: new Date(Date.now() + 31 * 86_400_000) });
    expect(ahead).toMatchObject({ status: 'succeeded' });
    const [w] = await t.database.rows<{ owner_id: number | null }>(sql`select owner_id from leads where id = ${worked.id}`);
    expect(w!.owner_id).toBeNull();
  });
});
