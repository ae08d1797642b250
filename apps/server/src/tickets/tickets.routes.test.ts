import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let teamA: number;
let teamB: number;
let managerA: Session;
let agentA1: Session;
let agentA2: Session;
let agentB: Session;
let sales: Session;
let customer: number;

function multipart(name: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = `----gx${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function create(session: Session, body: Record<string, unknown>) {
  const res = await t.request(session, { method: 'POST', url: '/api/v1/tickets', payload: { channel: 'phone', subject: '咨询', customerId: customer, ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const get = async (session: Session, id: number) => (await t.request(session, { method: 'GET', url: `/api/v1/tickets/${id}` })).json();
const step = (session: Session, id: number, body: Record<string, unknown>) => t.request(session, { method: 'POST', url: `/api/v1/tickets/${id}/steps`, payload: body });

beforeAll(async () => {
  t = await createTestContext({ dataDir: mkdtempSync(join(tmpdir(), 'gx-tickets-')) });
  admin = await t.login(ADMIN.email, ADMIN.password);
  managerA = await t.userWithRole('manager');
  const [a] = await t.database.rows<{ id: number }>(sql`insert into departments (name, manager_id) values ('客服A组', ${managerA.userId}) returning id`);
  const [b] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('客服B组') returning id`);
  teamA = Number(a!.id);
  teamB = Number(b!.id);
  await t.database.db.execute(sql`update users set department_id = ${teamA} where id = ${managerA.userId}`);
  agentA1 = await t.userWithRole('service', { departmentId: teamA, managerId: managerA.userId });
  agentA2 = await t.userWithRole('service', { departmentId: teamA, managerId: managerA.userId });
  agentB = await t.userWithRole('service', { departmentId: teamB });
  sales = await t.userWithRole('sales');
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, importance, owner_id) values ('individual', 'consumer', '王芳', 'important', ${sales.userId}) returning id`);
  customer = Number(c!.id);
});
afterAll(async () => t.close());

describe('tickets', () => {
  it('validates input, naming the field', async () => {
    const none = await t.request(agentA1, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', channel: 'phone', subject: 'x' } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].path).toBe('customerId');
    const sub = await t.request(agentA1, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', subtype: 'repair', channel: 'phone', subject: 'x', callerName: '某人' } });
    expect(sub.json().error.details[0].path).toBe('subtype');
    const missing = await t.request(agentA1, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', channel: 'phone', subject: 'x', customerId: 999999 } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('customerId');
    expect((await t.request(sales, { method: 'POST', url: '/api/v1/tickets', payload: { type: 'inquiry', channel: 'phone', subject: 'x', customerId: customer } })).statusCode).toBe(403);
  });

  it('takes an unknown caller and links the customer later, re-picking the SLA policy', async () => {
    await t.request(admin, { method: 'POST', url: '/api/v1/sla-policies', payload: { name: 'important', importance: 'important', firstResponseMinutes: 60, resolutionMinutes: 600 } });
    const tk = await create(agentA1, { type: 'inquiry', customerId: null, callerName: '陌生来电', callerPhone: '13800000000' });
    expect(tk.number).toMatch(/^T\d{8}\d{6}$/);
    expect(tk.teamId).toBe(teamA);
    expect(tk.sla.policyId).toBeNull();
    const linked = await t.request(agentA1, { method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { customerId: customer, version: tk.version } });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().sla.customerTier).toBe('important');
    expect(linked.json().sla.policyId).not.toBeNull();
    const stale = await t.request(agentA1, { method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { subject: 'y', version: tk.version } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect(stale.json().error.current.customerId).toBe(customer);
  });

  it('routes by rules: round robin in a team, least recently assigned first', async () => {
    const rule = await t.request(admin, { method: 'POST', url: '/api/v1/ticket-assignment-rules', payload: { name: '售后到A组', matchType: 'after_sales', strategy: 'round_robin', teamId: teamA } });
    expect(rule.statusCode, rule.body).toBe(201);
    const got: number[] = [];
    // everyone in team A who may work tickets takes a turn: the two agents and their manager
    for (let i = 0; i < 4; i++) got.push((await create(agentB, { type: 'after_sales', subtype: 'repair', subject: `维修 ${i}` })).assigneeId);
    expect(new Set(got.slice(0, 3))).toEqual(new Set([agentA1.userId, agentA2.userId, managerA.userId]));
    expect(got[3]).toBe(got[0]);
    const owner = await t.request(admin, { method: 'POST', url: '/api/v1/ticket-assignment-rules', payload: { name: '建议给客户负责人', matchType: 'suggestion', strategy: 'customer_owner' } });
    expect(owner.statusCode).toBe(201);
    expect((await create(agentA1, { type: 'suggestion' })).assigneeId).toBe(sales.userId);
    const bad = await t.request(admin, { method: 'POST', url: '/api/v1/ticket-assignment-rules', payload: { name: 'x', strategy: 'round_robin' } });
    expect(bad.json().error.details[0].path).toBe('teamId');
  });

  it('keeps each team to its tickets (404 outside scope) and fills the queues', async () => {
    const a = await create(agentA1, { type: 'inquiry', assigneeId: agentA1.userId });
    const unassigned = await create(agentA1, { type: 'inquiry', teamId: teamA });
    expect(unassigned.assigneeId).toBeNull();
    expect((await t.request(agentB, { method: 'GET', url: `/api/v1/tickets/${a.id}` })).statusCode).toBe(404);
    expect((await t.request(agentB, { method: 'POST', url: `/api/v1/tickets/${a.id}/replies`, payload: { direction: 'outbound', body: 'x' } })).statusCode).toBe(404);
    expect((await t.request(agentA2, { method: 'GET', url: `/api/v1/tickets/${a.id}` })).statusCode).toBe(200);
    const ids = async (s: Session, q: string) => ((await t.request(s, { method: 'GET', url: `/api/v1/tickets?${q}&limit=200` })).json().data as Array<{ id: number }>).map((x) => x.id);
    expect(await ids(agentA1, 'filter[queue]=mine')).toContain(a.id);
    expect(await ids(agentA2, 'filter[queue]=mine')).not.toContain(a.id);
    expect(await ids(agentA2, 'filter[queue]=team')).toContain(a.id);
    expect(await ids(agentA2, 'filter[queue]=unassigned')).toContain(unassigned.id);
    expect(await ids(agentB, 'filter[queue]=team')).not.toContain(a.id);
    expect(await ids(agentB, '')).not.toContain(unassigned.id);
    // keyset pages walk the whole list once
    const all = await ids(admin, 'sort=-priority');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: number }>; nextCursor: string | null } = (await t.request(admin, { method: 'GET', url: `/api/v1/tickets?sort=-priority&limit=2${cursor ? `&cursor=${cursor}` : ''}` })).json();
      seen.push(...page.data.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    // the customer's owner (a sales rep) sees its tickets on the customer's timeline
    const timeline = await t.request(sales, { method: 'GET', url: `/api/v1/customers/${customer}/timeline?filter[type]=ticket` });
    expect(timeline.statusCode, timeline.body).toBe(200);
    expect((timeline.json().data as Array<{ data: { ticketId: number } }>).map((i) => i.data.ticketId)).toContain(a.id);
  });

  it('first outbound reply is the first response; internal notes are not', async () => {
    const tk = await create(agentA1, { type: 'inquiry', assigneeId: agentA1.userId });
    await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'internal', body: '内部备注' } });
    expect((await get(agentA1, tk.id)).sla.firstRespondedAt).toBeNull();
    const r = await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'outbound', body: '您好' } });
    expect(r.statusCode).toBe(201);
    const after = await get(agentA1, tk.id);
    expect(after.sla.firstRespondedAt).not.toBeNull();
    expect(after.sla.firstResponse).toBe('achieved');
    expect(after.status).toBe('open');
    expect(after.replies.map((x: { direction: string }) => x.direction)).toEqual(['internal', 'outbound']);
    const future = await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'outbound', body: 'x', at: '2099-01-01T00:00:00Z' } });
    expect(future.json().error.details[0].path).toBe('at');
    const bad = await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/status`, payload: { status: 'new', version: after.version } });
    expect(bad.statusCode).toBe(409);
  });
});

describe('the complaint workflow (投诉处理)', () => {
  it('enforces the order, asks a manager above the compensation limit, and closes after the return visit', async () => {
    const tk = await create(agentA1, { type: 'complaint', assigneeId: agentA1.userId, subject: '送货延误' });
    expect(tk.complaintStage).toBe('received');
    expect(tk.nextSteps).toEqual(['recorded']);
    const early = await step(agentA1, tk.id, { step: 'judged', validity: 'valid', reason: '属实', version: tk.version });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain('recorded');
    expect(early.json().error.details[0]).toMatchObject({ path: 'step', code: 'out_of_order' });
    const noPoints = await step(agentA1, tk.id, { step: 'recorded', keyPoints: [], version: tk.version });
    expect(noPoints.json().error.details[0].path).toBe('keyPoints');
    // a complaint does not skip its workflow through the status endpoint
    expect((await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/status`, payload: { status: 'resolved', version: tk.version } })).statusCode).toBe(409);

    let cur = (await step(agentA1, tk.id, { step: 'recorded', keyPoints: ['迟到三天', '要求赔偿'], version: tk.version })).json();
    expect(cur.status).toBe('open');
    const stale = await step(agentA1, tk.id, { step: 'judged', validity: 'valid', reason: '属实', version: tk.version });
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    cur = (await step(agentA1, tk.id, { step: 'judged', validity: 'valid', reason: '物流记录证实', rootCause: 'delivery', version: cur.version })).json();
    expect(cur.rootCause).toBe('delivery');
    const badMoney = await step(agentA1, tk.id, { step: 'solution_proposed', solution: '补偿', compensation: '12.345', version: cur.version });
    expect(badMoney.json().error.details[0].path).toBe('compensation');
    cur = (await step(agentA1, tk.id, { step: 'solution_proposed', solution: '退运费并补偿', compensation: '800.00', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['solution_approved', 'solution_rejected']);
    // the agent (and a colleague) may not approve; the assignee's manager may
    const self = await step(agentA1, tk.id, { step: 'solution_approved', version: cur.version });
    expect(self.statusCode).toBe(403);
    expect((await step(agentA2, tk.id, { step: 'solution_approved', version: cur.version })).statusCode).toBe(403);
    cur = (await step(managerA, tk.id, { step: 'solution_rejected', reason: '金额过高', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['solution_proposed']);
    cur = (await step(agentA1, tk.id, { step: 'solution_proposed', solution: '退运费', compensation: '500', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['carried_out']);
    cur = (await step(agentA1, tk.id, { step: 'carried_out', note: '已退款', version: cur.version })).json();
    expect(cur.status).toBe('resolved');
    expect(cur.sla.resolvedAt).not.toBeNull();
    expect(cur.nextSteps).toEqual(['visited']);
    expect((await step(agentA1, tk.id, { step: 'closed', version: cur.version })).statusCode).toBe(409);

    // the return visit was scheduled with a task; completing it records the visited step
    const visits = (await t.request(agentA1, { method: 'GET', url: `/api/v1/return-visits?filter[ticketId]=${tk.id}` })).json();
    expect(visits.data).toHaveLength(1);
    const visit = visits.data[0];
    expect(visit.assigneeId).toBe(agentA1.userId);
    const [task] = await t.database.rows<{ kind: string }>(sql`select kind from tasks where source_key = ${`return_visit:${visit.id}`}`);
    expect(task?.kind).toBe('return_visit');
    const outOfRange = await t.request(agentA1, { method: 'POST', url: `/api/v1/return-visits/${visit.id}/complete`, payload: { satisfaction: 6, wouldRecommend: 11, version: visit.version } });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['satisfaction', 'wouldRecommend']);
    const done = await t.request(agentA1, { method: 'POST', url: `/api/v1/return-visits/${visit.id}/complete`, payload: { satisfaction: 4, wouldRecommend: 9, comment: '处理及时', version: visit.version } });
    expect(done.statusCode, done.body).toBe(200);
    cur = await get(agentA1, tk.id);
    expect(cur.complaintStage).toBe('visited');
    expect(cur.steps.at(-1).data).toMatchObject({ satisfaction: 4, wouldRecommend: 9, returnVisitId: visit.id });
    cur = (await step(agentA1, tk.id, { step: 'closed', version: cur.version })).json();
    expect(cur.status).toBe('closed');
    // a new complaint about the same matter reopens it, and the workflow resumes at recording
    cur = (await step(agentA1, tk.id, { step: 'reopened', reason: '问题再次出现', version: cur.version })).json();
    expect(cur.status).toBe('open');
    expect(cur.sla.resolvedAt).toBeNull();
    expect(cur.nextSteps).toEqual(['recorded']);
    const all = await get(agentA1, tk.id);
    expect(all.steps.map((s: { step: string }) => s.step)).toEqual([
      'received', 'recorded', 'judged', 'solution_proposed', 'solution_rejected', 'solution_proposed', 'carried_out', 'visited', 'closed', 'reopened',
    ]);
    // each step is on the customer's timeline, and in the audit log
    const timeline = (await t.request(admin, { method: 'GET', url: `/api/v1/customers/${customer}/timeline?filter[type]=ticket&limit=100` })).json();
    const actions = (timeline.data as Array<{ data: { ticketId: number; action: string } }>).filter((i) => i.data.ticketId === tk.id).map((i) => i.data.action);
    expect(actions).toContain('judged');
    expect(actions).toContain('created');
    const audit = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where entity = 'ticket' and entity_id = ${String(tk.id)} and action like 'step_%'`);
    expect(audit[0]!.n).toBe(9);
  });

  it('closes an invalid complaint (不成立) right after judging', async () => {
    const tk = await create(agentA1, { type: 'complaint', assigneeId: agentA1.userId });
    let cur = (await step(agentA1, tk.id, { step: 'recorded', keyPoints: ['称收到错货'], version: tk.version })).json();
    cur = (await step(agentA1, tk.id, { step: 'judged', validity: 'invalid', reason: '签收照片显示正确', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['closed']);
    expect((await step(agentA1, tk.id, { step: 'solution_proposed', solution: 'x', version: cur.version })).statusCode).toBe(409);
    cur = (await step(agentA1, tk.id, { step: 'closed', version: cur.version })).json();
    expect(cur.status).toBe('closed');
  });

  it('lets the compensation threshold be configured', async () => {
    const s = (await t.request(admin, { method: 'GET', url: '/api/v1/service-settings' })).json();
    expect(s.compensationApprovalThreshold).toBe('500.00');
    const up = await t.request(admin, { method: 'PATCH', url: '/api/v1/service-settings', payload: { compensationApprovalThreshold: '100', version: s.version } });
    expect(up.statusCode, up.body).toBe(200);
    const tk = await create(agentA1, { type: 'complaint', assigneeId: agentA1.userId });
    let cur = (await step(agentA1, tk.id, { step: 'recorded', keyPoints: ['a'], version: tk.version })).json();
    cur = (await step(agentA1, tk.id, { step: 'judged', validity: 'valid', reason: 'b', version: cur.version })).json();
    cur = (await step(agentA1, tk.id, { step: 'solution_proposed', solution: 'c', compensation: '100.01', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['solution_approved', 'solution_rejected']);
    cur = (await step(managerA, tk.id, { step: 'solution_approved', version: cur.version })).json();
    expect(cur.nextSteps).toEqual(['carried_out']);
  });

  it('tells the approvers, and never lets the proposer approve their own compensation, whatever their scope', async () => {
    const tk = await create(agentA1, { type: 'complaint', assigneeId: agentA1.userId });
    let cur = (await step(managerA, tk.id, { step: 'recorded', keyPoints: ['a'], version: tk.version })).json();
    cur = (await step(managerA, tk.id, { step: 'judged', validity: 'valid', reason: 'b', version: cur.version })).json();
    // the manager proposes this time: the approval must come from someone else (here the admin)
    cur = (await step(managerA, tk.id, { step: 'solution_proposed', solution: 'c', compensation: '900.00', version: cur.version })).json();
    const own = await step(managerA, tk.id, { step: 'solution_approved', version: cur.version });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain('由您提出');
    expect((await step(admin, tk.id, { step: 'solution_approved', version: cur.version })).statusCode).toBe(200);

    const tk2 = await create(agentA1, { type: 'complaint', assigneeId: agentA1.userId });
    let c2 = (await step(agentA1, tk2.id, { step: 'recorded', keyPoints: ['a'], version: tk2.version })).json();
    c2 = (await step(agentA1, tk2.id, { step: 'judged', validity: 'valid', reason: 'b', version: c2.version })).json();
    await step(agentA1, tk2.id, { step: 'solution_proposed', solution: 'c', compensation: '900.00', version: c2.version });
    const [n] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from notifications where kind = 'complaint_approval' and user_id = ${managerA.userId} and link = ${`/tickets/${tk2.id}`}`);
    expect(n!.n).toBe(1);
  });
});

describe('attachments', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
  it('stores an image and serves it as a download with safe headers', async () => {
    const tk = await create(agentA1, { type: 'after_sales', subtype: 'return', assigneeId: agentA1.userId });
    const up = await t.request(agentA1, { method: 'POST', url: `/api/v1/tickets/${tk.id}/attachments`, ...multipart('坏了.png', png, 'image/png') });
    expect(up.statusCode, up.body).toBe(201);
    const a = up.json();
    expect(a).toMatchObject({ contentType: 'image/png', sizeBytes: png.length });
    const dl = await t.request(agentA1, { method: 'GET', url: `/api/v1/tickets/${tk.id}/attachments/${a.id}` });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(String(dl.headers['content-disposition'])).toMatch(/^attachment; filename="__\.png"; filename\*=UTF-8''%E5%9D%8F%E4%BA%86\.png$/);
    expect(dl.rawPayload.equals(png)).toBe(true);
    expect((await t.request(agentB, { method: 'GET', url: `/api/v1/tickets/${tk.id}/attachments/${a.id}` })).statusCode).toBe(404);
    expect((await get(agentA1, tk.id)).attachments).toHaveLength(1);
  });

  it('refuses HTML or a program disguised as .png, a mismatched extension, and oversized files', async () => {
    const tk = await create(agentA1, { type: 'inquiry', assigneeId: agentA1.userId });
    const url = `/api/v1/tickets/${tk.id}/attachments`;
    const html = await t.request(agentA1, { method: 'POST', url, ...multipart('photo.png', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png') });
    expect(html.statusCode).toBe(415);
    expect(html.json().error.details[0].path).toBe('file');
    const exe = await t.request(agentA1, { method: 'POST', url, ...multipart('photo.png', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]), 'image/png') });
    expect(exe.statusCode).toBe(415);
    const svg = await t.request(agentA1, { method: 'POST', url, ...multipart('x.txt', Buffer.from('  <svg onload="alert(1)"></svg>')) });
    expect(svg.statusCode).toBe(415);
    const mismatch = await t.request(agentA1, { method: 'POST', url, ...multipart('report.pdf', png) });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.details[0].code).toBe('type_mismatch');
    const big = await t.request(agentA1, { method: 'POST', url, ...multipart('big.png', Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024, 1)])) });
    expect(big.statusCode).toBe(413);
    const txt = await t.request(agentA1, { method: 'POST', url, ...multipart('log.txt', Buffer.from('错误代码 E42\n')) });
    expect(txt.statusCode, txt.body).toBe(201);
    expect(txt.json().contentType).toBe('text/plain; charset=utf-8');
  });
});
