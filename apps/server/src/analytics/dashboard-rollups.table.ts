// Pre-aggregated tables behind the analytics dashboards, so that each answers from a few thousand
// rows instead of a million customers or ten million orders. Refreshed by dashboard-rollups.ts at
// the end of every analytics run: rebuilt by a full run, updated by the changed customers' delta
// by an incremental one. Each table is kept at two grains — by owner (scope, owner and department
// filters) and by province (region filters) — and filters that need both read live.
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, numeric, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** Which run the rollups reflect (one row): the dashboards' as-of, and the mark an incremental update starts from. */
export const analyticsRollupState = pgTable(
  'analytics_rollup_state',
  {
    id: integer('id').primaryKey().default(1),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    /** Customers changed (owner, region, deletion) after this instant may be rolled up under their old values. */
    customersSeenUntil: timestamp('customers_seen_until', { withTimezone: true, mode: 'date' }).notNull(),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * Bumped when the rollups change outside a refresh (customers deleted for good take their part
     * away): a delta read against another revision is not applied, the run rebuilds instead.
     */
    revision: integer('revision').notNull().default(0),
  },
  () => [check('analytics_rollup_state_single', sql`id = 1`)],
);

/**
 * What each customer counts for in the rollups, as of the last refresh: owner and province then, and
 * the counted orders' months and net revenue in (date, id) order (null without one). An incremental
 * refresh subtracts this for the customers it updates, so it needs no pass over everyone.
 */
export const analyticsRollupCustomers = pgTable('analytics_rollup_customers', {
  customerId: bigint('customer_id', { mode: 'number' }).primaryKey(),
  ownerId: bigint('owner_id', { mode: 'number' }),
  province: text('province').notNull(),
  orderMonths: date('order_months').array(),
  orderRevenue: numeric('order_revenue').array(),
});

/**
 * Counts and sums of customer_metrics per class of each dashboard (`kind`: abc, rf, segment, quadrant,
 * value_band, clv_band, clv_segment, clv_cohort, lifecycle, loyalty_rk, loyalty_db, totals), for the run in analytics_rollup_state.
 */
export const analyticsMetricRollups = pgTable(
  'analytics_metric_rollups',
  {
    grain: text('grain', { enum: ['owner', 'province'] }).notNull(),
    /** Set on the owner grain (null = pool customers). */
    ownerId: bigint('owner_id', { mode: 'number' }),
    /** Set on the province grain ('' = unknown). */
    province: text('province'),
    kind: text('kind').notNull(),
    k1: text('k1').notNull(),
    k2: text('k2').notNull(),
    customers: integer('customers').notNull(),
    value: numeric('value').notNull(),
    clv: numeric('clv').notNull(),
    /** Sum of days spent so far in the current lifecycle stage (lifecycle rows). */
    days: bigint('days', { mode: 'number' }).notNull(),
    /** Sums of expected purchases and spend next period (totals rows). */
    expectedPurchases: numeric('expected_purchases').notNull(),
    expectedSpend: numeric('expected_spend').notNull(),
  },
  // the key an incremental refresh adds its delta on, and the dashboards' (grain, kind) lookup
  (t) => [unique('analytics_metric_rollups_key').on(t.grain, t.kind, t.ownerId, t.province, t.k1, t.k2).nullsNotDistinct()],
);

/** Customers (by first-purchase month) buying in each later month, with their orders and net revenue. */
export const analyticsCohortActivity = pgTable(
  'analytics_cohort_activity',
  {
    grain: text('grain', { enum: ['owner', 'province'] }).notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }),
    province: text('province'),
    cohortMonth: date('cohort_month').notNull(),
    activityMonth: date('activity_month').notNull(),
    customers: integer('customers').notNull(),
    orders: integer('orders').notNull(),
    revenue: numeric('revenue').notNull(),
  },
  (t) => [unique('analytics_cohort_activity_key').on(t.grain, t.cohortMonth, t.ownerId, t.province, t.activityMonth).nullsNotDistinct()],
);

/** Class changes of customer_metric_history per run (dated by the run's as-of day), for flows and movements. */
export const analyticsFlowRollups = pgTable(
  'analytics_flow_rollups',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    day: date('day').notNull(),
    metric: text('metric').notNull(),
    grain: text('grain', { enum: ['owner', 'province'] }).notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }),
    province: text('province'),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    customers: integer('customers').notNull(),
  },
  (t) => [index('analytics_flow_rollups_metric_idx').on(t.metric, t.grain, t.day), index('analytics_flow_rollups_run_idx').on(t.runId, t.metric)],
);
