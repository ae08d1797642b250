import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';

let t: TestContext;
let admin: Session;
let owner: Session;
let ruleId: number;
const c: Record<string, number> = {};

async function ownedCustomer(name: string, o: { ownerDays: number; followUpDays?: number; importance?: string; dealDays?: number }): Promise<number> {
  const [row] = await t.database.rows<{ id: number }>(sql`
    insert into customers (kind, relationship_type, name, importance, owner_id, owner_since, last_follow_up_at, last_deal_at)
    values ('individual', 'consumer', ${name}, ${o.importance ?? 'ordinary'}, ${owner.userId}, now() - ${o.ownerDays}::int * interval '1 day',
            ${o.followUpDays === undefined ? null : sql`now() - ${o.followUpDays}::int * interval '1 day'`},
            ${o.dealDays === undefined ? null : sql`now() - ${o.dealDays}::int * interval '1 day'`})
    returning id`);
  return Number(row!.id);
}
const ownerOf = async (id: number) => (await t.database.rows<{ owner_id: number | null }>(sql`select owner_id from customers where id = ${id}`))[0]!.owner_id;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  owner = await t.userWithRole('sales');
  const rule = await t.request(admin, {
    method: 'POST',
    url: '/api/v1/pool-rules',
    payload: { name: '30 天未跟进', kind: 'no_follow_up', days: { default: 30, important: 45 }, warnDays: 3, exempt: { importance: ['vip'] } },
  });
  expect(rule.statusCode).toBe(201);
  ruleId = rule.json().id;
  c.neglected = await ownedCustomer('久未跟进', { ownerDays: 100, followUpDays: 35 });
  c.neverFollowed = await ownedCustomer('从未跟进', { ownerDays: 31 });
  c.vip = await ownedCustomer('贵宾客户', { ownerDays: 100, followUpDays: 90, importance: 'vip' });
  c.important = await ownedCustomer('重要客户', { ownerDays: 100, followUpDays: 40, importance: 'important' });
  c.recent = await ownedCustomer('近期跟进', { ownerDays: 100, followUpDays: 10 });
  c.newlyClaimed = await ownedCustomer('新领取', { ownerDays: 5, followUpDays: 60 });
  c.soon = await ownedCustomer('即将到期', { ownerDays: 100, followUpDays: 28 });
});
afterAll(() => t.close());

describe('pool return job', () => {
  it('returns customers neglected past the rule and leaves exempt and recent ones alone', async () => {
    const outcome = await runJob(t.database, jobs['pool-return']!);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.status === 'succeeded' && outcome.result).toMatchObject({ returned: 2, warned: 1 });
    expect(await ownerOf(c.neglected!)).toBeNull();
    expect(await ownerOf(c.neverFollowed!)).toBeNull();
    for (const kept of [c.vip, c.important, c.recent, c.newlyClaimed, c.soon]) expect(await ownerOf(kept!)).toBe(owner.userId);
    const [row] = await t.database.rows<{ previous_owner_id: number; pool_since: Date | null; released_at: Date | null; version: number }>(
      sql`select previous_owner_id, pool_since, released_at, version from customers where id = ${c.neglected!}`,
    );
    expect(row).toMatchObject({ previous_owner_id: owner.userId, version: 2 });
    expect(row!.pool_since).not.toBeNull();
    expect(row!.released_at).not.toBeNull();
  });

  it('writes the return to the timeline with the rule that fired, and to the audit log', async () => {
    const events = await t.database.rows<{ kind: string; from_user_id: number; data: { ruleId: number; ruleName: string; days: number } }>(
      sql`select kind, from_user_id, data from customer_events where customer_id = ${c.neglected!}`,
    );
    expect(events).toEqual([{ kind: 'returned', from_user_id: owner.userId, data: expect.objectContaining({ ruleId, ruleName: '30 天未跟进', days: 30 }) }]);
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'customer' and entity_id = ${String(c.neglected!)}`);
    expect(audit.map((a) => a.action)).toEqual(['return']);
  });

  it('warns the owner once, D days before the return, as a reminder', async () => {
    const warnings = await t.database.rows<{ customer_id: number; assignee_id: number; source_key: string }>(
      sql`select customer_id, assignee_id, source_key from tasks where kind = 'pool_warning'`,
    );
    expect(warnings).toEqual([{ customer_id: c.soon!, assignee_id: owner.userId, source_key: expect.stringMatching(new RegExp(`^pool_warning:${ruleId}:${c.soon!}:`)) }]);
    const reminders = (await t.request(owner, { method: 'GET', url: '/api/v1/home/reminders' })).json();
    const upcoming = reminders.counts.upcoming + reminders.counts.dueToday;
    expect(upcoming).toBeGreaterThanOrEqual(1);
  });

  it('is idempotent: a second run returns and warns nothing more, and both runs are in job_runs', async () => {
    const second = await runJob(t.database, jobs['pool-return']!);
    expect(second.status === 'succeeded' && second.result).toMatchObject({ returned: 0, warned: 0 });
    const [tasks] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from tasks where kind = 'pool_warning'`);
    expect(tasks!.n).toBe(1);
    const [events] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customer_events where kind = 'returned'`);
    expect(events!.n).toBe(2);
    const runs = await t.database.rows<{ status: string; result: { returned: number } }>(sql`select status, result from job_runs where job = 'pool-return' order by id`);
    expect(runs.map((r) => [r.status, r.result.returned])).toEqual([
      ['succeeded', 2],
      ['succeeded', 0],
    ]);
  });

  it('a run that finds the lock taken by another instance is recorded as skipped', async () => {
    const job = jobs['pool-return']!;
    const inner = await t.database.withAdvisoryLock(job.lockKey, false, () => runJob(t.database, job));
    expect(inner.acquired && inner.value.status).toBe('skipped');
  });

  it('returns the warned customer once its time is up, and closes the warning', async () => {
    await t.database.db.execute(sql`update customers set last_follow_up_at = now() - interval '31 days' where id = ${c.soon!}`);
    const run = await runJob(t.database, jobs['pool-return']!);
    expect(run.status === 'succeeded' && run.result).toMatchObject({ returned: 1 });
    const [task] = await t.database.rows<{ done_at: Date | null }>(sql`select done_at from tasks where kind = 'pool_warning' and customer_id = ${c.soon!}`);
    expect(task!.done_at).not.toBeNull();
  });

  it('a no-deal rule returns customers without a deal since receipt', async () => {
    const rule = await t.request(admin, { method: 'POST', url: '/api/v1/pool-rules', payload: { name: '90 天未成交', kind: 'no_deal', days: { default: 90 }, warnDays: 0 } });
    expect(rule.statusCode).toBe(201);
    const noDeal = await ownedCustomer('未成交', { ownerDays: 95, followUpDays: 1 });
    const dealt = await ownedCustomer('已成交', { ownerDays: 95, followUpDays: 1, dealDays: 20 });
    await runJob(t.database, jobs['pool-return']!);
    expect(await ownerOf(noDeal)).toBeNull();
    expect(await ownerOf(dealt)).toBe(owner.userId);
    const [event] = await t.database.rows<{ data: { ruleKind: string } }>(sql`select data from customer_events where customer_id = ${noDeal}`);
    expect(event!.data.ruleKind).toBe('no_deal');
  });

  it('a rule exempting customers with open deals keeps those, and returns them once the deal is closed', async () => {
    const rule = await t.request(admin, {
      method: 'POST',
      url: '/api/v1/pool-rules',
      payload: { name: '60 天未跟进（有商机除外）', kind: 'no_follow_up', days: { default: 60 }, warnDays: 0, exempt: { withOpenDeals: true } },
    });
    expect(rule.statusCode).toBe(201);
    // VIP and a recent deal keep the earlier rules out of it: only the new rule applies
    const withDeal = await ownedCustomer('有在谈商机', { ownerDays: 200, followUpDays: 70, importance: 'vip', dealDays: 10 });
    const res = await t.request(owner, { method: 'POST', url: '/api/v1/opportunities', payload: { name: '年度采购', customerId: withDeal, amount: '50000.00' } });
    expect(res.statusCode).toBe(201);
    await runJob(t.database, jobs['pool-return']!);
    expect(await ownerOf(withDeal)).toBe(owner.userId);
    await t.database.db.execute(sql`update opportunities set closed_at = now() where customer_id = ${withDeal}`);
    await runJob(t.database, jobs['pool-return']!);
    expect(await ownerOf(withDeal)).toBeNull();
  });
});
