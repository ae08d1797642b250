// The analytical CRM's stored results: one metrics row per customer written by each refresh, the
// history of class changes (who moved from 成熟期 to 衰退期, and when), the runs themselves, the
// early warnings that became tasks, and the sales expenses the expense warning compares to revenue.
import { sql } from 'drizzle-orm';
import { bigint, date, doublePrecision, index, integer, json, jsonb, numeric, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => numeric(name, { precision: 16, scale: 2 });

/** One refresh of the scores: what triggered it, with which settings, the fitted parameters and what it changed. */
export const analyticsRuns = pgTable(
  'analytics_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    mode: text('mode', { enum: ['full', 'incremental'] }).notNull(),
    trigger: text('trigger', { enum: ['schedule', 'manual', 'cli'] }).notNull(),
    requestedBy: bigint('requested_by', { mode: 'number' }),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    /** Exclusive end of the observation: purchases on or after this day are not counted. */
    asOf: date('as_of').notNull(),
    /** The analytics settings the run used (a copy, so a later change does not rewrite history). */
    settings: jsonb('settings').notNull(),
    /** Fitted model parameters, standard errors, log-likelihood, convergence, breakpoints of the RFM and ABC classes. */
    parameters: jsonb('parameters'),
    /** Customers scored, class counts, changes by metric, warnings opened and closed. */
    counts: jsonb('counts'),
    /** Phase and rows done while running, for the progress bar. */
    progress: jsonb('progress'),
    /** High-water mark of orders.updated_at read by this run: an incremental run rescans orders after it. */
    ordersSeenUntil: ts('orders_seen_until'),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    durationMs: integer('duration_ms'),
    error: text('error'),
  },
  (t) => [index('analytics_runs_started_idx').on(t.startedAt)],
);

/**
 * Every score of a customer from the last run that scored it. Class columns hold the library's keys
 * (rfm-segments.ts, abc.ts, lifecycle.ts, tier.ts, loyalty.ts, churn.ts); `reasons` holds, per
 * score, the inputs and the rule or model that gave its value.
 */
export const customerMetrics = pgTable(
  'customer_metrics',
  {
    customerId: bigint('customer_id', { mode: 'number' })
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    asOf: date('as_of').notNull(),
    // purchase summary (orders confirmed or fulfilled, net of returns)
    firstPurchaseOn: date('first_purchase_on'),
    lastPurchaseOn: date('last_purchase_on'),
    recencyDays: integer('recency_days'),
    frequency: integer('frequency').notNull().default(0),
    monetary: money('monetary').notNull().default('0'),
    margin: money('margin').notNull().default('0'),
    averageOrderValue: money('average_order_value'),
    // RFM (1–5 each, 5 best) and the segment maps
    rfmR: smallint('rfm_r'),
    rfmF: smallint('rfm_f'),
    rfmM: smallint('rfm_m'),
    rfmSegment: text('rfm_segment'),
    rfSegment: text('rf_segment'),
    // ABC / Pareto and the value matrix
    abcClass: text('abc_class', { enum: ['A', 'B', 'C'] }),
    /** Cumulative share of value up to and including this customer, ranked by value. */
    valueShare: doublePrecision('value_share'),
    valueQuadrant: text('value_quadrant', { enum: ['best', 'frequent', 'spender', 'uncertain'] }),
    // lifetime value
    pAlive: doublePrecision('p_alive'),
    expectedPurchases: doublePrecision('expected_purchases'),
    expectedSpend: doublePrecision('expected_spend'),
    clv: money('clv'),
    historicalValue: money('historical_value'),
    // stages and classes
    lifecycleStage: text('lifecycle_stage', { enum: ['acquisition', 'growth', 'maturity', 'decline', 'termination'] }),
    lifecycleSince: date('lifecycle_since'),
    tier: text('tier', { enum: ['vip', 'important', 'ordinary'] }),
    tierScore: doublePrecision('tier_score'),
    loyaltyClass: text('loyalty_class', { enum: ['true_friends', 'butterflies', 'barnacles', 'strangers'] }),
    attitudeClass: text('attitude_class', { enum: ['loyalty', 'latent', 'spurious', 'none'] }),
    churnScore: doublePrecision('churn_score'),
    churnLevel: text('churn_level', { enum: ['low', 'medium', 'high'] }),
    // json, not jsonb: a full run writes a million of them and reads them back one card at a time;
    // jsonb's parse took 2.3 s of a full run's write at 1M customers, json's check 0.6 s
    reasons: json('reasons').$type<Record<string, unknown>>().notNull().default(sql`'{}'::json`),
    computedAt: ts('computed_at').notNull().defaultNow(),
  },
  (t) => [
    index('customer_metrics_rfm_segment_idx').on(t.rfmSegment, t.customerId),
    index('customer_metrics_abc_idx').on(t.abcClass, t.customerId),
    index('customer_metrics_lifecycle_idx').on(t.lifecycleStage, t.customerId),
    index('customer_metrics_churn_idx').on(t.churnLevel, t.churnScore),
    index('customer_metrics_clv_idx').on(t.clv, t.customerId),
    index('customer_metrics_tier_idx').on(t.tier, t.customerId),
    // The churn early-warning list's order (high first, most value at stake): its page walks this
    // index instead of sorting every medium- and high-risk customer; clv in the key totals it alone.
    index('customer_metrics_churn_page_idx')
      .on(sql`(churn_level = 'high') desc`, t.clv.desc().nullsLast(), t.churnScore.desc().nullsLast(), t.customerId)
      .where(sql`churn_level in ('medium', 'high')`),
  ],
);

/** A customer's move from one class to another, as found by a run (metric: rfm_segment, abc_class, lifecycle_stage, tier, loyalty_class, churn_level). */
export const customerMetricHistory = pgTable(
  'customer_metric_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: bigint('customer_id', { mode: 'number' })
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    metric: text('metric').notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    changedAt: ts('changed_at').notNull().defaultNow(),
  },
  (t) => [
    index('customer_metric_history_customer_idx').on(t.customerId, t.changedAt),
    index('customer_metric_history_run_idx').on(t.runId, t.metric),
  ],
);

/**
 * An early warning (预警) about one customer that crossed its threshold: opened once, with a task for
 * the owner; closed when the task is done or the cause is gone. At most one open warning per customer and kind.
 */
export const customerWarnings = pgTable(
  'customer_warnings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: bigint('customer_id', { mode: 'number' })
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['churn', 'overdue'] }).notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }),
    level: text('level', { enum: ['medium', 'high'] }).notNull(),
    /** Churn score or overdue amount at opening, and the latest seen. */
    score: doublePrecision('score'),
    amount: money('amount'),
    reasons: jsonb('reasons').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    taskId: bigint('task_id', { mode: 'number' }),
    openedAt: ts('opened_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
    closedBecause: text('closed_because', { enum: ['task_done', 'cause_gone'] }),
  },
  (t) => [
    uniqueIndex('customer_warnings_open_key').on(t.customerId, t.kind).where(sql`closed_at is null`),
    index('customer_warnings_owner_idx').on(t.ownerId, t.kind).where(sql`closed_at is null`),
  ],
);

/** A sales expense (销售费用) of a user, optionally for one customer, for the expense-vs-revenue warning. */
export const salesExpenses = pgTable(
  'sales_expenses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    customerId: bigint('customer_id', { mode: 'number' }).references(() => customers.id),
    spentOn: date('spent_on').notNull(),
    amount: money('amount').notNull(),
    category: text('category', { enum: ['travel', 'entertainment', 'gift', 'marketing', 'other'] }).notNull(),
    note: text('note'),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [
    index('sales_expenses_user_idx').on(t.userId, t.spentOn).where(sql`deleted_at is null`),
    index('sales_expenses_customer_idx').on(t.customerId).where(sql`deleted_at is null and customer_id is not null`),
  ],
);
