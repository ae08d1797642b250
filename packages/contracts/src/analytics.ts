// The analytical CRM in the product (DESIGN §1.5): the settings an admin tunes, the keys of every
// stored class, and the shapes of runs. The pipeline (apps/server/src/analytics) reads the settings;
// the settings page explains each one and previews its effect before saving.
import { z } from 'zod';
import { customerTiers } from './service.js';
import { listPage } from './common.js';
import { customer } from './customers.js';

export const rfmSegmentKeys = [
  'champions',
  'loyal_customers',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose_them',
  'hibernating',
  'lost',
] as const;
export const abcClasses = ['A', 'B', 'C'] as const;
export const valueQuadrants = ['best', 'frequent', 'spender', 'uncertain'] as const;
export const lifecycleStages = ['acquisition', 'growth', 'maturity', 'decline', 'termination'] as const;
/** Reinartz & Kumar: loyalty (P(alive)) × profitability (margin). */
export const loyaltyClasses = ['true_friends', 'butterflies', 'barnacles', 'strangers'] as const;
/** Dick & Basu: relative attitude (satisfaction, where surveyed) × repeat patronage. */
export const attitudeClasses = ['loyalty', 'latent', 'spurious', 'none'] as const;
export const churnLevels = ['low', 'medium', 'high'] as const;
export const churnSignals = ['silence', 'falling_frequency', 'falling_spend', 'low_p_alive', 'overdue_payments', 'poor_survey', 'open_complaints'] as const;
/** Metrics whose changes are kept in customer_metric_history. */
export const trackedMetrics = ['rfm_segment', 'abc_class', 'lifecycle_stage', 'tier', 'loyalty_class', 'churn_level'] as const;
export const warningKinds = ['churn', 'overdue'] as const;
export const expenseCategories = ['travel', 'entertainment', 'gift', 'marketing', 'other'] as const;

const share = z.number().min(0).max(1);
const weight = z.number().min(0).max(10);

export const analyticsSettings = z
  .object({
    /** Nightly refresh: on or off, and the local time (HH:MM, GUANXI_TIMEZONE) it runs at. */
    schedule: z.object({
      enabled: z.boolean(),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
    }),
    /** As-of convention: purchases before today, or before the first day of the current month (complete months only). */
    asOf: z.enum(['today', 'month_start']),
    /** Only orders of the last N months count (0 = all history). */
    windowMonths: z.number().int().min(0).max(240),
    rfm: z.object({ method: z.enum(['ntile', 'quantile']) }),
    /** Cumulative value shares closing class A and class B (default 80% / 95%). */
    abc: z.object({ a: share, b: share }),
    clv: z.object({
      model: z.enum(['bgnbd', 'pareto-nbd']),
      unit: z.enum(['day', 'week']),
      /** Horizon of the predicted CLV, in months. */
      months: z.number().int().min(1).max(120),
      /** Monthly discount rate (e.g. 0.01 ≈ 12.7% a year). */
      discountRate: z.number().min(0).max(0.5),
      /** Value basis: revenue, or gross margin (profit contribution, 利润贡献). */
      basis: z.enum(['revenue', 'margin']),
      /** Horizon of "expected purchases next period", in days. */
      nextPeriodDays: z.number().int().min(1).max(730),
    }),
    lifecycle: z.object({
      /** A one-purchase customer younger than this (days) is still being acquired. */
      acquisitionDays: z.number().int().min(1).max(3650),
      matureMinPurchases: z.number().int().min(1).max(100),
      growthTrend: z.number().min(0).max(1),
      declineTrend: z.number().min(-1).max(0),
      /** Silence in own buying cycles: beyond decline → 衰退期, beyond termination → 终止期. */
      declineSilence: z.number().min(0.5).max(50),
      terminationSilence: z.number().min(0.5).max(100),
    }),
    tier: z.object({
      /** Weights of the criteria of 客户分级: business volume, prospects (predicted CLV), profit contribution, frequency, credit (payment punctuality). */
      weights: z.object({ volume: weight, prospects: weight, profit: weight, frequency: weight, credit: weight }),
      /** Score (0–1, by percentile rank) at or above which a customer is VIP / important. */
      cutoffs: z.object({ vip: share, important: share }),
      /** Write the computed tier to the customer's importance field, unless it was set by hand. */
      feedImportance: z.boolean(),
    }),
    churn: z.object({
      weights: z.object(Object.fromEntries(churnSignals.map((s) => [s, weight])) as Record<(typeof churnSignals)[number], typeof weight>),
      levels: z.object({ medium: share, high: share }),
    }),
    warnings: z.object({
      /** Open a churn warning (and a task) at this level or above; off when null. */
      churnLevel: z.enum(['medium', 'high']).nullable(),
      /** …only for customers of these tiers (empty = all). */
      churnTiers: z.array(z.enum(customerTiers)),
      /** Open an overdue warning when a customer's overdue balance is at least this (yuan) and its oldest instalment this many days overdue; off when null. */
      overdueAmount: z.number().min(0).nullable(),
      overdueDays: z.number().int().min(0).max(3650),
      /** Expense warning: expenses above this share of revenue in the period. */
      expenseRatio: share,
    }),
  })
  .superRefine((s, ctx) => {
    if (!(s.abc.a < s.abc.b)) ctx.addIssue({ code: 'custom', path: ['abc', 'b'], message: 'must be above the A cut-off' });
    if (!(s.tier.cutoffs.important < s.tier.cutoffs.vip)) ctx.addIssue({ code: 'custom', path: ['tier', 'cutoffs', 'vip'], message: 'must be above the important cut-off' });
    if (!(s.churn.levels.medium < s.churn.levels.high)) ctx.addIssue({ code: 'custom', path: ['churn', 'levels', 'high'], message: 'must be above the medium level' });
    if (!(s.lifecycle.declineSilence < s.lifecycle.terminationSilence)) ctx.addIssue({ code: 'custom', path: ['lifecycle', 'terminationSilence'], message: 'must be above the decline silence' });
    if (Object.values(s.tier.weights).every((w) => w === 0)) ctx.addIssue({ code: 'custom', path: ['tier', 'weights'], message: 'at least one weight must be above 0' });
    if (Object.values(s.churn.weights).every((w) => w === 0)) ctx.addIssue({ code: 'custom', path: ['churn', 'weights'], message: 'at least one weight must be above 0' });
  });
export type AnalyticsSettings = z.infer<typeof analyticsSettings>;

export const defaultAnalyticsSettings: AnalyticsSettings = {
  schedule: { enabled: true, time: '02:30' },
  asOf: 'today',
  windowMonths: 0,
  rfm: { method: 'ntile' },
  abc: { a: 0.8, b: 0.95 },
  clv: { model: 'bgnbd', unit: 'week', months: 12, discountRate: 0.01, basis: 'revenue', nextPeriodDays: 90 },
  lifecycle: { acquisitionDays: 90, matureMinPurchases: 4, growthTrend: 0.2, declineTrend: -0.3, declineSilence: 2, terminationSilence: 4 },
  tier: { weights: { volume: 0.4, prospects: 0.3, profit: 0.2, frequency: 0.1, credit: 0 }, cutoffs: { vip: 0.8, important: 0.6 }, feedImportance: true },
  churn: {
    weights: { silence: 0.3, falling_frequency: 0.15, falling_spend: 0.1, low_p_alive: 0.25, overdue_payments: 0.1, poor_survey: 0.05, open_complaints: 0.05 },
    levels: { medium: 0.3, high: 0.6 },
  },
  warnings: { churnLevel: 'high', churnTiers: ['vip', 'important'], overdueAmount: 10000, overdueDays: 30, expenseRatio: 0.1 },
};

export const analyticsRun = z.object({
  id: z.number().int(),
  mode: z.enum(['full', 'incremental']),
  trigger: z.enum(['schedule', 'manual', 'cli']),
  requestedBy: z.number().int().nullable(),
  requestedByName: z.string().nullable(),
  status: z.enum(['running', 'succeeded', 'failed']),
  asOf: z.iso.date(),
  settings: analyticsSettings,
  parameters: z.record(z.string(), z.unknown()).nullable(),
  counts: z.record(z.string(), z.unknown()).nullable(),
  progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }).nullable(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type AnalyticsRun = z.infer<typeof analyticsRun>;

export const refreshRequest = z.object({
  /** full rescoring, or only customers with orders changed since the last run (default full). */
  mode: z.enum(['full', 'incremental']).default('full'),
});

/** The stored settings with their optimistic-locking version (version 1 = the defaults, never saved). */
export const analyticsSettingsRecord = z.object({
  settings: analyticsSettings,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
  updatedBy: z.number().int().nullable(),
});
export type AnalyticsSettingsRecord = z.infer<typeof analyticsSettingsRecord>;
export const updateAnalyticsSettingsBody = z.strictObject({ settings: analyticsSettings, version: z.number().int().positive() });
export const previewAnalyticsSettingsBody = z.strictObject({ settings: analyticsSettings });

/** Customers per class of each stored score (metric → class key → count); `none` counts customers without that score. */
export const analyticsClassCounts = z.record(z.string(), z.record(z.string(), z.number().int()));
export type AnalyticsClassCounts = z.infer<typeof analyticsClassCounts>;
export const analyticsSettingsPreview = z.object({
  asOf: z.iso.date(),
  customers: z.number().int(),
  current: analyticsClassCounts,
  proposed: analyticsClassCounts,
});
export type AnalyticsSettingsPreview = z.infer<typeof analyticsSettingsPreview>;
export const analyticsRunList = listPage(analyticsRun);
/** Runs newest first, keyset-paged by id. */
export const analyticsRunListQuery = z.strictObject({
  status: z.enum(['running', 'succeeded', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

// ---- the customer analysis card (GET /customers/:id/analysis) and the scores on the customer list ----

/** Keys of the 10-segment RF grid (the 11-segment map's cant_lose_them is cant_lose there). */
export const rfSegmentKeys = ['champions', 'loyal_customers', 'potential_loyalists', 'new_customers', 'promising', 'need_attention', 'about_to_sleep', 'at_risk', 'cant_lose', 'hibernating'] as const;
/** Win-back stance by tier (客户流失的挽回态度): 关键客户极力挽回, 普通客户尽量挽回, 小客户见机行事, 不值得的放弃. */
// the same keys as warnings.ts warningStances, so the card and the warning's task name one playbook
export const winBackStances = ['win_back_hard', 'win_back', 'opportunistic', 'let_go'] as const;
/** How soon to act, from the churn level. */
export const actionUrgencies = ['act_now', 'watch', 'maintain'] as const;

const scoreDate = z.iso.date();
/** A decimal amount as the database gives it (may be negative: margins, net of returns). */
const scoreMoney = z.string().regex(/^-?\d+(\.\d+)?$/);

/** The scores a customer list item carries (null when the customer was never scored). */
export const customerScoreSummary = z.object({
  rfmSegment: z.enum(rfmSegmentKeys).nullable(),
  abcClass: z.enum(abcClasses).nullable(),
  lifecycleStage: z.enum(lifecycleStages).nullable(),
  tier: z.enum(customerTiers).nullable(),
  loyaltyClass: z.enum(loyaltyClasses).nullable(),
  churnLevel: z.enum(churnLevels).nullable(),
  churnScore: z.number().nullable(),
  clv: scoreMoney.nullable(),
  pAlive: z.number().nullable(),
  monetary: scoreMoney,
  recencyDays: z.number().int().nullable(),
});
export type CustomerScoreSummary = z.infer<typeof customerScoreSummary>;
/** The scores as customer fields: list columns, filters and sorts, and export columns on request. */
export const customerScoreFields = ['rfmSegment', 'abcClass', 'lifecycleStage', 'tier', 'loyaltyClass', 'churnLevel', 'churnScore', 'clv', 'pAlive', 'monetary', 'recencyDays'] as const satisfies ReadonlyArray<keyof CustomerScoreSummary>;

/** Every stored score of one customer, with the purchase summary it was computed from. */
export const customerScores = customerScoreSummary.extend({
  firstPurchaseOn: scoreDate.nullable(),
  lastPurchaseOn: scoreDate.nullable(),
  frequency: z.number().int(),
  margin: scoreMoney,
  averageOrderValue: scoreMoney.nullable(),
  rfmR: z.number().int().nullable(),
  rfmF: z.number().int().nullable(),
  rfmM: z.number().int().nullable(),
  rfSegment: z.enum(rfSegmentKeys).nullable(),
  valueShare: z.number().nullable(),
  valueQuadrant: z.enum(valueQuadrants).nullable(),
  expectedPurchases: z.number().nullable(),
  expectedSpend: z.number().nullable(),
  historicalValue: scoreMoney.nullable(),
  lifecycleSince: scoreDate.nullable(),
  tierScore: z.number().nullable(),
  attitudeClass: z.enum(attitudeClasses).nullable(),
});
export type CustomerScores = z.infer<typeof customerScores>;

export const customerMetricChange = z.object({
  metric: z.enum(trackedMetrics),
  fromValue: z.string().nullable(),
  toValue: z.string().nullable(),
  runId: z.number().int(),
  changedAt: z.iso.datetime({ offset: true }),
});
export type CustomerMetricChange = z.infer<typeof customerMetricChange>;

export const recommendedAction = z.object({
  stance: z.enum(winBackStances),
  urgency: z.enum(actionUrgencies),
  /** The tier the stance follows, and whether it was set by hand on the customer (which wins) or computed. */
  tier: z.enum(customerTiers),
  tierSource: z.enum(['manual', 'computed']),
});
export type RecommendedAction = z.infer<typeof recommendedAction>;

/** `scored: false` when no run has scored the customer yet, so the page can show an empty state. */
export const customerAnalysis = z.discriminatedUnion('scored', [
  z.object({ scored: z.literal(false), customerId: z.number().int() }),
  z.object({
    scored: z.literal(true),
    customerId: z.number().int(),
    runId: z.number().int(),
    /** Exclusive end of the observation the scores describe. */
    asOf: scoreDate,
    computedAt: z.iso.datetime({ offset: true }),
    scores: customerScores,
    /** Per score, the inputs and the rule or model behind its value, as the pipeline stored them. */
    reasons: z.record(z.string(), z.unknown()),
    /** Class changes of the tracked metrics, newest first. */
    history: z.array(customerMetricChange),
    /** Null when the customer has no tier yet. */
    recommendation: recommendedAction.nullable(),
  }),
]);
export type CustomerAnalysis = z.infer<typeof customerAnalysis>;

/** A customer list item: the customer and the scores of the last run (null when never scored). */
export const customerListItem = customer.extend({ scores: customerScoreSummary.nullable() });
export type CustomerListItem = z.infer<typeof customerListItem>;
