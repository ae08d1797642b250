// The analytics dashboards (issue #7): one response shape per dashboard under /api/v1/analytics/…
// and the filter bar they share. Money is a decimal string; shares and averages are numbers.
import { z } from 'zod';
import { abcClasses, attitudeClasses, lifecycleStages, loyaltyClasses, valueQuadrants } from './analytics.js';

const isoDate = z.iso.date();
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const place = z.string().trim().min(1).max(50);
const amount = z.string();

/** The filter bar of every dashboard. The period applies where a chart is about orders or changes over time. */
export const dashboardQuery = z
  .strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    'filter[ownerId]': queryId.optional(),
    /** The department and its sub-departments (by the customers' owners). */
    'filter[departmentId]': queryId.optional(),
    'filter[province]': place.optional(),
    'filter[city]': place.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'to must not be before from', path: ['to'] })
  .refine((q) => !q['filter[city]'] || q['filter[province]'], { message: 'a city needs its province', path: ['filter[city]'] });
export type DashboardQuery = z.infer<typeof dashboardQuery>;

/** Which analytics run the numbers come from; null before the first refresh. */
const basis = {
  runId: z.number().int().nullable(),
  asOf: isoDate.nullable(),
};
/** Keys of data a dashboard needs and does not have (e.g. `metrics` before the first refresh, `surveys` for Dick & Basu). */
const missing = z.array(z.string());

const classRow = <T extends z.ZodType>(key: T) => z.object({ key, customers: z.number().int(), value: amount, customerShare: z.number().nullable(), valueShare: z.number().nullable() });

export const paretoDashboard = z.object({
  ...basis,
  customers: z.number().int(),
  customersWithoutValue: z.number().int(),
  totalValue: amount,
  /** Customers ranked by value, best first: cumulative share of customers (x) and of value (y), at most 200 points from (0,0) to (1,1). */
  curve: z.array(z.object({ customerShare: z.number(), valueShare: z.number() })),
  abc: z.array(classRow(z.enum(abcClasses))),
  /** Share of value of the best 20% of customers (interpolated inside the value band where the 20% line falls). */
  top20Share: z.number().nullable(),
  missing,
});
export type ParetoDashboard = z.infer<typeof paretoDashboard>;

export const rfmDashboard = z.object({
  ...basis,
  /** R (1–5, 5 = most recent) × F (1–5, 5 = most frequent): customers and their value. */
  cells: z.array(z.object({ r: z.number().int(), f: z.number().int(), customers: z.number().int(), value: amount })),
  segments: z.array(z.object({ segment: z.string(), customers: z.number().int(), value: amount, movedIn: z.number().int(), movedOut: z.number().int() })),
  /** Moves between segments found by the latest run (from → to; from null = newly scored). */
  moves: z.array(z.object({ from: z.string().nullable(), to: z.string().nullable(), customers: z.number().int() })),
  missing,
});
export type RfmDashboard = z.infer<typeof rfmDashboard>;

export const valueMatrixDashboard = z.object({
  ...basis,
  quadrants: z.array(classRow(z.enum(valueQuadrants))),
  missing,
});
export type ValueMatrixDashboard = z.infer<typeof valueMatrixDashboard>;

export const clvDashboard = z.object({
  ...basis,
  customers: z.number().int(),
  totalClv: amount,
  /** Histogram of predicted CLV in value bands (lower bound inclusive, upper exclusive; ¥). */
  histogram: z.array(z.object({ from: amount, to: amount, customers: z.number().int() })),
  top: z.array(z.object({ customerId: z.number().int(), name: z.string(), ownerName: z.string().nullable(), clv: amount, pAlive: z.number().nullable(), rfmSegment: z.string().nullable() })),
  bySegment: z.array(z.object({ segment: z.string(), customers: z.number().int(), clv: amount, averageClv: amount })),
  /** By acquisition cohort: the quarter of the first purchase, e.g. 2025-Q3. */
  byCohort: z.array(z.object({ cohort: z.string(), customers: z.number().int(), clv: amount, averageClv: amount })),
  /** Predicted purchases and revenue for the next period over the customers shown. */
  expectedNext: z.object({ purchases: z.number(), revenue: amount }),
  /** The run's own check of an earlier prediction against what happened (company-wide; null when filtered, scoped or not yet measurable). */
  modelCheck: z
    .object({
      from: isoDate.nullable(),
      to: isoDate.nullable(),
      expectedPurchases: z.number().nullable(),
      actualPurchases: z.number().nullable(),
      expectedRevenue: z.number().nullable(),
      actualRevenue: z.number().nullable(),
    })
    .nullable(),
  missing,
});
export type ClvDashboard = z.infer<typeof clvDashboard>;

export const lifecycleDashboard = z.object({
  ...basis,
  stages: z.array(z.object({ stage: z.enum(lifecycleStages), customers: z.number().int(), value: amount, averageDaysInStage: z.number().nullable() })),
  /** Moves between stages found by runs whose as-of date lies in the period (Sankey links; from null = first scored). */
  flows: z.array(z.object({ from: z.string().nullable(), to: z.string().nullable(), customers: z.number().int() })),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  missing,
});
export type LifecycleDashboard = z.infer<typeof lifecycleDashboard>;

export const loyaltyDashboard = z.object({
  ...basis,
  /** Reinartz & Kumar: loyalty (P(alive)) × profitability. Empty when not scored. */
  reinartzKumar: z.array(classRow(z.enum(loyaltyClasses))),
  /** Dick & Basu: relative attitude (satisfaction) × repeat patronage. Empty without satisfaction surveys. */
  dickBasu: z.array(classRow(z.enum(attitudeClasses))),
  missing,
});
export type LoyaltyDashboard = z.infer<typeof loyaltyDashboard>;

export const cohortsDashboard = z.object({
  /** First-purchase months in the period (all when no period), oldest first, with the share of the cohort buying in month k (k = 0 is the first month). */
  cohorts: z.array(z.object({ cohort: z.string(), customers: z.number().int(), revenue: amount, retention: z.array(z.object({ month: z.number().int(), customers: z.number().int(), share: z.number() })) })),
  refreshedAt: z.iso.datetime({ offset: true }).nullable(),
  missing,
});
export type CohortsDashboard = z.infer<typeof cohortsDashboard>;
