import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { defaultAnalyticsSettings, type AnalyticsSettings } from '@guanxi/contracts';
import { createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';
import { COOL_OFF_DAYS, syncCustomerWarnings, type SyncResult } from './warnings.service.js';
import { refreshAnalytics } from './refresh-analytics.js';
import { recommendAction } from './recommend-action.js';

let t: TestContext;
let rep: Session;
let rep2: Session;

const settings = (w: Partial<AnalyticsSettings['warnings']> = {}): AnalyticsSettings => ({ ...defaultAnalyticsSettings, warnings: { ...defaultAnalyticsSettings.warnings, ...w } });
const sync = (w: Partial<AnalyticsSettings['warnings']> = {}, now?: Date) =>
  syncCustomerWarnings(t.database, { runId: 1, asOf: '2026-06-01', settings: settings(w), timeZone: 'Asia/Shanghai', ...(now ? { now } : {}) });

async function customer(name: string, ownerId: number | null, importance: string | null = null, source: string | null = null): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`
    insert into customers (kind, relationship_type, name, owner_id, importance, importance_source) values ('organization', 'business', ${name}, ${ownerId}, ${importance}, ${source}) returning id`);
  return Number(c!.id);
}

async function metrics(customerId: number, m: { level: 'low' | 'medium' | 'high'; score: number; tier: string | null; margin?: string; clv?: string; abc?: string; stage?: string }): Promise<void> {
  const reasons = { churn: { score: m.score, signals: [{ signal: 'silence', strength: 1, contribution: 0.4 }, { signal: 'low_p_alive', strength: 0.8, contribution: 0.25 }] } };
  await t.database.db.execute(sql`
    insert into customer_metrics (customer_id, run_id, as_of, churn_level, churn_score, tier, margin, clv, abc_class, lifecycle_stage, reasons)
    values (${customerId}, 1, '2026-06-01', ${m.level}, ${m.score}, ${m.tier}, ${m.margin ?? '1000'}::numeric, ${m.clv ?? '5000'}::numeric, ${m.abc ?? null}, ${m.stage ?? null}, ${JSON.stringify(reasons)}::jsonb)
    on conflict (customer_id) do update set churn_level = excluded.churn_level, churn_score = excluded.churn_score, tier = excluded.tier, margin = excluded.margin, clv = excluded.clv,
      abc_class = excluded.abc_class, lifecycle_stage = excluded.lifecycle_stage`);
}

const warningsOf = (customerId: number) =>
  t.database.rows<{ id: number; kind: string; owner_id: number; level: string; task_id: number | null; closed_at: Date | null; closed_because: string | null; reasons: Record<string, unknown>; amount: string | null }>(
    sql`select id, kind, owner_id, level, task_id, closed_at, closed_because, reasons, amount::text as amount from customer_warnings where customer_id = ${customerId} order by id`,
  );
const tasksOf = (customerId: number) =>
  t.database.rows<{ id: number; kind: string; assignee_id: number; title: string; notes: string; done_at: Date | null; priority: string; version: number; source_key: string }>(
    sql`select id, kind, assignee_id, title, notes, done_at, priority, version, source_key from tasks where customer_id = ${customerId} and deleted_at is null order by id`,
  );

beforeAll(async () => {
  t = await createTestContext();
  rep = await t.userWithRole('sales');
  rep2 = await t.userWithRole('sales');
  await t.database.db.execute(sql`update users set locale = 'en' where id = ${rep2.userId}`);
});
afterAll(() => t.close());

describe('churn warnings', () => {
  it('turn into exactly one task for the owner across two syncs, with the reasons and the playbook of the tier', async () => {
    const id = await customer('杭州云帆科技有限公司', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.72, tier: 'vip', clv: '88000.50' });
    const first = await sync();
    expect(first.opened).toBeGreaterThanOrEqual(1);
    await sync();
    const ws = await warningsOf(id);
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatchObject({ kind: 'churn', owner_id: rep.userId, level: 'high', closed_at: null });
    expect(ws[0]!.reasons).toMatchObject({ tier: 'vip', stance: 'win_back_hard', clv: '88000.50' });
    const ts = await tasksOf(id);
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ kind: 'churn_warning', assignee_id: rep.userId, priority: 'high', source_key: `warning:${ws[0]!.id}`, done_at: null });
    expect(Number(ws[0]!.task_id)).toBe(Number(ts[0]!.id));
    expect(ts[0]!.title).toBe('流失预警：杭州云帆科技有限公司');
    expect(ts[0]!.notes).toContain('极力挽回');
    expect(ts[0]!.notes).toContain('超出自身购买周期未再购买（40%）');
    expect(ts[0]!.notes).toContain('40%');
    expect(ts[0]!.notes).toContain('¥88,000.50');
    const audit = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where entity = 'customer_warning' and entity_id = ${String(ws[0]!.id)} and action = 'open'`);
    expect(audit[0]!.n).toBe(1);
  });

  it('writes the task in the owner’s language and follows the stance of the tier (a small unprofitable customer whose relationship ended is let go)', async () => {
    const ordinary = await customer('Blue Sky Trading', rep2.userId, 'ordinary', 'computed');
    await metrics(ordinary, { level: 'high', score: 0.65, tier: 'ordinary' });
    const unprofitable = await customer('亏损客户', rep2.userId, 'ordinary', 'computed');
    await metrics(unprofitable, { level: 'high', score: 0.9, tier: 'ordinary', margin: '-20', stage: 'termination' });
    await sync({ churnTiers: [] });
    const [o] = await tasksOf(ordinary);
    expect(o!.title).toBe('Churn risk: Blue Sky Trading');
    expect(o!.notes).toContain('act on opportunity');
    expect(o!.notes).toContain('silent beyond its own buying cycle');
    expect(o!.priority).toBe('low');
    const [u] = await tasksOf(unprofitable);
    expect(u!.notes).toContain('let go');
  });

  it('gives the task the same win-back stance as the analysis card, for every tier, value and stage', async () => {
    const cases: Array<{ tier: 'vip' | 'important' | 'ordinary'; abc: 'A' | 'C'; margin: string; stage: 'maturity' | 'termination' }> = [];
    for (const tier of ['vip', 'important', 'ordinary'] as const)
      for (const abc of ['A', 'C'] as const) for (const margin of ['500', '-1', '0']) for (const stage of ['maturity', 'termination'] as const) cases.push({ tier, abc, margin, stage });
    const ids: number[] = [];
    for (const [k, c] of cases.entries()) {
      const id = await customer(`立场${k}`, rep.userId, c.tier, 'computed');
      await metrics(id, { level: 'high', score: 0.8, tier: c.tier, abc: c.abc, margin: c.margin, stage: c.stage });
      ids.push(id);
    }
    await sync({ churnTiers: [] });
    for (const [k, c] of cases.entries()) {
      const [w] = await warningsOf(ids[k]!);
      const card = recommendAction({ tier: c.tier, churnLevel: 'high', lifecycleStage: c.stage, abcClass: c.abc, margin: c.margin });
      expect(w?.reasons.stance, JSON.stringify(c)).toBe(card?.stance);
    }
  });

  it('respects the tier filter, with a tier set by hand winning over the computed one', async () => {
    const important = await customer('只是重要', rep.userId, 'important', 'computed');
    await metrics(important, { level: 'high', score: 0.7, tier: 'important' });
    const handVip = await customer('手工设为VIP', rep.userId, 'vip', 'manual');
    await metrics(handVip, { level: 'high', score: 0.7, tier: 'ordinary' });
    const medium = await customer('中等风险VIP', rep.userId, 'vip', 'computed');
    await metrics(medium, { level: 'medium', score: 0.4, tier: 'vip' });
    await sync({ churnTiers: ['vip'], churnLevel: 'high' });
    expect(await warningsOf(important)).toHaveLength(0);
    expect(await warningsOf(medium)).toHaveLength(0);
    const [w] = await warningsOf(handVip);
    expect(w).toMatchObject({ kind: 'churn', closed_at: null });
    expect(w!.reasons).toMatchObject({ tier: 'vip', stance: 'win_back_hard' });
  });

  it('closes the warning when its task is done, and does not raise it again while cooling off unless it gets worse', async () => {
    const id = await customer('完成任务的客户', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'medium', score: 0.45, tier: 'vip' });
    await sync({ churnLevel: 'medium' });
    const [task] = await tasksOf(id);
    const res = await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${task!.id}`, payload: { done: true, version: task!.version } });
    expect(res.statusCode, res.body).toBe(200);
    const [w] = await warningsOf(id);
    expect(w).toMatchObject({ closed_because: 'task_done' });
    expect(w!.closed_at).not.toBeNull();
    const audit = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where entity = 'customer_warning' and entity_id = ${String(w!.id)} and action = 'close'`);
    expect(audit[0]!.n).toBe(1);

    // the cause is still there the next night: the owner has acted, nothing new
    await sync({ churnLevel: 'medium' });
    expect(await warningsOf(id)).toHaveLength(1);
    expect(await tasksOf(id)).toHaveLength(1);
    // worse (medium → high) within the cool-off: a new warning and a new task
    await metrics(id, { level: 'high', score: 0.7, tier: 'vip' });
    await sync({ churnLevel: 'medium' });
    const after = await warningsOf(id);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ level: 'high', closed_at: null });
    expect(await tasksOf(id)).toHaveLength(2);
  });

  it('raises a done warning again once the cool-off is over and the cause is still there', async () => {
    const id = await customer('冷却期后', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.7, tier: 'vip' });
    await sync();
    const [task] = await tasksOf(id);
    await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${task!.id}`, payload: { done: true, version: task!.version } });
    await sync();
    expect(await warningsOf(id)).toHaveLength(1);
    await sync({}, new Date(Date.now() + (COOL_OFF_DAYS + 1) * 86_400_000));
    expect(await warningsOf(id)).toHaveLength(2);
  });

  it('closes when the cause is gone (task done with it), and opens a new warning when the cause returns', async () => {
    const id = await customer('风险解除', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.7, tier: 'vip' });
    await sync();
    await metrics(id, { level: 'low', score: 0.1, tier: 'vip' });
    const r = await sync();
    expect(r.closed).toBeGreaterThanOrEqual(1);
    const [w] = await warningsOf(id);
    expect(w).toMatchObject({ closed_because: 'cause_gone' });
    const [task] = await tasksOf(id);
    expect(task!.done_at).not.toBeNull();
    await metrics(id, { level: 'high', score: 0.8, tier: 'vip' });
    await sync();
    const ws = await warningsOf(id);
    expect(ws).toHaveLength(2);
    expect(ws[1]!.closed_at).toBeNull();
    expect(await tasksOf(id)).toHaveLength(2);
  });

  it('moves with the customer: a new owner gets the warning and the old one’s closes', async () => {
    const id = await customer('换了负责人', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.7, tier: 'vip' });
    await sync();
    await t.database.db.execute(sql`update customers set owner_id = ${rep2.userId} where id = ${id}`);
    await sync();
    const ws = await warningsOf(id);
    expect(ws.map((w) => [Number(w.owner_id), w.closed_because])).toEqual([
      [rep.userId, 'cause_gone'],
      [rep2.userId, null],
    ]);
    const ts = await tasksOf(id);
    expect(ts.map((x) => [Number(x.assignee_id), x.done_at === null])).toEqual([
      [rep.userId, false],
      [rep2.userId, true],
    ]);
  });

  it('opens nothing for a customer in the pool', async () => {
    const id = await customer('公海客户', null, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.9, tier: 'vip' });
    await sync();
    expect(await warningsOf(id)).toHaveLength(0);
  });
});

describe('overdue warnings', () => {
  let orderSeq = 0;
  /** An order of `ownerId` for the customer with one instalment due `daysAgo` days ago (company time), paid `paid`. */
  async function overdue(customerId: number, ownerId: number, amount: string, daysAgo: number, paid = '0'): Promise<number> {
    const [o] = await t.database.rows<{ id: number }>(sql`
      insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total)
      values (${`W-${++orderSeq}`}, ${customerId}, ${ownerId}, current_date - 200, 'confirmed', ${amount}::numeric, ${amount}::numeric) returning id`);
    const [p] = await t.database.rows<{ id: number }>(sql`insert into payment_plans (order_id) values (${o!.id}) returning id`);
    const [i] = await t.database.rows<{ id: number }>(sql`
      insert into payment_instalments (plan_id, order_id, owner_id, customer_id, seq, due_date, amount, paid_amount)
      values (${p!.id}, ${o!.id}, ${ownerId}, ${customerId}, 1, (now() at time zone 'Asia/Shanghai')::date - ${daysAgo}::int, ${amount}::numeric, ${paid}::numeric) returning id`);
    return Number(i!.id);
  }

  it('opens at the amount and days thresholds only, from the daily job as well, and closes when paid', async () => {
    const both = await customer('逾期超标', rep.userId);
    const inst = await overdue(both, rep.userId, '8000.00', 45);
    await overdue(both, rep.userId, '2000.00', 35);
    const small = await customer('金额未到', rep.userId);
    await overdue(small, rep.userId, '9999.99', 100);
    const recent = await customer('天数未到', rep.userId);
    await overdue(recent, rep.userId, '50000.00', 29);
    const pool = await customer('公海欠款', null);
    await overdue(pool, rep2.userId, '12000.00', 60);

    const run = await runJob(t.database, jobs['warnings-sync']!, { timeZone: 'Asia/Shanghai' });
    expect(run.status).toBe('succeeded');
    const [w] = await warningsOf(both);
    expect(w).toMatchObject({ kind: 'overdue', amount: '10000.00', level: 'medium', closed_at: null });
    expect(w!.reasons).toMatchObject({ days: 45, instalments: 2 });
    const [task] = await tasksOf(both);
    expect(task).toMatchObject({ kind: 'overdue_warning', assignee_id: rep.userId, title: '外欠款预警：逾期超标' });
    expect(task!.notes).toContain('¥10,000.00');
    expect(task!.notes).toContain('45 天');
    expect(await warningsOf(small)).toHaveLength(0);
    expect(await warningsOf(recent)).toHaveLength(0);
    // a pool customer's receivable still belongs to the order's owner
    const [pw] = await warningsOf(pool);
    expect(pw).toMatchObject({ owner_id: rep2.userId, kind: 'overdue' });

    // a second run makes nothing twice
    await runJob(t.database, jobs['warnings-sync']!, { timeZone: 'Asia/Shanghai' });
    expect(await warningsOf(both)).toHaveLength(1);
    expect(await tasksOf(both)).toHaveLength(1);

    // partly paid below the threshold: the cause is gone
    await t.database.db.execute(sql`update payment_instalments set paid_amount = 7000 where id = ${inst}`);
    await runJob(t.database, jobs['warnings-sync']!, { timeZone: 'Asia/Shanghai' });
    const [closed] = await warningsOf(both);
    expect(closed).toMatchObject({ closed_because: 'cause_gone' });
    expect((await tasksOf(both))[0]!.done_at).not.toBeNull();
  });

  it('reads the thresholds from the settings: off when the amount is null, days and amount as set', async () => {
    const id = await customer('阈值客户', rep.userId);
    await overdue(id, rep.userId, '500.00', 10);
    await sync({ overdueAmount: null });
    expect(await warningsOf(id)).toHaveLength(0);
    await sync({ overdueAmount: 500, overdueDays: 10 });
    expect(await warningsOf(id)).toHaveLength(1);
    await sync({ overdueAmount: 500.01, overdueDays: 10 });
    expect((await warningsOf(id))[0]).toMatchObject({ closed_because: 'cause_gone' });
  });

  it('marks 90+ days overdue as high', async () => {
    const id = await customer('严重逾期', rep.userId);
    await overdue(id, rep.userId, '20000.00', 95);
    await sync();
    expect((await warningsOf(id))[0]).toMatchObject({ level: 'high' });
    expect((await tasksOf(id))[0]).toMatchObject({ priority: 'high' });
  });
});

describe('churn warnings of an incremental run', () => {
  /** An analytics run's record: the previous one is the baseline of an incremental run's sync. */
  async function runRecord(status: 'running' | 'succeeded' | 'failed', w: Partial<AnalyticsSettings['warnings']> = {}): Promise<number> {
    const [r] = await t.database.rows<{ id: number }>(sql`
      insert into analytics_runs (mode, trigger, status, as_of, settings) values ('incremental', 'manual', ${status}, '2026-06-01', ${JSON.stringify(settings(w))}::jsonb) returning id`);
    return Number(r!.id);
  }
  const syncScored = (runId: number, scoredIds: number[], w: Partial<AnalyticsSettings['warnings']> = {}, now?: Date) =>
    syncCustomerWarnings(t.database, { runId, asOf: '2026-06-01', settings: settings(w), timeZone: 'Asia/Shanghai', scoredIds, ...(now ? { now } : {}) });
  /** Every churn warning, open or closed, with what a sync may change on it. */
  const churnWarnings = () =>
    t.database.rows<{ id: number; customer_id: number; owner_id: number; level: string; score: number; closed_because: string | null }>(
      sql`select id, customer_id, owner_id, level, score, closed_because from customer_warnings where kind = 'churn' order by id`,
    );
  const moveTo = (id: number, ownerId: number | null) => t.database.db.execute(sql`update customers set owner_id = ${ownerId}, updated_at = now() where id = ${id}`);

  it('re-evaluates only the customers that changed, and ends where a full sync would', async () => {
    const kept = await customer('分数变了等级没变', rep.userId, 'vip', 'computed');
    await metrics(kept, { level: 'high', score: 0.7, tier: 'vip' });
    const rose = await customer('升到高风险', rep.userId, 'vip', 'computed');
    await metrics(rose, { level: 'low', score: 0.2, tier: 'vip' });
    const fell = await customer('降到低风险', rep.userId, 'vip', 'computed');
    await metrics(fell, { level: 'high', score: 0.8, tier: 'vip' });
    const untouched = await customer('没有变化', rep.userId, 'important', 'computed');
    await metrics(untouched, { level: 'high', score: 0.75, tier: 'important' });
    const moved = await customer('换负责人未重算', rep.userId, 'vip', 'computed');
    await metrics(moved, { level: 'high', score: 0.7, tier: 'vip' });
    const claimed = await customer('从公海领取', null, 'vip', 'computed');
    await metrics(claimed, { level: 'high', score: 0.9, tier: 'vip' });
    // the previous run and its sync
    await runRecord('succeeded');
    await sync();
    const before = await churnWarnings();
    const openOf = (rows: typeof before, id: number) => rows.find((w) => Number(w.customer_id) === id && w.closed_because === null);
    expect(openOf(before, kept)).toBeDefined();
    expect(openOf(before, rose)).toBeUndefined();
    expect(openOf(before, claimed)).toBeUndefined();

    // this run scores three customers; two others change owner meanwhile
    await metrics(kept, { level: 'high', score: 0.75, tier: 'vip' });
    await metrics(rose, { level: 'high', score: 0.8, tier: 'vip' });
    await metrics(fell, { level: 'low', score: 0.1, tier: 'vip' });
    await moveTo(moved, rep2.userId);
    await moveTo(claimed, rep2.userId);
    const runId = await runRecord('running');
    const r = await syncScored(runId, [kept, rose, fell]);
    const [all] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customers`);
    expect(r.churnCandidates).toBeTypeOf('number');
    expect(r.churnCandidates!).toBeLessThan(all!.n);
    expect(r.overdueSynced).toBe(false);

    const after = await churnWarnings();
    // the same warning, with the new score
    expect(openOf(after, kept)).toMatchObject({ id: openOf(before, kept)!.id, score: 0.75 });
    expect(openOf(after, untouched)).toMatchObject({ id: openOf(before, untouched)!.id });
    expect(openOf(after, rose)).toMatchObject({ level: 'high', owner_id: rep.userId });
    expect(openOf(after, fell)).toBeUndefined();
    expect(after.find((w) => Number(w.customer_id) === fell)).toMatchObject({ closed_because: 'cause_gone' });
    expect(Number(openOf(after, moved)!.owner_id)).toBe(rep2.userId);
    expect(Number(openOf(after, claimed)!.owner_id)).toBe(rep2.userId);
    expect((await tasksOf(rose)).filter((x) => x.done_at === null)).toHaveLength(1);

    // a full sync finds nothing left to do about churn
    await sync();
    expect(await churnWarnings()).toEqual(after);
  });

  it('raises a done warning again once the cool-off is over, though the customer was not scored', async () => {
    const id = await customer('冷却期后未重算', rep.userId, 'vip', 'computed');
    await metrics(id, { level: 'high', score: 0.7, tier: 'vip' });
    await runRecord('succeeded');
    await sync();
    const [task] = await tasksOf(id);
    await t.request(rep, { method: 'PATCH', url: `/api/v1/tasks/${task!.id}`, payload: { done: true, version: task!.version } });
    const later = new Date(Date.now() + (COOL_OFF_DAYS + 1) * 86_400_000);
    const r = await syncScored(await runRecord('running'), [], {}, later);
    expect(r.churnCandidates).toBeTypeOf('number');
    const ws = await warningsOf(id);
    expect(ws.map((w) => w.closed_because)).toEqual(['task_done', null]);
    const snapshot = await churnWarnings();
    await sync({}, later);
    expect(await churnWarnings()).toEqual(snapshot);
  });

  it('after an incremental refresh, the churn warnings are those a full sync gives', async () => {
    const wide = settings({ churnLevel: 'medium', churnTiers: [] });
    await t.database.db.execute(sql`insert into settings (scope, key, value) values ('analytics', 'model', ${JSON.stringify(wide)}::jsonb) on conflict do nothing`);
    await t.database.db.execute(sql`update settings set value = ${JSON.stringify(wide)}::jsonb where scope = 'analytics' and key = 'model'`);
    let n = 0;
    const buy = (customerId: number, date: string) =>
      t.database.db.execute(sql`
        insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total, cost, gross_margin)
        values (${`R-${++n}-${customerId}`}, ${customerId}, ${rep.userId}, ${date}::date, 'confirmed', 1000, 1000, 600, 400)`);
    // five who bought every month until last summer, five who still do
    const silent: number[] = [];
    for (let k = 0; k < 10; k++) {
      const id = await customer(`月度客户${k}`, k % 2 ? rep.userId : rep2.userId);
      if (k < 5) silent.push(id);
      for (let m = 0; m < 12; m++) await buy(id, `${k < 5 ? 2024 : 2025}-${String(m + 1).padStart(2, '0')}-15`);
      if (k >= 5) for (let m = 0; m < 5; m++) await buy(id, `2026-${String(m + 1).padStart(2, '0')}-15`);
    }
    const full = await refreshAnalytics(t.database, { mode: 'full', trigger: 'manual', asOf: '2026-06-01' });
    expect(full.status).toBe('succeeded');
    const open = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customer_warnings where kind = 'churn' and closed_at is null and customer_id = any(${`{${silent.join(',')}}`}::bigint[])`);
    expect(open[0]!.n).toBeGreaterThan(0);

    // two of the silent ones come back
    for (const id of silent.slice(0, 2)) for (const d of ['2026-04-20', '2026-05-10', '2026-05-25']) await buy(id, d);
    const inc = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'manual', asOf: '2026-06-01' });
    expect(inc).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const counts = (inc as { counts: { warnings: SyncResult } }).counts.warnings;
    expect(counts.churnCandidates).toBeTypeOf('number');
    const afterIncremental = await churnWarnings();
    await syncCustomerWarnings(t.database, { runId: (inc as { runId: number }).runId, asOf: '2026-06-01', settings: wide, timeZone: 'Asia/Shanghai' });
    expect(await churnWarnings()).toEqual(afterIncremental);
  });

  it('evaluates every customer when the previous run failed or used other churn thresholds', async () => {
    const ordinary = await customer('普通客户高风险', rep.userId, 'ordinary', 'computed');
    await metrics(ordinary, { level: 'high', score: 0.7, tier: 'ordinary' });
    await runRecord('succeeded');
    await sync();
    expect(await warningsOf(ordinary)).toHaveLength(0);
    // every tier now: not among this run's customers, the ordinary one gets its warning all the same
    const widened = await syncScored(await runRecord('running', { churnTiers: [] }), [], { churnTiers: [] });
    expect(widened.churnCandidates).toBeNull();
    expect(await warningsOf(ordinary)).toHaveLength(1);

    const other = await customer('上次失败', rep.userId, 'ordinary', 'computed');
    await metrics(other, { level: 'high', score: 0.7, tier: 'ordinary' });
    await runRecord('failed', { churnTiers: [] });
    const afterFailure = await syncScored(await runRecord('running', { churnTiers: [] }), [], { churnTiers: [] });
    expect(afterFailure.churnCandidates).toBeNull();
    expect(await warningsOf(other)).toHaveLength(1);
  });
});
