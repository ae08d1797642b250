// Refreshes the pre-aggregated tables behind the analytics dashboards (dashboard-rollups.table.ts)
// at the end of an analytics run, in a few set-based statements, and holds the SQL that both the
// refresh and the dashboards' live path (filters the rollups cannot answer) use, so the two agree.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';

/** Value band of a positive amount on a geometric scale (×1.1 per band): the Pareto curve's sample points. -1 for nothing. */
export const valueBand = (col: SQL) => sql`case when ${col} > 0 then greatest(0, floor(ln(${col}::float8) / ln(1.1)))::int end`;

/**
 * Band of a CLV on the 1-2-5 scale managers read (…, 100, 200, 500, 1000, …): band 3e+i covers
 * [m·10^e, next) with m = 1, 2, 5 for i = 0, 1, 2; -1 is [0, 1). The epsilon keeps exact powers of ten in their own band.
 */
export const clvBand = (col: SQL) => sql`case when ${col} is null then null when ${col} < 1 then -1 else (
  3 * floor(log(${col}::float8) + 1e-9)::int
  + case when ${col}::float8 / power(10, floor(log(${col}::float8) + 1e-9)) < 2 then 0 when ${col}::float8 / power(10, floor(log(${col}::float8) + 1e-9)) < 5 then 1 else 2 end) end`;

/** Lower bound of a 1-2-5 band, as a decimal string. */
export function clvBandFrom(band: number): string {
  if (band < 0) return '0';
  const e = Math.floor(band / 3);
  const m = [1, 2, 5][band % 3]!;
  return `${m}${'0'.repeat(e)}`;
}

/** The dashboard classes of one customer_metrics row `m`: (kind, k1, k2); rows whose k1 is null are skipped. */
const metricKinds = sql`(values
    ('totals', '', ''),
    ('value_band', ${valueBand(sql`m.monetary`)}::text, ''),
    ('abc', m.abc_class, ''),
    ('rf', m.rfm_r::text, m.rfm_f::text),
    ('segment', m.rfm_segment, ''),
    ('quadrant', m.value_quadrant, ''),
    ('clv_band', ${clvBand(sql`m.clv`)}::text, ''),
    ('clv_segment', case when m.clv is not null then m.rfm_segment end, ''),
    ('clv_cohort', case when m.clv is not null then to_char(m.first_purchase_on, 'YYYY-"Q"Q') end, ''),
    ('lifecycle', m.lifecycle_stage, ''),
    ('loyalty_rk', m.loyalty_class, ''),
    ('loyalty_db', m.attitude_class, '')
  ) k(kind, k1, k2)`;

/** The sums every class row carries; expected_spend holds expected revenue next period (purchases × spend per purchase). */
const metricSums = sql`count(*)::int as customers, coalesce(sum(m.monetary), 0) as value, coalesce(sum(m.clv), 0) as clv,
  coalesce(sum(m.as_of - m.lifecycle_since), 0)::bigint as days, coalesce(sum(m.expected_purchases), 0)::numeric as expected_purchases,
  coalesce(sum(m.expected_purchases * m.expected_spend), 0)::numeric as expected_spend`;

/** Class rows over the live customers matching `customerFilter` (on `c`), grouped by kind and class only. */
export function liveMetricRows(customerFilter: SQL, kinds: string[]): SQL {
  return sql`select k.kind, k.k1, k.k2, ${metricSums}
    from customer_metrics m join customers c on c.id = m.customer_id and c.deleted_at is null
    cross join lateral ${metricKinds}
    where k.k1 is not null and k.kind in ${sql`(${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})`} and ${customerFilter}
    group by k.kind, k.k1, k.k2`;
}

/** Purchasing months per customer: orders that count (confirmed or fulfilled, not wholly returned), net revenue. */
const customerMonths = (customerFilter: SQL) => sql`
  act as (
    select o.customer_id, date_trunc('month', o.order_date)::date as m, count(*)::int as n, sum(o.total - o.returned_amount) as rev
    from orders o join customers c on c.id = o.customer_id and c.deleted_at is null
    where o.deleted_at is null and o.status in ('confirmed', 'fulfilled') and o.total > o.returned_amount and ${customerFilter}
    group by o.customer_id, date_trunc('month', o.order_date)),
  firsts as (select customer_id, min(m) as cohort from act group by customer_id)`;

/**
 * The full rollup's pass over every counted order (the same orders as customerMonths): one group per
 * customer, read in (customer, date) order from orders_analytics_idx — no big sort and no hash of 10M
 * (customer, month) groups, only each customer's ~10 orders put in date order. The
 * cohort is the first month (ms[1]); an order starts a purchasing month when its month differs
 * from the previous order's (ms[i - 1]), which counts each customer once per month.
 */
const customerOrderMonths = sql`
  per as (
    select o.customer_id, array_agg(date_trunc('month', o.order_date::timestamp)::date order by o.order_date, o.id) as ms,
      array_agg(o.total - o.returned_amount order by o.order_date, o.id) as revs
    from orders o
    where o.deleted_at is null and o.status in ('confirmed', 'fulfilled') and o.total > o.returned_amount
    group by o.customer_id)`;

/** Cohort × activity month over the live customers matching `customerFilter` (on `c`). */
export function liveCohortRows(customerFilter: SQL, cohortFilter: SQL): SQL {
  return sql`with ${customerMonths(customerFilter)}
    select f.cohort as cohort_month, a.m as activity_month, count(*)::int as customers, sum(a.n)::int as orders, sum(a.rev) as revenue
    from act a join firsts f using (customer_id) where ${cohortFilter}
    group by f.cohort, a.m`;
}

/**
 * Rebuilds the dashboards' rollups from the scores of run `runId` (customer_metrics), the class
 * changes of every run not yet rolled up (customer_metric_history) and the orders. One transaction:
 * readers see the old rollups until it commits. Owners and regions are the customers' current ones.
 */
export async function refreshDashboardRollups(database: Database, { runId, asOf }: { runId: number; asOf: string }): Promise<{ metricRows: number; cohortRows: number; flowRows: number }> {
  return database.db.transaction(async (tx) => {
    const grainOf = sql`case when grouping(c.owner_id) = 0 then 'owner' else 'province' end`;
    // Plan guards for the two big statements: a serial plan (parallel workers each re-ran the whole
    // per-customer pass) and memory for hashing ~10M rows into a few 100k cells; both end with the transaction.
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql`delete from analytics_metric_rollups`);
    // One hash over the ~11M (customer, class) rows by owner and province together, then both grains
    // from its few 100k cells: hashing the big input once instead of once per grouping set.
    const metrics = await tx.execute(sql`
      insert into analytics_metric_rollups (run_id, grain, owner_id, province, kind, k1, k2, customers, value, clv, days, expected_purchases, expected_spend)
      select ${runId}::bigint, case when grouping(x.owner_id) = 0 then 'owner' else 'province' end, x.owner_id, x.province, x.kind, x.k1, x.k2,
        sum(x.customers)::int, sum(x.value), sum(x.clv), sum(x.days)::bigint, sum(x.expected_purchases), sum(x.expected_spend)
      from (select c.owner_id, coalesce(c.province, '') as province, k.kind, k.k1, k.k2, ${metricSums}
        from customer_metrics m join customers c on c.id = m.customer_id and c.deleted_at is null
        cross join lateral ${metricKinds}
        where k.k1 is not null
        group by k.kind, k.k1, k.k2, c.owner_id, coalesce(c.province, '')) x
      group by grouping sets ((x.kind, x.k1, x.k2, x.owner_id), (x.kind, x.k1, x.k2, x.province))`);

    await tx.execute(sql`delete from analytics_cohort_activity`);
    const cohorts = await tx.execute(sql`
      with ${customerOrderMonths}
      insert into analytics_cohort_activity (grain, owner_id, province, cohort_month, activity_month, customers, orders, revenue)
      select ${grainOf}, c.owner_id, coalesce(c.province, ''), p.ms[1], u.m, count(*) filter (where u.i = 1 or p.ms[u.i - 1] <> u.m)::int, count(*)::int, sum(u.rev)
      from per p join customers c on c.id = p.customer_id and c.deleted_at is null
      cross join lateral unnest(p.ms, p.revs) with ordinality u(m, rev, i)
      group by grouping sets ((p.ms[1], u.m, c.owner_id), (p.ms[1], u.m, coalesce(c.province, '')))`);

    // Runs whose changes are not rolled up yet (this one, and any before the rollups existed), dated by their as-of day.
    const todo = sql`(select r.id from analytics_runs r where r.id = ${runId}
      or (r.id < ${runId} and not exists (select 1 from analytics_flow_rollups f where f.run_id = r.id)))`;
    await tx.execute(sql`delete from analytics_flow_rollups where run_id = ${runId}`);
    const flows = await tx.execute(sql`
      insert into analytics_flow_rollups (run_id, day, metric, grain, owner_id, province, from_value, to_value, customers)
      select h.run_id, coalesce(r.as_of, ${asOf}::date), h.metric, ${grainOf}, c.owner_id, coalesce(c.province, ''), h.from_value, h.to_value, count(*)::int
      from customer_metric_history h join customers c on c.id = h.customer_id and c.deleted_at is null
      left join analytics_runs r on r.id = h.run_id
      where h.run_id in ${todo} and h.metric in ('rfm_segment', 'lifecycle_stage')
      group by grouping sets ((h.run_id, r.as_of, h.metric, h.from_value, h.to_value, c.owner_id), (h.run_id, r.as_of, h.metric, h.from_value, h.to_value, coalesce(c.province, '')))`);
    const count = (r: unknown) => Number((r as { rowCount?: number; affectedRows?: number }).rowCount ?? (r as { affectedRows?: number }).affectedRows ?? 0);
    return { metricRows: count(metrics), cohortRows: count(cohorts), flowRows: count(flows) };
  });
}
