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

type LeadJson = { id: number; version: number; status: string };
const post = (s: Session, url: string, payload?: unknown) => t.request(s, { method: 'POST', url, ...(payload === undefined ? {} : { payload }) });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });
async function qualifiedLead(s: Session, body: Record<string, unknown>): Promise<LeadJson> {
  const created = await post(s, '/api/v1/leads', body);
  expect(created.statusCode, created.body).toBe(201);
  const lead = created.json() as LeadJson;
  const q = await post(s, `/api/v1/leads/${lead.id}/status`, { status: 'qualified', version: lead.version });
  expect(q.statusCode, q.body).toBe(200);
  return q.json() as LeadJson;
}

describe('duplicate check', () => {
  it('finds customers by mobile, email and a similar company name, and contacts by channel, with the evidence', async () => {
    const byMobile = (await post(rep, '/api/v1/customers', { kind: 'individual', relationshipType: 'consumer', name: '周杰', mobile: '13812345678' })).json();
    const byName = (await post(rep, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: '杭州云帆科技有限公司' })).json();
    const byEmail = (await post(rep, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: '上海某贸易', email: 'buyer@yunfan.cn' })).json();
    const unrelated = (await post(rep, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: '北京无关公司' })).json();
    const hidden = (await post(otherRep, '/api/v1/customers', { kind: 'individual', relationshipType: 'consumer', name: '别人的客户', mobile: '13812345678' })).json();
    const contact = (await post(rep, '/api/v1/contacts', { name: '周杰', email: 'buyer@yunfan.cn', customers: [{ customerId: byEmail.id, isPrimary: true }] })).json();

    const lead = await qualifiedLead(rep, { name: '周杰', companyName: '云帆科技', mobile: '138 1234 5678', email: 'BUYER@yunfan.cn' });
    const res = await get(rep, `/api/v1/leads/${lead.id}/duplicates`);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as { customers: Array<{ id: number; evidence: Array<{ field: string; score?: number }> }>; contacts: Array<{ id: number; customers: Array<{ customerId: number }>; evidence: Array<{ field: string }> }> };
    const ids = d.customers.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([byMobile.id, byName.id, byEmail.id]));
    expect(ids).not.toContain(unrelated.id);
    // Data scope holds here too: another rep's customer with the same mobile is not shown.
    expect(ids).not.toContain(hidden.id);
    expect(d.customers.find((c) => c.id === byMobile.id)!.evidence.map((e) => e.field)).toEqual(['mobile']);
    expect(d.customers.find((c) => c.id === byEmail.id)!.evidence.map((e) => e.field)).toEqual(['email']);
    const nameHit = d.customers.find((c) => c.id === byName.id)!.evidence;
    expect(nameHit).toEqual([expect.objectContaining({ field: 'name', score: 1 })]);
    expect(d.contacts).toEqual([expect.objectContaining({ id: contact.id, customers: [expect.objectContaining({ customerId: byEmail.id })], evidence: [expect.objectContaining({ field: 'email' })] })]);
  });

  it('finds a similarly spelled company by trigram similarity', async () => {
    const s = await t.userWithRole('sales');
    const c = (await post(s, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: 'Acme Robotics Co., Ltd.' })).json();
    const lead = await qualifiedLead(s, { name: 'Tom', companyName: 'ACME Robotic Ltd' });
    const d = (await get(s, `/api/v1/leads/${lead.id}/duplicates`)).json();
    const hit = d.customers.find((x: { id: number }) => x.id === c.id);
    expect(hit?.evidence[0]).toMatchObject({ field: 'name' });
    expect(hit.evidence[0].score).toBeGreaterThan(0.3);
  });
});

describe('convert', () => {
  it('refuses a lead that is not qualified, with a clear 409', async () => {
    const lead = (await post(rep, '/api/v1/leads', { name: '未确认' })).json();
    const res = await post(rep, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'new' }, version: lead.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'status', code: 'not_qualified' }] });
    expect(res.json().error.message).toMatch(/合格|qualified/);
    const [row] = await t.database.rows<{ status: string }>(sql`select status from leads where id = ${lead.id}`);
    expect(row!.status).toBe('new');
  });

  it('makes a new customer, contact and opportunity in one step and keeps the lead’s history', async () => {
    const created = (await post(rep, '/api/v1/leads', { name: '孙丽', companyName: '成都锦江云端信息技术有限公司', title: 'IT 总监', mobile: '13600136000', email: 'sunli@jinjiang.cn', city: '成都市', source: 'referral' })).json();
    const f1 = await post(rep, `/api/v1/leads/${created.id}/follow-ups`, { channel: 'phone', summary: '电话沟通需求', occurredAt: '2026-02-01T02:00:00.000Z' });
    const f2 = await post(rep, `/api/v1/leads/${created.id}/follow-ups`, { channel: 'visit', summary: '上门演示', occurredAt: '2026-02-03T02:00:00.000Z', nextFollowUpAt: '2026-02-10T02:00:00.000Z' });
    expect(f2.statusCode, f2.body).toBe(201);
    const current = (await get(rep, `/api/v1/leads/${created.id}`)).json();
    const q = (await post(rep, `/api/v1/leads/${created.id}/status`, { status: 'qualified', version: current.version })).json();

    const res = await post(rep, `/api/v1/leads/${created.id}/convert`, {
      customer: { mode: 'new', industry: '软件和信息技术服务业' },
      createContact: true,
      opportunity: { name: '云端 CRM 项目', amount: '128000.50', expectedCloseDate: '2026-06-30' },
      version: q.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.lead).toMatchObject({ status: 'converted', convertedCustomerId: out.customerId, convertedContactId: out.contactId, convertedOpportunityId: out.opportunityId, convertedBy: rep.userId });
    expect(out.opportunityId).toEqual(expect.any(Number));

    const customer = (await get(rep, `/api/v1/customers/${out.customerId}`)).json();
    expect(customer).toMatchObject({ name: '成都锦江云端信息技术有限公司', kind: 'organization', relationshipType: 'business', ownerId: rep.userId, city: '成都市', industry: '软件和信息技术服务业', source: 'referral', lastFollowUpAt: '2026-02-03T02:00:00.000Z', nextFollowUpAt: '2026-02-10T02:00:00.000Z' });
    const contacts = (await get(rep, `/api/v1/customers/${out.customerId}/contacts`)).json();
    expect(contacts.data).toEqual([expect.objectContaining({ id: out.contactId, name: '孙丽', mobile: '13600136000', email: 'sunli@jinjiang.cn' })]);
    const [opp] = await t.database.rows<{ customer_id: number; owner_id: number; amount: string; lead_id: number | null }>(sql`select customer_id, owner_id, amount::text as amount, lead_id from opportunities where id = ${out.opportunityId}`);
    expect(opp).toMatchObject({ amount: '128000.50' });
    expect(Number(opp!.customer_id)).toBe(out.customerId);
    expect(Number(opp!.owner_id)).toBe(rep.userId);

    // History: the follow-ups now show on the customer, and the lead still lists them.
    const customerFollowUps = (await get(rep, `/api/v1/follow-ups?filter[customerId]=${out.customerId}`)).json();
    expect(customerFollowUps.data.map((f: { id: number }) => f.id).sort()).toEqual([f1.json().id, f2.json().id].sort());
    const leadFollowUps = (await get(rep, `/api/v1/leads/${created.id}/follow-ups`)).json();
    expect(leadFollowUps.data.map((f: { customerId: number }) => f.customerId)).toEqual([out.customerId, out.customerId]);
    const [task] = await t.database.rows<{ customer_id: number }>(sql`select customer_id from tasks where source_key = ${`follow_up:${f2.json().id}`}`);
    expect(Number(task!.customer_id)).toBe(out.customerId);

    const timeline = (await get(rep, `/api/v1/customers/${out.customerId}/timeline`)).json();
    const types = timeline.data.map((i: { type: string; data: { action?: string } }) => (i.type === 'change' ? `change:${i.data.action}` : i.type));
    expect(types).toEqual(expect.arrayContaining(['change:convert_lead', 'change:create', 'follow_up']));
    const convertItem = timeline.data.find((i: { data: { action?: string } }) => i.data.action === 'convert_lead');
    expect(convertItem.data.changes.lead.new).toMatchObject({ id: created.id, name: '孙丽', followUps: 2 });

    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'lead' and entity_id = ${String(created.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'status', 'status', 'convert']);
    // A converted lead is history: it no longer changes or converts again.
    const again = await post(rep, `/api/v1/leads/${created.id}/convert`, { customer: { mode: 'new' }, version: out.lead.version });
    expect(again.statusCode).toBe(409);
    expect((await t.request(rep, { method: 'PATCH', url: `/api/v1/leads/${created.id}`, payload: { notes: 'x', version: out.lead.version } })).statusCode).toBe(409);
  });

  it('attaches the lead to an existing customer the caller can see, and rolls everything back on a bad request', async () => {
    const existing = (await post(rep, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: '武汉光谷既有客户' })).json();
    const theirs = (await post(otherRep, '/api/v1/customers', { kind: 'organization', relationshipType: 'business', name: '别人的既有客户' })).json();
    const lead = await qualifiedLead(rep, { name: '赵强', companyName: '武汉光谷既有客户', mobile: '13500135000' });
    const customersBefore = await t.database.rows(sql`select id from customers`);

    const outside = await post(rep, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'existing', customerId: theirs.id }, version: lead.version });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details[0]).toMatchObject({ path: 'customer.customerId', code: 'not_found' });
    const badOpp = await post(rep, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'new' }, opportunity: { name: '机会', amount: '-5' }, version: lead.version });
    expect(badOpp.statusCode).toBe(400);
    expect(badOpp.json().error.details.map((d: { path: string }) => d.path)).toEqual(['opportunity.amount']);
    expect(await t.database.rows(sql`select id from customers`)).toHaveLength(customersBefore.length);

    const res = await post(rep, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'existing', customerId: existing.id }, createContact: true, version: lead.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ customerId: existing.id, opportunityId: null });
    expect(await t.database.rows(sql`select id from customers`)).toHaveLength(customersBefore.length);
    const contacts = (await get(rep, `/api/v1/customers/${existing.id}/contacts`)).json();
    expect(contacts.data).toEqual([expect.objectContaining({ name: '赵强', customers: [expect.objectContaining({ customerId: existing.id, isPrimary: true })] })]);
    const convertAudit = await t.database.rows(sql`select 1 from audit_log where entity = 'customer' and entity_id = ${String(existing.id)} and action = 'convert_lead'`);
    expect(convertAudit).toHaveLength(1);
  });

  it('an admin converts a rep’s lead: the customer goes to the lead’s owner', async () => {
    const lead = await qualifiedLead(rep, { name: '钱多多', mobile: '13300133000' });
    const res = await post(admin, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'new' }, createContact: false, version: lead.version });
    expect(res.statusCode, res.body).toBe(200);
    const customer = (await get(rep, `/api/v1/customers/${res.json().customerId}`)).json();
    expect(customer).toMatchObject({ kind: 'individual', relationshipType: 'consumer', name: '钱多多', mobile: '13300133000', ownerId: rep.userId });
    expect(res.json().contactId).toBeNull();
    expect((await post(otherRep, `/api/v1/leads/${lead.id}/convert`, { customer: { mode: 'new' }, version: 1 })).statusCode).toBe(404);
  });
});
