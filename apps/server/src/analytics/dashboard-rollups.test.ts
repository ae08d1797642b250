import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAnalyticsSettings } from '@guanxi/contracts';
import { ADMIN, createTestContext, type TestContext } from '../test/test-app.js';
import { readRolledUpScores, refreshDashboardRollups } from './dashboard-rollups.js';
import { refreshAnalytics } from './refresh-analytics.js';

let t: TestContext;
let ownerA: number;
let ownerB: number;
let seq = 0;
const AS_OF = '2025-07-01';
const ids: number[] = [];

async function customer(k: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`
    insert into customers (kind, relationship_type, name, owner_id, province)
    values ('organization', 'business', ${`客户${k}`}, ${k % 3 === 0 ? null : k % 3 === 1 ? ownerA : ownerB}, ${k % 4 === 0 ? null : ['广东省', '浙江省', '江苏省'][k % 3]!})
    returning id`);
  return Number(c!.id);
}

async function order(customerId: number, date: string, total: string): Promise<number> {
  const [o] = await t.database.rows<{ id: number }>(sql`
    insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total, cost, gross_margin)
    values (${`R-${++seq}`}, ${customerId}, ${ownerA}, ${date}::date, 'confirmed', ${total}::numeric, ${total}::numeric, ${total}::numeric * 0.6, ${total}::numeric * 0.4)
    returning id`);
  return Number(o!.id);
}

/** Every rollup row and the per-customer record, in one order, amounts without trailing zeros: equal numbers compare equal. */
async function rollups() {
  const metrics = await t.database.rows(sql`
    select grain, owner_id, province, kind, k1, k2, customers, trim_scale(value)::text as value, trim_scale(clv)::text as clv, days,
      trim_scale(expected_purchases)::text as expected_purchases, trim_scale(expected_spend)::text as expected_spend
    from analytics_metric_rollups order by grain, kind, owner_id nulls first, province nulls first, k1, k2`);
  const cohorts = await t.database.rows(sql`
    select grain, owner_id, province, cohort_month::text, activity_month::text, customers, orders, trim_scale(revenue)::text as revenue
    from analytics_cohort_activity order by grain, owner_id nulls first, province nulls first, cohort_month, activity_month`);
  const flows = await t.database.rows(sql`select * from analytics_flow_rollups order by run_id, metric, grain, owner_id nulls first, province nulls first, from_value, to_value`);
  const record = await t.database.rows(sql`select customer_id, owner_id, province, order_months::text, order_revenue::text from analytics_rollup_customers order by customer_id`);
  return { metrics, cohorts, flows, record };
}

/** A refresh while a trigger refuses every `events` statement on `table` (the write-back fails). */
async function refreshRefusing(table: string, events: string, mode: 'full' | 'incremental') {
  await t.database.db.execute(sql`create function gx_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'write refused by the test'; end $$`);
  await t.database.db.execute(sql.raw(`create trigger gx_test_refuse before ${events} on ${table} for each statement execute function gx_test_refuse()`));
  try {
    return await refreshAnalytics(t.database, { mode, trigger: 'cli', asOf: AS_OF });
  } finally {
    await t.database.db.execute(sql.raw(`drop trigger gx_test_refuse on ${table}`));
    await t.database.db.execute(sql`drop function gx_test_refuse()`);
  }
}

beforeAll(async () => {
  t = await createTestContext();
  const [admin] = await t.database.rows<{ id: number }>(sql`select id from users where email = ${ADMIN.email}`);
  ownerA = Number(admin!.id);
  ownerB = (await t.userWithRole('manager')).userId;
  // buyers of different rhythms, sizes and regions, some in the pool, one who never bought
  for (let k = 0; k < 30; k++) {
    const id = await customer(k);
    ids.push(id);
    if (k === 29) continue;
    const every = 9 + (k % 5) * 11;
    for (let d = 5 + k; d < 175 - (k % 4) * 25; d += every) {
      const day = new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      await order(id, day, `${(35 + k * 17 + (d % 7) * 3).toFixed(2)}`);
    }
  }
  await t.database.db.execute(sql`insert into settings (scope, key, value) values ('analytics', 'model', ${JSON.stringify(defaultAnalyticsSettings)}::jsonb)`);
});

afterAll(async () => {
  await t?.close();
});

describe('dashboard rollups of an incremental refresh', () => {
  it('equal a rebuild from scratch after new orders, a return, an owner and a region change and a deletion', async () => {
    const full = await refreshAnalytics(t.database, { mode: 'full', trigger: 'cli', asOf: AS_OF });
    expect(full.status, JSON.stringify(full)).toBe('succeeded');
    // new orders (one in a month the customer had not bought in, one for the customer who never bought)
    await order(ids[1]!, '2025-06-20', '480.00');
    await order(ids[2]!, '2025-02-11', '75.50');
    await order(ids[29]!, '2025-06-01', '60.00');
    // a wholly returned order stops counting; a partly returned one counts for less
    const [whole] = await t.database.rows<{ id: number }>(sql`select id from orders where customer_id = ${ids[4]!} order by order_date limit 1`);
    await t.database.db.execute(sql`update orders set returned_amount = total, updated_at = now() where id = ${whole!.id}`);
    const [part] = await t.database.rows<{ id: number }>(sql`select id from orders where customer_id = ${ids[5]!} order by order_date desc limit 1`);
    await t.database.db.execute(sql`update orders set returned_amount = round(total / 3, 2), updated_at = now() where id = ${part!.id}`);
    // no order changes: another owner (one into the pool, one out of it), another region, a deletion
    await t.database.db.execute(sql`update customers set owner_id = ${ownerB}, updated_at = now() where id = ${ids[7]!}`);
    await t.database.db.execute(sql`update customers set owner_id = null, updated_at = now() where id = ${ids[8]!}`);
    await t.database.db.execute(sql`update customers set owner_id = ${ownerA}, updated_at = now() where id = ${ids[9]!}`);
    await t.database.db.execute(sql`update customers set province = '四川省', updated_at = now() where id = ${ids[10]!}`);
    await t.database.db.execute(sql`update customers set deleted_at = now() where id = ${ids[11]!}`);
    // and both at once: an owner change for a customer with a new order
    await order(ids[13]!, '2025-06-25', '99.00');
    await t.database.db.execute(sql`update customers set owner_id = ${ownerB}, updated_at = now() where id = ${ids[13]!}`);

    const inc = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'cli', asOf: AS_OF });
    expect(inc.status, JSON.stringify(inc)).toBe('succeeded');
    if (inc.status !== 'succeeded') return;
    const counted = inc.counts.rollups as { how: string; customers: number };
    expect(counted.how).toBe('delta');
    // the scored customers and the moved ones, nobody else
    expect(counted.customers).toBe(11);
    const afterDelta = await rollups();
    expect(afterDelta.metrics.length).toBeGreaterThan(0);
    expect(afterDelta.cohorts.length).toBeGreaterThan(0);
    expect(afterDelta.record.map((r) => Number(r.customer_id))).not.toContain(ids[11]);

    await refreshDashboardRollups(t.database, { runId: inc.runId, asOf: AS_OF });
    expect(afterDelta).toEqual(await rollups());
    const [state] = await t.database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state`);
    expect(Number(state!.run_id)).toBe(inc.runId);
  });

  it('rebuilds everything when a run since the rollups failed (it may have written scores it never rolled up)', async () => {
    await t.database.db.execute(sql`insert into analytics_runs (mode, trigger, status, as_of, settings) values ('incremental', 'cli', 'failed', ${AS_OF}::date, '{}')`);
    await order(ids[3]!, '2025-06-15', '120.00');
    const inc = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'cli', asOf: AS_OF });
    expect(inc.status).toBe('succeeded');
    if (inc.status !== 'succeeded') return;
    expect((inc.counts.rollups as { how: string }).how).toBe('full');
    // and the next one is a delta again
    await order(ids[3]!, '2025-06-16', '130.00');
    const next = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'cli', asOf: AS_OF });
    expect(next.status === 'succeeded' && (next.counts.rollups as { how: string }).how).toBe('delta');
  });

  it('leave nothing of a run whose write fails, though on PostgreSQL their cohort delta began before the write', async () => {
    const before = await rollups();
    const [state] = await t.database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state`);
    await order(ids[5]!, '2025-06-20', '777.00');
    // the write-back fails: the run fails, and the rollups (cohorts included) are as they were
    expect((await refreshRefusing('customer_metrics', 'insert or update', 'incremental')).status).toBe('failed');
    expect(await rollups()).toEqual(before);
    const [after] = await t.database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state`);
    expect(Number(after!.run_id)).toBe(Number(state!.run_id));
    // the next run sees the failed one and rebuilds, to what a rebuild gives
    const next = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'cli', asOf: AS_OF });
    expect(next.status === 'succeeded' && (next.counts.rollups as { how: string }).how).toBe('full');
  });

  it('of a full run equal a rebuild in one transaction, though its cohorts are updated by delta first and its class rows counted while it scores', async () => {
    // a customer who never bought and was never scored before: it joins the record once scored
    const fresh = await customer(32);
    // since the last run: new orders (one in a new month), a return, an owner and a region change, a deletion
    await order(ids[7]!, '2025-06-25', '333.00');
    await order(ids[10]!, '2025-03-03', '41.00');
    const [returned] = await t.database.rows<{ id: number }>(sql`select id from orders where customer_id = ${ids[16]!} order by order_date limit 1`);
    await t.database.db.execute(sql`update orders set returned_amount = total, updated_at = now() where id = ${returned!.id}`);
    await t.database.db.execute(sql`update customers set owner_id = ${ownerA}, updated_at = now() where id = ${ids[17]!}`);
    await t.database.db.execute(sql`update customers set province = '四川省', updated_at = now() where id = ${ids[18]!}`);
    await t.database.db.execute(sql`update customers set deleted_at = now(), deleted_by = ${ownerA} where id = ${ids[19]!}`);
    const full = await refreshAnalytics(t.database, { mode: 'full', trigger: 'cli', asOf: AS_OF });
    expect(full.status, JSON.stringify(full)).toBe('succeeded');
    const counts = full.status === 'succeeded' ? (full.counts as { rollups: { how: string; orders?: string; classRowsBy?: string }; timingsMs: Record<string, number> }) : null;
    expect(counts?.rollups.how).toBe('full');
    // the record and cohorts of only the customers changed since the last run are redone, before the aggregate
    expect(counts?.rollups.orders).toBe('delta');
    expect(counts?.timingsMs.orderPart).toBeGreaterThanOrEqual(0);
    // the class rows are the scoring's (the database groups them in the rebuild below)
    expect(counts?.rollups.classRowsBy).toBe('scoring');
    const byRun = await rollups();
    expect(byRun.record.map((r) => Number(r.customer_id))).toContain(fresh);
    const counted = await refreshDashboardRollups(t.database, { runId: Number(full.status === 'succeeded' && full.runId), asOf: AS_OF });
    expect(counted.how).toBe('full');
    expect(counted.classRowsBy).toBe('database');
    expect(await rollups()).toEqual(byRun);
  });

  it('keep the class rows of a full run whose write fails, and the next run rebuilds', async () => {
    const before = await rollups();
    const [state] = await t.database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state`);
    await order(ids[8]!, '2025-06-21', '212.00');
    expect((await refreshRefusing('customer_metric_history', 'insert', 'full')).status).toBe('failed');
    // the class rows and flows are the last run's; on PostgreSQL the cohorts may already count the new order
    const after = await rollups();
    expect(after.metrics).toEqual(before.metrics);
    expect(after.flows).toEqual(before.flows);
    const [kept] = await t.database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state`);
    expect(Number(kept!.run_id)).toBe(Number(state!.run_id));
    const next = await refreshAnalytics(t.database, { mode: 'incremental', trigger: 'cli', asOf: AS_OF });
    expect(next.status === 'succeeded' && (next.counts.rollups as { how: string }).how).toBe('full');
    const rebuilt = await rollups();
    await refreshDashboardRollups(t.database, { runId: Number(next.status === 'succeeded' && next.runId), asOf: AS_OF });
    expect(await rollups()).toEqual(rebuilt);
  });

  it('lose a customer purged from the recycle bin at once, and a delta read before the purge is not applied', async () => {
    // a customer who never bought, scored and counted by a full run (one with orders cannot be purged)
    const gone = await customer(31);
    expect((await refreshAnalytics(t.database, { mode: 'full', trigger: 'cli', asOf: AS_OF })).status).toBe('succeeded');
    const [recorded] = await t.database.rows(sql`select 1 from analytics_rollup_customers r join customer_metrics m using (customer_id) where r.customer_id = ${gone}`);
    expect(recorded).toBeDefined();
    const before = await readRolledUpScores(t.database, [ids[1]!]);
    const admin = await t.login(ADMIN.email, ADMIN.password);
    await t.database.db.execute(sql`update customers set deleted_at = now(), deleted_by = ${ownerA} where id = ${gone}`);
    const purged = await t.request(admin, { method: 'DELETE', url: `/api/v1/recycle-bin/customer/${gone}` });
    expect(purged.statusCode, purged.body).toBe(204);
    const afterPurge = await rollups();
    expect(afterPurge.record.map((r) => Number(r.customer_id))).not.toContain(gone);
    // a delta read against the rollups before the purge would take its customers away twice: the run rebuilds
    const [last] = await t.database.rows<{ id: number }>(sql`select max(id) as id from analytics_runs where status = 'succeeded'`);
    const counts = await refreshDashboardRollups(t.database, { runId: Number(last!.id), asOf: AS_OF, changed: { customerIds: [ids[1]!], before } });
    expect(counts.how).toBe('full');
    // and the rebuild agrees with what the purge left
    const rebuilt = await rollups();
    expect(afterPurge.metrics).toEqual(rebuilt.metrics);
    expect(afterPurge.cohorts).toEqual(rebuilt.cohorts);
    expect(afterPurge.record).toEqual(rebuilt.record);
  });

  it("of a full run count days in stage as the database does, and are the database's when the counted customers are not those scored now", async () => {
    // a later as-of: customers who stay in their stage have been in it since the last run
    const later = await refreshAnalytics(t.database, { mode: 'full', trigger: 'cli', asOf: '2025-08-15' });
    expect(later.status, JSON.stringify(later)).toBe('succeeded');
    expect(later.status === 'succeeded' && (later.counts.rollups as { classRowsBy?: string }).classRowsBy).toBe('scoring');
    const counted = await rollups();
    const [days] = await t.database.rows<{ days: number }>(sql`select sum(days)::int as days from analytics_metric_rollups where grain = 'owner' and kind = 'totals'`);
    expect(Number(days!.days)).toBeGreaterThan(0);
    const runId = Number(later.status === 'succeeded' && later.runId);
    expect((await refreshDashboardRollups(t.database, { runId, asOf: '2025-08-15' })).classRowsBy).toBe('database');
    expect(await rollups()).toEqual(counted);
    // rows counted over other customers than customer_metrics holds, or against a record changed since: not used
    const [state] = await t.database.rows<{ revision: number }>(sql`select revision from analytics_rollup_state`);
    const none = { grain: [], owner_id: [], province: [], kind: [], k1: [], k2: [], customers: [], value: [], clv: [], days: [], expected_purchases: [], expected_spend: [] };
    const unrecorded = { ids: [], owners: [], provinces: [] };
    const [scored] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customer_metrics`);
    for (const classRows of [
      { revision: Number(state!.revision), rows: { columns: none, customers: Number(scored!.n) - 1, unrecorded } },
      { revision: Number(state!.revision) - 1, rows: { columns: none, customers: Number(scored!.n), unrecorded } },
    ]) {
      const r = await refreshDashboardRollups(t.database, { runId, asOf: '2025-08-15', ordersRebuilt: { how: 'delta', customers: 0, cohortRows: 0 }, classRows });
      expect(r.classRowsBy).toBe('database');
      expect(await rollups()).toEqual(counted);
    }
  });
});
