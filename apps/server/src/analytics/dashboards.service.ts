// The analytics dashboards (Pareto/ABC, RFM, value matrix, CLV, lifecycle, loyalty, cohorts) over
// the caller's data scope and the filter bar. Numbers come from the rollups of the latest run
// (dashboard-rollups.ts) at the owner grain, or the province grain for a company-wide region
// filter; any other mix of filters (a city, or a region within a scope) reads the same SQL live
// over the few customers it selects.
import { sql, type SQL } from 'drizzle-orm';
import { attitudeClasses, abcClasses, lifecycleStages, loyaltyClasses, valueQuadrants, type ClvDashboard, type CohortsDashboard, type DashboardQuery, type LifecycleDashboard, type LoyaltyDashboard, type ParetoDashboard, type RfmDashboard, type ValueMatrixDashboard } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { clvBandFrom, liveCohortRows, liveMetricRows } from './dashboard-rollups.js';

type Grain = { grain: 'owner' | 'province'; where: SQL } | { grain: 'live'; customerFilter: SQL };

const departmentOwners = (departmentId: number) => sql`(with recursive tree(id) as (
    select ${departmentId}::bigint union select d.id from departments d join tree on d.parent_id = tree.id
  ) select u.id from users u where u.department_id in (select id from tree))`;

/** Which rows answer this caller and filter set: rollups by owner, by province, or live customers. */
function planSource(ctx: Ctx, q: DashboardQuery, alias: string): Grain {
  const owner = q['filter[ownerId]'];
  const department = q['filter[departmentId]'];
  const province = q['filter[province]'];
  const city = q['filter[city]'];
  const ownerConditions = (col: SQL): SQL[] => {
    const out = [ownedBy(ctx.actor, col)];
    if (owner) out.push(sql`${col} = ${owner}`);
    if (department) out.push(sql`${col} in ${departmentOwners(department)}`);
    return out;
  };
  const r = sql.raw(alias);
  if (!province) return { grain: 'owner', where: sql.join(ownerConditions(sql`${r}.owner_id`), sql` and `) };
  if (!city && ctx.actor.dataScope === 'all' && !owner && !department) return { grain: 'province', where: sql`${r}.province = ${province}` };
  const conditions = ownerConditions(sql`c.owner_id`);
  conditions.push(sql`c.province = ${province}`);
  if (city) conditions.push(sql`c.city = ${city}`);
  return { grain: 'live', customerFilter: sql.join(conditions, sql` and `) };
}

interface Basis {
  runId: number | null;
  asOf: string | null;
}

async function latestBasis(database: Database): Promise<Basis> {
  const [row] = await database.rows<{ run_id: number; as_of: string | null }>(sql`
    select s.run_id, to_char(r.as_of, 'YYYY-MM-DD') as as_of from analytics_rollup_state s left join analytics_runs r on r.id = s.run_id`);
  return row ? { runId: Number(row.run_id), asOf: row.as_of } : { runId: null, asOf: null };
}

interface ClassRow extends Record<string, unknown> {
  kind: string;
  k1: string;
  k2: string;
  customers: number;
  value: string;
  clv: string;
  avg_clv: string;
  avg_days: number | null;
  expected_purchases: number;
  expected_spend: string;
  customer_share: number | null;
  value_share: number | null;
}

/** Class rows of the given kinds for this caller and filters, with shares of each kind's totals. */
async function classRows(database: Database, ctx: Ctx, q: DashboardQuery, basis: Basis, kinds: string[]): Promise<ClassRow[]> {
  if (basis.runId === null) return [];
  const src = planSource(ctx, q, 'r');
  const inner =
    src.grain === 'live'
      ? liveMetricRows(src.customerFilter, kinds)
      : sql`select r.kind, r.k1, r.k2, sum(r.customers)::int as customers, sum(r.value) as value, sum(r.clv) as clv, sum(r.days)::bigint as days,
            sum(r.expected_purchases) as expected_purchases, sum(r.expected_spend) as expected_spend
          from analytics_metric_rollups r
          where r.grain = ${src.grain} and r.kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)}) and ${src.where}
          group by r.kind, r.k1, r.k2`;
  const rows = await database.rows<ClassRow>(sql`
    select x.kind, x.k1, x.k2, x.customers, round(x.value, 2)::text as value, round(x.clv, 2)::text as clv,
      round(x.clv / nullif(x.customers, 0), 2)::text as avg_clv, round(x.days::numeric / nullif(x.customers, 0), 1)::float8 as avg_days,
      round(x.expected_purchases, 2)::float8 as expected_purchases, round(x.expected_spend, 2)::text as expected_spend,
      round(x.customers::numeric / nullif(sum(x.customers) over (partition by x.kind), 0), 4)::float8 as customer_share,
      round(x.value / nullif(sum(x.value) over (partition by x.kind), 0), 4)::float8 as value_share
    from (${inner}) x order by x.kind, x.k1, x.k2`);
  return rows.map((r) => ({ ...r, customers: Number(r.customers) }));
}

const ofKind = (rows: ClassRow[], kind: string) => rows.filter((r) => r.kind === kind);
const noMetrics = (basis: Basis) => (basis.runId === null ? ['metrics'] : []);

/** Every key of a closed set, zero where no customer has it, in the set's order. */
function byKeys<K extends string>(rows: ClassRow[], keys: readonly K[]) {
  return keys.map((key) => {
    const r = rows.find((x) => x.k1 === key);
    return { key, customers: r?.customers ?? 0, value: r?.value ?? '0.00', customerShare: r?.customer_share ?? null, valueShare: r?.value_share ?? null };
  });
}

export async function paretoDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<ParetoDashboard> {
  const basis = await latestBasis(database);
  const rows = await classRows(database, ctx, q, basis, ['totals', 'value_band', 'abc']);
  // Customers ranked by value, best band first; the curve is exact at each band's end (every customer of a band ranks together).
  const bands = ofKind(rows, 'value_band').sort((a, b) => Number(b.k1) - Number(a.k1));
  const totalCustomers = bands.reduce((n, b) => n + b.customers, 0);
  const totalValue = bands.reduce((n, b) => n + Number(b.value), 0);
  // Shares are ratios for drawing, not money: floats are fine here (the amounts themselves stay decimal strings).
  const points: Array<{ customerShare: number; valueShare: number }> = [{ customerShare: 0, valueShare: 0 }];
  let c = 0;
  let v = 0;
  for (const b of bands) {
    c += b.customers;
    v += Number(b.value);
    points.push({ customerShare: c / totalCustomers, valueShare: totalValue > 0 ? v / totalValue : 0 });
  }
  let top20Share: number | null = null;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (b.customerShare >= 0.2 - 1e-9) {
      // Inside a band customers are close in value (within 10%), so the value grows about linearly with the customers.
      top20Share = Math.round((a.valueShare + ((0.2 - a.customerShare) / (b.customerShare - a.customerShare)) * (b.valueShare - a.valueShare)) * 10_000) / 10_000;
      break;
    }
  }
  const totals = ofKind(rows, 'totals')[0];
  return {
    ...basis,
    customers: totalCustomers,
    customersWithoutValue: (totals?.customers ?? 0) - totalCustomers,
    totalValue: totals?.value ?? '0.00',
    curve: sample(points, 200).map((p) => ({ customerShare: round4(p.customerShare), valueShare: round4(p.valueShare) })),
    abc: byKeys(ofKind(rows, 'abc'), abcClasses),
    top20Share,
    missing: basis.runId === null ? ['metrics'] : totalCustomers === 0 ? ['orders'] : [],
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** At most `max` points, evenly spaced, keeping the first and the last. */
function sample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

interface FlowRow extends Record<string, unknown> {
  from_value: string | null;
  to_value: string | null;
  customers: number;
}

/** Class changes of `metric` for this caller and filters, in one run or in the runs dated within [from, to]. */
async function flowRows(database: Database, ctx: Ctx, q: DashboardQuery, metric: string, runs: { runId: number } | { from?: string | undefined; to?: string | undefined }): Promise<FlowRow[]> {
  const src = planSource(ctx, q, 'f');
  const period = (day: SQL, run: SQL): SQL => {
    if ('runId' in runs) return sql`${run} = ${runs.runId}`;
    const parts: SQL[] = [sql`true`];
    if (runs.from) parts.push(sql`${day} >= ${runs.from}::date`);
    if (runs.to) parts.push(sql`${day} <= ${runs.to}::date`);
    return sql.join(parts, sql` and `);
  };
  const query =
    src.grain === 'live'
      ? sql`select h.from_value, h.to_value, count(*)::int as customers
          from customer_metric_history h join customers c on c.id = h.customer_id and c.deleted_at is null left join analytics_runs r on r.id = h.run_id
          where h.metric = ${metric} and ${period(sql`r.as_of`, sql`h.run_id`)} and ${src.customerFilter}
          group by h.from_value, h.to_value`
      : sql`select f.from_value, f.to_value, sum(f.customers)::int as customers from analytics_flow_rollups f
          where f.metric = ${metric} and f.grain = ${src.grain} and ${period(sql`f.day`, sql`f.run_id`)} and ${src.where}
          group by f.from_value, f.to_value`;
  const rows = await database.rows<FlowRow>(sql`select * from (${query}) x order by x.customers desc, x.from_value nulls first, x.to_value`);
  return rows.map((r) => ({ ...r, customers: Number(r.customers) }));
}

export async function rfmDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<RfmDashboard> {
  const basis = await latestBasis(database);
  const rows = await classRows(database, ctx, q, basis, ['rf', 'segment']);
  const moves = basis.runId === null ? [] : (await flowRows(database, ctx, q, 'rfm_segment', { runId: basis.runId })).filter((m) => m.from_value !== m.to_value);
  const segments = ofKind(rows, 'segment');
  const names = [...new Set([...segments.map((s) => s.k1), ...moves.flatMap((m) => [m.from_value, m.to_value]).filter((x): x is string => x !== null)])];
  return {
    ...basis,
    cells: ofKind(rows, 'rf').map((r) => ({ r: Number(r.k1), f: Number(r.k2), customers: r.customers, value: r.value })),
    segments: names
      .map((segment) => {
        const s = segments.find((x) => x.k1 === segment);
        return {
          segment,
          customers: s?.customers ?? 0,
          value: s?.value ?? '0.00',
          movedIn: moves.filter((m) => m.to_value === segment).reduce((n, m) => n + m.customers, 0),
          movedOut: moves.filter((m) => m.from_value === segment).reduce((n, m) => n + m.customers, 0),
        };
      })
      .sort((a, b) => b.customers - a.customers || a.segment.localeCompare(b.segment)),
    moves: moves.map((m) => ({ from: m.from_value, to: m.to_value, customers: m.customers })),
    missing: basis.runId === null ? ['metrics'] : rows.length === 0 ? ['orders'] : [],
  };
}

export async function valueMatrixDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<ValueMatrixDashboard> {
  const basis = await latestBasis(database);
  const rows = ofKind(await classRows(database, ctx, q, basis, ['quadrant']), 'quadrant');
  return { ...basis, quadrants: byKeys(rows, valueQuadrants), missing: basis.runId === null ? ['metrics'] : rows.length === 0 ? ['orders'] : [] };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const day = (v: unknown): string | null => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

export async function clvDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<ClvDashboard> {
  const basis = await latestBasis(database);
  const rows = await classRows(database, ctx, q, basis, ['totals', 'clv_band', 'clv_segment', 'clv_cohort']);
  const bands = ofKind(rows, 'clv_band').sort((a, b) => Number(a.k1) - Number(b.k1));
  // Every band from the lowest to the highest, empty ones included, so the histogram's x axis is continuous.
  const histogram: ClvDashboard['histogram'] = [];
  if (bands.length) {
    for (let b = Number(bands[0]!.k1); b <= Number(bands[bands.length - 1]!.k1); b++) {
      histogram.push({ from: clvBandFrom(b), to: clvBandFrom(b + 1), customers: bands.find((x) => Number(x.k1) === b)?.customers ?? 0 });
    }
  }
  const customerFilter = liveFilter(ctx, q);
  const top =
    basis.runId === null
      ? []
      : await database.rows<{ id: number; name: string; owner_name: string | null; clv: string; p_alive: number | null; rfm_segment: string | null }>(sql`
          select c.id, c.name, u.name as owner_name, round(m.clv, 2)::text as clv, m.p_alive, m.rfm_segment
          from customer_metrics m join customers c on c.id = m.customer_id and c.deleted_at is null left join users u on u.id = c.owner_id
          where m.clv is not null and ${customerFilter}
          order by m.clv desc, m.customer_id limit 10`);
  const totals = ofKind(rows, 'totals')[0];
  // The run's check of an earlier prediction is company-wide: shown only to callers who see every customer, unfiltered.
  const unfiltered = ctx.actor.dataScope === 'all' && !q['filter[ownerId]'] && !q['filter[departmentId]'] && !q['filter[province]'];
  let modelCheck: ClvDashboard['modelCheck'] = null;
  if (basis.runId !== null && unfiltered) {
    const [run] = await database.rows<{ check: Record<string, unknown> | null }>(sql`select parameters->'modelCheck' as check from analytics_runs where id = ${basis.runId}`);
    const c = run?.check;
    if (c && typeof c === 'object') {
      // refresh-analytics.ts names the holdout by its calibration end and the run's as-of; `predicted*` are the expectations.
      modelCheck = {
        from: day(c.from) ?? day(c.calibrationEnd),
        to: day(c.to) ?? basis.asOf,
        expectedPurchases: num(c.expectedPurchases) ?? num(c.predictedPurchases),
        actualPurchases: num(c.actualPurchases),
        expectedRevenue: num(c.expectedRevenue) ?? num(c.predictedRevenue),
        actualRevenue: num(c.actualRevenue),
      };
    }
  }
  const missing = noMetrics(basis);
  if (basis.runId !== null && bands.length === 0) missing.push('clv_scores');
  if (basis.runId !== null && modelCheck === null) missing.push(unfiltered ? 'model_check' : 'model_check_company_only');
  return {
    ...basis,
    customers: bands.reduce((n, b) => n + b.customers, 0),
    totalClv: totals?.clv ?? '0.00',
    histogram,
    top: top.map((t) => ({ customerId: Number(t.id), name: t.name, ownerName: t.owner_name, clv: t.clv, pAlive: t.p_alive === null ? null : Number(t.p_alive), rfmSegment: t.rfm_segment })),
    bySegment: ofKind(rows, 'clv_segment')
      .map((r) => ({ segment: r.k1, customers: r.customers, clv: r.clv, averageClv: r.avg_clv }))
      .sort((a, b) => Number(b.clv) - Number(a.clv)),
    byCohort: ofKind(rows, 'clv_cohort').map((r) => ({ cohort: r.k1, customers: r.customers, clv: r.clv, averageClv: r.avg_clv })),
    expectedNext: { purchases: totals?.expected_purchases ?? 0, revenue: totals?.expected_spend ?? '0.00' },
    modelCheck,
    missing,
  };
}

/** The filter bar as a condition on customers `c` (the live grain's filter, for lists of customers). */
function liveFilter(ctx: Ctx, q: DashboardQuery): SQL {
  const parts: SQL[] = [ownedBy(ctx.actor, sql`c.owner_id`)];
  if (q['filter[ownerId]']) parts.push(sql`c.owner_id = ${q['filter[ownerId]']}`);
  if (q['filter[departmentId]']) parts.push(sql`c.owner_id in ${departmentOwners(q['filter[departmentId]'])}`);
  if (q['filter[province]']) parts.push(sql`c.province = ${q['filter[province]']}`);
  if (q['filter[city]']) parts.push(sql`c.city = ${q['filter[city]']}`);
  return sql.join(parts, sql` and `);
}

export async function lifecycleDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<LifecycleDashboard> {
  const basis = await latestBasis(database);
  const rows = ofKind(await classRows(database, ctx, q, basis, ['lifecycle']), 'lifecycle');
  const flows = basis.runId === null ? [] : await flowRows(database, ctx, q, 'lifecycle_stage', { from: q.from, to: q.to });
  const missing = noMetrics(basis);
  if (basis.runId !== null && rows.length === 0) missing.push('orders');
  if (basis.runId !== null && flows.length === 0) missing.push('history');
  return {
    ...basis,
    stages: lifecycleStages.map((stage) => {
      const r = rows.find((x) => x.k1 === stage);
      return { stage, customers: r?.customers ?? 0, value: r?.value ?? '0.00', averageDaysInStage: r?.avg_days ?? null };
    }),
    flows: flows.map((f) => ({ from: f.from_value, to: f.to_value, customers: f.customers })),
    from: q.from ?? null,
    to: q.to ?? null,
    missing,
  };
}

export async function loyaltyDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<LoyaltyDashboard> {
  const basis = await latestBasis(database);
  const rows = await classRows(database, ctx, q, basis, ['loyalty_rk', 'loyalty_db']);
  const rk = ofKind(rows, 'loyalty_rk');
  const db = ofKind(rows, 'loyalty_db');
  const missing = noMetrics(basis);
  if (basis.runId !== null && rk.length === 0) missing.push('loyalty_scores');
  if (basis.runId !== null && db.length === 0) {
    // Dick & Basu needs attitude: satisfaction from done return visits (回访) or surveys.
    const [surveys] = await database.rows<{ n: number }>(sql`select count(*)::int as n from (select 1 from return_visits where satisfaction is not null and deleted_at is null limit 1) x`);
    missing.push(Number(surveys?.n ?? 0) === 0 ? 'satisfaction_surveys' : 'attitude_scores');
  }
  return { ...basis, reinartzKumar: rk.length ? byKeys(rk, loyaltyClasses) : [], dickBasu: db.length ? byKeys(db, attitudeClasses) : [], missing };
}

export async function cohortsDashboard(database: Database, ctx: Ctx, q: DashboardQuery): Promise<CohortsDashboard> {
  const [state] = await database.rows<{ refreshed_at: string | null }>(sql`select refreshed_at::text as refreshed_at from analytics_rollup_state`);
  const refreshedAt = state?.refreshed_at ? new Date(state.refreshed_at).toISOString() : null;
  const cohortFilter = (col: SQL): SQL => {
    const parts: SQL[] = [sql`true`];
    if (q.from) parts.push(sql`${col} >= date_trunc('month', ${q.from}::date)::date`);
    if (q.to) parts.push(sql`${col} <= ${q.to}::date`);
    // Without a period, the last two years of cohorts: older ones crowd the table without changing decisions.
    if (!q.from && !q.to) parts.push(sql`${col} >= (select max(cohort_month) from analytics_cohort_activity) - interval '23 months'`);
    return sql.join(parts, sql` and `);
  };
  const src = planSource(ctx, q, 'a');
  const inner =
    refreshedAt === null
      ? null
      : src.grain === 'live'
        ? liveCohortRows(src.customerFilter, cohortFilter(sql`f.cohort`))
        : sql`select a.cohort_month, a.activity_month, sum(a.customers)::int as customers, sum(a.orders)::int as orders, sum(a.revenue) as revenue
            from analytics_cohort_activity a where a.grain = ${src.grain} and ${src.where} and ${cohortFilter(sql`a.cohort_month`)}
            group by a.cohort_month, a.activity_month`;
  const rows = inner
    ? await database.rows<{ cohort: string; k: number; customers: number; revenue: string }>(sql`
        select to_char(x.cohort_month, 'YYYY-MM') as cohort,
          ((extract(year from x.activity_month) - extract(year from x.cohort_month)) * 12 + extract(month from x.activity_month) - extract(month from x.cohort_month))::int as k,
          x.customers, round(sum(x.revenue) over (partition by x.cohort_month), 2)::text as revenue
        from (${inner}) x order by 1, 2`)
    : [];
  const cohorts: CohortsDashboard['cohorts'] = [];
  for (const r of rows) {
    let c = cohorts[cohorts.length - 1];
    if (!c || c.cohort !== r.cohort) {
      // Month 0 holds every member of the cohort: they made their first purchase in it.
      c = { cohort: r.cohort, customers: Number(r.customers), revenue: r.revenue, retention: [] };
      cohorts.push(c);
    }
    c.retention.push({ month: Number(r.k), customers: Number(r.customers), share: c.customers ? Math.round((Number(r.customers) / c.customers) * 10_000) / 10_000 : 0 });
  }
  return { cohorts, refreshedAt, missing: refreshedAt === null ? ['metrics'] : cohorts.length === 0 ? ['orders'] : [] };
}
