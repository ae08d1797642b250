// Refreshes the pre-aggregated tables behind the analytics dashboards (dashboard-rollups.table.ts)
// at the end of an analytics run, in a few set-based statements, and holds the SQL that both the
// refresh and the dashboards' live path (filters the rollups cannot answer) use, so the two agree.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { CLASS_ROW_COLUMNS, type CountedClassRows } from './class-rows.js';

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

/**
 * The amounts every class row adds up, per customer, as integers of a fixed unit: money in cents (its
 * scale), expected purchases in millionths, expected_spend — expected revenue next period (purchases ×
 * spend per purchase) — in ten-thousandths, which keeps a purchase a day at the largest order
 * amount (numeric(14,2)) within int8. Integer sums are exact in any order, so that a delta adds up to a
 * rebuild, and PostgreSQL adds int8 in 128-bit integers, faster than numeric (the class rows' 24 grouping
 * sets over 1M customers: 13.0 → 11.3 s; bench/analytics-refresh/notes.md).
 */
const metricAmounts = sql`(m.monetary * 100)::int8 as value_c, (m.clv * 100)::int8 as clv_c, m.as_of - m.lifecycle_since as days,
  round(m.expected_purchases * 1e6)::int8 as purchases_u, round(m.expected_purchases * m.expected_spend * 1e4)::int8 as spend_u`;

/** The sums of metricAmounts (columns of `b`) in their own units again. */
const amountSums = (b: string) =>
  sql.raw(`count(*)::int as customers, coalesce(sum(${b}.value_c), 0) * 0.01 as value, coalesce(sum(${b}.clv_c), 0) * 0.01 as clv,
  coalesce(sum(${b}.days), 0)::bigint as days, coalesce(sum(${b}.purchases_u), 0) * 0.000001 as expected_purchases,
  coalesce(sum(${b}.spend_u), 0) * 0.0001 as expected_spend`);

/** Class rows over the live customers matching `customerFilter` (on `c`), grouped by kind and class only. */
export function liveMetricRows(customerFilter: SQL, kinds: string[]): SQL {
  return sql`select b.kind, b.k1, b.k2, ${amountSums('b')}
    from (select k.kind, k.k1, k.k2, ${metricAmounts}
      from customer_metrics m join customers c on c.id = m.customer_id and c.deleted_at is null
      cross join lateral ${metricKinds}
      where k.k1 is not null and k.kind in ${sql`(${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})`} and ${customerFilter}) b
    group by b.kind, b.k1, b.k2`;
}

/** Purchasing months per customer: orders that count (confirmed or fulfilled, not wholly returned), net revenue. */
const customerMonths = (customerFilter: SQL) => sql`
  act as (
    select o.customer_id, date_trunc('month', o.order_date)::date as m, count(*)::int as n, sum(o.total - o.returned_amount) as rev
    from orders o join customers c on c.id = o.customer_id and c.deleted_at is null
    where o.deleted_at is null and o.status in ('confirmed', 'fulfilled') and o.total > o.returned_amount and ${customerFilter}
    group by o.customer_id, date_trunc('month', o.order_date)),
  firsts as (select customer_id, min(m) as cohort from act group by customer_id)`;

/** Orders the cohorts count: confirmed or fulfilled, not deleted, not wholly returned (the same as customerMonths). */
const countedOrder = sql`o.deleted_at is null and o.status in ('confirmed', 'fulfilled') and o.total > o.returned_amount`;

/**
 * Each customer's counted orders as two arrays in (date, id) order: their months and net revenue.
 * Over every order it is one pass read in (customer, date) order from orders_analytics_idx — no big
 * sort and no hash of 10M (customer, month) groups, only each customer's ~10 orders put in date order.
 */
const orderArrays = (join: SQL) => sql`
    select o.customer_id, array_agg(date_trunc('month', o.order_date::timestamp)::date order by o.order_date, o.id) as ms,
      array_agg(o.total - o.returned_amount order by o.order_date, o.id) as revs
    from orders o ${join}
    where ${countedOrder}
    group by o.customer_id`;

/**
 * Cohort × activity cells of the customers in `from` (columns sign, owner_id, province, ms, revs),
 * at both grains. The cohort is the first month (ms[1]); an order starts a purchasing month when its
 * month differs from the previous order's (ms[i - 1]), which counts each customer once per month.
 * `sign` is -1 for what a customer counted for before an incremental update.
 */
const cohortCells = (from: SQL) => sql`
    select case when grouping(x.owner_id) = 0 then 'owner' else 'province' end as grain, x.owner_id, x.province, x.ms[1] as cohort_month, u.m as activity_month,
      coalesce(sum(x.sign) filter (where u.i = 1 or x.ms[u.i - 1] <> u.m), 0)::int as customers, sum(x.sign)::int as orders, sum(x.sign * u.rev) as revenue
    from (${from}) x cross join lateral unnest(x.ms, x.revs) with ordinality u(m, rev, i)
    group by grouping sets ((x.ms[1], u.m, x.owner_id), (x.ms[1], u.m, x.province))`;

/** Each class kind of metricKinds as the key column(s) of one grouping set over metricKeys, in the same order. */
const KIND_KEYS: Array<[kind: string, keys: string[]]> = [
  ['totals', []],
  ['value_band', ['value_band']],
  ['abc', ['abc_class']],
  ['rf', ['rfm_r', 'rfm_f']],
  ['segment', ['rfm_segment']],
  ['quadrant', ['value_quadrant']],
  ['clv_band', ['clv_band']],
  ['clv_segment', ['clv_segment']],
  ['clv_cohort', ['clv_cohort']],
  ['lifecycle', ['lifecycle_stage']],
  ['loyalty_rk', ['loyalty_class']],
  ['loyalty_db', ['attitude_class']],
];

/** metricKinds' keys of one customer_metrics row `m` as columns, and its metricAmounts. */
const metricKeys = sql`${valueBand(sql`m.monetary`)}::text as value_band, m.abc_class, m.rfm_r::text as rfm_r, m.rfm_f::text as rfm_f, m.rfm_segment, m.value_quadrant,
  ${clvBand(sql`m.clv`)}::text as clv_band, case when m.clv is not null then m.rfm_segment end as clv_segment,
  case when m.clv is not null then to_char(m.first_purchase_on, 'YYYY-"Q"Q') end as clv_cohort, m.lifecycle_stage, m.loyalty_class, m.attitude_class,
  ${metricAmounts}`;

/**
 * Class rows at both grains (the same rows as metricKinds × amountSums) of the customer_metrics rows `m`
 * in `from`, whose `c` names each one's owner_id and province ('' when unknown). One pass, one grouping
 * set per kind and grain: no (customer × kind) rows to build (a lateral of ~11M rows at 1M customers)
 * and no intermediate cells by owner and province. `sign` -1 takes the rows away in a delta.
 */
const metricCells = (from: SQL, sign: 1 | -1 = 1) => {
  const s = sql.raw(String(sign));
  const sets = ['owner_id', 'province'].flatMap((grain) => KIND_KEYS.map(([, keys]) => `(${[grain, ...keys].join(', ')})`));
  const keyed = (keys: string[]) => keys.map((k) => `grouping(b.${k}) = 0`).join(' and ');
  const kind = `case ${KIND_KEYS.filter(([, keys]) => keys.length).map(([kind, keys]) => `when ${keyed(keys)} then '${kind}'`).join(' ')} else 'totals' end`;
  const k1 = `case ${KIND_KEYS.filter(([, keys]) => keys.length).map(([, keys]) => `when ${keyed(keys)} then b.${keys[0]}`).join(' ')} else '' end`;
  return sql`
    select x.grain, x.owner_id, x.province, x.kind, x.k1, x.k2, ${s} * x.customers as customers, ${s} * x.value as value, ${s} * x.clv as clv,
      ${s} * x.days as days, ${s} * x.expected_purchases as expected_purchases, ${s} * x.expected_spend as expected_spend
    from (
      select case when grouping(b.owner_id) = 0 then 'owner' else 'province' end as grain, b.owner_id, b.province,
        ${sql.raw(kind)} as kind, ${sql.raw(k1)} as k1, case when grouping(b.rfm_f) = 0 then b.rfm_f else '' end as k2,
        ${amountSums('b')}
      from (select c.owner_id, c.province, ${metricKeys} ${from}) b
      group by grouping sets (${sql.raw(sets.join(', '))})) x
    where x.k1 is not null`;
};

/** Cohort × activity month over the live customers matching `customerFilter` (on `c`). */
export function liveCohortRows(customerFilter: SQL, cohortFilter: SQL): SQL {
  return sql`with ${customerMonths(customerFilter)}
    select f.cohort as cohort_month, a.m as activity_month, count(*)::int as customers, sum(a.n)::int as orders, sum(a.rev) as revenue
    from act a join firsts f using (customer_id) where ${cohortFilter}
    group by f.cohort, a.m`;
}


const METRIC_COLUMNS = CLASS_ROW_COLUMNS;
const METRIC_TYPES: Record<(typeof METRIC_COLUMNS)[number], string> = {
  grain: 'text', owner_id: 'bigint', province: 'text', kind: 'text', k1: 'text', k2: 'text',
  customers: 'int', value: 'numeric', clv: 'numeric', days: 'bigint', expected_purchases: 'numeric', expected_spend: 'numeric',
};

/** The class rows some customers (`ids`, a bigint[]) count for now, under the owner and province of their record, negated. */
const recordedCells = (ids: SQL) => metricCells(sql`from unnest(${ids}) as u(id) join customer_metrics m on m.customer_id = u.id join analytics_rollup_customers c on c.customer_id = u.id`, -1);

/** What some customers count for in the metric rollups, read before their scores are overwritten. */
export interface RolledUpScores {
  /** The run the rollups reflected when this was read, and their revision: the delta applies to that state only. */
  stateRunId: number;
  stateRevision: number;
  /** Their class rows at both grains, negated, one array per column (METRIC_COLUMNS) as text. */
  columns: Array<Array<string | null>>;
}

/**
 * Before an incremental run writes the scores of `customerIds`: what those customers count for in
 * the metric rollups now (under the owner and province they were rolled up with), so that the
 * rollups can take it away afterwards. Null when there are no rollups to update yet.
 */
export async function readRolledUpScores(database: Database, customerIds: number[]): Promise<RolledUpScores | null> {
  const [state] = await database.rows<{ run_id: number; revision: number }>(sql`select run_id, revision from analytics_rollup_state`);
  if (!state) return null;
  const ids = sql`${`{${customerIds.join(',')}}`}::bigint[]`;
  const rows = await database.db.transaction(async (tx) => {
    await byKeys(database, tx);
    return database.rows<Record<string, string | null>>(
      sql`
      select ${sql.raw(METRIC_COLUMNS.map((c) => `x.${c}::text`).join(', '))}
      from (${recordedCells(ids)}) x`,
      tx,
    );
  });
  return { stateRunId: Number(state.run_id), stateRevision: Number(state.revision), columns: METRIC_COLUMNS.map((c) => rows.map((r) => r[c] ?? null)) };
}

const SUMS = ['customers', 'value', 'clv', 'days', 'expected_purchases', 'expected_spend'];
/** Adds signed class rows (columns METRIC_COLUMNS, several rows per key allowed) to analytics_metric_rollups; rows that reach zero customers go. */
const addMetricRows = (rows: SQL) => sql`
    insert into analytics_metric_rollups (${sql.raw(METRIC_COLUMNS.join(', '))})
    select d.grain, d.owner_id, d.province, d.kind, d.k1, d.k2, ${sql.raw(SUMS.map((c) => `sum(d.${c})`).join(', '))}
    from (${rows}) d
    group by d.grain, d.owner_id, d.province, d.kind, d.k1, d.k2
    having ${sql.raw(SUMS.map((c) => `sum(d.${c}) <> 0`).join(' or '))}
    on conflict (grain, kind, owner_id, province, k1, k2) do update set
      ${sql.raw(SUMS.map((c) => `${c} = analytics_metric_rollups.${c} + excluded.${c}`).join(', '))}`;
/** Adds signed cohort cells (cohortCells' columns) to analytics_cohort_activity. */
const addCohortCells = (cells: SQL) => sql`
    insert into analytics_cohort_activity (grain, owner_id, province, cohort_month, activity_month, customers, orders, revenue)
    select * from (${cells}) x
    where x.customers <> 0 or x.orders <> 0 or x.revenue <> 0
    on conflict (grain, cohort_month, owner_id, province, activity_month) do update set
      customers = analytics_cohort_activity.customers + excluded.customers, orders = analytics_cohort_activity.orders + excluded.orders,
      revenue = analytics_cohort_activity.revenue + excluded.revenue`;

/**
 * Customers about to be deleted for good (purged from the recycle bin, an import rolled back) take
 * what they count for out of the rollups, in the deleting transaction: once their row and scores are
 * gone no delta can find them, and they would count until the next rebuild. Under the rollup state's
 * lock, so after any refresh's rollups have committed; a refresh that read its customers'
 * contribution before this sees the revision changed and rebuilds.
 */
export async function forgetRolledUpCustomers(database: Database, tx: Tx, customerIds: number[]): Promise<void> {
  if (!customerIds.length) return;
  const [state] = await database.rows<{ run_id: number }>(sql`select run_id from analytics_rollup_state for update`, tx);
  if (!state) return;
  const ids = sql`${`{${customerIds.join(',')}}`}::bigint[]`;
  await tx.execute(addMetricRows(recordedCells(ids)));
  await tx.execute(sql`delete from analytics_metric_rollups where customers = 0`);
  await tx.execute(addCohortCells(cohortCells(sql`
    select -1 as sign, r.owner_id, r.province, r.order_months as ms, r.order_revenue as revs
    from analytics_rollup_customers r where r.customer_id = any(${ids}) and r.order_months is not null`)));
  await tx.execute(sql`delete from analytics_cohort_activity where orders = 0`);
  const gone = await database.rows(sql`delete from analytics_rollup_customers where customer_id = any(${ids}) returning 1`, tx);
  if (gone.length) await tx.execute(sql`update analytics_rollup_state set revision = revision + 1`);
}

/**
 * Planner settings for the statements of a delta (until the transaction ends). Each is driven by the
 * changed customers — thousands of keys — into tables of a million rows (customers, customer_metrics,
 * the per-customer record), and the planner, taking thousands of keys for many, hashed the whole
 * tables instead of looking the keys up: seq scans of customers, customer_metrics and the record in
 * most statements, and parallel workers that each repeated the key lookups (most of the 13.5 s of
 * the delta at 1M customers, bench/analytics-refresh/notes.md). Lookups by key are what a delta is.
 */
async function byKeys(database: Database, tx: Tx): Promise<void> {
  await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
  await tx.execute(sql`set local enable_hashjoin = off`);
  await tx.execute(sql`set local enable_mergejoin = off`);
  // and the estimates over those tables pass jit_above_cost: compiling took longer than running (170 ms of 870)
  if (database.driver !== 'pglite') await tx.execute(sql`set local jit = off`);
}

export interface RollupCounts {
  /** full: rebuilt from every customer; delta: updated by the changed customers only. */
  how: 'full' | 'delta';
  /** A full run's cohorts and record: rebuilt from every order, or by the delta of the customers whose orders changed. */
  orders?: 'full' | 'delta';
  /** Customers whose contribution changed (delta), or every customer counted (full; with an order delta, those whose record changed and those newly scored). */
  customers: number;
  metricRows: number;
  cohortRows: number;
  flowRows: number;
  /** A full rebuild's class rows: as the scoring counted them, or grouped by the database. */
  classRowsBy?: 'scoring' | 'database';
}

/** A PostgreSQL array literal of text values (null elements as NULL), for one parameter per column. */
function pgArray(values: Array<string | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

type Tx = Parameters<Parameters<Database['db']['transaction']>[0]>[0];
const count = (r: unknown) => Number((r as { rowCount?: number; affectedRows?: number }).rowCount ?? (r as { affectedRows?: number }).affectedRows ?? 0);

/** Cohort rows and per-customer record rebuilt from scratch by rebuildOrderRollups. */
export interface OrderRollupCounts {
  /** full: from every order; delta: the changed customers' only. */
  how: 'full' | 'delta';
  /** Customers recorded (full) or whose record changed (delta). */
  customers: number;
  cohortRows: number;
}

/**
 * The order-only part of a rebuild: the per-customer record (owner, region, months and revenue of
 * every counted order) and the cohort cells, from one pass over the orders. Members are the live
 * customers with a counted order or with scores in customer_metrics; completeMembers adds those
 * scored later.
 */
async function rebuildOrderPart(database: Database, tx: Tx): Promise<OrderRollupCounts> {
  await tx.execute(sql`delete from analytics_cohort_activity`);
  // only the refresh reads the per-customer record (under the refresh's lock): no reader to keep
  await tx.execute(sql`truncate analytics_rollup_customers`);
  // the record and the cohorts from one pass over the orders (the record's rows, hashed by cohort and month)
  const [members] = await database.rows<{ n: number; cohorts: number }>(
    sql`with base as materialized (
        select c.id, c.owner_id, coalesce(c.province, '') as province, p.ms, p.revs
        from customers c left join (${orderArrays(sql``)}) p on p.customer_id = c.id
        where c.deleted_at is null and (p.customer_id is not null or exists (select 1 from customer_metrics m where m.customer_id = c.id))),
      recorded as (insert into analytics_rollup_customers (customer_id, owner_id, province, order_months, order_revenue) select * from base returning 1),
      cohorts as (
        insert into analytics_cohort_activity (grain, owner_id, province, cohort_month, activity_month, customers, orders, revenue)
        ${cohortCells(sql`select 1 as sign, b.owner_id, b.province, b.ms, b.revs from base b where b.ms is not null`)}
        returning 1)
      select (select count(*) from recorded)::int as n, (select count(*) from cohorts)::int as cohorts`,
    tx,
  );
  return { how: 'full', customers: Number(members?.n ?? 0), cohortRows: Number(members?.cohorts ?? 0) };
}

/**
 * Live customers scored since the record was built (a full run's record is built while it scores)
 * join it, with no orders to count: the same members as a record built after the write.
 */
async function completeMembers(tx: Tx): Promise<number> {
  const added = await tx.execute(sql`
    insert into analytics_rollup_customers (customer_id, owner_id, province)
    select c.id, c.owner_id, coalesce(c.province, '') from customer_metrics m join customers c on c.id = m.customer_id and c.deleted_at is null
    where not exists (select 1 from analytics_rollup_customers r where r.customer_id = m.customer_id)`);
  await tx.execute(sql`analyze analytics_rollup_customers`);
  return count(added);
}

/** The class rows from scratch: the scores of customer_metrics under each customer's recorded owner and region. */
async function rebuildMetricPart(database: Database, tx: Tx): Promise<number> {
  if (database.driver !== 'pglite') {
    // compiling the grouping sets' expressions took 1.6 s of 17 and won less (1M customers, 24 sets)
    await tx.execute(sql`set local jit = off`);
    // The planner takes each (grain, class) set for millions of groups (there are ~34,000 in all at
    // 1M customers) and, under 256MB, sorted the rows again for 8 of the 24 sets: 11–13 s. With room
    // to hash all but 2 of them, 8 s. The hash tables hold only the real groups (55MB here); the one
    // sort left is of the input rows (200MB at 1M customers), and spills past this like any sort.
    await tx.execute(sql`set local work_mem = '2GB'`);
  }
  await tx.execute(sql`delete from analytics_metric_rollups`);
  const metrics = await tx.execute(sql`
    insert into analytics_metric_rollups (${sql.raw(METRIC_COLUMNS.join(', '))})
    ${metricCells(sql`from customer_metrics m join analytics_rollup_customers c on c.customer_id = m.customer_id`)}`);
  return count(metrics);
}

/** Plan guards for the big statements of a rebuild (until the transaction ends). */
async function forRebuild(tx: Tx): Promise<void> {
  // a serial plan (parallel workers each re-ran the whole per-customer pass) and memory for hashing
  // ~10M rows into a few 100k cells
  await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
  await tx.execute(sql`set local work_mem = '256MB'`);
}

/** The rollup state and whether a delta may be applied to it, as of run `runId` (locked until the transaction ends with `forUpdate`). */
async function readState(database: Database, runId: number, o: { tx?: Tx; forUpdate: boolean }) {
  // gap: a run since the state's that did not finish may have written scores it never rolled up;
  // unrecorded: rollups kept from before the per-customer record existed (migration 0018)
  const [state] = await database.rows<{ run_id: number; revision: number; since: string; gap: boolean; unrecorded: boolean }>(
    sql`select s.run_id, s.revision, s.customers_seen_until::text as since,
        exists (select 1 from analytics_runs r where r.id > s.run_id and r.id < ${runId} and r.status <> 'succeeded') as gap,
        not exists (select 1 from analytics_rollup_customers) and exists (select 1 from analytics_metric_rollups) as unrecorded
      from analytics_rollup_state s ${o.forUpdate ? sql`for update` : sql``}`,
    o.tx,
  );
  return state ? { ...state, runId: Number(state.run_id), revision: Number(state.revision), deltaOk: !state.gap && !state.unrecorded } : null;
}

/** The rollup state, locked until the transaction ends, and whether a delta may be applied to it. */
const lockState = (database: Database, tx: Tx, runId: number) => readState(database, runId, { tx, forUpdate: true });

/**
 * Whether a full run's order part (rebuildOrderRollups) would be a delta of the customers whose
 * orders changed — a moment's work, which the run then does before its aggregate so that the summary
 * reads the record the class rows count under (class-rows.ts).
 */
export async function orderDeltaPossible(database: Database, runId: number): Promise<boolean> {
  const state = await readState(database, runId, { forUpdate: false });
  return Boolean(state?.deltaOk);
}

/**
 * A full run's order-only half of the rollups, in its own transaction while the run still
 * aggregates, scores and writes (PostgreSQL): the per-customer record and the cohort cells need the
 * orders only. Given the customers whose orders changed since the last run, and a state a delta may
 * be applied to, it is their delta (and that of customers moved to another owner or region);
 * otherwise both are rebuilt from every order. It cannot wait for the scores inside one transaction
 * with the class rows: its locks on customers and customer_metrics would hold back the write's
 * swap of customer_metrics. The state's revision moves, and a run that fails after this leaves a
 * gap, so the next refresh rebuilds everything rather than apply a delta to these rollups.
 */
export async function rebuildOrderRollups(database: Database, o: { runId: number; changedCustomerIds: number[] | null }): Promise<OrderRollupCounts> {
  return database.db.transaction(async (tx) => {
    const state = await lockState(database, tx, o.runId);
    await tx.execute(sql`update analytics_rollup_state set revision = revision + 1`);
    if (state?.deltaOk && o.changedCustomerIds) return { ...(await orderDelta(database, tx, { customerIds: o.changedCustomerIds, since: state.since })), how: 'delta' };
    await forRebuild(tx);
    return rebuildOrderPart(database, tx);
  });
}

/**
 * A full run's class rows as its scoring counted them (class-rows.ts), against the record as it was
 * read with the summary: `revision` is the rollup state's revision then, unchanged over the read.
 */
export interface ScoredClassRows {
  revision: number;
  rows: CountedClassRows;
}

/** The rollup state's revision now (null before the first rollups). */
export async function rollupRevision(database: Database): Promise<number | null> {
  const [state] = await database.rows<{ revision: number }>(sql`select revision from analytics_rollup_state`);
  return state ? Number(state.revision) : null;
}

/**
 * Every rollup and the per-customer record from scratch (the order part unless this run already did
 * it): the scores of customer_metrics, every counted order, current owners and regions. The class
 * rows are those the scoring counted when they still hold: the record unchanged since it was read
 * (the revision) and the customers counted the ones in customer_metrics; otherwise the database
 * groups them.
 */
async function rebuildAll(
  database: Database,
  tx: Tx,
  ordersDone: OrderRollupCounts | null,
  o: { revision: number | null; counted: ScoredClassRows | null },
): Promise<Omit<RollupCounts, 'flowRows'>> {
  const orders = ordersDone ?? (await rebuildOrderPart(database, tx));
  const counted = ordersDone && o.counted && o.revision === o.counted.revision ? await takeCountedRows(database, tx, o.counted.rows) : null;
  if (counted) return { how: 'full', orders: orders.how, customers: orders.customers + counted.added, metricRows: counted.metricRows, cohortRows: orders.cohortRows, classRowsBy: 'scoring' };
  const added = await completeMembers(tx);
  const metricRows = await rebuildMetricPart(database, tx);
  return { how: 'full', orders: orders.how, customers: orders.customers + added, metricRows, cohortRows: orders.cohortRows, classRowsBy: 'database' };
}

/**
 * The scoring's class rows in place of the old ones, with records for the customers it counted
 * under their current owner and region for want of one; null (nothing written) when the customers
 * it counted are not those of customer_metrics now (one deleted for good meanwhile).
 */
async function takeCountedRows(database: Database, tx: Tx, rows: CountedClassRows): Promise<{ added: number; metricRows: number } | null> {
  const [metrics] = await database.rows<{ n: number }>(sql`select count(*)::int as n from customer_metrics`, tx);
  if (Number(metrics?.n) !== rows.customers) return null;
  const { ids, owners, provinces } = rows.unrecorded;
  const added = ids.length
    ? count(
        await tx.execute(sql`
    insert into analytics_rollup_customers (customer_id, owner_id, province)
    select u.id, u.owner_id, u.province from unnest(${`{${ids.join(',')}}`}::bigint[], ${pgArray(owners.map((v) => (v === null ? null : String(v))))}::bigint[], ${pgArray(provinces)}::text[]) as u(id, owner_id, province)
    where exists (select 1 from customers c where c.id = u.id)
    on conflict (customer_id) do nothing`),
      )
    : 0;
  // a customer gone meanwhile, or recorded after all: the database groups the rows (the records added stand, as completeMembers would add them)
  if (added !== ids.length) return null;
  await tx.execute(sql`analyze analytics_rollup_customers`);
  await tx.execute(sql`delete from analytics_metric_rollups`);
  const c = rows.columns;
  const cols = METRIC_COLUMNS.map((name) => sql`${pgArray(c[name])}::${sql.raw(METRIC_TYPES[name])}[]`);
  const inserted = await tx.execute(sql`
    insert into analytics_metric_rollups (${sql.raw(METRIC_COLUMNS.join(', '))})
    select * from unnest(${sql.join(cols, sql`, `)}) as r(${sql.raw(METRIC_COLUMNS.join(', '))})`);
  return { added, metricRows: count(inserted) };
}

/**
 * Updates the rollups by the delta of the customers whose contribution may have changed since the
 * state's run: those this run scored (their earlier class rows in `before`) and those whose owner,
 * region or deletion changed since the state's mark (owners change without any new order).
 */
async function applyDelta(
  database: Database,
  tx: Tx,
  o: { customerIds: number[]; before: RolledUpScores; since: Date | string; scoresWritten: Promise<void> },
): Promise<Omit<RollupCounts, 'flowRows'>> {
  const orders = await orderDelta(database, tx, o);
  // the class rows need this run's scores
  await o.scoresWritten;
  const cols = METRIC_COLUMNS.map((c, k) => sql`${pgArray(o.before.columns[k]!)}::${sql.raw(METRIC_TYPES[c])}[]`);
  // before (scored: read ahead of the write; others: their unchanged scores under their recorded owner) taken away, after added
  const metrics = await tx.execute(
    addMetricRows(sql`
      select * from unnest(${sql.join(cols, sql`, `)}) as b(${sql.raw(METRIC_COLUMNS.join(', '))})
      union all
      ${metricCells(sql`from (select customer_id, recorded_owner_id as owner_id, recorded_province as province from rollup_changed where not scored and recorded) c
        join customer_metrics m on m.customer_id = c.customer_id`, -1)}
      union all
      ${metricCells(sql`from rollup_changed c join customer_metrics m on m.customer_id = c.customer_id where c.live`)}`),
  );
  await tx.execute(sql`delete from analytics_metric_rollups where customers = 0`);
  return { how: 'delta', customers: orders.customers, metricRows: count(metrics), cohortRows: orders.cohortRows };
}

/**
 * The order-only half of a delta: the cohort cells and the per-customer record of the customers
 * whose orders changed (`customerIds`, scored by this run) and of those whose owner, region or
 * deletion changed since the state's mark. Leaves rollup_changed (until the transaction ends) for
 * the class rows' half.
 */
async function orderDelta(database: Database, tx: Tx, o: { customerIds: number[]; since: Date | string }): Promise<Omit<OrderRollupCounts, 'how'>> {
  await byKeys(database, tx);
  const ids = sql`${`{${o.customerIds.join(',')}}`}::bigint[]`;
  const since = sql`${o.since instanceof Date ? o.since.toISOString() : o.since}::timestamptz`;
  // each changed customer with what it counts under now (owner, province, live), read once by key
  // here so that no later statement joins customers
  // recorded_*: the owner and province a customer not scored by this run was rolled up under (its
  // record, rewritten below before the class rows are taken away under them)
  await tx.execute(
    sql`create temp table rollup_changed (customer_id bigint primary key, scored boolean not null, owner_id bigint, province text not null, live boolean not null,
      recorded boolean not null, recorded_owner_id bigint, recorded_province text) on commit drop`,
  );
  // candidates from the two small indexes on customers (changed since the mark, deleted since the mark),
  // kept when what they count under differs from their record
  await tx.execute(sql`
    insert into rollup_changed (customer_id, scored, owner_id, province, live, recorded, recorded_owner_id, recorded_province)
    select u.id, true, c.owner_id, coalesce(c.province, ''), coalesce(c.deleted_at is null, false), false, null::bigint, null::text
    from unnest(${ids}) as u(id) left join customers c on c.id = u.id
    union all
    select c.id, false, c.owner_id, coalesce(c.province, ''), c.deleted_at is null, r.customer_id is not null, r.owner_id, r.province from (
        select id from customers where deleted_at is null and updated_at > ${since}
        union select id from customers where deleted_at > ${since}) k
      join customers c on c.id = k.id
      left join analytics_rollup_customers r on r.customer_id = c.id
    where not (c.id = any(${ids})) and case
      when r.customer_id is null then c.deleted_at is null and (exists (select 1 from customer_metrics m where m.customer_id = c.id)
        or exists (select 1 from orders o where o.customer_id = c.id and ${countedOrder}))
      else c.deleted_at is not null or c.owner_id is distinct from r.owner_id or coalesce(c.province, '') <> r.province end`);
  await tx.execute(sql`analyze rollup_changed`);
  const [changed] = await database.rows<{ n: number }>(sql`select count(*)::int as n from rollup_changed`, tx);

  // The cohorts come from the orders alone, so they are updated while the run still scores and
  // writes (on PostgreSQL this transaction is opened before the write; see refreshDashboardRollups).
  // keyed and analysed: later statements look customers up in it (unindexed, one was a nested loop over it: 27 s)
  await tx.execute(sql`create temp table rollup_after (customer_id bigint primary key, ms date[] not null, revs numeric[] not null) on commit drop`);
  await tx.execute(sql`insert into rollup_after (customer_id, ms, revs) ${orderArrays(sql`join rollup_changed d on d.customer_id = o.customer_id`)}`);
  await tx.execute(sql`analyze rollup_after`);
  const cohorts = await tx.execute(
    addCohortCells(
      cohortCells(sql`
      select -1 as sign, r.owner_id, r.province, r.order_months as ms, r.order_revenue as revs
      from rollup_changed d join analytics_rollup_customers r on r.customer_id = d.customer_id where r.order_months is not null
      union all
      select 1, d.owner_id, d.province, a.ms, a.revs from rollup_after a join rollup_changed d on d.customer_id = a.customer_id where d.live`),
    ),
  );
  await tx.execute(sql`delete from analytics_cohort_activity where orders = 0`);

  // their record now: what the next delta takes away. A live customer this run scores will have
  // scores once the write is in (a failed write rolls this back with the rest).
  await tx.execute(sql`delete from analytics_rollup_customers r using rollup_changed d where r.customer_id = d.customer_id`);
  await tx.execute(sql`
    insert into analytics_rollup_customers (customer_id, owner_id, province, order_months, order_revenue)
    select d.customer_id, d.owner_id, d.province, a.ms, a.revs
    from rollup_changed d left join rollup_after a on a.customer_id = d.customer_id
    where d.live and (a.customer_id is not null or d.scored or exists (select 1 from customer_metrics m where m.customer_id = d.customer_id))`);

  return { customers: Number(changed?.n ?? 0), cohortRows: count(cohorts) };
}

/**
 * Brings the dashboards' rollups to run `runId`: rebuilt from the scores (customer_metrics) and the
 * orders, or — given the customers an incremental run scored and what they counted for before it
 * (readRolledUpScores) — updated by their delta and that of customers moved to another owner or
 * region. A delta applies only to the state it was read against, with no run in between that may
 * have written scores without rolling them up; otherwise everything is rebuilt. Flows take the class
 * changes of every run not yet rolled up. One transaction: readers see the old rollups until it
 * commits. Owners and regions are the customers' current ones. Given `scoresWritten`, it may start
 * while the run still writes its scores and waits for them where it needs them.
 */
export async function refreshDashboardRollups(
  database: Database,
  {
    runId,
    asOf,
    changed,
    scoresWritten = Promise.resolve(),
    ordersRebuilt = null,
    classRows = null,
  }: {
    runId: number;
    asOf: string;
    changed?: { customerIds: number[]; before: RolledUpScores | null };
    /** Settles when the run's scores are in customer_metrics: a delta does its order-only part before. */
    scoresWritten?: Promise<void>;
    /** A full run's record and cohorts, rebuilt by rebuildOrderRollups in this run: only the class rows are left to rebuild. */
    ordersRebuilt?: OrderRollupCounts | null;
    /** A full run's class rows as its scoring counted them, against the record rebuildOrderRollups left. */
    classRows?: ScoredClassRows | null;
  },
): Promise<RollupCounts> {
  return database.db.transaction(async (tx) => {
    await forRebuild(tx);
    const state = await lockState(database, tx, runId);
    const before = changed?.before;
    const counts =
      changed && before && state && state.runId === before.stateRunId && state.revision === before.stateRevision && state.deltaOk
        ? await applyDelta(database, tx, { customerIds: changed.customerIds, before, since: state.since, scoresWritten })
        : await scoresWritten.then(() => rebuildAll(database, tx, ordersRebuilt, { revision: state?.revision ?? null, counted: classRows }));

    const grainOf = sql`case when grouping(c.owner_id) = 0 then 'owner' else 'province' end`;
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
    // the mark is the run's start (its orders_seen_until): customers changed during the run are looked at again next time
    await tx.execute(sql`
      insert into analytics_rollup_state (id, run_id, customers_seen_until, refreshed_at)
      select 1, ${runId}, coalesce((select orders_seen_until from analytics_runs where id = ${runId}), now()), now()
      on conflict (id) do update set run_id = excluded.run_id, customers_seen_until = excluded.customers_seen_until, refreshed_at = excluded.refreshed_at`);
    return { ...counts, flowRows: count(flows) };
  });
}
