import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runJob, jobs } from '../jobs/run-job.js';
import { createTestContext, ADMIN, type Session, type TestContext } from '../test/test-app.js';
import { customerReferences } from './merge.service.js';

let t: TestContext;
let admin: Session;

async function call<T = Record<string, unknown>>(s: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, expected?: number): Promise<T> {
  const r = await t.request(s, { method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  if (expected !== undefined && r.statusCode !== expected) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
  return (r.body ? r.json() : null) as T;
}
type C = { id: number; version: number; name: string; mobile: string | null; email: string | null; tags: Array<{ id: number }>; collaborators: Array<{ id: number }> };
const customer = (s: Session, body: Record<string, unknown>) => call<C>(s, 'POST', '/api/v1/customers', { kind: 'organization', relationshipType: 'business', ...body }, 201);
const get = (s: Session, id: number) => call<C>(s, 'GET', `/api/v1/customers/${id}`, undefined, 200);

/** Everything that hangs on the given customers, table by table, as comparable rows. */
async function snapshot(ids: number[]) {
  const list = sql.join(ids.map((i) => sql`${i}`), sql`, `);
  const out: Record<string, unknown[]> = {};
  for (const ref of customerReferences) {
    if (ref.how === 'keep') continue;
    const col = sql.raw(ref.column);
    out[`${ref.table}.${ref.column}`] = await t.database.rows(sql`select to_jsonb(x) as r from ${sql.raw(ref.table)} x where ${col} in (${list}) order by to_jsonb(x)::text`);
  }
  out.customers = await t.database.rows(sql`select to_jsonb(c) - 'updated_at' - 'version' - 'updated_by' as r from customers c where id in (${list}) order by id`);
  return out;
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

describe('references to customers', () => {
  it('handles every column that points at a customer (a new table cannot be forgotten)', async () => {
    const found = await t.database.rows<{ t: string; c: string }>(sql`
      select kcu.table_name as t, kcu.column_name as c
      from information_schema.referential_constraints rc
      join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name and kcu.constraint_schema = rc.constraint_schema
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = rc.unique_constraint_name and ccu.constraint_schema = rc.unique_constraint_schema
      where ccu.table_name = 'customers' and kcu.table_schema = 'public'
      union
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name ~ 'customer_id$' and data_type in ('bigint', 'integer')`);
    const handled = new Set(customerReferences.map((r) => `${r.table}.${r.column}`));
    const missing = found.map((f) => `${f.t}.${f.c}`).filter((k) => !handled.has(k)).sort();
    expect(missing, 'add these to customerReferences in duplicates/merge.service.ts').toEqual([]);
    // and every registered column exists
    for (const r of customerReferences) {
      const [col] = await t.database.rows(sql`select 1 from information_schema.columns where table_schema = 'public' and table_name = ${r.table} and column_name = ${r.column}`);
      expect(col, `${r.table}.${r.column}`).toBeDefined();
    }
  });
});

describe('merging customers', () => {
  it('moves every related record to the survivor, records it, and undoes it exactly', async () => {
    const rep = await t.userWithRole('sales', { email: 'rep-merge@test.local' });
    const repId = rep.userId;
    const tagA = await call<{ id: number }>(admin, 'POST', '/api/v1/tags', { name: '合并甲' }, 201);
    const tagB = await call<{ id: number }>(admin, 'POST', '/api/v1/tags', { name: '合并乙' }, 201);
    const survivor = await customer(admin, { name: '杭州西湖科技有限公司', city: '杭州市', email: 'old@xihu.example', tagIds: [tagA.id] });
    const merged = await customer(admin, { name: '西湖科技', city: '杭州市', mobile: '13812345678', email: 'info@xihu.example', industry: '软件', tagIds: [tagA.id, tagB.id], ownerId: repId, collaboratorIds: [] });
    const contactS = await call<{ id: number }>(admin, 'POST', '/api/v1/contacts', { name: '张三', customers: [{ customerId: survivor.id, isPrimary: true }] }, 201);
    const contactM = await call<{ id: number }>(admin, 'POST', '/api/v1/contacts', { name: '李四', customers: [{ customerId: merged.id, isPrimary: true }] }, 201);
    const shared = await call<{ id: number }>(admin, 'POST', '/api/v1/contacts', { name: '王五', customers: [{ customerId: survivor.id }, { customerId: merged.id, title: '采购' }] }, 201);
    const fu = await call<{ id: number }>(admin, 'POST', '/api/v1/follow-ups', { customerId: merged.id, channel: 'phone', summary: '询价', occurredAt: '2030-01-02T03:04:05.000Z' }, 201);
    const task = await call<{ id: number }>(admin, 'POST', '/api/v1/tasks', { title: '回访', dueAt: '2030-02-01T00:00:00.000Z', customerId: merged.id }, 201);
    const opp = await call<{ id: number }>(admin, 'POST', '/api/v1/opportunities', { name: '年度采购', customerId: merged.id, ownerId: repId }, 201);
    await runJob(t.database, jobs['duplicates-scan']!);
    const [pair] = await t.database.rows<{ id: number }>(sql`select id from duplicate_candidates where customer_a_id = ${survivor.id} and customer_b_id = ${merged.id}`);
    expect(pair).toBeDefined();

    const s0 = await get(admin, survivor.id);
    const m0 = await get(admin, merged.id);
    const before = await snapshot([survivor.id, merged.id]);

    const merge = await call<{ id: number; changes: Record<string, { old: unknown; new: unknown }>; moved: Record<string, number> }>(admin, 'POST', '/api/v1/customers/merge', {
      survivorId: survivor.id,
      mergedIds: [merged.id],
      fields: { mobile: merged.id, email: merged.id, industry: merged.id, name: survivor.id },
      versions: { [survivor.id]: s0.version, [merged.id]: m0.version },
    }, 201);
    expect(merge.changes).toMatchObject({ mobile: { old: null, new: '13812345678' }, email: { old: 'old@xihu.example', new: 'info@xihu.example' }, industry: { old: null, new: '软件' } });
    expect(merge.moved).toMatchObject({ follow_ups: 1, tasks: 1, opportunities: 1, customer_contacts: 2, customer_tags: 2 });

    const s1 = await get(admin, survivor.id);
    expect(s1).toMatchObject({ name: '杭州西湖科技有限公司', mobile: '13812345678', email: 'info@xihu.example', industry: '软件' });
    expect(s1.tags.map((x) => x.id).sort()).toEqual([tagA.id, tagB.id].sort());
    // the merged record's owner keeps seeing it as a collaborator
    expect(s1.collaborators.map((x) => x.id)).toEqual([repId]);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/customers/${merged.id}` })).statusCode).toBe(404);
    const [m1] = await t.database.rows<{ merged_into: number; deleted_at: string | null }>(sql`select merged_into, deleted_at from customers where id = ${merged.id}`);
    expect(Number(m1!.merged_into)).toBe(survivor.id);
    expect(m1!.deleted_at).not.toBeNull();
    for (const [table, id] of [['follow_ups', fu.id], ['tasks', task.id], ['opportunities', opp.id]] as const) {
      const [row] = await t.database.rows<{ customer_id: number }>(sql`select customer_id from ${sql.raw(table)} where id = ${id}`);
      expect(Number(row!.customer_id), table).toBe(survivor.id);
    }
    const links = await t.database.rows<{ contact_id: number; is_primary: boolean; title: string | null }>(sql`select contact_id, is_primary, title from customer_contacts where customer_id = ${survivor.id} order by contact_id`);
    expect(links.map((l) => [Number(l.contact_id), l.is_primary])).toEqual([[contactS.id, true], [contactM.id, false], [shared.id, false]]);
    const [lastFu] = await t.database.rows<{ at: string }>(sql`select last_follow_up_at::text as at from customers where id = ${survivor.id}`);
    expect(lastFu!.at).toMatch(/^2030-01-02/);
    const [candidate] = await t.database.rows<{ status: string }>(sql`select status from duplicate_candidates where id = ${pair!.id}`);
    expect(candidate!.status).toBe('merged');
    // timeline and audit
    const timeline = await call<{ data: Array<{ type: string; data: { action?: string } }> }>(admin, 'GET', `/api/v1/customers/${survivor.id}/timeline`, undefined, 200);
    expect(timeline.data.some((i) => i.type === 'change' && i.data.action === 'merge')).toBe(true);
    const audit = await t.database.rows<{ entity_id: string; action: string }>(sql`select entity_id, action from audit_log where action in ('merge', 'merged_into') order by id`);
    expect(audit).toEqual([{ entity_id: String(survivor.id), action: 'merge' }, { entity_id: String(merged.id), action: 'merged_into' }]);
    const history = await call<{ data: Array<{ id: number; undoneAt: string | null }> }>(admin, 'GET', `/api/v1/customers/merges?filter[customerId]=${merged.id}`, undefined, 200);
    expect(history.data.map((h) => h.id)).toEqual([merge.id]);

    await call(admin, 'POST', `/api/v1/customers/merges/${merge.id}/undo`, undefined, 200);
    expect(await snapshot([survivor.id, merged.id])).toEqual(before);
    expect((await t.database.rows<{ status: string }>(sql`select status from duplicate_candidates where id = ${pair!.id}`))[0]!.status).toBe('open');
    const again = await t.request(admin, { method: 'POST', url: `/api/v1/customers/merges/${merge.id}/undo` });
    expect(again.statusCode).toBe(409);
  });

  it('touches the orders it moves, so the next incremental analytics run rescores the survivor (and the undo touches them again)', async () => {
    const survivor = await customer(admin, { name: '宁波甬江贸易', city: '宁波市' });
    const merged = await customer(admin, { name: '甬江贸易', city: '宁波市' });
    const product = await call<{ id: number }>(admin, 'POST', '/api/v1/products', { sku: 'MERGE-1', name: '样品', listPrice: '100.00' }, 201);
    const order = await call<{ id: number }>(admin, 'POST', '/api/v1/orders', { customerId: merged.id, lines: [{ productId: product.id, quantity: '1' }] }, 201);
    const stamp = async () => (await t.database.rows<{ customer_id: number; at: string }>(sql`select customer_id, updated_at::text as at from orders where id = ${order.id}`))[0]!;
    const o0 = await stamp();
    const s0 = await get(admin, survivor.id);
    const m0 = await get(admin, merged.id);
    const merge = await call<{ id: number }>(admin, 'POST', '/api/v1/customers/merge', {
      survivorId: survivor.id, mergedIds: [merged.id], fields: {}, versions: { [survivor.id]: s0.version, [merged.id]: m0.version },
    }, 201);
    const o1 = await stamp();
    expect(Number(o1.customer_id)).toBe(survivor.id);
    expect(o1.at > o0.at).toBe(true);
    await call(admin, 'POST', `/api/v1/customers/merges/${merge.id}/undo`, undefined, 200);
    const o2 = await stamp();
    expect(Number(o2.customer_id)).toBe(merged.id);
    expect(o2.at > o1.at).toBe(true);
  });

  it('refuses an undo that would overwrite a later edit, saying what changed', async () => {
    const a = await customer(admin, { name: '成都蜀锦贸易有限公司', city: '成都市' });
    const b = await customer(admin, { name: '蜀锦贸易', city: '成都市', industry: '批发' });
    const merge = await call<{ id: number }>(admin, 'POST', '/api/v1/customers/merge', { survivorId: a.id, mergedIds: [b.id], fields: { industry: b.id }, versions: { [a.id]: a.version, [b.id]: b.version } }, 201);
    const now = await get(admin, a.id);
    // an edit of a field the merge did not touch is no obstacle…
    const edited = await call<C>(admin, 'PATCH', `/api/v1/customers/${a.id}`, { source: '展会', version: now.version }, 200);
    // …one of a field it set is
    await call(admin, 'PATCH', `/api/v1/customers/${a.id}`, { industry: '零售', version: edited.version }, 200);
    const r = await t.request(admin, { method: 'POST', url: `/api/v1/customers/merges/${merge.id}/undo`, headers: { 'accept-language': 'en' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toContain('industry');
    expect(r.json().error.details).toEqual([{ path: 'industry', message: 'industry was changed after the merge', code: 'changed_since' }]);
  });

  it('keeps a rep from merging what they cannot see, or without delete permission, and refuses stale versions', async () => {
    const rep = await t.userWithRole('sales', { email: 'rep-merge2@test.local' });
    const mine = await customer(rep, { name: '我的客户甲' });
    const mine2 = await customer(rep, { name: '我的客户乙' });
    const other = await customer(admin, { name: '别人的客户' });
    const notVisible = await t.request(rep, { method: 'POST', url: '/api/v1/customers/merge', payload: { survivorId: mine.id, mergedIds: [other.id], versions: { [mine.id]: 1, [other.id]: 1 } } });
    expect(notVisible.statusCode).toBe(404);
    const ownMerge = await t.request(rep, { method: 'POST', url: '/api/v1/customers/merge', payload: { survivorId: mine.id, mergedIds: [mine2.id], versions: { [mine.id]: 1, [mine2.id]: 1 } } });
    // sales may edit but not delete customers, and a merge deletes the merged ones
    expect(ownMerge.statusCode).toBe(403);

    const x = await customer(admin, { name: '并发甲' });
    const y = await customer(admin, { name: '并发乙' });
    await call(admin, 'PATCH', `/api/v1/customers/${y.id}`, { notes: '别人刚改过', version: y.version }, 200);
    const stale = await t.request(admin, { method: 'POST', url: '/api/v1/customers/merge', payload: { survivorId: x.id, mergedIds: [y.id], versions: { [x.id]: x.version, [y.id]: y.version } } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { id: y.id, notes: '别人刚改过' } });
    const badField = await t.request(admin, { method: 'POST', url: '/api/v1/customers/merge', payload: { survivorId: x.id, mergedIds: [y.id], fields: { ownerId: y.id }, versions: { [x.id]: x.version, [y.id]: y.version + 1 } } });
    expect(badField.statusCode).toBe(400);
    expect(badField.json().error.details[0].path).toBe('fields.ownerId');
    const self = await t.request(admin, { method: 'POST', url: '/api/v1/customers/merge', payload: { survivorId: x.id, mergedIds: [x.id], versions: { [x.id]: x.version } } });
    expect(self.json().error.details[0].path).toBe('mergedIds');
  });
});
