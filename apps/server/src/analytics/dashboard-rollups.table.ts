// Pre-aggregated tables behind the analytics dashboards, so that each answers from a few thousand
// rows instead of a million customers or ten million orders. Refreshed by dashboard-rollups.ts at
// the end of every analytics run. Each table is kept at two grains — by owner (scope, owner and
// department filters) and by province (region filters) — and filters that need both read live.
import { bigint, date, index, integer, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Counts and sums of customer_metrics per class of each dashboard (`kind`: abc, rf, segment, quadrant,
 * value_band, clv_band, clv_segment, clv_cohort, lifecycle, loyalty_rk, loyalty_db, totals), for the latest run.
 */
export const analyticsMetricRollups = pgTable(
  'analytics_metric_rollups',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
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
  (t) => [index('analytics_metric_rollups_kind_idx').on(t.runId, t.kind, t.grain)],
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
    refreshedAt: timestamp('refreshed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('analytics_cohort_activity_idx').on(t.grain, t.cohortMonth)],
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
